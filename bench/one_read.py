"""Reading a file once, and the cost of ``import nanclean`` (issue 12, targets 4-5).

    python bench/one_read.py                 # writes its two sections of RESULTS.md
    python bench/one_read.py --import-only   # only the import-time section
    python bench/one_read.py --rows 100000   # a quicker, smaller file

One read: a 300k × 20 table (the first 20 columns of the benchmark data, with
its NaN, ±inf and outliers) as CSV (about 100 MB) and as Parquet. For each,
side by side and interleaved in this one process: ``nanclean.scan(path)``
against ``pl.read_*`` + ``nanclean.scan(frame)``, the same for ``clean``, and
the command line ``nanclean scan FILE`` against a fresh ``python -c`` that
reads the file with polars and scans the frame (both pay the interpreter and
the import). Target: a path costs at most 1.2x reading it first.

Import: the median of ``REPEATS`` fresh interpreters for ``import nanclean``,
for ``import polars, numpy`` (the floor: nanclean speaks both) and for
``import nanclean`` plus ``pandera.polars`` (what the import loaded before
pandera became lazy); ``python -X importtime`` gives the breakdown. Target:
``import nanclean`` at most 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import data
import measure
import polars as pl

import nanclean as nc

HERE = Path(__file__).parent
ROWS, COLUMNS = 300_000, 20
IMPORT_REPEATS = 11
TITLE_READ = "## One read of a file (issue 12, target 4)"
TITLE_IMPORT = "## Import time (issue 12, target 5)"
NANCLEAN = str(Path(sys.executable).with_name("nanclean"))


def files(rows: int) -> dict[str, Path]:
    """The table as CSV and Parquet, written once into the data cache."""
    out = {
        fmt: data.CACHE / f"io_{rows}x{COLUMNS}_seed{data.SEED}.{fmt}"
        for fmt in ("csv", "parquet")
    }
    if not all(p.exists() for p in out.values()):
        arr = data.load(rows)[:, :COLUMNS]
        frame = pl.DataFrame({data.NAMES[j]: arr[:, j] for j in range(COLUMNS)})
        frame.write_csv(out["csv"])
        frame.write_parquet(out["parquet"])
    return out


def methods(fmt: str, out: Path) -> dict[str, tuple[Callable[[Any], Any], str]]:
    """The timed calls for one format; each takes the file's path. The command
    lines write the cleaned data to ``out``."""
    reader = f"pl.{'read_csv' if fmt == 'csv' else 'read_parquet'}"
    read = pl.read_csv if fmt == "csv" else pl.read_parquet
    first = "import polars as pl, nanclean as nc; "
    return {
        "scan(path)": (lambda p: nc.scan(p), fmt),
        "read + scan(frame)": (lambda p: nc.scan(read(p)), fmt),
        "clean(path)": (lambda p: nc.clean(p), fmt),
        "read + clean(frame)": (lambda p: nc.clean(read(p)), fmt),
        "CLI: nanclean scan FILE": (
            lambda p: _run([NANCLEAN, "scan", p, "-q", "--fail-on", "never"]),
            fmt,
        ),
        "CLI floor: python -c read + scan": (
            lambda p: _run([sys.executable, "-c", f"{first}nc.scan({reader}({p!r}))"]),
            fmt,
        ),
        "CLI: nanclean clean FILE -o OUT": (
            lambda p: _run([NANCLEAN, "clean", p, "-o", str(out), "-q"]),
            fmt,
        ),
        "CLI floor: python -c read + clean + write": (
            lambda p: _run(
                [
                    sys.executable,
                    "-c",
                    f"{first}nc.clean({reader}({p!r})).frame.write_parquet({str(out)!r})",
                ]
            ),
            fmt,
        ),
    }


def _run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


#: What a program that scans and cleans loads: the public names load on first use.
FIRST_USE = "import nanclean; nanclean.scan; nanclean.clean"


def import_times(repeats: int) -> dict[str, list[float]]:
    """Wall-clock seconds of fresh interpreters, interleaved."""
    codes = {
        "python -c pass": "pass",
        "import polars": "import polars",
        "import polars, numpy": "import polars, numpy",
        "import nanclean": "import nanclean",
        "import nanclean; nanclean.scan; nanclean.clean (first use)": FIRST_USE,
        "import nanclean.cli (typer, rich, pydantic)": "import nanclean.cli",
        "import nanclean + pandera.polars (as before)": (
            "import nanclean, pandera.polars"
        ),
    }
    times: dict[str, list[float]] = {k: [] for k in codes}
    for _ in range(repeats):
        for name, code in codes.items():
            started = time.perf_counter()
            _run([sys.executable, "-c", code])
            times[name].append(time.perf_counter() - started)
    return times


def import_breakdown() -> list[tuple[str, float]]:
    """Seconds of the first use of ``scan`` and ``clean`` by where they go, from
    -X importtime: cumulative for numpy and polars, and the self time of
    nanclean's modules."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", FIRST_USE],
        capture_output=True,
        text=True,
        check=True,
    )
    out = {"all": 0.0, "numpy": 0.0, "polars": 0.0, "nanclean's own modules": 0.0}
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        own, total, name = (
            int(parts[0].split(":")[1]) / 1e6,
            int(parts[1]) / 1e6,
            parts[2].strip(),
        )
        out["all"] += own
        if name in ("numpy", "polars"):
            out[name] = max(out[name], total)
        elif name.split(".")[0] == "nanclean":
            out["nanclean's own modules"] += own
    return list(out.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument(
        "--import-only", action="store_true", help="only the import-time section"
    )
    args = parser.parse_args(argv)
    if not args.import_only:
        write_read_section(args)
    load = os.getloadavg()
    times = import_times(IMPORT_REPEATS)
    measure.write_section(
        args.output,
        TITLE_IMPORT,
        import_section(times, import_breakdown(), load, os.getloadavg()),
    )
    print(args.output.read_text(encoding="utf-8"))
    return 0


def write_read_section(args: argparse.Namespace) -> None:
    """Time every file call against read + call, and write its section."""
    paths = files(args.rows)
    warm = pl.DataFrame({"a": [1.0, 2.0, float("nan")]})
    nc.clean(warm)  # first-use imports (pandera, the report) outside the timings
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="nanclean-bench-") as tmp:
        out = Path(tmp) / "clean.parquet"
        results = {
            fmt: measure.interleaved(methods(fmt, out), {fmt: str(path)}, args.repeats)
            for fmt, path in paths.items()
        }
    load_after = os.getloadavg()
    measure.write_section(
        args.output,
        TITLE_READ,
        read_section(results, paths, args.rows, load, load_after),
    )


def _load(before: tuple[float, ...], after: tuple[float, ...]) -> str:
    return f"load average {before[0]:.1f} before, {after[0]:.1f} after (2 cores)"


def read_section(
    results: dict[str, dict[str, dict[str, float]]],
    paths: dict[str, Path],
    rows: int,
    load: tuple[float, ...],
    load_after: tuple[float, ...],
) -> list[str]:
    lines = [
        TITLE_READ,
        "",
        f"{rows:,} rows × {COLUMNS} float64 columns (the benchmark data's first "
        f"{COLUMNS}, with their NaN, ±inf and outliers); "
        + ", ".join(
            f"{fmt.upper()} {p.stat().st_size / 1e6:,.0f} MB"
            for fmt, p in paths.items()
        )
        + f". Seconds, median (best) of interleaved runs in one process; "
        f"{_load(load, load_after)}. A text file is parsed once (into memory, or "
        "into a temporary Parquet file when 4× its size is not free); Parquet stays "
        "a lazy scan with projection pushdown, whose needed columns a scan reads "
        "once when they fit. The command line pays a fixed cost on top "
        "(`import nanclean.cli`, in the import section: typer 0.29 coerces "
        "arguments with pydantic). Target: path ≤ 1.2× read + call.",
        "",
        "| format | call | by path | read + call on the frame | path / read |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    pairs = [
        ("scan", "scan(path)", "read + scan(frame)"),
        ("clean", "clean(path)", "read + clean(frame)"),
        (
            "CLI `nanclean scan FILE` vs `python -c` read + scan",
            "CLI: nanclean scan FILE",
            "CLI floor: python -c read + scan",
        ),
        (
            "CLI `nanclean clean FILE -o OUT` vs `python -c` read + clean + write",
            "CLI: nanclean clean FILE -o OUT",
            "CLI floor: python -c read + clean + write",
        ),
    ]
    for fmt, res in results.items():
        for label, by_path, by_frame in pairs:
            a, b = res[by_path], res[by_frame]
            lines.append(
                f"| {fmt.upper()} | {label} | {a['median']:.2f} ({a['best']:.2f}) | "
                f"{b['median']:.2f} ({b['best']:.2f}) | "
                f"{a['median'] / b['median']:.2f}× |"
            )
    return lines


def import_section(
    times: dict[str, list[float]],
    breakdown: list[tuple[str, float]],
    load: tuple[float, ...],
    load_after: tuple[float, ...],
) -> list[str]:
    base = statistics.median(times["import polars, numpy"])
    lines = [
        TITLE_IMPORT,
        "",
        f"Wall-clock seconds of a fresh interpreter, median (best) of {IMPORT_REPEATS} "
        f"interleaved runs; {_load(load, load_after)}. Every public name loads its "
        "module on first use, so `import nanclean` loads neither polars nor numpy; "
        "pandera (which imports pandas) loads with the first Pandera schema "
        "(`Cleaner.schema`, `load_schema`; a clean checks its own output with a "
        "vectorised check of the same contract), pandas with a pandas frame; "
        "tests/test_lazy_imports.py guards all of it. Target: ≤ 0.5 s.",
        "",
        "| interpreter runs | median s | best s | / import polars, numpy |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, t in times.items():
        med = statistics.median(t)
        lines.append(f"| `{name}` | {med:.3f} | {min(t):.3f} | {med / base:.2f}× |")
    lines += [
        "",
        f"`python -X importtime -c '{FIRST_USE}'`, seconds (the tool's own "
        "overhead included): "
        + ", ".join(f"{name} {s:.3f}" for name, s in breakdown)
        + ".",
    ]
    return lines


if __name__ == "__main__":
    sys.exit(main())
