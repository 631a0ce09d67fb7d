"""CleanResult: the cleaned data, its audit, and the hand-offs to training."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import numpy as np
import polars as pl

from nanclean.errors import HandoffError
from nanclean.findings import RowLabels
from nanclean.plan import Plan
from nanclean.report.model import AuditReport

if TYPE_CHECKING:  # the frameworks are imported only when a hand-off asks for them
    import torch
    from torch.utils.data import DataLoader

    from nanclean.handoff.keras import TabularPyDataset
    from nanclean.handoff.torch import TabularDataset

__all__ = ["CleanResult", "Output"]

T = TypeVar("T")


@dataclass(frozen=True)
class Output:
    """The output of an in-memory clean, written once and verified.

    Attributes
    ----------
    x : numpy.ndarray
        ``(n_rows, n_features)``, C-ordered, in the plan's store dtype (float32,
        float64 for a float64 plan): the matrix the hand-offs share.
    y : numpy.ndarray or None
        The target (int64 class ids for loss="ce", else float64).
    features : list of str
    target : str or None
    restore : callable
        Turns the polars frame of the output into the caller's type.
    """

    x: np.ndarray
    y: np.ndarray | None
    features: list[str]
    target: str | None
    restore: Callable[[pl.DataFrame], Any]

    def to_polars(self) -> pl.DataFrame:
        columns: dict[str, Any] = {f: self.x[:, j] for j, f in enumerate(self.features)}
        if self.target is not None:
            columns[self.target] = self.y
        return pl.DataFrame(columns)


class _FromOutput(Generic[T]):
    """A field built from the result's :class:`Output` on first access (and
    kept), unless it was given: the cleaned data exists once, in the output
    matrix, until someone asks for it as a frame."""

    def __init__(self, build: Callable[[Output, CleanResult], T]) -> None:
        self.build = build

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> None: ...

    @overload
    def __get__(self, obj: CleanResult, owner: type | None = None) -> T: ...

    def __get__(self, obj: CleanResult | None, owner: type | None = None) -> T | None:
        if obj is None:
            return None  # the field's default
        value: T | None = obj.__dict__.get(self.slot)
        if value is None and obj.output is not None:
            value = obj.__dict__[self.slot] = self.build(obj.output, obj)
        return value

    def __set__(self, obj: CleanResult, value: T | None) -> None:
        obj.__dict__[self.slot] = value


@dataclass(kw_only=True)
class CleanResult:
    """What ``clean`` / ``Cleaner.transform`` return.

    Attributes
    ----------
    frame : same type as the input
        The cleaned data: features (and indicator columns) in input order, then
        the target. A pandas result keeps the input's index labels. Built on
        first access from :attr:`output`.
    report : AuditReport
        Findings before cleaning and every action taken, with rows.
    plan : Plan
    row_ids : numpy.ndarray
        0-based input positions of the output rows, in order.
    data : polars.DataFrame
        The cleaned data as polars. Built on first access from :attr:`output`.
    output : Output or None
        The verified output matrix of an in-memory clean (None for a result
        built from ``data``): what ``to_numpy`` / ``to_torch`` hand over
        without a copy.
    """

    frame: _FromOutput[Any] = _FromOutput(lambda out, r: out.restore(r.data))
    report: AuditReport
    plan: Plan
    row_ids: np.ndarray
    data: _FromOutput[pl.DataFrame] = _FromOutput(lambda out, r: out.to_polars())
    labels: RowLabels
    #: False when the data was cleaned batch by batch into a file or a Dask
    #: DataFrame: ``data`` is then empty and the hand-offs refuse.
    in_memory: bool = True
    output: Output | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.__dict__.get("_data") is not None:
            # data given (a hand-built or replaced result): it is what is handed
            # over, and verified as such
            self.output = None

    @property
    def rows(self) -> list[Any]:
        """The original row labels of the output rows (pandas index or position)."""
        return self.labels(self.row_ids)

    @property
    def feature_names(self) -> list[str]:
        return self.plan.features

    @property
    def target(self) -> str | None:
        if self.output is not None:
            return self.output.target
        return self.plan.target if self.plan.target in self.data.columns else None

    def to_numpy(
        self, *, dtype: str | None = None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """``(X, y)`` as numpy arrays, verified finite and within ``dtype``'s range.

        Parameters
        ----------
        dtype : {"float32", "float16", "float64"}, optional
            Default: the plan's training dtype (float32 unless configured);
            a float16 / bfloat16 plan gives float32 arrays whose values are
            within float16's / bfloat16's range. Numpy has no bfloat16.

        Returns
        -------
        X : numpy.ndarray
            ``(n_rows, n_features)``, C-contiguous and writeable. In the
            plan's dtype it is the result's own output matrix (no copy:
            changing it changes ``result.data`` built afterwards).
        y : numpy.ndarray or None
            ``(n_rows,)``: int64 class ids for loss="ce", floats otherwise;
            None when the result has no target.

        Raises
        ------
        HandoffError
            A non-numeric column, or a value that is null, NaN, ±inf or beyond
            the dtype's range (a ``flag`` policy, a result built by hand), named
            by column and row.
        """
        from nanclean.handoff.numpy import as_numpy_dtype, to_arrays

        if dtype is None:
            arrays = to_arrays(self, dtype=self.plan.dtype, target=False)
        else:
            arrays = as_numpy_dtype(to_arrays(self, dtype=dtype, target=False))
        return arrays.x, arrays.y

    def to_torch(
        self,
        *,
        dtype: torch.dtype | str | None = None,
        device: torch.device | str | None = None,
        return_row_id: bool = False,
    ) -> TabularDataset:
        """A ``torch.utils.data.Dataset`` of ``(x, y)`` (or ``(x, y, row_id)``).

        Every feature and target value is verified finite and within
        ``dtype``'s range first.

        Parameters
        ----------
        dtype : torch.dtype or str, optional
            ``torch.float32``, ``torch.float16``, ``torch.bfloat16`` or
            ``torch.float64`` (or their names). Default: the plan's training
            dtype, ``config["dtype"]`` (float32 unless configured).
        device : torch.device or str, optional
            Move the tensors there once (default: CPU, sharing the numpy buffer).
        return_row_id : bool, default=False
            Also yield each sample's row id (its 0-based input position);
            ``dataset.row_labels(row_ids)`` gives the caller's row labels.

        Returns
        -------
        nanclean.handoff.torch.TabularDataset
            ``.features`` ``(n, d)`` in ``dtype``; ``.targets`` ``(n,)`` int64
            class ids for loss="ce", else ``dtype``; ``.row_ids`` int64.

        Raises
        ------
        HandoffError
            No target, a non-numeric column, an unsupported dtype, or values
            that are not finite or beyond the dtype's range (column and rows named).
        MissingDependencyError
            torch is not installed (``pip install 'nanclean[torch]'``).

        Examples
        --------
        >>> import polars as pl, nanclean as nc
        >>> df = pl.DataFrame({"x": [1.0, 2.0, float("inf"), 4.0], "y": [0, 1, 1, 0]})
        >>> ds = nc.clean(df, target="y", loss="bce").to_torch(return_row_id=True)
        >>> x, y, row_id = ds[2]
        >>> ds.row_labels(row_id)
        [2]
        """
        from nanclean.handoff.torch import TabularDataset

        return TabularDataset.from_result(
            self, dtype=dtype, device=device, return_row_id=return_row_id
        )

    def dataloader(
        self,
        batch_size: int = 32,
        *,
        shuffle: bool = True,
        dtype: torch.dtype | str | None = None,
        device: torch.device | str | None = None,
        return_row_id: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> DataLoader[Any]:
        """A ``torch.utils.data.DataLoader`` over ``to_torch(...)``.

        Each batch is gathered with one indexing operation per tensor (no
        per-sample collation): ``(x, y)`` or ``(x, y, row_ids)``.

        Parameters
        ----------
        batch_size : int, default=32
        shuffle : bool, default=True
            A new row order every epoch.
        dtype, device, return_row_id
            As for :meth:`to_torch`.
        seed : int, optional
            Seeds the shuffling.
        **kwargs
            Passed to the DataLoader (``drop_last``, ``num_workers``, ...).
        """
        dataset = self.to_torch(dtype=dtype, device=device, return_row_id=return_row_id)
        return dataset.loader(batch_size, shuffle=shuffle, seed=seed, **kwargs)

    def to_keras(
        self,
        batch_size: int = 32,
        *,
        shuffle: bool = True,
        dtype: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> TabularPyDataset:
        """A ``keras.utils.PyDataset`` of ``(x, y)`` numpy batches.

        Verified like :meth:`to_torch`. Set ``KERAS_BACKEND`` (e.g. ``torch``)
        before keras is first imported.

        Parameters
        ----------
        batch_size : int, default=32
        shuffle : bool, default=True
            A new row order at every epoch's end (keras' own ``fit(shuffle=)``
            only permutes whole batches).
        dtype : {"float32", "float16", "float64"}, optional
            The arrays' dtype, checked against its range. Default: float32
            (float64 for a float64 plan), checked against the range of the
            plan's training dtype (a Keras mixed-precision policy casts it).
        seed : int, optional
            Seeds the row order.
        **kwargs
            ``workers``, ``use_multiprocessing``, ``max_queue_size``.

        Returns
        -------
        nanclean.handoff.keras.TabularPyDataset
            ``ds.batch_row_ids(i)`` / ``ds.last_row_ids`` give a batch's row
            ids, ``ds.row_labels(ids)`` the caller's row labels.
        """
        from nanclean.handoff.keras import TabularPyDataset

        return TabularPyDataset.from_result(
            self,
            batch_size=batch_size,
            shuffle=shuffle,
            dtype=dtype,
            seed=seed,
            **kwargs,
        )

    def _require_target(self) -> str:
        if self.target is None:
            raise HandoffError(
                "This result has no target column, so it cannot yield (x, y) pairs. "
                "Fix: pass target=... to clean / Cleaner.fit, or use to_numpy()[0]."
            )
        return self.target

    def _repr_html_(self) -> str:
        """The report's notebook view (see ``AuditReport._repr_html_``)."""
        from nanclean.report.html import render_notebook

        return render_notebook(self.report, name="result.report")

    def __str__(self) -> str:
        """A short summary for ``print(result)``: the report's, then what changed."""
        from nanclean.report.terminal import result_text

        return result_text(self)

    def __repr__(self) -> str:
        return (
            f"CleanResult({len(self.row_ids)} rows × {len(self.feature_names)} features"
            f"{', target ' + repr(self.target) if self.target else ''}; {self.report!r})"
        )
