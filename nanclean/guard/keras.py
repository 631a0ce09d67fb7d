"""NanGuardCallback: the training guard as a Keras 3 callback.

::

    ds = result.to_keras(batch_size=256)            # nanclean's PyDataset: batch → rows
    guard = NanGuardCallback(ds, on_nan="skip", quarantine="quarantine.json")
    model.fit(ds, epochs=10, callbacks=[guard])
    nc.clean(df, target="y", exclude_rows=guard.quarantine)   # next run

Keras runs a whole step (forward, backward, optimizer update) before a
callback sees its loss, so the callback keeps a copy of every model and
optimizer variable from the start of each batch (cheap for the tabular
models nanclean feeds; ``restore=False`` turns it off). On a non-finite loss
it:

- names the rows: the batch's row ids come from the dataset
  (``TabularPyDataset.last_row_ids``, the batch just fetched); with the
  weights from before the step, each row's own loss (the compiled loss on
  that one row) and output are computed, and the rows whose loss or output is
  non-finite are the culprits;
- then, per ``on_nan``: ``raise`` (NonFiniteLossError, which stops ``fit``),
  ``stop`` (restore the weights from before the step, set
  ``model.stop_training``), ``skip`` (restore the weights and the optimizer
  state, reset the epoch's running metrics, quarantine the rows, go on) or
  ``warn``.

At each epoch's end every variable is checked; BatchNorm's moving mean and
variance are named as such (T3). Tested on the torch backend.
"""

from __future__ import annotations

import math
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from nanclean.errors import (
    ConfigError,
    MissingDependencyError,
    NancleanWarning,
    NonFiniteLossError,
)
from nanclean.guard.diagnose import RowSource, diagnose
from nanclean.guard.incident import Incident, Quarantine, check_option, write_json
from nanclean.handoff.keras import TabularPyDataset

try:
    import keras
except ImportError as exc:  # pragma: no cover - nanclean.handoff.keras raised first
    raise MissingDependencyError.for_extra("keras", "keras") from exc

__all__ = ["ON_NAN", "NanGuardCallback"]

ON_NAN = ("raise", "stop", "skip", "warn")
_STATS = ("moving_mean", "moving_variance")


class NanGuardCallback(keras.callbacks.Callback):  # type: ignore[misc]
    """Stop, or skip and quarantine, on a non-finite loss, naming the rows.

    Parameters
    ----------
    dataset : TabularPyDataset
        The nanclean PyDataset passed to ``fit`` (``result.to_keras()``): it
        maps each batch to its rows.
    on_nan : {"raise", "stop", "skip", "warn"}, default="raise"
    quarantine : str or os.PathLike, optional
        Write the quarantine list (JSON) there after every skipped batch.
    incident_path : str or os.PathLike, optional
        Write every incident so far (JSON) there after each one.
    restore : bool, default=True
        Keep a copy of the variables from the start of each batch: needed to
        name the rows per sample and to skip or stop with usable weights.

    Attributes
    ----------
    incidents : list of Incident
    quarantine : Quarantine
    step, epoch : int
    """

    def __init__(
        self,
        dataset: TabularPyDataset,
        *,
        on_nan: str = "raise",
        quarantine: str | os.PathLike[str] | None = None,
        incident_path: str | os.PathLike[str] | None = None,
        restore: bool = True,
    ) -> None:
        super().__init__()
        if not isinstance(dataset, TabularPyDataset):
            raise ConfigError(
                "NanGuardCallback needs the nanclean PyDataset passed to fit "
                f"(result.to_keras()); received {type(dataset).__name__!r}."
            )
        check_option("NanGuardCallback", "on_nan", on_nan, ON_NAN)
        self.dataset = dataset
        self.rows_source = RowSource.of(dataset)
        self.on_nan = on_nan
        self.quarantine_path = None if quarantine is None else Path(quarantine)
        self.incident_path = None if incident_path is None else Path(incident_path)
        self.restore = restore
        self.incidents: list[Incident] = []
        self.quarantine = Quarantine()
        self.step = -1
        self.epoch = 0
        self._saved: list[Any] | None = None

    # --- keras hooks ---------------------------------------------------------------

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.epoch = epoch

    def on_train_batch_begin(
        self, batch: int, logs: dict[str, Any] | None = None
    ) -> None:
        if self.restore:
            self._saved = [keras.ops.copy(v.value) for v in self._variables()]

    def on_train_batch_end(
        self, batch: int, logs: dict[str, Any] | None = None
    ) -> None:
        self.step += 1
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(float(loss)):
            return
        ids = self.dataset.last_row_ids
        if ids is None:  # pragma: no cover - keras fetched nothing
            ids = self.dataset.batch_row_ids(batch)
        incident = Incident(
            kind="loss", where="loss", step=self.step, epoch=self.epoch, batch=batch
        )
        self._restore_weights()
        positions, how = self._culprits(np.asarray(ids))
        incident.batch_size = len(ids)
        incident.stats = {"loss": float(loss)}
        if positions is not None and len(positions):
            chosen = np.asarray(ids)[positions]
            incident.rows = self.rows_source.labels(chosen)
            incident.row_values = self.rows_source.values(chosen)
        incident.how = how
        incident.action = self.on_nan
        diagnose(incident)
        self._act(incident)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        bad = [
            v for v in self.model.variables if not bool(np.isfinite(_numpy(v)).all())
        ]
        if not bad:
            return
        first = next((v for v in bad if _leaf(v) in _STATS), bad[0])
        kind = "buffer" if _leaf(first) in _STATS else "parameter"
        name = _name(first)
        incident = Incident(
            kind=kind,
            where=f"{'buffer' if kind == 'buffer' else 'variable'} {name!r}",
            step=max(self.step, 0),
            epoch=epoch,
            batch=-1,
            module=name.rpartition("/")[0] or None,
            parameter=name,
            names=[_name(v) for v in bad],
            action=self.on_nan,
            how="not tied to particular rows",
        )
        diagnose(incident)
        self._act(incident)

    # --- helpers -----------------------------------------------------------------

    def _variables(self) -> list[Any]:
        optimizer = getattr(self.model, "optimizer", None)
        extra = list(optimizer.variables) if optimizer is not None else []
        return list(self.model.variables) + extra

    def _restore_weights(self) -> None:
        if self._saved is None:
            return
        for v, saved in zip(self._variables(), self._saved, strict=False):
            v.assign(saved)

    def _culprits(self, ids: np.ndarray) -> tuple[np.ndarray | None, str]:
        """Batch positions whose own loss or output is non-finite."""
        if not self.restore:
            return None, "not computed (restore=False: the weights already moved)"
        at = _positions(self.dataset.row_ids, ids)
        x, y = self.dataset.x[at], self.dataset.y[at]
        pred = _numpy(self.model(x, training=False))
        out_bad = ~np.isfinite(pred.reshape(len(at), -1)).all(axis=1)
        loss_bad = np.zeros(len(at), dtype=bool)
        for i in range(len(at)):
            value = self.model.compute_loss(
                x=x[i : i + 1], y=y[i : i + 1], y_pred=pred[i : i + 1]
            )
            loss_bad[i] = not np.isfinite(_numpy(value)).all()
        culprits = np.flatnonzero(out_bad | loss_bad)
        if len(culprits) == len(at):
            return culprits, "every row: each one's own loss is non-finite"
        if len(culprits):
            return (
                culprits,
                "their own loss (the compiled loss on that row) is non-finite",
            )
        return None, "no single row: the loss is non-finite only for the whole batch"

    def _act(self, incident: Incident) -> None:
        self.incidents.append(incident)
        if self.on_nan == "skip" and 0 < len(incident.rows) < max(
            incident.batch_size, 1
        ):
            self.quarantine.add(incident.rows, incident)
        if self.incident_path is not None:
            incidents = [i.to_dict() for i in self.incidents]
            write_json({"version": "1.0", "incidents": incidents}, self.incident_path)
        if self.quarantine_path is not None:
            self.quarantine.to_json(self.quarantine_path)
        if self.on_nan == "raise":
            raise NonFiniteLossError(incident)
        warnings.warn(incident.message, NancleanWarning, stacklevel=2)
        if self.on_nan == "stop":
            self.model.stop_training = True
        elif self.on_nan == "skip":
            for metric in self.model.metrics:
                metric.reset_state()


def _numpy(value: Any) -> np.ndarray:
    value = getattr(value, "value", value)  # a keras Variable → its tensor
    if hasattr(value, "detach"):  # torch: convert_to_numpy warns under numpy 2
        return np.asarray(value.detach().cpu().numpy())
    return np.asarray(keras.ops.convert_to_numpy(value))


def _positions(row_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    order = np.argsort(row_ids, kind="stable")
    return np.asarray(order[np.searchsorted(row_ids[order], ids)])


def _name(variable: Any) -> str:
    return str(getattr(variable, "path", None) or variable.name)


def _leaf(variable: Any) -> str:
    return _name(variable).rpartition("/")[2]
