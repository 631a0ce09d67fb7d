"""The audit report: a plain, JSON-able model (``model``) and its renderers."""

from nanclean.report.model import AuditReport, ColumnStats

__all__ = ["AuditReport", "ColumnStats"]
