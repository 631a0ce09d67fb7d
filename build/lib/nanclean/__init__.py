"""nanclean: find, repair and audit the data that turns a training loss into NaN.

The public names are listed in ``__all__``; torch and keras integrations
live in ``nanclean.torch`` / ``nanclean.keras`` and are never imported here.
"""

from nanclean.cleaner import Cleaner, clean
from nanclean.config import CleanConfig
from nanclean.derive import ratio
from nanclean.errors import NancleanError, NancleanWarning
from nanclean.findings import Action, ActionKind, Finding, FindingKind, Severity
from nanclean.plan import Plan
from nanclean.report.model import AuditReport, ColumnStats
from nanclean.result import CleanResult
from nanclean.scan import scan
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
    "clean",
    "load_schema",
    "ratio",
    "save_schema",
    "scan",
]

__version__ = "0.1.0"
