"""Facts about a report: the verdict per training dtype, the input's fingerprint.

Both are written into the JSON report (``verdict``, ``fingerprint``) and shown
by every renderer (HTML, terminal, notebook); none of them computes its own.

- ``verdict``: is the data safe to train in float32? in float16? For the raw
  input (from the findings) and, after a clean, for the output (from its
  statistics, which are finite by contract).
- ``fingerprint``: a SHA-256 of the input's shape, dtypes and exact column
  statistics (counts, min, max, mean, std). Two inputs with the same
  fingerprint are, for every purpose of this report, the same data.
- ``versions`` and ``run_info``: which library versions, when and how long.

Reads the report only; imports no renderer and (at run time) not the report
model, which imports this module: no import cycle.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from nanclean.dtypes import DTYPES
from nanclean.findings import FindingKind, Severity
from nanclean.report.strict_json import json_safe
from nanclean.report.text import plural

if TYPE_CHECKING:
    from nanclean.report.model import AuditReport

__all__ = ["DRIFT", "EXACT_FIELDS", "fingerprint", "run_info", "verdict", "versions"]

# Findings about one dtype's range or resolution; they say nothing about the others.
_FP16 = {FindingKind.FP16_OVERFLOW, FindingKind.FP16_UNDERFLOW}
_DTYPE_SPECIFIC = _FP16 | {
    FindingKind.BF16_OVERFLOW,
    FindingKind.FP32_OVERFLOW,
    FindingKind.FP32_PRECISION,
}
#: Findings of new data against the fitted contract (after ``Cleaner.transform``).
DRIFT = {
    FindingKind.DRIFT_RANGE,
    FindingKind.DRIFT_MISSING,
    FindingKind.DRIFT_NOT_CONSTANT,
}
_STATUS_RANK = {"safe": 0, "caution": 1, "unsafe": 2}
#: The exact statistics (counted or summed over every row) that the fingerprint hashes.
EXACT_FIELDS = (
    "count",
    "null",
    "nan",
    "pos_inf",
    "neg_inf",
    "zeros",
    "min",
    "max",
    "mean",
    "std",
)


# --- verdict ---------------------------------------------------------------------


def verdict(report: AuditReport) -> dict[str, Any]:
    """Safe to train in float32? in float16? For the input and, after a clean, the output.

    Each dtype gets a ``status``: ``unsafe`` (the loss will turn NaN or inf),
    ``caution`` (likely to destabilize training or to lose precision) or
    ``safe``, with the reasons. The input's status comes from the findings;
    the output's from its statistics (every output value is finite, checked by
    the output contract, so only the range can differ between dtypes).
    """
    inp = {"float32": _input_status(report, "float32")}
    inp["float16"] = _input_status(report, "float16", base=inp["float32"])
    out = None
    if report.after:
        out = {d: _output_status(report, d) for d in ("float32", "float16")}
    return {
        "input": inp,
        "output": out,
        "status": _worst(*(out or inp).values()),
        "headline": _headline(inp, out),
    }


def _input_status(
    report: AuditReport, dtype: str, base: dict[str, Any] | None = None
) -> dict[str, Any]:
    unsafe: list[str] = []
    caution: list[str] = []
    if base is not None:  # float16 inherits every float32 problem
        if base["status"] != "safe":
            same = "everything that breaks float32"
            (unsafe if base["status"] == "unsafe" else caution).append(
                same if base["status"] == "unsafe" else "the float32 warnings"
            )
    else:
        errors = [f for f in report.findings if f.severity is Severity.ERROR]
        if errors:
            kinds = _unique(f.kind.value for f in errors)
            unsafe.append(
                f"{plural(len(errors), 'error')} turn the loss into NaN or inf "
                f"({_cut(kinds)})"
            )
        warn = [
            f
            for f in report.findings
            if f.severity is Severity.WARNING and f.kind not in _DTYPE_SPECIFIC
        ]
        if warn:
            kinds = _unique(f.kind.value for f in warn)
            caution.append(
                f"{plural(len(warn), 'warning')} may destabilize training "
                f"({_cut(kinds)})"
            )
    specific = {
        "float32": {
            FindingKind.FP32_OVERFLOW: (unsafe, "overflow float32"),
            FindingKind.FP32_PRECISION: (caution, "lose integer precision in float32"),
        },
        "float16": {
            FindingKind.FP16_OVERFLOW: (unsafe, "overflow float16 (beyond ±65504)"),
            FindingKind.FP16_UNDERFLOW: (
                caution,
                "underflow float16 (below 6.1e-5, flushed toward 0)",
            ),
        },
    }[dtype]
    for kind, (bucket, what) in specific.items():
        columns = _unique(f.column for f in report.findings if f.kind is kind)
        if columns:
            bucket.append(f"{_columns_text(columns)} {what}")
    status = "unsafe" if unsafe else "caution" if caution else "safe"
    return {"dtype": dtype, "status": status, "reasons": unsafe or caution}


def _output_status(report: AuditReport, dtype: str) -> dict[str, Any]:
    limit = DTYPES[dtype].max
    nonfinite = [
        s.name
        for s in report.after.values()
        if s.null or s.nan or s.pos_inf or s.neg_inf
    ]
    over = [
        s.name
        for s in report.after.values()
        if max(abs(s.min or 0.0), abs(s.max or 0.0)) > limit
    ]
    reasons = []
    if nonfinite:
        reasons.append(f"{_columns_text(nonfinite)} still hold missing or inf values")
    if over:
        reasons.append(f"{_columns_text(over)} exceed {dtype}'s range (±{limit:.5g})")
    drift = [f for f in report.findings if f.kind in DRIFT]
    status = "unsafe" if reasons else "safe"
    if drift and not reasons:
        status = "caution"
        reasons.append(
            f"{plural(len(drift), 'drift finding')}: new data outside what training "
            "saw, repaired by the plan"
        )
    return {"dtype": dtype, "status": status, "reasons": reasons}


def _headline(inp: dict[str, Any], out: dict[str, Any] | None) -> str:
    """One sentence that says what the badges say, caution included."""

    def phrase(statuses: dict[str, Any]) -> str:
        by = {
            level: " and ".join(d for d, s in statuses.items() if s["status"] == level)
            for level in _STATUS_RANK
        }
        if not by["safe"] and not by["caution"]:
            return "not safe to train"
        parts = [f"safe to train in {by['safe']}"] if by["safe"] else []
        if by["caution"]:
            lead = "with caution in" if parts else "trainable with caution in"
            parts.append(f"{lead} {by['caution']}")
        if by["unsafe"]:
            parts.append(f"not in {by['unsafe']}")
        return ", ".join(parts)

    if out is None:
        return phrase(inp).capitalize() + "."
    text = f"After cleaning: {phrase(out)}."
    before = phrase(inp)
    return text + (
        f" The raw input was {before}."
        if not before.startswith("not")
        else " The raw input was not."
    )


def _worst(*statuses: dict[str, Any]) -> str:
    return max((s["status"] for s in statuses), key=_STATUS_RANK.__getitem__)


# --- fingerprint and versions ------------------------------------------------------


def fingerprint(report: AuditReport) -> str:
    """A SHA-256 of the input's shape, dtypes and exact column statistics.

    Built from the report's own content (no second pass over the data): the
    number of rows, every column's name and dtype, and each numeric column's
    exact counts, min, max, mean and std (rounded to 12 significant digits, so
    a different summation order cannot change it). Sampled statistics
    (median, quantiles, histograms) and the config are left out.
    """
    stats = {
        name: [_round(getattr(s, k)) for k in EXACT_FIELDS]
        for name, s in report.columns.items()
    }
    payload = {
        "n_rows": report.input.get("n_rows"),
        "columns": report.input.get("columns", {}),
        "stats": stats,
    }
    text = json.dumps(json_safe(payload), sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _round(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value):
        return float(f"{value:.12g}")
    return value


def versions(report: AuditReport) -> dict[str, str]:
    """nanclean, polars and pandera versions (those recorded by the scan first)."""
    out = {}
    for name in ("nanclean", "polars", "pandera"):
        recorded = report.meta.get(name)
        if recorded is None:
            try:
                recorded = version(name)
            except PackageNotFoundError:
                recorded = "unknown"
        out[name] = str(recorded)
    return out


def run_info(report: AuditReport) -> dict[str, Any]:
    """When the report is rendered (UTC) and how long the scan or clean took."""
    elapsed = report.elapsed
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "elapsed_seconds": None if elapsed is None else round(float(elapsed), 3),
    }


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(values))


def _cut(items: list[str], first: int = 4) -> str:
    text = ", ".join(items[:first])
    return text + (f" … and {len(items) - first} more" if len(items) > first else "")


def _columns_text(columns: list[str]) -> str:
    shown = _cut([repr(c) for c in columns], first=3)
    return ("column " if len(columns) == 1 else "columns ") + shown
