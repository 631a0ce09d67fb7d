"""CleanResult: the cleaned data, its audit, and the hand-offs to training."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from nanclean.errors import HandoffError
from nanclean.findings import RowLabels
from nanclean.plan import Plan
from nanclean.report.model import AuditReport

__all__ = ["CleanResult"]


@dataclass
class CleanResult:
    """What ``clean`` / ``Cleaner.transform`` return.

    Attributes
    ----------
    frame : same type as the input
        The cleaned data: features (and indicator columns) in input order, then
        the target. A pandas result keeps the input's index labels.
    report : AuditReport
        Findings before cleaning and every action taken, with rows.
    plan : Plan
    row_ids : numpy.ndarray
        0-based input positions of the output rows, in order.
    data : polars.DataFrame
        The cleaned data as polars (what the hand-offs read).
    """

    frame: Any
    report: AuditReport
    plan: Plan
    row_ids: np.ndarray
    data: pl.DataFrame
    labels: RowLabels

    @property
    def rows(self) -> list[Any]:
        """The original row labels of the output rows (pandas index or position)."""
        return self.labels(self.row_ids)

    @property
    def feature_names(self) -> list[str]:
        return self.plan.features

    @property
    def target(self) -> str | None:
        return self.plan.target if self.plan.target in self.data.columns else None

    def to_numpy(self) -> tuple[np.ndarray, np.ndarray | None]:
        """``(X, y)``: float features (float32, or float64 for dtype="float64"),
        C-contiguous; ``y`` is int64 for loss="ce", float otherwise, or None."""
        x = self.data.select(self.feature_names).to_numpy(order="c")
        y = self.data.get_column(self.target).to_numpy() if self.target else None
        return x, y

    def _require_target(self) -> str:
        if self.target is None:
            raise HandoffError(
                "This result has no target column, so it cannot yield (x, y) pairs. "
                "Fix: pass target=... to clean / Cleaner.fit, or use to_numpy()[0]."
            )
        return self.target

    def _repr_html_(self) -> str:
        from nanclean.report.html import render_html

        return render_html(self.report, fragment=True)

    def __repr__(self) -> str:
        return (
            f"CleanResult({self.data.height} rows × {len(self.feature_names)} features"
            f"{', target ' + repr(self.target) if self.target else ''}; {self.report!r})"
        )
