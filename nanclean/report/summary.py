"""Stage 1 of the report: an AuditReport → a plain, JSON-able summary dict.

The HTML renderer (:mod:`nanclean.report.html`) reads only this dict, never the
report, and computes no statistic of its own (the two-stage design of skrub's
TableReport). Everything here is deterministic: the same report gives the same
summary, except for the run time, which is included only when asked for.

What the summary holds
----------------------
- ``verdict``: is the data safe to train in float32? in float16? For the raw
  input (from the findings) and, after a clean, for the output (from its
  statistics, which are finite by contract).
- ``fingerprint``: a SHA-256 of the input's shape, dtypes and exact column
  statistics (counts, min, max, mean, std). Two inputs with the same
  fingerprint are, for every purpose of this report, the same data.
- ``findings``: every finding with its first rows (label and value) and, per
  finding, at most ``max_rows`` row labels and the number left out.
- ``columns``: one card per column: statistics before and after, histograms
  before and after on the same axis (the output is mapped back to input units
  with the Plan's center and scale), the clip bounds, the actions and the plan.
- ``actions``, ``config``, ``plan``: what clean did and with which settings.
"""

from __future__ import annotations

import ast
import hashlib
import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import PurePath
from typing import Any

from nanclean.dtypes import DTYPES
from nanclean.findings import Action, Finding, FindingKind, Severity
from nanclean.plan import SQUASH_BOUND, ColumnPlan
from nanclean.report.model import SCHEMA_VERSION, AuditReport, ColumnStats, json_safe
from nanclean.report.text import describe_action, format_number, format_value, plural

__all__ = [
    "HTML_MAX_ROWS",
    "fingerprint",
    "group_info",
    "run_info",
    "summarize",
    "verdict",
    "versions",
]

#: Row labels shown per finding / action in HTML (the JSON report has them all).
HTML_MAX_ROWS = 200
#: Example (label, value) pairs shown per finding.
EXAMPLES = 5

# Findings about one dtype's range or resolution; they say nothing about the others.
_FP16 = {FindingKind.FP16_OVERFLOW, FindingKind.FP16_UNDERFLOW}
_DTYPE_SPECIFIC = _FP16 | {
    FindingKind.BF16_OVERFLOW,
    FindingKind.FP32_OVERFLOW,
    FindingKind.FP32_PRECISION,
}
_DRIFT = {
    FindingKind.DRIFT_RANGE,
    FindingKind.DRIFT_MISSING,
    FindingKind.DRIFT_NOT_CONSTANT,
}
# What the drift section lists: new data against the fitted contract.
_DRIFT_KINDS = _DRIFT | {FindingKind.EXTRA_COLUMN}
_STATUS_RANK = {"safe": 0, "caution": 1, "unsafe": 2}
# The exact statistics (counted or summed over every row; the fingerprint's too)
# and the sampled ones (median, quantiles, MAD).
_EXACT_FIELDS = (
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
_STAT_FIELDS = (*_EXACT_FIELDS, "q01", "q25", "median", "q75", "q99", "mad")
# Statistics that move with the data (x · scale + center) and with its spread (x · scale).
_LOCATION = ("min", "q01", "q25", "median", "q75", "q99", "max", "mean")
_SPREAD = ("std", "mad")


def summarize(
    report: AuditReport, *, max_rows: int = HTML_MAX_ROWS, timestamp: bool = False
) -> dict[str, Any]:
    """The plain summary of ``report`` that the HTML template renders.

    Parameters
    ----------
    report : AuditReport
        A scan's or a clean's report.
    max_rows : int, default=200
        Row labels kept per finding and per action (the rest are counted).
    timestamp : bool, default=False
        Include the time of rendering and the run time. Off by default so that
        the same input and config give byte-identical output.
    """
    plan = report.output.get("plan") if report.output else None
    plan_columns = {c["name"]: c for c in (plan or {}).get("columns", [])}
    cleaned = bool(report.after)
    findings = [_finding(f, max_rows) for f in report.findings]
    cards = _columns(report, plan_columns, plan)
    anchors = {c["name"]: c["anchor"] for c in cards}
    for f in findings:
        f["anchor"] = anchors.get(f["column"])
    as_dict = {id(f): d for f, d in zip(report.findings, findings, strict=True)}
    drift = [f for f in report.findings if f.kind in _DRIFT_KINDS]
    table = _table_entries(
        [f for f in report.findings if f.kind not in _DRIFT_KINDS], as_dict
    )
    actions = [_action(a, max_rows) for a in _ordered_actions(report)]
    for a in actions:
        a["anchor"] = anchors.get(a["column"])
    inp = report.input
    out = report.output
    summary: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "mode": "clean" if cleaned else "scan",
        "title": _title(str(inp.get("source", ""))),
        "input": {
            "kind": inp.get("kind"),
            "source": inp.get("source"),
            "path": _path(str(inp.get("source", ""))),
            "n_rows": inp.get("n_rows"),
            "n_columns": inp.get("n_columns"),
        },
        "output": (
            {
                "n_rows": out.get("n_rows"),
                "n_columns": out.get("n_columns"),
                "dtype": out.get("dtype"),
                "rows_dropped": out.get("rows_dropped"),
            }
            if cleaned
            else None
        ),
        "target": report.target,
        "loss": report.loss,
        "verdict": verdict(report),
        "severity_counts": report.summary(),
        "fingerprint": fingerprint(report),
        "versions": versions(report),
        "run": run_info(report) if timestamp else None,
        "findings": findings,
        "table": table,
        "table_findings": len(report.findings) - len(drift),
        "drift": _drift(report, [as_dict[id(f)] for f in drift]),
        "kinds": sorted({f["kind"] for f in findings}),
        "columns": cards,
        "added_columns": _added_columns(report),
        "actions": actions,
        "config": report.config,
        "config_changed": _config_changed(report.config),
        "plan": plan,
        "max_rows": max_rows,
        "incidents": [_incident(i, max_rows) for i in report.incidents],
    }
    return json_safe(summary)  # type: ignore[no-any-return]


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
    drift = [f for f in report.findings if f.kind in _DRIFT]
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
        name: [_round(getattr(s, k)) for k in _EXACT_FIELDS]
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
    elapsed = getattr(report, "elapsed", None)
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "elapsed_seconds": None if elapsed is None else round(float(elapsed), 3),
    }


# --- findings and actions ----------------------------------------------------------


def _table_entries(
    findings: list[Finding], as_dict: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The rows of the findings table: one finding, or a group of info findings
    of one kind (``group``: its id, the columns, the total count, the members)."""
    entries: list[dict[str, Any]] = []
    for i, group in enumerate(group_info(findings)):
        members = [as_dict[id(f)] for f in group]
        if len(group) == 1:
            entries.append({"group": None, "finding": members[0]})
            continue
        entries.append(
            {
                "group": f"g{i}",
                "kind": group[0].kind.value,
                "severity": group[0].severity.value,
                "columns": [f.column for f in group],
                "count": sum(int(f.count) for f in group),
                "members": members,
            }
        )
    return entries


def _drift(
    report: AuditReport, findings: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The drift section of a report on new data: its own verdict and findings.

    None for a scan or a clean that fitted its plan (nothing to drift from).
    """
    if not findings and not report.output.get("drift_checked"):
        return None
    columns = _unique(f["column"] for f in findings)
    if not findings:
        headline = "No drift: the new data stays within what training saw."
    else:
        headline = (
            f"Drift in {plural(len(columns), 'column')}: the new data goes beyond "
            "what training saw; the plan repaired it as it would training data."
        )
    return {
        "status": "caution" if findings else "safe",
        "headline": headline,
        "columns": columns,
        "findings": findings,
        "entries": [{"group": None, "finding": f} for f in findings],
    }


def group_info(findings: Sequence[Finding]) -> list[list[Finding]]:
    """The findings in order, info-level ones of one kind gathered into one entry.

    Info findings are harmless as they are (an ``fp16_underflow`` when training
    in float32, say), and often the same kind in many columns; shown one line a
    kind, they no longer crowd out the errors and warnings. Each entry is a
    list: one finding, or every info finding of one kind (at the position of
    the first) when there are several.
    """
    entries: list[list[Finding]] = []
    groups: dict[FindingKind, list[Finding]] = {}
    for f in findings:
        if f.severity is not Severity.INFO:
            entries.append([f])
        elif f.kind in groups:
            groups[f.kind].append(f)
        else:
            groups[f.kind] = [f]
            entries.append(groups[f.kind])
    return entries


def _finding(f: Finding, max_rows: int) -> dict[str, Any]:
    shown = f.row_ids[:max_rows]
    pair = None
    if "denominator" in f.details:
        pair = {
            "numerator": f.details.get("numerator"),
            "denominator": f.details["denominator"],
        }
    return {
        "kind": f.kind.value,
        "column": f.column,
        "severity": f.severity.value,
        "severity_rank": f.severity.rank,
        "count": int(f.count),
        "fraction": float(f.fraction),
        "message": f.message,
        "examples": [
            {"label": label, "value": value, "display": format_value(value)}
            for label, value in f.examples[:EXAMPLES]
        ],
        "rows": f.labels(shown),
        "rows_total": len(f.row_ids),
        "rows_more": len(f.row_ids) - len(shown),
        "details": f.details,
        "pair": pair,
    }


def _ordered_actions(report: AuditReport) -> list[Action]:
    """Actions grouped by column, in column order (stable within a column)."""
    order = {c: i for i, c in enumerate(_column_order(report))}
    return sorted(report.actions, key=lambda a: order.get(a.column, len(order)))


def _action(a: Action, max_rows: int) -> dict[str, Any]:
    shown = a.row_ids[:max_rows]
    return {
        "kind": a.kind.value,
        "column": a.column,
        "count": int(a.count),
        "rows": a.labels(shown),
        "rows_total": len(a.row_ids),
        "rows_more": len(a.row_ids) - len(shown),
        "details": a.details,
        "text": describe_action(a),
    }


def _incident(data: dict[str, Any], max_rows: int) -> dict[str, Any]:
    """A training incident (the guard's JSON) with its rows capped like a finding's."""
    rows = list(data.get("rows") or [])
    keys = ("kind", "where", "step", "epoch", "batch", "how", "cause", "fix", "action")
    return {
        **{k: data.get(k) for k in keys},
        "rows": rows[:max_rows],
        "rows_total": len(rows),
        "rows_more": max(len(rows) - max_rows, 0),
    }


# --- column cards -----------------------------------------------------------------


def _column_order(report: AuditReport) -> list[str]:
    names = list(report.input.get("columns", {}))
    names += [c for c in report.columns if c not in names]
    return names


def _columns(
    report: AuditReport,
    plan_columns: dict[str, dict[str, Any]],
    plan: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    dtypes = report.input.get("columns", {})
    by_column: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_column.setdefault(f.column, []).append(f)
    actions: dict[str, list[Action]] = {}
    for a in report.actions:
        actions.setdefault(a.column, []).append(a)
    dropped = (plan or {}).get("dropped", {})
    ratios = {
        c["name"]: c["ratio"] for c in plan_columns.values() if c.get("ratio")
    } | {k: list(v) for k, v in report.config.get("ratios", {}).items()}
    cards = []
    for i, name in enumerate(_column_order(report)):
        before = report.columns.get(name)
        after = report.after.get(name)
        cp = plan_columns.get(name)
        fs = by_column.get(name, [])
        worst = max((f.severity for f in fs), key=lambda s: s.rank, default=None)
        role = before.role if before else "non_numeric"
        if name == report.target:
            role = "target"
        elif name in ratios or name not in dtypes:
            role = "derived"
        after_stats, units = _after_in_input_units(after, cp, before)
        cards.append(
            {
                "index": i,
                "anchor": f"col-{i}",
                "name": name,
                "dtype": dtypes.get(name, before.dtype if before else ""),
                "role": role,
                "numeric": before is not None,
                "findings": [
                    {
                        "kind": f.kind.value,
                        "severity": f.severity.value,
                        "count": f.count,
                    }
                    for f in fs
                ],
                "n_findings": len(fs),
                "worst": worst.value if worst else None,
                "before": _stats(before),
                "after": after_stats,
                "after_units": units,
                "after_dtype": after.dtype if after else None,
                "histogram": _histograms(before, after, cp),
                "actions": [
                    {"kind": a.kind.value, "count": a.count, "text": describe_action(a)}
                    for a in actions.get(name, [])
                ],
                "plan": _plan_lines(cp) if cp else [],
                "ratio": ratios.get(name),
                "dropped": dropped.get(name),
                "in_output": name in report.after,
            }
        )
    return cards


def _stats(s: ColumnStats | None) -> dict[str, Any] | None:
    if s is None:
        return None
    out: dict[str, Any] = {k: getattr(s, k) for k in _STAT_FIELDS}
    out["estimated"] = s.estimated
    return out


def _after_in_input_units(
    after: ColumnStats | None,
    cp: dict[str, Any] | None,
    before: ColumnStats | None = None,
) -> tuple[dict[str, Any] | None, str]:
    """The output statistics mapped back through the scaling (x · s + c).

    The output is stored in the training dtype, so a value mapped back differs
    from the input by its rounding (0 comes back as 6.4e-7 in float32): a
    statistic within that rounding of its input value is shown as the input
    value, so that only real changes (clipping, imputation) stand out.
    """
    stats = _stats(after)
    if stats is None:
        return None, "input"
    if cp is None:
        return stats, "input" if after and after.role == "target" else "output"
    if cp.get("scale") == "squash" and not cp.get("unscaled"):
        return stats, "output"  # a squash is not linear: means do not map back
    center, scale = _center_scale(cp)
    for k in _LOCATION:
        if stats[k] is not None:
            stats[k] = stats[k] * scale + center
    for k in _SPREAD:
        if stats[k] is not None:
            stats[k] = stats[k] * abs(scale)
    if before is not None and after is not None:
        eps = _resolution(after.dtype)
        for k in (*_LOCATION, *_SPREAD):
            a, b = stats[k], getattr(before, k)
            if a is None or b is None or not math.isfinite(b):
                continue
            if abs(a - b) <= 2 * eps * (max(abs(a), abs(b)) + abs(center)):
                stats[k] = b
    return stats, "input"


def _resolution(dtype: str) -> float:
    """The machine epsilon of an output dtype (``Float32`` → 1.19e-7)."""
    name = dtype.lower()
    return DTYPES[name].eps if name in DTYPES else DTYPES["float32"].eps


def _center_scale(cp: dict[str, Any]) -> tuple[float, float]:
    center = cp.get("center") or 0.0
    scale = cp.get("scale_by") or 1.0
    return float(center), float(scale)


def _histograms(
    before: ColumnStats | None, after: ColumnStats | None, cp: dict[str, Any] | None
) -> dict[str, Any] | None:
    hb = before.histogram if before else None
    ha = after.histogram if after else None
    if hb is None and ha is None:
        return None
    if ha is not None and cp is not None and cp.get("scale") == "squash":
        column_plan = ColumnPlan(**cp)  # monotone: the edges map back one by one
        ha = dict(ha, symlog_scale=None)
        ha["edges"] = [column_plan.unscale_number(e) for e in ha["edges"]]
    elif ha is not None and cp is not None:
        center, scale = _center_scale(cp)
        ha = dict(ha)
        ha["edges"] = [e * scale + center for e in ha["edges"]]
        if ha.get("symlog_scale"):
            ha["symlog_scale"] = ha["symlog_scale"] * abs(scale)
    bounds = None
    if cp and cp.get("outlier_low") is not None and cp.get("outlier_high") is not None:
        bounds = {
            "low": cp["outlier_low"],
            "high": cp["outlier_high"],
            "action": cp.get("outlier_action"),
            "method": cp.get("outlier_method"),
        }
    return {
        "before": hb,
        "after": ha,
        "bounds": bounds,
        "sampled": bool(before.estimated) if before else False,
    }


def _plan_lines(cp: dict[str, Any]) -> list[str]:
    """The column's plan in a few short lines (the full Plan is in the JSON)."""
    lines = []
    if cp.get("ratio"):
        num, den = cp["ratio"]
        lines.append(
            f"derive: {num} / {den}, zero denominator → {cp.get('ratio_on_zero')}"
        )
    fill = cp.get("fill")
    lines.append(
        f"missing → {cp.get('impute')}"
        + (f" ({format_number(fill)})" if fill is not None else "")
    )
    inf = []
    for sign, key, bound in (
        ("+inf", "pos_inf", "inf_high"),
        ("-inf", "neg_inf", "inf_low"),
    ):
        policy = cp.get(key)
        inf.append(
            f"{sign} → {policy}"
            + (f" ({format_number(cp.get(bound))})" if policy == "clip" else "")
        )
    lines.append(", ".join(inf))
    if cp.get("outlier_low") is not None:
        lines.append(
            f"outliers ({cp.get('outlier_method')}) → {cp.get('outlier_action')} "
            f"[{format_number(cp.get('outlier_low'))}, "
            f"{format_number(cp.get('outlier_high'))}]"
        )
    else:
        lines.append(f"outliers: {cp.get('outlier_method')}, no bounds")
    center, scale = _center_scale(cp)
    if cp.get("unscaled"):
        lines.append(
            f"not scaled ({cp['unscaled']}): x − {format_number(center)}"
            if center
            else f"not scaled ({cp['unscaled']})"
        )
    elif cp.get("scale") == "squash":
        lines.append(
            f"scale (squash): z / √(1 + (z/{format_number(SQUASH_BOUND)})²), "
            f"z = (x − {format_number(center)}) / {format_number(scale)}"
        )
    elif cp.get("scale") != "none":
        lines.append(
            f"scale ({cp.get('scale')}): (x − {format_number(center)}) / "
            f"{format_number(scale)}"
        )
    else:
        lines.append("scale: none")
    return lines


def _added_columns(report: AuditReport) -> list[dict[str, Any]]:
    """Output columns that are not input columns (indicators, one-hot, ...)."""
    known = set(_column_order(report))
    return [
        {"name": s.name, "dtype": s.dtype, "min": s.min, "max": s.max, "mean": s.mean}
        for name, s in report.after.items()
        if name not in known
    ]


def _config_changed(config: dict[str, Any]) -> dict[str, Any]:
    from nanclean.config import CleanConfig

    defaults = CleanConfig().to_dict()
    return {k: v for k, v in config.items() if defaults.get(k, object()) != v}


# --- text helpers -------------------------------------------------------------------


def _path(source: str) -> str | None:
    """The path of a file source (``"file 'data/x.csv'"``), else None."""
    if source.startswith("file "):
        try:
            return str(ast.literal_eval(source[5:]))
        except (ValueError, SyntaxError):
            return None
    return None


def _title(source: str) -> str:
    """The file name of a file source, else the source itself."""
    path = _path(source)
    return PurePath(path).name if path else source or "data"


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(values))


def _cut(items: list[str], first: int = 4) -> str:
    text = ", ".join(items[:first])
    return text + (f" … and {len(items) - first} more" if len(items) > first else "")


def _columns_text(columns: list[str]) -> str:
    shown = _cut([repr(c) for c in columns], first=3)
    return ("column " if len(columns) == 1 else "columns ") + shown
