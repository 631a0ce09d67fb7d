"""Helpers shared by the tests: input kinds and finding comparisons.

:func:`convert` turns one *reference* polars frame into each input kind
nanclean accepts; the returned :class:`Input` says how that kind names the
columns (numpy has no names: ``x0, x1, …``) and whether it can keep null and
NaN apart (a pandas frame with numpy dtypes and a numpy array cannot: a null
becomes NaN there, which is then what the user's data holds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

# --- input kinds ----------------------------------------------------------------

KINDS = (
    "polars",
    "polars_lazy",
    "pandas",
    "pandas_nullable",
    "numpy",
    "arrow",
)
#: Kinds in which a null cell can only be stored as NaN.
MERGES_NULL = frozenset({"pandas", "numpy"})


@dataclass
class Input:
    """The reference data as one input kind.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    data : object
        What is handed to ``nanclean.scan``.
    names : dict of str to str
        Reference column name → the column's name as the scan reports it.
    reference : polars.DataFrame
        The reference frame as this kind holds it (nulls turned NaN in the
        float columns of the kinds in :data:`MERGES_NULL`).
    index : sequence, optional
        The pandas row labels (pandas kinds only; the others speak positions).
    """

    kind: str
    data: Any
    names: dict[str, str]
    reference: pl.DataFrame
    index: Any = None

    def label(self, position: int) -> Any:
        """The row label a finding uses for the 0-based ``position``."""
        if self.index is None:
            return position
        return self.index[position]

    @property
    def merges_null(self) -> bool:
        return self.kind in MERGES_NULL

    def col(self, name: str) -> str:
        return self.names[name]


def _nulls_to_nan(ref: pl.DataFrame) -> pl.DataFrame:
    """What a numpy-backed container holds: a null in a numeric column is NaN."""
    return ref.with_columns(
        pl.col(c).cast(pl.Float64).fill_null(float("nan"))
        for c, t in ref.schema.items()
        if t.is_numeric() and ref[c].null_count()
    )


def _nullable_series(s: pl.Series) -> pd.Series:
    """A pandas nullable (masked) column that keeps NaN and pd.NA apart."""
    if s.dtype.is_float():
        values = s.fill_null(0.0).to_numpy().astype(np.float64)
        mask = s.is_null().to_numpy()
        return pd.Series(pd.arrays.FloatingArray(values, mask), name=s.name)
    if s.dtype.is_integer():
        values = s.fill_null(0).to_numpy().astype(np.int64)
        mask = s.is_null().to_numpy()
        return pd.Series(pd.arrays.IntegerArray(values, mask), name=s.name)
    return s.to_pandas()


def convert(ref: pl.DataFrame, kind: str, index: Any = None) -> Input:
    """``ref`` as input ``kind`` (``index``: pandas row labels, pandas kinds only)."""
    names = {c: c for c in ref.columns}
    if kind == "polars":
        return Input(kind, ref.clone(), names, ref)
    if kind == "polars_lazy":
        return Input(kind, ref.lazy(), names, ref)
    if kind == "arrow":
        return Input(kind, ref.to_arrow(), names, ref)
    if kind == "pandas":
        pdf = ref.to_pandas()
        if index is not None:
            pdf.index = index
        return Input(kind, pdf, names, _nulls_to_nan(ref), index)
    if kind == "pandas_nullable":
        pdf = pd.concat([_nullable_series(ref[c]) for c in ref.columns], axis=1)
        if index is not None:
            pdf.index = index
        return Input(kind, pdf, names, ref, index)
    if kind == "numpy":
        if not all(t.is_numeric() for t in ref.dtypes):
            raise ValueError("a numpy input holds numeric reference frames only")
        array = ref.select(pl.all().cast(pl.Float64)).to_numpy()
        names = {c: f"x{i}" for i, c in enumerate(ref.columns)}
        return Input(kind, array, names, _nulls_to_nan(ref))
    raise ValueError(kind)


def found(report: Any) -> set[tuple[str, str, tuple[Any, ...], int, str]]:
    """(kind, column, rows, count, severity) of every finding, for comparisons."""
    return {
        (f.kind.value, f.column, tuple(f.rows), f.count, f.severity.value)
        for f in report.findings
    }


def one(report: Any, kind: str, column: str) -> Any:
    """The single finding of ``kind`` on ``column`` (fails if there is not one)."""
    matches = [f for f in report.findings if f.kind == kind and f.column == column]
    kinds = sorted((f.kind.value, f.column) for f in report.findings)
    assert len(matches) == 1, f"expected one {kind} on {column!r}; got {kinds}"
    return matches[0]


def kinds_of(report: Any, column: str | None = None) -> set[str]:
    return {
        f.kind.value for f in report.findings if column is None or f.column == column
    }


def run_cli(*args: Any) -> tuple[float, float]:
    """Run the nanclean CLI in a fresh child process: its wall time in seconds
    and its peak resident set size in MB (``os.wait4``: the kernel's count of
    every resident page of exactly this child, Rust and C allocations
    included). Raises when the command fails. Shared with bench/scaling.py.
    """
    import os
    import sys
    import time

    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.execv(
                sys.executable, [sys.executable, "-m", "nanclean", *map(str, args)]
            )
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"nanclean {' '.join(map(str, args))} failed")
    return time.perf_counter() - started, usage.ru_maxrss / 1024
