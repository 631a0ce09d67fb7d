"""Hand-offs: a verified CleanResult → numpy arrays, a torch Dataset, a Keras PyDataset.

::

    nanclean.handoff.numpy   to_arrays: the checks every hand-off runs, and the arrays
    nanclean.handoff.torch   TabularDataset (imports torch)
    nanclean.handoff.keras   TabularPyDataset (imports keras)

Use them through ``CleanResult.to_numpy()``, ``.to_torch()``, ``.dataloader()``
and ``.to_keras()``. This package imports neither torch nor keras; each
framework module does, and raises ``MissingDependencyError`` naming the extra
(``pip install 'nanclean[torch]'``) when its framework is missing.
"""

from nanclean.handoff.numpy import SUPPORTED_DTYPES, HandoffArrays, to_arrays

__all__ = ["SUPPORTED_DTYPES", "HandoffArrays", "to_arrays"]
