"""The contract: a Pandera schema generated from the Plan, and input schemas.

The checks are registered with pandera's extension API
(``pandera.extensions.register_check_method``) under the names
``nanclean_finite`` and ``nanclean_in_range`` so that a schema round-trips
through YAML. Every function here that builds, saves, loads or runs a schema
registers them first. pandera (and pandas) are imported only then, not by
``import nanclean``: a plain-pandera user loading a saved schema calls
:func:`register_checks` first (or uses :func:`load_schema`), or pandera drops
the unknown checks silently.

nanclean's own output is checked by :func:`check_output`: one vectorised
polars pass proving the same facts as the schema (columns, dtypes, no nulls,
finite, within bounds), both built from :func:`contract`; a test shows the two
agree on every failure.

Notes
-----
Pandera's ``nullable=False`` catches NaN but not ±inf, and its range checks
pass NaN (polars sorts NaN as the largest value), so finiteness is an explicit
check of its own.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from nanclean.dtypes import float_info
from nanclean.errors import ConfigError, ContractError, UnreadableFileError, format_rows
from nanclean.expr import is_finite
from nanclean.findings import Finding, FindingKind, RowLabels, Severity
from nanclean.plan import Plan

if TYPE_CHECKING:
    import pandera.polars as pa

__all__ = [
    "ColumnContract",
    "check_output",
    "contract",
    "input_findings",
    "load_schema",
    "register_checks",
    "save_schema",
    "schema_from_plan",
    "validate",
]

_registered = False


def register_checks() -> None:
    """Register ``nanclean_finite`` and ``nanclean_in_range`` with pandera (once).

    Call it before ``pandera.polars.DataFrameSchema.from_yaml`` on a schema
    nanclean wrote; nanclean's own schema functions call it themselves.
    """
    global _registered
    if _registered:
        return
    import pandera.extensions as extensions

    extensions.register_check_method(statistics=[])(nanclean_finite)
    extensions.register_check_method(statistics=["min_value", "max_value"])(
        nanclean_in_range
    )
    _registered = True


def nanclean_finite(data: Any) -> pl.LazyFrame:
    """Every value is finite (not NaN, not ±inf)."""
    return data.lazyframe.select(is_finite(pl.col(data.key)))


def nanclean_in_range(data: Any, *, min_value: float, max_value: float) -> pl.LazyFrame:
    """Every value is finite and within [min_value, max_value]."""
    return data.lazyframe.select(_in_range(pl.col(data.key), min_value, max_value))


def _in_range(c: pl.Expr, min_value: float, max_value: float) -> pl.Expr:
    within = c.is_between(min_value, max_value)
    if np.isfinite(min_value) and np.isfinite(max_value):
        # finite bounds exclude ±inf, and NaN, which polars orders above all
        return within
    return is_finite(c) & within


if "pandera" in sys.modules:  # loaded anyway: plain-pandera users need no call
    register_checks()


@dataclass(frozen=True)
class ColumnContract:
    """What every value of one output column satisfies.

    ``dtype``: the polars dtype; ``low`` / ``high``: inclusive bounds of a
    finite value; ``classes``: for ``loss="ce"`` class ids, ``[0, classes)``
    (``low`` is then 0 and ``high`` None when the number of classes is unknown).
    """

    dtype: type[pl.DataType]
    low: float
    high: float | None
    integer: bool = False


def contract(plan: Plan) -> dict[str, ColumnContract]:
    """The output contract of ``plan``, column by column, in output order."""
    store = pl.Float64 if plan.dtype == "float64" else pl.Float32
    dmax = float_info(plan.dtype).max
    out: dict[str, ColumnContract] = {}
    planned = {cp.name: cp for cp in plan.columns}
    for name in plan.features:
        low, high = -dmax, dmax
        cp = planned.get(name)
        if (
            cp is not None
            and cp.outlier_action == "clip"
            and cp.outlier_low is not None
        ):
            # the clip bounds, scaled; float32 rounding can move them by an ulp
            assert cp.outlier_high is not None
            ends = [cp.outlier_low, cp.outlier_high]
            if cp.fill is not None and cp.impute not in ("drop_row", "error"):
                ends.append(cp.fill)  # a constant fill may lie outside them
            scaled = [cp.scale_number(v) for v in ends]
            a, b = min(scaled), max(scaled)
            slack = 1e-6 * max(abs(a), abs(b), 1.0)
            # the dtype guard clips after scaling: clamp both bounds into its range
            low = float(np.clip(a - slack, -dmax, dmax))
            high = float(np.clip(b + slack, -dmax, dmax))
        out[name] = ColumnContract(store, float(low), float(high))
    if plan.target:
        if plan.loss == "ce":
            classes = None if plan.n_classes is None else float(plan.n_classes)
            out[plan.target] = ColumnContract(pl.Int64, 0.0, classes, integer=True)
        else:
            out[plan.target] = ColumnContract(pl.Float64, *_target_range(plan.loss))
    return out


def schema_from_plan(plan: Plan) -> pa.DataFrameSchema:
    """The schema every output of ``plan`` satisfies: dtypes, no nulls, finite, bounds."""
    import pandera.polars as pa

    register_checks()
    columns: dict[str, pa.Column] = {}
    for name, c in contract(plan).items():
        if c.integer:
            checks = [pa.Check.ge(0), *([pa.Check.lt(int(c.high))] if c.high else [])]
        else:
            assert c.high is not None
            checks = [
                pa.Check.nanclean_finite(),
                pa.Check.nanclean_in_range(min_value=c.low, max_value=c.high),
            ]
        columns[name] = pa.Column(c.dtype, nullable=False, checks=checks)
    return pa.DataFrameSchema(
        columns, strict=True, ordered=True, name="nanclean_output"
    )


def _target_range(loss: str) -> tuple[float, float]:
    big = float_info("float64").max
    return {
        "bce": (0.0, 1.0),
        "poisson": (0.0, big),
        "gamma": (float(np.nextafter(0.0, 1.0)), big),
        "msle": (float(np.nextafter(-1.0, 0.0)), big),
    }.get(loss, (-big, big))


def violations(name: str, c: ColumnContract) -> pl.Expr:
    """True where a cell of column ``name`` breaks its contract (null included):
    the schema's checks as one polars expression."""
    x = pl.col(name)
    if c.integer:
        ok = x >= 0 if c.high is None else (x >= 0) & (x < int(c.high))
    else:
        assert c.high is not None
        ok = is_finite(x) & _in_range(x, c.low, c.high)
    # pandera's nullable=False counts a float NaN as null: so does is_finite
    return (~ok).fill_null(True)


def check_output(
    frame: pl.DataFrame,
    plan: Plan,
    row_ids: np.ndarray,
    *,
    counts: Sequence[int] | None = None,
) -> None:
    """Prove nanclean's own output satisfies the contract, in one polars pass.

    The same facts as ``schema_from_plan(plan).validate(frame)``: the columns
    and their order, dtypes, no nulls, finite, within bounds. A failure is a
    bug in nanclean (:class:`ContractError`, naming columns and rows).
    ``counts``: the number of :func:`violations` of each contract column, when
    the caller counted them in a pass of its own.
    """
    terms = contract(plan)
    lines = []
    if frame.columns != list(terms):
        lines.append(
            f"columns {frame.columns[:10]} are not the contract's {list(terms)[:10]}"
        )
    else:
        dtypes = frame.schema
        lines += [
            f"{name}: dtype {dtypes[name]} is not {c.dtype}"
            for name, c in terms.items()
            if dtypes[name] != c.dtype
        ]
    if not lines and frame.height:
        lines = violation_lines(frame, terms, row_ids, counts)
    if lines:
        raise _broken_contract(lines)


def _broken_contract(lines: list[str]) -> ContractError:
    """The error for an output that breaks its contract (a bug in nanclean)."""
    return ContractError(
        "The cleaned output broke its contract; this is a bug in nanclean, please "
        "report it with this message:\n  " + "\n  ".join(lines[:10])
    )


def violation_lines(
    frame: pl.DataFrame,
    terms: dict[str, ColumnContract],
    row_ids: np.ndarray,
    counts: Sequence[int] | None = None,
) -> list[str]:
    """One line per column of ``frame`` that breaks its contract (empty: none)."""
    if counts is not None and not any(counts):
        return []
    masks = {name: violations(name, c) for name, c in terms.items()}
    if counts is None:
        counts = frame.select(m.sum().alias(n) for n, m in masks.items()).row(0)
    failing = [n for n, k in zip(masks, counts, strict=True) if k]
    if not failing:
        return []
    first = frame.select(
        pl.struct(
            masks[n].arg_true().first().alias("row"),
            pl.col(n).filter(masks[n]).first().alias("value"),
        ).alias(n)
        for n in failing
    ).row(0)
    return [
        f"{n}: {k} cell(s) not finite, null or out of range, e.g. {f['value']} "
        f"(row {row_ids[f['row']]})"
        for n, k, f in zip(
            failing, (counts[list(masks).index(n)] for n in failing), first, strict=True
        )
    ]


def validate(
    frame: pl.DataFrame, schema: pa.DataFrameSchema, row_ids: np.ndarray
) -> None:
    """Validate a frame against a pandera schema of nanclean's output; a failure
    is a bug in nanclean (:func:`check_output` proves the same facts faster)."""
    import pandera.polars as pa

    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.head(10)
        lines = [
            f"{r['column']}: {r['check']} failed on {r['failure_case']} (row "
            f"{row_ids[r['index']] if r['index'] is not None else '?'})"
            for r in cases.iter_rows(named=True)
        ]
        raise _broken_contract(lines) from None


def save_schema(schema: pa.DataFrameSchema, path: str | os.PathLike[str]) -> Path:
    """Write ``schema`` as YAML (or JSON for a ``.json`` path)."""
    register_checks()
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    text = schema.to_json() if p.suffix == ".json" else schema.to_yaml()
    p.write_text(str(text), encoding="utf-8")
    return p


def load_schema(path: str | os.PathLike[str]) -> pa.DataFrameSchema:
    """Read a schema saved by :func:`save_schema` (nanclean's checks registered)."""
    import pandera.polars as pa

    register_checks()
    if not isinstance(path, str | os.PathLike):
        raise ConfigError(
            f"load_schema takes the path of a schema file; got {type(path).__name__}."
        )
    p = Path(path)
    if not p.is_file():
        raise UnreadableFileError(
            f"Schema file {str(p)!r} does not exist. Check the path."
        )
    hint = "Is it a pandera polars schema written by nanclean or DataFrameSchema.to_yaml()?"
    try:
        if p.suffix == ".json":
            schema = pa.DataFrameSchema.from_json(p)
        else:
            schema = pa.DataFrameSchema.from_yaml(p)
    except Exception as exc:  # pandera raises many types on bad files
        raise UnreadableFileError(
            f"Could not read schema {str(p)!r}: {exc}. {hint}"
        ) from None
    # pandera reads any mapping (a config file, an empty file) as a schema that
    # checks nothing, which would pass every frame
    if not schema.columns:
        raise UnreadableFileError(f"Schema {str(p)!r} declares no columns. {hint}")
    return schema


def input_findings(
    schema: Any, frame: pl.DataFrame, labels: RowLabels, n_rows: int
) -> list[Finding]:
    """Validate the input against the user's own pandera schema → findings with rows."""
    import pandera.polars as pa

    register_checks()
    if not isinstance(schema, pa.DataFrameSchema):
        raise ConfigError(
            "schema must be a pandera.polars DataFrameSchema (import pandera.polars as "
            f"pa); got {type(schema).__name__}."
        )
    try:
        schema.validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    findings = []
    for (column, check), group in cases.group_by(
        ["column", "check"], maintain_order=True
    ):
        rows = np.asarray(
            sorted(
                int(i) for i in group.get_column("index").to_list() if i is not None
            ),
            dtype=np.int64,
        )
        examples = group.get_column("failure_case").head(5).to_list()
        if not len(rows):  # a check on the whole frame: a missing column, a dtype
            findings.append(_frame_violation(column, check, examples, n_rows))
            continue
        findings.append(
            Finding(
                FindingKind.SCHEMA_VIOLATION,
                str(column),
                Severity.ERROR,
                max(len(rows), group.height),
                max(len(rows), group.height) / n_rows,
                f"Column {column!r} fails the input schema's check {check} in "
                f"{group.height} cells (rows {format_rows(labels(rows[:5]), len(rows))}; "
                f"e.g. {', '.join(map(str, examples[:3]))}). Fix: correct the data, or "
                "the schema if it is too strict.",
                row_ids=rows,
                examples=list(zip(labels(rows[:5]), examples, strict=False)),
                details={"check": str(check)},
                labels=labels,
            )
        )
    return findings


def _frame_violation(
    column: Any, check: Any, examples: list[Any], n_rows: int
) -> Finding:
    """An input schema failure that no row is to blame for (pandera reports the
    column in ``failure_case``: a missing column, a wrong dtype)."""
    what = ", ".join(map(str, examples[:5]))
    if str(check) == "column_in_dataframe":
        message = (
            f"The input lacks column(s) {what} that the input schema requires. Fix: "
            "add them, or correct the schema."
        )
        column = examples[0] if examples else column
    else:
        message = (
            f"Column {column!r} fails the input schema's check {check} ({what}). "
            "Fix: correct the data, or the schema if it is too strict."
        )
    return Finding(
        FindingKind.SCHEMA_VIOLATION,
        str(column),
        Severity.ERROR,
        n_rows,
        1.0,
        message,
        details={"check": str(check)},
    )


# --- the contract as a file (``nanclean schema`` and ``nanclean validate``) ------------


def save_contract(
    schema: pa.DataFrameSchema, path: str | os.PathLike[str], *, source: str
) -> Path:
    """:func:`save_schema`, and a YAML file starts with comments that say where
    it came from (``source``, the data's name) and how plain pandera loads it."""
    p = save_schema(schema, path)
    if p.suffix != ".json":
        header = (
            f"# The contract of cleaned {source}, written by `nanclean schema`.\n"
            "# Load it with nanclean.load_schema(path), or with plain pandera after\n"
            "# nanclean.schema.register_checks() (the nanclean_finite /\n"
            "# nanclean_in_range checks):\n"
            "#   pandera.polars.DataFrameSchema.from_yaml(path)\n"
        )
        p.write_text(header + p.read_text(encoding="utf-8"), encoding="utf-8")
    return p


def cast_floats(df: pl.DataFrame, schema: pa.DataFrameSchema) -> pl.DataFrame:
    """Float columns cast to the schema's float width (CSV and JSON store float64).

    A value beyond float32 becomes inf and fails the finite check: the cast
    hides nothing."""
    casts = []
    for name, column in schema.columns.items():
        want = getattr(column.dtype, "type", None)
        if name in df.columns and want in (pl.Float32, pl.Float64):
            have = df.schema[name]
            if have != want and have.is_numeric():
                casts.append(pl.col(name).cast(want))
    return df.with_columns(casts) if casts else df


def failure_cases(df: pl.DataFrame, schema: pa.DataFrameSchema) -> pl.DataFrame | None:
    """Every failure case of ``df`` (floats cast first, see :func:`cast_floats`)
    against ``schema``: pandera's frame of them, or None when ``df`` passes."""
    import pandera.errors

    try:
        schema.validate(cast_floats(df, schema), lazy=True)
    except pandera.errors.SchemaErrors as exc:
        return exc.failure_cases
    return None
