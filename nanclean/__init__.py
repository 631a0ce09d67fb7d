"""nanclean: find, repair and audit the data that turns a training loss into NaN.

The public names are listed in ``__all__``. The torch and keras hand-off
(``nanclean.handoff``) is imported only when a result is handed off, and
scikit-learn (about 0.8 s to import) only when ``NanCleaner`` is first used.
The training guard's ``bisect`` loads on first use too; the guard itself lives
in ``nanclean.torch`` and ``nanclean.keras``. pandera (which imports pandas,
about 1.4 s) loads with the first schema: a clean, ``Cleaner.schema``,
``load_schema`` or ``save_schema``; pandas only with a pandas frame or pandera.
"""

from typing import TYPE_CHECKING, Any

from nanclean.cleaner import Cleaner, clean
from nanclean.config import CleanConfig
from nanclean.derive import ratio
from nanclean.errors import NancleanError, NancleanWarning
from nanclean.findings import Action, ActionKind, Finding, FindingKind, Severity
from nanclean.plan import Plan
from nanclean.report.model import AuditReport, ColumnStats
from nanclean.result import CleanResult
from nanclean.scanner import scan

if TYPE_CHECKING:
    from nanclean.guard.bisect import bisect
    from nanclean.schema import load_schema, save_schema
    from nanclean.sklearn import NanCleaner

__all__ = [
    "Action",
    "ActionKind",
    "AuditReport",
    "CleanConfig",
    "CleanResult",
    "Cleaner",
    "ColumnStats",
    "Finding",
    "FindingKind",
    "NanCleaner",
    "NancleanError",
    "NancleanWarning",
    "Plan",
    "Severity",
    "bisect",
    "clean",
    "load_schema",
    "ratio",
    "save_schema",
    "scan",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "NanCleaner":
        from nanclean.sklearn import NanCleaner

        return NanCleaner
    if name == "bisect":
        from nanclean.guard.bisect import bisect

        return bisect
    if name in ("load_schema", "save_schema"):
        import nanclean.schema

        return getattr(nanclean.schema, name)
    raise AttributeError(f"module 'nanclean' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
