"""The training guard: name the step, the layer and the rows behind a NaN loss.

::

    nanclean.guard.incident   Incident, Quarantine: plain data, JSON round-trip
    nanclean.guard.bisect     bisect: ddmin over the rows of a frame
    nanclean.guard.torch      NanGuard: hooks on a torch model (imports torch)
    nanclean.guard.keras      NanGuardCallback: a Keras 3 callback (imports keras)

Use them as ``nanclean.bisect``, ``from nanclean.torch import NanGuard`` and
``from nanclean.keras import NanGuardCallback``. This package imports neither
torch nor keras; each framework module does.
"""

from nanclean.guard.bisect import BisectResult, bisect
from nanclean.guard.incident import Incident, Quarantine, QuarantineEntry

__all__ = ["BisectResult", "Incident", "Quarantine", "QuarantineEntry", "bisect"]
