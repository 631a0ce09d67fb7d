"""nanclean: find, repair and audit the data that turns a training loss into NaN.

The public names are listed in ``__all__``; torch and keras integrations
live in ``nanclean.torch`` / ``nanclean.keras`` and are never imported here.
"""

from nanclean.config import CleanConfig
from nanclean.errors import NancleanError, NancleanWarning
from nanclean.findings import Finding, FindingKind, Severity
from nanclean.report.model import AuditReport, ColumnStats
from nanclean.scan import scan

__all__ = [
    "AuditReport",
    "CleanConfig",
    "ColumnStats",
    "Finding",
    "FindingKind",
    "NancleanError",
    "NancleanWarning",
    "Severity",
    "scan",
]

__version__ = "0.1.0"
