"""D11: which columns are numeric, and numbers stored as strings.

A string column is numeric-looking when most of its present cells parse as
numbers; it is coerced to float64 with a ``coerced`` finding, and the cells
that fail to parse become missing with an ``unparseable`` finding that lists
them. Missing-value tokens (``""``, ``"N/A"``, ``"null"``, ...) become null;
``"NaN"`` and ``"inf"`` parse to the float values they name, so the scan
reports them as NaN and inf. Every other non-numeric column (text,
categorical, boolean, datetime) is reported and left out of the numeric scan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from nanclean.errors import (
    ColumnError,
    ConfigError,
    InputError,
    NoNumericColumnsError,
    format_rows,
)
from nanclean.findings import Finding, FindingKind, Severity
from nanclean.frame import ROW_ID, Frame, collect

__all__ = ["MISSING_TOKENS", "Columns", "classify", "parse_number", "target_expr"]

MISSING_TOKENS = ("", "na", "n/a", "null", "none", "nil", "-", "?", "#n/a", "missing")
NUMERIC_SHARE = 0.5  # a string column is numeric when more than half its cells parse


@dataclass
class Columns:
    """The roles of the input's columns and the frame with strings coerced.

    Attributes
    ----------
    lazy : polars.LazyFrame
        The input with numeric-looking string columns (and a mapped target)
        replaced by float64 columns; other columns untouched.
    features : list of str
        Numeric feature columns, in input order.
    target : str or None
    non_numeric : dict of str to str
        Feature columns left out of the numeric scan, with their dtype.
    coerced : dict of str to str
        String columns parsed to numbers, with their number format ("plain",
        "thousands" or "decimal_comma").
    findings : list of Finding
    """

    lazy: pl.LazyFrame
    features: list[str]
    target: str | None
    non_numeric: dict[str, str] = field(default_factory=dict)
    coerced: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def numeric(self) -> list[str]:
        return self.features + ([self.target] if self.target else [])


#: How people write numbers in CSVs, beside the plain "1234.5": with
#: thousands separators ("1,234.5", "1 234.5", "1'234.5") or with a decimal
#: comma ("1.234,5", "1234,5", "1 234,5"). A cell is rewritten only when it
#: matches its format's pattern whole, so "1,2,3" never becomes 123.
NUMBER_FORMATS: dict[str, tuple[str, str, str]] = {
    # format: (the cell's pattern, the group separators to remove, the decimal mark)
    "thousands": (
        r"^[+-]?\d{1,3}([,' \u00a0\u202f]\d{3})+(\.\d*)?$",
        r"[,' \u00a0\u202f]",
        ".",
    ),
    "decimal_comma": (
        r"^[+-]?(\d{1,3}([.' \u00a0\u202f]\d{3})+|\d+)(,\d*)?$",
        r"[.' \u00a0\u202f]",
        ",",
    ),
}


def parse_number(column: str, number_format: str = "plain") -> tuple[pl.Expr, pl.Expr]:
    """(the parsed float64 column, True where the cell is a missing token).

    ``number_format``: "plain", or a key of :data:`NUMBER_FORMATS`.
    """
    s = pl.col(column).cast(pl.String).str.strip_chars()
    token = s.str.to_lowercase().is_in(list(MISSING_TOKENS)).fill_null(False)
    if number_format in NUMBER_FORMATS:
        pattern, groups, mark = NUMBER_FORMATS[number_format]
        plain = s.str.replace_all(groups, "").str.replace(mark, ".", literal=True)
        s = pl.when(s.str.contains(pattern)).then(plain).otherwise(s)
    parsed = pl.when(token).then(None).otherwise(s.cast(pl.Float64, strict=False))
    return parsed, token


def _is_numeric(dtype: pl.DataType) -> bool:
    return dtype.is_numeric() or dtype == pl.Null


def classify(
    frame: Frame, *, target: str | None, label_map: dict[Any, Any] | None = None
) -> Columns:
    """Assign roles, coerce numeric-looking strings, map the target's labels."""
    schema = frame.lazy.collect_schema()
    if target is not None and target not in schema:
        from nanclean.errors import closest

        raise ColumnError(
            f"Target {target!r} is not a column of the input.{closest(target, frame.columns)} "
            f"Columns: {format_rows(frame.columns, first=10)}. Fix: pass target= "
            "one of these columns, or omit it to scan the features only."
        )
    strings = [
        c
        for c in frame.columns
        if schema[c] in (pl.String, pl.Categorical) and c != target
    ]
    lazy = frame.lazy
    findings: list[Finding] = []
    coerced: dict[str, str] = {}
    non_numeric: dict[str, str] = {}
    if strings:
        lazy, coerced, findings = _coerce_strings(frame, strings)
    for c in frame.columns:
        if c == target or c in coerced:
            continue
        if not _is_numeric(schema[c]):
            non_numeric[c] = str(schema[c])
            findings.append(
                Finding(
                    FindingKind.NON_NUMERIC,
                    c,
                    Severity.INFO,
                    frame.n_rows,
                    1.0,
                    f"Column {c!r} is not numeric ({schema[c]}); it is left out of the "
                    "numeric scan. Fix: clean drops it by default (non_numeric='drop'); "
                    "set non_numeric='ordinal' or 'onehot' to encode it.",
                    details={"dtype": str(schema[c])},
                )
            )
    if target is not None:
        lazy = lazy.with_columns(target_expr(target, schema[target], label_map or {}))
    features = [c for c in frame.columns if c != target and c not in non_numeric]
    if not features:
        others = [f"{c} ({t})" for c, t in non_numeric.items()]
        if target is not None:
            others.append(f"{target} (the target)")
        raise NoNumericColumnsError(
            f"The input ({frame.source}) has no numeric feature column; its columns: "
            f"{format_rows(others, first=10)}. "
            "nanclean scans and cleans numbers; encode categorical columns first or "
            "set non_numeric='ordinal'."
        )
    return Columns(lazy, features, target, non_numeric, coerced, findings)


def target_expr(target: str, dtype: pl.DataType, label_map: dict[Any, Any]) -> pl.Expr:
    y = pl.col(target)
    if label_map:
        if _is_numeric(dtype) or dtype == pl.Boolean:
            old = [_label_number(target, dtype, k) for k in label_map]
            y = y.cast(pl.Float64).replace(old, [float(v) for v in label_map.values()])
        else:
            y = y.cast(pl.String).replace(
                [str(k) for k in label_map], [str(v) for v in label_map.values()]
            )
    if _is_numeric(dtype) or dtype == pl.Boolean:
        return y.cast(pl.Float64).alias(target)
    if dtype in (pl.String, pl.Categorical):
        return (
            parse_number(target)[0].alias(target)
            if not label_map
            else (y.str.strip_chars().cast(pl.Float64, strict=False).alias(target))
        )
    raise InputError(
        f"Target {target!r} has dtype {dtype}, which cannot be a training label. "
        "Fix: convert it to numbers, or map its values with label_map."
    )


def mapped_mask(target: str, dtype: pl.DataType, label_map: dict[Any, Any]) -> pl.Expr:
    """True on the target cells that ``label_map`` changes (matched as in
    :func:`target_expr`; a key mapped to itself changes nothing)."""
    changed = {k: v for k, v in label_map.items() if str(k) != str(v)}
    if not changed:
        return pl.lit(False)
    if _is_numeric(dtype) or dtype == pl.Boolean:
        keys = [float(k) for k in changed if float(k) != float(changed[k])]
        return pl.col(target).cast(pl.Float64).is_in(keys).fill_null(False)
    return (
        pl.col(target).cast(pl.String).is_in([str(k) for k in changed]).fill_null(False)
    )


def _label_number(target: str, dtype: pl.DataType, key: Any) -> float:
    """A label_map key as the number it maps on a numeric target."""
    try:
        value = float(key)
    except (TypeError, ValueError, OverflowError):
        value = math.nan
    if not math.isfinite(value):
        raise ConfigError(
            f"Config key 'label_map' maps the label {key!r}, but target {target!r} "
            f"holds numbers ({dtype}): no label can be {key!r}. Fix: key label_map "
            "by the target's numeric values, e.g. {1: 0, 2: 1}."
        )
    return value


def _coerce_strings(
    frame: Frame, strings: list[str]
) -> tuple[pl.LazyFrame, dict[str, str], list[Finding]]:
    formats = _number_formats(frame, strings)
    probe = []
    for i, c in enumerate(strings):
        parsed, token = parse_number(c, formats[c])
        present = pl.col(c).is_not_null() & ~token
        failed = present & parsed.is_null()
        probe += [
            present.sum().alias(f"{i}:present"),
            (token & pl.col(c).is_not_null()).sum().alias(f"{i}:tokens"),
            parsed.is_not_null().sum().alias(f"{i}:parsed"),
            pl.col(ROW_ID).filter(failed).implode().alias(f"{i}:rows"),
            pl.col(c)
            .cast(pl.String)
            .filter(failed)
            .head(5)
            .implode()
            .alias(f"{i}:examples"),
        ]
    row = collect(frame.lazy.select(probe), frame.source).row(0, named=True)
    coerced: dict[str, str] = {}
    findings: list[Finding] = []
    for i, c in enumerate(strings):
        present, parsed, tokens = (
            row[f"{i}:present"],
            row[f"{i}:parsed"],
            row[f"{i}:tokens"],
        )
        if parsed == 0 or parsed / max(present, 1) <= NUMERIC_SHARE:
            continue
        coerced[c] = formats[c]
        rows = np.asarray(row[f"{i}:rows"], dtype=np.int64)
        written = _FORMAT_WORDS.get(formats[c], "")
        findings.append(
            Finding(
                FindingKind.COERCED,
                c,
                Severity.INFO,
                parsed,
                parsed / frame.n_rows,
                f"Column {c!r} holds numbers as strings{written}: {parsed} cells "
                "parsed as float"
                + (
                    f", {tokens} missing-value tokens ('', 'N/A', …) became null"
                    if tokens
                    else ""
                )
                + ". Fix: store it as a numeric column upstream.",
                details={"missing_tokens": tokens, "number_format": formats[c]},
            )
        )
        if len(rows):
            examples = row[f"{i}:examples"]
            labels = frame.labels(rows[:5])
            findings.append(
                Finding(
                    FindingKind.UNPARSEABLE,
                    c,
                    Severity.WARNING,
                    len(rows),
                    len(rows) / frame.n_rows,
                    f"Column {c!r} is numeric but {len(rows)} cells do not parse as "
                    f"numbers (rows {format_rows(labels, len(rows))}; e.g. "
                    f"{', '.join(repr(e) for e in examples[:3])}); they are treated as "
                    "missing. Fix: correct them upstream, or accept that clean imputes "
                    "them.",
                    row_ids=rows,
                    examples=list(zip(labels, examples, strict=False)),
                    labels=frame.labels,
                )
            )
    lazy = frame.lazy.with_columns(
        parse_number(c, fmt)[0].alias(c) for c, fmt in coerced.items()
    )
    return lazy, coerced, findings


_FORMAT_WORDS = {
    "thousands": " with thousands separators (e.g. '1,234.5')",
    "decimal_comma": " with decimal commas (e.g. '1.234,5' or '12,5')",
}


def _number_formats(frame: Frame, strings: list[str]) -> dict[str, str]:
    """Each string column's number format: the one that parses the most cells
    (ties: plain, then thousands before decimal commas: '1,234' is 1234)."""
    names = ["plain", *NUMBER_FORMATS]
    counts = collect(
        frame.lazy.select(
            parse_number(c, fmt)[0].is_not_null().sum().alias(f"{i}:{fmt}")
            for i, c in enumerate(strings)
            for fmt in names
        ),
        frame.source,
    ).row(0, named=True)
    out = {}
    for i, c in enumerate(strings):
        parsed = [(counts[f"{i}:{fmt}"], -rank, fmt) for rank, fmt in enumerate(names)]
        out[c] = max(parsed)[2]
    return out
