"""What every detector reads (:class:`Context`) and returns (:class:`Flag`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import polars as pl

from nanclean.findings import Finding, FindingKind, Severity

if TYPE_CHECKING:
    from nanclean.columns import Columns
    from nanclean.config import CleanConfig
    from nanclean.stats import Profile

__all__ = ["Context", "Detector", "Flag"]


@dataclass
class Flag:
    """A cell-level check: ``mask`` is True on every offending cell.

    ``message(n=count, rows=preview)`` builds the finding's message once the
    count and a preview of the row labels are known (a lambda, or the
    ``format`` of a string with ``{n}`` and ``{rows}``); it must say what is
    wrong and the fix.
    """

    kind: FindingKind
    column: str
    mask: pl.Expr
    severity: Severity
    message: Callable[..., str]
    details: dict[str, Any] = field(default_factory=dict)
    values: pl.Expr | None = (
        None  # what to show as example values (default: the column)
    )
    #: Promises that let the flag pass evaluate ``mask`` only on the few cells
    #: that can be flagged instead of on every row: ``mask`` reads only
    #: ``column``, is False on nulls, and flags only values outside
    #: ``outside = (low, high)`` (NaN is outside every range) or only values
    #: within ``inside = (low, high)``.
    outside: tuple[float, float] | None = None
    inside: tuple[float, float] | None = None


@dataclass(frozen=True)
class Context:
    """What a detector may read besides its column's profile: the config, the
    columns' roles, every column's profile and the loss."""

    config: CleanConfig
    columns: Columns
    profiles: Mapping[str, Profile]
    loss: str

    def is_feature(self, column: str) -> bool:
        return column != self.columns.target


class Detector(Protocol):
    """The one interface of every module in ``nanclean.checks``: the column-level
    findings (no cells to collect) and the flags (cells the flag pass collects)
    of one numeric column, the target included."""

    def __call__(
        self, column: str, profile: Profile, ctx: Context
    ) -> list[Flag | Finding]: ...
