"""The common part of every hand-off: a CleanResult → verified numpy arrays.

The torch and keras hand-offs build on :func:`to_arrays`. It checks, before
anything leaves nanclean, that

- every feature (and the target, when one is asked for) is a numeric column;
- every feature and target value is finite (no NaN, ±inf, null) and within the
  finite range of the dtype the model will train in (float16 overflows above
  65504, see ``nanclean.dtypes``);
- the target lies in its loss's domain; class ids for ``loss="ce"`` become int64.

A result from ``clean`` passes by construction (the dtype guard and the
Pandera contract already ran); the check is there for the cases where it does
not: an ``outlier_action="flag"`` policy that leaves a huge value in place, a
result cleaned for float32 but handed over as float16, or a result built by
hand. The check runs as one polars pass over the cleaned frame; the rows of a
failing column are looked up only on failure.

Arrays are made once. A result of ``clean`` / ``transform`` holds its output
as one C-ordered matrix (``CleanResult.output``), verified against the
contract when it was written: handed over in the plan's dtype (or a wider
one) it is shared, not copied or checked again. Otherwise the feature matrix
is one C-contiguous, writeable copy of the (columnar) polars frame in float32
(float64 for ``dtype="float64"``). ``torch.from_numpy`` then shares it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from nanclean.checks.labels import DOMAINS, domain_mask
from nanclean.dtypes import DTYPES, float_info
from nanclean.errors import HandoffError, format_rows
from nanclean.findings import RowLabels

if TYPE_CHECKING:
    from nanclean.result import CleanResult, Output

__all__ = ["SUPPORTED_DTYPES", "HandoffArrays", "check_dtype", "to_arrays"]

#: The training dtypes a hand-off verifies ranges for.
SUPPORTED_DTYPES = ("float32", "float16", "bfloat16", "float64")

_FLOAT32_MAX = float(np.finfo(np.float32).max)

#: Numpy can hold these directly (it has no bfloat16).
_NUMPY = {"float32": np.float32, "float16": np.float16, "float64": np.float64}


@dataclass(frozen=True)
class HandoffArrays:
    """Verified arrays of one result, ready for a framework.

    Attributes
    ----------
    x : numpy.ndarray
        ``(n_rows, n_features)`` float32 (float64 when ``dtype="float64"``),
        C-contiguous and writeable, every value finite and within ``dtype``'s range.
    y : numpy.ndarray or None
        ``(n_rows,)`` int64 class ids for ``loss="ce"``, else the same float
        dtype as ``x``; None when no target was asked for.
    row_ids : numpy.ndarray
        ``(n_rows,)`` int64: the 0-based input position of each row.
    labels : RowLabels
        Maps ``row_ids`` to the caller's row labels.
    features : list of str
    target : str or None
    loss : str
    dtype : str
        The training dtype the values were verified against.
    """

    x: np.ndarray
    y: np.ndarray | None
    row_ids: np.ndarray
    labels: RowLabels
    features: list[str]
    target: str | None
    loss: str
    dtype: str

    def row_labels(self, row_ids: Any) -> list[Any]:
        """The caller's row labels of the given row ids (input positions)."""
        return self.labels(np.asarray(row_ids, dtype=np.int64).reshape(-1))


def check_dtype(dtype: str | None, default: str, *, framework: str) -> str:
    """The training dtype's name, or a HandoffError naming the supported ones."""
    name = default if dtype is None else str(dtype)
    if name not in SUPPORTED_DTYPES:
        raise HandoffError(
            f"Cannot hand this result to {framework} as dtype {dtype!r}: the "
            f"supported training dtypes are {', '.join(SUPPORTED_DTYPES)}. Fix: "
            "pass one of them (class ids for loss='ce' become int64 on their own)."
        )
    return name


def to_arrays(
    result: CleanResult,
    *,
    dtype: str,
    target: bool,
    framework: str = "numpy",
) -> HandoffArrays:
    """Verify ``result`` for training in ``dtype`` and return its arrays.

    Parameters
    ----------
    result : CleanResult
    dtype : {"float32", "float16", "bfloat16", "float64"}
        The dtype the model trains in: values are checked against its range.
    target : bool
        Whether a target is required (a result without one raises). When
        False, a present target is still returned and checked.
    framework : str, default="numpy"
        Named in error messages.

    Raises
    ------
    HandoffError
        A missing or non-numeric column, a missing target, a value that is not
        finite or beyond ``dtype``'s range, or a label outside the loss's domain.
    """
    dtype = check_dtype(dtype, "float32", framework=framework)
    if not result.in_memory:
        raise HandoffError(
            "This result was cleaned batch by batch (a file or a Dask DataFrame) and "
            f"is not in memory: nothing to hand to {framework}. Fix: read the cleaned "
            "file (or .compute() the Dask frame, result.frame) and pass it on, or "
            "clean data that fits in memory."
        )
    features = list(result.feature_names)
    plan = result.plan
    if target:
        result._require_target()
    target_name = result.target
    row_ids = np.ascontiguousarray(result.row_ids, dtype=np.int64)
    verified = result.output
    if verified is not None and float_info(dtype).max >= float_info(plan.dtype).max:
        return _verified_arrays(result, verified, dtype, row_ids)
    data = result.data
    if len(row_ids) != data.height:
        raise HandoffError(
            f"This result has {data.height} rows but {len(row_ids)} row ids, so the "
            "rows of a batch could not be traced back to the input. Fix: build the "
            "CleanResult with one row id per row (clean / Cleaner.transform do)."
        )
    _check_columns(data, features, target_name, framework)
    _check_values(result, features, target_name, dtype, framework)
    store = pl.Float64 if dtype == "float64" else pl.Float32
    selected = data.select(pl.col(f).cast(store) for f in features)
    x = _writeable(selected.to_numpy(order="c"))  # row-major in one copy
    if x.ndim != 2:  # a frame without feature columns
        x = x.reshape(data.height, len(features))
    y = None
    if target_name is not None:
        ys = data.get_column(target_name)
        ys = ys.cast(pl.Int64) if plan.loss == "ce" else ys.cast(store)
        y = _writeable(ys.to_numpy())
    return HandoffArrays(
        x, y, row_ids, result.labels, features, target_name, plan.loss, dtype
    )


def _verified_arrays(
    result: CleanResult, output: Output, dtype: str, row_ids: np.ndarray
) -> HandoffArrays:
    """The arrays of a clean's own output: proved finite and within the plan's
    dtype (at least as narrow as ``dtype``) when it was written."""
    store = np.float64 if dtype == "float64" else np.float32
    x = output.x if output.x.dtype == store else output.x.astype(store)
    y = output.y
    if y is not None and result.plan.loss != "ce":
        y = y.astype(store)
    return HandoffArrays(
        x,
        y,
        row_ids,
        result.labels,
        list(output.features),
        output.target,
        result.plan.loss,
        dtype,
    )


def as_numpy_dtype(arrays: HandoffArrays, framework: str = "numpy") -> HandoffArrays:
    """The arrays with ``x`` (and a float ``y``) in ``arrays.dtype`` itself.

    bfloat16 has no numpy dtype: it is refused with the frameworks that have it.
    """
    if arrays.dtype not in _NUMPY:
        raise HandoffError(
            f"{framework} gets numpy arrays, and numpy has no {arrays.dtype}. Fix: "
            "hand over float32 and let the model cast (a Keras 'mixed_bfloat16' "
            "policy does), or use result.to_torch(dtype=torch.bfloat16)."
        )
    want = _NUMPY[arrays.dtype]
    if arrays.x.dtype == want:
        return arrays
    y = arrays.y
    if y is not None and y.dtype.kind == "f":
        y = y.astype(want)
    return HandoffArrays(
        arrays.x.astype(want),
        y,
        arrays.row_ids,
        arrays.labels,
        arrays.features,
        arrays.target,
        arrays.loss,
        arrays.dtype,
    )


# --- checks ---------------------------------------------------------------------


def _check_columns(
    data: pl.DataFrame,
    features: list[str],
    target: str | None,
    framework: str,
) -> None:
    schema = data.schema
    missing = [c for c in features if c not in schema]
    if missing:
        raise HandoffError(
            f"Cannot hand this result to {framework}: the plan names feature "
            f"column(s) {format_rows(missing)} that its data does not hold. Fix: "
            "build the CleanResult from the frame its plan produced."
        )
    wanted = features + ([target] if target else [])
    bad = [c for c in wanted if not _numeric(schema[c])]
    if bad:
        kinds = ", ".join(f"{c!r} ({schema[c]})" for c in bad[:5])
        more = f" … and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise HandoffError(
            f"Cannot hand this result to {framework}: {len(bad)} column(s) are not "
            f"numeric: {kinds}{more}. Expected float or integer columns only. Fix: "
            "clean with non_numeric='ordinal' or 'onehot' to encode them, or "
            "non_numeric='drop' (the default) to leave them out."
        )


def _numeric(dtype: pl.DataType) -> bool:
    return dtype.is_numeric() or dtype == pl.Boolean


def _check_values(
    result: CleanResult,
    features: list[str],
    target: str | None,
    dtype: str,
    framework: str,
) -> None:
    """One polars pass: count the bad cells of each column; rows only on failure."""
    data = result.data
    limit = float_info(dtype).max
    masks: dict[str, pl.Expr] = {}
    for c in features:
        # a float32 column is compared as is when the limit is a float32 number
        # (not float64's: it would round to inf); anything else as float64
        as_is = data.schema[c] == pl.Float64 or (
            data.schema[c] == pl.Float32 and limit <= _FLOAT32_MAX
        )
        x = pl.col(c) if as_is else pl.col(c).cast(pl.Float64)
        # NaN compares above every number and null is unknown: both are bad
        masks[c] = (~x.is_between(-limit, limit)).fill_null(True)
    plan = result.plan
    if target is not None:
        y = pl.col(target).cast(pl.Float64)
        bad = (~(y.abs() <= limit)) if plan.loss != "ce" else y.is_nan()
        masks[target] = (
            bad.fill_null(True) | domain_mask(target, plan.loss, plan.n_classes)
        ).fill_null(True)
    if not masks or data.height == 0:
        return
    counts = data.select(m.sum().alias(c) for c, m in masks.items()).row(0)
    failing = [c for c, n in zip(masks, counts, strict=True) if n]
    if not failing:
        return
    found = data.select(
        pl.struct(
            masks[c].arg_true().head(5).implode().alias("rows"),
            pl.col(c).filter(masks[c]).head(1).implode().alias("value"),
        ).alias(c)
        for c in failing
    ).row(0)
    total = dict(zip(masks, counts, strict=True))
    parts = []
    for c, info in zip(failing[:5], found[:5], strict=False):
        labels = result.labels(result.row_ids[np.asarray(info["rows"], np.int64)])
        value = info["value"][0] if info["value"] else None
        role = "target " if c == target else ""
        parts.append(
            f"{role}{c!r}: {total[c]} value(s) (rows {format_rows(labels, total[c])}; "
            f"e.g. {value!r})"
        )
    more = f"; … and {len(failing) - 5} more columns" if len(failing) > 5 else ""
    info = DTYPES[dtype]
    domain = (
        f" The target must also hold {DOMAINS[plan.loss]} for loss={plan.loss!r}."
        if target in failing
        else ""
    )
    raise HandoffError(
        f"Cannot hand this result to {framework} as {dtype}: {len(failing)} column(s) "
        f"hold values that are null, NaN, ±inf or beyond {dtype}'s finite range "
        f"(±{info.max:.6g}): {'; '.join(parts)}{more}. Expected every feature and "
        f"target value finite and within ±{info.max:.6g}.{domain} Fix: clean for "
        f"this dtype (config={{'dtype': {dtype!r}}}: scaling, on by default, makes "
        "the values small and the dtype guard clips what is left to this range), "
        "replace a 'flag' policy by a repairing one (outlier_action='clip'), or "
        "hand over in a wider dtype."
    )


def _writeable(array: np.ndarray) -> np.ndarray:
    """A C-contiguous, writeable array, copied only when it is not one already.

    polars may hand out a read-only view of its buffer; torch cannot share a
    read-only array (``torch.from_numpy`` warns), so such an array is copied.
    """
    return np.require(array, requirements=["C", "W"])
