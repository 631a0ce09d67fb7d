"""The command line: ``nanclean scan | clean | apply | schema | validate | demo``.

Exit codes
----------
0   success; for ``scan``, no finding at or above ``--fail-on``
1   ``scan``: findings at or above ``--fail-on`` (a CI gate before training);
    ``validate``: the data breaks the schema; any command: a policy set to
    ``"error"`` refused to repair, or the training comparison of ``demo`` failed
2   usage error: a missing file, an unknown format, column or option, a bad
    config or plan — one line on stderr that names the argument, no traceback

Human output goes to stdout, or to stderr when ``--json -`` writes the JSON
report to stdout (which then holds nothing else).
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup

from nanclean.errors import (
    ConfigError,
    InputError,
    MissingDependencyError,
    NancleanError,
)
from nanclean.findings import Severity
from nanclean.frame import FORMAT_OF_EXTENSION, write
from nanclean.losses import LOSSES
from nanclean.report.terminal import Terminal

__all__ = ["app", "main"]

#: Rows per batch of a streamed file (``nanclean.batched.BATCH_ROWS``).
BATCH_ROWS = 250_000

#: Files larger than this get a progress spinner (unless --quiet).
LARGE_FILE_BYTES = 50 * 1024 * 1024

# the input extensions, but .txt: a written file's format must be unambiguous
_OUTPUT_FORMATS = {e: f for e, f in FORMAT_OF_EXTENSION.items() if e != ".txt"}


#: The --loss choices, from the one loss registry.
Loss = StrEnum("Loss", {name: name for name in LOSSES})  # type: ignore[misc]


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    never = "never"


class Format(StrEnum):
    csv = "csv"
    tsv = "tsv"
    parquet = "parquet"
    ipc = "ipc"
    json = "json"
    ndjson = "ndjson"


def _untyped_flags(params: list[Any]) -> list[Any]:
    """Flags take no value: an empty metavar keeps typer's rich help from
    printing a ``<bool>`` type beside them (``--quiet``, ``--help``)."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class _Command(TyperCommand):
    """A command whose help shows no type beside its flags."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _untyped_flags(super().get_params(ctx))


class _Group(TyperGroup):
    """Runs every command with nanclean's error handling (also under CliRunner)."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _untyped_flags(super().get_params(ctx))

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        code = _run(
            lambda: super(_Group, self).main(
                args,
                prog_name or "nanclean",
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        )
        if standalone_mode:
            sys.exit(code)
        return code


def _run(invoke: Any) -> int:
    """Invoke the CLI; map errors to exit codes and one-line messages on stderr."""
    from typer._click.exceptions import NoArgsIsHelpError, UsageError

    try:
        rv = invoke()
    except NoArgsIsHelpError:  # bare `nanclean`: the help was printed
        return 2
    except UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "nanclean"
        _fail(f"{where}: error: {exc.format_message()} (see {where} --help)")
        return 2
    except (InputError, ConfigError) as exc:
        _fail(f"nanclean: error: {exc}")
        return 2
    except NancleanError as exc:
        _fail(f"nanclean: {type(exc).__name__}: {exc}")
        return 1
    except typer.Abort:
        _fail("nanclean: aborted")
        return 1
    except OSError as exc:  # a file nanclean reads or writes, outside the guards
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"nanclean: error: {where}{exc.strerror or exc}")
        return 2
    except Exception as exc:  # never a traceback: one line, and how to report it
        _fail(
            f"nanclean: internal error: {type(exc).__name__}: {exc}. This is a bug in "
            "nanclean; please report it with the command line that caused it."
        )
        return 1
    return rv if isinstance(rv, int) else 0


@contextmanager
def _writing(path: Path | str, option: str) -> Iterator[None]:
    """Turn a failure to write ``path`` (a directory, a parent that is a file, no
    permission, a full disk) into a usage error that names it: exit 2."""
    import polars as pl

    try:
        yield
    except (OSError, pl.exceptions.PolarsError) as exc:
        blocker = next((p for p in Path(path).parents if p.is_file()), None)
        if blocker is not None:
            reason = f"{str(blocker)!r} is a file, not a directory"
        elif isinstance(exc, OSError) and exc.strerror:
            reason = exc.strerror
        else:
            reason = str(exc).strip().splitlines()[0]
        raise typer.BadParameter(
            f"cannot write {str(path)!r}: {reason}.", param_hint=option
        ) from None


def _fail(message: str) -> None:
    sys.stderr.write(" ".join(message.split()) + "\n")


app = typer.Typer(
    cls=_Group,
    name="nanclean",
    help=(
        "Find, repair and audit the data that turns a training loss into NaN. "
        "Every command reads CSV, TSV, Parquet, Arrow IPC, JSON and NDJSON (by "
        "extension, or --format)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"nanclean {version('nanclean')}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Find, repair and audit the data that turns a training loss into NaN."""


# --- shared options -------------------------------------------------------------------

DataArg = Annotated[
    Path,
    typer.Argument(
        exists=True,
        dir_okay=False,
        readable=True,
        metavar="DATA",
        help="CSV, TSV, Parquet, Arrow IPC, JSON or NDJSON file.",
        show_default=False,
    ),
]
TargetOpt = Annotated[
    str | None,
    typer.Option("--target", "-t", metavar="COL", help="The label column."),
]
LossOpt = Annotated[
    Loss | None,
    typer.Option(
        "--loss", "-l", help="The loss the target is trained with (default: mse)."
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        exists=True,
        dir_okay=False,
        metavar="FILE",
        help="A TOML or YAML config (see nanclean.CleanConfig).",
    ),
]
HtmlOpt = Annotated[
    Path | None,
    typer.Option(
        "--html", metavar="FILE", help="Write the audit report as one HTML file."
    ),
]
JsonOpt = Annotated[
    str | None,
    typer.Option(
        "--json",
        metavar="FILE|-",
        help="Write the JSON report (every offending row); '-' for stdout.",
    ),
]
FormatOpt = Annotated[
    Format | None,
    typer.Option("--format", "-f", help="Input format, when the extension is not."),
]
QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="No progress and no tables; only errors and the result."
    ),
]
StreamOpt = Annotated[
    bool | None,
    typer.Option(
        "--stream/--no-stream",
        help="Read the file batch by batch in bounded memory (robust statistics "
        "from a quantile sketch, see the README). Default: when the data would "
        "not fit in the memory available.",
        show_default=False,
    ),
]
BatchRowsOpt = Annotated[
    int,
    typer.Option(
        "--batch-rows",
        min=1000,
        metavar="N",
        help="Rows per batch when streaming (memory grows with it).",
    ),
]
OutOpt = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        metavar="OUT",
        help="The cleaned data; format from the extension "
        "(.csv .tsv .parquet .arrow/.ipc/.feather .json .ndjson/.jsonl).",
        show_default=False,
    ),
]


# --- commands --------------------------------------------------------------------------


@app.command(
    cls=_Command,
    epilog="Example: nanclean scan data.csv --target churned --loss bce "
    "--html audit.html --fail-on error",
)
def scan(
    data: DataArg,
    target: TargetOpt = None,
    loss: LossOpt = None,
    config: ConfigOpt = None,
    html: HtmlOpt = None,
    json: JsonOpt = None,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on",
            help="Exit with code 1 when findings of this severity or worse exist.",
        ),
    ] = FailOn.error,
    format: FormatOpt = None,
    quiet: QuietOpt = False,
    stream: StreamOpt = None,
    batch_rows: BatchRowsOpt = BATCH_ROWS,
) -> None:
    """Find what will turn the loss into NaN; change nothing.

    Prints a summary table and exits with code 1 when findings at or above
    --fail-on exist, so it can gate a training job in CI.
    """
    import nanclean as nc

    out = _Out(json, quiet)
    frame = _read(
        data, format, out, target=target, stream=stream, batch_rows=batch_rows
    )
    cfg = _config(config)
    with out.progress(f"Scanning {data.name}", data, frame):
        report = nc.scan(frame, target=target, loss=_loss(loss), config=cfg)
    _write_reports(report, html, json, out, spill=frame.batches is not None)
    out.findings(report, f"nanclean scan · {data.name}")
    failing = _failing(report, fail_on)
    if failing:
        out.result(
            f"{len(failing)} finding{'s' if len(failing) != 1 else ''} at or above "
            f"'{fail_on.value}': not safe to train as it is.",
            error=True,
        )
        raise typer.Exit(1)


@app.command(
    cls=_Command,
    epilog="Example: nanclean clean data.csv -o clean.parquet --target churned "
    "--loss bce --html audit.html --plan plan.json",
)
def clean(
    data: DataArg,
    output: OutOpt,
    target: TargetOpt = None,
    loss: LossOpt = None,
    config: ConfigOpt = None,
    html: HtmlOpt = None,
    json: JsonOpt = None,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            metavar="FILE",
            help="Save the fitted Plan as JSON (reuse it with nanclean apply).",
        ),
    ] = None,
    format: FormatOpt = None,
    quiet: QuietOpt = False,
    stream: StreamOpt = None,
    batch_rows: BatchRowsOpt = BATCH_ROWS,
) -> None:
    """Scan, repair and write the cleaned data and its audit report."""
    from nanclean.cleaner import Cleaner

    out = _Out(json, quiet)
    fmt = _output_format(output)
    frame = _read(
        data, format, out, target=target, stream=stream, batch_rows=batch_rows
    )
    cleaner = Cleaner(_config(config))
    result = _run_into(
        lambda sink: cleaner.fit_transform(
            frame, target=target, loss=_loss(loss), sink=sink
        ),
        f"Cleaning {data.name}",
        data,
        frame,
        output,
        fmt,
        out,
    )
    if plan is not None:
        with _writing(plan, "'--plan'"):
            plan.parent.mkdir(parents=True, exist_ok=True)
            cleaner.save(plan)
    _write_reports(result.report, html, json, out, spill=frame.batches is not None)
    out.changes(result.report, f"nanclean clean · {data.name}")
    shape = result.report.output
    out.result(
        f"Wrote {output} ({shape['n_rows']:,} rows × {shape['n_columns']} columns)"
        + (f", plan {plan}" if plan else "")
        + "."
    )


@app.command(
    cls=_Command,
    epilog="Example: nanclean apply new.csv --plan plan.json -o new_clean.parquet "
    "--html drift.html",
)
def apply(
    data: DataArg,
    plan: Annotated[
        Path,
        typer.Option(
            "--plan",
            exists=True,
            dir_okay=False,
            metavar="FILE",
            help="A Plan saved by nanclean clean --plan (or Cleaner.save).",
            show_default=False,
        ),
    ],
    output: OutOpt,
    html: HtmlOpt = None,
    json: JsonOpt = None,
    format: FormatOpt = None,
    quiet: QuietOpt = False,
    stream: StreamOpt = None,
    batch_rows: BatchRowsOpt = BATCH_ROWS,
) -> None:
    """Clean new data with a saved Plan and report drift from the training data."""
    from nanclean.cleaner import Cleaner
    from nanclean.plan import Plan

    out = _Out(json, quiet)
    fmt = _output_format(output)
    try:
        fitted = Plan.from_json(plan)
    except (ValueError, KeyError, TypeError) as exc:  # bad JSON or not a plan
        raise typer.BadParameter(
            f"{plan} is not a nanclean plan: {exc}", param_hint="'--plan'"
        ) from None
    frame = _read(data, format, out, stream=stream, batch_rows=batch_rows)
    result = _run_into(
        lambda sink: Cleaner.from_plan(fitted).transform(frame, sink=sink),
        f"Applying the plan to {data.name}",
        data,
        frame,
        output,
        fmt,
        out,
    )
    _write_reports(result.report, html, json, out, spill=frame.batches is not None)
    drift = [f for f in result.report.findings if f.kind.value.startswith("drift_")]
    out.findings(result.report, f"nanclean apply · {data.name}")
    shape = result.report.output
    out.result(
        f"Wrote {output} ({shape['n_rows']:,} rows × {shape['n_columns']} columns); "
        f"{len(drift)} drift finding{'s' if len(drift) != 1 else ''}."
    )


@app.command(
    cls=_Command,
    epilog="Example: nanclean schema data.csv -o schemas/data.yaml --target churned "
    "--loss bce",
)
def schema(
    data: DataArg,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write the schema (.yaml, or .json).",
            show_default=False,
        ),
    ],
    target: TargetOpt = None,
    loss: LossOpt = None,
    config: ConfigOpt = None,
    format: FormatOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Write the Pandera schema (the contract) that cleaned DATA satisfies.

    Plain pandera reads it once nanclean's checks are registered:
    nanclean.schema.register_checks(), then
    pandera.polars.DataFrameSchema.from_yaml(path) (or nanclean.load_schema(path)).
    """
    from nanclean.cleaner import Cleaner
    from nanclean.schema import save_contract

    out = _Out(None, quiet)
    frame = _read(data, format, out, target=target)
    with out.progress(f"Fitting {data.name}", data):
        cleaner = Cleaner(_config(config)).fit(frame, target=target, loss=_loss(loss))
    contract = cleaner.schema
    with _writing(output, "'--output'"):
        path = save_contract(contract, output, source=data.name)
    n = len(contract.columns)
    out.result(
        f"Wrote {path}: {n} column{'s' if n != 1 else ''}"
        + (f", target {cleaner.plan.target!r}" if cleaner.plan.target else "")
        + f", dtype {cleaner.plan.dtype}."
    )


@app.command(
    cls=_Command,
    epilog="Example: nanclean validate clean.parquet --schema schemas/data.yaml",
)
def validate(
    data: DataArg,
    schema: Annotated[
        Path,
        typer.Option(
            "--schema",
            "-s",
            exists=True,
            dir_okay=False,
            metavar="FILE",
            help="A schema written by nanclean schema (YAML or JSON).",
            show_default=False,
        ),
    ],
    format: FormatOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Check DATA against a schema; exit 1 and list the failure cases if it breaks it.

    Columns stored as another float width (CSV has no float32) are cast to the
    schema's dtype first: a value beyond float32 becomes inf and fails the
    finite check, so the cast hides nothing.
    """
    import polars as pl

    from nanclean.frame import ROW_ID, collect
    from nanclean.schema import failure_cases, load_schema

    out = _Out(None, quiet)
    contract = load_schema(schema)
    frame = _read(data, format, out)
    with out.progress(f"Validating {data.name}", data):
        df = collect(frame.lazy.drop(ROW_ID), frame.source)
        cases = failure_cases(df, contract)
    if cases is None:
        out.result(
            f"{data.name} satisfies {schema.name} ({df.height:,} rows × {df.width} "
            "columns)."
        )
        return
    out.failures(cases.select(pl.all().cast(pl.String)), data.name, schema.name)
    out.result(
        f"{data.name} breaks {schema.name}: {cases.height} failure case"
        f"{'s' if cases.height != 1 else ''}.",
        error=True,
    )
    raise typer.Exit(1)


@app.command(cls=_Command, epilog="Example: nanclean demo --out out/")
def demo(
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out", metavar="DIR", help="Where to write audit.html and audit.json."
        ),
    ] = Path("."),
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data",
            metavar="DIR",
            help="The sample_data directory (default: ./sample_data).",
        ),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """The whole job on sample_data: scan, clean, write the audit, train raw vs cleaned."""
    import nanclean as nc

    out = _Out(None, quiet)
    if out_dir.exists() and not out_dir.is_dir():  # before minutes of work
        raise typer.BadParameter(
            f"{str(out_dir)!r} is a file; --out takes a directory.",
            param_hint="'--out'",
        )
    where = _sample_data(data_dir)
    ecommerce = where / "ecommerce.csv"
    config = where / "ecommerce.toml"
    cfg = _config(config if config.is_file() else None)
    out.step(f"1. Scan {ecommerce} (config {config.name})")
    report = nc.scan(ecommerce, config=cfg)
    out.findings(report, f"nanclean scan · {ecommerce.name}")
    out.step("2. Clean it: repair by the config's policy, audit every cell")
    result = nc.clean(ecommerce, config=cfg)
    html, js = out_dir / "audit.html", out_dir / "audit.json"
    with _writing(out_dir, "'--out'"):
        out_dir.mkdir(parents=True, exist_ok=True)
        result.report.to_html(html)
        result.report.to_json(js)
    out.changes(result.report, f"nanclean clean · {ecommerce.name}")
    out.result(f"Wrote {html} and {js}. Open {html} in a browser.")
    sensors, sensors_cfg = where / "sensors.parquet", where / "sensors.toml"
    if sensors.is_file():
        out.step(f"3. The same on {sensors.name} (config {sensors_cfg.name})")
        other = nc.clean(
            sensors, config=_config(sensors_cfg if sensors_cfg.is_file() else None)
        )
        out.changes(other.report, f"nanclean clean · {sensors.name}")
    out.step("4. Train the example model on the raw and on the cleaned data")
    try:
        from nanclean.demo import compare_training
    except ImportError as exc:
        raise MissingDependencyError(
            f"The training comparison needs nanclean.demo.compare_training, which "
            f"cannot be imported here ({exc}). The audit above is complete; "
            "install nanclean with its demo module (and pip install "
            "'nanclean[torch]') to train."
        ) from None
    compare_training(
        ecommerce,
        result,
        target=result.plan.target,
        loss=result.plan.loss,
        console=out.console,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """The ``nanclean`` console script."""
    app(args=argv, prog_name="nanclean")


# --- helpers ---------------------------------------------------------------------------


class _Out(Terminal):
    """The terminal report, on stderr when the JSON report goes to stdout."""

    def __init__(self, json: str | None, quiet: bool) -> None:
        super().__init__(stderr=json == "-", quiet=quiet)

    @contextmanager
    def progress(
        self, label: str, path: Path | None = None, frame: Any = None
    ) -> Iterator[None]:
        """A spinner for a large file in memory; for a file read in batches, a
        bar per phase (statistics, findings, transform) with the rows done."""
        batched = frame is not None and frame.batches is not None
        big = path is not None and path.stat().st_size > LARGE_FILE_BYTES
        if self.quiet or not (big or batched):
            with nullcontext():
                yield
            return
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        size = path.stat().st_size / 1e6 if path else 0
        if not batched:
            with Progress(
                SpinnerColumn(),
                TextColumn(f"{escape(label)} ({size:,.0f} MB)…"),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            ) as bar:
                bar.add_task(label, total=None)
                yield
            return
        with Progress(
            TextColumn(f"{escape(label)} ({size:,.0f} MB) · " + "{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,.0f} / {task.total:,.0f} rows"),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        ) as bar:
            tasks: dict[str, Any] = {}

            def advance(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(phase, total=total)
                bar.update(tasks[phase], completed=done)

            frame.batches.progress = advance
            try:
                yield
            finally:
                frame.batches.progress = None


def _read(
    path: Path,
    format: Format | None,
    out: _Out,
    *,
    target: str | None = None,
    stream: bool | None = False,
    batch_rows: int = BATCH_ROWS,
) -> Any:
    from nanclean.errors import format_rows
    from nanclean.frame import read

    try:
        frame = read(
            path,
            format=format.value if format else None,
            in_memory=False if stream else None,  # streamed: parsed into Parquet
        )
    except InputError as exc:
        raise typer.BadParameter(str(exc), param_hint="'DATA'") from None
    if target is not None and target not in frame.columns:
        from nanclean.errors import closest

        raise typer.BadParameter(
            f"{target!r} is not a column of {path.name}.{closest(target, frame.columns)}"
            f" Columns: {format_rows(frame.columns, first=10)}.",
            param_hint="'--target'",
        )
    from nanclean.batched import fits_in_memory, read_in_batches

    if stream or (stream is None and not fits_in_memory(frame)):
        fmt = format.value if format else FORMAT_OF_EXTENSION[path.suffix.lower()]
        workdir = Path(tempfile.mkdtemp(prefix="nanclean-"))
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
        frame = read_in_batches(frame, path, fmt, workdir, batch_rows)
    return frame


def _run_into(
    run: Callable[[Any], Any],
    doing: str,
    data: Path,
    frame: Any,
    output: Path,
    fmt: str,
    out: _Out,
) -> Any:
    """``run(sink)`` (a clean or an apply) with its progress shown, and its
    output in ``output``: written batch by batch through the sink when the
    frame is read in batches, else written once at the end."""
    with out.progress(doing, data, frame), _sink(frame, output, fmt) as sink:
        result = run(sink)
    if sink is None:
        with _writing(output, "'--output'"):
            write(result.data, output, fmt)
    return result


@contextmanager
def _sink(frame: Any, output: Path, fmt: str) -> Iterator[Any]:
    """The writer of the cleaned batches when ``frame`` is read in batches (None
    otherwise); a run that fails leaves no partial output behind."""
    if frame.batches is None:
        yield None
        return
    from nanclean.batched import FileWriter

    with _writing(output, "'--output'"):
        output.parent.mkdir(parents=True, exist_ok=True)
        if output.is_dir():
            raise IsADirectoryError(21, "it is a directory", str(output))
        writer = FileWriter(output, fmt)
    try:
        yield writer
    except BaseException:
        writer.close()
        output.unlink(missing_ok=True)
        raise
    writer.close()


def _config(path: Path | None) -> Any:
    from nanclean.config import CleanConfig

    if path is None:
        return CleanConfig()
    try:
        return CleanConfig.from_file(path)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--config'") from None


def _loss(loss: Loss | None) -> str | None:
    return loss.value if loss else None


def _output_format(path: Path) -> str:
    fmt = _OUTPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise typer.BadParameter(
            f"cannot tell the format of {str(path)!r} from its extension "
            f"{path.suffix!r}; use one of {', '.join(sorted(_OUTPUT_FORMATS))}.",
            param_hint="'--output'",
        )
    return fmt


#: Rows a finding keeps in the JSON of a streamed run; the rest go to a side file.
SPILL_ROWS = 100_000


def _write_reports(
    report: Any,
    html: Path | None,
    json: str | None,
    out: _Out,
    *,
    spill: bool = False,
) -> None:
    if html is not None:
        with _writing(html, "'--html'"):
            html.parent.mkdir(parents=True, exist_ok=True)
            report.to_html(html)
    if json == "-":
        sys.stdout.write(report.to_json() + "\n")
        sys.stdout.flush()
    elif json is not None:
        path = Path(json)
        with _writing(path, "'--json'"):
            path.parent.mkdir(parents=True, exist_ok=True)
            report.to_json(path, spill_rows_over=SPILL_ROWS if spill else None)


def _failing(report: Any, fail_on: FailOn) -> list[Any]:
    if fail_on is FailOn.never:
        return []
    floor = Severity(fail_on.value).rank
    return [f for f in report.findings if f.severity.rank >= floor]


def _sample_data(given: Path | None) -> Path:
    """--data, else ./sample_data, else the copy installed with the package (a
    wheel), else the source checkout's (an editable install)."""
    here = Path(__file__).resolve().parent
    candidates = (
        [given]
        if given
        else [Path("sample_data"), here / "sample_data", here.parent / "sample_data"]
    )
    for c in candidates:
        if c is not None and (c / "ecommerce.csv").is_file():
            return c
    raise typer.BadParameter(
        f"cannot find the sample data (ecommerce.csv) in {str(candidates[0])!r}. "
        "Pass --data path/to/sample_data.",
        param_hint="'--data'",
    )


if __name__ == "__main__":
    main()
