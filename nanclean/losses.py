"""The losses a target can be trained with: one registry, read everywhere.

A loss fixes what a valid label is (its domain) and the dtype the target is
handed off in. Config validation, the label checks, the CLI's ``--loss``
choices and the demo's training run all read :data:`LOSSES`, so a new loss is
one entry here (plus its domain mask in ``checks/labels.py`` and its torch
criterion in ``demo.py``).

Declaration only: imports nothing of nanclean.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = ["DEFAULT_LOSS", "LOSSES", "Loss"]


@dataclass(frozen=True)
class Loss:
    """What one loss asks of its target.

    Attributes
    ----------
    name : str
        The ``loss=`` name (``"mse"``, ``"bce"``, ...).
    domain : str
        The valid labels, in words (used in findings and errors).
    dtype : {"float", "int64"}
        The target's dtype at hand-off: class ids are int64, everything else
        follows the training float dtype.
    description : str
        What the loss is, in one line (CLI help, docs).
    """

    name: str
    domain: str
    dtype: Literal["float", "int64"]
    description: str


#: Every supported loss by name, in the order the docs list them.
LOSSES: Mapping[str, Loss] = MappingProxyType(
    {
        loss.name: loss
        for loss in (
            Loss("mse", "finite values", "float", "mean squared error (regression)"),
            Loss(
                "bce",
                "values in [0, 1]",
                "float",
                "binary cross-entropy (0/1 labels or probabilities)",
            ),
            Loss(
                "ce",
                "integer class ids >= 0",
                "int64",
                "cross-entropy over class ids 0 .. n_classes-1",
            ),
            Loss("poisson", "values >= 0", "float", "Poisson deviance (counts)"),
            Loss("gamma", "values > 0", "float", "gamma deviance (positive amounts)"),
            Loss("msle", "values > -1", "float", "mean squared log error (log1p)"),
        )
    }
)

#: The loss used when none is given.
DEFAULT_LOSS = "mse"
