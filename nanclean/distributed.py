"""Dask: the same scan, fit and transform, partition by partition.

``nc.scan(ddf)``, ``nc.clean(ddf)`` and ``Cleaner.fit(ddf)`` /
``.transform(ddf)`` accept a Dask DataFrame. Each partition becomes a polars
DataFrame with its global row ids (``frame.partition_frame``: NaN and null
stay apart wherever the partition keeps them apart, e.g. in pyarrow-backed
columns, although Dask's own ``isna`` conflates them) and runs the single
machine's polars expressions (``nanclean.batched``); the per-partition
summaries (counts, moments, row ids, KLL sketches) merge into one Plan on the
client. The cleaned data is a Dask DataFrame of lazily cleaned partitions that
keep their index labels. A Plan fitted here applies identically with polars,
and the other way round: it is the same plain data.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from typing import Any, TypeVar

import numpy as np
import polars as pl

from nanclean.batched import Progress, Transformed, transform_batches, transform_pass
from nanclean.errors import MissingDependencyError
from nanclean.findings import RowLabels
from nanclean.frame import (
    Frame,
    Step,
    apply_steps,
    partition_frame,
    partition_start,
    to_partition,
)
from nanclean.plan import Plan

__all__ = ["DaskBatches", "transform_partitions"]

T = TypeVar("T")


def _dask() -> Any:
    try:
        import dask
    except ImportError:
        raise MissingDependencyError(
            "A Dask DataFrame needs dask. Fix: pip install 'nanclean[scale]'."
        ) from None
    return dask


class DaskBatches:
    """The partitions of a Dask DataFrame, each run as one batch on the workers.

    Reading it computes the partitions' lengths once (their offsets are the
    global row ids); the index is collected only when it is not the plain
    0..n-1 (findings then speak in its labels).
    """

    def __init__(self, ddf: Any) -> None:
        dask = _dask()
        self.ddf = ddf
        info = dask.compute(
            *[dask.delayed(partition_start)(p) for p in ddf.to_delayed()]
        )
        lengths = [n for n, _ in info]
        self.offsets = [int(o) for o in np.cumsum([0, *lengths[:-1]])]
        self.n_rows = int(sum(lengths))
        plain = all(
            n == 0 or start == offset
            for (n, start), offset in zip(info, self.offsets, strict=True)
        )
        self.labels = (
            RowLabels()
            if plain
            else RowLabels(np.asarray(ddf.index.compute(), dtype=object))
        )
        self.progress: Progress | None = None

    def map(
        self,
        fn: Callable[[pl.DataFrame], T],
        steps: list[Step],
        phase: str,
        *,
        merge: Callable[[T, T], T] | None = None,
    ) -> list[T]:
        dask = _dask()
        tasks = [
            dask.delayed(_on_partition)(part, offset, steps, fn)
            for part, offset in zip(self.ddf.to_delayed(), self.offsets, strict=True)
        ]
        out = list(dask.compute(*tasks))
        if self.progress is not None:
            self.progress(phase, self.n_rows, self.n_rows)
        return [reduce(merge, out)] if merge is not None else out


def _on_partition(pdf: Any, offset: int, steps: list[Step], fn: Callable[..., T]) -> T:
    batch = partition_frame(pdf, offset)
    return fn(apply_steps(batch.lazy(), steps).collect())


def transform_partitions(
    frame: Frame, plan: Plan, *, drift: bool, exclude: np.ndarray | None = None
) -> tuple[Any, Transformed]:
    """The audit of ``plan`` on every partition (computed now), and the cleaned
    Dask DataFrame (lazy: each partition is cleaned when it is computed)."""
    import dask.dataframe as dd

    dask = _dask()
    done = transform_batches(frame, plan, drift=drift, exclude=exclude)
    batches: DaskBatches = frame.batches
    one, steps = transform_pass(frame, plan, drift=drift, exclude=exclude)
    ddf = batches.ddf
    meta = _clean_partition(ddf._meta, 0, steps, one)
    parts = [
        dask.delayed(_clean_partition)(part, offset, steps, one)
        for part, offset in zip(ddf.to_delayed(), batches.offsets, strict=True)
    ]
    out = dd.from_delayed(parts, meta=meta, divisions=ddf.divisions, verify_meta=False)
    return out, done


def _clean_partition(pdf: Any, offset: int, steps: list[Step], one: Any) -> Any:
    batch = apply_steps(partition_frame(pdf, offset).lazy(), steps).collect()
    out, keep, _ = one.clean(batch)
    return to_partition(out, pdf, keep - offset)
