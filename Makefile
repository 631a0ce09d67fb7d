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

.PHONY: venv demo test lint typecheck pytest bench bench-venv bench-report browser clean

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

# bench/run.py rewrites RESULTS.md and keeps what follows its scaling sections,
# where one_read.py and report_compare.py write theirs.
bench: venv bench-venv
	$(BIN)/python bench/run.py
	$(BIN)/python bench/one_read.py
	$(BENCH_VENV)/bin/python bench/report_compare.py

# The report against ydata-profiling and skrub (the `bench` extra) runs in a venv of
# its own: ydata-profiling pins numpy < 2.4 and pandas < 3, which would downgrade
# the project venv. `make test` never installs it.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: pyproject.toml
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(EDITABLE_NOTICE_OFF) $(BENCH_VENV)/bin/python -m pip install --quiet -e ".[bench]"
	touch $@

bench-venv: $(BENCH_VENV)/.installed

bench-report: bench-venv
	$(BENCH_VENV)/bin/python bench/report_compare.py

clean:
	rm -rf $(VENV) $(BENCH_VENV) .pytest_cache .mypy_cache .ruff_cache
