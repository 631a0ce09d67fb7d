"""Plan files are a validated format (hypothesis).

Every valid Plan round-trips exactly through JSON and applies to data with an
output inside its own contract; every mutation that makes it invalid
(non-finite numbers, swapped bounds, a zero divisor, wrong types, unknown
policies) is refused by ``Plan.from_dict``, ``Plan.from_json`` and
``Cleaner.from_plan``, so it is never applied.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nanclean as nc
from nanclean.config import CHOICES
from nanclean.errors import ConfigError
from nanclean.plan import ColumnPlan

NAMES = ("a", "b", "c")
# small enough that a constant fill, scaled, fits even float16 (±65504)
VALUE = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
SCALE = st.floats(0.1, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def column_plans(draw: Any, name: str) -> dict[str, Any]:
    impute = draw(
        st.sampled_from(
            ["median", "mean", "constant", "most_frequent", "drop_row", "error"]
        )
    )
    action = draw(st.sampled_from(CHOICES["outlier_action"]))
    bounds = draw(st.none() | st.tuples(VALUE, VALUE).map(sorted))
    low, high = bounds if bounds is not None else (None, None)
    if bounds is not None and impute != "constant" and action != "flag":
        fill = draw(st.floats(low, high))  # a learned fill lies inside the bounds
    else:
        fill = draw(VALUE)
    inf_low, inf_high = sorted(draw(st.tuples(VALUE, VALUE)))
    train_min, train_max = sorted(draw(st.tuples(VALUE, VALUE)))
    # every field a ColumnPlan has (a new one keeps its default), then drawn ones
    return asdict(ColumnPlan(name)) | {
        "name": name,
        "impute": impute,
        "fill": fill,
        "pos_inf": draw(st.sampled_from(["clip", "null"])),
        "neg_inf": draw(st.sampled_from(["clip", "null"])),
        "inf_high": inf_high,
        "inf_low": inf_low,
        "outlier_method": draw(st.sampled_from(CHOICES["outliers"])),
        "outlier_action": action,
        "outlier_low": low,
        "outlier_high": high,
        "scale": draw(st.sampled_from(CHOICES["scale"])),
        "center": draw(VALUE),
        "scale_by": draw(SCALE),
        "unscaled": draw(st.none() | st.sampled_from(["constant", "zero spread"])),
        "missing_indicator": draw(st.booleans()),
        "clip_indicator": draw(st.booleans()),
        "ratio": None,
        "ratio_on_zero": "null",
        "ratio_tolerance": None,
        "train_min": train_min,
        "train_max": train_max,
        "train_missing": draw(st.integers(0, 10**6)),
        "train_constant": draw(st.booleans()),
    }


@st.composite
def plans(draw: Any) -> dict[str, Any]:
    names = list(NAMES[: draw(st.integers(1, len(NAMES)))])
    columns = [draw(column_plans(n)) for n in names]
    outputs: list[str] = []
    for c in columns:
        outputs.append(c["name"])
        outputs += [c["name"] + "__missing"] if c["missing_indicator"] else []
        outputs += [c["name"] + "__clipped"] if c["clip_indicator"] else []
    return nc.Plan([], [], []).to_dict() | {
        "input_columns": names,
        "columns": columns,
        "output_columns": outputs,
        "target": None,
        "loss": "mse",
        "n_classes": None,
        "invalid_labels": "drop_row",
        "label_map": {},
        "dtype": draw(st.sampled_from(CHOICES["dtype"])),
        "dtype_overflow": "clip",
        "encodings": [],
        "dropped": {},
        "coerced": [],
        "version": nc.plan.PLAN_VERSION,
    }


@given(plans())
def test_every_valid_plan_round_trips_exactly(data: dict[str, Any]) -> None:
    plan = nc.Plan.from_dict(data)
    assert plan.to_dict() == data
    text = plan.to_json()
    again = nc.Plan.from_json(text)
    assert again == plan and again.to_json() == text


CELL = st.one_of(
    st.none(),
    st.just(math.nan),
    st.just(math.inf),
    st.just(-math.inf),
    st.floats(-1e12, 1e12, allow_nan=False),
)


@given(plans(), st.data())
def test_every_valid_plan_applies_inside_its_contract(
    data: dict[str, Any], draw: Any
) -> None:
    plan = nc.Plan.from_dict(data)
    n = draw.draw(st.integers(1, 8))
    frame = pl.DataFrame(
        {
            c: draw.draw(st.lists(CELL, min_size=n, max_size=n))
            for c in plan.input_columns
        },
        schema={c: pl.Float64 for c in plan.input_columns},
    )
    cleaner = nc.Cleaner.from_plan(plan)
    try:
        out = cleaner.transform(frame).frame
    except nc.errors.PolicyError:  # drop_row / error policies may refuse or drop all
        return
    values = out.to_numpy()
    assert np.isfinite(values).all()
    assert out.columns == plan.output_columns


# --- mutations that make a plan invalid ----------------------------------------------------

FLOATS = ("fill", "inf_high", "inf_low", "center", "scale_by", "train_min", "train_max")


def _swap_bounds(plan: dict[str, Any], i: int) -> bool:
    c = plan["columns"][i]
    if c["outlier_low"] is None:
        c["outlier_low"], c["outlier_high"] = 1.0, 0.0
    else:
        c["outlier_low"] = c["outlier_high"] + abs(c["outlier_high"]) + 1.0
    return True


MUTATIONS = st.one_of(
    st.tuples(
        st.just("non_finite"),
        st.sampled_from(FLOATS),
        st.sampled_from([math.nan, math.inf, -math.inf]),
    ),
    st.tuples(
        st.just("wrong_type"),
        st.sampled_from(FLOATS),
        st.sampled_from(["1.0", True, [1.0], {"v": 1}]),
    ),
    st.tuples(
        st.just("wrong_type"),
        st.sampled_from(["name", "impute", "scale", "missing_indicator"]),
        st.sampled_from([5, None, 1.5, ["x"]]),
    ),
    st.tuples(
        st.just("unknown_choice"),
        st.sampled_from(
            ["impute", "pos_inf", "outlier_method", "outlier_action", "scale"]
        ),
        st.text(min_size=1, max_size=8),
    ),
    st.tuples(
        st.just("divisor"),
        st.just("scale_by"),
        st.sampled_from([0.0, -1.0, -1e-300, 0]),
    ),
    st.tuples(st.just("swap"), st.just("outlier_low"), st.none()),
    st.tuples(st.just("swap"), st.just("inf_low"), st.none()),
)


def _mutate(plan: dict[str, Any], i: int, mutation: tuple[str, str, Any]) -> None:
    kind, key, value = mutation
    c = plan["columns"][i]
    if kind == "swap" and key == "outlier_low":
        _swap_bounds(plan, i)
    elif kind == "swap":
        c["inf_low"] = c["inf_high"] + abs(c["inf_high"]) + 1.0
    else:
        c[key] = value


@given(plans(), st.data(), MUTATIONS)
def test_every_invalidating_mutation_is_refused(
    data: dict[str, Any], draw: Any, mutation: tuple[str, str, Any]
) -> None:
    i = draw.draw(st.integers(0, len(data["columns"]) - 1))
    kind, key, value = mutation
    if (
        kind == "unknown_choice"
        and value
        in CHOICES[{"pos_inf": "inf", "outlier_method": "outliers"}.get(key, key)]
    ):
        return  # drew a valid choice
    _mutate(data, i, mutation)
    name = data["columns"][i]["name"]
    with pytest.raises(ConfigError) as info:
        nc.Plan.from_dict(data)
    message = str(info.value)
    assert key in message or str(value) in message, message
    assert f"columns[{i}]" in message or repr(name) in message or key == "name", message
    with pytest.raises(ConfigError):
        nc.Cleaner.from_plan(data)  # never applied
    text = json.dumps(data, allow_nan=True)
    with pytest.raises(ConfigError):
        nc.Plan.from_json(text)
