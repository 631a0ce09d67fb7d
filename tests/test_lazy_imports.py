"""`import nanclean` stays light: pandera and pandas (about 1.4 s together) load
only when a schema or a pandas frame is used. Each case runs in a fresh
interpreter, since this test process has imported them long ago."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pandera", "pandas")


def loaded_after(statement: str, tmp_path: Path) -> list[str]:
    """The heavy top-level packages in ``sys.modules`` after ``statement``."""
    code = (
        "import json, sys, polars as pl, nanclean; "
        f"{statement}; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & "
        f"{set(HEAVY)!r})))"
    )
    return list(printed_by(code, tmp_path))


def printed_by(code: str, tmp_path: Path) -> object:
    """What ``code`` prints last (JSON), run in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "statement",
    [
        "pass",
        "nanclean.scan(pl.DataFrame({'a': [1.0, float('inf'), 2.0]}))",
        "pl.DataFrame({'a': [1.0, None, 2.0]}).write_csv('a.csv'); "
        "nanclean.scan('a.csv').to_json()",
        "nanclean.CleanConfig(); nanclean.Plan; nanclean.FindingKind('nan')",
        # clean proves its own output with the vectorised contract check
        "nanclean.clean(pl.DataFrame({'a': [1.0, 2.0, 3.0]})).to_numpy()",
        "nanclean.load_schema",
    ],
    ids=["import", "scan-polars", "scan-csv", "declarations", "clean", "schema-name"],
)
def test_pandera_and_pandas_are_not_imported(statement: str, tmp_path: Path) -> None:
    assert loaded_after(statement, tmp_path) == []


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            "nanclean.Cleaner().fit(pl.DataFrame({'a': [1.0, 2.0, 3.0]})).schema",
            ["pandas", "pandera"],
        ),
        (
            "import pandas as pd; nanclean.scan(pd.DataFrame({'a': [1.0, 2.0]}))",
            ["pandas"],
        ),
    ],
    ids=["schema", "pandas-input"],
)
def test_they_load_when_used(
    statement: str, expected: list[str], tmp_path: Path
) -> None:
    assert loaded_after(statement, tmp_path) == expected


def test_import_nanclean_loads_no_engine(tmp_path: Path) -> None:
    """The public names load on first use: ``import nanclean`` alone imports
    neither polars nor numpy, and the first name used brings its module."""
    code = (
        "import json, sys, nanclean; "
        "before = sorted({m.split('.')[0] for m in sys.modules} & {'polars', 'numpy'}); "
        "nanclean.scan; "
        "after = sorted({m.split('.')[0] for m in sys.modules} & {'polars', 'numpy'}); "
        "print(json.dumps([before, after]))"
    )
    assert printed_by(code, tmp_path) == [[], ["numpy", "polars"]]
