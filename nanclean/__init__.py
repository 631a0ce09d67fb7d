"""nanclean: find, repair and audit the data that turns a training loss into NaN.

The public names are listed in ``__all__``. Each loads on first use (the
lazy loading of scientific Python's SPEC 1), so ``import nanclean`` costs
almost nothing and a program pays for what it touches: polars and numpy with
the first scan or clean; pandera (which imports pandas, about 1.4 s) with the
first Pandera schema (``Cleaner.schema``, ``load_schema``, ``save_schema``; a
clean proves its own output with a vectorised check of the same contract);
pandas with a pandas frame; scikit-learn (about 0.8 s) with ``NanCleaner``;
torch and keras only when a result is handed off (``nanclean.handoff``) or the
training guard is used (``nanclean.torch``, ``nanclean.keras``).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nanclean.cleaner import Cleaner, clean
    from nanclean.config import CleanConfig
    from nanclean.derive import ratio
    from nanclean.errors import NancleanError, NancleanWarning
    from nanclean.findings import Action, ActionKind, Finding, FindingKind, Severity
    from nanclean.guard.bisect import bisect
    from nanclean.plan import Plan
    from nanclean.report.model import AuditReport, ColumnStats
    from nanclean.result import CleanResult
    from nanclean.scanner import scan
    from nanclean.schema import load_schema, save_schema
    from nanclean.sklearn import NanCleaner

#: Where each public name is defined (a name loads its module on first use).
_HOMES = {
    "Action": "nanclean.findings",
    "ActionKind": "nanclean.findings",
    "AuditReport": "nanclean.report.model",
    "CleanConfig": "nanclean.config",
    "CleanResult": "nanclean.result",
    "Cleaner": "nanclean.cleaner",
    "ColumnStats": "nanclean.report.model",
    "Finding": "nanclean.findings",
    "FindingKind": "nanclean.findings",
    "NanCleaner": "nanclean.sklearn",
    "NancleanError": "nanclean.errors",
    "NancleanWarning": "nanclean.errors",
    "Plan": "nanclean.plan",
    "Severity": "nanclean.findings",
    "bisect": "nanclean.guard.bisect",
    "clean": "nanclean.cleaner",
    "load_schema": "nanclean.schema",
    "ratio": "nanclean.derive",
    "save_schema": "nanclean.schema",
    "scan": "nanclean.scanner",
}

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
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'nanclean' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
