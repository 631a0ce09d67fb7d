"""NanGuard: name the step, the layer and the rows behind a non-finite loss (PyTorch).

::

    with NanGuard(model, dataset=result) as guard:
        for xb, yb, row_ids in loader:
            loss = loss_fn(model(xb), yb)
            guard.check(loss, rows=row_ids)      # the loss (and, in full mode, every output)
            opt.zero_grad(); loss.backward()
            guard.after_backward()               # the gradients (and BatchNorm statistics)
            opt.step()
        guard.end_epoch()                        # every parameter and buffer

How it finds things, cheapest first:

- Every step (``mode="cheap"``): the loss, one norm per gradient (a fused
  ``torch._foreach_norm``; the global norm is summed on the host in float64)
  and the largest |value| of the normalization layers' running statistics are
  stacked into one small tensor and read with ONE host synchronization, in
  ``after_backward``. ``check`` reads the loss by itself only until it has
  seen an ``after_backward`` (a loop without one still gets its checks).
- Rows, per sample: a forward hook on the model keeps its output; on a
  non-finite loss the gradient of the loss with respect to that output has
  one row per sample, and its non-finite rows are the culprits whatever the
  loss formula (``torch.autograd.grad`` in ``check``, or the same gradient
  caught by a tensor hook during ``backward`` when the check was deferred).
  When every row is non-finite, an optional ``recompute=`` closure bisects
  the batch (ddmin, :mod:`nanclean.guard.bisect`).
- ``mode="full"``: forward hooks on every module record the largest |value|
  of its output; tensor hooks on every module's inputs record the largest
  |gradient| arriving there in backward. Hooks fire child before parent and
  in execution order, so the first non-finite record names the module where
  it started; its input statistics are kept for the report. Activations
  beyond float16's 65504 are recorded (T4).
- On demand (``check_state``) and at ``end_epoch``: every parameter and
  buffer, with BatchNorm running statistics named as such (T3).

Nothing is synchronized or copied on the normal path beyond the one read;
the diagnosis (rows, statistics, names) is computed only after a failure.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nanclean.errors import (
    ConfigError,
    MissingDependencyError,
    NancleanWarning,
    NonFiniteLossError,
)
from nanclean.guard.bisect import search
from nanclean.guard.diagnose import RowSource, diagnose
from nanclean.guard.incident import Incident, Quarantine, check_option, write_json
from nanclean.guard.tensors import (
    bad_rows,
    bad_rows_if_aligned,
    batch_row_ids,
    extreme_rows,
    first_tensor,
    global_norm,
    is_batch_aligned,
    loss_scalar,
    nan_max,
    running_stats,
    tensor_stats,
)

try:
    import torch
    from torch import nn
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise MissingDependencyError.for_extra("torch", "torch") from exc

__all__ = ["MODES", "ON_NAN", "NanGuard"]

MODES = ("cheap", "full")
ON_NAN = ("raise", "skip", "warn")
FP16_MAX = float(torch.finfo(torch.float16).max)
#: Loss and gradient-norm values kept for the report (T1: how they grew).
HISTORY = 20
#: Calls of ``recompute`` allowed when bisecting one batch.
RECOMPUTE_CALLS = 64


@dataclass
class _Record:
    """One module's output (forward) or input gradient (backward) this step."""

    name: str
    module: nn.Module
    peak: torch.Tensor  # largest |value|, NaN if any NaN (0-d, not yet read)
    value: torch.Tensor  # the output / gradient itself, for the diagnosis
    inputs: tuple[Any, ...] = ()


@dataclass
class _Step:
    """What the current step has seen so far."""

    loss: torch.Tensor | None = None
    rows: Any = None
    model_input: torch.Tensor | None = None
    output: torch.Tensor | None = None
    output_grad: torch.Tensor | None = None
    forward: list[_Record] = field(default_factory=list)
    backward: list[_Record] = field(default_factory=list)
    checked_loss: bool = False
    skip: bool = False
    reported: bool = False
    seen: set[int] = field(default_factory=set)  # ids of outputs recorded
    hooked: set[int] = field(default_factory=set)  # ids of inputs hooked


class NanGuard:
    """Watch a torch model for non-finite values and say where they came from.

    Parameters
    ----------
    model : torch.nn.Module
    dataset : CleanResult, nanclean TabularDataset or TabularPyDataset, optional
        Maps the row ids passed to :meth:`check` to the caller's row labels
        and their feature and target values. Without it ids are reported as
        given.
    mode : {"cheap", "full"}, default="cheap"
        ``cheap``: the loss, the global gradient norm and the normalization
        layers' running statistics, one host synchronization per step.
        ``full``: also forward and backward hooks on every module (the first
        module whose output or input gradient is non-finite, by qualified
        name, with its input statistics) and the float16 range of activations.
    on_nan : {"raise", "skip", "warn"}, default="raise"
        ``raise``: :class:`~nanclean.errors.NonFiniteLossError`. ``skip``:
        skip the optimizer step (``after_backward`` sets every gradient to
        None and returns False) and quarantine the rows named. ``warn``: a
        :class:`~nanclean.errors.NancleanWarning`, nothing else.
    recompute : callable, optional
        ``recompute(indices) -> loss`` for the batch positions ``indices``
        (a LongTensor) of the current batch, e.g.
        ``lambda i: loss_fn(model(xb[i]), yb[i])``. Used to bisect a batch
        when the per-sample gradient blames every row (a loss that is not
        per-sample). Runs without gradients; buffers are restored after.
    scaler : torch.amp.GradScaler, optional
        With a scaler, non-finite gradients under a finite loss are its
        normal overflow handling (it skips the step and lowers the scale):
        they are counted in ``scaler_skips``, not reported. A non-finite
        loss still is: the scaler cannot fix an overflow in the forward pass.
    quarantine : str or os.PathLike, optional
        Write the quarantine list (JSON) there after every skipped step.
    incident_path : str or os.PathLike, optional
        Write every incident so far (JSON) there after each one.
    fp16_check : bool, optional
        Record activations beyond float16's range. Default: on in full mode.

    Attributes
    ----------
    step : int
        0-based index of the current step (``check`` calls minus one).
    epoch, batch : int
    incidents : list of Incident
    quarantine : Quarantine
        Rows named by skipped steps (``clean(..., exclude_rows=guard.quarantine)``).
    scaler_skips : int
    fp16_overflows : dict of str to float
        Module name → the largest |activation| seen beyond 65504.
    history : list of (step, loss, grad_norm)
        The last 20 steps.
    """

    def __init__(
        self,
        model: nn.Module,
        *,
        dataset: Any = None,
        mode: str = "cheap",
        on_nan: str = "raise",
        recompute: Callable[[torch.Tensor], torch.Tensor] | None = None,
        scaler: Any = None,
        quarantine: str | os.PathLike[str] | None = None,
        incident_path: str | os.PathLike[str] | None = None,
        fp16_check: bool | None = None,
    ) -> None:
        if not isinstance(model, nn.Module):
            raise ConfigError(
                f"NanGuard needs a torch.nn.Module; received {type(model).__name__!r}."
            )
        check_option("NanGuard", "mode", mode, MODES)
        check_option("NanGuard", "on_nan", on_nan, ON_NAN)
        self.model = model
        self.rows_source = RowSource.of(dataset)
        self.mode = mode
        self.on_nan = on_nan
        self.recompute = recompute
        self.scaler = scaler
        self.quarantine_path = None if quarantine is None else Path(quarantine)
        self.incident_path = None if incident_path is None else Path(incident_path)
        self.fp16_check = mode == "full" if fp16_check is None else fp16_check
        self.step = -1
        self.epoch = 0
        self.batch = -1
        self.incidents: list[Incident] = []
        self.quarantine = Quarantine()
        self.scaler_skips = 0
        self.fp16_overflows: dict[str, float] = {}
        self._history: deque[tuple[int, float, float]] = deque(maxlen=HISTORY)
        self._names = {m: n or type(model).__name__ for n, m in model.named_modules()}
        self._stats_buffers = running_stats(model)
        self._params = list(model.parameters())
        self._handles: list[Any] = []
        self._deferred = False  # after_backward reads the loss (one sync a step)
        self._paused = False
        self._now = _Step()

    # --- the context ------------------------------------------------------------

    def __enter__(self) -> NanGuard:
        self.attach()
        return self

    def __exit__(self, *exc: object) -> None:
        self.detach()
        self._write()

    def attach(self) -> None:
        """Register the hooks (``with NanGuard(...)`` does it)."""
        if self._handles:
            return
        self._handles.append(self.model.register_forward_hook(self._on_model_output))
        if self.mode == "full" or self.fp16_check:
            for module in self.model.modules():
                self._handles.append(module.register_forward_hook(self._on_output))

    def detach(self) -> None:
        """Remove every hook."""
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    # --- the hooks ----------------------------------------------------------------

    def _recording(self) -> bool:
        return not self._paused and torch.is_grad_enabled()

    def _on_model_output(self, module: nn.Module, args: Any, output: Any) -> None:
        if not self._recording():
            return
        out = first_tensor(output)
        self._now.model_input = first_tensor(args)
        self._now.output = out
        if self._deferred and out is not None and out.requires_grad:
            out.register_hook(self._keep_output_grad)

    def _keep_output_grad(self, grad: torch.Tensor) -> None:
        self._now.output_grad = grad

    def _on_output(self, module: nn.Module, args: Any, output: Any) -> None:
        if not self._recording():
            return
        out = first_tensor(output)
        now = self._now
        # a container passes its last child's output on: that child is named
        if out is None or id(out) in now.seen:
            return
        now.seen.add(id(out))
        name = self._names.get(module, type(module).__name__)
        peak = torch.linalg.vector_norm(out.detach(), float("inf"))
        now.forward.append(_Record(name, module, peak, out, tuple(args)))
        if self.mode != "full":
            return
        for arg in args:  # a child hooked its container's input first: it is named
            hook = isinstance(arg, torch.Tensor) and arg.requires_grad
            if hook and id(arg) not in now.hooked:
                now.hooked.add(id(arg))
                arg.register_hook(self._grad_recorder(name, module))

    def _grad_recorder(
        self, name: str, module: nn.Module
    ) -> Callable[[torch.Tensor], None]:
        def record(grad: torch.Tensor) -> None:
            peak = torch.linalg.vector_norm(grad.detach(), float("inf"))
            self._now.backward.append(_Record(name, module, peak, grad))

        return record

    # --- the per-step calls -------------------------------------------------------

    def check(self, loss: torch.Tensor, *, rows: Any = None) -> bool:
        """Check this step's loss (and, in full mode, every module's output).

        Call it after the forward pass and before ``backward``.

        Parameters
        ----------
        loss : torch.Tensor
            The batch's loss: a scalar, or one loss per sample (whose
            non-finite entries are then the rows).
        rows : tensor, array or list, optional
            The batch's row ids (``result.dataloader(return_row_id=True)``).

        Returns
        -------
        bool
            False when this step is to be skipped (``on_nan="skip"``).
        """
        now = self._now
        self._now = _Step(
            loss=loss.detach(),
            rows=rows,
            model_input=now.model_input,
            output=now.output,
            output_grad=now.output_grad,
            forward=now.forward,
        )
        self.step += 1
        self.batch += 1
        if self.mode == "full" or not self._deferred:
            return self._check_forward(loss)
        return True

    def _check_forward(self, loss: torch.Tensor) -> bool:
        """One read of the loss and of every recorded output peak."""
        now = self._now
        now.checked_loss = True
        peaks = [r.peak for r in now.forward]
        values = torch.stack([loss_scalar(now.loss), *peaks]).tolist()
        self._note_fp16(now.forward, values[1:])
        first_bad = next(
            (i for i, v in enumerate(values[1:]) if not math.isfinite(v)), None
        )
        if first_bad is not None and self.mode == "full":
            return self._report(self._output_incident(now.forward, first_bad, values))
        if not math.isfinite(values[0]):
            return self._report(self._loss_incident(loss, values[0]))
        return True

    def after_backward(self) -> bool:
        """Check the gradients (and normalization statistics) of this step.

        Call it after ``backward`` (after ``scaler.unscale_(optimizer)`` with
        a GradScaler) and before ``optimizer.step()``.

        Returns
        -------
        bool
            False when the optimizer step must not be taken; with
            ``on_nan="skip"`` the gradients are then set to None, so a plain
            ``optimizer.step()`` leaves the parameters unchanged.
        """
        now = self._now
        self._deferred = True
        grads = [p.grad for p in self._params if p.grad is not None]
        # one fused norm per tensor, one stack, one read: the global norm is
        # summed here in float64 (a float32 sum of squares would overflow first)
        parts = [loss_scalar(now.loss).reshape(1)]
        if grads:
            parts += [torch.stack(torch._foreach_norm(grads)).float()]
        if self._stats_buffers:
            bufs = [b for _, _, b in self._stats_buffers]
            parts += [torch.stack(torch._foreach_norm(bufs, float("inf"))).float()]
        if now.backward:
            parts += [torch.stack([r.peak for r in now.backward]).float()]
        read = torch.cat([t.to(parts[0].device) for t in parts]).tolist()
        n_grads, n_bufs = len(grads), len(self._stats_buffers)
        grad_norm = global_norm(read[1 : 1 + n_grads])
        buf_peak = max(
            read[1 + n_grads : 1 + n_grads + n_bufs], default=0.0, key=nan_max
        )
        values = [read[0], grad_norm, buf_peak, *read[1 + n_grads + n_bufs :]]
        loss_value, grad_norm = values[0], values[1]
        self._history.append((self.step, loss_value, grad_norm))
        ok = not now.skip
        if not now.reported:  # else check() reported this step already
            incident = self._backward_incident(values, grads, now.checked_loss)
            if incident is not None:
                ok = self._report(incident)
        if not ok and self.on_nan == "skip" and self.scaler is None:
            for p in self._params:
                p.grad = None
        now.forward, now.backward = [], []
        now.seen, now.hooked = set(), set()
        return ok

    def _backward_incident(
        self, values: list[float], grads: list[torch.Tensor], checked_loss: bool
    ) -> Incident | None:
        """The first thing non-finite after backward (values: loss, norm, ...)."""
        now = self._now
        loss_value, grad_norm = values[0], values[1]
        if not checked_loss and not math.isfinite(loss_value):
            return self._loss_incident(None, loss_value)
        peaks = values[len(values) - len(now.backward) :]
        first_bad = next((i for i, v in enumerate(peaks) if not math.isfinite(v)), None)
        grads_bad = first_bad is not None or not math.isfinite(grad_norm)
        if grads_bad and not self._scaler_overflow(loss_value):
            if first_bad is not None:
                return self._gradient_incident(now.backward, first_bad)
            return self._parameter_gradient_incident(grads, grad_norm)
        if not math.isfinite(values[2]):
            return self._state_incident(only_stats=True)
        return None

    def end_epoch(self) -> bool:
        """Check every parameter and buffer, then count the next epoch."""
        ok = self.check_state()
        self.epoch += 1
        self.batch = -1
        return ok

    def check_state(self) -> bool:
        """Check every parameter and buffer of the model now (on demand)."""
        values: list[torch.Tensor] = [t for _, t in self.model.named_parameters()]
        values += [t for _, t in self.model.named_buffers() if t.is_floating_point()]
        if not values:
            return True
        peak = torch.nn.utils.get_total_norm(values, float("inf"), foreach=True)
        if math.isfinite(float(peak)):
            return True
        return self._report(self._state_incident(only_stats=False))

    # --- building incidents ---------------------------------------------------------

    def _base(self, kind: str, where: str, **extra: Any) -> Incident:
        return Incident(
            kind=kind,
            where=where,
            step=max(self.step, 0),
            epoch=self.epoch,
            batch=max(self.batch, 0),
            **extra,
        )

    def _loss_incident(self, loss: torch.Tensor | None, value: float) -> Incident:
        positions, how = self._loss_rows(loss)
        incident = self._base("loss", "loss")
        incident.stats = {"loss": value, "history": self.history}
        return self._finish(incident, positions, how)

    def _loss_rows(self, loss: torch.Tensor | None) -> tuple[np.ndarray | None, str]:
        """Batch positions of the rows behind a non-finite loss, and how."""
        now = self._now
        n = self._batch_size()
        if now.loss is not None and now.loss.ndim > 0 and now.loss.shape[0] == n:
            return bad_rows(now.loss), "their own loss is non-finite"
        grad = now.output_grad
        if (
            grad is None
            and loss is not None
            and loss.requires_grad
            and now.output is not None
            and now.output.requires_grad
        ):
            (grad,) = torch.autograd.grad(
                loss, now.output, retain_graph=True, allow_unused=True
            )
        out_bad = bad_rows_if_aligned(now.output, n)
        grad_bad = bad_rows_if_aligned(grad, n)
        if out_bad is not None and 0 < len(out_bad) < n:
            return out_bad, "the model's output is non-finite for them"
        if grad_bad is not None and 0 < len(grad_bad) < n:
            return grad_bad, (
                "the gradient of the loss with respect to the model output is "
                "non-finite for them, one row per sample"
            )
        every = grad_bad is not None and len(grad_bad) == n
        if every and self.recompute is not None:
            found = self._bisect_batch(n)
            if found is not None:
                return found, "bisecting the batch with recompute= (ddmin)"
        if every:
            return np.arange(n), (
                "every row: the gradient with respect to the model output is "
                "non-finite for all of them (pass recompute= to bisect the batch)"
            )
        return None, "no row: the gradient with respect to the output is finite"

    def _bisect_batch(self, n: int) -> np.ndarray | None:
        assert self.recompute is not None
        recompute = self.recompute
        saved = {k: b.detach().clone() for k, b in self.model.named_buffers()}
        self._paused = True

        def fails(positions: np.ndarray) -> bool:
            with torch.no_grad():
                value = recompute(torch.as_tensor(positions, dtype=torch.int64))
            return not bool(torch.isfinite(value).all())

        try:
            found = search(n, fails, max_calls=RECOMPUTE_CALLS)
        finally:
            self._paused = False
            buffers = dict(self.model.named_buffers())
            with torch.no_grad():
                for k, b in saved.items():
                    buffers[k].copy_(b)
        if not found.fails_at_all or not found.complete:
            return None
        return found.positions

    def _output_incident(
        self, records: list[_Record], index: int, values: list[float]
    ) -> Incident:
        r = records[index]
        where = f"output of module {r.name!r} ({type(r.module).__name__})"
        incident = self._base("output", where, module=r.name)
        inputs = [a for a in r.inputs if isinstance(a, torch.Tensor)]
        incident.stats = {
            "input": [tensor_stats(a) for a in inputs],
            "output": tensor_stats(r.value),
            "loss": values[0],
            "history": self.history,
        }
        incident.names = [
            rec.name
            for rec, v in zip(records, values[1:], strict=True)
            if not math.isfinite(v)
        ]
        n = self._batch_size()
        positions = bad_rows(r.value) if is_batch_aligned(r.value, n) else None
        return self._finish(
            incident, positions, "the module's output is non-finite for them"
        )

    def _gradient_incident(self, records: list[_Record], index: int) -> Incident:
        r = records[index]
        where = (
            f"gradient at the input of module {r.name!r} ({type(r.module).__name__})"
        )
        incident = self._base("gradient", where, module=r.name)
        forward = next((f for f in self._forward_of(r.module)), None)
        incident.stats = {
            "gradient": tensor_stats(r.value),
            "input": [
                tensor_stats(a)
                for a in (forward.inputs if forward else ())
                if isinstance(a, torch.Tensor)
            ],
            "history": self.history,
        }
        n = self._batch_size()
        positions = bad_rows(r.value) if is_batch_aligned(r.value, n) else None
        return self._finish(incident, positions, "their gradient there is non-finite")

    def _forward_of(self, module: nn.Module) -> Iterator[_Record]:
        return (r for r in self._now.forward if r.module is module)

    def _parameter_gradient_incident(
        self, grads: list[torch.Tensor], grad_norm: float
    ) -> Incident:
        named = [
            (n, p.grad) for n, p in self.model.named_parameters() if p.grad is not None
        ]
        bad = [n for n, g in named if not bool(torch.isfinite(g).all())]
        if not bad:
            incident = self._base("gradient_norm", "global gradient norm")
        else:
            first = bad[-1]  # the last registered is nearest the loss in backward
            incident = self._base(
                "parameter_gradient",
                f"gradient of parameter {first!r}",
                parameter=first,
            )
            incident.module = first.rpartition(".")[0] or None
        incident.names = bad
        incident.stats = {"grad_norm": grad_norm, "history": self.history}
        positions = None
        n = self._batch_size()
        if self._now.output_grad is not None and is_batch_aligned(
            self._now.output_grad, n
        ):
            out_bad = bad_rows(self._now.output_grad)
            positions = out_bad if 0 < len(out_bad) < n else None
        return self._finish(incident, positions, "their output gradient is non-finite")

    def _state_incident(self, *, only_stats: bool) -> Incident:
        bad: list[str] = []
        stats: dict[str, Any] = {}
        if only_stats:
            items = [(f"{m}.{b}", t) for m, b, t in self._stats_buffers]
        else:
            items = list(self.model.named_parameters()) + [
                (n, t) for n, t in self.model.named_buffers() if t.is_floating_point()
            ]
        for name, value in items:
            if not bool(torch.isfinite(value).all()):
                bad.append(name)
                stats[name] = tensor_stats(value)
        stat_names = {f"{m}.{b}" for m, b, _ in self._stats_buffers}
        first = next((n for n in bad if n in stat_names), bad[0] if bad else "?")
        is_buffer = first in dict(self.model.named_buffers())
        module = first.rpartition(".")[0]
        kind_name = type(
            dict(self.model.named_modules()).get(module, self.model)
        ).__name__
        what = "buffer" if is_buffer else "parameter"
        incident = self._base(
            what,
            f"{what} {first!r} of {kind_name} {module!r}",
            module=module or None,
            parameter=first,
        )
        incident.names = bad
        incident.stats = {"values": stats, "history": self.history}
        positions = None
        if only_stats:
            source = next(
                self._forward_of(dict(self.model.named_modules())[module]), None
            )
            tensor: Any = (
                source.inputs[0] if source and source.inputs else self._now.model_input
            )
            if isinstance(tensor, torch.Tensor) and is_batch_aligned(
                tensor, self._batch_size()
            ):
                positions = extreme_rows(tensor)
        return self._finish(
            incident, positions, "their input to the layer is non-finite or extreme"
        )

    def _finish(
        self, incident: Incident, positions: np.ndarray | None, how: str
    ) -> Incident:
        now = self._now
        incident.batch_size = self._batch_size()
        if positions is not None and len(positions):
            ids = batch_row_ids(now.rows, positions)
            incident.rows = self.rows_source.labels(ids)
            incident.row_values = self.rows_source.values(
                ids, now.model_input, positions
            )
            incident.how = (
                how
                if now.rows is not None
                else how + " (batch positions: pass rows= to name them)"
            )
        else:
            incident.how = "not tied to particular rows"
        incident.stats.setdefault("fp16_overflows", dict(self.fp16_overflows))
        incident.stats["scaler_skips"] = self.scaler_skips
        incident.action = self.on_nan
        diagnose(incident, dtype=_dtype_name(now))
        return incident

    # --- what happens then -------------------------------------------------------

    def _report(self, incident: Incident) -> bool:
        """Act on an incident per ``on_nan``; False means: skip this step."""
        self.incidents.append(incident)
        self._now.reported = True
        self._now.skip = self.on_nan == "skip"
        if (
            self.on_nan == "skip"
            and incident.rows
            and len(incident.rows) < max(incident.batch_size, 1)
        ):
            self.quarantine.add(incident.rows, incident)
        self._write()
        if self.on_nan == "raise":
            raise NonFiniteLossError(incident)
        warnings.warn(incident.message, NancleanWarning, stacklevel=_caller_level())
        return self.on_nan != "skip"

    def _scaler_overflow(self, loss_value: float) -> bool:
        """Non-finite gradients that a GradScaler handles by itself."""
        if self.scaler is None or not self.scaler.is_enabled():
            return False
        if math.isfinite(loss_value):
            self.scaler_skips += 1
            return True
        return False

    def _note_fp16(self, records: list[_Record], peaks: list[float]) -> None:
        if not self.fp16_check:
            return
        for r, v in zip(records, peaks, strict=True):
            if math.isfinite(v) and v > FP16_MAX and r.value.dtype != torch.float16:
                self.fp16_overflows[r.name] = max(
                    v, self.fp16_overflows.get(r.name, 0.0)
                )

    def _batch_size(self) -> int:
        now = self._now
        if now.rows is not None:
            return len(now.rows)
        if now.model_input is not None and now.model_input.ndim:
            return int(now.model_input.shape[0])
        return 0

    @property
    def history(self) -> list[tuple[int, float, float]]:
        """The last steps' ``(step, loss, grad_norm)``."""
        return list(self._history)

    # --- output -----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": "1.0",
            "incidents": [i.to_dict() for i in self.incidents],
            "quarantine": self.quarantine.to_dict(),
            "scaler_skips": self.scaler_skips,
            "fp16_overflows": self.fp16_overflows,
            "steps": self.step + 1,
            "epochs": self.epoch,
        }

    def to_json(self, path: str | os.PathLike[str] | None = None) -> str:
        """Every incident, the quarantine and the counters, as strict JSON."""
        return write_json(self.to_dict(), path)

    def _write(self) -> None:
        if self.incident_path is not None and self.incidents:
            self.to_json(self.incident_path)
        if self.quarantine_path is not None:
            self.quarantine.to_json(self.quarantine_path)

    def __repr__(self) -> str:
        return (
            f"NanGuard(mode={self.mode!r}, on_nan={self.on_nan!r}, step={self.step}, "
            f"{len(self.incidents)} incidents, {len(self.quarantine)} quarantined)"
        )


# --- helpers ----------------------------------------------------------------------


def _caller_level() -> int:
    """The ``stacklevel`` of the first frame outside nanclean: the user's line."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1  # type: ignore[assignment]
    return level


def _dtype_name(now: _Step) -> str:
    out = now.output
    return str(out.dtype).removeprefix("torch.") if out is not None else "float32"
