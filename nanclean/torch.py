"""The PyTorch side of nanclean, in one public module.

``from nanclean.torch import NanGuard`` — the training guard
(:mod:`nanclean.guard.torch`); :class:`TabularDataset` is the hand-off that
``CleanResult.to_torch()`` / ``.dataloader()`` return, whose row ids the guard
maps back to the caller's rows. Importing this module imports torch.
"""

from nanclean.errors import NonFiniteLossError
from nanclean.guard.incident import Incident, Quarantine
from nanclean.guard.torch import NanGuard
from nanclean.handoff.torch import TabularDataset

__all__ = ["Incident", "NanGuard", "NonFiniteLossError", "Quarantine", "TabularDataset"]
