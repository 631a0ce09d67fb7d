"""From an incident's facts to its rows' labels and values, its cause and its fix.

Shared by the torch guard and the Keras callback; imports neither framework.
:class:`RowSource` maps row ids to the caller's labels and values through
whatever the training data came from (a ``CleanResult``, nanclean's torch
``TabularDataset`` or Keras ``TabularPyDataset``). :func:`diagnose` names
the failure mode (T1-T5 of FAILURE_MODES.md) from what was non-finite, the
statistics of the layer's input and the recent gradient norms, and writes the
message.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nanclean.errors import format_rows
from nanclean.guard.incident import Incident
from nanclean.result import CleanResult

__all__ = ["MAX_ROW_VALUES", "RowSource", "diagnose"]

#: Rows whose values are copied into an incident.
MAX_ROW_VALUES = 20
#: A gradient norm this many times its value some steps earlier is "exploding".
GROWTH = 100.0


class RowSource:
    """Row ids → the caller's labels and the rows' feature and target values."""

    def __init__(
        self,
        label_of: Any = None,
        positions_of: Any = None,
        features: Any = None,
        targets: Any = None,
        names: list[str] | None = None,
        target: str | None = None,
    ) -> None:
        self.label_of = label_of
        self.positions_of = positions_of
        self.features = features
        self.targets = targets
        self.names = names
        self.target = target

    @classmethod
    def of(cls, dataset: Any) -> RowSource:
        """Read what a dataset offers (duck-typed: no framework import)."""
        if dataset is None:
            return cls()
        if isinstance(dataset, CleanResult):
            data = dataset.data
            names = dataset.feature_names
            target = dataset.target
            return cls(
                label_of=lambda ids: dataset.labels(ids),
                positions_of=_positions_in(dataset.row_ids),
                features=data.select(names).to_numpy(),
                targets=None if target is None else data.get_column(target).to_numpy(),
                names=names,
                target=target,
            )
        if hasattr(dataset, "row_labels") and hasattr(dataset, "row_ids"):
            ids = np.asarray(_numpy(dataset.row_ids), dtype=np.int64)
            features = getattr(dataset, "features", getattr(dataset, "x", None))
            targets = getattr(dataset, "targets", getattr(dataset, "y", None))
            return cls(
                label_of=dataset.row_labels,
                positions_of=_positions_in(ids),
                features=features,
                targets=targets,
                names=getattr(dataset, "feature_names", None),
                target=getattr(dataset, "target", None),
            )
        if hasattr(dataset, "row_labels"):
            return cls(label_of=dataset.row_labels)
        raise TypeError(
            f"dataset= must be a CleanResult or a nanclean torch / keras dataset; "
            f"received {type(dataset).__name__!r}."
        )

    def labels(self, ids: np.ndarray) -> list[Any]:
        ids = np.asarray(ids, dtype=np.int64)
        if self.label_of is None:
            return ids.tolist()
        return list(self.label_of(ids))

    def values(
        self, ids: np.ndarray, batch_input: Any = None, positions: Any = None
    ) -> list[dict[str, Any]]:
        """The first rows' features (and target), from the dataset or the batch."""
        ids = np.asarray(ids, dtype=np.int64)[:MAX_ROW_VALUES]
        labels = self.labels(ids)
        x = y = None
        if self.features is not None and self.positions_of is not None:
            at = self.positions_of(ids)
            if at is not None:
                x = _numpy(self.features)[at]
                y = None if self.targets is None else _numpy(self.targets)[at]
        if x is None and batch_input is not None and positions is not None:
            x = _numpy(batch_input)[np.asarray(positions)[: len(ids)]]
        out = []
        for i, label in enumerate(labels):
            row: dict[str, Any] = {"row": label}
            if x is not None:
                flat = np.asarray(x[i], dtype=np.float64).reshape(-1)
                names = self.names or [f"x{j}" for j in range(len(flat))]
                row["features"] = {
                    n: float(v) for n, v in zip(names, flat, strict=False)
                }
            if y is not None:
                row["target"] = _scalar(y[i])
                row["target_name"] = self.target or "target"
            out.append(row)
        return out


def _positions_in(row_ids: np.ndarray) -> Any:
    order = np.argsort(row_ids, kind="stable")
    ordered = row_ids[order]

    def find(ids: np.ndarray) -> np.ndarray | None:
        at = np.searchsorted(ordered, ids)
        at = np.clip(at, 0, max(len(ordered) - 1, 0))
        if len(ordered) == 0 or not np.array_equal(ordered[at], ids):
            return None
        return np.asarray(order[at])

    return find


def _numpy(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach().cpu()
        if str(value.dtype) == "torch.bfloat16":
            value = value.float()
        return np.asarray(value.numpy())
    return np.asarray(value)


def _scalar(value: Any) -> Any:
    v = np.asarray(value)
    return v.item() if v.size == 1 else v.tolist()


# --- cause, fix and message ---------------------------------------------------------


def diagnose(incident: Incident, *, dtype: str = "float32") -> None:
    """Fill in ``cause``, ``fix`` and ``message`` from the incident's facts."""
    cause, fix = _CAUSES.get(incident.kind, _loss)(incident, dtype)
    incident.cause, incident.fix = cause, fix
    rows = ""
    if incident.rows:
        rows = f" Rows: {format_rows(incident.rows)} ({incident.how})."
        if incident.row_values:
            rows += " First row: " + _row_text(incident.row_values[0]) + "."
    elif incident.how:
        rows = f" Rows: {incident.how}."
    names = ""
    if len(incident.names) > 1:
        names = f" Also non-finite: {format_rows(incident.names[1:])}."
    incident.message = (
        f"Non-finite value at step {incident.step} (epoch {incident.epoch}, batch "
        f"{incident.batch}) in the {incident.where}.{rows}{names} Cause: {cause} "
        f"Fix: {fix}"
    )


def _row_text(values: dict[str, Any]) -> str:
    parts = [f"{k}={_short(v)}" for k, v in values.get("features", {}).items()][:8]
    if "target" in values:
        parts.append(f"{values['target_name']}={_short(values['target'])}")
    return f"{values['row']!r}: " + ", ".join(parts)


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _growth(incident: Incident) -> str | None:
    """'from a to b over n steps' when the gradient norm exploded before this."""
    norms = [g for _, _, g in incident.stats.get("history", []) if _finite(g)]
    if len(norms) < 2:
        return None
    first, last = norms[0], max(norms)
    if last > GROWTH * max(first, 1e-12) or last > 1e6:
        return f"from {first:.3g} to {last:.3g} over the last {len(norms)} steps"
    return None


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


_T1_FIX = (
    "lower the learning rate (e.g. 10x), clip the gradients "
    "(torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)) or add a "
    "warm-up; standardize the features (nanclean.clean scales them)."
)


def _loss(incident: Incident, dtype: str) -> tuple[str, str]:
    n, k = incident.batch_size, len(incident.rows)
    if 0 < k < max(n, 1) or (k and n == 0):
        targets = [v["target"] for v in incident.row_values if "target" in v]
        if targets and all(t == 0 for t in targets):
            return (
                "T5, the data: the loss is non-finite for these rows only, and their "
                "target is 0; a loss that divides by the target (or takes its log) "
                "is undefined there.",
                "leave the rows out (on_nan='skip' quarantines them; "
                "nanclean.clean(data, ..., exclude_rows=guard.quarantine) drops them "
                "and reports it), or make the loss safe at 0 (divide by "
                "y.clamp_min(eps)). nanclean.bisect(data, fails) finds such rows in a "
                "whole data set.",
            )
        return (
            "T5, the data: the loss is non-finite for these rows only; their values "
            "are outside what the model or the loss can take.",
            "inspect the rows' values; nanclean.clean repairs non-finite and extreme "
            "values, exclude_rows= leaves rows out, and mode='full' names the layer "
            "where the first non-finite value appears.",
        )
    growth = _growth(incident)
    if growth:
        return (
            f"T1, exploding gradients: the gradient norm grew {growth}, then the loss "
            "overflowed; every row of the batch is affected.",
            _T1_FIX,
        )
    if k:
        return (
            "every row of the batch is affected: the cause is in the model's weights "
            "or in an operation across the batch, not in particular rows.",
            "run with mode='full' to name the first module with a non-finite output; "
            "pass recompute= to bisect the batch; check_state() checks the weights.",
        )
    return (
        "the loss is non-finite while the model's output and its gradient are "
        "finite: the non-finite term does not go through the output (a regularizer, "
        "a log of a parameter, a division in the loss itself).",
        "check each term of the loss separately.",
    )


def _output(incident: Incident, dtype: str) -> tuple[str, str]:
    inputs = incident.stats.get("input") or []
    bad_input = any(s["nan"] or s["pos_inf"] or s["neg_inf"] for s in inputs)
    out = incident.stats.get("output", {})
    name = incident.module
    if bad_input:
        return (
            f"T5, the data: the input of module {name!r} is already non-finite (the "
            "batch itself holds NaN or inf).",
            "clean the data before training: nanclean.clean(data, target=...) finds "
            "and repairs every non-finite cell and names its rows.",
        )
    peak = max((s.get("max_abs", 0.0) for s in inputs), default=0.0)
    if out.get("dtype") == "float16" and (out.get("pos_inf") or out.get("neg_inf")):
        return (
            f"T4, float16 overflow: module {name!r} turned a finite input (largest "
            f"|value| {peak:.4g}) into values beyond float16's maximum 65504.",
            "keep this layer in float32 (outside autocast), train in bfloat16, or "
            "scale its input down (nanclean.clean with dtype='float16' keeps features "
            "within float16's range); a GradScaler cannot fix an overflow in the "
            "forward pass.",
        )
    if any(s.get("zero_rows") for s in inputs):
        zeros = sum(int(s.get("zero_rows") or 0) for s in inputs)
        return (
            f"T2, a layer: module {name!r} divides by a norm that is zero (its input "
            f"has {zeros} all-zero row(s)), giving 0/0 = NaN.",
            "add an eps to the denominator: x / (x.norm(dim=-1, keepdim=True) + eps), "
            "or torch.nn.functional.normalize(x, eps=1e-12).",
        )
    return (
        f"T2, a layer: module {name!r} produced NaN or inf from a finite input "
        f"(largest |value| {peak:.4g}): an operation inside is undefined there (sqrt "
        "or log of a value <= 0, a division by 0, exp overflow).",
        "clamp the input of sqrt / log (x.clamp_min(eps)), add an eps to "
        "denominators, or use a numerically stable form (logsumexp, log_softmax).",
    )


def _gradient(incident: Incident, dtype: str) -> tuple[str, str]:
    return (
        f"T2, a layer: the forward pass and the loss are finite, but the gradient "
        f"at the input of module {incident.module!r} is not: an operation inside "
        "has an infinite derivative at this input (sqrt at 0: d sqrt(x)/dx = "
        "1/(2 sqrt(x)); x**p with p < 1 at 0; the norm of a zero vector).",
        "use sqrt(x + eps) instead of sqrt(x), or clamp the input away from the "
        "singular point (x.clamp_min(eps)).",
    )


def _parameter_gradient(incident: Incident, dtype: str) -> tuple[str, str]:
    growth = _growth(incident)
    if growth or incident.kind == "gradient_norm":
        what = (
            f"the gradient norm grew {growth}"
            if growth
            else "the gradients are finite but their global norm overflowed"
        )
        return f"T1, exploding gradients: {what}.", _T1_FIX
    return (
        "T2, a layer: the loss is finite but gradients are not: an operation with "
        "an infinite derivative at its input (sqrt or a norm at 0).",
        "run with mode='full' to name the module whose input gradient turns "
        "non-finite, then use sqrt(x + eps) or clamp there.",
    )


#: Normalization statistics, as torch and keras name them.
_RUNNING_STATS = ("running_mean", "running_var", "moving_mean", "moving_variance")


def _state(incident: Incident, dtype: str) -> tuple[str, str]:
    name = incident.parameter or "?"
    leaf = name.replace("/", ".").rpartition(".")[2]
    if incident.kind == "buffer" and leaf in _RUNNING_STATS:
        rows = (
            " The batch that poisoned it had rows far beyond the rest."
            if incident.rows
            else ""
        )
        return (
            f"T3, BatchNorm statistics: {name!r} is non-finite. Training normalizes "
            "each batch with its own statistics, so the loss looks fine, but eval() "
            f"and inference use these and give constant or NaN outputs.{rows}",
            "clean the data (nanclean.clean clips values orders of magnitude beyond "
            "the rest), reset the layer (module.reset_running_stats()) and retrain; "
            "a checkpoint saved after this step is unusable for inference.",
        )
    return (
        f"{name!r} is non-finite: an optimizer step was taken with non-finite "
        "gradients, or the value was set so.",
        "call guard.after_backward() before optimizer.step() (on_nan='skip' then "
        "skips such steps), and lower the learning rate if gradients explode.",
    )


_CAUSES = {
    "loss": _loss,
    "output": _output,
    "gradient": _gradient,
    "parameter_gradient": _parameter_gradient,
    "gradient_norm": _parameter_gradient,
    "buffer": _state,
    "parameter": _state,
}
