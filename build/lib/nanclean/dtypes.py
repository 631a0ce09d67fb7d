"""Facts about the floating-point dtypes a model trains in (D3, D9).

Plain numbers, so that "near zero" and "in range" are judged against the
training dtype's resolution and range, never against a fixed 1e-10.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DTYPES", "FloatInfo", "float_info"]


@dataclass(frozen=True)
class FloatInfo:
    """Range and resolution of one floating-point dtype.

    Attributes
    ----------
    name : str
    max : float
        Largest finite value; beyond it a value becomes inf.
    tiny : float
        Smallest positive normal value; below it precision is lost
        (subnormal) and a reciprocal overflows.
    eps : float
        Machine epsilon: ``1 + eps`` is the next value after 1, so
        ``1 + eps / 2 == 1`` in this dtype.
    """

    name: str
    max: float
    tiny: float
    eps: float
    smallest_subnormal: float


DTYPES: dict[str, FloatInfo] = {
    "float16": FloatInfo("float16", 65504.0, 6.103515625e-05, 9.765625e-04, 5.96e-08),
    "bfloat16": FloatInfo(
        "bfloat16", 3.3895313892515355e38, 1.1754943508222875e-38, 7.8125e-03, 9.2e-41
    ),
    "float32": FloatInfo(
        "float32", 3.4028234663852886e38, 1.1754943508222875e-38, 1.1920929e-07, 1.4e-45
    ),
    "float64": FloatInfo(
        "float64", 1.7976931348623157e308, 2.2250738585072014e-308, 2.220446e-16, 5e-324
    ),
}

#: Integers above this are not all exactly representable in float32.
FLOAT32_EXACT_INT = 2.0**24


def float_info(dtype: str) -> FloatInfo:
    return DTYPES[dtype]


def negligible_spread(spread: float, magnitude: float) -> bool:
    """True when a column's spread is invisible in float32: below its resolution
    at the column's magnitude, or below its smallest normal number. Scaling such
    a column would divide by (almost) zero."""
    f32 = DTYPES["float32"]
    return spread <= max(f32.eps * magnitude, f32.tiny)
