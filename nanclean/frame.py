"""The edge: any supported input → a polars LazyFrame with a row id, and back.

Only this module knows that pandas, numpy and pyarrow exist. Everything past
the edge speaks polars. Float NaN and null stay distinct on the way in
(``nan_to_null=False``); the caller's row labels (a pandas index) are kept
aside so findings can speak in them, and results go back in the caller's type.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from nanclean.errors import (
    ColumnError,
    EmptyInputError,
    InputError,
    NancleanError,
    UnreadableFileError,
    format_rows,
)
from nanclean.findings import RowLabels

__all__ = [
    "ROW_ID",
    "FileSource",
    "Frame",
    "InputKind",
    "Step",
    "apply_steps",
    "available_memory",
    "collect",
    "count_rows",
    "is_dask",
    "partition_frame",
    "partition_start",
    "read",
    "restore",
    "row_labels",
    "take_rows",
    "to_partition",
    "write",
]

#: Name of the 0-based original row position attached to every frame.
ROW_ID = "__nanclean_row__"

#: The file format read for each extension (lower case); --format overrides it.
FORMAT_OF_EXTENSION = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".arrow": "ipc",
    ".ipc": "ipc",
    ".feather": "ipc",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
}
FILE_FORMATS = tuple(sorted(set(FORMAT_OF_EXTENSION.values())))

#: Formats that must be parsed (text): a lazy scan of them parses the whole file
#: again for every query, so they are parsed once, into memory or into Parquet.
TEXT_FORMATS = ("csv", "tsv", "json", "ndjson")

#: A text file is parsed into memory when this many times its size is free.
#: Parsed numbers take about as many bytes as their text (a float64 is 8 bytes,
#: its text 6-20), and the scan and the clean hold up to three copies of the
#: columns (input, output, intermediates): 4x the file leaves room for both.
#: A larger file is parsed once into a temporary Parquet file read lazily.
#: (The same rule lets a scan hold the columns of a Parquet file in memory.)
TEXT_IN_MEMORY_FACTOR = 4


class InputKind(StrEnum):
    """What the caller handed in; results go back as the same kind."""

    POLARS = "polars"
    POLARS_LAZY = "polars_lazy"
    PANDAS = "pandas"
    NUMPY = "numpy"
    ARROW = "arrow"
    FILE = "file"
    DASK = "dask"


@dataclass
class Frame:
    """A polars LazyFrame with an attached row id, and what it came from.

    Attributes
    ----------
    lazy : polars.LazyFrame
        The data with a ``ROW_ID`` column (UInt32 positions 0..n-1) first.
    kind : InputKind
    columns : list of str
        The caller's columns, in order.
    n_rows : int
    labels : RowLabels
        Maps positions to the caller's row labels.
    source : str
        A short description (a path, or the input type).
    pandas_index : object
        The pandas index, kept to rebuild a pandas result.
    path : str or None
        The path of a file input, as the caller gave it.
    file : FileSource or None
        The Parquet / IPC file that ``lazy`` reads lazily, if any.
    """

    lazy: pl.LazyFrame
    kind: InputKind
    columns: list[str]
    n_rows: int
    labels: RowLabels = field(default_factory=RowLabels)
    source: str = ""
    pandas_index: Any = None
    schema: dict[str, str] = field(default_factory=dict)
    #: For data that is read batch by batch (``nanclean.batched``): where the
    #: batches come from, and the steps (``with_columns`` / ``select``) that
    #: turned each batch into ``lazy``'s columns.
    batches: Any = None
    steps: list[Step] = field(default_factory=list)
    #: The file ``lazy`` reads lazily (Parquet or IPC: the input itself, or the
    #: temporary Parquet copy of a text file too large for memory) and its
    #: format; None when the data is in memory or comes from the caller's query.
    file: FileSource | None = None
    #: The path the caller gave, for a file input (the report names the file).
    path: str | None = None

    @property
    def in_memory(self) -> bool:
        """Whether the columns a pass queries are held in memory: the data is
        in memory already, or it is a Parquet / IPC file that fits (by the same
        rule as a text file), whose needed columns are then read once. A query
        of them is then cheap to repeat."""
        if self.batches is not None:
            return False
        if self.kind is InputKind.FILE:
            return self.file is None or (
                not self.file.temporary and _fits(self.file.path.stat().st_size)
            )
        return self.kind not in (InputKind.POLARS_LAZY, InputKind.DASK)

    def derive(self, step: Step, columns: list[str], schema: dict[str, str]) -> Frame:
        """This frame with one more step applied (to ``lazy`` and to every batch)."""
        return replace(
            self,
            lazy=apply_steps(self.lazy, [step]),
            columns=columns,
            schema=schema,
            steps=[*self.steps, step],
        )

    def describe(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "source": self.source,
            "path": self.path,
            "n_rows": self.n_rows,
            "n_columns": len(self.columns),
            "columns": dict(self.schema),
        }


def read(
    data: Any,
    *,
    columns: list[str] | None = None,
    format: str | None = None,
    in_memory: bool | None = None,
) -> Frame:
    """Convert any supported input to a :class:`Frame`.

    Parameters
    ----------
    data : polars DataFrame or LazyFrame, pandas DataFrame, 2-D numpy array,
        pyarrow Table, or a path (str / PathLike) to CSV, Parquet, Arrow IPC or
        (ND)JSON.
    columns : list of str, optional
        Column names for a numpy array (default ``x0, x1, …``).
    format : str, optional
        File format, when the extension does not tell it.
    in_memory : bool, optional
        For a text file (CSV, TSV, JSON, NDJSON): True parses it into memory,
        False parses it once into a temporary Parquet file that is then read
        lazily; by default, into memory when :data:`TEXT_IN_MEMORY_FACTOR`
        times its size is available. Either way it is parsed once. Parquet and
        IPC files are always read lazily (only the columns a query needs).
    """
    if isinstance(data, Frame):  # already read (e.g. by the CLI, with format=)
        return data
    if is_dask(data):
        return read_dask(data)
    source = _describe(data)
    file = None
    try:
        if isinstance(data, str | os.PathLike):
            lazy, source, file = _read_file(Path(data), format, in_memory)
            kind, labels, index = InputKind.FILE, RowLabels(), None
        else:
            kind, lazy, labels, index, source = _to_lazy(data, columns)
        names = lazy.collect_schema().names()
    except (NancleanError, MemoryError):
        raise
    except Exception as exc:  # the user's query, or a converter, failed
        raise _unreadable(source, exc) from exc
    _check_names(names, source)
    lazy = lazy.with_row_index(ROW_ID)
    n_rows = int(collect(lazy.select(pl.len()), source).item())
    shape = getattr(data, "shape", None)
    if not names and isinstance(shape, tuple) and shape and shape[0]:
        n_rows = int(shape[0])  # a frame without columns still has its rows
    if n_rows == 0 or not names:
        what = "no rows" if n_rows == 0 else f"{n_rows} rows and no columns"
        raise EmptyInputError(
            f"The input ({source}) has {what}: there is nothing to scan or clean. "
            "Pass a frame with at least one row and one numeric column."
        )
    schema = {n: str(t) for n, t in lazy.collect_schema().items() if n != ROW_ID}
    path = str(data) if kind is InputKind.FILE else None
    return Frame(
        lazy, kind, names, n_rows, labels, source, index, schema, file=file, path=path
    )


#: One step of a frame's derivation: ("with_columns", exprs) or ("select", names).
Step = tuple[str, list[Any]]


def apply_steps(lazy: pl.LazyFrame, steps: list[Step]) -> pl.LazyFrame:
    for how, what in steps:
        lazy = lazy.with_columns(what) if how == "with_columns" else lazy.select(what)
    return lazy


def is_dask(data: Any) -> bool:
    """True for a Dask DataFrame (checked without importing dask)."""
    return type(data).__module__.split(".")[0] in ("dask", "dask_expr") and hasattr(
        data, "to_delayed"
    )


def partition_frame(pdf: Any, offset: int) -> pl.DataFrame:
    """One pandas partition of a Dask DataFrame as polars, with the row ids
    ``offset, offset + 1, ...`` (NaN and null kept apart, as for pandas)."""
    _, lazy, _, _, _ = _from_pandas(pdf.reset_index(drop=True))
    return lazy.collect().with_row_index(ROW_ID, offset=offset)


def partition_start(pdf: Any) -> tuple[int, int | None]:
    """The length of a pandas partition, and where its index starts when it is
    a step-1 RangeIndex (None otherwise): row labels are then positions."""
    import pandas as pd

    index = pdf.index
    plain = isinstance(index, pd.RangeIndex) and index.step == 1
    return len(pdf), (int(index.start) if plain else None)


def to_partition(out: pl.DataFrame, pdf: Any, positions: np.ndarray) -> Any:
    """A cleaned partition as pandas, with the labels of its input rows at
    ``positions`` (0-based within the partition)."""
    result = out.to_pandas()
    result.index = pdf.index[positions]
    return result


def read_dask(ddf: Any) -> Frame:
    """A Dask DataFrame as a :class:`Frame` whose ``lazy`` is its (empty) meta:
    the data is read partition by partition (``nanclean.distributed``)."""
    from nanclean.distributed import DaskBatches

    _check_names([str(c) for c in ddf._meta.columns], "the dask DataFrame")
    batches = DaskBatches(ddf)
    meta = partition_frame(ddf._meta, 0)
    names = [c for c in meta.columns if c != ROW_ID]
    if batches.n_rows == 0 or not names:
        raise EmptyInputError(
            "The input (dask DataFrame) has no rows or no columns: there is nothing "
            "to scan or clean. Pass a frame with at least one row and one numeric "
            "column."
        )
    schema = {n: str(t) for n, t in meta.schema.items() if n != ROW_ID}
    return Frame(
        meta.lazy(),
        InputKind.DASK,
        names,
        batches.n_rows,
        batches.labels,
        "dask DataFrame",
        None,
        schema,
        batches,
    )


def restore(out: pl.DataFrame, frame: Frame, row_ids: np.ndarray) -> Any:
    """Return ``out`` (rows ``row_ids`` of the input) in the caller's type."""
    if frame.kind is InputKind.POLARS_LAZY:
        return out.lazy()
    if frame.kind is InputKind.PANDAS:
        pdf = out.to_pandas()
        if frame.pandas_index is not None:
            pdf.index = frame.pandas_index[row_ids]
        return pdf
    if frame.kind is InputKind.NUMPY:
        return out.to_numpy()
    if frame.kind is InputKind.ARROW:
        return out.to_arrow()
    return out


def write(df: pl.DataFrame, path: Path, fmt: str) -> None:
    """Write ``df`` to ``path`` as ``fmt`` (a value of :data:`FORMAT_OF_EXTENSION`),
    creating its folder. A directory at ``path`` is an ``IsADirectoryError``:
    polars would write "into" it, or fail deep inside."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise IsADirectoryError(21, "it is a directory", str(path))
    if fmt in ("csv", "tsv"):
        df.write_csv(path, separator="\t" if fmt == "tsv" else ",")
    elif fmt == "parquet":
        df.write_parquet(path)
    elif fmt == "ipc":
        df.write_ipc(path)
    elif fmt == "ndjson":
        df.write_ndjson(path)
    else:
        df.write_json(path)


# --- row subsets in the caller's type (nanclean.bisect) ------------------------


def _in_memory_kind(data: Any) -> InputKind:
    if isinstance(data, pl.LazyFrame):
        return InputKind.POLARS_LAZY
    if isinstance(data, pl.DataFrame):
        return InputKind.POLARS
    module = type(data).__module__.split(".")[0]
    if module == "pandas" and hasattr(data, "iloc"):
        return InputKind.PANDAS
    if isinstance(data, np.ndarray) and data.ndim >= 1:
        return InputKind.NUMPY
    if module == "pyarrow" and hasattr(data, "take") and hasattr(data, "num_rows"):
        return InputKind.ARROW
    raise InputError(
        f"Cannot take rows of a {type(data).__name__!r}. Pass a polars DataFrame or "
        "LazyFrame, a pandas DataFrame, a numpy array or a pyarrow Table (read a "
        "file first, e.g. polars.read_csv(path))."
    )


def count_rows(data: Any) -> int:
    """The number of rows of an in-memory frame of any supported kind."""
    kind = _in_memory_kind(data)
    if kind is InputKind.POLARS_LAZY:
        return int(data.select(pl.len()).collect().item())
    if kind is InputKind.ARROW:
        return int(data.num_rows)
    return len(data)


def take_rows(data: Any, positions: np.ndarray) -> Any:
    """Rows at the 0-based ``positions`` (in that order), in the caller's type."""
    kind = _in_memory_kind(data)
    positions = np.asarray(positions, dtype=np.int64)
    if kind is InputKind.POLARS:
        return data[positions]
    if kind is InputKind.POLARS_LAZY:
        at = pl.Series(positions, dtype=pl.UInt32)
        return data.select(pl.all().gather(at))
    if kind is InputKind.PANDAS:
        return data.iloc[positions]
    if kind is InputKind.NUMPY:
        return data[positions]
    return data.take(positions)


def row_labels(data: Any) -> RowLabels:
    """How findings name the rows of ``data``: its pandas index, else positions."""
    if _in_memory_kind(data) is InputKind.PANDAS:
        return _pandas_labels(data.index)
    return RowLabels()


def collect(
    lazy: pl.LazyFrame, source: str = "the input", *, streaming: bool = False
) -> pl.DataFrame:
    """Collect a query; a read or parse error becomes an :class:`InputError`.

    ``streaming``: run it on polars' streaming engine, which pushes batches of
    rows through a long chain of elementwise expressions instead of
    materializing every intermediate column (the transform pass: about 1.5x
    faster at 5M rows). Aggregations stay in memory: streaming made the
    statistics pass slower here.
    """
    try:
        return lazy.collect(engine="streaming" if streaming else "in-memory")
    except (NancleanError, MemoryError):
        raise
    except (Exception, pl.exceptions.PanicException) as exc:
        # the user's lazy query (a UDF, a cast, a file gone since scan_csv) runs here
        raise _unreadable(source, exc) from exc


def _unreadable(source: str, exc: BaseException) -> InputError:
    """The error for an input that fails to read or compute, naming both."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else repr(exc)
    cls = UnreadableFileError if source.startswith("file") else InputError
    fix = (
        "Check that the file is complete and in the format its extension says, or "
        "pass format=... explicitly."
        if cls is UnreadableFileError
        else "Check that the input computes on its own (e.g. lazy.collect()) and fix "
        "the failing step first."
    )
    return cls(f"Could not read {source}: {type(exc).__name__}: {first}. {fix}")


def _describe(data: Any) -> str:
    """A short name of the input for messages, before it is read."""
    if isinstance(data, str | os.PathLike):
        return f"file {str(data)!r}"
    name = type(data).__name__
    module = type(data).__module__.split(".")[0]
    return f"{module} {name}" if module in ("polars", "pandas", "pyarrow") else name


# --- the converters ---------------------------------------------------------


def _to_lazy(
    data: Any, columns: list[str] | None
) -> tuple[InputKind, pl.LazyFrame, RowLabels, Any, str]:
    if isinstance(data, pl.LazyFrame):
        return InputKind.POLARS_LAZY, data, RowLabels(), None, "polars LazyFrame"
    if isinstance(data, pl.DataFrame):
        return InputKind.POLARS, data.lazy(), RowLabels(), None, "polars DataFrame"
    module = type(data).__module__.split(".")[0]
    if type(data).__name__ == "Series" and module in ("pandas", "polars"):
        raise InputError(
            f"A {module} Series is one column; nanclean reads a table, whose column "
            "names it reports and whose target it checks. Fix: pass "
            "series.to_frame() (a DataFrame with the series as its one column)."
        )
    if module == "pandas":
        return _from_pandas(data)
    if module == "numpy" and isinstance(data, np.ndarray):
        return (
            InputKind.NUMPY,
            _from_numpy(data, columns),
            RowLabels(),
            None,
            (f"numpy array {data.shape}"),
        )
    if module == "pyarrow":
        names = getattr(data, "column_names", None)
        if isinstance(names, list):
            _check_unique([str(n) for n in names])
            _check_names([str(n) for n in names], "the pyarrow Table")
        try:
            df = pl.from_arrow(data)
        except Exception as exc:  # pyarrow raises many types
            raise InputError(f"Could not convert the pyarrow input: {exc}") from exc
        if not isinstance(df, pl.DataFrame):
            raise InputError(
                "A pyarrow Array is one column; pass a pyarrow Table instead."
            )
        return InputKind.ARROW, df.rechunk().lazy(), RowLabels(), None, "pyarrow Table"
    raise InputError(
        f"Unsupported input type {type(data).__name__!r}. Pass a polars DataFrame or "
        "LazyFrame, a pandas DataFrame, a 2-D numpy array, a pyarrow Table, or a "
        f"path to a file ({', '.join(FILE_FORMATS)})."
    )


def _check_names(names: list[str], source: str = "the input") -> None:
    """Names nanclean can speak of: non-empty, no NUL, and not its own row id."""
    if ROW_ID in names:
        raise ColumnError(
            f"Column {ROW_ID!r} of {source} is reserved by nanclean for the original "
            "row id. Rename it."
        )
    nul = [n for n in names if "\x00" in n]
    if nul:
        raise ColumnError(
            f"Column {nul[0]!r:.60} of {source} has a NUL character (\\x00) in its name, which polars "
            "cannot hand back to pandas or Arrow (and nanclean keeps for its working "
            "columns). Fix: rename it."
        )
    empty = [i for i, n in enumerate(names) if n == ""]
    if empty:
        raise ColumnError(
            f"Column {empty[0]} (counting from 0) of {source} has an empty name ''. "
            "nanclean names "
            "every column it repairs in its report, so each needs a name. Fix: "
            "rename it, e.g. df.rename(columns={'': 'x'}) in pandas."
        )


def sniff_separator(path: Path) -> str:
    """The CSV's separator: ',' unless the header line has none and has ';',
    tabs or '|' (a European spreadsheet export writes ``a;b;c`` with decimal
    commas)."""
    with open(path, "rb") as f:
        header = f.readline(65536).decode("utf-8", errors="replace")
    if "," in header:
        return ","
    counts = {sep: header.count(sep) for sep in (";", "\t", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


@dataclass(eq=False)
class FileSource:
    """A file that a frame's ``lazy`` reads lazily (Parquet or Arrow IPC).

    ``temporary``: the file is nanclean's Parquet copy of a text file too large
    for memory; its folder is deleted when the last frame that holds this
    object is gone (or at exit).
    """

    path: Path
    format: str
    temporary: bool = False

    def __post_init__(self) -> None:
        if self.temporary:
            weakref.finalize(self, shutil.rmtree, self.path.parent, ignore_errors=True)


def _read_file(
    path: Path, format: str | None, in_memory: bool | None
) -> tuple[pl.LazyFrame, str, FileSource | None]:
    """The file at ``path``, parsed once: a text format into memory (or into a
    temporary Parquet file), Parquet and IPC as a lazy scan."""
    source = f"file {str(path)!r}"
    fmt = format or FORMAT_OF_EXTENSION.get(path.suffix.lower())
    if fmt not in FILE_FORMATS:
        raise UnreadableFileError(
            f"Cannot tell the format of {str(path)!r} from its extension "
            f"{path.suffix!r}. Use one of {', '.join(sorted(FORMAT_OF_EXTENSION))}, or pass "
            f"format= one of {', '.join(FILE_FORMATS)}."
        )
    if not path.is_file():
        raise UnreadableFileError(
            f"File {str(path)!r} does not exist or is not a file. Check the path."
        )
    if fmt not in TEXT_FORMATS:
        return _lazy_scan(path, fmt), source, FileSource(path, fmt)
    if in_memory is None:
        in_memory = _fits(path.stat().st_size)
    if fmt in ("csv", "tsv"):
        try:  # the schema from the first rows: one parallel parse
            lazy, file = _parse_once(
                _lazy_scan(path, fmt, INFER_ROWS), source, in_memory
            )
            if not _unsettled_columns(lazy):
                return lazy, source, file
        except UnreadableFileError as exc:
            if not isinstance(exc.__cause__, pl.exceptions.ComputeError):
                raise
        # a value past the first rows that their dtype cannot hold ('N/A' in a
        # column of numbers), or a column still empty there: infer from every row
    lazy, file = _parse_once(_lazy_scan(path, fmt, None), source, in_memory)
    return lazy, source, file


#: Rows of a CSV its column types are first inferred from. Inferring from every
#: row is a sequential pass that took 4x the parallel parse itself (300k × 20);
#: a value past these rows that the inferred type cannot hold is a parse error,
#: and then (only then) the file is parsed again with types from every row.
INFER_ROWS = 10_000


def _unsettled_columns(lazy: pl.LazyFrame) -> list[str]:
    """String columns that are empty in the first :data:`INFER_ROWS` rows: their
    type was not seen, and the rows after may hold numbers."""
    strings = [n for n, t in lazy.collect_schema().items() if t == pl.String]
    if not strings:
        return []
    head = lazy.head(INFER_ROWS).select(pl.col(strings).is_not_null().any()).collect()
    return [n for n in strings if not head.get_column(n)[0]]


def _parse_once(
    lazy: pl.LazyFrame, source: str, in_memory: bool
) -> tuple[pl.LazyFrame, FileSource | None]:
    """The text file behind ``lazy`` parsed once: into memory, or into a
    temporary Parquet file that is then read lazily."""
    if in_memory:
        return collect(lazy, source).rechunk().lazy(), None
    spilled = FileSource(
        Path(tempfile.mkdtemp(prefix="nanclean-")) / "input.parquet",
        "parquet",
        temporary=True,
    )
    try:
        lazy.sink_parquet(spilled.path, row_group_size=SPILL_ROW_GROUP_ROWS)
    except (NancleanError, MemoryError):
        raise
    except Exception as exc:  # a parse error, found while streaming the file
        raise _unreadable(source, exc) from exc
    return pl.scan_parquet(spilled.path), spilled


#: Rows per row group of the Parquet copy of a text file: a batch of the
#: streamed CLI (``nanclean.batched.BATCH_ROWS``) reads four of them.
SPILL_ROW_GROUP_ROWS = 62_500


def _lazy_scan(path: Path, fmt: str, infer_rows: int | None = None) -> pl.LazyFrame:
    """polars' lazy reader of the file (nothing parsed yet beyond the schema);
    a CSV's types are inferred from its first ``infer_rows`` rows (None: all)."""
    try:
        if fmt in ("csv", "tsv"):
            lazy = pl.scan_csv(
                path,
                separator="\t" if fmt == "tsv" else sniff_separator(path),
                infer_schema_length=infer_rows,
            )
        elif fmt == "parquet":
            lazy = pl.scan_parquet(path)
        elif fmt == "ipc":
            lazy = pl.scan_ipc(path)
        elif fmt == "ndjson":
            lazy = pl.scan_ndjson(path, infer_schema_length=None)
        else:
            lazy = pl.read_json(path).lazy()
        lazy.collect_schema()
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        raise UnreadableFileError(
            f"Could not read {str(path)!r} as {fmt}: {first}. Check that the file is "
            "complete and in that format, or pass format=... explicitly."
        ) from exc
    return lazy


def _fits(file_bytes: int) -> bool:
    """Whether a file of ``file_bytes`` may be read into memory whole."""
    return file_bytes * TEXT_IN_MEMORY_FACTOR < available_memory()


def available_memory() -> int:
    """Bytes this process may still use: free RAM, capped by the address-space
    limit (``ulimit -v``) and the cgroup's memory limit when they are set."""
    import resource

    limits = [os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")]
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        limits.append(soft)
    for cgroup in ("memory.max", "memory/memory.limit_in_bytes"):  # v2, v1
        try:
            text = (Path("/sys/fs/cgroup") / cgroup).read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            limits.append(int(text))
    return min(limits)


def _from_numpy(array: np.ndarray, columns: list[str] | None) -> pl.LazyFrame:
    if array.ndim != 2:
        raise InputError(
            f"A numpy input must be 2-D (rows × columns); got shape {array.shape}. "
            "Use array.reshape(-1, 1) for a single column."
        )
    names = columns or [f"x{i}" for i in range(array.shape[1])]
    if len(names) != array.shape[1]:
        raise InputError(
            f"columns has {len(names)} names for an array with {array.shape[1]} "
            "columns. Pass one name per column."
        )
    _check_unique(names)
    _check_names(names, "the numpy array")
    _refuse_dtype(array.dtype, "The numpy array", ": array.astype('float64')")
    if array.dtype.kind in "fiub":
        return pl.from_numpy(array, schema=names, orient="row").lazy()
    return pl.DataFrame(
        [_object_to_strings(array[:, i], name) for i, name in enumerate(names)]
    ).lazy()


def _from_pandas(df: Any) -> tuple[InputKind, pl.LazyFrame, RowLabels, Any, str]:
    import pandas as pd

    bad = [c for c in df.columns if not isinstance(c, str)]
    if bad:
        raise ColumnError(
            f"Column names must be strings; got {format_rows(bad)} "
            f"({type(bad[0]).__name__}). Rename them first, e.g. "
            "df.columns = df.columns.astype(str)."
        )
    _check_unique(list(df.columns))
    _check_names(list(df.columns), "the pandas DataFrame")
    index = df.index
    labels = _pandas_labels(index)
    default = labels.labels is None
    series = []
    for name in df.columns:
        col = df[name]
        if isinstance(col.dtype, pd.SparseDtype):  # lossless: densify a copy
            col = col.sparse.to_dense()
        _refuse_dtype(
            col.dtype,
            f"Column {name!r}",
            f": df[{name!r}] = df[{name!r}].astype('float64')",
        )
        if col.dtype == object:
            series.append(_object_to_strings(col.to_numpy(), name))
            continue
        try:
            series.append(pl.from_pandas(col, nan_to_null=False).alias(name))
        except Exception as exc:  # pyarrow raises many types
            raise InputError(
                f"Column {name!r} ({col.dtype}) of the pandas DataFrame cannot be "
                f"converted: {type(exc).__name__}: {str(exc).strip()[:200]}. Fix: "
                "convert it to a numeric, string or boolean dtype first."
            ) from exc
    lazy = pl.DataFrame(series).lazy()
    return (
        InputKind.PANDAS,
        lazy,
        labels,
        (None if default else index),
        ("pandas DataFrame"),
    )


def _refuse_dtype(dtype: Any, what: str, fix: str) -> None:
    """complex and extended-precision floats have no polars (nor training) dtype."""
    kind = getattr(dtype, "kind", "")
    if kind == "c":
        raise InputError(
            f"{what} has complex dtype {dtype}, which a model cannot train on. Fix: "
            "split it into its real and imaginary parts (.real, .imag) first."
        )
    if kind == "f" and getattr(dtype, "itemsize", 8) > 8:
        raise InputError(
            f"{what} has dtype {dtype} (extended precision), which nanclean does not "
            f"support. Fix: cast it to float64{fix}."
        )


def _pandas_labels(index: Any) -> RowLabels:
    """The labels of a pandas index; None (positions) for a default RangeIndex."""
    import pandas as pd

    default = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    return RowLabels() if default else RowLabels(np.asarray(index, dtype=object))


def _object_to_strings(values: np.ndarray, name: str) -> pl.Series:
    """Mixed object cells → strings (None for missing), to be parsed later (D11)."""
    out: list[str | None] = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)) or _is_na(v):
            out.append(None)
        else:
            out.append(str(v))
    return pl.Series(name, out, dtype=pl.String)


def _is_na(value: Any) -> bool:
    return type(value).__name__ in ("NAType", "NaTType")


def _check_unique(names: list[str]) -> None:
    seen: set[str] = set()
    dupes = sorted({n for n in names if n in seen or seen.add(n)})  # type: ignore[func-returns-value]
    if dupes:
        raise ColumnError(
            f"Duplicate column names: {format_rows(dupes)}. Every column needs a "
            "unique name; rename or drop the duplicates first."
        )
