"""Strict JSON: non-finite numbers as strings, row-label lists on one line.

The JSON report and the Plan are written through these two functions, so a
NaN or an infinity never reaches the file as a ``NaN`` / ``Infinity`` token.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

__all__ = ["dumps", "json_safe"]


def json_safe(value: Any) -> Any:
    """Recursively make ``value`` strict-JSON-able (non-finite floats → strings)."""
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if all(type(v) is int for v in value):  # row labels: millions, all plain
            return list(value)
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return json_safe(value.item())
    if isinstance(value, str | int | bool) or value is None:
        return value
    return str(value)


_PLACEHOLDER = re.compile(r'"\\u0000nanclean:(\d+)"')


def dumps(data: dict[str, Any], indent: int | None) -> str:
    """JSON text; with ``indent``, lists of plain values stay on one line.

    Row-label lists can hold millions of entries: one line each would double
    the file and make it unreadable. Each such list is swapped for a
    placeholder, the document is indented, then the placeholders are replaced
    by the compact lists (falling back to plain indentation should a
    placeholder ever collide with a string in the data).
    """
    if indent is None:
        return json.dumps(data, allow_nan=False)
    inline: list[str] = []

    def swap(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            if value and all(
                v is None or isinstance(v, str | int | float) for v in value
            ):
                inline.append(json.dumps(value, allow_nan=False))
                return f"\x00nanclean:{len(inline) - 1}"
            return [swap(v) for v in value]
        return value

    text = json.dumps(swap(data), indent=indent, allow_nan=False)
    parts = _PLACEHOLDER.split(text)
    if sorted(int(p) for p in parts[1::2]) != list(range(len(inline))):
        return json.dumps(data, indent=indent, allow_nan=False)
    for i in range(1, len(parts), 2):
        parts[i] = inline[int(parts[i])]
    return "".join(parts)
