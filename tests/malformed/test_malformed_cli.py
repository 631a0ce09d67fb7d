"""Catalogue, command line: misuse ends in one line on stderr naming the argument
or path, exit code 2 (usage) — never a Python traceback. Input files are never
changed. See ``catalogue.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from nanclean.cli import app

from .catalogue import GOOD, a_file, case, write

runner = CliRunner()


def data_csv(tmp: Path) -> Path:
    path = tmp / "data.csv"
    pl.DataFrame(GOOD).write_csv(path)
    return path


def plan_json(tmp: Path) -> Path:
    import nanclean as nc

    path = tmp / "plan.json"
    nc.Cleaner().fit(pl.DataFrame(GOOD), target="y").save(path)
    return path


def cli(*args: str) -> Callable[[Any], Any]:
    """Run ``nanclean *args``; ``{data}``, ``{tmp}``, ``{extra}`` are filled in."""

    def call(paths: tuple[Path, ...]) -> Any:
        data, *rest = paths
        fill = {
            "data": str(data),
            "tmp": str(data.parent),
            "extra": str(rest[0]) if rest else "",
        }
        return runner.invoke(app, [a.format(**fill) for a in args])

    return call


def fails(code: int, *names: str) -> Callable[[Any, Any], None]:
    def check(paths: Any, result: Any) -> None:
        assert result.exit_code == code, (
            result.exit_code,
            result.stderr,
            result.stdout,
        )
        assert "Traceback" not in result.stderr + result.stdout
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        for name in names:
            assert name in lines[0], f"{name!r} not in {lines[0]!r}"

    return check


def inputs(*extra: Callable[[Path], Path]) -> Callable[[Path], tuple[Path, ...]]:
    def make(tmp: Path) -> tuple[Path, ...]:
        return (data_csv(tmp), *(e(tmp) for e in extra))

    return make


def directory(name: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        (tmp / name).mkdir(parents=True)
        return tmp / name

    return make


DEEP_PLAN = "{" + '"columns": ' + "[" * 100_000 + "]" * 100_000 + "}"
GARBAGE = bytes(range(128, 256)) * 4


def _plan_with(
    change: Callable[[dict[str, Any]], None], name: str
) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        plan = json.loads(plan_json(tmp).read_text())
        change(plan)
        return write(tmp, name, json.dumps(plan).replace('"@@"', "NaN"))

    return make


CLI_CASES = [
    case(
        "output-is-a-directory",
        inputs(directory("out.csv")),
        cli("clean", "{data}", "-o", "{extra}"),
        None,
        check=fails(2, "--output", "out.csv", "directory"),
    ),
    case(
        "output-under-a-regular-file",
        inputs(a_file("blocker", "x")),
        cli("clean", "{data}", "-o", "{extra}/out.csv"),
        None,
        check=fails(2, "--output", "blocker"),
    ),
    case(
        "parquet-output-is-a-directory",
        inputs(directory("out.parquet")),
        cli("clean", "{data}", "-o", "{extra}"),
        None,
        check=fails(2, "--output", "out.parquet"),
    ),
    case(
        "html-under-a-regular-file",
        inputs(a_file("blocker", "x")),
        cli("scan", "{data}", "--html", "{extra}/audit.html"),
        None,
        check=fails(2, "--html", "blocker"),
    ),
    case(
        "html-is-a-directory",
        inputs(directory("audit.html")),
        cli("scan", "{data}", "--html", "{extra}"),
        None,
        check=fails(2, "--html", "audit.html"),
    ),
    case(
        "json-under-a-regular-file",
        inputs(a_file("blocker", "x")),
        cli("scan", "{data}", "--json", "{extra}/audit.json"),
        None,
        check=fails(2, "--json", "blocker"),
    ),
    case(
        "plan-under-a-regular-file",
        inputs(a_file("blocker", "x")),
        cli("clean", "{data}", "-o", "{tmp}/out.csv", "--plan", "{extra}/plan.json"),
        None,
        check=fails(2, "--plan", "blocker"),
    ),
    case(
        "plan-output-is-a-directory",
        inputs(directory("plan.json")),
        cli("clean", "{data}", "-o", "{tmp}/out.csv", "--plan", "{extra}"),
        None,
        check=fails(2, "--plan", "plan.json"),
    ),
    case(
        "schema-under-a-regular-file",
        inputs(a_file("blocker", "x")),
        cli("schema", "{data}", "-o", "{extra}/s.yaml"),
        None,
        check=fails(2, "--output", "blocker"),
    ),
    case(
        "demo-out-is-a-file",
        inputs(a_file("blocker", "x")),
        cli("demo", "--out", "{extra}", "--quiet"),
        None,
        check=fails(2, "--out", "blocker"),
    ),
    case(
        "config-binary",
        inputs(a_file("garbage.toml", GARBAGE)),
        cli("clean", "{data}", "-o", "{tmp}/out.csv", "--config", "{extra}"),
        None,
        check=fails(2, "--config", "garbage.toml"),
    ),
    case(
        "config-nan-threshold",
        inputs(a_file("nan.toml", "outlier_threshold = nan\n")),
        cli("scan", "{data}", "--config", "{extra}"),
        None,
        check=fails(2, "nan.toml", "outlier_threshold"),
    ),
    case(
        "config-nanclean-5",
        inputs(a_file("five.toml", "nanclean = 5\n")),
        cli("scan", "{data}", "--config", "{extra}"),
        None,
        check=fails(2, "five.toml", "'nanclean'"),
    ),
    case(
        "config-nested-list",
        inputs(a_file("nested.yaml", "log_inputs:\n  - [a]\n")),
        cli("scan", "{data}", "--config", "{extra}"),
        None,
        check=fails(2, "nested.yaml", "log_inputs"),
    ),
    case(
        "config-fill-beyond-float16",
        inputs(
            a_file(
                "f16.toml",
                'impute = "constant"\nfill_value = 1e308\ndtype = "float16"\n',
            )
        ),
        cli("clean", "{data}", "-o", "{tmp}/out.csv", "--config", "{extra}"),
        None,
        check=fails(2, "fill_value", "float16"),
    ),
    case(
        "config-unknown-column",
        inputs(a_file("cols.toml", '[columns.zz]\nscale = "none"\n')),
        cli("clean", "{data}", "-o", "{tmp}/out.csv", "--config", "{extra}"),
        None,
        check=fails(2, "columns.zz"),
    ),
    case(
        "config-missing",
        inputs(),
        cli("scan", "{data}", "--config", "{tmp}/absent.toml"),
        None,
        check=fails(2, "absent.toml"),
    ),
    case(
        "plan-deeply-nested",
        inputs(a_file("deep.json", DEEP_PLAN)),
        cli("apply", "{data}", "--plan", "{extra}", "-o", "{tmp}/out.csv"),
        None,
        check=fails(2, "--plan", "deep.json", "nested"),
    ),
    case(
        "plan-binary",
        inputs(a_file("garbage.json", GARBAGE)),
        cli("apply", "{data}", "--plan", "{extra}", "-o", "{tmp}/out.csv"),
        None,
        check=fails(2, "--plan", "garbage.json"),
    ),
    case(
        "plan-nan-token",
        inputs(_plan_with(lambda p: p["columns"][0].update(center="@@"), "nan.json")),
        cli("apply", "{data}", "--plan", "{extra}", "-o", "{tmp}/out.csv"),
        None,
        check=fails(2, "--plan", "nan.json", "NaN"),
    ),
    case(
        "plan-newer-version",
        inputs(_plan_with(lambda p: p.update(version=7), "v7.json")),
        cli("apply", "{data}", "--plan", "{extra}", "-o", "{tmp}/out.csv"),
        None,
        check=fails(2, "v7.json", "version 7"),
    ),
    case(
        "plan-swapped-bounds",
        inputs(
            _plan_with(
                lambda p: p["columns"][0].update(outlier_low=1e9, outlier_high=-1e9),
                "swapped.json",
            )
        ),
        cli("apply", "{data}", "--plan", "{extra}", "-o", "{tmp}/out.csv"),
        None,
        check=fails(2, "swapped.json", "outlier_low"),
    ),
    case(
        "plan-not-json",
        inputs(a_file("bad.json", "{")),
        cli("apply", "{data}", "--plan", "{extra}", "-o", "{tmp}/out.csv"),
        None,
        check=fails(2, "bad.json"),
    ),
    case(
        "apply-data-lacks-a-column",
        lambda tmp: (write(tmp, "narrow.csv", "a,y\n1,0\n2,1\n"), plan_json(tmp)),
        cli("apply", "{data}", "--plan", "{extra}", "-o", "{tmp}/out.csv"),
        None,
        check=fails(2, "'b'"),
    ),
    case(
        "data-missing",
        lambda tmp: (tmp / "absent.csv",),
        cli("scan", "{data}"),
        None,
        check=fails(2, "absent.csv"),
    ),
    case(
        "data-binary",
        lambda tmp: (write(tmp, "garbage.csv", bytes(range(1, 256)) * 8),),
        cli("scan", "{data}"),
        None,
        check=fails(2, "garbage.csv"),
    ),
    case(
        "data-empty",
        lambda tmp: (write(tmp, "empty.csv", ""),),
        cli("scan", "{data}"),
        None,
        check=fails(2, "empty.csv"),
    ),
    case(
        "data-unknown-extension",
        lambda tmp: (write(tmp, "data.xlsx", "a\n1\n"),),
        cli("scan", "{data}"),
        None,
        check=fails(2, "data.xlsx"),
    ),
    case(
        "data-nul-in-header",
        lambda tmp: (write(tmp, "nul.csv", "a\x00b,c\n1,2\n"),),
        cli("scan", "{data}"),
        None,
        check=fails(2, "NUL"),
    ),
    case(
        "data-empty-header-name",
        lambda tmp: (write(tmp, "blank.csv", ",c\n1,2\n3,4\n"),),
        cli("clean", "{data}", "-o", "{tmp}/out.csv"),
        None,
        check=fails(2, "blank.csv"),
    ),
    case(
        "target-not-a-column",
        inputs(),
        cli("scan", "{data}", "--target", "z"),
        None,
        check=fails(2, "--target", "'z'"),
    ),
    case(
        "output-unknown-extension",
        inputs(),
        cli("clean", "{data}", "-o", "{tmp}/out.xlsx"),
        None,
        check=fails(2, "--output", "out.xlsx"),
    ),
    case(
        "validate-schema-garbage",
        inputs(a_file("garbage.yaml", GARBAGE)),
        cli("validate", "{data}", "--schema", "{extra}"),
        None,
        check=fails(2, "garbage.yaml"),
    ),
]


def test_a_real_process_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    data = data_csv(tmp_path)
    (tmp_path / "out.csv").mkdir()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nanclean.cli",
            "clean",
            str(data),
            "-o",
            str(tmp_path / "out.csv"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "out.csv" in done.stderr


def test_an_unexpected_error_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nanclean

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("something nanclean did not foresee")

    monkeypatch.setattr(nanclean, "scan", broken)
    result = runner.invoke(app, ["scan", str(data_csv(tmp_path))])
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip().splitlines() == [
        "nanclean: internal error: RuntimeError: something nanclean did not foresee. "
        "This is a bug in nanclean; please report it with the command line that "
        "caused it."
    ]


#: the case lists of this family, by name (run by test_catalogue.py)
CASES = {"cli": CLI_CASES}
