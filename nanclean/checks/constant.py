"""D7: constant and near-constant columns (standardization would divide by 0)."""

from __future__ import annotations

from nanclean.checks.base import Context, Flag
from nanclean.dtypes import negligible_spread
from nanclean.findings import Finding, FindingKind, Severity
from nanclean.formatting import format_number
from nanclean.report.model import ColumnStats
from nanclean.stats import Profile

__all__ = ["detect", "is_constant"]


def is_constant(stats: ColumnStats) -> bool:
    """Every finite cell holds the same value (and there is one)."""
    return stats.min is not None and stats.min == stats.max


def detect(column: str, profile: Profile, ctx: Context) -> list[Flag | Finding]:
    """A constant or near-constant feature (a column-level finding)."""
    s = profile.stats
    if not ctx.is_feature(column) or s.min is None or s.max is None or s.finite < 2:
        return []
    fix = (
        "Fix: clean leaves it unscaled and says so (constant='keep_unscaled' by "
        "default); set constant='drop' to remove it."
    )
    if is_constant(s):
        return [
            Finding(
                FindingKind.CONSTANT,
                column,
                Severity.WARNING,
                s.finite,
                s.finite / s.count,
                f"Column {column!r} is constant ({format_number(s.min)} in every finite cell): it "
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
                f"Column {column!r} is near-constant: its range {format_number(s.max - s.min)} is "
                f"below float32's resolution at its magnitude {format_number(magnitude)} (or its "
                "smallest normal number), so in "
                f"float32 it is constant and scaling divides by ~0. {fix}",
                details={"min": s.min, "max": s.max},
            )
        ]
    return []
