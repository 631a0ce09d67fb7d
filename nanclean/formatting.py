"""Numbers and counts in words: the one formatter of findings, errors and reports."""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["format_number", "plural"]


def plural(n: int, word: str, plural: str | None = None) -> str:
    """``1 cell``, ``2 cells``, ``12,000 cells`` (``plural`` for irregular words)."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


_EXP = re.compile(r"e([+-])0*(\d+)")


def format_number(value: Any) -> str:
    """A compact number for people: 5000, 154.4, 0.257, 1.5e9, -inf, NaN."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):  # json_safe's spelling of non-finite floats
        return {"nan": "NaN", "inf": "+inf", "-inf": "-inf"}.get(value, value)
    if not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+inf" if value > 0 else "-inf"
    if value == 0:
        return "0"
    a = abs(value)
    if 1e-3 <= a < 1e6:
        if value.is_integer():
            return str(int(value))
        decimals = max(0, 3 - math.floor(math.log10(a)))
        text = f"{value:.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return _EXP.sub(
        lambda m: "e" + ("-" if m.group(1) == "-" else "") + m.group(2),
        f"{value:.3g}",
    )
