# Everything the project needs is installed by this file: a fresh machine needs only Python.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TORCH_PIN := torch==2.13.0
# setuptools prints an informational "Editable installation ... be careful with folders
# named like your package" note on every editable install of a flat layout; it is not
# about this project's packaging (tests/test_packaging.py builds the wheel without a
# warning), so the install keeps quiet about that one module's notes only.
EDITABLE_NOTICE_OFF := PYTHONWARNINGS="ignore::UserWarning:setuptools.command.editable_wheel"

.PHONY: venv demo test lint typecheck pytest bench browser clean

venv: $(STAMP)

# torch is pinned and installed FIRST: an unpinned torch would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_PIN)"
	$(EDITABLE_NOTICE_OFF) $(BIN)/python -m pip install --quiet -e ".[torch,keras,scale,dev,corpus]"
	touch $(STAMP)

# Debian's chromium for the browser tests (never `playwright install`).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

demo: venv
	KERAS_BACKEND=torch $(BIN)/nanclean demo

lint: venv
	$(BIN)/ruff check nanclean tests bench examples
	$(BIN)/ruff format --check nanclean tests bench examples
	$(BIN)/mypy

pytest: venv browser
	KERAS_BACKEND=torch SCIPY_ARRAY_API=1 $(BIN)/python -m pytest -q

test: lint pytest

bench: venv
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
