"""Shrink a failing set of rows to a minimal one: delta debugging (ddmin).

Seed 000's manual search, done by the tool: training on 1,000 rows gives a
NaN loss, so the user tries 500, then 250, ... then opens the last 10 in
pandas. :func:`bisect` runs Zeller and Hildebrandt's ddmin over the rows of a
frame with a predicate ``fails(subset) -> bool`` (for example "one epoch on
this subset gives a non-finite loss") and returns a 1-minimal failing subset:
removing any one of its rows makes the failure go away.

Several independent culprits (three poisoned rows, each of which alone makes
the loss NaN) would leave ddmin with one of them. So, by default, the rows
found are set aside and the rest is tried again, until the rest passes: the
answer is every row that is part of a failure, and ``groups`` says which rows
fail together. Subsets are contiguous runs in input order and no randomness is
used, so the same data and predicate give the same rows and the same number of
calls. Only the rows' positions move through the search; the predicate gets
each subset in the caller's type (polars, pandas with its index, numpy,
pyarrow). This module imports neither torch nor keras.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nanclean.errors import InputError, NancleanWarning, NonFiniteLossError
from nanclean.frame import count_rows, row_labels, take_rows

__all__ = ["BisectResult", "Search", "bisect", "search"]

#: Default budget of predicate calls.
MAX_CALLS = 1000


@dataclass
class BisectResult:
    """What :func:`bisect` found.

    Attributes
    ----------
    rows : list
        The original labels (pandas index labels, else positions) of every row
        found, in input order.
    row_ids : numpy.ndarray
        Their 0-based positions.
    groups : list of list
        Each minimal failing subset found, as labels: one group per
        independent cause.
    calls : int
        How many times the predicate ran (answers for a subset already tried
        are remembered, not asked again).
    complete : bool
        False when ``max_calls`` ran out first: ``rows`` still fail but may
        not be minimal.
    data : object
        The rows found, in the caller's type.
    """

    rows: list[Any]
    row_ids: np.ndarray
    groups: list[list[Any]]
    calls: int
    complete: bool
    data: Any = field(repr=False)

    def __iter__(self) -> Any:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


class _OutOfCalls(Exception):
    pass


class _Memo:
    """A predicate on row positions, remembered, counted and bounded."""

    def __init__(self, fails_at: Callable[[np.ndarray], bool], max_calls: int):
        self.fails_at = fails_at
        self.max_calls = max_calls
        self.calls = 0
        self.seen: dict[bytes, bool] = {}

    def __call__(self, positions: np.ndarray) -> bool:
        key = positions.tobytes()
        if key in self.seen:
            return self.seen[key]
        if self.calls >= self.max_calls:
            raise _OutOfCalls
        self.calls += 1
        try:
            answer = bool(self.fails_at(positions))
        except NonFiniteLossError:  # a guarded training run that stopped: a failure
            answer = True
        self.seen[key] = answer
        return answer


@dataclass
class Search:
    """The positions found by :func:`search`: one array per failing group."""

    groups: list[np.ndarray]
    calls: int
    complete: bool
    fails_at_all: bool = True

    @property
    def positions(self) -> np.ndarray:
        if not self.groups:
            return np.empty(0, np.int64)
        return np.unique(np.concatenate(self.groups))


def search(
    n: int,
    fails_at: Callable[[np.ndarray], bool],
    *,
    max_calls: int = MAX_CALLS,
    find_all: bool = True,
) -> Search:
    """ddmin over positions ``0 .. n-1`` (sorted int64 arrays) of a predicate.

    Returns ``fails_at_all=False`` (and no group) when the whole set passes.
    The guard uses it to bisect one batch; :func:`bisect` a whole frame.
    """
    test = _Memo(fails_at, max_calls)
    rest = np.arange(n, dtype=np.int64)
    if not test(rest):
        return Search([], test.calls, True, fails_at_all=False)
    groups: list[np.ndarray] = []
    complete = True
    try:
        while True:
            group = _ddmin(rest, test)
            groups.append(group)
            rest = np.setdiff1d(rest, group, assume_unique=True)
            if not find_all or len(rest) == 0 or not test(rest):
                break
    except _OutOfCalls as stop:
        complete = False
        groups.append(stop.args[0] if stop.args else rest)
    return Search(groups, test.calls, complete)


def bisect(
    data: Any,
    fails: Callable[[Any], Any],
    *,
    max_calls: int = MAX_CALLS,
    find_all: bool = True,
) -> BisectResult:
    """The minimal rows of ``data`` for which ``fails(subset)`` is True.

    Parameters
    ----------
    data : polars DataFrame or LazyFrame, pandas DataFrame, numpy array or pyarrow Table
    fails : callable
        ``fails(subset) -> bool``, given a subset of the rows in ``data``'s
        type, in input order. Raising :class:`~nanclean.errors.NonFiniteLossError`
        (a guarded training run that stopped) counts as True. It must be
        deterministic: seed the model and the shuffling inside it.
    max_calls : int, default=1000
        Stop after this many calls of ``fails``; the result then still fails
        but may not be minimal (``complete=False``, with a warning). With k
        independent culprit rows among n, ddmin needs about
        ``2 × k × log2(n)`` calls (about 90 for 3 rows among 10,000).
    find_all : bool, default=True
        After a minimal failing subset is found, set it aside and search the
        rest again, until the rest passes: every culprit, not just one.

    Returns
    -------
    BisectResult
        ``.rows`` (original labels), ``.row_ids``, ``.groups``, ``.calls``,
        ``.complete``, ``.data``.

    Raises
    ------
    InputError
        ``data`` has no rows, or ``fails(data)`` is False for the whole of it
        (there is nothing to bisect).

    Examples
    --------
    >>> import polars as pl, nanclean as nc
    >>> df = pl.DataFrame({"y": [1.0, 2.0, 0.0, 4.0, 5.0, 0.0, 7.0, 8.0]})
    >>> found = nc.bisect(df, lambda d: (1 / d["y"]).is_infinite().any())
    >>> found.rows, found.groups
    ([2, 5], [[2], [5]])
    """
    if isinstance(max_calls, bool) or not isinstance(max_calls, int) or max_calls < 1:
        raise InputError(f"max_calls must be a positive int; received {max_calls!r}.")
    n = count_rows(data)
    if n == 0:
        raise InputError("bisect needs at least one row; the data has none.")
    found = search(
        n,
        lambda positions: bool(fails(take_rows(data, positions))),
        max_calls=max_calls,
        find_all=find_all,
    )
    if not found.fails_at_all:
        raise InputError(
            f"fails(data) is False for the whole data ({n} rows), so there is "
            "nothing to bisect. Fix: check that the predicate returns True when the "
            "failure happens (e.g. a non-finite loss) and that it is deterministic "
            "(seed the model and the shuffling inside it)."
        )
    if not found.complete:
        warnings.warn(
            f"bisect stopped after max_calls={max_calls} calls of the predicate; "
            f"the {len(found.positions)} rows it returns still fail but may not be "
            "minimal. Fix: raise max_calls.",
            NancleanWarning,
            stacklevel=2,
        )
    positions = found.positions
    labels = row_labels(data)
    return BisectResult(
        rows=labels(positions),
        row_ids=positions,
        groups=[labels(np.sort(g)) for g in found.groups],
        calls=found.calls,
        complete=found.complete,
        data=take_rows(data, positions),
    )


def _ddmin(items: np.ndarray, test: Callable[[np.ndarray], bool]) -> np.ndarray:
    """A 1-minimal subset of ``items`` (which fails) that still fails.

    Split into ``granularity`` contiguous chunks; keep a chunk that fails
    (restart at 2), else a complement that fails (one chunk fewer), else
    split finer; done when every single row was tried.
    """
    granularity = 2
    try:
        while len(items) >= 2:
            chunks = np.array_split(items, granularity)
            reduced = False
            for chunk in chunks:
                if test(chunk):
                    items, granularity, reduced = chunk, 2, True
                    break
            if not reduced and granularity > 2:
                for i in range(len(chunks)):
                    complement = np.concatenate(chunks[:i] + chunks[i + 1 :])
                    if test(complement):
                        items, reduced = complement, True
                        granularity = max(granularity - 1, 2)
                        break
            if not reduced:
                if granularity >= len(items):
                    break
                granularity = min(2 * granularity, len(items))
    except _OutOfCalls:
        raise _OutOfCalls(items) from None
    return items
