"""Safe derived features: a ratio with an explicit zero-denominator policy (D2, D3, D12).

``x / (y + 1e-10)`` is the classic non-fix: in float32 ``1 + 1e-10 == 1``, and
when ``y`` is 1e-38 the quotient still overflows. :func:`ratio` decides what a
zero denominator means *before* dividing, with "near zero" relative to the
denominator's own scale and the training dtype's resolution.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from nanclean.config import CHOICES
from nanclean.dtypes import float_info
from nanclean.errors import ConfigError, PolicyError, format_rows

__all__ = ["divide", "near_zero_tolerance", "ratio"]


def near_zero_tolerance(denominator: pl.Expr, dtype: str = "float32") -> pl.Expr:
    """``max(eps(dtype) · median(|d| ≠ 0), tiny(dtype))`` as a scalar expression."""
    info = float_info(dtype)
    a = denominator.cast(pl.Float64).abs()
    typical = a.filter(a.is_finite() & (a > 0)).median().fill_null(0.0)
    return pl.max_horizontal(typical * info.eps, pl.lit(info.tiny))


def ratio(
    numerator: str | pl.Expr,
    denominator: str | pl.Expr,
    *,
    on_zero: str = "null",
    dtype: str = "float32",
    tolerance: float | None = None,
) -> pl.Expr:
    """``numerator / denominator`` with an explicit policy for (near-)zero denominators.

    Parameters
    ----------
    numerator, denominator : str or polars.Expr
    on_zero : {"null", "drop_row", "error", "eps"}, default="null"
        ``null``: the ratio is null where the denominator is near zero (impute it
        later, or let ``clean`` do it). ``drop_row``: also null — drop those rows
        with ``.drop_nulls(name)``; ``clean`` with ``ratio_on_zero="drop_row"``
        drops and lists them. ``error``: raise :class:`PolicyError` naming the
        rows. ``eps``: the denominator's magnitude is raised to the tolerance
        (keeping its sign), an eps that the dtype can actually see.
    dtype : {"float32", "float16", "bfloat16", "float64"}, default="float32"
        The dtype the model trains in: "near zero" is relative to its resolution.
    tolerance : float, optional
        ``|d| <= tolerance`` counts as zero. Default: ``max(eps(dtype) ·
        median(|d| ≠ 0), tiny(dtype))`` over the frame.

    Examples
    --------
    >>> import polars as pl, nanclean as nc
    >>> df = pl.DataFrame({"gmv": [10.0, 20.0, 30.0], "orders": [2.0, 0.0, 1e-39]})
    >>> df.select(per_order=nc.ratio("gmv", "orders"))["per_order"].to_list()
    [5.0, None, None]
    """
    if on_zero not in CHOICES["ratio_on_zero"]:
        raise ConfigError(
            f"on_zero must be one of {', '.join(map(repr, CHOICES['ratio_on_zero']))}; "
            f"got {on_zero!r}."
        )
    if dtype not in CHOICES["dtype"]:
        raise ConfigError(
            f"dtype must be one of {', '.join(map(repr, CHOICES['dtype']))}; got {dtype!r}."
        )
    den = pl.col(denominator) if isinstance(denominator, str) else denominator
    tol = (
        pl.lit(tolerance)
        if tolerance is not None
        else near_zero_tolerance(den.cast(pl.Float64), dtype)
    )
    if on_zero == "error":
        name = denominator if isinstance(denominator, str) else "denominator"
        plain, zero = divide(numerator, denominator, on_zero=None, tolerance=tol)
        both = pl.struct(ratio=plain, zero=zero)
        return both.map_batches(_refuse_zeros(name), return_dtype=pl.Float64)
    return divide(numerator, denominator, on_zero=on_zero, tolerance=tol)[0]


def divide(
    numerator: str | pl.Expr,
    denominator: str | pl.Expr,
    *,
    on_zero: str | None,
    tolerance: float | pl.Expr = 0.0,
) -> tuple[pl.Expr, pl.Expr]:
    """The one ratio builder: ``(quotient, zero)`` as Float64 expressions.

    ``zero`` is True where ``|denominator| <= tolerance``. ``on_zero``: None
    divides plainly (what a scan profiles: ±inf and NaN where it is 0);
    ``"eps"`` raises the denominator's magnitude to the tolerance, keeping its
    sign; any other policy makes the quotient null there (``drop_row`` and
    ``error`` act on ``zero`` themselves).
    """
    num = pl.col(numerator) if isinstance(numerator, str) else numerator
    den = pl.col(denominator) if isinstance(denominator, str) else denominator
    num, den = num.cast(pl.Float64), den.cast(pl.Float64)
    tol = tolerance if isinstance(tolerance, pl.Expr) else pl.lit(float(tolerance))
    zero = (den.abs() <= tol).fill_null(False)
    if on_zero is None:
        return num / den, zero
    if on_zero == "eps":
        nudged = pl.when(den < 0).then(-tol).otherwise(tol)
        return num / pl.when(zero).then(nudged).otherwise(den), zero
    return pl.when(zero).then(None).otherwise(num / den), zero


def _refuse_zeros(name: str) -> Callable[[pl.Series], pl.Series]:
    def check(both: pl.Series) -> pl.Series:
        rows = both.struct.field("zero").arg_true().to_list()
        if rows:
            raise PolicyError(
                f"Denominator {name!r} is zero or near zero in {len(rows)} rows "
                f"({format_rows(rows)}) and on_zero='error'. Fix: use on_zero='null' "
                "or 'drop_row', or correct the data."
            )
        return both.struct.field("ratio")

    return check
