"""Dask: scan, clean, fit and transform on a real LocalCluster of two worker
processes, against the polars path on the same data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dask.dataframe as dd
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from distributed import Client, LocalCluster
from test_streaming import check_bounds, plans_equal

import nanclean as nc
from nanclean.sketch import RANK_ERROR


@pytest.fixture(scope="module", autouse=True)
def cluster() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as local,
        Client(local) as client,
    ):
        yield client


def frame(n: int, start: int = 0, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(5.0, 2.0, n)
    x[::97] = np.nan
    x[3::1001] = np.inf
    z = rng.lognormal(0.0, 1.0, n)
    z[::501] = 1e12
    counts = rng.poisson(2.0, n).astype(float)
    y = rng.integers(0, 2, n).astype(float)
    y[7::1999] = 2.0  # out of the BCE domain: the row is dropped
    return pd.DataFrame(
        {"x": x, "z": z, "counts": counts, "y": y},
        index=pd.RangeIndex(start, start + n),
    )


def pieces(sizes: list[int], *, all_nan: int | None = None) -> list[pd.DataFrame]:
    """Consecutive partitions; ``all_nan``: the partition whose features are NaN."""
    out, start = [], 0
    for i, n in enumerate(sizes):
        part = frame(n, start, seed=i)
        if i == all_nan:
            part[["x", "z", "counts"]] = np.nan
        out.append(part)
        start += n
    return out


def as_dask(parts: list[pd.DataFrame]) -> Any:
    return dd.concat([dd.from_pandas(p, npartitions=1) for p in parts])


def same_findings(got: nc.AuditReport, expected: nc.AuditReport) -> None:
    assert [(f.kind, f.column, f.count, f.rows) for f in got.findings] == [
        (f.kind, f.column, f.count, f.rows) for f in expected.findings
    ]


def test_an_all_nan_and_an_empty_partition_give_the_polars_results() -> None:
    parts = pieces([1500, 800, 0, 1200], all_nan=1)
    ddf, pdf = as_dask(parts), pd.concat(parts)
    assert ddf.npartitions == 4 and len(parts[2]) == 0
    same_findings(
        nc.scan(ddf, target="y", loss="bce"), nc.scan(pdf, target="y", loss="bce")
    )
    got = nc.clean(ddf, target="y", loss="bce")
    expected = nc.clean(pdf, target="y", loss="bce")
    plans_equal(got.plan, expected.plan)  # under K values a column: exact
    assert [(a.kind, a.column, a.count, a.rows) for a in got.report.actions] == [
        (a.kind, a.column, a.count, a.rows) for a in expected.report.actions
    ]
    assert isinstance(got.frame, dd.DataFrame)
    cleaned = got.frame.compute()
    # the labels of the kept rows travel with them
    assert (cleaned.index == pdf.index[expected.row_ids]).all()
    np.testing.assert_array_equal(cleaned.to_numpy(), expected.frame.to_numpy())
    assert np.isfinite(cleaned.to_numpy()).all()
    assert got.report.output["n_rows"] == len(cleaned) < len(pdf)  # labels of 2


def test_a_larger_frame_gives_the_same_findings_and_a_plan_within_the_bound() -> None:
    parts = pieces([9000, 7000, 8000, 6000])
    ddf, pdf = as_dask(parts), pd.concat(parts)
    cleaner = nc.Cleaner().fit(ddf)  # the default outlier rule: tail
    exact = nc.Cleaner({"sample_size": len(pdf)}).fit(pdf)
    kinds = {f.kind.value for f in cleaner.report.findings}
    assert {"nan", "pos_inf", "outlier"} <= kinds
    expected = {(f.kind, f.column): f for f in exact.report.findings}
    for f in cleaner.report.findings:
        e = expected.pop((f.kind, f.column))
        if f.kind.value == "outlier":  # bounds are sketched: exact for its bounds
            x = pdf[f.column].to_numpy()
            low, high = f.details["low"], f.details["high"]
            outside = np.isfinite(x) & ((x < low) | (x > high))
            assert f.rows == np.flatnonzero(outside).tolist()
        elif f.kind.value == "heavy_tail":  # counted on sketched quantiles
            assert f.rows == e.rows == []
            assert abs(f.count - e.count) <= 2 * RANK_ERROR * len(pdf)
        else:
            assert (f.count, f.rows) == (e.count, e.rows)
    assert not expected
    for s, e in zip(cleaner.plan.columns, exact.plan.columns, strict=True):
        x = pdf[s.name].to_numpy()
        check_bounds(np.sort(x[np.isfinite(x)]), s, e)


def test_a_plan_travels_between_dask_and_polars() -> None:
    train = pieces([3000, 2000, 2500])
    new = pieces([1000, 1500], all_nan=None)
    new_ddf, new_pdf = as_dask(new), pd.concat(new)
    new_pdf["x"] *= 3  # drift
    new_ddf = dd.from_pandas(new_pdf, npartitions=3)
    for fitted in (
        nc.Cleaner().fit(as_dask(train), target="y", loss="bce"),
        nc.Cleaner().fit(pd.concat(train), target="y", loss="bce"),
    ):
        on_dask = fitted.transform(new_ddf)
        on_polars = fitted.transform(pl.from_pandas(new_pdf, nan_to_null=False))
        expected = on_polars.frame.to_pandas()
        got = on_dask.frame.compute()
        assert (got.index == new_pdf.index[on_polars.row_ids]).all()
        np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())
        drift = [(f.kind, f.column, f.rows) for f in on_polars.report.findings]
        assert drift == [(f.kind, f.column, f.rows) for f in on_dask.report.findings]
        assert any(kind.value == "drift_range" for kind, *_ in drift)


def test_nan_and_null_stay_apart_although_dask_conflates_them() -> None:
    values = pa.array([1.0, None, float("nan"), 2.0, None, 3.0, float("nan"), None])
    pdf = pd.DataFrame(
        {"x": pd.Series(values, dtype=pd.ArrowDtype(pa.float64())), "y": [0.0] * 8}
    )
    ddf = dd.from_pandas(pdf, npartitions=2)
    # as numpy floats (what a float64 partition holds) the two are one: NaN
    assert int(ddf["x"].astype("float64").isna().sum().compute()) == 5
    report = nc.scan(ddf)
    stats = report.columns["x"]
    assert (stats.null, stats.nan) == (3, 2)
    found = {f.kind.value: f.rows for f in report.findings if f.column == "x"}
    assert (found["null"], found["nan"]) == ([1, 4, 7], [2, 6])
    polars = nc.scan(pl.from_arrow(pa.table({"x": values, "y": [0.0] * 8})))
    same_findings(report, polars)
