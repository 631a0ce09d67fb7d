"""transform: a Plan becomes polars expressions, applied in one pass.

Per column, in order: derive (ratios) → ±inf → outliers → impute → scale →
dtype guard. Statistics are literals from the Plan (never recomputed inside the
expression). Beside every output column the same pass computes boolean masks
of what each step changed; every changed cell is attributed to exactly one
action (the first step that changed it), so the audit adds up cell by cell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import polars as pl

from nanclean.checks.labels import DOMAINS, domain_mask, missing_mask
from nanclean.columns import parse_number, target_expr
from nanclean.derive import divide
from nanclean.dtypes import float_info
from nanclean.errors import ColumnError, PolicyError, format_rows
from nanclean.expr import is_finite
from nanclean.findings import (
    Action,
    ActionKind,
    Finding,
    FindingKind,
    RowLabels,
    Severity,
)
from nanclean.formatting import format_number as fmt
from nanclean.frame import ROW_ID, Frame, collect
from nanclean.plan import ColumnPlan, Plan
from nanclean.report.model import ColumnStats
from nanclean.report.text import plural
from nanclean.schema import check_output, contract, violations
from nanclean.stats import histogram, merge_moments, output_stats

__all__ = [
    "LABEL_DROPS",
    "Applied",
    "apply_plan",
    "audit",
    "dropped_rows",
    "evaluate",
    "input_casts",
    "kept",
    "plan_actions",
    "prepare",
    "raise_for_errors",
    "transform_query",
]

_INF = float("inf")


#: The ``column`` of the action that drops ``exclude_rows``: whole rows, no column.
QUARANTINE_COLUMN = "*"


@dataclass
class Applied:
    """The output of one in-memory transform pass and its audit."""

    x: np.ndarray  # (kept rows, plan.features): C-ordered, the store dtype
    y: np.ndarray | None  # the target of the kept rows (int64 for ce, else float64)
    row_ids: np.ndarray  # input positions of the kept rows, in input order
    actions: list[Action] = field(default_factory=list)
    drift: list[Finding] = field(default_factory=list)
    after: dict[str, ColumnStats] = field(default_factory=dict)


@dataclass
class _Mask:
    """One boolean mask computed in the pass, and what a True cell means."""

    column: str
    expr: pl.Expr
    kind: ActionKind | None = None  # an action on kept rows
    drop: str | None = None  # a reason to drop the row
    error: str | None = None  # a policy that refuses (message prefix)
    drift: FindingKind | None = None
    details: dict[str, Any] = field(default_factory=dict)


def prepare(frame: Frame, plan: Plan) -> tuple[pl.LazyFrame, list[Finding]]:
    """Cast the input's columns the way the plan expects; refuse missing columns."""
    casts, findings = input_casts(frame, plan)
    return frame.lazy.with_columns(casts), findings


def input_casts(frame: Frame, plan: Plan) -> tuple[list[pl.Expr], list[Finding]]:
    """The casts :func:`prepare` applies, and a finding per extra column."""
    schema = frame.lazy.collect_schema()
    needed = list(plan.input_columns) + ([plan.target] if plan.target else [])
    missing = [c for c in plan.input_columns if c not in schema]
    if missing:
        raise ColumnError(
            f"The data to transform lacks {len(missing)} column(s) the cleaner was "
            f"fitted with: {format_rows(missing, first=10)}. Fix: add them, or fit the "
            "cleaner on data with the same columns."
        )
    # columns the plan knows: dropped on purpose in training, or derived by it
    known = set(needed) | set(plan.dropped) | {cp.name for cp in plan.columns}
    extra = [c for c in frame.columns if c not in known]
    findings = [
        Finding(
            FindingKind.EXTRA_COLUMN,
            c,
            Severity.INFO,
            frame.n_rows,
            1.0,
            f"Column {c!r} was not in the training data; it is ignored.",
        )
        for c in extra
    ]
    encoded = {e.name for e in plan.encodings}
    casts = []
    for c in plan.input_columns:
        if c in encoded:
            continue
        if schema[c] in (pl.String, pl.Categorical):
            number_format = plan.number_formats.get(c, "plain")
            casts.append(parse_number(c, number_format)[0].alias(c))
        else:
            casts.append(pl.col(c).cast(pl.Float64))
    if plan.target and plan.target in schema:  # new data may come without labels
        casts.append(target_expr(plan.target, schema[plan.target], plan.label_map))
    return casts, findings


def _column(
    cp: ColumnPlan, plan: Plan, drift: bool
) -> tuple[list[pl.Expr], list[_Mask]]:
    """The output expressions of one numeric column and its masks."""
    masks: list[_Mask] = []
    name = cp.name
    zero = pl.lit(False)
    if cp.ratio:
        tol = cp.ratio_tolerance or 0.0
        x, zero = divide(*cp.ratio, on_zero=cp.ratio_on_zero, tolerance=tol)
        kind = {"null": ActionKind.RATIO_NULLED, "eps": ActionKind.RATIO_EPS}
        masks.append(
            _Mask(
                name,
                zero,
                kind=kind.get(cp.ratio_on_zero),
                drop="zero_denominator" if cp.ratio_on_zero == "drop_row" else None,
                error="ratio_on_zero='error'" if cp.ratio_on_zero == "error" else None,
                details={"denominator": cp.ratio[1], "tolerance": tol},
            )
        )
    else:
        x = pl.col(name)
    finite = is_finite(x)
    # as few kernels per column as give the same cells: the outlier clip
    # already maps ±inf to its bounds, and both infinities turn null at once
    out = x.fill_nan(None)
    clips = cp.outlier_action == "clip" and cp.outlier_low is not None
    both_null = cp.pos_inf == cp.neg_inf == "null"
    if both_null:
        out = pl.when(x.is_infinite()).then(None).otherwise(out)
    changed = zero
    for sign, policy, bound, clip_end in (
        (_INF, cp.pos_inf, cp.inf_high, cp.outlier_high),
        (-_INF, cp.neg_inf, cp.inf_low, cp.outlier_low),
    ):
        hit = (x == sign).fill_null(False)
        if policy == "clip" and not (clips and bound == clip_end):
            out = pl.when(hit).then(pl.lit(bound)).otherwise(out)
        elif policy == "null" and not both_null:
            out = pl.when(hit).then(None).otherwise(out)
        masks.append(
            _action_mask(name, hit, policy, "inf", {"value": sign, "bound": bound})
        )
        changed = changed | (hit if policy in ("clip", "null") else zero)
    clipped = zero
    if cp.outlier_low is not None and cp.outlier_high is not None:
        lo, hi = cp.outlier_low, cp.outlier_high
        outlier = (finite & ((x < lo) | (x > hi))).fill_null(False)
        if cp.outlier_action == "clip":
            out = out.clip(lo, hi)
            clipped = outlier
        elif cp.outlier_action == "null":
            out = pl.when(outlier).then(None).otherwise(out)
        masks.append(
            _action_mask(
                name, outlier, cp.outlier_action, "outlier", {"low": lo, "high": hi}
            )
        )
        changed = changed | (outlier if cp.outlier_action in ("clip", "null") else zero)
    inf_clipped = (x.is_infinite().fill_null(False)) & pl.lit(
        cp.pos_inf == "clip" or cp.neg_inf == "clip"
    )
    clipped = clipped | inf_clipped
    pre_impute = out
    missing_now = pre_impute.is_null()
    was_missing = (x.is_null() | x.is_nan()) & ~zero
    if cp.fill is not None and cp.impute not in ("drop_row", "error"):
        out = out.fill_null(cp.fill)
        masks.append(
            _Mask(
                name,
                was_missing,
                kind=ActionKind.IMPUTED,
                details={"strategy": cp.impute, "value": cp.fill},
            )
        )
        changed = changed | was_missing
    elif cp.impute == "drop_row":
        masks.append(_Mask(name, missing_now, drop="missing"))
    else:
        masks.append(_Mask(name, missing_now, error="impute='error'"))
    out = cp.scaled(out)
    dmax = float_info(plan.dtype).max
    # the dtype guard, unless the plan proves it a no-op: its mask would
    # evaluate the whole chain a second time
    if not _fits_dtype(cp, dmax):
        overflow = (out.abs() > dmax).fill_null(False)
        if plan.dtype_overflow == "clip":
            out = out.clip(-dmax, dmax)
            masks.append(
                _Mask(
                    name,
                    overflow & ~changed,
                    kind=ActionKind.DTYPE_CLIPPED,
                    details={"dtype": plan.dtype, "limit": dmax},
                )
            )
        else:
            masks.append(
                _Mask(name, overflow, error=f"dtype_overflow='error' ({plan.dtype})")
            )
    store = pl.Float64 if plan.dtype == "float64" else pl.Float32
    marks = {"missing": missing_now, "clipped": clipped}
    exprs = [out.cast(store).alias(name)]
    exprs += [marks[what].cast(store).alias(n) for what, n in cp.indicators().items()]
    if drift:
        masks += _drift_masks(cp, x)
    return exprs, masks


def _fits_dtype(cp: ColumnPlan, dmax: float) -> bool:
    """True when no scaled cell can exceed ``dmax``, so the dtype guard is a no-op.

    Under ``outlier_action="clip"`` every cell is, before scaling, within
    [outlier_low, outlier_high], the fill value, or null; scaling is monotone,
    so those values scaled bound every cell. A 2x margin absorbs rounding.
    """
    if cp.outlier_action != "clip" or cp.outlier_low is None or cp.outlier_high is None:
        return False
    ends = [cp.outlier_low, cp.outlier_high] + (
        [cp.fill] if cp.fill is not None else []
    )
    if not all(math.isfinite(v) for v in [*ends, cp.center, cp.scale_by]):
        return False
    return cp.scale_by != 0 and all(abs(cp.scale_number(v)) <= dmax / 2 for v in ends)


#: What a step's policy does to a cell, as the action the audit reports.
_ACTION_KINDS = {
    ("inf", "clip"): ActionKind.INF_CLIPPED,
    ("inf", "null"): ActionKind.INF_NULLED,
    ("outlier", "clip"): ActionKind.OUTLIER_CLIPPED,
    ("outlier", "null"): ActionKind.OUTLIER_NULLED,
    ("outlier", "flag"): ActionKind.OUTLIER_FLAGGED,
}


def _action_mask(
    column: str, hit: pl.Expr, policy: str, what: str, details: dict[str, Any]
) -> _Mask:
    kinds = _ACTION_KINDS
    key = "inf" if what == "inf" else "outliers"
    return _Mask(
        column,
        hit,
        kind=kinds.get((what, policy)),
        drop=what if policy == "drop_row" else None,
        error=f"{key}='error'" if policy == "error" else None,
        details=details,
    )


def _drift_masks(cp: ColumnPlan, x: pl.Expr) -> list[_Mask]:
    """New data outside what training looked like (D10)."""
    out = []
    if cp.train_min is not None and cp.train_max is not None:
        outside = (x.is_finite() & ((x < cp.train_min) | (x > cp.train_max))).fill_null(
            False
        )
        out.append(
            _Mask(
                cp.name,
                outside,
                drift=FindingKind.DRIFT_RANGE,
                details={"train_min": cp.train_min, "train_max": cp.train_max},
            )
        )
        if cp.train_constant:
            varies = (x.is_finite() & (x != cp.train_min)).fill_null(False)
            out.append(
                _Mask(
                    cp.name,
                    varies,
                    drift=FindingKind.DRIFT_NOT_CONSTANT,
                    details={"train_value": cp.train_min},
                )
            )
    if cp.train_missing == 0:
        out.append(
            _Mask(
                cp.name,
                (x.is_null() | x.is_nan()).fill_null(True),
                drift=FindingKind.DRIFT_MISSING,
            )
        )
    return out


def _encoded(plan: Plan) -> tuple[dict[str, list[pl.Expr]], list[_Mask]]:
    store = pl.Float64 if plan.dtype == "float64" else pl.Float32
    exprs: dict[str, list[pl.Expr]] = {}
    masks = []
    for enc in plan.encodings:
        s = pl.col(enc.name).cast(pl.String)
        if enc.method == "ordinal":
            codes = s.replace_strict(
                enc.categories,
                list(range(len(enc.categories))),
                default=-1,
                return_dtype=pl.Int64,
            )
            exprs[enc.name] = [codes.cast(store).alias(enc.name)]
        else:
            exprs[enc.name] = [
                (s == c).fill_null(False).cast(store).alias(out)
                for c, out in zip(enc.categories, enc.outputs, strict=True)
            ]
        unseen = s.is_not_null() & ~s.is_in(enc.categories)
        masks.append(
            _Mask(
                enc.name,
                unseen.fill_null(False),
                drift=FindingKind.DRIFT_RANGE,
                details={"unseen_category": True},
            )
        )
    return exprs, masks


#: Why a row's label drops it. Missing and non-finite labels carry nothing to
#: learn from: dropping them does not count against ``max_row_loss``.
LABEL_DROPS = {
    "missing_label": "missing labels (null, NaN, or class id -1 under ce)",
    "nonfinite_label": "±inf labels",
    "invalid_label": "labels outside the loss's domain",
}


def _target(plan: Plan) -> tuple[list[pl.Expr], list[_Mask]]:
    if plan.target is None:
        return [], []
    y = pl.col(plan.target)
    missing = missing_mask(plan.target, plan.loss)
    infinite = y.is_infinite().fill_null(False)
    invalid = domain_mask(plan.target, plan.loss, plan.n_classes) & ~infinite & ~missing
    details = {"loss": plan.loss, "domain": DOMAINS[plan.loss]}
    if plan.invalid_labels == "error":
        refuse = missing | infinite | invalid
        masks = [
            _Mask(plan.target, refuse, error="invalid_labels='error'", details=details)
        ]
    else:
        masks = [
            _Mask(plan.target, mask, drop=reason, details=details)
            for reason, mask in (
                ("missing_label", missing),
                ("nonfinite_label", infinite),
                ("invalid_label", invalid),
            )
        ]
    out = y.cast(pl.Int64, strict=False) if plan.loss == "ce" else y
    return [out.alias(plan.target)], masks


def transform_query(
    plan: Plan, *, drift: bool, exclude: np.ndarray | None = None
) -> tuple[list[pl.Expr], list[_Mask]]:
    """The output expressions (features in order, then the target) and the masks.

    ``exclude``: input positions to drop (``exclude_rows=``, e.g. the training
    guard's quarantine), reported as ``rows_dropped`` with reason ``quarantined``.
    """
    outputs: dict[str, list[pl.Expr]] = {}
    masks: list[_Mask] = []
    if exclude is not None and len(exclude):
        quarantined = pl.Series(exclude, dtype=pl.UInt32)
        masks.append(
            _Mask(
                QUARANTINE_COLUMN,
                pl.col(ROW_ID).is_in(quarantined),
                drop="quarantined",
            )
        )
    for cp in plan.columns:
        exprs, column_masks = _column(cp, plan, drift)
        outputs[cp.name] = exprs
        masks += column_masks
    enc_exprs, enc_masks = _encoded(plan)
    outputs.update(enc_exprs)
    masks += enc_masks if drift else []
    target_exprs, target_masks = _target(plan)
    masks += target_masks
    ordered: list[pl.Expr] = []
    for c in _output_order(plan):
        ordered += outputs.get(c, [])
    return ordered + target_exprs, masks


def evaluate(
    lazy: pl.LazyFrame,
    exprs: list[pl.Expr],
    masks: list[_Mask],
    source: str,
    plan: Plan,
) -> tuple[pl.DataFrame, list[np.ndarray]]:
    """One transform pass: the row id and output columns (and the masks, as
    boolean columns), and the row ids where each mask is True."""
    tag = _free_prefix([ROW_ID, *plan.output_columns])
    query = lazy.select(
        pl.col(ROW_ID),
        *exprs,
        *(m.expr.alias(f"{tag}{i}") for i, m in enumerate(masks)),
    )
    full = collect(query, source, streaming=True)  # columns come in chunks
    # mask → row ids, in parallel over the in-memory boolean columns
    ids_frame = full.select(
        pl.col(ROW_ID).filter(pl.col(f"{tag}{i}")).implode().alias(str(i))
        for i in range(len(masks))
    )
    ids = [
        ids_frame.get_column(str(i))[0].to_numpy().astype(np.int64)
        for i in range(len(masks))
    ]
    return full, ids


def dropped_rows(masks: list[_Mask], ids: list[np.ndarray]) -> np.ndarray:
    """The row ids (ascending, unique) that a drop policy removes."""
    parts = [rows for m, rows in zip(masks, ids, strict=True) if m.drop and len(rows)]
    return np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int64)


def kept(
    full: pl.DataFrame, plan: Plan, drop_ids: np.ndarray
) -> tuple[pl.DataFrame, np.ndarray]:
    """The output columns and row ids of the rows that are not dropped."""
    keep = full.get_column(ROW_ID).to_numpy().astype(np.int64)
    out = full.select(plan.output_columns)
    if len(drop_ids):
        mask = ~np.isin(keep, drop_ids)
        out = out.filter(pl.Series(mask))
        keep = keep[mask]
    return out, keep


def audit(
    masks: list[_Mask],
    ids: list[np.ndarray],
    labels: RowLabels,
    n_rows: int,
    plan: Plan,
    *,
    drift: bool,
) -> tuple[list[Action], list[Finding]]:
    """The actions (every changed cell, every dropped row) and drift findings
    (what each outlier rule did, and what the plan did to each drifted cell)
    of a transform pass over all ``n_rows`` rows."""
    drop_ids = dropped_rows(masks, ids)
    dropped: dict[tuple[str, str], list[np.ndarray]] = {}
    for m, rows in zip(masks, ids, strict=True):
        if m.drop and len(rows):
            dropped.setdefault((m.drop, m.column), []).append(rows)
    if n_rows and len(drop_ids) == n_rows:
        reasons = ", ".join(f"{reason} in {col!r}" for reason, col in dropped)
        raise PolicyError(
            f"Every one of the {n_rows} rows would be dropped ({reasons}). Fix: choose "
            "a policy that repairs instead of dropping (e.g. impute='median', "
            "inf='clip'), or check the target and loss."
        )
    actions: list[Action] = []
    for (reason, col), parts in dropped.items():
        rows = np.unique(np.concatenate(parts))
        actions.append(
            Action(
                ActionKind.ROWS_DROPPED,
                col,
                len(rows),
                rows,
                {"reason": reason},
                labels,
            )
        )
    findings = []
    outlier_rows = {
        m.column: rows
        for m, rows in zip(masks, ids, strict=True)
        if m.kind in _OUTLIER_ACTIONS or m.drop == "outlier"
    }
    for m, rows in zip(masks, ids, strict=True):
        if drift and m.kind in _OUTLIER_ACTIONS and len(rows):
            findings.append(_outlier_finding(m, rows, n_rows, labels, drop_ids))
        if m.kind is not None:
            rows = (
                np.setdiff1d(rows, drop_ids, assume_unique=True)
                if len(drop_ids)
                else rows
            )
            if len(rows):
                actions.append(
                    Action(m.kind, m.column, len(rows), rows, m.details, labels)
                )
        elif m.drift is not None and len(rows):
            done = _what_the_plan_did(m, rows, plan, outlier_rows.get(m.column))
            findings.append(_drift_finding(m, rows, n_rows, labels, done))
    return actions, findings


def apply_plan(
    plan: Plan,
    lazy: pl.LazyFrame,
    *,
    labels: RowLabels,
    n_rows: int,
    source: str = "the input",
    drift: bool = False,
    exclude: np.ndarray | None = None,
) -> Applied:
    """Run the transform pass into the output arrays; raise PolicyError when an
    ``error`` policy triggers, ContractError when the output breaks its contract.

    The input is collected once (its needed columns; in-memory data is not
    copied), then transformed block by block of ``BLOCK_ROWS`` rows: each
    block's masks give their row ids, its kept rows are checked against the
    contract (:func:`nanclean.schema.check_output`), summarized, and written
    straight into the C-ordered feature matrix. The output exists once, in
    that matrix; no full polars copy of it is made.

    ``exclude``: input positions to drop (``exclude_rows=``, e.g. the training
    guard's quarantine), reported as ``rows_dropped`` with reason ``quarantined``.
    """
    exprs, masks = transform_query(plan, drift=drift, exclude=exclude)
    needed = [ROW_ID, *plan.input_columns, *([plan.target] if plan.target else [])]
    schema = lazy.collect_schema()
    base = collect(lazy.select(c for c in needed if c in schema), source)
    tag = _free_prefix([ROW_ID, *plan.output_columns])
    query = [
        pl.col(ROW_ID),
        *exprs,
        *(m.expr.alias(f"{tag}{i}") for i, m in enumerate(masks)),
    ]
    drops = [i for i, m in enumerate(masks) if m.drop]
    errors = [i for i, m in enumerate(masks) if m.error]
    features = plan.features
    store = np.float64 if plan.dtype == "float64" else np.float32
    x = np.empty((n_rows, len(features)), dtype=store)
    y: np.ndarray | None = None
    row_ids = np.empty(n_rows, dtype=np.int64)
    parts: list[list[np.ndarray]] = [[] for _ in masks]
    summary = _Summary(plan, n_rows)
    written = 0
    refused = False
    for start in range(0, n_rows, BLOCK_ROWS):
        block = collect(
            base.slice(start, BLOCK_ROWS).lazy().select(query), source, streaming=True
        )
        found = block.select(
            pl.col(ROW_ID).filter(pl.col(f"{tag}{i}")).alias(str(i)).implode()
            for i in range(len(masks))
        )
        counts = [0] * len(masks)
        for i, rows in enumerate(found.get_columns()):
            ids = rows[0]
            counts[i] = len(ids)
            if counts[i]:
                parts[i].append(ids.to_numpy().astype(np.int64))
        refused = refused or any(counts[i] for i in errors)
        if refused:  # keep collecting rows, to name them all; write nothing more
            continue
        dropping = [pl.col(f"{tag}{i}") for i in drops if counts[i]]
        out = block.filter(~pl.any_horizontal(dropping)) if dropping else block
        ids = out.get_column(ROW_ID).to_numpy().astype(np.int64)
        out = out.select(plan.output_columns)
        check_output(out, plan, ids, counts=summary.add(out, written))
        end = written + out.height
        _write_rows(x, written, [out.get_column(f).to_numpy() for f in features])
        if plan.target:
            target = out.get_column(plan.target).to_numpy()
            if y is None:
                y = np.empty(n_rows, dtype=target.dtype)
            y[written:end] = target
        row_ids[written:end] = ids
        written = end
    ids_of = [
        np.concatenate(p) if len(p) > 1 else (p[0] if p else np.empty(0, np.int64))
        for p in parts
    ]
    raise_for_errors(masks, ids_of, labels)
    actions, findings = audit(masks, ids_of, labels, n_rows, plan, drift=drift)
    if written < n_rows:  # rows were dropped: give back the tail, in place
        x.resize((written, len(features)), refcheck=False)
        row_ids.resize(written, refcheck=False)
        if y is not None:
            y.resize(written, refcheck=False)
    if plan.target and y is None:
        y = np.empty(0, dtype=np.int64 if plan.loss == "ce" else np.float64)
    return Applied(x, y, row_ids, actions, findings, summary.stats(plan))


def _write_rows(x: np.ndarray, start: int, columns: list[np.ndarray]) -> None:
    """Write ``columns`` into rows ``start:`` of the C-ordered ``x``, a few
    thousand rows at a time: each piece of ``x`` stays in the cache while
    every column is written into it (a blocked transpose)."""
    step = 8192
    n = len(columns[0]) if columns else 0
    for r in range(0, n, step):
        piece = x[start + r : start + min(r + step, n)]
        for j, column in enumerate(columns):
            piece[:, j] = column[r : r + step]


#: Rows per block of the in-memory transform: a block's polars columns and
#: masks are a few tens of MB, however long the table.
BLOCK_ROWS = 1 << 18


class _Summary:
    """Exact counts, min, max, mean and std of the output columns, merged
    block by block (Chan et al.'s pairwise update), and an evenly spread
    sample of ``sample_size`` rows for the robust statistics."""

    def __init__(self, plan: Plan, n_rows: int, sample_size: int = 100_000):
        self.terms = contract(plan)
        self.bad = [
            violations(c, t).sum().alias(f"{c}:bad") for c, t in self.terms.items()
        ]
        self.columns = plan.output_columns
        self.aggregations = [
            e
            for i, c in enumerate(self.columns)
            for e in (
                pl.col(c).min().cast(pl.Float64).alias(f"{i}:min"),
                pl.col(c).max().cast(pl.Float64).alias(f"{i}:max"),
                pl.col(c).cast(pl.Float64).mean().alias(f"{i}:mean"),
                pl.col(c).cast(pl.Float64).var(ddof=0).alias(f"{i}:var"),
                (pl.col(c) == 0).sum().cast(pl.Float64).alias(f"{i}:zeros"),
            )
        ]
        self.step = max(1, n_rows // sample_size)
        self.n = 0
        self.exact: dict[str, list[Any]] = {}  # min, max, mean, M2, zeros
        self.samples: list[pl.DataFrame] = []

    def add(self, out: pl.DataFrame, offset: int) -> list[int]:
        """Merge the statistics of the block ``out`` (its first row is output
        row ``offset``); return the cells of each column that break the
        contract (:func:`nanclean.schema.violations`), counted in the same pass."""
        if not out.height or out.columns != list(self.terms):
            return [0] * len(self.terms)  # check_output names the layout
        row = out.select(
            *self.aggregations,
            *self.bad,
        ).row(0)
        bad = list(row[5 * len(self.columns) :])
        if any(bad):
            return bad
        n_b = out.height
        for i, c in enumerate(self.columns):
            low, high, mean_b, var_b, zeros = row[5 * i : 5 * i + 5]
            e = self.exact.setdefault(c, [low, high, None, 0.0, 0.0])
            e[2], e[3] = merge_moments((self.n, e[2], e[3]), (n_b, mean_b, var_b * n_b))
            e[0], e[1] = min(e[0], low), max(e[1], high)
            e[4] += zeros
        self.n += n_b
        self.samples.append(out.gather_every(self.step, offset=(-offset) % self.step))
        return bad

    def stats(self, plan: Plan) -> dict[str, ColumnStats]:
        """The ``after`` statistics of the report (``stats.output_stats``'s
        fields, with every count, min, max, mean and std exact)."""
        if not self.n:
            return {}
        sample = pl.concat(self.samples)
        roles = {plan.target: "target"} if plan.target else {}
        robust = output_stats(sample, roles=roles, sample_size=sample.height)
        out = {}
        for c, s in robust.items():
            low, high, mean, m2, zeros = self.exact[c]
            values = np.sort(sample.get_column(c).cast(pl.Float64).to_numpy())
            out[c] = replace(
                s,
                count=self.n,
                zeros=int(zeros),
                min=low,
                max=high,
                mean=mean,
                std=math.sqrt(m2 / (self.n - 1)) if self.n > 1 else None,
                estimated=self.step > 1,
                histogram=histogram(values, low, high),
            )
        return out


def plan_actions(
    plan: Plan, columns: list[str], n_out: int, *, mapped: np.ndarray | None
) -> list[Action]:
    """The actions of the plan itself (beside the cells :func:`audit` counts):
    derived ratios, scaling, indicators, dropped and encoded columns, mapped
    labels. ``columns``: the input's columns; ``mapped``: the input positions
    of the output rows whose label ``label_map`` changed (None: not counted)."""
    actions: list[Action] = []
    details: dict[str, Any]
    for cp in plan.columns:
        if cp.ratio and cp.name not in columns:
            details = {"numerator": cp.ratio[0], "denominator": cp.ratio[1]}
            actions.append(Action(ActionKind.DERIVED, cp.name, n_out, details=details))
        if cp.unscaled:
            details = {"reason": cp.unscaled, "center": cp.center}
            actions.append(
                Action(ActionKind.LEFT_UNSCALED, cp.name, 0, details=details)
            )
        elif cp.scale != "none":
            details = {"method": cp.scale, "center": cp.center, "scale": cp.scale_by}
            actions.append(Action(ActionKind.SCALED, cp.name, n_out, details=details))
        actions += [
            Action(ActionKind.INDICATOR_ADDED, name, 0)
            for name in cp.indicators().values()
        ]
    for col, reason in plan.dropped.items():
        actions.append(
            Action(ActionKind.COLUMN_DROPPED, col, 0, details={"reason": reason})
        )
    for enc in plan.encodings:
        details = {"method": enc.method, "categories": enc.categories[:50]}
        actions.append(Action(ActionKind.ENCODED, enc.name, n_out, details=details))
    if plan.label_map and plan.target:
        rows = np.empty(0, np.int64) if mapped is None else mapped
        details = {"mapping": plan.label_map}
        actions.append(
            Action(ActionKind.LABEL_MAPPED, plan.target, len(rows), rows, details)
        )
    return actions


def _free_prefix(names: list[str]) -> str:
    """A prefix no name starts with, for the pass's mask columns: a column can
    never be overwritten by one. The edge refuses input names with a NUL, so it
    is ``"\\x00"`` unless a config-derived name (a ratio) took it."""
    prefix = "\x00"
    while any(n.startswith(prefix) for n in names):
        prefix += "\x00"
    return prefix


def _output_order(plan: Plan) -> list[str]:
    order = [c for c in plan.input_columns if c != plan.target]
    return order + [cp.name for cp in plan.columns if cp.name not in order]


def raise_for_errors(
    masks: list[_Mask], ids: list[np.ndarray], labels: RowLabels
) -> None:
    for m, rows in zip(masks, ids, strict=True):
        if m.error and len(rows):
            raise PolicyError(
                f"Column {m.column!r} has {len(rows)} cells that the policy "
                f"{m.error} refuses to repair (rows "
                f"{format_rows(labels(rows[:5]), len(rows))}). Fix: correct them "
                "upstream, or choose a repairing policy for this column."
            )


_DRIFT_TEXT = {
    FindingKind.DRIFT_RANGE: "values outside the range seen in training",
    FindingKind.DRIFT_MISSING: "missing values, where training had none",
    FindingKind.DRIFT_NOT_CONSTANT: "values that differ from its constant training value",
}


def _drift_finding(
    m: _Mask, rows: np.ndarray, n_rows: int, labels: RowLabels, done: str
) -> Finding:
    assert m.drift is not None
    what = (
        "categories not seen in training"
        if m.details.get("unseen_category")
        else _DRIFT_TEXT[m.drift]
    )
    return Finding(
        m.drift,
        m.column,
        Severity.WARNING,
        len(rows),
        len(rows) / n_rows,
        f"Column {m.column!r} has {len(rows)} {what} (rows "
        f"{format_rows(labels(rows[:5]), len(rows))}). {done} If this is the new "
        "normal, refit the cleaner on data that includes it.",
        row_ids=rows,
        details=m.details,
        labels=labels,
    )


_OUTLIER_ACTIONS = (
    ActionKind.OUTLIER_CLIPPED,
    ActionKind.OUTLIER_NULLED,
    ActionKind.OUTLIER_FLAGGED,
)
_OUTLIER_DONE = {
    ActionKind.OUTLIER_CLIPPED: "clipped to those bounds",
    ActionKind.OUTLIER_NULLED: "turned missing, then imputed",
    ActionKind.OUTLIER_FLAGGED: "only reported (outlier_action='flag')",
    ActionKind.ROWS_DROPPED: "dropped with their rows",
}


def _outlier_finding(
    m: _Mask, rows: np.ndarray, n_rows: int, labels: RowLabels, drop_ids: np.ndarray
) -> Finding:
    """New data beyond the bounds fitted on training data: the same cells as
    the action (the new data's own statistics would draw other bounds)."""
    assert m.kind is not None
    lo, hi = m.details["low"], m.details["high"]
    dropped = int(np.isin(rows, drop_ids).sum()) if len(drop_ids) else 0
    return Finding(
        FindingKind.OUTLIER,
        m.column,
        Severity.ERROR,
        len(rows),
        len(rows) / n_rows,
        f"Column {m.column!r} has {plural(len(rows), 'value')} outside the outlier bounds "
        f"fitted on the training data [{fmt(lo)}, {fmt(hi)}] (rows "
        f"{format_rows(labels(rows[:5]), len(rows))}); they were "
        f"{_OUTLIER_DONE[m.kind]}"
        + (f", except {dropped} in rows dropped for another reason" if dropped else "")
        + ". Fix: if they are genuine, refit on data that includes them, or set "
        "outliers='none' for this column.",
        row_ids=rows,
        details={"low": lo, "high": hi, "fitted": True},
        labels=labels,
    )


def _what_the_plan_did(
    m: _Mask, rows: np.ndarray, plan: Plan, outliers: np.ndarray | None
) -> str:
    """What the fitted plan did to the drifted cells, in one sentence."""
    if m.details.get("unseen_category"):
        enc = next(e for e in plan.encodings if e.name == m.column)
        return (
            "They were encoded as -1."
            if enc.method == "ordinal"
            else "They were encoded as all-zero one-hot columns."
        )
    cp = plan.column(m.column)
    if m.drift is FindingKind.DRIFT_MISSING:
        if cp.fill is not None and cp.impute not in ("drop_row", "error"):
            return f"They were imputed with {fmt(cp.fill)} ({cp.impute} of training)."
        return f"Their rows were dropped (impute={cp.impute!r})."
    if m.drift is FindingKind.DRIFT_NOT_CONSTANT:
        return f"They were clipped to the training value {fmt(cp.train_min)}."
    beyond = int(np.isin(rows, outliers).sum()) if outliers is not None else 0
    kept = len(rows) - beyond
    parts = []
    if beyond:
        parts.append(
            f"{plural(beyond, 'value')} {_lie(beyond)} beyond the fitted outlier bounds "
            f"[{fmt(cp.outlier_low)}, {fmt(cp.outlier_high)}] and were "
            f"{_OUTLIER_DONE[_ACTION_KINDS.get(('outlier', cp.outlier_action), ActionKind.ROWS_DROPPED)]}"
        )
    if kept:
        parts.append(
            f"{plural(kept, 'value')} {_lie(kept)} within them and were kept as they are (scaled like "
            "every value)"
        )
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _lie(n: int) -> str:
    return "lies" if n == 1 else "lie"
