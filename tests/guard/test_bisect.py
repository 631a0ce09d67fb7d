"""nanclean.bisect: ddmin over the rows of every frame kind, deterministic, bounded."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest

import nanclean as nc
from nanclean.errors import InputError, NancleanWarning, NonFiniteLossError

N = 10_000
POISONED = [17, 4242, 9001]
#: ddmin needs at most about 2 x k x log2(n) calls for k independent rows
#: (3 x 2 x 14 = 84; 60 are used here, deterministically).
MAX_CALLS_ANY = 100
#: Three rows that fail only together need more (189 here).
MAX_CALLS_ALL = 200
KINDS = ("polars", "polars_lazy", "pandas", "numpy", "arrow")


def _frame(kind: str) -> tuple[Any, list[Any]]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, 3))
    y = rng.uniform(1.0, 5.0, N)
    y[POISONED] = 0.0
    ref = pl.DataFrame({"a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "y": y})
    if kind == "polars":
        return ref, POISONED
    if kind == "polars_lazy":
        return ref.lazy(), POISONED
    if kind == "pandas":  # labels, not positions
        index = [f"row{i}" for i in range(N)]
        return ref.to_pandas().set_axis(index), [index[i] for i in POISONED]
    if kind == "numpy":
        return ref.to_numpy(), POISONED
    return ref.to_arrow(), POISONED


def _columns(subset: Any) -> tuple[np.ndarray, np.ndarray]:
    """Features and target of a subset of any kind, as numpy."""
    if isinstance(subset, pl.LazyFrame):
        subset = subset.collect()
    if isinstance(subset, pd.DataFrame | pl.DataFrame):
        arr = subset.to_numpy()
    elif isinstance(subset, np.ndarray):
        arr = subset
    else:
        arr = pl.from_arrow(subset).to_numpy()  # type: ignore[union-attr]
    return arr[:, :3], arr[:, 3]


def relative_loss_is_nan(subset: Any) -> bool:
    """One 'epoch': a linear model's relative squared error, undefined at y = 0."""
    x, y = _columns(subset)
    pred = x @ np.array([0.5, -1.0, 2.0]) + 3.0
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = np.mean((pred - y) ** 2 / y)
    return not np.isfinite(loss)


@pytest.mark.parametrize("kind", KINDS)
def test_three_poisoned_rows_of_ten_thousand_are_found_exactly(kind):
    data, expected = _frame(kind)
    found = nc.bisect(data, relative_loss_is_nan, max_calls=MAX_CALLS_ANY)
    assert found.rows == expected
    assert found.row_ids.tolist() == POISONED
    assert found.groups == [[r] for r in expected]
    assert found.complete and found.calls <= MAX_CALLS_ANY
    assert len(_columns(found.data)[1]) == 3 and not _columns(found.data)[1].any()


def test_rows_that_fail_only_together_are_found_together():
    data, expected = _frame("polars")

    def all_three(subset: Any) -> bool:
        return int((_columns(subset)[1] == 0).sum()) == 3

    found = nc.bisect(data, all_three, max_calls=MAX_CALLS_ALL)
    assert found.rows == expected and found.groups == [expected]
    assert found.calls <= MAX_CALLS_ALL


def test_bisect_is_deterministic():
    data, _ = _frame("pandas")
    first = nc.bisect(data, relative_loss_is_nan)
    second = nc.bisect(data, relative_loss_is_nan)
    assert (first.rows, first.calls, first.groups) == (
        second.rows,
        second.calls,
        second.groups,
    )


def test_find_all_false_stops_at_the_first_minimal_subset():
    data, _ = _frame("numpy")
    found = nc.bisect(data, relative_loss_is_nan, find_all=False)
    assert len(found.rows) == 1 and found.rows[0] in POISONED


def test_a_predicate_that_raises_the_guard_error_counts_as_failing():
    data, _ = _frame("polars")

    def guarded(subset: Any) -> bool:
        if relative_loss_is_nan(subset):
            raise NonFiniteLossError(_FakeIncident())
        return False

    assert nc.bisect(data, guarded).rows == POISONED


class _FakeIncident:
    message = "non-finite loss"


def test_a_full_set_that_does_not_fail_is_a_clear_error():
    clean = pl.DataFrame({"a": [1.0, 2.0], "b": [1.0, 2.0], "c": [0.0, 1.0]})
    with pytest.raises(
        InputError, match=r"fails\(data\) is False for the whole data \(2 rows\)"
    ):
        nc.bisect(clean.with_columns(y=pl.lit(1.0)), relative_loss_is_nan)


def test_running_out_of_calls_warns_and_returns_rows_that_still_fail():
    data, _ = _frame("polars")
    with pytest.warns(NancleanWarning, match="max_calls=10"):
        found = nc.bisect(data, relative_loss_is_nan, max_calls=10)
    assert not found.complete
    assert relative_loss_is_nan(found.data) and len(found.rows) > 3


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_bad_max_calls_are_refused(bad):
    with pytest.raises(InputError, match="max_calls must be a positive int"):
        nc.bisect(pl.DataFrame({"a": [1.0]}), bool, max_calls=bad)


def test_unsupported_data_and_empty_data_are_refused():
    with pytest.raises(InputError, match="Cannot take rows of a 'dict'"):
        nc.bisect({"a": [1.0]}, bool)
    with pytest.raises(InputError, match="at least one row"):
        nc.bisect(pl.DataFrame({"a": []}), bool)
