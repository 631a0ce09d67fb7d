"""The Plan: every number clean learned from the training data, as plain data.

A Plan is what ``Cleaner.fit`` produces and ``transform`` applies: fill values,
bounds, centers, scales, dropped columns and the output column order. It is
plain dataclasses with a JSON round trip (``plan.to_json()`` /
``Plan.from_json()``), readable in a diff; no pickle is needed to save a fitted
cleaner. Declaration only: ``nanclean.fit`` computes the numbers.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from nanclean.errors import ConfigError, UnreadableFileError
from nanclean.report.model import json_safe

__all__ = ["PLAN_VERSION", "ColumnPlan", "EncodingPlan", "Plan"]

PLAN_VERSION = 1
#: ``scale="squash"`` maps every value into (-SQUASH_BOUND, SQUASH_BOUND).
SQUASH_BOUND = 3.0
#: |z| beyond this squashes to ±SQUASH_BOUND at float64 precision; clamping
#: there first keeps (z / bound)² from overflowing.
SQUASH_CLAMP = 1e150


@dataclass
class ColumnPlan:
    """How one numeric output column is repaired, with its fitted numbers.

    The steps run in this order: derive (ratios) → ±inf → outliers → impute →
    scale → dtype guard. Every float is finite or None.
    """

    name: str
    impute: str = "median"
    fill: float | None = None  # the value imputed into missing cells
    pos_inf: str = "clip"
    neg_inf: str = "clip"
    inf_high: float | None = None  # what +inf becomes under "clip"
    inf_low: float | None = None  # what -inf becomes under "clip"
    outlier_method: str = "mad"
    outlier_action: str = "clip"
    outlier_low: float | None = None  # None: no outlier rule for this column
    outlier_high: float | None = None
    scale: str = "robust"
    center: float = 0.0
    scale_by: float = 1.0  # the divisor; never 0
    unscaled: str | None = None  # why the column is not divided ("constant", ...)
    missing_indicator: bool = False
    clip_indicator: bool = False
    ratio: list[str] | None = None  # [numerator, denominator] for a derived ratio
    ratio_on_zero: str = "null"
    ratio_tolerance: float | None = None  # |denominator| <= this counts as zero
    # what training looked like, for drift on new data (D10)
    train_min: float | None = None
    train_max: float | None = None
    train_missing: int = 0
    train_constant: bool = False

    def scale_number(self, value: float) -> float:
        """``value`` as the transform scales it (the same formula as
        ``repair.scaled`` applies to the column)."""
        z = (value * 0.5 - self.center * 0.5) * (2.0 / self.scale_by)
        if self.scale != "squash":
            return z
        z = min(max(z, -SQUASH_CLAMP), SQUASH_CLAMP)
        return z / math.sqrt(1.0 + (z / SQUASH_BOUND) ** 2)

    def unscale_number(self, value: float) -> float:
        """The input value that ``scale_number`` maps to ``value``."""
        if self.scale == "squash":
            w = min(abs(value) / SQUASH_BOUND, 1.0 - 1e-16)
            value = math.copysign(abs(value) / math.sqrt(1.0 - w * w), value)
        return value * self.scale_by + self.center


def _column_line(c: ColumnPlan) -> str:
    """``fill 3.5 · inf → clip [0, 120] · outliers mad clip [-40, 80] · (x − 3) / 2``."""
    parts = []
    if c.ratio:
        parts.append(f"= {c.ratio[0]} / {c.ratio[1]} (zero → {c.ratio_on_zero})")
    parts.append(
        f"missing → {c.impute}" + (f" {_num(c.fill)}" if c.fill is not None else "")
    )
    inf = c.pos_inf if c.pos_inf == c.neg_inf else f"{c.pos_inf}/{c.neg_inf}"
    same = (c.inf_low, c.inf_high) == (c.outlier_low, c.outlier_high)
    if c.inf_low is not None and c.inf_high is not None and not same:
        inf += f" [{_num(c.inf_low)}, {_num(c.inf_high)}]"
    parts.append(f"±inf → {inf}")
    if c.outlier_low is not None:
        parts.append(
            f"outliers {c.outlier_method} → {c.outlier_action} "
            f"[{_num(c.outlier_low)}, {_num(c.outlier_high)}]"
        )
    if c.unscaled:
        parts.append(f"unscaled ({c.unscaled})")
    elif c.scale != "none":
        parts.append(f"{c.scale}: (x − {_num(c.center)}) / {_num(c.scale_by)}")
    return " · ".join(parts)


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.4g}"


@dataclass
class EncodingPlan:
    """A non-numeric feature encoded as numbers (ordinal codes or one-hot)."""

    name: str
    method: str  # "ordinal" | "onehot"
    categories: list[str] = field(default_factory=list)

    @property
    def outputs(self) -> list[str]:
        if self.method == "ordinal":
            return [self.name]
        return [f"{self.name}={c}" for c in self.categories]


@dataclass(repr=False)
class Plan:
    """Everything ``transform`` needs; JSON round-trips exactly.

    ``repr(plan)`` shows one line per column (fill value, ±inf bounds, outlier
    bounds, scaling); ``plan.to_json()`` has every field.
    """

    input_columns: list[str]
    columns: list[ColumnPlan]
    output_columns: list[str]
    target: str | None = None
    loss: str = "mse"
    n_classes: int | None = None
    invalid_labels: str = "drop_row"
    label_map: dict[str, Any] = field(default_factory=dict)
    dtype: str = "float32"
    dtype_overflow: str = "clip"
    encodings: list[EncodingPlan] = field(default_factory=list)
    dropped: dict[str, str] = field(default_factory=dict)  # column -> reason
    coerced: list[str] = field(default_factory=list)
    #: coerced columns written with thousands separators or decimal commas
    number_formats: dict[str, str] = field(default_factory=dict)
    version: int = PLAN_VERSION

    def column(self, name: str) -> ColumnPlan:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def features(self) -> list[str]:
        """Output feature columns, in order (the target excluded)."""
        return [c for c in self.output_columns if c != self.target]

    def to_dict(self) -> dict[str, Any]:
        return json_safe(asdict(self))

    def __repr__(self) -> str:
        """A readable plan: a header, then one line per column with its numbers."""
        head = (
            f"Plan({len(self.input_columns)} input → {len(self.output_columns)} output "
            f"columns, dtype={self.dtype}"
            + (f", target={self.target!r}, loss={self.loss!r}" if self.target else "")
            + ")"
        )
        width = max((len(repr(c.name)) for c in self.columns), default=0)
        lines = [head]
        lines += [f"  {c.name!r:<{width}}  {_column_line(c)}" for c in self.columns]
        lines += [
            f"  {e.name!r:<{width}}  encoded {e.method}, {len(e.categories)} categories"
            for e in self.encodings
        ]
        lines += [
            f"  {name!r:<{width}}  dropped ({reason})"
            for name, reason in self.dropped.items()
        ]
        if self.label_map:
            lines.append(f"  labels mapped {self.label_map}")
        return "\n".join(lines)

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 2) -> str:
        text = json.dumps(self.to_dict(), indent=indent, allow_nan=False)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        if data.get("version") != PLAN_VERSION:
            raise ConfigError(
                f"This plan has version {data.get('version')!r}; this nanclean reads "
                f"version {PLAN_VERSION}. Fit the cleaner again with this version."
            )
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"Unknown plan keys {unknown}; is this a nanclean plan?")
        data = dict(data)
        data["columns"] = [ColumnPlan(**c) for c in data["columns"]]
        data["encodings"] = [EncodingPlan(**e) for e in data.get("encodings", [])]
        return cls(**data)

    @classmethod
    def from_json(cls, text_or_path: str | os.PathLike[str]) -> Plan:
        """Read a plan from its JSON text or from a ``.json`` file."""
        text = str(text_or_path)
        where = "The plan text"
        if not text.lstrip().startswith("{"):
            where = repr(text)
            try:
                text = Path(text_or_path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise UnreadableFileError(
                    f"Cannot read the plan file {where}: {exc.__class__.__name__}. "
                    "Fix: pass the path of a plan saved by Cleaner.save or "
                    "`nanclean clean --plan`."
                ) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{where} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                f"{exc.msg}). Fix: pass a plan saved by Cleaner.save or plan.to_json()."
            ) from None
        if not isinstance(data, dict) or "columns" not in data:
            raise ConfigError(
                f"{where} is JSON but not a nanclean plan (no 'columns')."
            )
        return cls.from_dict(data)
