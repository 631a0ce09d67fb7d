"""The command line, through typer's CliRunner and through a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

import nanclean.cli as cli
from nanclean.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
ECOMMERCE = SAMPLE / "ecommerce.csv"
TOML = SAMPLE / "ecommerce.toml"

runner = CliRunner()


def run(*args: Any) -> Any:
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def tidy_csv(tmp_path: Path) -> Path:
    """Data with nothing to find."""
    rng = np.random.default_rng(3)
    path = tmp_path / "tidy.csv"
    pl.DataFrame(
        {
            "a": rng.normal(size=300),
            "b": rng.uniform(1, 2, 300),
            "y": rng.integers(0, 2, 300),
        }
    ).write_csv(path)
    return path


# --- help -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", ["scan", "clean", "apply", "schema", "validate", "demo"]
)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example: nanclean " + command in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    "command", [[], ["scan"], ["clean"], ["apply"], ["schema"], ["validate"], ["demo"]]
)
def test_help_shows_no_type_beside_flags(command: list[str]) -> None:
    # wide enough that no description wraps (--stream/--no-stream takes room)
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    text = result.stdout
    assert "--help" in text and "Show this message and exit." in text
    assert "<bool>" not in text
    lines = [line for line in text.splitlines() if "--help" in line]
    assert lines and all("<" not in line for line in lines)
    # options that take a value still show what they take
    if command == ["scan"]:
        assert "<error|warning|never>" in text and "-q" in text


def test_bare_command_prints_help() -> None:
    result = run()
    assert result.exit_code == 2
    assert "scan" in result.stdout and "validate" in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("nanclean ")


# --- scan -------------------------------------------------------------------------


def test_scan_prints_a_summary_and_gates_on_errors(tmp_path: Path) -> None:
    html, js = tmp_path / "a.html", tmp_path / "a.json"
    result = run(
        "scan", ECOMMERCE, "-t", "churned", "-l", "bce", "--html", html, "--json", js
    )
    assert result.exit_code == 1  # 7 errors, --fail-on error by default
    out = result.stdout
    assert "7 error, 3 warning, 1 info" in out
    assert "suspected_denominator" in out and "gmv_per_order" in out
    assert "7 findings at or above 'error'" in out
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert json.loads(js.read_text(encoding="utf-8"))["summary"]["error"] == 7


@pytest.mark.parametrize(
    ("fail_on", "code"), [("never", 0), ("error", 0), ("warning", 1)]
)
def test_fail_on_levels(tmp_path: Path, fail_on: str, code: int) -> None:
    path = tmp_path / "p.csv"
    # finite and labelled, but beyond float16's range: one warning, no error
    pl.DataFrame({"pressure": np.linspace(100_000.0, 101_000.0, 200)}).write_csv(path)
    assert run("scan", path, "--fail-on", fail_on).exit_code == code


def test_scan_of_tidy_data_passes(tidy_csv: Path) -> None:
    result = run("scan", tidy_csv, "--target", "y", "--loss", "bce")
    assert result.exit_code == 0, result.output
    assert "0 error" in result.stdout


def test_json_to_stdout_and_nothing_else(tidy_csv: Path) -> None:
    result = run(
        "scan", ECOMMERCE, "--config", TOML, "--json", "-", "--fail-on", "never"
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["target"] == "churned" and len(data["findings"]) == 11
    assert "nanclean scan" in result.stderr  # the table went to stderr


def test_quiet(tidy_csv: Path) -> None:
    result = run("scan", tidy_csv, "--quiet")
    assert result.exit_code == 0
    assert result.output == ""
    failing = run("scan", ECOMMERCE, "--quiet")
    assert failing.exit_code == 1
    assert failing.stdout.count("\n") == 1  # only the result line


def test_progress_on_large_files(
    monkeypatch: pytest.MonkeyPatch, tidy_csv: Path
) -> None:
    monkeypatch.setattr(cli, "LARGE_FILE_BYTES", 0)
    result = run("scan", tidy_csv, "--target", "y")
    assert result.exit_code == 0, result.output


def test_format_option(tmp_path: Path) -> None:
    odd = tmp_path / "data.txt.bak"
    odd.write_bytes(ECOMMERCE.read_bytes())
    result = run("scan", odd, "--format", "csv", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert "6 error" in result.stdout  # no target: the stray label is not an error


# --- clean, apply ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix", [".csv", ".parquet", ".arrow", ".ipc", ".json", ".ndjson"]
)
def test_clean_writes_every_format(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"clean{suffix}"
    result = run("clean", ECOMMERCE, "-o", out, "--config", TOML)
    assert result.exit_code == 0, result.output
    readers = {
        ".csv": pl.read_csv,
        ".parquet": pl.read_parquet,
        ".arrow": pl.read_ipc,
        ".ipc": pl.read_ipc,
        ".json": pl.read_json,
        ".ndjson": pl.read_ndjson,
    }
    df = readers[suffix](out)
    assert df.shape == (4999, 8)
    assert df.select(pl.all().cast(pl.Float64).is_finite().all()).row(0) == (True,) * 8
    assert "clipped 1 outlier to [-732.6, 1041]" in result.stdout
    assert "dropped 1 row (invalid label)" in result.stdout


def test_clean_plan_then_apply_reports_drift(tmp_path: Path) -> None:
    out, plan = tmp_path / "clean.parquet", tmp_path / "plan.json"
    html, js = tmp_path / "audit.html", tmp_path / "audit.json"
    result = run(
        "clean",
        ECOMMERCE,
        "-o",
        out,
        "-c",
        TOML,
        "--plan",
        plan,
        "--html",
        html,
        "--json",
        js,
    )
    assert result.exit_code == 0, result.output
    assert json.loads(plan.read_text())["target"] == "churned"
    assert "After cleaning: safe to train" in html.read_text(encoding="utf-8")
    assert json.loads(js.read_text())["output"]["n_rows"] == 4999
    new = tmp_path / "new.csv"
    pl.read_csv(ECOMMERCE).head(100).with_columns(
        pl.lit(99.0).alias("discount_rate")  # far outside training's [0.01, 0.5]
    ).write_csv(new)
    applied = tmp_path / "new_clean.csv"
    drift_json = tmp_path / "drift.json"
    result = run("apply", new, "--plan", plan, "-o", applied, "--json", drift_json)
    assert result.exit_code == 0, result.output
    assert "drift_range" in result.stdout
    kinds = {f["kind"] for f in json.loads(drift_json.read_text())["findings"]}
    assert "drift_range" in kinds
    assert pl.read_csv(applied).height == 100


# --- schema, validate -----------------------------------------------------------------


def test_schema_then_validate(tmp_path: Path) -> None:
    schema = tmp_path / "schemas" / "ecommerce.yaml"
    result = run("schema", ECOMMERCE, "-o", schema, "-c", TOML)
    assert result.exit_code == 0, result.output
    assert "8 columns, target 'churned', dtype float32" in result.stdout
    clean_csv = tmp_path / "clean.csv"
    assert run("clean", ECOMMERCE, "-o", clean_csv, "-c", TOML, "-q").exit_code == 0
    ok = run("validate", clean_csv, "--schema", schema)
    assert ok.exit_code == 0, ok.output
    assert "satisfies ecommerce.yaml" in ok.stdout
    bad = run("validate", ECOMMERCE, "--schema", schema)  # raw data: unscaled, with inf
    assert bad.exit_code == 1
    assert "nanclean_in_range" in bad.stdout and "failure cases" in bad.stdout


# --- usage errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["scan", "missing.csv"], "'DATA'"),
        (["scan", "{data_xyz}"], "'.xyz'"),
        (["scan", ECOMMERCE, "--format", "xls"], "'--format'"),
        (["scan", ECOMMERCE, "--target", "churn"], "Did you mean 'churned'?"),
        (["scan", ECOMMERCE, "--loss", "bec"], "'--loss'"),
        (["scan", ECOMMERCE, "--config", "{bad_toml}"], "Unknown config key 'outlier'"),
        (["scan", ECOMMERCE, "--config", "missing.toml"], "'--config'"),
        (["scan", ECOMMERCE, "--fail-on", "sometimes"], "'--fail-on'"),
        (["clean", ECOMMERCE, "-o", "out.xlsx"], "'--output'"),
        (["clean", ECOMMERCE], "'--output'"),
        (["apply", ECOMMERCE, "--plan", "{bad_plan}", "-o", "x.csv"], "'--plan'"),
        (["validate", ECOMMERCE, "--schema", "{bad_toml}"], "Could not read schema"),
        (["demo", "--data", "{tmp}"], "'--data'"),
        (["scna", ECOMMERCE], "Did you mean 'scan'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[Any], names: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.xyz").write_text("a\n1\n")
    (tmp_path / "bad.toml").write_text('outlier = "mad"\n')
    (tmp_path / "plan.json").write_text("{not json")
    fill = {
        "{data_xyz}": "data.xyz",
        "{bad_toml}": "bad.toml",
        "{bad_plan}": "plan.json",
        "{tmp}": str(tmp_path),
    }
    result = run(*(fill.get(str(a), a) for a in args))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert names in lines[0]
    assert "Traceback" not in result.stderr


def test_policy_error_exits_1(tmp_path: Path) -> None:
    config = tmp_path / "strict.toml"
    config.write_text('impute = "error"\n')
    result = run(
        "clean", ECOMMERCE, "-o", tmp_path / "x.csv", "-c", config, "-t", "churned"
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("nanclean: PolicyError: Column 'discount_rate'")


# --- demo ---------------------------------------------------------------------------------


@pytest.fixture
def training_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """nanclean.demo replaced by a recorder: the demo's training is not run."""
    calls: list[tuple[Any, ...]] = []
    fake = types.ModuleType("nanclean.demo")
    fake.compare_training = lambda *a, **k: calls.append((a, k))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nanclean.demo", fake)
    return calls


def test_demo_runs_the_whole_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, training_calls: list[Any]
) -> None:
    calls = training_calls
    monkeypatch.chdir(ROOT)  # finds ./sample_data
    result = run("demo", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "audit.html").is_file() and (tmp_path / "audit.json").is_file()
    out = result.stdout
    assert "clipped 3 +inf cells to 214.3" in out  # what changed
    assert "sensors.parquet" in out and "dropped 2 rows (invalid label)" in out
    ((args, kwargs),) = calls
    assert args[0] == Path("sample_data") / "ecommerce.csv"
    assert kwargs["target"] == "churned" and kwargs["loss"] == "bce"


def test_demo_finds_the_sample_data_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, training_calls: list[Any]
) -> None:
    # the source checkout's sample_data here; a wheel's copy in nanclean/sample_data
    calls = training_calls
    monkeypatch.chdir(tmp_path)
    result = run("demo", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    ((args, _),) = calls
    assert args[0].resolve() == (ROOT / "sample_data" / "ecommerce.csv").resolve()


def test_demo_without_the_training_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "nanclean.demo", None)  # import fails
    result = run("demo", "--out", tmp_path, "--data", SAMPLE)
    assert result.exit_code == 1
    assert (tmp_path / "audit.html").is_file()
    assert "nanclean.demo.compare_training" in result.stderr


# --- a real process -------------------------------------------------------------------------


def _process(*args: Any, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nanclean", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_subprocess_scan_json_to_stdout() -> None:
    proc = _process("scan", "sample_data/ecommerce.csv", "-c", TOML, "--json", "-")
    assert proc.returncode == 1  # errors found
    data = json.loads(proc.stdout)
    assert data["summary"] == {"error": 7, "warning": 3, "info": 1}
    assert "7 findings at or above 'error'" in proc.stderr


def test_subprocess_usage_error_has_no_traceback() -> None:
    proc = _process("clean", "nope.csv", "-o", "x.csv")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert "Invalid value for 'DATA'" in proc.stderr and "Traceback" not in proc.stderr


def test_subprocess_clean_and_validate(tmp_path: Path) -> None:
    out = tmp_path / "clean.parquet"
    proc = _process(
        "clean", ECOMMERCE, "-o", out, "-c", TOML, "--html", tmp_path / "a.html"
    )
    assert proc.returncode == 0, proc.stderr
    proc = _process("validate", out, "--schema", ROOT / "schemas" / "ecommerce.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "nanclean"
    proc = subprocess.run(
        [script, "--help"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0
    assert "scan" in proc.stdout
