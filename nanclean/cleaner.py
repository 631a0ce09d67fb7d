"""Cleaner (fit / transform) and clean(): scan → fit → Plan → transform → validate."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from nanclean.columns import mapped_mask
from nanclean.config import CleanConfig, as_config
from nanclean.derive import divide
from nanclean.errors import (
    ColumnError,
    ConfigError,
    InputError,
    NancleanError,
    closest,
    format_rows,
)
from nanclean.findings import Action, Finding, FindingKind
from nanclean.fit import fit_plan
from nanclean.frame import ROW_ID, Frame, InputKind, collect, read, restore
from nanclean.plan import Plan
from nanclean.repair import apply_plan, input_casts, plan_actions, prepare
from nanclean.report.model import AuditReport, ColumnStats
from nanclean.result import CleanResult, Output
from nanclean.safeguards import check_row_loss, refuse_label_coding
from nanclean.scanner import ScanState, check_target, run_scan

if TYPE_CHECKING:  # pandera (with pandas, about 1.4 s) loads with the first schema
    import pandera.polars as pa

__all__ = ["Cleaner", "clean"]

_REFITTED = (FindingKind.OUTLIER, FindingKind.HEAVY_TAIL)


class Cleaner:
    """Learn a repair Plan on training data; apply it to any data.

    Parameters
    ----------
    config : CleanConfig, dict, or path to a TOML / YAML file, optional

    Attributes
    ----------
    plan : Plan
        The fitted plan (JSON-able: ``cleaner.plan.to_json()``).
    report : AuditReport
        The scan of the training data.
    schema : pandera.polars.DataFrameSchema
        The contract every output satisfies.

    Examples
    --------
    >>> import polars as pl, nanclean as nc
    >>> train = pl.DataFrame({"x": [1.0, 2.0, None, 4.0, float("inf")], "y": [0, 1, 0, 1, 1]})
    >>> cleaner = nc.Cleaner({"scale": "none"}).fit(train, target="y", loss="bce")
    >>> cleaner.transform(train).frame["x"].to_list()
    [1.0, 2.0, 2.0, 4.0, 4.0]
    """

    def __init__(self, config: Any = None) -> None:
        self.config: CleanConfig = as_config(config)
        self._plan: Plan | None = None
        self.report: AuditReport | None = None

    @classmethod
    def from_plan(cls, plan: Plan | dict[str, Any] | str | os.PathLike[str]) -> Cleaner:
        """A fitted cleaner from a Plan, its dict or JSON text, or a ``.json`` path.

        The plan is validated first (see ``Plan.from_dict``): a plan that
        ``transform`` could not apply exactly raises ConfigError.
        """
        cleaner = cls()
        if isinstance(plan, Plan):
            cleaner._plan = plan.validate()
        elif isinstance(plan, dict):
            cleaner._plan = Plan.from_dict(plan)
        else:
            cleaner._plan = Plan.from_json(plan)
        return cleaner

    @property
    def plan(self) -> Plan:
        if self._plan is None:
            raise NancleanError(
                "This Cleaner is not fitted yet. Call cleaner.fit(train_df, target=...) "
                "first, or load a plan with Cleaner.from_plan(path)."
            )
        return self._plan

    @property
    def schema(self) -> pa.DataFrameSchema:
        from nanclean.schema import schema_from_plan

        return schema_from_plan(self.plan)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the fitted Plan as JSON (load it with ``Cleaner.from_plan``)."""
        p = Path(path)
        self.plan.to_json(p)
        return p

    # --- fit / transform -------------------------------------------------------

    def fit(
        self,
        data: Any,
        *,
        target: str | None = None,
        loss: str | None = None,
        schema: pa.DataFrameSchema | None = None,
    ) -> Cleaner:
        """Scan ``data`` and learn the Plan from it (training data only)."""
        self._fit(read(data), target, loss, schema)
        return self

    def fit_transform(
        self,
        data: Any,
        *,
        target: str | None = None,
        loss: str | None = None,
        schema: pa.DataFrameSchema | None = None,
        exclude_rows: Any = None,
        sink: Callable[[pl.DataFrame], None] | None = None,
    ) -> CleanResult:
        """Fit on ``data`` and clean it, reading it once for the scan and once to clean.

        ``exclude_rows``: rows to drop from the output, as in :func:`clean`.
        ``sink``: for data read in batches (the CLI's streaming path), receives
        every cleaned batch; the result then holds the report and the plan.
        """
        started = time.perf_counter()
        frame = read(data)
        exclude = excluded_positions(frame, exclude_rows)
        # only the report of the scan lives on: its profiles (sorted samples)
        # are freed before the transform allocates the output
        before = self._fit(frame, target, loss, schema).report
        derived = _with_ratios(frame, self.config, self.plan.target)
        return self._finish(
            frame,
            derived,
            before,
            drift=False,
            started=started,
            exclude=exclude,
            sink=sink,
        )

    def transform(
        self,
        data: Any,
        *,
        exclude_rows: Any = None,
        sink: Callable[[pl.DataFrame], None] | None = None,
    ) -> CleanResult:
        """Clean new data with the fitted Plan; report drift against training (D10).

        ``exclude_rows``: rows to drop from the output, as in :func:`clean`.
        ``sink``: as for :meth:`fit_transform`.
        """
        started = time.perf_counter()
        plan = self.plan
        frame = read(data)
        exclude = excluded_positions(frame, exclude_rows)
        _, extra = input_casts(frame, plan)
        config = self.config.replace(
            target=plan.target if plan.target in frame.columns else None,
            loss=plan.loss,
            n_classes=plan.n_classes,
            label_map=plan.label_map,  # applied, so not reported again
            ratios={},
        )
        known = [
            c for c in frame.columns if c in set(plan.input_columns) | {plan.target}
        ]
        before = run_scan(_select(frame, known), config).report
        _refuse_text_in_numeric_columns(before, plan)
        # outliers are judged against the fitted bounds (in the drift pass),
        # not against bounds drawn from the new data's own statistics
        before.findings = [f for f in before.findings if f.kind not in _REFITTED]
        before.findings += extra
        return self._finish(
            frame,
            frame,
            before,
            drift=True,
            started=started,
            exclude=exclude,
            sink=sink,
        )

    # --- the steps ---------------------------------------------------------------

    def _fit(
        self,
        frame: Frame,
        target: str | None,
        loss: str | None,
        schema: pa.DataFrameSchema | None,
    ) -> ScanState:
        check_target(target, frame.columns)
        derived = _with_ratios(frame, self.config, target or self.config.target)
        _check_column_overrides(self.config, derived.columns)
        state = run_scan(derived, self.config, target=target, loss=loss)
        refuse_label_coding(state.findings, n_rows=frame.n_rows)
        if schema is not None:
            from nanclean.schema import input_findings

            data = collect(frame.lazy.drop(ROW_ID), frame.source)
            state.report.findings += input_findings(
                schema, data, frame.labels, frame.n_rows
            )
        categories = _categories(state)
        # a fitted plan is one that loads again: the same checks as a plan file
        # (and a constant fill_value that the dtype cannot hold is refused here)
        self._plan = fit_plan(state, categories).validate()
        self.report = state.report
        return state

    def _finish(
        self,
        frame: Frame,
        derived: Frame,
        before: AuditReport,
        *,
        drift: bool,
        started: float,
        exclude: np.ndarray | None = None,
        sink: Callable[[pl.DataFrame], None] | None = None,
    ) -> CleanResult:
        """Transform ``derived`` (``frame`` with the declared ratios, when
        fitting) and audit it."""
        plan = self.plan
        if plan.target and plan.target not in frame.columns:
            plan = _without_target(plan)
        if frame.batches is not None:
            return self._finish_batches(
                frame, derived, before, plan, drift=drift, exclude=exclude, sink=sink
            )
        lazy, _ = prepare(derived, plan)
        applied = apply_plan(
            plan,
            lazy,
            labels=frame.labels,
            n_rows=frame.n_rows,
            source=frame.source,
            drift=drift,
            exclude=exclude,
        )
        check_row_loss(
            applied.actions,
            n_rows=frame.n_rows,
            max_row_loss=self.config.max_row_loss,
            target_stats=before.columns.get(plan.target) if plan.target else None,
        )
        n_out = len(applied.row_ids)
        report = _audit(
            before,
            plan,
            frame,
            applied.actions
            + plan_actions(
                plan,
                frame.columns,
                n_out,
                mapped=(
                    _mapped_rows(plan, frame, applied.row_ids)
                    if plan.label_map and plan.target
                    else None
                ),
            ),
            applied.drift,
            n_out=n_out,
            after=applied.after,
            drift_checked=drift,
        )
        report.elapsed = time.perf_counter() - started
        # the caller's type is rebuilt from the output on demand: only what it
        # needs of the input travels along (not its data)
        shell = replace(frame, lazy=pl.LazyFrame(), batches=None, steps=[])
        output = Output(
            applied.x,
            applied.y,
            plan.features,
            plan.target,
            partial(restore, frame=shell, row_ids=applied.row_ids),
        )
        return CleanResult(
            report=report,
            plan=plan,
            row_ids=applied.row_ids,
            labels=frame.labels,
            output=output,
        )

    def _finish_batches(
        self,
        frame: Frame,
        derived: Frame,
        before: AuditReport,
        plan: Plan,
        *,
        drift: bool,
        exclude: np.ndarray | None,
        sink: Callable[[pl.DataFrame], None] | None,
    ) -> CleanResult:
        """The transform of data read in batches: into ``sink``, or (Dask) into
        a Dask DataFrame of cleaned partitions."""
        from nanclean.batched import transform_batches

        started = time.perf_counter()
        out: Any = None
        if sink is None and frame.kind is InputKind.DASK:
            from nanclean.distributed import transform_partitions

            out, done = transform_partitions(
                derived, plan, drift=drift, exclude=exclude
            )
        elif sink is None:
            raise NancleanError(
                "Data read in batches is cleaned into a sink: pass sink= (a callable "
                "that receives each cleaned batch), e.g. through `nanclean clean`."
            )
        else:
            done = transform_batches(
                derived, plan, drift=drift, exclude=exclude, write=sink
            )
        check_row_loss(
            done.actions,
            n_rows=frame.n_rows,
            max_row_loss=self.config.max_row_loss,
            target_stats=before.columns.get(plan.target) if plan.target else None,
        )
        report = _audit(
            before,
            plan,
            frame,
            done.actions + plan_actions(plan, frame.columns, done.n_rows, mapped=None),
            done.drift,
            n_out=done.n_rows,
            after=done.after,
            drift_checked=drift,
        )
        report.elapsed = time.perf_counter() - started
        empty = pl.DataFrame(schema={c: pl.Float64 for c in plan.output_columns})
        return CleanResult(
            frame=out,
            report=report,
            plan=plan,
            row_ids=np.empty(0, np.int64),
            data=empty,
            labels=frame.labels,
            in_memory=False,
        )


def clean(
    data: Any,
    *,
    target: str | None = None,
    loss: str | None = None,
    config: Any = None,
    schema: pa.DataFrameSchema | None = None,
    exclude_rows: Any = None,
) -> CleanResult:
    """Scan, fit and transform ``data`` in one call.

    Parameters
    ----------
    data : any input ``scan`` accepts
    target : str, optional
        The label column: never imputed; invalid labels drop their row (or raise).
    loss : {"mse", "bce", "ce", "poisson", "gamma", "msle"}, optional
    config : CleanConfig, dict, or path to TOML / YAML, optional
    schema : pandera.polars.DataFrameSchema, optional
        Your own contract for the input; its failures become findings with rows.
    exclude_rows : list of row labels, Quarantine, or path to its JSON, optional
        Rows to leave out of the output, by the caller's labels (pandas index
        labels, else 0-based positions): typically ``guard.quarantine`` from
        ``NanGuard(on_nan="skip")``. They are reported as a ``rows_dropped``
        action with reason ``quarantined``; the scan and the fitted statistics
        still see them (robust statistics barely move for a few rows).

    Returns
    -------
    CleanResult
        ``.frame`` (the input's type), ``.report``, ``.plan``, ``.row_ids``,
        ``.to_numpy()``, ``.to_torch()``, ``.to_keras()``.

    Examples
    --------
    >>> import pandas as pd, nanclean as nc
    >>> df = pd.DataFrame({"x": [1.0, 2.0, float("nan"), 4.0], "y": [0.0, 1.0, 1.0, 2.0]})
    >>> result = nc.clean(df, target="y", loss="bce", config={"scale": "none"})
    >>> result.frame
         x    y
    0  1.0  0.0
    1  2.0  1.0
    2  2.0  1.0
    >>> [(a.kind.value, a.column, a.rows) for a in result.report.actions
    ...  if a.kind.value in ("imputed", "rows_dropped")]
    [('rows_dropped', 'y', [3]), ('imputed', 'x', [2])]
    """
    return Cleaner(config).fit_transform(
        data, target=target, loss=loss, schema=schema, exclude_rows=exclude_rows
    )


def excluded_positions(frame: Frame, exclude_rows: Any) -> np.ndarray | None:
    """``exclude_rows`` (labels, a Quarantine or its JSON path) → input positions."""
    if exclude_rows is None:
        return None
    from nanclean.guard.incident import Quarantine

    if isinstance(exclude_rows, str | os.PathLike):
        exclude_rows = Quarantine.from_json(exclude_rows)
    rows = list(
        exclude_rows.rows if isinstance(exclude_rows, Quarantine) else exclude_rows
    )
    labels = frame.labels.labels
    if labels is None:
        at = {i: i for i in range(frame.n_rows)}
    else:
        at = {_plain_label(label): i for i, label in enumerate(labels)}
    unknown = [r for r in rows if _plain_label(r) not in at]
    if unknown:
        raise InputError(
            f"exclude_rows names {len(unknown)} row(s) that are not in the input: "
            f"{format_rows(unknown)}. Fix: pass row labels of this data (its pandas "
            "index labels, or 0-based positions for other inputs), e.g. the "
            "quarantine the training guard wrote for it."
        )
    return np.unique(np.array([at[_plain_label(r)] for r in rows], dtype=np.int64))


def _plain_label(label: Any) -> Any:
    """Labels compare as plain Python values (numpy 3 == 3, JSON lists as tuples)."""
    if isinstance(label, np.generic):
        return label.item()
    if isinstance(label, list):
        return tuple(label)
    if isinstance(label, float) and label.is_integer():
        return int(label)
    return label


# --- helpers -------------------------------------------------------------------


def _with_ratios(frame: Frame, cfg: CleanConfig, target: str | None) -> Frame:
    """The frame with every declared ratio computed as a plain division (to profile it)."""
    if not cfg.ratios:
        return frame
    if target in cfg.ratios:
        raise ConfigError(
            f"Config key 'ratios' derives a column named {target!r}, which is the "
            "target: it would overwrite the labels. Fix: give the ratio another name."
        )
    exprs = [
        divide(num, den, on_zero=None)[0].alias(name)
        for name, (num, den) in cfg.ratios.items()
    ]
    missing = [
        c for pair in cfg.ratios.values() for c in pair if c not in frame.columns
    ]
    if missing:
        raise ConfigError(
            f"Config key 'ratios' names column(s) {missing} that are not in the input. "
            "Fix the names."
        )
    dtypes = frame.lazy.collect_schema()
    for name, (num, den) in cfg.ratios.items():
        for c in (num, den):
            if not dtypes[c].is_numeric():
                raise ConfigError(
                    f"Config key 'ratios.{name}' divides column {c!r}, which holds "
                    f"{dtypes[c]}, not numbers. Fix: convert {c!r} to numbers first, "
                    "or remove the ratio."
                )
    new = [n for n in cfg.ratios if n not in frame.columns]
    schema = {**frame.schema, **{n: "Float64" for n in cfg.ratios}}
    return frame.derive(("with_columns", exprs), frame.columns + new, schema)


def _select(frame: Frame, columns: list[str]) -> Frame:
    schema = {c: t for c, t in frame.schema.items() if c in columns}
    return frame.derive(("select", [ROW_ID, *columns]), columns, schema)


def _categories(state: ScanState) -> dict[str, list[Any]]:
    if (
        state.config.non_numeric not in ("ordinal", "onehot")
        or not state.columns.non_numeric
    ):
        return {}
    names = list(state.columns.non_numeric)
    dtypes = state.columns.lazy.collect_schema()
    for c in names:
        dtype = dtypes[c]
        # a list, array, object or duration column has no text form in polars
        if dtype in (pl.List, pl.Array, pl.Object, pl.Duration):
            raise ConfigError(
                f"Column {c!r} holds {dtype}, which non_numeric="
                f"{state.config.non_numeric!r} cannot encode as categories. Fix: drop "
                "it or convert it to strings or numbers first, or set "
                "non_numeric='drop'."
            )
    values = collect(
        state.columns.lazy.select(
            pl.col(c).cast(pl.String).unique().implode().alias(c) for c in names
        ),
        state.frame.source,
    )
    return {c: values.get_column(c)[0].to_list() for c in names}


def _without_target(plan: Plan) -> Plan:
    return replace(
        plan,
        target=None,
        output_columns=[c for c in plan.output_columns if c != plan.target],
    )


def _mapped_rows(plan: Plan, frame: Frame, kept: np.ndarray) -> np.ndarray:
    """The input positions of the output rows whose label ``label_map`` changed."""
    assert plan.target is not None
    dtype = frame.lazy.collect_schema()[plan.target]
    mask = mapped_mask(plan.target, dtype, plan.label_map)
    ids = collect(frame.lazy.filter(mask).select(ROW_ID), frame.source)
    positions = ids.get_column(ROW_ID).to_numpy().astype(np.int64)
    return positions[np.isin(positions, kept)]


def _audit(
    before: AuditReport,
    plan: Plan,
    frame: Frame,
    actions: list[Action],
    drift: list[Finding],
    *,
    n_out: int,
    after: dict[str, ColumnStats],
    drift_checked: bool,
) -> AuditReport:
    """The report of a clean: findings before, actions, drift, stats after."""
    for a in actions:
        a.labels = frame.labels
    return AuditReport(
        findings=before.findings + drift,
        columns=before.columns,
        input=before.input,
        target=before.target,
        loss=before.loss,
        config=before.config,
        actions=actions,
        after=after,
        output={
            "n_rows": n_out,
            "n_columns": len(plan.output_columns),
            "dtype": plan.dtype,
            "rows_dropped": frame.n_rows - n_out,
            "columns": plan.output_columns,
            "drift_checked": drift_checked,
        },
        meta=before.meta,
        plan=plan,
    )


def _refuse_text_in_numeric_columns(report: AuditReport, plan: Plan) -> None:
    """A column fitted as numeric that arrives as text the scan cannot parse
    would be imputed wholesale; that is a broken input, not drift."""
    encoded = {e.name for e in plan.encodings}
    numeric = set(plan.input_columns) - encoded
    broken = [
        f
        for f in report.findings
        if f.kind is FindingKind.NON_NUMERIC and f.column in numeric
    ]
    if broken:
        f = broken[0]
        raise ColumnError(
            f"Column {f.column!r} was numeric in training but is "
            f"{f.details.get('dtype', 'not numeric')} here, and its values do not "
            "parse as numbers. Fix: convert it to numbers (or null) before transform, "
            "or refit the cleaner on data of this type."
        )


def _check_column_overrides(cfg: CleanConfig, columns: list[str]) -> None:
    """An override by exact name (no glob characters) must name a column: a typo
    would otherwise leave that column on the defaults without a word."""
    for key in cfg.columns:
        if not any(ch in key for ch in "*?[") and key not in columns:
            raise ConfigError(
                f"Config key 'columns.{key}' overrides column {key!r}, which is not in "
                f"the input.{closest(key, columns)} Fix the name, or use a glob pattern "
                "(e.g. 'price_*') for columns that may be absent."
            )
