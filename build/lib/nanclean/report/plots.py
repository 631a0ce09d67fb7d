"""Geometry of the inline SVG histograms: numbers in, path strings and ticks out.

The template draws the elements; this module only computes where they go, so
nothing from the data reaches the SVG except through the template's
autoescaping.

The before and after histograms share one x axis. When the histogram's range
is extreme (``scale == "symlog"`` in ``stats.histogram``: a 10^12 outlier
beside values around 1) a plain log axis would still squash the bulk of the
data into a sliver, so the axis is linear over the *core* — the middle 98% of
the values, the output's range and the clip bounds — and log-scaled beyond it
(each tail gets a fifth of the width, marked by a break). A value of 1e12 and
the shape of the bulk are then both visible. Bar heights are densities on the
drawn axis (rows per pixel), so the areas of the two histograms compare.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from nanclean.report.text import format_number

__all__ = ["HEIGHT", "WIDTH", "histogram_chart"]

WIDTH = 320
HEIGHT = 108
_LEFT, _RIGHT = 8.0, 8.0
_TOP, _BASE = 6.0, 90.0  # bars stand on y = _BASE; tick labels below it
_MIN_BAR = 2.0  # a bin with one row in a million is still visible
_MIN_OUTSIDE = 6.0  # ... and one beyond the clip bounds stands out
_MIN_WIDTH = 3.0
_MIN_TICK_GAP = 46.0
_TAIL = 0.2  # share of the width of each log-scaled tail
_TAIL_RATIO = 2.0  # a tail longer than this many core widths gets its own scale

Bar = tuple[float, float, float, float, float]  # x0, x1, edges a, b, rows per px


def histogram_chart(
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    bounds: tuple[float, float] | None = None,
    core: Sequence[float | None] = (),
) -> dict[str, Any] | None:
    """Paths, ticks and markers of the before / after histograms on one axis.

    Parameters
    ----------
    before, after : dict or None
        ``stats.histogram`` dicts (``edges``, ``counts``, ``scale``); ``after``
        already in input units.
    bounds : (low, high), optional
        The clip bounds: markers when inside the axis; bins of ``before``
        outside them are drawn apart (``outside``).
    core : values that the linear part of an extreme axis must show
        (typically the 1% and 99% quantiles of the input).
    """
    hists = [h for h in (before, after) if h and h.get("edges")]
    if not hists:
        return None
    lo = min(float(h["edges"][0]) for h in hists)
    hi = max(float(h["edges"][-1]) for h in hists)
    if lo == hi:  # a constant column: one value, give it some room
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    extreme = any(h.get("scale") == "symlog" for h in hists)
    axis = _Axis.fit(lo, hi, extreme, _core(lo, hi, after, bounds, core))
    bars = {
        name: _bars(h, axis.x)
        for name, h in (("before", before), ("after", after))
        if h
    }
    peak = max((d for group in bars.values() for *_, d in group if d > 0), default=1.0)
    low, high = bounds if bounds else (None, None)

    def outside(a: float, b: float) -> bool:  # the whole bin is beyond a bound
        return (low is not None and b <= low) or (high is not None and a >= high)

    def path(name: str, keep: Callable[[float, float], bool], least: float) -> str:
        parts = []
        for x0, x1, a, b, density in bars.get(name, []):
            if density <= 0 or not keep(a, b):
                continue
            h = max(density / peak * (_BASE - _TOP), least)
            parts.append(f"M{x0:.1f} {_BASE:.0f}V{_BASE - h:.1f}H{x1:.1f}V{_BASE:.0f}Z")
        return "".join(parts)

    return {
        "width": WIDTH,
        "height": HEIGHT,
        "base": _BASE,
        "left": _LEFT,
        "right": WIDTH - _RIGHT,
        "scale": "linear" if not axis.tails else "log_tails",
        "core": [format_number(axis.a), format_number(axis.b)] if axis.tails else None,
        "before": path("before", lambda a, b: not outside(a, b), _MIN_BAR),
        "outside": path("before", outside, _MIN_OUTSIDE),
        "after": path("after", lambda a, b: True, _MIN_BAR),
        "ticks": _ticks(axis),
        "breaks": [round(axis.x(v), 1) for v in axis.tails],
        "markers": [
            {"x": round(axis.x(v), 1), "label": format_number(v), "side": side}
            for side, v in (("low", low), ("high", high))
            if v is not None and lo <= v <= hi
        ],
    }


def _core(
    lo: float,
    hi: float,
    after: dict[str, Any] | None,
    bounds: tuple[float, float] | None,
    hints: Sequence[float | None],
) -> tuple[float, float]:
    """The range the linear part must show: hints, the output's range, the bounds."""
    values = [float(v) for v in hints if v is not None and math.isfinite(v)]
    if after and after.get("edges"):
        values += [float(after["edges"][0]), float(after["edges"][-1])]
    if bounds:
        values += [v for v in bounds if lo <= v <= hi]
    if not values:
        return lo, hi
    a, b = max(min(values), lo), min(max(values), hi)
    pad = (b - a) * 0.05 or abs(a) * 0.1 or 1.0
    return max(a - pad, lo), min(b + pad, hi)


class _Axis:
    """A linear axis over [a, b] with optional log-scaled tails to lo and hi."""

    def __init__(self, lo: float, hi: float, a: float, b: float) -> None:
        self.lo, self.hi, self.a, self.b = lo, hi, a, b
        self.tails = [v for v, on in ((a, a > lo), (b, b < hi)) if on]
        width = WIDTH - _LEFT - _RIGHT
        self.tail_w = width * _TAIL
        self.x_a = _LEFT + (self.tail_w if a > lo else 0.0)
        self.x_b = WIDTH - _RIGHT - (self.tail_w if b < hi else 0.0)
        self.u = (b - a) / 10 or 1.0  # the log tails' unit: a tenth of the core

    @classmethod
    def fit(
        cls, lo: float, hi: float, extreme: bool, core: tuple[float, float]
    ) -> _Axis:
        if not extreme:
            return cls(lo, hi, lo, hi)
        a, b = core
        width = (b - a) or 1.0
        # a short tail stays on the linear part; a long one gets a log scale
        a = a if a - lo > _TAIL_RATIO * width else lo
        b = b if hi - b > _TAIL_RATIO * width else hi
        return cls(lo, hi, a, b)

    def x(self, v: float) -> float:
        if v < self.a:
            return self.x_a - self.tail_w * self._log(self.a - v, self.a - self.lo)
        if v > self.b:
            return self.x_b + self.tail_w * self._log(v - self.b, self.hi - self.b)
        span = (self.b - self.a) or 1.0
        return self.x_a + (v - self.a) / span * (self.x_b - self.x_a)

    def _log(self, d: float, total: float) -> float:
        return math.log10(1 + d / self.u) / math.log10(1 + total / self.u)


def _bars(hist: dict[str, Any], x_of: Callable[[float], float]) -> list[Bar]:
    """(x0, x1, the bin's edges in data units, rows per pixel) of every bin."""
    edges = [float(e) for e in hist["edges"]]
    out = []
    for i, count in enumerate(hist["counts"]):
        a, b = edges[i], edges[i + 1]
        x0, x1 = x_of(a), x_of(b)
        density = count / max(x1 - x0, 1.0)
        if x1 - x0 < _MIN_WIDTH and count:  # narrow (or single-value): widen it
            mid_x = (x0 + x1) / 2
            x0, x1 = mid_x - _MIN_WIDTH / 2, mid_x + _MIN_WIDTH / 2
        out.append((x0, x1, a, b, density))
    return out


def _ticks(axis: _Axis) -> list[dict[str, Any]]:
    """Tick positions and labels, placed by priority, never closer than a label.

    The core's round numbers first, then the ends of the log tails, then the
    powers of ten inside the tails.
    """
    candidates = _linear_ticks(axis.a, axis.b)
    if axis.a > axis.lo:
        candidates.append(axis.lo)
    if axis.b < axis.hi:
        candidates.append(axis.hi)
    for start, end in ((axis.b, axis.hi), (axis.lo, axis.a)):
        candidates += [
            sign * 10.0**k
            for k in range(308, -31, -1)
            for sign in (1.0, -1.0)
            if start < sign * 10.0**k < end
        ]
    placed: list[tuple[float, float]] = []
    for v in candidates:
        x = axis.x(v)
        if all(abs(x - px) >= _MIN_TICK_GAP for px, _ in placed):
            placed.append((x, v))
    placed.sort()
    right = WIDTH - _RIGHT - 16
    return [
        {
            "x": round(x, 1),
            "label": format_number(v),
            "anchor": "start" if x < _LEFT + 16 else "end" if x > right else "middle",
        }
        for x, v in placed
    ]


def _linear_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    raw = (hi - lo) / target
    if raw <= 0 or not math.isfinite(raw):
        return [lo]
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    out = []
    k = 0
    while first + k * step <= hi + step * 1e-9 and k < 50:
        v = first + k * step
        out.append(0.0 if abs(v) < step * 1e-9 else v)
        k += 1
    return out
