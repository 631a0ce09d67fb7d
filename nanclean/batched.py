"""Data larger than memory: scan, fit and transform batch by batch.

A :class:`~nanclean.frame.Frame` whose ``batches`` is set is never collected
whole. Its batches come from a file read by polars' streaming engine
(:class:`FileBatches`) or from the partitions of a Dask DataFrame
(``nanclean.distributed.DaskBatches``); each batch is a polars DataFrame with
the global row id, and every statistic, flag and repair on it is the same
polars expression as on a frame in memory:

1. statistics: ``sketch.summarize`` per batch, merged (exact counts and
   moments, a KLL sketch for the robust statistics: see ``nanclean.sketch``
   for the error bound);
2. findings: the scan's flag expressions per batch; the row ids of every
   finding are concatenated (exact);
3. transform: the Plan's expressions per batch; the cleaned batch is written
   to the output file (or becomes a Dask partition) and the row ids of every
   changed cell are kept for the audit (exact).

Memory is bounded by the batch size, the sketches (about 90 KB per column) and
the row ids of the flagged cells (8 bytes each), not by the number of rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
import polars as pl

from nanclean.columns import Columns, classify, parse_number, target_expr
from nanclean.config import CleanConfig
from nanclean.errors import InputError
from nanclean.findings import Action, Finding, RowLabels
from nanclean.frame import (
    ROW_ID,
    SPILL_ROW_GROUP_ROWS,
    Frame,
    Step,
    apply_steps,
    available_memory,
    collect,
)
from nanclean.plan import Plan
from nanclean.repair import (
    audit,
    dropped_rows,
    evaluate,
    input_casts,
    kept,
    raise_for_errors,
    transform_query,
)
from nanclean.report.model import ColumnStats
from nanclean.scanner import (
    Reader,
    ScanState,
    check_config_columns,
    finish_scan,
    profile_options,
    resolve_target,
)
from nanclean.schema import check_output
from nanclean.sketch import (
    GRID,
    RANK_ERROR,
    K,
    merge_summaries,
    quantile_grid,
    summarize,
)
from nanclean.stats import build_profiles, output_stats

__all__ = [
    "Batches",
    "FileBatches",
    "Transformed",
    "scan_batches",
    "transform_batches",
]

T = TypeVar("T")

#: Rows per batch of a file: 12 float64 columns are 24 MB.
BATCH_ROWS = 250_000

#: Progress callback: (phase, rows done in this phase, total rows).
Progress = Callable[[str, int, int], None]


class Batches(Protocol):
    """Where the batches of a frame come from."""

    n_rows: int

    def map(
        self,
        fn: Callable[[pl.DataFrame], T],
        steps: list[Step],
        phase: str,
        *,
        merge: Callable[[T, T], T] | None = None,
    ) -> list[T]:
        """``fn`` of every batch (after ``steps``), in row order; with ``merge``,
        the one result of folding them (as they come, where the batches are
        read in-process: memory does not grow with their number)."""
        ...


@dataclass
class FileBatches:
    """The batches of a Parquet or Arrow IPC file: row slices of a lazy scan
    (polars reads only the row groups / record batches of each slice).

    ``collect_batches`` would be the natural reader, but its engine runs ahead
    of a slow consumer and buffered the whole file here; slices keep one
    batch in memory at a time.
    """

    lazy: pl.LazyFrame  # the file with the row id column
    n_rows: int
    rows_per_batch: int = BATCH_ROWS
    progress: Progress | None = None

    def map(
        self,
        fn: Callable[[pl.DataFrame], T],
        steps: list[Step],
        phase: str,
        *,
        merge: Callable[[T, T], T] | None = None,
    ) -> list[T]:
        out: list[T] = []
        for start in range(0, self.n_rows, self.rows_per_batch):
            sliced = self.lazy.slice(start, self.rows_per_batch)
            batch = collect(apply_steps(sliced, steps), "the file", streaming=True)
            result = fn(batch)
            out = (
                [merge(out[0], result)] if merge is not None and out else [*out, result]
            )
            if self.progress is not None:
                done = min(start + self.rows_per_batch, self.n_rows)
                self.progress(phase, done, self.n_rows)
        return out


def read_in_batches(
    frame: Frame, path: Path, fmt: str, workdir: Path, rows: int = BATCH_ROWS
) -> Frame:
    """``frame`` (the file at ``path``) read batch by batch from now on. A
    format that cannot be sliced cheaply (CSV, NDJSON) is read from the Parquet
    copy ``read`` made of it when it was too large for memory
    (``frame.file``), else first written to Parquet in ``workdir`` by polars'
    streaming sink.

    The scan is built afresh: a scan whose schema was resolved before the row
    id was added read the whole file for every slice (polars 2.1).
    """
    if frame.file is not None:
        path, fmt = frame.file.path, frame.file.format
    if fmt == "parquet":
        lazy = pl.scan_parquet(path).with_row_index(ROW_ID)
    elif fmt == "ipc":
        lazy = pl.scan_ipc(path).with_row_index(ROW_ID)
    else:
        copy = workdir / "input.parquet"
        try:
            frame.lazy.sink_parquet(copy, row_group_size=SPILL_ROW_GROUP_ROWS)
        except (pl.exceptions.ComputeError, pl.exceptions.SchemaError) as exc:
            raise InputError(f"Could not read {frame.source}: {exc}") from None
        lazy = pl.scan_parquet(copy)
    return replace(frame, lazy=lazy, batches=FileBatches(lazy, frame.n_rows, rows))


# --- scan ----------------------------------------------------------------------------


def column_steps(frame: Frame, cols: Columns, label_map: dict[Any, Any]) -> list[Step]:
    """The frame's steps plus the scan's own (strings parsed, the target mapped)."""
    exprs = [parse_number(c)[0].alias(c) for c in cols.coerced]
    if cols.target is not None:
        schema = frame.lazy.collect_schema()
        exprs.append(target_expr(cols.target, schema[cols.target], label_map))
    return [*frame.steps, ("with_columns", exprs)] if exprs else list(frame.steps)


def scan_batches(
    frame: Frame,
    cfg: CleanConfig,
    *,
    target: str | None = None,
    loss: str | None = None,
) -> ScanState:
    """``scanner.run_scan`` for a frame read in batches (``frame.batches``)."""
    started = time.perf_counter()
    batches: Batches = frame.batches
    target, loss = resolve_target(frame, cfg, target, loss)
    cols = classify(frame, target=target, label_map=cfg.label_map)
    check_config_columns(frame, cfg, cols)
    steps = column_steps(frame, cols, cfg.label_map)
    options = profile_options(frame, cfg, cols)
    numeric = cols.numeric
    (merged,) = batches.map(
        partial(summarize, columns=numeric, distinct_for=options["distinct_for"]),
        steps,
        "statistics",
        merge=lambda a, b: merge_summaries([a, b]),
    )
    grids = {c: quantile_grid(merged[c]) for c in numeric}
    profiles = build_profiles(
        {c: merged[c].finish() for c in numeric},
        grids,
        estimated=any(len(grids[c]) < merged[c].n_finite for c in numeric),
        **options,
    )

    def select(exprs: list[pl.Expr]) -> pl.DataFrame:
        (merged,) = batches.map(
            partial(_select, exprs),
            steps,
            "findings",
            merge=lambda a, b: merge_rows([a, b]),
        )
        return merged

    def gather(columns: list[str], rows: np.ndarray) -> pl.DataFrame:
        at = pl.Series(rows, dtype=pl.Int64)
        found = batches.map(partial(_rows_at, columns, at), steps, "denominators")
        return pl.concat(found).sort(ROW_ID).drop(ROW_ID)

    state = finish_scan(
        frame, cols, cfg, loss, profiles, Reader(select, gather, False), started
    )
    state.report.meta["robust_statistics"] = (
        f"KLL sketch (k={K}, {GRID:,}-point grid): quantile rank error "
        f"±{RANK_ERROR:.5f}"
    )
    return state


def _select(exprs: list[pl.Expr], batch: pl.DataFrame) -> pl.DataFrame:
    return batch.select(exprs)


def _rows_at(columns: list[str], at: pl.Series, batch: pl.DataFrame) -> pl.DataFrame:
    return batch.filter(pl.col(ROW_ID).cast(pl.Int64).is_in(at.implode())).select(
        ROW_ID, *columns
    )


def merge_rows(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """One-row results of the batches, merged: lists concatenated, counts summed."""
    first = parts[0]
    columns = []
    for name, dtype in first.schema.items():
        if isinstance(dtype, pl.List):
            values = pl.concat([p.get_column(name)[0] for p in parts])
            columns.append(pl.Series(name, [values], dtype=dtype))
        else:
            columns.append(pl.Series(name, [sum(p.get_column(name)[0] for p in parts)]))
    return pl.DataFrame(columns)


# --- transform -----------------------------------------------------------------------


@dataclass
class Transformed:
    """What a batched transform produced, for the audit."""

    actions: list[Action]
    drift: list[Finding]
    n_rows: int  # rows written
    after: dict[str, ColumnStats] = field(default_factory=dict)


@dataclass
class TransformPass:
    """The transform of one batch: everything it needs travels with it (to a
    Dask worker too); ``write`` (a file's writer) only runs in-process, and so
    does the early refusal of an ``"error"`` policy, which names rows by their
    ``labels`` (None on Dask: the labels stay on the client, which refuses
    after the pass)."""

    plan: Plan
    exprs: list[pl.Expr]
    masks: list[Any]
    labels: RowLabels | None
    step: int  # every step-th output row is kept for the statistics after
    source: str
    write: Callable[[pl.DataFrame], None] | None = None

    def clean(
        self, batch: pl.DataFrame
    ) -> tuple[pl.DataFrame, np.ndarray, list[np.ndarray]]:
        """The kept rows of the cleaned batch, their row ids, and the row ids of
        every mask. A policy set to ``"error"`` raises here."""
        full, ids = evaluate(
            batch.lazy(), self.exprs, self.masks, self.source, self.plan
        )
        if self.labels is not None:
            raise_for_errors(self.masks, ids, self.labels)
        out, keep = kept(full, self.plan, dropped_rows(self.masks, ids))
        check_output(out, self.plan, keep)
        return out, keep, ids

    def __call__(
        self, batch: pl.DataFrame
    ) -> tuple[list[np.ndarray], pl.DataFrame, int]:
        out, _, ids = self.clean(batch)
        if self.write is not None:
            self.write(out)
        return ids, out.gather_every(self.step), out.height


def transform_pass(
    frame: Frame,
    plan: Plan,
    *,
    drift: bool,
    exclude: np.ndarray | None = None,
    write: Callable[[pl.DataFrame], None] | None = None,
) -> tuple[TransformPass, list[Step]]:
    """The per-batch transform of ``frame`` by ``plan``, and the batches' steps."""
    casts, _ = input_casts(frame, plan)
    exprs, masks = transform_query(plan, drift=drift, exclude=exclude)
    in_process = isinstance(frame.batches, FileBatches)
    one = TransformPass(
        plan,
        exprs,
        masks,
        frame.labels if in_process else None,
        max(1, frame.n_rows // GRID),
        frame.source,
        write,
    )
    return one, [*frame.steps, ("with_columns", casts)]


def transform_batches(
    frame: Frame,
    plan: Plan,
    *,
    drift: bool,
    exclude: np.ndarray | None = None,
    write: Callable[[pl.DataFrame], None] | None = None,
) -> Transformed:
    """Apply ``plan`` batch by batch; ``write`` receives each cleaned batch.

    A policy set to ``"error"`` raises at the first batch that triggers it.
    Without ``write`` (Dask), the pass only audits: the cleaned partitions
    are built lazily by ``nanclean.distributed``.
    """
    one, steps = transform_pass(frame, plan, drift=drift, exclude=exclude, write=write)
    per_batch = frame.batches.map(one, steps, "transform")
    ids = [
        np.concatenate([ids[i] for ids, _, _ in per_batch])
        for i in range(len(one.masks))
    ]
    raise_for_errors(one.masks, ids, frame.labels)
    actions, drift_findings = audit(
        one.masks, ids, frame.labels, frame.n_rows, plan, drift=drift
    )
    after = output_stats(
        pl.concat([sample for _, sample, _ in per_batch]),
        roles={plan.target: "target"} if plan.target else {},
    )
    written = sum(n for _, _, n in per_batch)
    return Transformed(actions, drift_findings, written, after)


# --- files ---------------------------------------------------------------------------


def fits_in_memory(frame: Frame) -> bool:
    """Whether cleaning ``frame`` in memory is safe: its float64 columns, three
    times over (input, output, intermediates), within a half of what is free."""
    need = frame.n_rows * (len(frame.columns) + 1) * 8 * 3
    return need < available_memory() // 2


class FileWriter:
    """Appends cleaned batches to a Parquet, Arrow IPC, CSV/TSV or NDJSON file."""

    def __init__(self, path: Path, fmt: str) -> None:
        if fmt == "json":
            raise InputError(
                f"{str(path)!r}: a JSON document cannot be written batch by batch. "
                "Fix: write .ndjson, .parquet, .arrow or .csv, or pass --no-stream."
            )
        self.path, self.fmt = path, fmt
        self._writer: Any = None
        self._handle: Any = None

    def __call__(self, batch: pl.DataFrame) -> None:
        if self.fmt in ("parquet", "ipc"):
            table = batch.to_arrow()
            if self._writer is None:
                import pyarrow.ipc
                import pyarrow.parquet

                self._writer = (
                    pyarrow.parquet.ParquetWriter(self.path, table.schema)
                    if self.fmt == "parquet"
                    else pyarrow.ipc.new_file(self.path, table.schema)
                )
            self._writer.write_table(table)
            return
        first = self._handle is None
        if first:
            self._handle = self.path.open("wb")
        if self.fmt == "ndjson":
            batch.write_ndjson(self._handle)
        else:
            batch.write_csv(
                self._handle,
                separator="\t" if self.fmt == "tsv" else ",",
                include_header=first,
            )

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if self._handle is not None:
            self._handle.close()
