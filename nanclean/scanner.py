"""The scanner: find every data-side cause of a NaN loss, by column and by row.

``nanclean.scan`` (the function, defined here) runs two passes over the data,
each made of parallel polars queries: the statistics pass
(``stats.profile_columns``) and the flag pass. Between them every detector of
``checks.DETECTORS`` is called on every numeric column with the same
signature, ``detect(column, profile, ctx)``; it returns column-level findings
and :class:`~nanclean.checks.Flag` objects, whose counts and row ids the flag
pass collects. The statistics pass already returns the rows of the NaN and
±inf cells, so the flag pass only evaluates the other flags. A column whose
flags all promise which values they can flag (``Flag.outside`` /
``Flag.inside``) is read once for the row ids and values of those cells, and
every mask runs on them only: beyond that one comparison per column, the cost
follows the number of flagged cells. A frame in memory is queried in batches
of columns, which keeps the temporary copies small. A last, small step runs
only when a column has inf, NaN or extreme cells and another column has zeros:
it marks the near-zero cells of the zero-holding columns to find the suspected
denominator.
"""

from __future__ import annotations

import operator
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import reduce
from importlib.metadata import version
from typing import Any

import numpy as np
import polars as pl

from nanclean.checks import DETECTORS, Context, Flag, denominators, labels
from nanclean.columns import Columns, classify
from nanclean.config import CleanConfig, as_config, unmatched_columns
from nanclean.dtypes import DTYPES
from nanclean.errors import ConfigError, UnmatchedColumnWarning, closest, format_rows
from nanclean.expr import num
from nanclean.findings import Finding, FindingKind
from nanclean.frame import ROW_ID, Frame, collect, read
from nanclean.report.model import AuditReport
from nanclean.stats import Profile, column_batches, profile_columns

__all__ = [
    "Reader",
    "ScanState",
    "check_config_columns",
    "finish_scan",
    "profile_options",
    "resolve_target",
    "run_scan",
    "scan",
]

_KIND_ORDER = {k: i for i, k in enumerate(FindingKind)}
# Flags whose offending value is known without reading it back.
_SELF_DESCRIBING: dict[FindingKind, Any] = {
    FindingKind.NULL: None,
    FindingKind.NAN: float("nan"),
    FindingKind.POS_INF: float("inf"),
    FindingKind.NEG_INF: float("-inf"),
}
# Flags whose rows the statistics pass already returned (Profile.rows_where).
_FROM_PROFILE = (FindingKind.NAN, FindingKind.POS_INF, FindingKind.NEG_INF)


@dataclass
class ScanState:
    """Everything a scan learned; ``clean`` fits its Plan from it."""

    frame: Frame
    columns: Columns
    profiles: dict[str, Profile]
    config: CleanConfig
    loss: str
    findings: list[Finding]
    report: AuditReport
    rows: dict[tuple[FindingKind, str], np.ndarray] = field(default_factory=dict)


def scan(
    data: Any,
    *,
    target: str | None = None,
    loss: str | None = None,
    config: Any = None,
) -> AuditReport:
    """Find every data-side cause of a NaN loss. Changes nothing.

    Parameters
    ----------
    data : polars DataFrame / LazyFrame, pandas DataFrame, 2-D numpy array,
        pyarrow Table, or a path to a CSV / Parquet / Arrow IPC / JSON file.
    target : str, optional
        The label column, checked against ``loss``'s domain.
    loss : {"mse", "bce", "ce", "poisson", "gamma", "msle"}, optional
        The loss the target is trained with (default: ``config.loss``, "mse").
    config : CleanConfig, dict, or path to TOML / YAML, optional

    Returns
    -------
    AuditReport
        ``report.findings``: every finding, most severe first, each with the
        offending rows as the caller's row labels.

    Examples
    --------
    >>> import polars as pl, nanclean as nc
    >>> df = pl.DataFrame({"gmv": [10.0, 20.0, 30.0], "orders": [1.0, 0.0, 3.0]})
    >>> df = df.with_columns(per_order=pl.col("gmv") / pl.col("orders"))
    >>> [(f.kind.value, f.column, f.rows) for f in nc.scan(df).errors]
    [('pos_inf', 'per_order', [1]), ('suspected_denominator', 'per_order', [1])]
    """
    cfg = as_config(config)
    return run_scan(read(data), cfg, target=target, loss=loss).report


@dataclass
class Reader:
    """How the flag pass and the denominator check read the scanned data.

    ``select`` runs one-row aggregations (each a list of row ids, examples or
    a count) and returns their values; ``gather`` returns ``columns`` at the
    ascending row ids ``rows``. ``in_memory``: a query is cheap to repeat, so
    columns are evaluated in batches (see ``stats.column_batches``), and
    ``select`` also evaluates whole columns (one value per row). The
    in-memory reader queries the frame; ``nanclean.batched`` runs the same
    expressions batch by batch, or partition by partition on Dask, and merges.
    """

    select: Callable[[list[pl.Expr]], pl.DataFrame]
    gather: Callable[[list[str], np.ndarray], pl.DataFrame]
    in_memory: bool


def run_scan(
    frame: Frame,
    cfg: CleanConfig,
    *,
    target: str | None = None,
    loss: str | None = None,
) -> ScanState:
    if frame.batches is not None:  # never in memory: batch by batch
        from nanclean.batched import scan_batches

        return scan_batches(frame, cfg, target=target, loss=loss)
    started = time.perf_counter()
    target, loss = resolve_target(frame, cfg, target, loss)
    cols = classify(frame, target=target, label_map=cfg.label_map)
    data = _materialized(frame, cols)
    check_config_columns(frame, cfg, cols)
    in_memory = frame.in_memory
    profiles = profile_columns(
        data.lazy,
        cols.numeric,
        sample_size=cfg.sample_size,
        source=frame.source,
        in_memory=in_memory,
        **profile_options(frame, cfg, cols),
    )

    def gather(columns: list[str], rows: np.ndarray) -> pl.DataFrame:
        at = pl.Series(rows, dtype=pl.UInt32)
        return collect(
            data.lazy.select(pl.col(c).gather(at) for c in columns), frame.source
        )

    reader = Reader(
        lambda exprs: collect(data.lazy.select(exprs), frame.source), gather, in_memory
    )
    return finish_scan(frame, cols, cfg, loss, profiles, reader, started)


def resolve_target(
    frame: Frame, cfg: CleanConfig, target: str | None, loss: str | None
) -> tuple[str | None, str]:
    """The target and loss of a scan (arguments first, then the config)."""
    target = target if target is not None else cfg.target
    check_target(target, frame.columns)
    loss = loss or cfg.loss
    if not isinstance(loss, str) or loss not in labels.DOMAINS:
        raise ConfigError(
            f"loss must be one of {', '.join(map(repr, labels.DOMAINS))}; got {loss!r}."
            f"{closest(str(loss), list(labels.DOMAINS))}"
        )
    return target, loss


def profile_options(frame: Frame, cfg: CleanConfig, cols: Columns) -> dict[str, Any]:
    """What the statistics pass computes for each column (beyond the defaults)."""
    target = cols.target
    return {
        "dtypes": {c: frame.schema[c] for c in cols.numeric},
        "n_rows": frame.n_rows,
        "roles": {target: "target"} if target else {},
        "quantiles": {
            c: [cfg.policy(c).threshold, 1 - cfg.policy(c).threshold]
            for c in cols.features
            if cfg.policy(c).outliers == "quantile"
        },
        "distinct_for": (target,) if target else (),
        "need_magnitude": tuple(
            [den for _, den in cfg.ratios.values()] + list(cfg.reciprocal_inputs)
        ),
    }


def finish_scan(
    frame: Frame,
    cols: Columns,
    cfg: CleanConfig,
    loss: str,
    profiles: dict[str, Profile],
    reader: Reader,
    started: float,
) -> ScanState:
    """The findings of a scan whose statistics are known: the flag pass."""
    target = cols.target
    numeric = cols.numeric
    findings = list(cols.findings)
    flags: list[Flag] = []
    ctx = Context(cfg, cols, profiles, loss)
    for c in numeric:
        for detect in DETECTORS:
            for item in detect(c, profiles[c], ctx):
                if isinstance(item, Flag):
                    flags.append(item)
                else:
                    findings.append(item)
    candidates = {
        c: denominators.tolerance(profiles[c], cfg.dtype)
        for c in cols.features
        if denominators.is_candidate(profiles[c])
    }
    flagged, rows, zero_counts = _run_flags(frame, reader, flags, candidates, profiles)
    findings += flagged
    findings += _suspect_denominators(
        frame, reader, cols, cfg, rows, candidates, zero_counts
    )
    order = {c: i for i, c in enumerate(frame.columns + list(cfg.ratios))}
    findings.sort(
        key=lambda f: (
            -f.severity.rank,
            order.get(f.column, len(order)),
            _KIND_ORDER[f.kind],
        )
    )
    report = AuditReport(
        findings=findings,
        columns={c: profiles[c].stats for c in numeric},
        input=frame.describe(),
        target=target,
        loss=loss if target else None,
        config=cfg.to_dict(),
        meta={"nanclean": version("nanclean"), "polars": pl.__version__},
    )
    report.elapsed = time.perf_counter() - started
    return ScanState(frame, cols, profiles, cfg, loss, findings, report, rows)


def check_target(target: Any, columns: list[str]) -> None:
    """``target`` is None or a column name (a numpy array's are x0, x1, …)."""
    if target is None or isinstance(target, str):
        return
    raise ConfigError(
        f"target must be the name of one column (a string); got {target!r:.80} "
        f"({type(target).__name__}). The input's columns: "
        f"{format_rows(columns, first=8)}. Fix: pass one of them, e.g. "
        f"target={columns[-1]!r}."
    )


def check_config_columns(frame: Frame, cfg: CleanConfig, cols: Columns) -> None:
    """Every column the config names is a numeric feature (an error), and every
    per-column pattern matches a column (a warning)."""
    known = cols.features
    named = [(f"ratios.{k}", c) for k, pair in cfg.ratios.items() for c in pair]
    for key in ("log_inputs", "sqrt_inputs", "reciprocal_inputs"):
        named += [(key, c) for c in getattr(cfg, key)]
    for key, c in named:
        if c not in known:
            raise ConfigError(
                f"Config key {key!r} names column {c!r}, which is not a numeric feature "
                f"of the input.{closest(c, known)} Fix the name or remove it."
            )
    _warn_unmatched(cfg, [*frame.columns, *cfg.ratios])


def _warn_unmatched(cfg: CleanConfig, names: list[str]) -> None:
    for pattern in unmatched_columns(cfg, names):
        warnings.warn(
            UnmatchedColumnWarning(
                f"Config 'columns.{pattern}' matches no column of the data "
                f"({format_rows(names, first=8)}), so its overrides apply to nothing."
                f"{closest(pattern, names)} Fix: correct the name or pattern, or "
                "remove it (for a column that may be absent, filter "
                "nanclean.errors.UnmatchedColumnWarning)."
            ),
            stacklevel=4,
        )


def _materialized(frame: Frame, cols: Columns) -> Columns:
    """``cols`` with its frame computed once when the input is in memory: the row
    id and any coerced column then exist before the batches of the statistics
    and flag passes (zero-copy for the columns that are unchanged)."""
    if not frame.in_memory:
        return cols
    needed = [ROW_ID, *cols.numeric]
    return replace(cols, lazy=collect(cols.lazy.select(needed), frame.source).lazy())


def _run_flags(
    frame: Frame,
    reader: Reader,
    flags: list[Flag],
    candidates: dict[str, float],
    profiles: dict[str, Profile],
) -> tuple[list[Finding], dict[tuple[FindingKind, str], np.ndarray], dict[str, int]]:
    """The flag pass: count and row ids of every flag, zero counts of candidates."""
    known = {
        i: profiles[flag.column].rows_where(_SELF_DESCRIBING[flag.kind])
        for i, flag in enumerate(flags)
        if flag.kind in _FROM_PROFILE and flag.column in profiles
    }
    zero_counts = {
        c: profiles[c].stats.zeros
        for c, tol in candidates.items()
        if _near_zero_is_zero(profiles[c], tol)
    }
    pending: dict[str, list[int]] = {c: [] for c in candidates if c not in zero_counts}
    for i, flag in enumerate(flags):
        if i not in known:
            pending.setdefault(flag.column, []).append(i)
    by_column: dict[str, list[pl.Expr]] = {}
    narrowed = []
    for c, members in pending.items():
        tol = candidates[c] if c in candidates and c not in zero_counts else None
        flaggable = _flaggable(c, [flags[i] for i in members], tol)
        # narrowed (the cells gathered, then masked) only in memory: batch by
        # batch, a column of many flaggable cells (a 0/1 column is half zeros,
        # all near-zero candidates) would gather them all before any mask runs
        if flaggable is not None and c in profiles and reader.in_memory:
            narrowed.append(c)
            at = flaggable.arg_true()  # a gather is cheaper than two filters
            by_column[c] = [
                pl.col(ROW_ID).gather(at).implode().alias(f"cells_rows:{c}"),
                num(c).gather(at).implode().alias(f"cells:{c}"),
            ]
            continue
        by_column[c] = [e for i in members for e in _flag_exprs(i, flags[i])]
        if tol is not None:
            by_column[c].append(_near_zero_count(c, tol))
    result: dict[str, pl.Series] = {}
    for batch in column_batches(list(by_column), frame.n_rows, reader.in_memory):
        result.update(reader.select([e for c in batch for e in by_column[c]]).to_dict())
    for c in narrowed:
        result.update(_on_cells(c, result, pending[c], flags, candidates, zero_counts))
    zero_counts.update(
        {c: int(result[f"nz:{c}"][0]) for c in candidates if c not in zero_counts}
    )
    findings = []
    rows: dict[tuple[FindingKind, str], np.ndarray] = {}
    for i, flag in enumerate(flags):
        # read the id lists as arrays: never through Python lists (millions of ids)
        ids = (
            known[i]
            if i in known
            else result[f"{i}:rows"][0].to_numpy().astype(np.int64)
        )
        if len(ids) == 0:
            continue
        rows[(flag.kind, flag.column)] = ids
        first, shown = _examples(flag, ids, result.get(f"{i}:values"))
        findings.append(
            Finding(
                flag.kind,
                flag.column,
                flag.severity,
                len(ids),
                len(ids) / frame.n_rows,
                flag.message(n=len(ids), rows=_preview(frame, ids)),
                row_ids=ids,
                examples=list(zip(frame.labels(first), shown, strict=False)),
                details=flag.details,
                labels=frame.labels,
            )
        )
    return findings, rows, zero_counts


def _near_zero_is_zero(profile: Profile, tol: float) -> bool:
    """Whether the near-zero cells (``|x| <= tol``) are exactly the zeros, which
    the statistics pass counted: no value lies in (0, tol]."""
    return tol < DTYPES["float16"].tiny and profile.fp16_tiny == 0


def _on_cells(
    column: str,
    result: dict[str, pl.Series],
    members: list[int],
    flags: list[Flag],
    candidates: dict[str, float],
    zero_counts: dict[str, int],
) -> dict[str, pl.Series]:
    """The masks and counts of a narrowed column, evaluated on its flaggable
    cells only (their row ids beside them): the cost follows the cells."""
    cells = pl.DataFrame(
        {
            ROW_ID: result.pop(f"cells_rows:{column}")[0],
            column: result.pop(f"cells:{column}")[0],
        }
    )
    exprs = [e for i in members for e in _flag_exprs(i, flags[i])]
    if column in candidates and column not in zero_counts:
        exprs.append(_near_zero_count(column, candidates[column]))
    return cells.select(exprs).to_dict() if exprs else {}


def _flag_exprs(i: int, flag: Flag) -> list[pl.Expr]:
    """The row ids of flag ``i`` and, unless self-describing, its values (the
    examples are picked from them in numpy: no sort of every flagged cell)."""
    exprs = [pl.col(ROW_ID).filter(flag.mask).implode().alias(f"{i}:rows")]
    if flag.kind not in _SELF_DESCRIBING:
        values = flag.values if flag.values is not None else pl.col(flag.column)
        exprs.append(values.filter(flag.mask).implode().alias(f"{i}:values"))
    return exprs


_OVERFLOWS = {
    FindingKind.FP16_OVERFLOW,
    FindingKind.BF16_OVERFLOW,
    FindingKind.FP32_OVERFLOW,
}
EXAMPLES = 5


def _examples(
    flag: Flag, ids: np.ndarray, values: pl.Series | None
) -> tuple[np.ndarray, list[Any]]:
    """The rows and values of a finding's examples: the first five in row
    order, or the five most extreme (ties in row order) for outliers and
    dtype overflows."""
    if values is None:  # self-describing: NaN, ±inf, null
        first = ids[:EXAMPLES]
        return first, [_SELF_DESCRIBING.get(flag.kind)] * len(first)
    values = values[0]
    key = _extremeness(flag, values)
    if key is None:
        at = np.arange(min(EXAMPLES, len(ids)))
    else:
        at = _most_extreme(key, EXAMPLES)
    return ids[at], values.gather(at).to_list()


def _most_extreme(key: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` largest ``key`` values, largest first, ties in
    position order (a stable descending sort, by selection: O(n))."""
    if len(key) > k:
        kth = np.partition(key, len(key) - k)[len(key) - k]
        candidates = np.flatnonzero(key >= kth)
    else:
        candidates = np.arange(len(key))
    order = np.argsort(-key[candidates], kind="stable")
    return candidates[order[:k]]


def _extremeness(flag: Flag, values: pl.Series) -> np.ndarray | None:
    """How extreme an outlier (distance from the middle of its bounds) or a
    dtype overflow (magnitude) is; None for kinds shown in row order."""
    if flag.kind is FindingKind.OUTLIER and "low" in flag.details:
        middle = flag.details["low"] / 2 + flag.details["high"] / 2
        with np.errstate(over="ignore"):
            return np.abs(values.cast(pl.Float64).to_numpy() - middle)
    if flag.kind in _OVERFLOWS:
        return np.abs(values.cast(pl.Float64).to_numpy())
    return None


def _near_zero_count(column: str, tol: float) -> pl.Expr:
    return denominators.near_zero(column, tol).sum().alias(f"nz:{column}")


def _flaggable(column: str, flags: list[Flag], tol: float | None) -> pl.Expr | None:
    """True on every cell that ``flags`` (and, with ``tol``, the near-zero count)
    can flag, from the flags' ``outside`` / ``inside`` promises; None when a
    flag makes none."""
    if any(f.outside is None and f.inside is None for f in flags):
        return None
    x = num(column)
    outside = [f.outside for f in flags if f.outside is not None]
    inside = [f.inside for f in flags if f.inside is not None]
    inside += [(-tol, tol)] if tol is not None else []  # near_zero: |x| <= tol
    parts = []
    if outside:  # outside every range means outside their intersection
        low, high = max(r[0] for r in outside), min(r[1] for r in outside)
        parts.append(~x.is_between(low, high))
    if inside:  # within any range means within their hull
        parts.append(x.is_between(min(r[0] for r in inside), max(r[1] for r in inside)))
    return reduce(operator.or_, parts) if parts else None


def _preview(frame: Frame, ids: np.ndarray) -> str:
    from nanclean.errors import format_rows

    return format_rows(frame.labels(ids[:5]), total=len(ids))


def _suspect_denominators(
    frame: Frame,
    reader: Reader,
    cols: Columns,
    cfg: CleanConfig,
    rows: dict[tuple[FindingKind, str], np.ndarray],
    candidates: dict[str, float],
    zero_counts: dict[str, int],
) -> list[Finding]:
    """Blame the column whose zeros coincide with another column's inf, NaN or
    extreme cells."""
    bad: dict[str, tuple[np.ndarray, str]] = {}
    extreme: dict[str, np.ndarray] = {}  # outlier rows of a column that also has inf
    for c in cols.features:
        if c in cfg.ratios:
            continue
        # x/0 is ±inf and 0/0 is NaN: both point at a zero denominator
        parts = {
            word: rows.get((kind, c), np.empty(0, np.int64))
            for word, kind in (
                ("+inf", FindingKind.POS_INF),
                ("-inf", FindingKind.NEG_INF),
                ("NaN (0/0)", FindingKind.NAN),
            )
        }
        present = [word for word, r in parts.items() if len(r)]
        if present:
            what = " or ".join(present).replace("+inf or -inf", "±inf")
            bad[c] = (np.sort(np.concatenate(list(parts.values()))), what)  # disjoint
            if (FindingKind.OUTLIER, c) in rows:
                extreme[c] = rows[(FindingKind.OUTLIER, c)]
        elif (FindingKind.OUTLIER, c) in rows:
            bad[c] = (rows[(FindingKind.OUTLIER, c)], "an extreme outlier")
    live = [d for d, n in zero_counts.items() if n > 0]
    if not bad or not live:
        return []
    near = [
        denominators.near_zero(d, candidates[d]).fill_null(False).alias(d) for d in live
    ]
    at: np.ndarray | None = None
    if reader.in_memory:
        # in a wide table most rows are bad somewhere: mark every row (a bit
        # per row and candidate) instead of gathering most of the table
        hits = reader.select(near)
    else:  # gather just the bad rows of the zero-holding columns
        in_any = np.zeros(frame.n_rows, dtype=bool)
        for r in [*(r for r, _ in bad.values()), *extreme.values()]:
            in_any[r] = True
        at = np.flatnonzero(in_any)  # sorted, unique (row ids are positions)
        hits = reader.gather(live, at).select(near)
    # one row of near-zero flags per row: a column's overlaps are one gather of
    # its bad rows and a column sum, not one gather per candidate
    matrix = np.ascontiguousarray(hits.to_numpy(), dtype=np.uint8)

    def flags_at(rows: np.ndarray) -> np.ndarray:
        return matrix[rows if at is None else np.searchsorted(at, rows)]

    out = []
    for c, (bad_rows, what) in bad.items():
        hit = flags_at(bad_rows).sum(axis=0, dtype=np.int64)
        overlaps = {d: int(hit[j]) for j, d in enumerate(live) if d != c}
        f = denominators.suspected(
            c, bad_rows, what, overlaps, zero_counts, frame.n_rows, frame.labels
        )
        if f is not None and c in extreme:
            # a near-zero (not zero) denominator gives a huge finite ratio instead
            den = live.index(f.details["denominator"])
            is_near = flags_at(extreme[c])[:, den].astype(bool)
            f = denominators.with_extreme_rows(f, extreme[c][is_near])
        if f is not None:
            out.append(f)
    return out
