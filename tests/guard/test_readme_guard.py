"""README's "When the loss still goes NaN" runs, and prints what it says it prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).parents[2] / "README.md"
SECTION = "## When the loss still goes NaN"

pytestmark = pytest.mark.e2e


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    return text[start : end if end != -1 else None]


def _expected(code: str) -> list[str]:
    """The '# ...' lines right after each print(...): the output, in order."""
    out: list[str] = []
    lines = code.splitlines()
    for i, line in enumerate(lines):
        if line.lstrip().startswith("print("):
            j = i + 1
            while j < len(lines) and lines[j].lstrip().startswith("# "):
                out.append(lines[j].lstrip()[2:])
                j += 1
    return out


def test_the_guard_section_of_the_readme_runs(tmp_path):
    code = "\n".join(re.findall(r"```python\n(.*?)```", _section(), re.S))
    expected = _expected(code)
    assert len(expected) >= 6
    env = {**os.environ, "KERAS_BACKEND": "torch", "KERAS_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    printed = done.stdout.splitlines()
    assert len(printed) == len(expected), done.stdout
    for got, want in zip(printed, expected, strict=True):
        if want.endswith("..."):  # a long line, shown cut
            assert got.startswith(want[:-3].rstrip()), (got, want)
        else:
            assert got == want
    assert (tmp_path / "quarantine.json").is_file()
    assert 'id="incidents"' in (tmp_path / "audit.html").read_text(encoding="utf-8")
