"""Detectors: one module per family, each returning polars expressions.

A detector never runs a query. It turns column statistics (from the first,
statistics pass) into :class:`Flag` objects: a boolean polars expression that
is True on every offending cell, plus how to describe what it finds. The
scanner collects the counts and row ids of every flag in one more pass.
"""

from nanclean.checks.base import Flag, num

__all__ = ["Flag", "num"]
