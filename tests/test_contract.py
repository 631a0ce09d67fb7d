"""The vectorised contract check agrees with the Pandera schema, cell by cell.

``check_output`` (one polars pass, used on nanclean's own output) and
``schema_from_plan(plan).validate`` (the schema users save and load) are both
built from ``schema.contract(plan)``. For every frame hypothesis generates
(NaN, ±inf, null, values at, just inside and just beyond the bounds, dtype
extremes) they must fail on the same cells, and raise together.
"""

from __future__ import annotations

import math

import numpy as np
import pandera.polars as pa
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nanclean as nc
from nanclean.errors import ContractError
from nanclean.schema import check_output, contract, schema_from_plan, violations

_F32_MAX = float(np.finfo(np.float32).max)


def _plan(loss: str, config: dict[str, object]) -> nc.Plan:
    rng = np.random.default_rng(0)
    x = rng.normal(10.0, 2.0, 200)
    x[:3] = [np.nan, np.inf, 1e9]
    labels = {"bce": rng.integers(0, 2, 200), "ce": rng.integers(0, 3, 200)}
    y = labels.get(loss, rng.normal(0.0, 1.0, 200))
    df = pl.DataFrame({"a": x, "b": rng.lognormal(0.0, 1.0, 200), "y": y})
    return nc.Cleaner(config).fit(df, target="y", loss=loss).plan


PLANS = {
    "bce, clipped": _plan("bce", {}),
    "ce, flagged": _plan("ce", {"outlier_action": "flag"}),
    "mse, float64, squash": _plan("mse", {"dtype": "float64", "scale": "squash"}),
    "poisson, float16": _plan("poisson", {"dtype": "float16", "scale": "robust"}),
}


def _near(bound: float) -> list[float]:
    """The bound, and the floats just either side of it (in float64 and float32)."""
    out = [bound]
    with np.errstate(over="ignore"):
        for toward in (-math.inf, math.inf):
            out.append(float(np.nextafter(bound, toward)))
            out.append(float(np.nextafter(np.float32(bound), np.float32(toward))))
    return out


def _cells(plan: nc.Plan, name: str) -> st.SearchStrategy[object]:
    c = contract(plan)[name]
    special = [None, math.nan, math.inf, -math.inf, 0.0, -0.0, _F32_MAX, -_F32_MAX]
    if c.integer:
        ints = [-1, 0, 1, 2, 3, 4, None]
        return st.sampled_from(ints) | st.integers(-(2**40), 2**40)
    assert c.high is not None
    edges = _near(c.low) + _near(c.high)
    return (
        st.sampled_from(special + edges)
        | st.floats(c.low, c.high)
        | st.floats(allow_nan=False, allow_infinity=False)
    )


@st.composite
def frames(draw: st.DrawFn) -> tuple[nc.Plan, pl.DataFrame]:
    plan = PLANS[draw(st.sampled_from(sorted(PLANS)))]
    n = draw(st.integers(1, 6))
    data = {
        name: draw(st.lists(_cells(plan, name), min_size=n, max_size=n))
        for name in plan.output_columns
    }
    schema = {name: c.dtype for name, c in contract(plan).items()}
    return plan, pl.DataFrame(data, schema=schema, strict=False)


def _pandera_cells(plan: nc.Plan, frame: pl.DataFrame) -> set[tuple[str, int]]:
    try:
        schema_from_plan(plan).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.filter(pl.col("index").is_not_null())
        return {
            (str(r["column"]), int(r["index"])) for r in cases.iter_rows(named=True)
        }
    return set()


def _vectorised_cells(plan: nc.Plan, frame: pl.DataFrame) -> set[tuple[str, int]]:
    terms = contract(plan)
    found = frame.select(
        violations(name, c).arg_true().implode().alias(name)
        for name, c in terms.items()
    ).row(0, named=True)
    return {(name, int(i)) for name, rows in found.items() for i in rows}


@settings(deadline=None)
@given(frames())
def test_both_paths_fail_on_the_same_cells(case: tuple[nc.Plan, pl.DataFrame]) -> None:
    plan, frame = case
    expected = _pandera_cells(plan, frame)
    assert _vectorised_cells(plan, frame) == expected
    if expected:
        with pytest.raises(ContractError, match="bug in nanclean"):
            check_output(frame, plan, np.arange(frame.height))
    else:
        check_output(frame, plan, np.arange(frame.height))


@pytest.mark.parametrize("name", sorted(PLANS))
def test_a_wrong_dtype_or_column_order_fails_both(name: str) -> None:
    plan = PLANS[name]
    schema = {c: t.dtype for c, t in contract(plan).items()}
    good = pl.DataFrame({c: [0] for c in schema}, schema=schema)
    check_output(good, plan, np.arange(1))
    schema_from_plan(plan).validate(good)
    feature = plan.features[0]
    wrong = good.with_columns(
        pl.col(feature).cast(
            pl.Float64 if schema[feature] == pl.Float32 else pl.Float32
        )
    )
    swapped = good.select(list(reversed(good.columns)))
    for bad in (wrong, swapped):
        with pytest.raises(pa.errors.SchemaError):
            schema_from_plan(plan).validate(bad)
        with pytest.raises(ContractError, match="bug in nanclean"):
            check_output(bad, plan, np.arange(1))


def test_a_clean_output_passes_both() -> None:
    df = pl.read_csv("sample_data/ecommerce.csv", infer_schema_length=None)
    result = nc.clean(df, target="churned", loss="bce")
    schema_from_plan(result.plan).validate(result.data)
    check_output(result.data, result.plan, result.row_ids)


def test_clean_refuses_an_output_that_breaks_its_contract(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The in-process check runs on every block of a clean, naming column and row."""
    import dataclasses

    import nanclean.repair
    import nanclean.schema

    real = nanclean.schema.contract

    def tight(plan: nc.Plan) -> dict[str, object]:
        terms = real(plan)
        a = terms["a"]
        terms["a"] = dataclasses.replace(a, high=a.low)  # type: ignore[type-var]
        return terms  # type: ignore[return-value]

    monkeypatch.setattr(nanclean.schema, "contract", tight)
    monkeypatch.setattr(nanclean.repair, "contract", tight)
    df = pl.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "y": [0.0, 1.0, 0.0, 1.0]})
    with pytest.raises(ContractError, match=r"a: \d cell\(s\) .*\(row \d\)"):
        nc.clean(df, target="y", loss="bce")


def test_the_output_exists_once_until_a_frame_is_asked_for() -> None:
    import pandas as pd

    df = pd.DataFrame(
        {
            "a": [1.0, np.nan, 3.0, np.inf],
            "b": [0.5, 0.25, 2.0, 1.0],
            "y": [0, 1, 1, 0],
        },
        index=["w", "x", "y", "z"],
    )
    result = nc.clean(df, target="y", loss="bce", config={"scale": "none"})
    assert result.output is not None
    assert "_data" not in result.__dict__ or result.__dict__["_data"] is None
    x, y = result.to_numpy()
    assert x is result.output.x and x.flags.c_contiguous and x.flags.writeable
    assert x.dtype == np.float32 and y is not None and y.dtype == np.float32
    # built on demand, equal to the matrix; the caller's type and index come back
    np.testing.assert_array_equal(result.data.select(["a", "b"]).to_numpy(), x)
    assert list(result.frame.index) == ["w", "x", "y", "z"]
    a = result.frame["a"].tolist()
    assert a[:3] == [1.0, 2.0, 3.0] and np.isfinite(a[3]) and a[3] >= 3.0
