"""Plain text for people: compact numbers, cell values, one sentence per action.

Shared by the renderers (HTML, terminal). No markup is produced here: the
HTML template escapes everything, the terminal renderer escapes rich markup.
"""

from __future__ import annotations

import math
import re
from typing import Any

from nanclean.findings import Action, ActionKind

__all__ = ["describe_action", "format_number", "format_value", "plural"]


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


def format_value(value: Any) -> str:
    """A cell value as shown in the report: numbers compact, strings quoted."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return repr(value)
    return format_number(value)


def describe_action(a: Action) -> str:
    """One plain sentence for what an action did (no markup; the template escapes)."""
    d = a.details
    n = a.count
    cells = plural(n, "cell")
    match a.kind:
        case ActionKind.IMPUTED:
            return (
                f"imputed {plural(n, 'missing cell')} with the {d.get('strategy')} "
                f"{format_number(d.get('value'))}"
            )
        case ActionKind.INF_CLIPPED:
            return (
                f"clipped {n} {format_number(d.get('value'))} {'cell' if n == 1 else 'cells'} "
                f"to {format_number(d.get('bound'))}"
            )
        case ActionKind.INF_NULLED:
            return (
                f"turned {n} {format_number(d.get('value'))} into missing, then imputed"
            )
        case ActionKind.OUTLIER_CLIPPED:
            return (
                f"clipped {plural(n, 'outlier')} to [{format_number(d.get('low'))}, "
                f"{format_number(d.get('high'))}]"
            )
        case ActionKind.OUTLIER_NULLED:
            return f"turned {plural(n, 'outlier')} into missing, then imputed"
        case ActionKind.OUTLIER_FLAGGED:
            return f"flagged {plural(n, 'outlier')}, left as they are"
        case ActionKind.RATIO_NULLED:
            return (
                f"set {cells} to missing where the denominator {d.get('denominator')!r} "
                f"is (near) zero, then imputed"
            )
        case ActionKind.RATIO_EPS:
            return (
                f"divided by ±{format_number(d.get('tolerance'))} instead of a (near) "
                f"zero {d.get('denominator')!r} in {cells}"
            )
        case ActionKind.DTYPE_CLIPPED:
            return f"clipped {cells} to {d.get('dtype')}'s range ±{format_number(d.get('limit'))}"
        case ActionKind.ROWS_DROPPED:
            return f"dropped {plural(n, 'row')} ({str(d.get('reason', '')).replace('_', ' ')})"
        case ActionKind.COLUMN_DROPPED:
            return f"dropped the column ({str(d.get('reason', '')).replace('_', ' ')})"
        case ActionKind.LEFT_UNSCALED:
            return (
                f"left unscaled ({d.get('reason')}), centered at "
                f"{format_number(d.get('center'))}"
            )
        case ActionKind.SCALED:
            return (
                f"scaled ({d.get('method')}): (x − {format_number(d.get('center'))}) / "
                f"{format_number(d.get('scale'))}"
            )
        case ActionKind.ENCODED:
            cats = d.get("categories") or []
            return f"encoded ({d.get('method')}), {plural(len(cats), 'category', 'categories')}"
        case ActionKind.LABEL_MAPPED:
            return f"mapped labels {d.get('mapping')}"
        case ActionKind.INDICATOR_ADDED:
            return "added as a 0/1 indicator column"
        case ActionKind.DERIVED:
            return (
                f"derived as {d.get('numerator')!r} / {d.get('denominator')!r} "
                "(with the zero-denominator policy)"
            )
    return f"{a.kind.value.replace('_', ' ')} ({cells})"
