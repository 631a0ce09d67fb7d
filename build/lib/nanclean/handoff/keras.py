"""Hand-off to Keras 3: a verified ``keras.utils.PyDataset`` whose batches keep row ids.

``CleanResult.to_keras()`` builds on this module; it imports keras, so
``import nanclean`` never does. Keras picks its backend when it is first
imported: set ``KERAS_BACKEND=torch`` (or ``jax``, ``tensorflow``) before that.
nanclean is tested on the torch backend, without TensorFlow.

A batch is ``(x, y)`` as numpy arrays; a third element would be read by Keras
as sample weights, so the row ids travel beside the batches instead:
:meth:`TabularPyDataset.batch_row_ids` gives the ids of the batch at an
index, and :attr:`TabularPyDataset.last_row_ids` those of the batch fetched
last (the one being trained on, with the default ``workers=1``; a callback's
``on_train_batch_end`` can read it). :meth:`TabularPyDataset.row_labels`
turns ids into the caller's row labels.
"""

from __future__ import annotations

import importlib.util
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from nanclean.errors import HandoffError, MissingDependencyError
from nanclean.findings import RowLabels
from nanclean.handoff.numpy import as_numpy_dtype, check_dtype, to_arrays

try:
    import keras
except ImportError as exc:
    if importlib.util.find_spec("keras") is None:
        raise MissingDependencyError.for_extra("keras", "keras") from exc
    raise MissingDependencyError(  # pragma: no cover - depends on the environment
        f"keras is installed but could not be imported ({exc}). Keras 3 loads the "
        "backend named by the environment variable KERAS_BACKEND when it is first "
        "imported (TensorFlow by default). Fix: set KERAS_BACKEND=torch (with "
        "pip install 'nanclean[torch]') before importing keras."
    ) from exc

if TYPE_CHECKING:
    from nanclean.result import CleanResult

__all__ = ["TabularPyDataset"]


class TabularPyDataset(keras.utils.PyDataset):  # type: ignore[misc]
    """Batches of ``(x, y)`` numpy arrays, reshuffled every epoch.

    Parameters
    ----------
    x : numpy.ndarray
        ``(n_rows, n_features)``.
    y : numpy.ndarray
        ``(n_rows,)``.
    row_ids : numpy.ndarray, optional
        0-based input positions; default ``0 .. n_rows - 1``.
    batch_size : int, default=32
    shuffle : bool, default=True
        Draw a new row order at construction and after every epoch.
    seed : int, optional
        Seeds the row order.
    labels : RowLabels, optional
        Maps row ids to the caller's row labels.
    **kwargs
        ``workers``, ``use_multiprocessing``, ``max_queue_size`` for
        ``keras.utils.PyDataset``.

    Attributes
    ----------
    order : numpy.ndarray
        The current epoch's row order (positions into ``x``).
    last_row_ids : numpy.ndarray or None
        Row ids of the batch fetched last.

    Examples
    --------
    >>> import polars as pl, nanclean as nc
    >>> df = pl.DataFrame({"x": [1.0, float("nan"), 3.0], "y": [0.5, 1.5, 2.5]})
    >>> ds = nc.clean(df, target="y").to_keras(batch_size=2, shuffle=False)
    >>> len(ds), ds[0][0].shape, ds.row_labels(ds.batch_row_ids(1))
    (2, (2, 1), [2])
    """

    def __init__(
        self,
        x: np.ndarray,
        y: np.ndarray,
        row_ids: np.ndarray | None = None,
        *,
        batch_size: int = 32,
        shuffle: bool = True,
        seed: int | None = None,
        labels: RowLabels | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(batch_size, bool) or not isinstance(batch_size, int):
            raise HandoffError(
                f"batch_size must be a positive int; received {batch_size!r}."
            )
        if batch_size < 1:
            raise HandoffError(f"batch_size must be >= 1; received {batch_size}.")
        n = len(x)
        if len(y) != n:
            raise HandoffError(
                f"y has {len(y)} rows but x has {n}. Fix: pass one label per row."
            )
        self.x = x
        self.y = y
        self.row_ids = (
            np.arange(n, dtype=np.int64)
            if row_ids is None
            else np.asarray(row_ids, dtype=np.int64)
        )
        self.labels = labels if labels is not None else RowLabels()
        self.batch_size = batch_size
        self.shuffle = shuffle
        self._rng = np.random.default_rng(seed)
        self.order = self._rng.permutation(n) if shuffle else np.arange(n)
        self.last_row_ids: np.ndarray | None = None

    @classmethod
    def from_result(
        cls,
        result: CleanResult,
        *,
        batch_size: int = 32,
        shuffle: bool = True,
        dtype: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> TabularPyDataset:
        """Verify ``result`` and wrap its arrays (see ``CleanResult.to_keras``)."""
        name = check_dtype(dtype, result.plan.dtype, framework="keras")
        arrays = to_arrays(result, dtype=name, target=True, framework="keras")
        if dtype is not None:  # by default: float32 arrays (float64 for float64)
            arrays = as_numpy_dtype(arrays, framework="keras")
        assert arrays.y is not None
        return cls(
            arrays.x,
            arrays.y,
            arrays.row_ids,
            batch_size=batch_size,
            shuffle=shuffle,
            seed=seed,
            labels=arrays.labels,
            **kwargs,
        )

    def __len__(self) -> int:
        return math.ceil(len(self.x) / self.batch_size)

    def _positions(self, index: int) -> np.ndarray | slice:
        if not 0 <= index < len(self):
            raise IndexError(
                f"batch index {index} is out of range for {len(self)} batches"
            )
        start = index * self.batch_size
        stop = min(start + self.batch_size, len(self.x))
        return self.order[start:stop] if self.shuffle else slice(start, stop)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        rows = self._positions(index)
        self.last_row_ids = self.row_ids[rows]
        return self.x[rows], self.y[rows]

    def batch_row_ids(self, index: int) -> np.ndarray:
        """Row ids (input positions) of the batch at ``index`` in this epoch's order."""
        return self.row_ids[self._positions(index)]

    def row_labels(self, row_ids: Any) -> list[Any]:
        """The caller's row labels (a pandas index, or positions) for row ids."""
        return self.labels(np.asarray(row_ids, dtype=np.int64).reshape(-1))

    def on_epoch_end(self) -> None:
        if self.shuffle:
            self.order = self._rng.permutation(len(self.x))

    def __repr__(self) -> str:
        return (
            f"TabularPyDataset({len(self.x)} rows × {self.x.shape[1]} features, "
            f"{self.x.dtype}, {len(self)} batches of {self.batch_size})"
        )
