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
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from nanclean.config import CHOICES, is_finite_number
from nanclean.dtypes import float_info
from nanclean.errors import ConfigError, UnreadableFileError, closest
from nanclean.report.model import json_safe

__all__ = ["PLAN_VERSION", "ColumnPlan", "EncodingPlan", "Plan", "check_plan"]

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

    def indicators(self) -> dict[str, str]:
        """The 0/1 indicator columns this column adds, by what they mark:
        ``{"missing": "x__missing", "clipped": "x__clipped"}`` (those switched on).

        The one place an indicator's name is made.
        """
        on = {"missing": self.missing_indicator, "clipped": self.clip_indicator}
        return {what: f"{self.name}__{what}" for what, yes in on.items() if yes}

    @property
    def outputs(self) -> list[str]:
        """The output columns of this column, in order: itself, then its indicators."""
        return [self.name, *self.indicators().values()]

    def scale_number(self, value: float) -> float:
        """``value`` as the transform scales it (:meth:`scaled` of one number)."""
        return self.scaled(float(value))

    def scaled(self, x: Any) -> Any:
        """``x`` (a float, or a polars expression) scaled by this column's plan.

        (x/2 - c/2) · (2/s): halves so that x - c cannot overflow near ±1.8e308,
        and a multiplication (polars may turn a division by a literal into one,
        in some kernels and not others: the result must not depend on the
        batch). Under ``squash``, then z / sqrt(1 + (z / B)²): smooth,
        order-preserving, bounded by B (skrub's SquashingScaler).
        """
        z = (x * 0.5 - self.center * 0.5) * (2.0 / self.scale_by)
        if self.scale != "squash":
            return z
        if isinstance(z, float):
            z = min(max(z, -SQUASH_CLAMP), SQUASH_CLAMP)
            return z / math.sqrt(1.0 + (z * (1.0 / SQUASH_BOUND)) ** 2)
        z = z.clip(-SQUASH_CLAMP, SQUASH_CLAMP)
        return z / (1.0 + (z * (1.0 / SQUASH_BOUND)) ** 2).sqrt()

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

    def validate(self) -> Plan:
        """Check every field (types, finite numbers, bounds, names); return self.

        Raises
        ------
        ConfigError
            Naming the offending key (``columns[2].center``) and the fix.
        """
        check_plan(asdict(self))
        return self

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        """Build a plan from plain data, refusing anything ``transform`` cannot
        apply exactly: unknown keys, wrong types, non-finite numbers, swapped
        bounds, a zero divisor, unknown policies, a newer plan version."""
        check_plan(data)
        data = dict(data)
        data["columns"] = [ColumnPlan(**c) for c in data["columns"]]
        data["encodings"] = [EncodingPlan(**e) for e in data.get("encodings", [])]
        return cls(**data)

    @classmethod
    def from_json(cls, text_or_path: str | os.PathLike[str]) -> Plan:
        """Read a plan from its JSON text or from a ``.json`` file.

        The JSON must be strict: the ``NaN`` and ``Infinity`` tokens that
        Python's json module accepts by default are refused.
        """
        if not isinstance(text_or_path, str | os.PathLike):
            raise ConfigError(
                "A plan must be a Plan, its JSON text, or the path of a plan file; "
                f"got {type(text_or_path).__name__} ({text_or_path!r:.80})."
            )
        text = str(text_or_path)
        where = "The plan text"
        if not text.lstrip().startswith("{"):
            where = f"The plan file {text!r}"
            try:
                text = Path(text_or_path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise UnreadableFileError(
                    f"Cannot read the plan file {str(text_or_path)!r}: "
                    f"{exc.__class__.__name__}. Fix: pass the path of a plan saved by "
                    "Cleaner.save or `nanclean clean --plan`."
                ) from exc
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{where} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                f"{exc.msg}). Fix: pass a plan saved by Cleaner.save or plan.to_json()."
            ) from exc
        except _NonFiniteToken as exc:
            raise ConfigError(
                f"{where} holds the token {exc.args[0]}, which is not a number in "
                "strict JSON; a plan's numbers are all finite. Fix: refit the cleaner "
                "and save it with Cleaner.save."
            ) from None
        except RecursionError:
            raise ConfigError(
                f"{where} is nested too deeply to be a nanclean plan."
            ) from None
        if not isinstance(data, dict) or "columns" not in data:
            raise ConfigError(
                f"{where} is JSON but not a nanclean plan (no 'columns')."
            )
        return cls.from_dict(data)


# --- validation ------------------------------------------------------------------

#: Plan fields whose value is one of the config's choices (the config key).
_CHOICE_OF = {
    "impute": "impute",
    "pos_inf": "inf",
    "neg_inf": "inf",
    "outlier_method": "outliers",
    "outlier_action": "outlier_action",
    "scale": "scale",
    "ratio_on_zero": "ratio_on_zero",
    "loss": "loss",
    "invalid_labels": "invalid_labels",
    "dtype": "dtype",
    "dtype_overflow": "dtype_overflow",
}
_ENCODING_METHODS = ("ordinal", "onehot")


class _NonFiniteToken(ValueError):
    pass


def _refuse_constant(token: str) -> Any:
    raise _NonFiniteToken(token)


def _fail(where: str, what: str, value: Any) -> ConfigError:
    return ConfigError(
        f"Plan key {where!r} must be {what}; got {value!r:.80} "
        f"({type(value).__name__}). Fix: refit the cleaner, or correct the plan file."
    )


def _check_fields(cls: type, data: Any, where: str) -> None:
    """``data`` is a dict with exactly the fields of ``cls``, each of its type."""
    label = where or "the plan"
    if not isinstance(data, dict):
        raise _fail(where or "plan", "a mapping of plan keys", data)
    specs = {f.name: f for f in fields(cls)}
    for key in data:
        if key not in specs:
            names = list(specs)
            raise ConfigError(
                f"Unknown plan key {key!r} in {label}.{closest(str(key), names)} "
                f"Valid keys: {', '.join(names)}."
            )
    for name, spec in specs.items():
        key = f"{where}.{name}" if where else name
        if name not in data:
            if spec.default is MISSING and spec.default_factory is MISSING:
                raise ConfigError(
                    f"Plan key {key!r} is missing. Fix: refit the cleaner, or add it."
                )
            continue
        _check_type(key, str(spec.type), data[name])
        if name in _CHOICE_OF:
            choices = CHOICES[_CHOICE_OF[name]]
            if data[name] not in choices:
                raise ConfigError(
                    f"Plan key {key!r} must be one of "
                    f"{', '.join(repr(c) for c in choices)}; got {data[name]!r:.80}."
                    f"{closest(str(data[name]), choices)}"
                )


def _check_type(key: str, annotation: str, value: Any) -> None:
    """Check ``value`` against the field's annotation (a string, as written)."""
    if value is None and annotation.endswith("| None"):
        return
    base = annotation.removesuffix(" | None")
    if base == "str":
        ok = isinstance(value, str)
    elif base == "bool":
        ok = isinstance(value, bool)
    elif base == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif base == "float":
        ok = is_finite_number(value)
        base = "a finite number"
    elif base == "list[str]":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        base = "a list of strings"
    elif base == "dict[str, str]":
        ok = isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        )
        base = "a mapping of strings to strings"
    elif base == "dict[str, Any]":  # label_map: label -> a finite number
        ok = isinstance(value, dict) and all(
            isinstance(k, str) and is_finite_number(v) for k, v in value.items()
        )
        base = "a mapping of labels to finite numbers"
    elif base.startswith("list[") and base.endswith("Plan]"):
        ok = isinstance(value, list)  # checked item by item
        base = "a list"
    else:  # a field this check does not know in detail: every number finite
        ok = _all_numbers_finite(value)
        base = "plain data with finite numbers"
    if not ok:
        raise _fail(
            key, base + (" or null" if annotation.endswith("| None") else ""), value
        )


def _all_numbers_finite(value: Any, depth: int = 0) -> bool:
    if depth > 20:
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return all(_all_numbers_finite(v, depth + 1) for v in value)
    return True


def check_plan(data: Any) -> None:
    """Raise ConfigError unless ``data`` is a plan ``transform`` can apply exactly."""
    if isinstance(data, dict) and "version" in data:
        version = data["version"]
        if isinstance(version, int) and not isinstance(version, bool):
            if version > PLAN_VERSION:
                raise ConfigError(
                    f"This plan has version {version}, written by a newer nanclean; "
                    f"this nanclean reads plan version {PLAN_VERSION}. Fix: upgrade "
                    "nanclean (pip install -U nanclean), or refit the cleaner with this "
                    "version."
                )
            if version < PLAN_VERSION:
                raise ConfigError(
                    f"This plan has version {version}; this nanclean reads version "
                    f"{PLAN_VERSION}. Fix: refit the cleaner with this version."
                )
    _check_fields(Plan, data, "")
    if "version" not in data:
        raise ConfigError("Plan key 'version' is missing; is this a nanclean plan?")
    for i, column in enumerate(data["columns"]):
        where = f"columns[{i}]"
        _check_fields(ColumnPlan, column, where)
        full = asdict(ColumnPlan(**column))  # the defaults filled in
        _check_column(full, f"{where} (column {column['name']!r})", data)
    for i, enc in enumerate(data.get("encodings", [])):
        _check_fields(EncodingPlan, enc, f"encodings[{i}]")
        if enc["method"] not in _ENCODING_METHODS:
            raise ConfigError(
                f"Plan key 'encodings[{i}].method' must be 'ordinal' or 'onehot'; got "
                f"{enc['method']!r:.80}.{closest(str(enc['method']), _ENCODING_METHODS)}"
            )
    _check_names(data)
    if data.get("n_classes") is not None and data["n_classes"] < 2:
        raise _fail("n_classes", "an integer >= 2 or null", data["n_classes"])


def _check_column(c: dict[str, Any], where: str, plan: dict[str, Any]) -> None:
    if not c["scale_by"] > 0:
        raise ConfigError(
            f"Plan key 'scale_by' of {where} must be > 0 (it is the divisor); got "
            f"{c['scale_by']!r}. Fix: refit the cleaner, or correct the plan file."
        )
    for lo_key, hi_key in (("outlier_low", "outlier_high"), ("inf_low", "inf_high")):
        a, b = c.get(lo_key), c.get(hi_key)
        if (a is None) != (b is None) and lo_key == "outlier_low":
            raise ConfigError(
                f"Plan keys {lo_key!r} and {hi_key!r} of {where} must both be numbers or "
                f"both null; got {a!r} and {b!r}."
            )
        if a is not None and b is not None and a > b:
            raise ConfigError(
                f"Plan key {lo_key!r} of {where} is above {hi_key!r} ({a!r} > {b!r}): "
                "every value would become one constant. Fix: refit the cleaner, or "
                "swap them in the plan file."
            )
    if c.get("train_missing", 0) < 0:
        raise _fail(f"{where}.train_missing", "a count >= 0", c["train_missing"])
    tol = c.get("ratio_tolerance")
    if tol is not None and tol < 0:
        raise _fail(f"{where}.ratio_tolerance", "a number >= 0", tol)
    ratio = c.get("ratio")
    if ratio is not None and len(ratio) != 2:
        raise _fail(f"{where}.ratio", "[numerator, denominator]", ratio)
    fill = c.get("fill")
    if fill is None:
        if c.get("impute") == "constant":
            raise _fail(f"{where}.fill", "the constant fill (a finite number)", fill)
        return
    low, high = c.get("outlier_low"), c.get("outlier_high")
    learned = c.get("impute") in ("median", "mean", "most_frequent")
    if (
        learned
        and low is not None
        and high is not None
        and c["outlier_action"] != "flag"
    ):
        # a learned fill comes from the repaired values: inside the bounds
        slack = 1e-9 * max(abs(low), abs(high), 1.0)
        if not low - slack <= fill <= high + slack:
            raise ConfigError(
                f"Plan key 'fill' of {where} is {fill!r}, outside its outlier bounds "
                f"[{low!r}, {high!r}], which a {c['impute']} of the repaired values "
                "cannot be. Fix: refit the cleaner, or correct the plan file."
            )
    if c.get("impute") == "constant":
        dmax = float_info(plan.get("dtype", "float32")).max
        scaled = ColumnPlan(**c).scale_number(fill)
        if not abs(scaled) <= dmax:
            raise ConfigError(
                f"Column {c['name']!r} ({where}): the constant fill (config key "
                f"'fill_value') is {fill!r}, "
                f"which after scaling is beyond {plan.get('dtype', 'float32')}'s range "
                f"(±{dmax:g}): training would see it clipped. Fix: choose a fill_value "
                "closer to the column's values, or a wider dtype."
            )


def _check_names(data: dict[str, Any]) -> None:
    """Column names are unique, and every output column is produced by the plan."""
    names = [c["name"] for c in data["columns"]]
    names += [e["name"] for e in data.get("encodings", [])]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(
            f"The plan repairs column(s) {dupes} more than once. Fix: refit the "
            "cleaner, or keep one entry per column."
        )
    produced: set[str] = set()
    for c in data["columns"]:
        produced.update(ColumnPlan(**c).outputs)
    for e in data.get("encodings", []):
        produced.update(EncodingPlan(**e).outputs)
    if data.get("target") is not None:
        produced.add(data["target"])
    outputs = data["output_columns"]
    for name in outputs:
        if name not in produced:
            raise ConfigError(
                f"Plan key 'output_columns' names {name!r}, which no column plan, "
                f"encoding or target produces.{closest(name, sorted(produced))} Fix: "
                "refit the cleaner, or correct the plan file."
            )
    if len(set(outputs)) != len(outputs):
        raise ConfigError(
            "Plan key 'output_columns' names "
            f"{sorted({n for n in outputs if outputs.count(n) > 1})} more than once."
        )
    inputs = set(data["input_columns"])
    for c in data["columns"]:
        needed = c["ratio"] if c.get("ratio") else [c["name"]]
        for n in needed:
            if n not in inputs:
                raise ConfigError(
                    f"Plan key 'input_columns' lacks {n!r}, which column plan "
                    f"{c['name']!r} reads. Fix: refit the cleaner, or add it."
                )
