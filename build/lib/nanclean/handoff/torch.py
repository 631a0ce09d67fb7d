"""Hand-off to PyTorch: a verified tensor Dataset whose rows keep their ids.

``CleanResult.to_torch()`` and ``CleanResult.dataloader()`` build on this
module; it imports torch, so ``import nanclean`` never does.

Copies: the features are copied once, from the columnar polars frame into one
C-contiguous numpy matrix; ``torch.from_numpy`` shares that buffer, so a
float32 dataset on the CPU costs no second copy. A different dtype (float16,
bfloat16) or device costs exactly one conversion. Batches from
:meth:`TabularDataset.loader` are gathered with one indexing operation per
tensor instead of being stacked row by row.

Row ids: ``dataset.row_ids[i]`` is the 0-based input position of sample ``i``;
with ``return_row_id=True`` every sample (and every batch) carries it, and
:meth:`TabularDataset.row_labels` turns a batch's ids into the caller's row
labels (a pandas index, or positions).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from nanclean.errors import HandoffError, MissingDependencyError
from nanclean.findings import RowLabels
from nanclean.handoff.numpy import SUPPORTED_DTYPES, to_arrays

try:
    import torch
    from torch.utils.data import (
        BatchSampler,
        DataLoader,
        Dataset,
        RandomSampler,
        SequentialSampler,
    )
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise MissingDependencyError.for_extra("torch", "torch") from exc

if TYPE_CHECKING:
    from nanclean.result import CleanResult

__all__ = ["TabularDataset", "torch_dtype"]

_TORCH_DTYPES: dict[str, torch.dtype] = {
    "float32": torch.float32,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float64": torch.float64,
}


def torch_dtype(dtype: torch.dtype | str | None, default: str = "float32") -> str:
    """The name of a supported training dtype, from a torch dtype or a string.

    Raises HandoffError for anything else (an integer dtype, float8, ...).
    """
    if dtype is None:
        return default
    for name, value in _TORCH_DTYPES.items():
        if dtype in (value, name):
            return name
    raise HandoffError(
        f"Cannot hand this result to torch as dtype {dtype!r}: the supported "
        f"training dtypes are {', '.join(SUPPORTED_DTYPES)} (torch.float32, "
        "torch.float16, torch.bfloat16, torch.float64). Fix: pass one of them; "
        "class ids for loss='ce' become int64 on their own."
    )


class TabularDataset(Dataset[Any]):
    """Features, targets and original row ids as tensors.

    Parameters
    ----------
    features : torch.Tensor or numpy.ndarray
        ``(n_rows, n_features)``. A numpy array is shared, not copied
        (``torch.from_numpy``); it must be writeable.
    targets : torch.Tensor or numpy.ndarray, optional
        ``(n_rows,)``. Without targets a sample is ``x`` (or ``(x, row_id)``).
    row_ids : torch.Tensor or numpy.ndarray, optional
        ``(n_rows,)`` 0-based input positions; default ``0 .. n_rows - 1``.
    labels : RowLabels, optional
        Maps row ids to the caller's row labels; default: the ids themselves.
    feature_names : list of str, optional
    target : str, optional
        The target column's name.
    return_row_id : bool, default=False
        Yield ``(x, y, row_id)`` instead of ``(x, y)``.

    Attributes
    ----------
    features : torch.Tensor
    targets : torch.Tensor or None
    row_ids : torch.Tensor
        int64, on the CPU.
    labels : RowLabels

    Examples
    --------
    >>> import polars as pl, nanclean as nc
    >>> df = pl.DataFrame({"x": [1.0, float("inf"), 3.0, 4.0], "y": [0, 1, 1, 0]})
    >>> ds = nc.clean(df, target="y", loss="bce").to_torch(return_row_id=True)
    >>> len(ds), ds.features.dtype, ds.targets.dtype
    (4, torch.float32, torch.float32)
    >>> x, y, row_id = ds[1]
    >>> ds.row_labels(row_id)
    [1]
    """

    def __init__(
        self,
        features: Any,
        targets: Any = None,
        row_ids: Any = None,
        *,
        labels: RowLabels | None = None,
        feature_names: Sequence[str] | None = None,
        target: str | None = None,
        return_row_id: bool = False,
    ) -> None:
        self.features = _tensor(features)
        if self.features.ndim != 2:
            raise HandoffError(
                f"features must be 2-D (rows × features); received shape "
                f"{tuple(self.features.shape)}. Fix: reshape to (n_rows, n_features)."
            )
        n = self.features.shape[0]
        self.targets = None if targets is None else _tensor(targets)
        self.row_ids = (
            torch.arange(n, dtype=torch.int64)
            if row_ids is None
            else _tensor(row_ids).to(device="cpu", dtype=torch.int64)
        )
        for name, t in (("targets", self.targets), ("row_ids", self.row_ids)):
            if t is not None and t.shape[0] != n:
                raise HandoffError(
                    f"{name} has {t.shape[0]} rows but features has {n}. Fix: pass "
                    "one value per row."
                )
        self.labels = labels if labels is not None else RowLabels()
        self.feature_names = list(feature_names) if feature_names else None
        self.target = target
        self.return_row_id = return_row_id

    @classmethod
    def from_result(
        cls,
        result: CleanResult,
        *,
        dtype: torch.dtype | str | None = None,
        device: torch.device | str | None = None,
        return_row_id: bool = False,
    ) -> TabularDataset:
        """Verify ``result`` for ``dtype`` and wrap its arrays (see ``CleanResult.to_torch``)."""
        name = torch_dtype(dtype, default=result.plan.dtype)
        arrays = to_arrays(result, dtype=name, target=True, framework="torch")
        want = _TORCH_DTYPES[name]
        x = torch.from_numpy(arrays.x).to(device=device, dtype=want)
        y = None
        if arrays.y is not None:
            y = torch.from_numpy(arrays.y)
            y = y.to(device=device, dtype=want if y.is_floating_point() else None)
        return cls(
            x,
            y,
            torch.from_numpy(arrays.row_ids),
            labels=arrays.labels,
            feature_names=arrays.features,
            target=arrays.target,
            return_row_id=return_row_id,
        )

    def __len__(self) -> int:
        return int(self.features.shape[0])

    def __getitem__(self, index: Any) -> Any:
        """One sample for an int; a whole batch for a slice, list or tensor of ints."""
        if isinstance(index, list | tuple | np.ndarray):
            index = torch.as_tensor(index, dtype=torch.int64)
        rows = index
        if isinstance(index, torch.Tensor) and index.device != self.features.device:
            rows = index.to(self.features.device)
        x = self.features[rows]
        out: list[torch.Tensor] = [x]
        if self.targets is not None:
            out.append(self.targets[rows])
        if self.return_row_id:
            out.append(self.row_ids[index])
        return out[0] if len(out) == 1 else tuple(out)

    def row_labels(self, row_ids: Any) -> list[Any]:
        """The caller's row labels for the row ids of a sample or a batch.

        Parameters
        ----------
        row_ids : int, sequence of int, numpy array or tensor
            Values from ``dataset.row_ids`` (what ``return_row_id=True`` yields).

        Returns
        -------
        list
            The pandas index labels of those rows (positions for other inputs).
        """
        if isinstance(row_ids, torch.Tensor):
            row_ids = row_ids.detach().cpu().numpy()
        return self.labels(np.asarray(row_ids, dtype=np.int64).reshape(-1))

    @property
    def rows(self) -> list[Any]:
        """The caller's row labels of every sample, in order."""
        return self.row_labels(self.row_ids)

    def loader(
        self,
        batch_size: int = 32,
        *,
        shuffle: bool = True,
        drop_last: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> DataLoader[Any]:
        """A DataLoader that gathers each batch with one indexing operation.

        Parameters
        ----------
        batch_size : int, default=32
        shuffle : bool, default=True
            A new order every epoch.
        drop_last : bool, default=False
        seed : int, optional
            Seeds the shuffling (otherwise torch's global generator, or
            ``generator=`` if given).
        **kwargs
            Passed to ``torch.utils.data.DataLoader`` (``num_workers``,
            ``pin_memory``, ...). With ``sampler=`` or ``batch_sampler=`` the
            loader falls back to per-sample fetching and ``collate_fn``.
        """
        if not isinstance(batch_size, int) or isinstance(batch_size, bool):
            raise HandoffError(
                f"batch_size must be a positive int; received {batch_size!r}."
            )
        if batch_size < 1:
            raise HandoffError(f"batch_size must be >= 1; received {batch_size}.")
        generator = kwargs.pop("generator", None)
        if seed is not None:
            generator = torch.Generator().manual_seed(seed)
        if "sampler" in kwargs or "batch_sampler" in kwargs:
            return DataLoader(
                self,
                batch_size=batch_size,
                shuffle=shuffle,
                drop_last=drop_last,
                generator=generator,
                **kwargs,
            )
        base: RandomSampler | SequentialSampler = (
            RandomSampler(self, generator=generator)
            if shuffle
            else SequentialSampler(self)
        )
        batches = BatchSampler(base, batch_size, drop_last)
        # batch_size=None: the sampler yields whole batches of indices and
        # __getitem__ gathers each one; collation only passes the tensors on
        return DataLoader(self, sampler=batches, batch_size=None, **kwargs)

    def __repr__(self) -> str:
        y = "" if self.targets is None else f", targets {self.targets.dtype}"
        return (
            f"TabularDataset({len(self)} rows × {self.features.shape[1]} features, "
            f"{self.features.dtype} on {self.features.device}{y})"
        )


def _tensor(value: Any) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, np.ndarray):
        if not value.flags.writeable:
            value = value.copy()  # torch cannot share a read-only buffer
        return torch.from_numpy(value)
    return torch.as_tensor(value)
