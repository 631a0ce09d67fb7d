"""README.md runs as written: every code block, in order, from a fresh folder.

The blocks are read from the README itself, so a section added later is run
too. Python blocks share one interpreter (each may build on the ones before);
shell blocks run in bash with the venv's ``nanclean`` on the PATH; TOML blocks
are config files and must load as a ``CleanConfig``. The working folder is a
new temporary one holding a copy of ``sample_data/``.

Lines skipped, with the reason:
- ``make demo`` and ``make test`` in the Quickstart: ``make test`` runs this
  test (it would recurse) and both rebuild the venv; ``nanclean demo``, what
  ``make demo`` runs, is in the Command line block and runs here.
- ``make venv`` in "Larger than memory": it rebuilds the venv this test runs in.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
LANGUAGES = {
    "python": "python",
    "py": "python",
    "pycon": "python",
    "sh": "shell",
    "shell": "shell",
    "bash": "shell",
    "console": "shell",
    "toml": "toml",
}
SKIPPED = {
    "make demo": "rebuilds the venv; `nanclean demo` (what it runs) is run instead",
    "make test": "runs this very test: it would recurse",
    "make venv": "rebuilds the venv this test runs in (with the scale extra)",
}

# Runs in the subprocess: the blocks, in order, in one namespace. Guarded by
# __main__: the Dask block's worker processes are spawned and import the driver.
DRIVER = textwrap.dedent(
    """
    import json, subprocess, sys


    def main():
        blocks = json.load(open(sys.argv[1], encoding="utf-8"))
        namespace = {"__name__": "__main__"}
        for i, b in enumerate(blocks):
            print(f"=== README block {i + 1}/{len(blocks)}: {b['language']}, "
                  f"line {b['line']}", flush=True)
            if b["language"] == "python":
                # padded so that a traceback names the README's own line numbers
                code = "\\n" * (b["line"] - 1) + b["code"]
                exec(compile(code, "README.md", "exec"), namespace)
            elif b["language"] == "shell":
                subprocess.run(
                    ["bash", "-e", "-o", "pipefail", "-c", b["code"]], check=True
                )
            elif b["language"] == "toml":
                import nanclean
                path = f"readme_block_{i + 1}.toml"
                open(path, "w", encoding="utf-8").write(b["code"])
                nanclean.CleanConfig.from_file(path)
            sys.stdout.flush()
        print("=== every README block ran", flush=True)


    if __name__ == "__main__":
        main()
    """
)


@dataclass
class Block:
    language: str
    code: str
    line: int  # the README line of the block's first line of code


def readme_blocks(text: str) -> list[Block]:
    """Every fenced code block in a language that runs, with skipped lines removed."""
    blocks = []
    for match in FENCE.finditer(text):
        language = LANGUAGES.get(match.group(1).lower())
        if language is None:
            continue
        code = match.group(2)
        if language == "shell":
            code = "\n".join(
                "# skipped: " + line
                if line.strip().startswith(tuple(SKIPPED))
                else line
                for line in code.splitlines()
            )
        line = text.count("\n", 0, match.start(2)) + 1
        blocks.append(Block(language, code, line))
    return blocks


def test_the_block_reader_finds_every_kind_of_block() -> None:
    text = (
        "intro\n```python\nx = 1\n```\n\n```sh\nmake test  # slow\necho hi\n```\n"
        "```text\nnot run\n```\n```toml\nloss = 'bce'\n```\n"
    )
    blocks = readme_blocks(text)
    assert [(b.language, b.line) for b in blocks] == [
        ("python", 3),
        ("shell", 7),
        ("toml", 14),
    ]
    assert blocks[1].code == "# skipped: make test  # slow\necho hi"


def test_every_readme_block_runs_in_order(tmp_path: Path) -> None:
    blocks = readme_blocks(README.read_text(encoding="utf-8"))
    kinds = {b.language for b in blocks}
    assert {"python", "shell"} <= kinds, "the README lost its code blocks?"
    shutil.copytree(
        ROOT / "sample_data",
        tmp_path / "sample_data",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (tmp_path / "blocks.json").write_text(
        json.dumps([asdict(b) for b in blocks]), encoding="utf-8"
    )
    (tmp_path / "driver.py").write_text(DRIVER, encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "nanclean").exists(), "the venv's nanclean script is missing"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "KERAS_BACKEND": "torch",
        "KERAS_HOME": str(tmp_path / ".keras"),
        "MPLCONFIGDIR": str(tmp_path / ".matplotlib"),
        "PYTHONPATH": "",
    }
    run = subprocess.run(
        [sys.executable, "driver.py", "blocks.json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    output = run.stdout + "\n" + run.stderr
    if run.returncode != 0:
        pytest.fail(
            f"A README block failed (exit {run.returncode}); the last one started "
            f"is named below.\n{output[-6000:]}",
            pytrace=False,
        )
    # a newcomer sees no warning from nanclean itself
    assert not re.search(r"nanclean/\S+\.py:\d+: \w*Warning", run.stderr), run.stderr
    assert "NancleanWarning" not in run.stderr and "BuildBackendWarning" not in output
    started = run.stdout.count("=== README block ")
    assert started == len(blocks) and "=== every README block ran" in run.stdout
    # what the blocks promise to leave behind, in the fresh folder
    for made in ("plan.json", "audit.html", "clean.parquet", "schemas/ecommerce.yaml"):
        assert (tmp_path / made).exists(), made
