"""The detector interface, the flag pass's exactness on many flagged cells, and
the one number formatter.

Expected rows are computed with numpy from the same data.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from helpers import one
from hypothesis import given, settings
from hypothesis import strategies as st

import nanclean as nc
import nanclean.checks
from nanclean import FindingKind, Severity
from nanclean.checks import DETECTORS, Context, Flag
from nanclean.checks.constant import is_constant
from nanclean.expr import num
from nanclean.report.model import ColumnStats

CHECKS = Path(nanclean.checks.__file__).parent
FAMILIES = sorted(
    m.name for m in pkgutil.iter_modules([str(CHECKS)]) if m.name != "base"
)


def scanner_module():
    """The module that runs the detectors (``nanclean.scan`` is the function)."""
    return importlib.import_module("nanclean.scanner")


def test_every_family_exposes_detect_and_is_wired_once():
    detects = [importlib.import_module(f"nanclean.checks.{m}").detect for m in FAMILIES]
    assert sorted(d.__module__ for d in DETECTORS) == sorted(
        d.__module__ for d in detects
    )
    assert len(set(DETECTORS)) == len(DETECTORS) == len(FAMILIES)


def test_a_new_detector_is_one_function_and_one_line(monkeypatch):
    """A detector appended to DETECTORS gets its exact rows from the flag pass."""

    def sevens(column: str, profile, ctx: Context) -> list:
        if not ctx.is_feature(column):
            return []
        return [
            Flag(
                FindingKind.LOG_DOMAIN,
                column,
                num(column) == 7.0,
                Severity.WARNING,
                "{n} sevens in rows {rows}".format,
                inside=(7.0, 7.0),
            )
        ]

    module = scanner_module()
    monkeypatch.setattr(module, "DETECTORS", (*module.DETECTORS, sevens))
    a = np.arange(40, dtype=float) % 9
    report = nc.scan(pl.DataFrame({"a": a, "y": np.ones(40)}), target="y")
    f = one(report, "log_domain", "a")
    assert f.rows == np.flatnonzero(a == 7).tolist()
    assert f.count == int((a == 7).sum())
    assert "y" not in {g.column for g in report.findings if g.kind == "log_domain"}


def test_checks_do_not_import_the_report_renderers():
    for path in CHECKS.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [
            node.module or ""
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        ]
        assert not [n for n in names if n.startswith("nanclean.report.text")], path


def test_one_number_formatter():
    from nanclean import formatting
    from nanclean.report import text

    assert text.format_number is formatting.format_number
    assert text.plural is formatting.plural
    assert formatting.format_number(65504.0) == "65504"
    assert formatting.format_number(1.5e9) == "1.5e9"
    assert formatting.format_number(None) == "–"


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(3.0, 3.0, True), (3.0, 4.0, False), (None, None, False)],
)
def test_is_constant(low, high, expected):
    stats = ColumnStats(name="a", dtype="Float64", role="feature", count=3)
    stats.min, stats.max = low, high
    assert is_constant(stats) is expected


def test_fit_and_scan_agree_on_constant():
    df = pl.DataFrame({"c": [2.5] * 20, "x": np.arange(20.0)})
    report = nc.scan(df)
    assert one(report, "constant", "c").count == 20
    result = nc.clean(df)
    assert result.plan.column("c").train_constant


def test_a_column_flagged_almost_everywhere_keeps_exact_rows_and_examples():
    """An id-like column overflows float16 in nearly every cell: every row is
    listed, and the examples are the five largest magnitudes, largest first,
    ties in row order."""
    rng = np.random.default_rng(3)
    n = 5_000
    ids = rng.integers(0, 10**6, n).astype(float)
    ids[[10, 20, 30]] = 5e6  # a three-way tie at the top
    ids[rng.integers(0, n, 40)] = np.nan
    report = nc.scan(pl.DataFrame({"ids": ids}))
    f = one(report, "fp16_overflow", "ids")
    big = np.isfinite(ids) & (np.abs(ids) > 65504)
    assert f.rows == np.flatnonzero(big).tolist()
    order = np.argsort(-np.abs(np.where(big, ids, 0)), kind="stable")[:5]
    assert [v for _, v in f.examples] == ids[order].tolist()
    assert [r for r, _ in f.examples] == order.tolist()
    assert [r for r, _ in f.examples][:3] == [10, 20, 30]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-5, 5), min_size=0, max_size=40),
    st.integers(1, 6),
)
def test_most_extreme_is_a_stable_descending_sort(values, k):
    key = np.array(values, dtype=float)
    picked = scanner_module()._most_extreme(key, k)
    assert picked.tolist() == np.argsort(-key, kind="stable")[:k].tolist()


def test_the_scanner_module_is_not_shadowed_by_the_function():
    """``nanclean.scan`` is the function; the module that defines it is
    ``nanclean.scanner`` (parallel to ``nanclean.cleaner``)."""
    import nanclean.scanner as module

    assert module.__name__ == "nanclean.scanner"
    assert module.scan is nc.scan
    assert callable(nc.scan) and nc.scan.__module__ == "nanclean.scanner"
