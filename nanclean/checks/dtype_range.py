"""D9: values that do not survive the training dtype.

Each overflowing cell is reported once, under the widest dtype it overflows:
``fp32_overflow`` cells (|x| > 3.4e38) overflow every training dtype,
``bf16_overflow`` cells overflow bfloat16 (and so float16), ``fp16_overflow``
cells only float16 (|x| > 65504). Severity follows the dtype the model trains
in (``CleanConfig.dtype``): an overflow of that dtype is an error.
"""

from __future__ import annotations

from nanclean.checks.base import Context, Flag
from nanclean.dtypes import DTYPES, FLOAT32_EXACT_INT
from nanclean.expr import num
from nanclean.findings import Finding, FindingKind, Severity
from nanclean.stats import Profile

__all__ = ["detect"]

_FP16, _BF16, _FP32 = DTYPES["float16"], DTYPES["bfloat16"], DTYPES["float32"]
_OVERFLOWS_IN = {
    "float16": {"float16"},
    "bfloat16": {"float16", "bfloat16"},
    "float32": {"float16", "bfloat16", "float32"},
}


def detect(column: str, profile: Profile, ctx: Context) -> list[Flag | Finding]:
    """Cells of a feature or the target that overflow or underflow the
    training dtype, or are integers float32 cannot hold exactly."""
    dtype = ctx.config.dtype
    s = profile.stats
    if s.min is None or s.max is None:
        return []
    x = num(column)
    a = x.abs()
    biggest = max(abs(s.min), abs(s.max))
    out: list[Flag | Finding] = []
    for kind, low, high, widest in (
        (FindingKind.FP32_OVERFLOW, _FP32.max, float("inf"), "float32"),
        (FindingKind.BF16_OVERFLOW, _BF16.max, _FP32.max, "bfloat16"),
        (FindingKind.FP16_OVERFLOW, _FP16.max, _BF16.max, "float16"),
    ):
        if biggest <= low:
            continue
        fatal = dtype in _OVERFLOWS_IN[widest]
        if fatal:
            severity = Severity.ERROR
        elif kind is FindingKind.FP16_OVERFLOW and dtype != "float64":
            severity = Severity.WARNING
        else:
            severity = Severity.INFO
        names = " and ".join(sorted(_OVERFLOWS_IN[widest]))
        out.append(
            Flag(
                kind,
                column,
                a.is_finite() & (a > low) & (a <= high),
                severity,
                (
                    f"Column {column!r} has {{n}} values beyond ±{low:.5g} (rows "
                    f"{{rows}}): they become inf in {names}"
                    + (f", the dtype you train in ({dtype})" if fatal else "")
                    + ". Fix: clean scales the column and then clips to the dtype's "
                    "range (dtype_overflow='clip'); check whether the values are real."
                ).format,
                details={"limit": low},
                outside=(-low, low),
            )
        )
    if profile.fp16_tiny:
        out.append(
            Flag(
                FindingKind.FP16_UNDERFLOW,
                column,
                (a > 0) & (a < _FP16.tiny),
                Severity.WARNING if dtype == "float16" else Severity.INFO,
                lambda n, rows: (
                    f"Column {column!r} has {n} nonzero values smaller than float16's "
                    f"smallest normal number 6.1e-05 (rows {rows}): in float16 they lose "
                    "precision or flush to 0 (a later division by them gives inf). Fix: "
                    "scaling (scale='robust' by default) usually moves them into range; "
                    "train in float32 or bfloat16 otherwise."
                ),
                details={"limit": _FP16.tiny},
                inside=(-_FP16.tiny, _FP16.tiny),
            )
        )
    if profile.big_ints and profile.int_valued:
        out.append(
            Flag(
                FindingKind.FP32_PRECISION,
                column,
                a.is_finite() & (a > FLOAT32_EXACT_INT),
                Severity.INFO if dtype == "float64" else Severity.WARNING,
                lambda n, rows: (
                    f"Column {column!r} holds integers; {n} of them are above 2^24 = "
                    f"16777216 (rows {rows}) and are not exact in float32 (neighbouring "
                    "ids collapse into one value). Fix: if it is an identifier, drop it "
                    "from the features; otherwise scale it or train in float64."
                ),
                details={"limit": FLOAT32_EXACT_INT},
                outside=(-FLOAT32_EXACT_INT, FLOAT32_EXACT_INT),
            )
        )
    return out
