"""Cleaner (fit / transform) and clean(): scan → fit → Plan → transform → validate."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandera.polars as pa
import polars as pl

from nanclean.config import CleanConfig, as_config
from nanclean.errors import ColumnError, ConfigError, NancleanError, closest
from nanclean.findings import Action, ActionKind, Finding, FindingKind
from nanclean.fit import fit_plan
from nanclean.frame import ROW_ID, Frame, InputKind, collect, read, restore
from nanclean.plan import Plan
from nanclean.repair import apply_plan, input_casts, prepare
from nanclean.report.model import AuditReport, ColumnStats
from nanclean.result import CleanResult
from nanclean.scan import ScanState, run_scan
from nanclean.schema import input_findings, schema_from_plan, validate
from nanclean.stats import output_stats

__all__ = ["Cleaner", "clean"]


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
    def from_plan(cls, plan: Plan | str | os.PathLike[str]) -> Cleaner:
        """A fitted cleaner from a Plan, its JSON text, or a ``.json`` path."""
        cleaner = cls()
        cleaner._plan = plan if isinstance(plan, Plan) else Plan.from_json(plan)
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
        sink: Callable[[pl.DataFrame], None] | None = None,
    ) -> CleanResult:
        """Fit on ``data`` and clean it, reading it once for the scan and once to clean.

        ``sink``: for data read in batches (the CLI's streaming path), receives
        every cleaned batch; the result then holds the report and the plan.
        """
        started = time.perf_counter()
        frame = read(data)
        state = self._fit(frame, target, loss, schema)
        derived = _with_ratios(frame, self.config, self.plan.target)
        return self._finish(
            frame, derived, state.report, drift=False, started=started, sink=sink
        )

    def transform(
        self, data: Any, *, sink: Callable[[pl.DataFrame], None] | None = None
    ) -> CleanResult:
        """Clean new data with the fitted Plan; report drift against training (D10).

        ``sink``: as for :meth:`fit_transform`.
        """
        started = time.perf_counter()
        plan = self.plan
        frame = read(data)
        _, extra = input_casts(frame, plan)
        config = self.config.replace(
            target=plan.target if plan.target in frame.columns else None,
            loss=plan.loss,
            ratios={},
        )
        known = [
            c for c in frame.columns if c in set(plan.input_columns) | {plan.target}
        ]
        before = run_scan(_select(frame, known), config).report
        _refuse_text_in_numeric_columns(before, plan)
        before.findings += extra
        return self._finish(
            frame, frame, before, drift=True, started=started, sink=sink
        )

    # --- the steps ---------------------------------------------------------------

    def _fit(
        self,
        frame: Frame,
        target: str | None,
        loss: str | None,
        schema: pa.DataFrameSchema | None,
    ) -> ScanState:
        derived = _with_ratios(frame, self.config, target or self.config.target)
        _check_column_overrides(self.config, derived.columns)
        state = run_scan(derived, self.config, target=target, loss=loss)
        if schema is not None:
            data = collect(frame.lazy.drop(ROW_ID), frame.source)
            state.report.findings += input_findings(
                schema, data, frame.labels, frame.n_rows
            )
        categories = _categories(state)
        self._plan = fit_plan(state, categories)
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
        sink: Callable[[pl.DataFrame], None] | None = None,
    ) -> CleanResult:
        """Transform ``derived`` (``frame`` with the declared ratios, when
        fitting) and audit it."""
        plan = self.plan
        if plan.target and plan.target not in frame.columns:
            plan = _without_target(plan)
        if frame.batches is not None:
            return self._finish_batches(frame, derived, before, plan, drift, sink)
        lazy, _ = prepare(derived, plan)
        applied = apply_plan(
            plan,
            lazy,
            labels=frame.labels,
            n_rows=frame.n_rows,
            source=frame.source,
            drift=drift,
        )
        validate(applied.frame, schema_from_plan(plan), applied.row_ids)
        after = output_stats(
            applied.frame, roles={plan.target: "target"} if plan.target else {}
        )
        report = _audit(
            before,
            plan,
            frame,
            applied.actions,
            applied.drift,
            n_out=applied.frame.height,
            after=after,
        )
        report.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
        result_frame = restore(applied.frame, frame, applied.row_ids)
        return CleanResult(
            result_frame, report, plan, applied.row_ids, applied.frame, frame.labels
        )

    def _finish_batches(
        self,
        frame: Frame,
        derived: Frame,
        before: AuditReport,
        plan: Plan,
        drift: bool,
        sink: Callable[[pl.DataFrame], None] | None,
    ) -> CleanResult:
        """The transform of data read in batches: into ``sink``, or (Dask) into
        a Dask DataFrame of cleaned partitions."""
        from nanclean.batched import transform_batches

        started = time.perf_counter()
        out: Any = None
        if sink is None and frame.kind is InputKind.DASK:
            from nanclean.distributed import transform_partitions

            out, done = transform_partitions(derived, plan, drift=drift)
        elif sink is None:
            raise NancleanError(
                "Data read in batches is cleaned into a sink: pass sink= (a callable "
                "that receives each cleaned batch), e.g. through `nanclean clean`."
            )
        else:
            done = transform_batches(derived, plan, drift=drift, write=sink)
        report = _audit(
            before,
            plan,
            frame,
            done.actions,
            done.drift,
            n_out=done.n_rows,
            after=done.after,
        )
        report.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
        empty = pl.DataFrame(schema={c: pl.Float64 for c in plan.output_columns})
        return CleanResult(
            out,
            report,
            plan,
            np.empty(0, np.int64),
            empty,
            frame.labels,
            in_memory=False,
        )


def clean(
    data: Any,
    *,
    target: str | None = None,
    loss: str | None = None,
    config: Any = None,
    schema: pa.DataFrameSchema | None = None,
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
    return Cleaner(config).fit_transform(data, target=target, loss=loss, schema=schema)


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
        (pl.col(num).cast(pl.Float64) / pl.col(den).cast(pl.Float64)).alias(name)
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
    values = collect(
        state.columns.lazy.select(
            pl.col(c).cast(pl.String).unique().implode().alias(c) for c in names
        ),
        state.frame.source,
    )
    return {c: values.get_column(c)[0].to_list() for c in names}


def _without_target(plan: Plan) -> Plan:
    from dataclasses import replace

    return replace(
        plan,
        target=None,
        output_columns=[c for c in plan.output_columns if c != plan.target],
    )


def _audit(
    before: AuditReport,
    plan: Plan,
    frame: Frame,
    applied_actions: list[Action],
    drift: list[Finding],
    *,
    n_out: int,
    after: dict[str, ColumnStats],
) -> AuditReport:
    """The report of a clean: findings before, actions, drift, stats after."""
    actions: list[Action] = list(applied_actions)
    for cp in plan.columns:
        if cp.ratio and cp.name not in frame.columns:
            actions.append(
                Action(
                    ActionKind.DERIVED,
                    cp.name,
                    n_out,
                    details={"numerator": cp.ratio[0], "denominator": cp.ratio[1]},
                )
            )
        if cp.unscaled:
            actions.append(
                Action(
                    ActionKind.LEFT_UNSCALED,
                    cp.name,
                    0,
                    details={"reason": cp.unscaled, "center": cp.center},
                )
            )
        elif cp.scale != "none":
            actions.append(
                Action(
                    ActionKind.SCALED,
                    cp.name,
                    n_out,
                    details={
                        "method": cp.scale,
                        "center": cp.center,
                        "scale": cp.scale_by,
                    },
                )
            )
        for suffix, on in (
            ("__missing", cp.missing_indicator),
            ("__clipped", cp.clip_indicator),
        ):
            if on:
                actions.append(Action(ActionKind.INDICATOR_ADDED, cp.name + suffix, 0))
    for col, reason in plan.dropped.items():
        actions.append(
            Action(ActionKind.COLUMN_DROPPED, col, 0, details={"reason": reason})
        )
    for enc in plan.encodings:
        actions.append(
            Action(
                ActionKind.ENCODED,
                enc.name,
                n_out,
                details={"method": enc.method, "categories": enc.categories[:50]},
            )
        )
    if plan.label_map and plan.target:
        actions.append(
            Action(
                ActionKind.LABEL_MAPPED,
                plan.target,
                0,
                details={"mapping": plan.label_map},
            )
        )
    for a in actions:
        a.labels = frame.labels
    findings: list[Finding] = before.findings + drift
    return AuditReport(
        findings=findings,
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
            "plan": plan.to_dict(),
        },
        meta=before.meta,
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
