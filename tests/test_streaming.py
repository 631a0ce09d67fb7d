"""Files larger than memory: the batched scan, fit and transform (nanclean.batched)
against the in-memory path, the sketch's stated error bound, and a real run of
the CLI whose peak memory is measured on a file several times its budget."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import polars as pl
import pytest
from helpers import run_cli
from typer.testing import CliRunner

import nanclean as nc
import nanclean.cli as cli
from nanclean.batched import read_in_batches
from nanclean.errors import HandoffError
from nanclean.frame import read
from nanclean.sketch import RANK_ERROR, K, merge_summaries, quantile_grid, summarize
from nanclean.stats import _exact, quantile_sorted

runner = CliRunner()
SCHEMA = Path(nc.__file__).parent / "report" / "audit.schema.json"


def planted(n: int, seed: int = 0) -> pl.DataFrame:
    """Columns with every kind of cell the scan finds, spread over all rows."""
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    normal = rng.normal(10.0, 2.0, n)
    normal[i % 997 == 5] = np.nan
    tail = rng.lognormal(0.0, 1.5, n)
    tail[i % 1499 == 7] = 1e12  # outliers, 10^11 robust sigmas out
    ratio = rng.uniform(-1.0, 1.0, n)
    ratio[i % 2003 == 11] = np.inf
    ratio[i % 2999 == 13] = -np.inf
    counts = rng.poisson(3.0, n).astype(np.float64)
    frame = pl.DataFrame(
        {
            "normal": normal,
            "tail": tail,
            "ratio": ratio,
            "counts": counts,
            "missing": rng.normal(size=n),
            "y": rng.integers(0, 2, n).astype(np.float64),
        }
    )
    return frame.with_columns(
        missing=pl.when(pl.int_range(n) % 311 == 3).then(None).otherwise("missing")
    )


def batched(path: Path, rows: int, tmp_path: Path) -> Any:
    fmt = {".parquet": "parquet", ".arrow": "ipc", ".csv": "csv"}[path.suffix]
    return read_in_batches(read(path), path, fmt, tmp_path, rows)


def invoke(*args: Any) -> Any:
    result = runner.invoke(cli.app, [str(a) for a in args])
    return result


# --- the sketch ----------------------------------------------------------------------


def test_merged_summaries_give_the_exact_counts_and_moments() -> None:
    frame = planted(5000).with_row_index("__nanclean_row__")
    cuts = [0, 1200, 1200, 3100, 5000]  # one batch is empty
    parts = [
        summarize(frame.slice(a, b - a), frame.columns[1:])
        for a, b in itertools.pairwise(cuts)
    ]
    merged = merge_summaries(parts)
    whole = _exact(
        frame.lazy(),
        frame.columns[1:],
        n_rows=5000,
        distinct_for=(),
        in_memory=True,
        source="t",
    )
    for c, v in whole.items():
        got = merged[c].finish()
        for key in ("null", "nan", "pos_inf", "neg_inf", "zeros", "min", "max"):
            assert got[key] == v[key], (c, key)
        assert got["mean"] == pytest.approx(v["mean"], rel=1e-12)
        assert got["std"] == pytest.approx(v["std"], rel=1e-9)
        np.testing.assert_array_equal(got["bad_rows"], v["bad_rows"])


def test_a_small_column_is_summarized_exactly() -> None:
    values = np.random.default_rng(1).normal(size=K // 2)
    frame = pl.DataFrame({"x": values}).with_row_index("__nanclean_row__")
    parts = [summarize(frame.slice(i, 500), ["x"]) for i in range(0, len(values), 500)]
    np.testing.assert_array_equal(
        quantile_grid(merge_summaries(parts)["x"]), np.sort(values)
    )


def shares(sorted_values: np.ndarray, v: float) -> tuple[float, float]:
    """The share of values below ``v`` and at or below it (ties make it a range)."""
    n = len(sorted_values)
    return (
        np.searchsorted(sorted_values, v, "left") / n,
        np.searchsorted(sorted_values, v, "right") / n,
    )


def assert_rank(sorted_values: np.ndarray, v: float, q: float, slack: float) -> None:
    """``v``'s share is ``q`` within ``slack`` (``v`` within rounding: the plan's
    numbers went through a few float operations)."""
    tol = 1e-9 * max(1.0, abs(v))
    below, at_or_below = (
        shares(sorted_values, v - tol)[0],
        shares(sorted_values, v + tol)[1],
    )
    assert below - slack <= q <= at_or_below + slack, (v, q, below, at_or_below)


def test_sketched_quantiles_and_mad_are_within_the_stated_rank_error() -> None:
    rng = np.random.default_rng(2)
    values = np.concatenate([rng.lognormal(0, 2, 400_000), rng.normal(0, 1, 200_000)])
    rng.shuffle(values)
    frame = pl.DataFrame({"x": values}).with_row_index("__nanclean_row__")
    parts = [
        summarize(frame.slice(i, 70_000), ["x"]) for i in range(0, len(values), 70_000)
    ]
    grid = quantile_grid(merge_summaries(parts)["x"])
    exact = np.sort(values)
    assert len(grid) < len(exact)  # really sketched
    for q in (0.001, 0.01, 0.25, 0.5, 0.75, 0.99, 0.999):
        assert_rank(exact, quantile_sorted(grid, q), q, RANK_ERROR)
    median = quantile_sorted(grid, 0.5)
    mad = quantile_sorted(np.sort(np.abs(grid - median)), 0.5)
    inside = np.mean(np.abs(values - median) <= mad)
    assert abs(inside - 0.5) <= 2 * RANK_ERROR


# --- the batched path equals the in-memory path (small data: the sketch is exact) -----


def test_the_batched_scan_finds_exactly_what_the_in_memory_scan_finds(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data.parquet"
    planted(3000).write_parquet(path)
    config = {"ratios": {"per": ["normal", "counts"]}}
    expected = nc.scan(path, target="y", loss="bce", config=config)
    got = nc.scan(batched(path, 700, tmp_path), target="y", loss="bce", config=config)
    assert len(got.findings) == len(expected.findings) > 5
    for f, e in zip(got.findings, expected.findings, strict=True):
        assert (f.kind, f.column, f.count, f.severity, f.message) == (
            e.kind,
            e.column,
            e.count,
            e.severity,
            e.message,
        )
        np.testing.assert_array_equal(f.row_ids, e.row_ids)
    assert "KLL" in got.meta["robust_statistics"]


def plans_equal(a: Any, b: Any) -> None:
    """Two Plans, equal up to float rounding."""
    left, right = a.to_dict(), b.to_dict()
    for x, y in zip(left.pop("columns"), right.pop("columns"), strict=True):
        assert x.keys() == y.keys()
        for key in x:
            if isinstance(x[key], float):
                assert x[key] == pytest.approx(y[key], rel=1e-9), (x["name"], key)
            else:
                assert x[key] == y[key], (x["name"], key)
    assert left == right


@pytest.mark.parametrize("suffix", [".parquet", ".arrow", ".csv"])
def test_the_streamed_clean_writes_what_the_in_memory_clean_writes(
    tmp_path: Path, suffix: str
) -> None:
    data = tmp_path / f"data{suffix}"
    frame = planted(3000)
    {
        ".parquet": frame.write_parquet,
        ".arrow": frame.write_ipc,
        ".csv": frame.write_csv,
    }[suffix](data)
    outputs = {}
    for mode in ("--stream", "--no-stream"):
        out = tmp_path / f"out{mode}.parquet"
        result = invoke(
            "clean", data, "-o", out, "--target", "y", "--loss", "bce", mode,
            "--batch-rows", 1000, "--json", tmp_path / f"{mode}.json",
            "--plan", tmp_path / f"{mode}.plan.json", "-q",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        outputs[mode] = pl.read_parquet(out)
    assert outputs["--stream"].equals(outputs["--no-stream"])
    reports = [
        json.loads((tmp_path / f"{m}.json").read_text())
        for m in ("--stream", "--no-stream")
    ]
    for key in ("findings", "actions"):
        assert [
            (e["kind"], e["column"], e["count"], e["rows"]) for e in reports[0][key]
        ] == [(e["kind"], e["column"], e["count"], e["rows"]) for e in reports[1][key]]
    plans_equal(
        nc.Cleaner.from_plan(tmp_path / "--stream.plan.json").plan,
        nc.Cleaner.from_plan(tmp_path / "--no-stream.plan.json").plan,
    )


def test_a_streamed_apply_reports_the_same_drift(tmp_path: Path) -> None:
    train, new = tmp_path / "train.parquet", tmp_path / "new.parquet"
    planted(2000, seed=1).write_parquet(train)
    planted(2500, seed=2).with_columns(pl.col("normal") * 3).write_parquet(new)
    plan = tmp_path / "plan.json"
    assert (
        invoke(
            "clean", train, "-o", tmp_path / "c.parquet", "--plan", plan, "-q"
        ).exit_code
        == 0
    )
    found = []
    for mode in ("--stream", "--no-stream"):
        report = tmp_path / f"{mode}.json"
        result = invoke(
            "apply", new, "--plan", plan, "-o", tmp_path / f"{mode}.arrow", mode,
            "--batch-rows", 1000, "--json", report, "-q",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        found.append(
            [
                (f["kind"], f["column"], f["count"], f["rows"])
                for f in json.loads(report.read_text())["findings"]
            ]
        )
    assert found[0] == found[1]
    assert any(kind == "drift_range" for kind, *_ in found[0])


def test_the_cli_streams_by_itself_when_the_data_would_not_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, report = tmp_path / "data.parquet", tmp_path / "audit.json"
    planted(3000).write_parquet(data)
    monkeypatch.setattr("nanclean.batched.available_memory", lambda: 1_000_000)
    result = invoke("scan", data, "--json", report, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert "KLL" in json.loads(report.read_text())["meta"]["robust_statistics"]
    result = invoke("clean", data, "-o", tmp_path / "out.json", "-q")
    assert result.exit_code == 2
    assert "cannot be written batch by batch" in " ".join(result.output.split())


def test_a_refusing_policy_leaves_no_partial_output(tmp_path: Path) -> None:
    data, out = tmp_path / "data.parquet", tmp_path / "out.parquet"
    planted(3000).write_parquet(data)
    config = tmp_path / "c.toml"
    config.write_text('impute = "error"\n')
    result = invoke(
        "clean", data, "-o", out, "--config", config, "--stream", "--batch-rows", 1000
    )
    assert result.exit_code == 1
    assert "impute='error' refuses" in " ".join(result.output.split())
    assert not out.exists()


def test_rows_of_a_long_finding_spill_to_a_parquet_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, report = tmp_path / "data.parquet", tmp_path / "audit.json"
    planted(3000).write_parquet(data)
    monkeypatch.setattr(cli, "SPILL_ROWS", 4)
    result = invoke("scan", data, "--stream", "--json", report, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    document = json.loads(report.read_text())
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    expected = nc.scan(data)
    side = pl.read_parquet(tmp_path / "audit.rows.parquet")
    spilled = [f for f in document["findings"] if "rows_file" in f]
    assert spilled and all(f["rows_file"] == "audit.rows.parquet" for f in spilled)
    for i, entry in enumerate(document["findings"]):
        finding = expected.findings[i]
        # a heavy tail counts its cells without listing them: rows_total is
        # the rows listed, count what was found
        assert (entry["kind"], entry["count"]) == (finding.kind.value, finding.count)
        assert entry["rows_total"] == len(finding.rows)
        if "rows_file" not in entry:
            assert entry["rows"] == finding.rows
            continue
        assert entry["rows"] == finding.rows[:4]
        rows = side.filter(pl.col("entry") == f"findings[{i}]")["row"].to_list()
        assert rows == finding.rows


def test_progress_goes_through_every_phase(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    planted(3000).write_parquet(path)
    frame = batched(path, 1000, tmp_path)
    seen: list[tuple[str, int, int]] = []
    frame.batches.progress = lambda *event: seen.append(event)
    written: list[pl.DataFrame] = []
    result = nc.Cleaner().fit_transform(frame, target="y", sink=written.append)
    phases = [p for p, done, total in seen if done == total == 3000]
    assert phases == ["statistics", "findings", "denominators", "transform"]
    assert [done for p, done, _ in seen if p == "transform"] == [1000, 2000, 3000]
    assert sum(w.height for w in written) == result.report.output["n_rows"] == 3000
    with pytest.raises(HandoffError, match="cleaned batch by batch"):
        result.to_numpy()


# --- a real run under a memory budget ----------------------------------------------------

N_ROWS = 3_000_000  # × 8 float64 columns: 192 MB in memory
BUDGET_MB = 64  # the table is three times this
#: The reference run: the same columns, three batches. Its peak is the fixed
#: cost (the interpreter, polars, pandas, pandera: about 230 MB here) plus one
#: batch's working set; a streamed run may exceed it only by the budget.
REFERENCE_ROWS = 300_000


def peak_rss_mb(*args: Any) -> float:
    """The CLI's peak RSS in a child process, in MB.

    Not RLIMIT_AS: polars and numpy reserve address space far beyond what they
    touch (the CLI dies at start under a 1 GB RLIMIT_AS even on a tiny file, and
    starts under 2 GB), so an address-space cap would have to exceed the file.
    There is no cgroup v2 to join here either. The peak RSS of exactly this
    child is what a memory cap limits.
    """
    return run_cli(*args)[1]


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    where = tmp_path_factory.mktemp("big")
    big, small = where / "big.parquet", where / "small.parquet"
    # "other" misses every 7th value: a finding of over 100,000 rows (the
    # lognormal "tail" is a heavy tail, kept, not a mass of outliers)
    frame = planted(N_ROWS, seed=5).with_columns(
        more=pl.col("normal") * 2,
        other=pl.when(pl.int_range(pl.len()) % 7 == 1)
        .then(None)
        .otherwise(pl.col("tail").sqrt()),
    )
    frame.write_parquet(big, row_group_size=100_000)
    frame.head(REFERENCE_ROWS).write_parquet(small)
    return big, small


def test_scan_and_clean_of_a_file_three_times_the_budget(
    big_file: tuple[Path, Path], tmp_path: Path
) -> None:
    big, small = big_file
    out, plan, report = (tmp_path / n for n in ("out.parquet", "plan.json", "a.json"))
    flags = ["--stream", "--batch-rows", 100_000, "-q"]
    scan = ["scan", "--fail-on", "never", *flags]
    clean = ["clean", "-o", tmp_path / "s.parquet", *flags]
    base_scan, base_clean = peak_rss_mb(*scan, small), peak_rss_mb(*clean, small)
    scanned = peak_rss_mb(*scan, big, "--json", report)
    cleaned = peak_rss_mb("clean", big, "-o", out, "--plan", plan, *flags)
    print(f"scan {base_scan:.0f} → {scanned:.0f} MB, clean {base_clean:.0f} → "
          f"{cleaned:.0f} MB")  # fmt: skip
    assert scanned - base_scan < BUDGET_MB
    assert cleaned - base_clean < BUDGET_MB

    data = pl.read_parquet(big)
    output = pl.read_parquet(out)
    assert output.height == N_ROWS  # no row lost (no drop policy applies)
    assert output.select(pl.all().is_finite().all()).row(0) == (True,) * output.width

    # the findings and their rows are exact: those of the in-memory scan, and
    # for outliers (whose bounds are sketched) the cells outside the bounds used
    expected = {(f.kind.value, f.column): f for f in nc.scan(data).findings}
    findings = json.loads(report.read_text())["findings"]
    assert {(f["kind"], f["column"]) for f in findings} == set(expected)
    assert any("rows_file" in f for f in findings)  # over 100,000 rows: spilled
    for i, f in enumerate(findings):
        rows = f["rows"]
        if "rows_file" in f:
            side = pl.read_parquet(report.parent / f["rows_file"])
            rows = side.filter(pl.col("entry") == f"findings[{i}]")["row"].to_list()
        if f["kind"] == "heavy_tail":  # counted on the sample, rows not listed
            assert rows == [] and f["count"] > 0
            continue
        assert len(rows) == f["rows_total"] == f["count"]
        if f["kind"] != "outlier":
            assert rows == expected[f["kind"], f["column"]].rows, f["message"]
            continue
        x = data.get_column(f["column"]).to_numpy()
        outside = np.isfinite(x) & (
            (x < f["details"]["low"]) | (x > f["details"]["high"])
        )
        assert rows == np.flatnonzero(outside).tolist()

    # the Plan equals the exact in-memory Plan within the stated sketch bound
    exact = nc.Cleaner({"sample_size": N_ROWS}).fit(data).plan
    streamed = nc.Cleaner.from_plan(plan).plan
    for e, s in zip(exact.columns, streamed.columns, strict=True):
        assert (e.name, e.impute, e.outlier_method, e.scale, e.unscaled) == (
            s.name, s.impute, s.outlier_method, s.scale, s.unscaled,
        )  # fmt: skip
        assert (e.train_min, e.train_max, e.train_missing) == (
            s.train_min, s.train_max, s.train_missing,
        )  # fmt: skip
        column = data.get_column(e.name).to_numpy()
        values = np.sort(column[np.isfinite(column)])
        check_bounds(values, s, e)


def check_bounds(values: np.ndarray, s: Any, e: Any) -> None:
    """The sketched plan ``s`` against the data and the exact plan ``e``."""
    eps = RANK_ERROR
    assert_rank(values, s.fill, 0.5, eps)  # the median fill value
    if s.scale == "robust":
        assert_rank(values, s.center, 0.5, eps)  # the robust center
    if e.outlier_low is None:
        assert s.outlier_low is None
    else:
        # the default ``tail`` rule's fences stand on sketched quantiles (the
        # median, the robust scale, the 1st and 99th percentiles): the values
        # that the sketched and the exact fence sort differently are no more
        # than the rank error allows
        for sketched, exact in (
            (s.outlier_low, e.outlier_low),
            (s.outlier_high, e.outlier_high),
        ):
            lo, hi = sorted((sketched, exact))
            between = shares(values, hi)[1] - shares(values, lo)[0]
            assert between <= 2 * eps, (e.name, sketched, exact, between)
    if s.scale != "robust":
        # mean and std of the clipped values come from the sketch's grid of
        # values: no stated bound (README); measured within 13% of exact
        assert s.scale_by == pytest.approx(e.scale_by, rel=0.2)
        assert abs(s.center - e.center) <= 0.2 * e.scale_by
        return
    q = lambda r: float(np.quantile(values, min(max(r, 0.0), 1.0)))  # noqa: E731
    # the IQR of the clipped values: its ends are quantiles within the bound
    assert q(0.75 - eps) - q(0.25 + eps) <= s.scale_by * (1 + 1e-12)
    assert s.scale_by <= (q(0.75 + eps) - q(0.25 - eps)) * (1 + 1e-12)
