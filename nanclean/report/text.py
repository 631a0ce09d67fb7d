"""Plain text for people: compact numbers, cell values, one sentence per action.

Shared by the renderers (HTML, terminal). No markup is produced here: the
HTML template escapes everything, the terminal renderer escapes rich markup.
"""

from __future__ import annotations

from typing import Any

from nanclean.findings import Action, ActionKind
from nanclean.formatting import format_number, plural

__all__ = ["describe_action", "format_number", "format_value", "plural"]


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
