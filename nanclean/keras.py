"""The Keras 3 side of nanclean, in one public module.

``from nanclean.keras import NanGuardCallback`` — the training guard as a
callback (:mod:`nanclean.guard.keras`); :class:`TabularPyDataset` is the
hand-off that ``CleanResult.to_keras()`` returns, whose batches the callback
maps back to the caller's rows. Importing this module imports keras: set
``KERAS_BACKEND`` (e.g. ``torch``) first.
"""

from nanclean.errors import NonFiniteLossError
from nanclean.guard.incident import Incident, Quarantine
from nanclean.guard.keras import NanGuardCallback
from nanclean.handoff.keras import TabularPyDataset

__all__ = [
    "Incident",
    "NanGuardCallback",
    "NonFiniteLossError",
    "Quarantine",
    "TabularPyDataset",
]
