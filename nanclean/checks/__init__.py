"""Detectors: one module per family, each exposing ``detect``.

A detector never runs a query. ``detect(column, profile, ctx)`` (the
:class:`~nanclean.checks.base.Detector` interface) turns one column's
statistics (from the statistics pass) into column-level findings and
:class:`Flag` objects: a boolean polars expression that is True on every
offending cell, plus how to describe what it finds. The scanner calls every
detector of :data:`DETECTORS` on every numeric column and collects the counts
and row ids of every flag in one more pass. A new detector is one module and
one line here.
"""

from nanclean.checks import (
    constant,
    denominators,
    domains,
    dtype_range,
    labels,
    missing,
    nonfinite,
    outliers,
)
from nanclean.checks.base import Context, Detector, Flag

__all__ = ["DETECTORS", "Context", "Detector", "Flag"]

DETECTORS: tuple[Detector, ...] = (
    missing.detect,
    nonfinite.detect,
    outliers.detect,
    constant.detect,
    dtype_range.detect,
    labels.detect,
    denominators.detect,
    domains.detect,
)
