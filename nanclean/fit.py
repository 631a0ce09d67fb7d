"""fit: a scan's statistics → a Plan. Runs no query of its own.

Every fitted number comes from the training data only: bounds from the robust
statistics, and fill values and scales from the repaired (clipped) values of
the sorted sample, which is all of the column up to ``sample_size`` rows.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from nanclean.checks import outliers
from nanclean.checks.constant import is_constant
from nanclean.checks.denominators import tolerance
from nanclean.config import ColumnPolicy
from nanclean.dtypes import float_info, negligible_spread
from nanclean.errors import ColumnError, NoNumericColumnsError, PolicyError, format_rows
from nanclean.plan import ColumnPlan, EncodingPlan, Plan
from nanclean.scanner import ScanState
from nanclean.stats import Profile, quantile_sorted

__all__ = ["fit_column", "fit_plan"]

MAX_CATEGORIES = 1000
_F64_MAX = float(np.finfo(np.float64).max)


def fit_column(
    name: str,
    profile: Profile,
    policy: ColumnPolicy,
    *,
    dtype: str,
    ratio: list[str] | None = None,
    ratio_on_zero: str = "null",
    ratio_tolerance: float | None = None,
    dtype_overflow: str = "clip",
) -> ColumnPlan:
    """Fit one numeric column's plan from its profile (no query is run)."""
    s = profile.stats
    bounds = outliers.bounds(profile, policy)
    constant = is_constant(s)
    if bounds is None and policy.outliers != "none" and s.min is not None and constant:
        # constant in training: the model never saw another value, so any other
        # value in new data is an outlier of zero spread
        bounds = (s.min, s.min)
    sample = profile.sample
    if bounds is not None and policy.outlier_action == "clip":
        kept = np.clip(sample, *bounds)
    elif bounds is not None and policy.outlier_action in ("null", "drop_row"):
        kept = sample[(sample >= bounds[0]) & (sample <= bounds[1])]
    else:
        kept = sample
    plan = ColumnPlan(
        name=name,
        impute=policy.impute,
        pos_inf=policy.pos_inf_policy,
        neg_inf=policy.neg_inf_policy,
        outlier_method=policy.outliers,
        outlier_action=policy.outlier_action,
        outlier_low=None if bounds is None else float(bounds[0]),
        outlier_high=None if bounds is None else float(bounds[1]),
        scale=policy.scale,
        missing_indicator=policy.missing_indicators and s.missing > 0,
        ratio=ratio,
        ratio_on_zero=ratio_on_zero,
        ratio_tolerance=ratio_tolerance,
        train_min=s.min,
        train_max=s.max,
        train_missing=s.missing,
        train_constant=constant,
    )
    if len(kept):
        high, low = float(kept.max()), float(kept.min())
        plan.inf_high = high if bounds is None else float(bounds[1])
        plan.inf_low = low if bounds is None else float(bounds[0])
        plan.clip_indicator = policy.clip_indicators and (
            bounds is not None or s.pos_inf + s.neg_inf > 0
        )
        plan.fill = _fill(kept, policy)
        _fit_scale(plan, kept, policy, dtype)
        if dtype_overflow == "clip":  # under "error" the guard raises anyway
            _refuse_flattening(plan, kept, dtype)
    else:  # no finite value at all: only a constant fill can say what to put there
        plan.fill = float(policy.fill_value) if policy.impute == "constant" else None
        plan.inf_high = plan.inf_low = plan.fill
        plan.unscaled = "no finite values"
    return plan


#: More than this share of a column beyond the dtype's range would be clipped
#: flat: the dtype guard is for stray cells, not for a column's bulk.
FLATTEN_SHARE = 0.5


def _refuse_flattening(plan: ColumnPlan, kept: np.ndarray, dtype: str) -> None:
    """Refuse a column that the training dtype cannot hold without clipping a
    large share of it to one value (1e6 everywhere under float16 and
    scale='none' would become a constant 65504)."""
    if plan.scale == "squash":
        return  # bounded by construction
    limit = float_info(dtype).max
    # scaling is monotone: the values beyond ±limit once scaled are those beyond
    # the two input values it maps to ±limit, counted in the sorted sample
    low, high = plan.unscale_number(-limit), plan.unscale_number(limit)
    beyond = (
        int(np.searchsorted(kept, low, "left"))
        + len(kept)
        - int(np.searchsorted(kept, high, "right"))
    )
    # one cell is never "a share": a stray cell in a 40-row table is what the
    # dtype guard is for (as max_row_loss never refuses a single row)
    if beyond > max(FLATTEN_SHARE * len(kept), 1):
        raise PolicyError(
            f"Column {plan.name!r} cannot be trained in {dtype} without flattening it: "
            f"{100 * beyond / len(kept):.3g}% of its values (up to "
            f"{float(np.max(np.abs(kept))):.4g}) lie beyond {dtype}'s largest value "
            f"{limit:g} after scale={plan.scale!r}, and the dtype guard would clip "
            "them all to that one value. Fix: scale the column (scale='standard', "
            "'robust' or 'squash', also per column), or train in "
            f"{'bfloat16 or ' if dtype == 'float16' else ''}float32."
        )


def _refuse_name_clashes(output: list[str]) -> None:
    """A generated column (``<col>__missing``, ``<col>__clipped``, ``<col>=<value>``)
    must not take the name of another output column."""
    clashes = [c for c, n in Counter(output).items() if n > 1]
    if clashes:
        raise ColumnError(
            f"The output would have {len(clashes)} duplicate column name(s): "
            f"{format_rows(clashes, first=5)}. An indicator or one-hot column nanclean "
            "generates has the name of an input column. Fix: rename that input column, "
            "or turn off missing_indicators / clip_indicators for it."
        )


def _fill(kept: np.ndarray, policy: ColumnPolicy) -> float | None:
    if policy.impute == "median":
        return quantile_sorted(kept, 0.5)
    if policy.impute == "mean":
        return _mean_std(kept)[0]
    if policy.impute == "constant":
        return float(policy.fill_value)
    if policy.impute == "most_frequent":
        values, counts = np.unique(kept, return_counts=True)
        return float(values[np.argmax(counts)])  # ties: the smallest value
    return None  # drop_row / error: nothing is imputed


def _fit_scale(
    plan: ColumnPlan, kept: np.ndarray, policy: ColumnPolicy, dtype: str
) -> None:
    """Center and divisor of the repaired values; never a zero divisor.

    Under ``robust`` the divisor is the IQR; when it is 0 (a count column
    that is 0 in 90% of rows) it falls back to the standard deviation of the
    repaired values. A spread at or below float32's resolution at the
    column's magnitude means the column is constant for training: it is
    centered but not divided (``constant="keep_unscaled"``), or dropped.
    """
    magnitude = float(np.max(np.abs(kept)))
    spread = _difference(float(kept.max()), float(kept.min()))
    if negligible_spread(spread, magnitude):
        plan.unscaled = "constant"
        if policy.scale != "none":
            plan.center = float(kept[0])  # centered, so the value fits any dtype
        return
    if policy.scale == "none":
        return
    if policy.scale == "standard":
        plan.center, plan.scale_by = _mean_std(kept)
    elif policy.scale == "robust":
        q25, q50, q75 = (quantile_sorted(kept, q) for q in (0.25, 0.5, 0.75))
        plan.center = q50
        plan.scale_by = _difference(q75, q25) or _mean_std(kept)[1]
    elif policy.scale == "squash":
        # skrub's SquashingScaler: the IQR, or half the range when it is 0
        q25, q50, q75 = (quantile_sorted(kept, q) for q in (0.25, 0.5, 0.75))
        plan.center = q50
        plan.scale_by = _difference(q75, q25) or spread / 2
    else:  # minmax
        plan.center, plan.scale_by = float(kept.min()), spread
    if negligible_spread(plan.scale_by, 0.0):  # zero, or a subnormal divisor
        plan.scale_by, plan.unscaled = 1.0, "zero spread"


def _difference(a: float, b: float) -> float:
    """a - b, clamped to float64's range (1e308 - -1e308 would be inf)."""
    with np.errstate(over="ignore"):
        return float(min(a - b, _F64_MAX))


def _mean_std(values: np.ndarray) -> tuple[float, float]:
    """Mean and std without overflow: computed on values divided by max |x|."""
    m = float(np.max(np.abs(values)))
    if m == 0:
        return 0.0, 0.0
    scaled = values / m
    return float(np.mean(scaled) * m), min(float(np.std(scaled)) * m, _F64_MAX)


def encoding(name: str, method: str, values: list[Any]) -> EncodingPlan:
    """The categories of a non-numeric column (sorted, as strings, nulls out)."""
    cats = sorted({str(v) for v in values if v is not None})
    if len(cats) > MAX_CATEGORIES:
        raise PolicyError(
            f"Column {name!r} has {len(cats)} distinct values, more than "
            f"{MAX_CATEGORIES} categories to encode ({format_rows(cats)}). Fix: drop "
            "it before cleaning, or set non_numeric='drop'."
        )
    return EncodingPlan(name, method, cats)


def fit_plan(state: ScanState, categories: dict[str, list[Any]]) -> Plan:
    """The Plan for the scanned training data (``categories``: values of the
    non-numeric features that are to be encoded)."""
    cfg = state.config
    cols = state.columns
    dropped: dict[str, str] = {}
    plans: list[ColumnPlan] = []
    for c in cols.features:
        profile = state.profiles[c]
        policy = cfg.policy(c)
        s = profile.stats
        if s.finite == 0 and policy.impute == "error":
            raise PolicyError(
                f"Column {c!r} has no finite value at all ({s.count} rows) and "
                "impute='error'. Fix: drop the column, or set impute='constant' with "
                "a fill_value, or another impute policy (the column is then dropped)."
            )
        if s.finite == 0 and policy.impute != "constant":
            dropped[c] = "all_missing"
            continue
        constant = (
            s.min is not None
            and s.max is not None
            and negligible_spread(
                s.max / 2 - s.min / 2, max(abs(s.min), abs(s.max)) / 2
            )
        )
        if constant and policy.constant == "drop":
            dropped[c] = "constant"
            continue
        if constant and policy.constant == "error":
            raise PolicyError(
                f"Column {c!r} is constant ({s.min!r}) and constant='error'. Fix: drop "
                "the column, or set constant='keep_unscaled' or 'drop'."
            )
        ratio = cfg.ratios.get(c)
        plans.append(
            fit_column(
                c,
                profile,
                policy,
                dtype=cfg.dtype,
                dtype_overflow=cfg.dtype_overflow,
                ratio=list(ratio) if ratio else None,
                ratio_on_zero=cfg.ratio_on_zero,
                ratio_tolerance=(
                    tolerance(state.profiles[ratio[1]], cfg.dtype) if ratio else None
                ),
            )
        )
    encodings = []
    for c in cols.non_numeric:
        if cfg.non_numeric == "drop":
            dropped[c] = "non_numeric"
        elif cfg.non_numeric == "error":
            raise PolicyError(
                f"Column {c!r} is not numeric ({cols.non_numeric[c]}) and "
                "non_numeric='error'. Fix: encode or drop it first, or set "
                "non_numeric='drop', 'ordinal' or 'onehot'."
            )
        else:
            encodings.append(encoding(c, cfg.non_numeric, categories.get(c, [])))
    if not plans and not encodings:
        reasons = ", ".join(f"{c!r} ({why})" for c, why in dropped.items())
        raise NoNumericColumnsError(
            f"Every feature column would be dropped: {reasons}. There is nothing left "
            "to train on. Fix: provide numeric features with values, or set "
            "impute='constant' (for all-missing columns), constant='keep_unscaled', "
            "non_numeric='ordinal'."
        )
    kept = {p.name: p for p in plans}
    encoded = {e.name: e for e in encodings}
    derived = set(cfg.ratios)
    output: list[str] = []
    for c in state.frame.columns:
        if c in kept:
            output += kept[c].outputs
        elif c in encoded:
            output += encoded[c].outputs
    needed = {n for pair in cfg.ratios.values() for n in pair}
    inputs = [
        c
        for c in state.frame.columns
        if c not in derived and (c in kept or c in encoded or c in needed)
    ]
    if cols.target:
        output.append(cols.target)
    _refuse_name_clashes(output)
    return Plan(
        input_columns=inputs,
        columns=plans,
        output_columns=output,
        target=cols.target,
        loss=state.loss,
        n_classes=cfg.n_classes,
        invalid_labels=cfg.invalid_labels,
        label_map={str(k): v for k, v in cfg.label_map.items()},
        dtype=cfg.dtype,
        dtype_overflow=cfg.dtype_overflow,
        encodings=encodings,
        dropped=dropped,
        coerced=list(cols.coerced),
        number_formats={c: f for c, f in cols.coerced.items() if f != "plain"},
    )
