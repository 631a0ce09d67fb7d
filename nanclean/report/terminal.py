"""The report in a terminal: compact rich tables of findings and of what changed.

A third renderer beside JSON and HTML, for the command line. Everything from
the data is escaped for rich markup; long lists are cut (all of it is in the
HTML and JSON reports).
"""

from __future__ import annotations

import io
import re
from typing import IO, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nanclean.errors import format_rows
from nanclean.findings import ActionKind
from nanclean.report.summary import group_info
from nanclean.report.text import describe_action, format_number
from nanclean.report.verdict import verdict

__all__ = ["TABLE_ROWS", "Terminal", "report_text", "result_text", "short_numbers"]

#: Rows listed per table (all of them are in the HTML / JSON reports).
TABLE_ROWS = 30

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "blue"}
_STATUS = {
    "safe": "[green]✓ safe[/]",
    "caution": "[yellow]! caution[/]",
    "unsafe": "[red]✗ not safe[/]",
}
_NUMBER = re.compile(r"-?\d+\.\d+(?:e[+-]?\d+)?")


class Terminal:
    """Prints reports on a rich console; ``quiet`` keeps only errors.

    Parameters
    ----------
    stderr : bool, default=False
        Print to stderr (when stdout carries the JSON report).
    quiet : bool, default=False
        Print only errors.
    """

    def __init__(
        self, *, stderr: bool = False, quiet: bool = False, file: IO[str] | None = None
    ) -> None:
        self.quiet = quiet
        if file is None:
            self.console = Console(stderr=stderr, highlight=False, soft_wrap=False)
        else:  # plain text for str(report): no colour, a fixed width
            self.console = Console(
                file=file,
                width=100,
                color_system=None,
                highlight=False,
                soft_wrap=False,
            )

    def step(self, text: str) -> None:
        if not self.quiet:
            self.console.print(f"\n[bold]{escape(text)}[/]")

    def result(self, text: str, *, error: bool = False) -> None:
        if error:
            self.console.print(f"[red]{escape(text)}[/]")
        elif not self.quiet:
            self.console.print(escape(text))

    def verdict(self, report: Any) -> None:
        v = verdict(report)
        for who, statuses in (("output", v["output"]), ("input", v["input"])):
            if statuses is None:
                continue
            cells = "   ".join(
                f"{d}: {_STATUS[s['status']]}" for d, s in statuses.items()
            )
            name = "cleaned output" if who == "output" else "input"
            self.console.print(f"  {name:<15} {cells}")

    def findings(
        self,
        report: Any,
        title: str,
        *,
        limit: int = TABLE_ROWS,
        where_all: str = "all of them in --html / --json",
    ) -> None:
        """Counts, verdict and a table of the findings (info ones one line a kind)."""
        if self.quiet:
            return
        s = report.summary()
        n_rows = report.input.get("n_rows", 0)
        self.console.print(f"[bold]{escape(title)}[/]")
        self.console.print(
            f"  {n_rows:,} rows × {report.input.get('n_columns', 0)} columns: "
            f"[bold red]{s['error']} error[/], [yellow]{s['warning']} warning[/], "
            f"[blue]{s['info']} info[/]"
        )
        self.verdict(report)
        if not report.findings:
            return
        table = Table(show_edge=False, pad_edge=False, header_style="bold dim")
        table.add_column("severity")
        table.add_column("kind")
        table.add_column("column", overflow="fold")
        table.add_column("count", justify="right")
        table.add_column("rows", overflow="fold")
        entries = group_info(report.findings)
        for group in entries[:limit]:
            f = group[0]
            if len(group) == 1:
                column = escape(f.column)
                rows = escape(f.rows_preview(3)) if len(f.row_ids) else ""
            else:
                names = format_rows((g.column for g in group), len(group), first=3)
                column = escape(f"{len(group)} columns: {names}")
                rows = ""
            table.add_row(
                f"[{_SEVERITY_STYLE[f.severity.value]}]{f.severity.value}[/]",
                f.kind.value,
                column,
                f"{sum(g.count for g in group):,}",
                rows,
            )
        self.console.print(table)
        more = sum(len(g) for g in entries[limit:])
        if more > 0:
            self.console.print(f"… and {more} more findings ({where_all}).")

    def changes(
        self,
        report: Any,
        title: str,
        *,
        limit: int = TABLE_ROWS,
        show_verdict: bool = True,
    ) -> None:
        """Rows and columns in and out, the verdict, and what changed per column."""
        if self.quiet:
            return
        out = report.output
        self.console.print(f"[bold]{escape(title)}[/]")
        self.console.print(
            f"  {report.input.get('n_rows', 0):,} → {out.get('n_rows', 0):,} rows, "
            f"{report.input.get('n_columns', 0)} → {out.get('n_columns', 0)} columns "
            f"({out.get('dtype')})"
        )
        if show_verdict:
            self.verdict(report)
        whole = {ActionKind.SCALED, ActionKind.LEFT_UNSCALED, ActionKind.DERIVED}
        cell = [a for a in report.actions if a.kind not in whole]
        if cell:
            table = Table(show_edge=False, pad_edge=False, header_style="bold dim")
            table.add_column("column", overflow="fold")
            table.add_column("what changed", overflow="fold")
            table.add_column("rows", overflow="fold")
            for a in cell[:limit]:
                rows = ""
                if len(a.row_ids):
                    rows = format_rows(a.labels(a.row_ids[:3]), len(a.row_ids), first=3)
                table.add_row(
                    escape(a.column), escape(describe_action(a)), escape(rows)
                )
            self.console.print(table)
            if len(cell) > limit:
                self.console.print(f"… and {len(cell) - limit} more actions.")
        scaled = [a for a in report.actions if a.kind is ActionKind.SCALED]
        if scaled:
            methods = sorted({str(a.details.get("method")) for a in scaled})
            self.console.print(
                f"{len(scaled)} column{'s' if len(scaled) != 1 else ''} scaled "
                f"({', '.join(methods)})."
            )

    def failures(self, cases: Any, data: str, schema: str) -> None:
        if self.quiet:
            return
        table = Table(
            title=f"{escape(data)} against {escape(schema)}",
            show_edge=False,
            pad_edge=False,
            header_style="bold dim",
        )
        for name in ("column", "check", "failure_case", "index"):
            table.add_column("row" if name == "index" else name, overflow="fold")
        for row in cases.head(20).iter_rows(named=True):
            table.add_row(
                escape(str(row.get("column") or "")),
                escape(short_numbers(str(row.get("check") or ""))),
                escape(str(row.get("failure_case"))),
                escape(str(row.get("index") if row.get("index") is not None else "")),
            )
        self.console.print(table)
        if cases.height > 20:
            self.console.print(f"… and {cases.height - 20} more failure cases.")


#: Findings and actions listed by ``print(report)`` / ``print(result)``.
PRINT_ROWS = 10
_TABLES_HINT = "all of them in report.to_polars(), report.to_html(path)"


def report_text(report: Any) -> str:
    """``str(report)``: counts by severity, the verdict per dtype, the top findings."""
    buffer = io.StringIO()
    title = "nanclean clean" if report.after else "nanclean scan"
    source = report.input.get("source")
    Terminal(file=buffer).findings(
        report,
        f"{title} of {source}" if source else title,
        limit=PRINT_ROWS,
        where_all=_TABLES_HINT,
    )
    return buffer.getvalue().rstrip()


def result_text(result: Any) -> str:
    """``str(result)``: the report's summary, then what clean changed."""
    buffer = io.StringIO()
    Terminal(file=buffer).changes(
        result.report, "What clean changed", limit=PRINT_ROWS, show_verdict=False
    )
    return report_text(result.report) + "\n\n" + buffer.getvalue().rstrip()


def short_numbers(text: str) -> str:
    """nanclean_in_range(min_value=-7.413007412999999) → ...(min_value=-7.413)."""
    return _NUMBER.sub(lambda m: format_number(float(m.group())), text)
