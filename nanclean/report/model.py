"""AuditReport and ColumnStats: plain data, JSON-able, no machinery.

The report is built in two stages (see STYLE.md, after skrub): this model is
the plain summary; renderers (HTML) read it and never compute statistics.
Strict JSON: non-finite numbers are written as the strings ``"nan"``,
``"inf"`` and ``"-inf"``, never as ``NaN`` / ``Infinity`` tokens.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nanclean.errors import ConfigError
from nanclean.findings import Action, Finding, FindingKind, Severity, by_severity
from nanclean.report.strict_json import dumps, json_safe
from nanclean.report.verdict import fingerprint, run_info, verdict

if TYPE_CHECKING:
    import polars as pl

    from nanclean.plan import Plan
    from nanclean.report.tables import TableName

__all__ = ["SCHEMA_VERSION", "AuditReport", "ColumnStats", "json_safe"]

SCHEMA_VERSION = "1.0"


@dataclass
class ColumnStats:
    """Statistics of one column before (or after) cleaning.

    min, max, mean, std, median, mad and the quantiles are over finite values
    only; they are None when the column has no finite value. ``estimated`` is
    True when median, MAD and quantiles come from a sample (see
    ``CleanConfig.sample_size``) or, for data read in batches, from a quantile
    sketch (``nanclean.sketch``); every count is exact.
    """

    name: str
    dtype: str
    role: str = "feature"  # feature | target | non_numeric
    count: int = 0
    null: int = 0
    nan: int = 0
    pos_inf: int = 0
    neg_inf: int = 0
    zeros: int = 0
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    std: float | None = None
    median: float | None = None
    mad: float | None = None
    q01: float | None = None
    q25: float | None = None
    q75: float | None = None
    q99: float | None = None
    estimated: bool = False
    histogram: dict[str, Any] | None = None  # see stats.histogram

    @property
    def finite(self) -> int:
        return self.count - self.null - self.nan - self.pos_inf - self.neg_inf

    @property
    def missing(self) -> int:
        return self.null + self.nan

    def to_dict(self) -> dict[str, Any]:
        return json_safe(asdict(self))


@dataclass
class AuditReport:
    """What a scan found (and, after a clean, what was done about it).

    Attributes
    ----------
    findings : list of Finding
        Most severe first, then by column order, then by kind.
    columns : dict of str to ColumnStats
        Statistics of every input column, in input order.
    input : dict
        Description of the input (kind, source, rows, columns, dtypes).
    target, loss : str or None
    config : dict
        The configuration used.
    actions : list of Action
        What clean did, per column (empty after a scan).
    after : dict of str to ColumnStats
        Statistics of the output columns (empty after a scan).
    output : dict
        Description of the output (rows, columns, dtype, dropped rows); in the
        JSON its ``plan`` entry is :attr:`plan` as a dict.
    plan : Plan or None
        The fitted Plan that made the output (None after a scan).
    elapsed : float or None
        Seconds the scan or clean took (written only to a timestamped report).
    incidents : list of dict
        Training incidents added with :meth:`add_incident` (the training
        guard's JSON); written to JSON and HTML only when there are some.
    """

    findings: list[Finding] = field(default_factory=list)
    columns: dict[str, ColumnStats] = field(default_factory=dict)
    input: dict[str, Any] = field(default_factory=dict)
    target: str | None = None
    loss: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    after: dict[str, ColumnStats] = field(default_factory=dict)
    output: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    plan: Plan | None = None
    elapsed: float | None = field(default=None, compare=False)

    def add_incident(self, incident: Any) -> AuditReport:
        """Attach training incidents so that the JSON and HTML reports show them.

        Parameters
        ----------
        incident : Incident, NonFiniteLossError, dict, or JSON text / path
            One incident, or the guard's JSON (``guard.to_json(path)`` or
            ``incident_path=``: ``{"incidents": [...]}``).

        Returns
        -------
        AuditReport
            This report.
        """
        incident = getattr(incident, "incident", incident)  # NonFiniteLossError
        if hasattr(incident, "to_dict"):
            data: Any = incident.to_dict()
        elif isinstance(incident, dict):
            data = incident
        else:
            text = str(incident)
            if not text.lstrip().startswith("{"):
                text = Path(incident).read_text(encoding="utf-8")
            data = json.loads(text)
        found = data.get("incidents", [data]) if isinstance(data, dict) else data
        self.incidents += [json_safe(dict(i)) for i in found]
        return self

    # --- querying -------------------------------------------------------------

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def filter(
        self,
        *,
        kind: FindingKind | str | None = None,
        column: str | None = None,
        severity: Severity | str | None = None,
    ) -> list[Finding]:
        """The findings matching every given criterion."""
        return [
            f
            for f in self.findings
            if (kind is None or f.kind == kind)
            and (column is None or f.column == column)
            and (severity is None or f.severity == severity)
        ]

    @property
    def errors(self) -> list[Finding]:
        return self.filter(severity=Severity.ERROR)

    @property
    def warnings(self) -> list[Finding]:
        return self.filter(severity=Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when no finding has severity ``error``."""
        return not self.errors

    def summary(self) -> dict[str, int]:
        """The number of findings per severity: ``{"error": 2, "warning": 1, "info": 0}``."""
        return by_severity(self.findings)

    # --- as tables ------------------------------------------------------------

    def to_polars(
        self, what: TableName = "findings", *, first: int = 5
    ) -> pl.DataFrame:
        """The findings (or the actions) as a polars DataFrame, one row each.

        Parameters
        ----------
        what : {"findings", "actions"}, default="findings"
            ``"findings"``: columns ``severity, kind, column, count, fraction,
            first_rows, rows_total, message``, most severe first.
            ``"actions"``: what clean did, columns ``kind, column, count,
            first_rows, rows_total, description`` (empty after a scan).
        first : int, default=5
            Row labels listed in ``first_rows`` (the caller's labels, as in
            ``Finding.rows``); every row is in ``report.findings[i].rows``.

        Examples
        --------
        >>> import polars as pl, nanclean as nc
        >>> df = pl.DataFrame({"x": [1.0, float("inf"), 3.0, None]})
        >>> nc.scan(df).to_polars().select("kind", "column", "count", "first_rows")
        shape: (2, 4)
        ┌─────────┬────────┬───────┬────────────┐
        │ kind    ┆ column ┆ count ┆ first_rows │
        │ ---     ┆ ---    ┆ ---   ┆ ---        │
        │ str     ┆ str    ┆ i64   ┆ list[i64]  │
        ╞═════════╪════════╪═══════╪════════════╡
        │ pos_inf ┆ x      ┆ 1     ┆ [1]        │
        │ null    ┆ x      ┆ 1     ┆ [3]        │
        └─────────┴────────┴───────┴────────────┘
        """
        from nanclean.report.tables import actions_frame, findings_frame

        if what == "findings":
            return findings_frame(self.findings, first=first)
        if what == "actions":
            return actions_frame(self.actions, first=first)
        raise ConfigError(
            f"what={what!r} is not a table of the report; expected 'findings' or "
            "'actions'."
        )

    def to_pandas(self, what: TableName = "findings", *, first: int = 5) -> Any:
        """The findings (or the actions) as a pandas DataFrame; see :meth:`to_polars`.

        ``first_rows`` holds numpy arrays of row labels.
        """
        return self.to_polars(what, first=first).to_pandas()

    # --- serialization --------------------------------------------------------

    def to_dict(self, *, max_rows: int | None = None) -> dict[str, Any]:
        """A plain dict; every offending row label is included unless capped."""
        return json_safe(
            {
                "schema_version": SCHEMA_VERSION,
                "input": self.input,
                "target": self.target,
                "loss": self.loss,
                "summary": self.summary(),
                "findings": [f.to_dict(max_rows=max_rows) for f in self.findings],
                "columns": {k: v.to_dict() for k, v in self.columns.items()},
                "actions": [a.to_dict(max_rows=max_rows) for a in self.actions],
                "after": {k: v.to_dict() for k, v in self.after.items()},
                "output": self._output(),
                "config": self.config,
                "meta": self.meta,
            }
            | ({"incidents": self.incidents} if self.incidents else {})
        )

    def _output(self) -> dict[str, Any]:
        """``output`` with the Plan as a dict under ``plan`` (the JSON layout)."""
        if self.plan is None:
            return self.output
        return {**self.output, "plan": self.plan.to_dict()}

    def to_json(
        self,
        path: str | Path | None = None,
        *,
        indent: int | None = 2,
        timestamp: bool = False,
        spill_rows_over: int | None = None,
    ) -> str:
        """Strict JSON (no NaN / Infinity tokens); also written to ``path`` if given.

        ``spill_rows_over``: a finding or action with more rows keeps its first
        ``spill_rows_over`` rows in the JSON; all its rows (0-based positions)
        go to ``<path stem>.rows.parquet``, which the entry names in
        ``rows_file`` (for findings with millions of rows).

        The document is :meth:`to_dict` (every offending row label included)
        plus the ``verdict`` (safe to train in float32? in float16?) and the
        input's ``fingerprint``; its structure is described by the JSON Schema
        ``nanclean/report/audit.schema.json``. With ``timestamp=True`` a
        ``run`` entry records when and how long; without it the same input and
        config give byte-identical JSON.
        """
        data = self.to_dict(max_rows=spill_rows_over)
        if spill_rows_over is not None:
            if path is None:
                raise ValueError("spill_rows_over needs a path to write beside")
            self._spill_rows(data, Path(path), spill_rows_over)
        data["verdict"] = json_safe(verdict(self))
        data["fingerprint"] = fingerprint(self)
        if timestamp:
            data["run"] = run_info(self)
        text = dumps(data, indent)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    def _spill_rows(self, data: dict[str, Any], path: Path, limit: int) -> None:
        """Write the rows of every entry longer than ``limit`` to one Parquet file."""
        import numpy as np
        import polars as pl

        side = path.with_name(path.stem + ".rows.parquet")
        parts = []
        groups: list[tuple[str, list[Finding | Action]]] = [
            ("findings", list(self.findings)),
            ("actions", list(self.actions)),
        ]
        for key, entries in groups:
            for i, entry in enumerate(entries):
                rows = entry.row_ids
                if len(rows) <= limit:
                    continue
                data[key][i]["rows_file"] = side.name
                parts.append(
                    pl.DataFrame(
                        {
                            "entry": np.full(len(rows), f"{key}[{i}]"),
                            "kind": np.full(len(rows), entry.kind.value),
                            "column": np.full(len(rows), entry.column),
                            "row": np.asarray(rows, dtype=np.int64),
                        }
                    )
                )
        if parts:
            pl.concat(parts).write_parquet(side)

    def to_html(
        self, path: str | Path | None = None, *, timestamp: bool = False
    ) -> str:
        """One self-contained HTML file (inline CSS and SVG, no network access).

        Returns the HTML and also writes it to ``path`` if given. Without
        ``timestamp`` the same input and config give byte-identical HTML.
        """
        from nanclean.report.html import render_html

        text = render_html(self, timestamp=timestamp)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def _repr_html_(self) -> str:
        """The notebook view: verdict, the first findings, collapsed column cards."""
        from nanclean.report.html import render_notebook

        return render_notebook(self, name="report")

    def __str__(self) -> str:
        """A short summary for ``print(report)``: counts, verdict, top findings."""
        from nanclean.report.terminal import report_text

        return report_text(self)

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"AuditReport({len(self.findings)} findings: {s['error']} error, "
            f"{s['warning']} warning, {s['info']} info; "
            f"{self.input.get('n_rows', '?')} rows × {len(self.columns)} columns)"
        )
