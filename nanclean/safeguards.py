"""What clean refuses to do quietly: drop a large share of rows or a label class.

A default repair must never return a fraction of the data as a success. Two
refusals run around the transform:

- a target that the scan diagnosed as a shifted coding (``label_coding``: a
  binary label coded 1/2) is refused before anything is dropped, with the
  exact ``label_map`` that fixes it;
- rows dropped by repair policies and by present-but-invalid labels are
  counted against ``max_row_loss``; beyond it clean raises with the causes by
  column. Rows with a missing or non-finite label are dropped whatever their
  share (nothing to learn from them), with a warning that names the likely
  cause when they are many.
"""

from __future__ import annotations

import warnings

import numpy as np

from nanclean.errors import NancleanWarning, PolicyError, format_rows
from nanclean.findings import Action, ActionKind, Finding, FindingKind
from nanclean.formatting import format_number as fmt
from nanclean.repair import LABEL_DROPS
from nanclean.report.model import ColumnStats

__all__ = ["check_row_loss", "refuse_label_coding"]

#: Why a policy drops rows, and the policy that repairs instead.
_POLICY_DROPS = {
    "missing": ("missing cells under impute='drop_row'", "impute='median'"),
    "inf": ("±inf cells under inf='drop_row'", "inf='clip'"),
    "outlier": ("outliers under outlier_action='drop_row'", "outlier_action='clip'"),
    "zero_denominator": (
        "zero denominators under ratio_on_zero='drop_row'",
        "ratio_on_zero='null'",
    ),
    "invalid_label": (
        "labels outside the loss's domain",
        "correct the labels, or map them with label_map",
    ),
}
#: Rows dropped on request are not lost by a policy.
_ON_REQUEST = ("quarantined",)
#: Rows without a usable label: dropped whatever their share.
_UNLABELED = tuple(r for r in LABEL_DROPS if r != "invalid_label")


def label_map_literal(mapping: dict[str, int]) -> str:
    """``{"1.0": 0, "2.0": 1}`` written as the Python literal ``{1: 0, 2: 1}``."""
    return "{" + ", ".join(f"{fmt(float(k))}: {v}" for k, v in mapping.items()) + "}"


def refuse_label_coding(findings: list[Finding], *, n_rows: int) -> None:
    """Raise when the target looks like a shifted coding and no label_map is set
    (the scan only reports ``label_coding`` when none is)."""
    for f in findings:
        if f.kind is not FindingKind.LABEL_CODING:
            continue
        literal = label_map_literal(f.details["mapping"])
        raise PolicyError(
            f"Target {f.column!r} looks like a shifted label coding: clean would drop "
            f"{f.count} of {n_rows} rows ({100 * f.count / max(n_rows, 1):.3g}%, "
            f"rows {f.rows_preview()}), a whole class. Fix: pass the mapping, e.g. "
            f"config={{'label_map': {literal}}} (or label_map = {literal} in the "
            "config file)."
        )


def check_row_loss(
    actions: list[Action],
    *,
    n_rows: int,
    max_row_loss: float,
    target_stats: ColumnStats | None,
) -> None:
    """Raise when policies and invalid labels drop more than ``max_row_loss`` of
    the rows; warn when missing or non-finite labels drop that many."""
    drops = [a for a in actions if a.kind is ActionKind.ROWS_DROPPED]
    unlabeled = [a for a in drops if a.details.get("reason") in _UNLABELED]
    by_policy = [
        a for a in drops if a.details.get("reason") not in (*_UNLABELED, *_ON_REQUEST)
    ]
    # one row is never "a share": a stray label in a 40-row table may go
    limit = max(max_row_loss * n_rows, 1)
    lost = _union(by_policy)
    if len(lost) > limit:
        causes = "; ".join(
            f"{a.column!r}: {a.count} rows with {_cause(a.details['reason'])[0]}"
            for a in sorted(by_policy, key=lambda a: -a.count)
        )
        fixes = sorted({_cause(a.details["reason"])[1] for a in by_policy})
        raise PolicyError(
            f"clean would drop {len(lost)} of {n_rows} rows "
            f"({100 * len(lost) / n_rows:.3g}%, rows "
            f"{format_rows(by_policy[0].labels(lost[:5]), len(lost))}), more than "
            f"max_row_loss={max_row_loss:g}. Causes: {causes}. Fix: "
            f"{'; '.join(fixes)}; or raise max_row_loss if losing these rows is "
            "intended."
        )
    n_unlabeled = len(_union(unlabeled))
    if n_unlabeled > limit:
        warnings.warn(
            _unlabeled_message(n_unlabeled, n_rows, target_stats),
            NancleanWarning,
            stacklevel=4,
        )


def _cause(reason: str) -> tuple[str, str]:
    return _POLICY_DROPS.get(reason, (reason, "choose a repairing policy"))


def _union(actions: list[Action]) -> np.ndarray:
    if not actions:
        return np.empty(0, np.int64)
    return np.unique(np.concatenate([a.row_ids for a in actions]))


def _unlabeled_message(n: int, n_rows: int, s: ColumnStats | None) -> str:
    column = repr(s.name) if s else "the target"
    share = f"{100 * n / n_rows:.3g}%"
    cause = ""
    if s is not None and s.neg_inf >= max(s.pos_inf, s.missing):
        cause = (
            f" It is -inf in {s.neg_inf} rows: the log of a zero (a zero wage, a "
            "zero count). Fix: model log1p of the original target, or model the "
            "zeros separately (a hurdle model)."
        )
    elif s is not None and s.pos_inf >= s.missing:
        cause = (
            f" It is +inf in {s.pos_inf} rows: a ratio over a zero, or an overflow. "
            "Fix: repair the target upstream."
        )
    elif s is not None:
        cause = (
            f" It is missing in {s.missing} rows. Fix: check the join or the export "
            "that produced the labels."
        )
    return (
        f"Target {column} has no usable label in {n} of {n_rows} rows ({share}); "
        f"clean drops those rows, as labels are never imputed.{cause}"
    )
