"""D7: constant and near-constant columns (standardization would divide by 0)."""

from __future__ import annotations

from nanclean.checks.base import fmt
from nanclean.dtypes import negligible_spread
from nanclean.findings import Finding, FindingKind, Severity
from nanclean.stats import Profile

__all__ = ["findings"]


def findings(column: str, profile: Profile) -> list[Finding]:
    s = profile.stats
    if s.min is None or s.max is None or s.finite < 2:
        return []
    fix = (
        "Fix: clean leaves it unscaled and says so (constant='keep_unscaled' by "
        "default); set constant='drop' to remove it."
    )
    if s.min == s.max:
        return [
            Finding(
                FindingKind.CONSTANT,
                column,
                Severity.WARNING,
                s.finite,
                s.finite / s.count,
                f"Column {column!r} is constant ({fmt(s.min)} in every finite cell): it "
                f"carries no information and its standard deviation is 0. {fix}",
                details={"value": s.min},
            )
        ]
    magnitude = max(abs(s.min), abs(s.max))
    if negligible_spread(s.max / 2 - s.min / 2, magnitude / 2):
        return [
            Finding(
                FindingKind.NEAR_CONSTANT,
                column,
                Severity.WARNING,
                s.finite,
                s.finite / s.count,
                f"Column {column!r} is near-constant: its range {fmt(s.max - s.min)} is "
                f"below float32's resolution at its magnitude {fmt(magnitude)} (or its "
                "smallest normal number), so in "
                f"float32 it is constant and scaling divides by ~0. {fix}",
                details={"min": s.min, "max": s.max},
            )
        ]
    return []
