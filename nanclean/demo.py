"""The demo: the same small model trained on raw data (loss goes NaN) and after nanclean.

:func:`compare_training` trains a seeded two-layer MLP on the CPU twice:

1. on the raw data the way a hurried user would: non-numeric columns dropped,
   the rest turned into a float32 tensor as they are (``torch.tensor(df.values)``),
   every label kept;
2. on ``nanclean.clean(data, target=..., loss=...).dataloader(...)``: the same
   model, seed, optimizer, batch size and number of epochs.

It returns both loss curves in a :class:`TrainingComparison`, whose
:meth:`~TrainingComparison.summary` says where the raw loss became non-finite
and how the cleaned loss went. ``nanclean demo`` (the CLI) prints that summary
for ``sample_data/ecommerce.csv`` (target ``churned``, loss ``bce``): its +inf
ratio cells, missing cells and a value 10^7 times the typical scale make the
raw loss NaN in the first step.

Imports torch (the ``torch`` extra) when called, never when imported.

Examples
--------
>>> from nanclean.demo import SAMPLE_DATA, compare_training
>>> result = compare_training(SAMPLE_DATA / "ecommerce.csv", target="churned",
...                           loss="bce", epochs=3)  # doctest: +SKIP
>>> print(result.summary())  # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import polars.selectors as cs

from nanclean.cleaner import clean
from nanclean.errors import ConfigError, MissingDependencyError
from nanclean.findings import ActionKind
from nanclean.frame import ROW_ID, collect, read
from nanclean.losses import DEFAULT_LOSS, LOSSES
from nanclean.report.text import plural

if TYPE_CHECKING:
    from torch.utils.data import DataLoader

    from nanclean.result import CleanResult

__all__ = [
    "SAMPLE_DATA",
    "TrainingComparison",
    "TrainingRun",
    "compare_training",
]

#: The sample data sets of a source checkout (``sample_data/`` beside the package).
SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"


_REPAIRS = frozenset(
    {
        ActionKind.IMPUTED,
        ActionKind.INF_CLIPPED,
        ActionKind.INF_NULLED,
        ActionKind.OUTLIER_CLIPPED,
        ActionKind.OUTLIER_NULLED,
        ActionKind.RATIO_NULLED,
        ActionKind.RATIO_EPS,
        ActionKind.DTYPE_CLIPPED,
    }
)


@dataclass
class TrainingRun:
    """One training run: the mean training loss of every epoch.

    Attributes
    ----------
    name : str
        ``"raw"`` or ``"nanclean"``.
    losses : list of float
        Mean loss per epoch (non-finite values kept as they were).
    n_rows, n_features : int
        What the model was trained on.
    first_nonfinite_step : int or None
        1-based optimizer step at which the batch loss was first NaN or ±inf.
    steps_per_epoch : int
    seconds : float
    error : str or None
        An exception that stopped the run (e.g. a class id out of range), if any.
    note : str
        How the data was prepared, in one line.
    """

    name: str
    losses: list[float] = field(default_factory=list)
    n_rows: int = 0
    n_features: int = 0
    first_nonfinite_step: int | None = None
    steps_per_epoch: int = 0
    seconds: float = 0.0
    error: str | None = None
    note: str = ""

    @property
    def finite(self) -> bool:
        """True when the run finished and every epoch's loss is finite."""
        return (
            self.error is None
            and bool(self.losses)
            and all(math.isfinite(v) for v in self.losses)
        )

    @property
    def first_nonfinite_epoch(self) -> int | None:
        """1-based epoch whose mean loss was first NaN or ±inf (None: never)."""
        for epoch, value in enumerate(self.losses, start=1):
            if not math.isfinite(value):
                return epoch
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "losses": [v if math.isfinite(v) else str(v) for v in self.losses],
            "n_rows": self.n_rows,
            "n_features": self.n_features,
            "first_nonfinite_epoch": self.first_nonfinite_epoch,
            "first_nonfinite_step": self.first_nonfinite_step,
            "seconds": round(self.seconds, 3),
            "error": self.error,
            "note": self.note,
        }


@dataclass
class TrainingComparison:
    """The raw run and the nanclean run of :func:`compare_training`.

    Attributes
    ----------
    source : str
    target : str
    loss : str
    epochs : int
    seed : int
    raw : TrainingRun
    cleaned : TrainingRun
    repaired_cells : int
        Cells that clean imputed, clipped or nulled.
    dropped_rows : list
        Row labels that clean dropped (invalid labels, ...).
    """

    source: str
    target: str
    loss: str
    epochs: int
    seed: int
    raw: TrainingRun
    cleaned: TrainingRun
    repaired_cells: int = 0
    dropped_rows: list[Any] = field(default_factory=list)

    @property
    def improved(self) -> bool:
        """Raw went non-finite (or failed); cleaned stayed finite and went down."""
        return (
            not self.raw.finite
            and self.cleaned.finite
            and self.cleaned.losses[-1] < self.cleaned.losses[0]
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "loss": self.loss,
            "epochs": self.epochs,
            "seed": self.seed,
            "raw": self.raw.to_dict(),
            "cleaned": self.cleaned.to_dict(),
            "repaired_cells": self.repaired_cells,
            "dropped_rows": self.dropped_rows,
        }

    def summary(self) -> str:
        """A readable account of both runs, with the loss of every epoch."""
        raw, cleaned = self.raw, self.cleaned
        lines = [
            f"Training a small MLP on {self.source} (target {self.target!r}, "
            f"loss {self.loss!r}, {plural(self.epochs, 'epoch')}, seed {self.seed}, "
            "CPU).",
            "",
            f"1. raw data: {raw.note}",
            f"   {raw.n_rows} rows × {raw.n_features} features",
            f"   {_verdict(raw)}",
            f"2. nanclean: {cleaned.note}",
            f"   {cleaned.n_rows} rows × {cleaned.n_features} features; "
            f"{plural(self.repaired_cells, 'cell')} repaired, "
            f"{plural(len(self.dropped_rows), 'row')} dropped{_rows(self.dropped_rows)}",
            f"   {_verdict(cleaned)}",
            "",
            f"   {'epoch':>5}  {'raw loss':>12}  {'cleaned loss':>12}",
        ]
        for i in range(max(len(raw.losses), len(cleaned.losses))):
            lines.append(
                f"   {i + 1:>5}  {_num(raw.losses, i):>12}  {_num(cleaned.losses, i):>12}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def compare_training(
    path: Any,
    result: CleanResult | None = None,
    *,
    target: str | None = None,
    loss: str | None = None,
    epochs: int = 20,
    seed: int = 0,
    config: Any = None,
    batch_size: int = 256,
    hidden: int = 32,
    lr: float = 1e-2,
    verbose: bool = False,
    console: Any = None,
) -> TrainingComparison:
    """Train the same small MLP on the raw data and on nanclean's output.

    Parameters
    ----------
    path : str, PathLike, or any input ``nanclean.clean`` accepts
        The raw data, e.g. ``SAMPLE_DATA / "ecommerce.csv"``.
    result : CleanResult, optional
        ``nanclean.clean(path, ...)`` already computed (e.g. with a config
        file): trained on as it is. Default: clean ``path`` here.
    target : str, optional
        The label column (default: ``result``'s target; required without one).
    loss : {"mse", "bce", "ce", "poisson", "gamma", "msle"}, optional
        Both the loss the model is trained with and the ``loss`` clean checks
        the target against (default: ``result``'s loss, else "mse").
    epochs : int, default=20
    seed : int, default=0
        Seeds the weights and the batch order; both runs start from the same
        weights (up to the input width) and see batches in the same order.
    config : CleanConfig, dict, or path, optional
        Passed to ``nanclean.clean`` (ignored when ``result`` is given).
    batch_size : int, default=256
    hidden : int, default=32
        Width of the two hidden layers.
    lr : float, default=1e-2
        Adam's learning rate.
    verbose : bool, default=False
        Print :meth:`TrainingComparison.summary` at the end (to stdout).
    console : rich.console.Console, optional
        Print the summary there instead (no markup is interpreted).

    Returns
    -------
    TrainingComparison
        ``.raw`` and ``.cleaned`` (:class:`TrainingRun`: ``.losses`` per
        epoch, ``.first_nonfinite_epoch``, ``.finite``), ``.improved``,
        ``.summary()``.

    Raises
    ------
    MissingDependencyError
        torch is not installed (``pip install 'nanclean[torch]'``).
    ConfigError
        No target, an unknown loss, or epochs < 1.
    """
    if result is not None:
        target = target if target is not None else result.target
        loss = loss if loss is not None else result.plan.loss
    loss = loss or DEFAULT_LOSS
    if target is None:
        raise ConfigError(
            "compare_training needs the label column: pass target=... (or a "
            "CleanResult that has one)."
        )
    try:
        import torch
    except ImportError as exc:
        raise MissingDependencyError.for_extra("torch", "torch") from exc
    if loss not in LOSSES:
        raise ConfigError(
            f"loss must be one of {', '.join(LOSSES)}; received {loss!r}."
        )
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ConfigError(f"epochs must be an int >= 1; received {epochs!r}.")
    source = (
        Path(path).name
        if isinstance(path, str | os.PathLike)
        else f"a {type(path).__module__.split('.')[0]} {type(path).__name__}"
    )
    threads = torch.get_num_threads()
    # a model this small trains several times faster on one thread than on many
    # (the threads cost more to synchronize than they save); restored after
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            raw = _raw_run(path, target, loss, epochs, seed, batch_size, hidden, lr)
            if result is None:
                result = clean(path, target=target, loss=loss, config=config)
            cleaned = TrainingRun(
                "nanclean",
                n_rows=result.data.height,
                n_features=len(result.feature_names),
                note="nanclean.clean(data, target=..., loss=...).to_torch()",
            )
            dataset = result.to_torch()
            loader = dataset.loader(batch_size, shuffle=True, seed=seed)
            assert dataset.targets is not None
            n_out = _n_outputs(loss, dataset.targets.numpy(), result.plan.n_classes)
            _train(cleaned, loader, loss, n_out, epochs, seed, hidden, lr)
    finally:
        torch.set_num_threads(threads)
    repaired = sum(a.count for a in result.report.actions if a.kind in _REPAIRS)
    dropped: list[Any] = []
    for a in result.report.actions:
        if a.kind is ActionKind.ROWS_DROPPED:
            dropped += a.rows
    comparison = TrainingComparison(
        source,
        target,
        loss,
        epochs,
        seed,
        raw,
        cleaned,
        repaired_cells=repaired,
        dropped_rows=_sorted(set(dropped)),
    )
    if console is not None:
        console.print(comparison.summary(), markup=False, highlight=False)
    elif verbose:
        print(comparison.summary())
    return comparison


# --- the two runs ----------------------------------------------------------------


def _raw_run(
    data: Any,
    target: str,
    loss: str,
    epochs: int,
    seed: int,
    batch_size: int,
    hidden: int,
    lr: float,
) -> TrainingRun:
    """The naive run: numeric columns as they are, straight into a tensor."""
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    frame = read(data)
    df = collect(frame.lazy.drop(ROW_ID), frame.source)
    numeric = df.select(cs.numeric())
    run = TrainingRun(
        "raw",
        note="non-numeric columns dropped, torch.tensor(df.values, dtype=float32)",
    )
    if target not in numeric.columns:
        run.error = (
            f"the target {target!r} is not a numeric column of the raw data, so a "
            "naive run cannot use it"
        )
        return run
    features = numeric.drop(target)
    run.n_rows, run.n_features = features.height, features.width
    # what torch.tensor(df.values) does: nulls become NaN, big values stay big
    x = torch.tensor(features.cast(pl.Float64).to_numpy(), dtype=torch.float32)
    y_np = numeric.get_column(target).cast(pl.Float64).to_numpy()
    with np.errstate(all="ignore"):
        y = (
            torch.tensor(y_np).long()
            if LOSSES[loss].dtype == "int64"
            else torch.tensor(y_np, dtype=torch.float32)
        )
    generator = torch.Generator().manual_seed(seed)
    loader = DataLoader(
        TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=generator
    )
    try:
        n_out = _n_outputs(loss, y_np, None)
        _train(run, loader, loss, n_out, epochs, seed, hidden, lr)
    except Exception as exc:  # a naive run may crash instead of printing nan
        run.error = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return run


def _n_outputs(loss: str, y: np.ndarray | None, n_classes: int | None) -> int:
    if loss != "ce":
        return 1
    if n_classes is not None:
        return n_classes
    finite = y[np.isfinite(y)] if y is not None else np.empty(0)
    return int(finite.max()) + 1 if len(finite) else 1


def _train(
    run: TrainingRun,
    loader: DataLoader[Any],
    loss: str,
    n_out: int,
    epochs: int,
    seed: int,
    hidden: int,
    lr: float,
) -> None:
    """Train a fresh seeded MLP; fill ``run.losses`` and the first non-finite step."""
    import torch

    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(run.n_features, hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, n_out),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = _criterion(loss)
    started = time.perf_counter()
    step = 0
    for _ in range(epochs):
        total, seen = 0.0, 0
        for batch in loader:
            xb, yb = batch[0], batch[1]
            optimizer.zero_grad()
            value = criterion(model(xb), yb)
            value.backward()
            optimizer.step()
            step += 1
            v = float(value.detach())
            if run.first_nonfinite_step is None and not math.isfinite(v):
                run.first_nonfinite_step = step
            total += v * len(xb)
            seen += len(xb)
        run.losses.append(total / max(seen, 1))
    run.steps_per_epoch = step // epochs
    run.seconds = time.perf_counter() - started


def _criterion(loss: str) -> Any:
    """The torch loss for a ``loss`` name; the model outputs one logit (or n_classes)."""
    import torch
    import torch.nn.functional as F

    def squeeze(fn: Any) -> Any:
        return lambda out, y: fn(out.squeeze(-1), y.to(out.dtype))

    if loss == "ce":
        return lambda out, y: F.cross_entropy(out, y.long())
    if loss == "bce":
        return squeeze(F.binary_cross_entropy_with_logits)
    if loss == "poisson":
        return squeeze(lambda out, y: F.poisson_nll_loss(out, y, log_input=True))
    if loss == "gamma":  # negative log-likelihood with a log link (unit shape)
        return squeeze(lambda out, y: (y * torch.exp(-out) + out).mean())
    if loss == "msle":  # the model predicts log1p(y)
        return squeeze(lambda out, y: ((out - torch.log1p(y)) ** 2).mean())
    return squeeze(F.mse_loss)


# --- text --------------------------------------------------------------------------


def _verdict(run: TrainingRun) -> str:
    if run.error is not None:
        return f"training failed: {run.error}"
    if not run.losses:
        return "no epochs ran"
    epoch = run.first_nonfinite_epoch
    if epoch is not None:
        steps = run.first_nonfinite_step
        where = f" (optimizer step {steps})" if steps is not None else ""
        return (
            f"the loss became {run.losses[epoch - 1]} at epoch {epoch}{where} and "
            f"ended at {run.losses[-1]}"
        )
    first, last = run.losses[0], run.losses[-1]
    trend = "down" if last < first else "not down"
    change = (last - first) / abs(first) * 100 if first else 0.0
    return (
        f"finite at every epoch: {first:.4f} → {last:.4f} "
        f"({change:+.1f}%, {trend}) in {run.seconds:.1f} s"
    )


def _num(values: list[float], i: int) -> str:
    if i >= len(values):
        return "-"
    v = values[i]
    return f"{v:.4f}" if math.isfinite(v) else str(v)


def _sorted(labels: set[Any]) -> list[Any]:
    try:
        return sorted(labels)
    except TypeError:  # labels of mixed types
        return sorted(labels, key=str)


def _rows(rows: list[Any]) -> str:
    from nanclean.errors import format_rows

    return f" (rows {format_rows(rows)})" if rows else ""
