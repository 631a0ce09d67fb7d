"""The report against other profilers (issue 12, target 6).

    make bench-report                      # its own venv (.venv-bench), then this
    python bench/report_compare.py --rows 100000 --repeats 1   # quicker

``nanclean.scan`` + ``AuditReport.to_html()`` against ydata-profiling
(``ProfileReport(minimal=True).to_html()``) and skrub
(``TableReport(...).html()``) on the same N × 50 table (bench/data.py, 1M rows
by default), interleaved in one process, each from its in-memory frame to its
HTML string. Target: nanclean ≥ 50× faster than ydata-profiling.

ydata-profiling and skrub are the optional ``bench`` extra. ydata-profiling
4.18 pins numpy < 2.4 and pandas < 3, older than the project's own venv, so
the extra lives in a venv of its own (``make bench-venv``): installing it into
the project venv would downgrade numpy and pandas there. A tool that is not
installed is reported as such, and the others are still measured.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from importlib.metadata import version
from pathlib import Path

import data
import measure
import pandas as pd
import polars as pl

import nanclean as nc

HERE = Path(__file__).parent
ROWS = 1_000_000
TITLE = "## The report against other profilers (issue 12, target 6)"
TOOLS = {"nanclean": "nanclean", "ydata-profiling": "ydata_profiling", "skrub": "skrub"}


def nanclean_report(frame: pl.DataFrame) -> str:
    return nc.scan(frame).to_html()


def ydata_report(frame: pd.DataFrame) -> str:
    from ydata_profiling import ProfileReport

    profile = ProfileReport(frame, minimal=True, progress_bar=False, title="bench")
    return str(profile.to_html())


def skrub_report(frame: pl.DataFrame) -> str:
    from skrub import TableReport

    return str(TableReport(frame, verbose=0).html())


METHODS = {
    "nanclean": (nanclean_report, "polars"),
    "ydata-profiling": (ydata_report, "pandas"),
    "skrub": (skrub_report, "polars"),
}


def installed() -> dict[str, str | None]:
    """Each tool's version, or None when it is not installed here."""
    return {
        name: version(name) if importlib.util.find_spec(module) else None
        for name, module in TOOLS.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    versions = installed()
    methods = {k: m for k, m in METHODS.items() if versions[k] is not None}
    inputs = measure.containers(data.load(args.rows), {"polars", "pandas"})
    nanclean_report(inputs["polars"].head(1000))  # first-use imports, untimed
    load = os.getloadavg()
    times = measure.interleaved(methods, inputs, args.repeats)
    lines = section(times, versions, args.rows, load, os.getloadavg())
    measure.write_section(args.output, TITLE, lines)
    print("\n".join(lines))
    return 0


def section(
    times: dict[str, dict[str, float]],
    versions: dict[str, str | None],
    rows: int,
    load: tuple[float, ...],
    load_after: tuple[float, ...],
) -> list[str]:
    ours = times["nanclean"]["best"]
    lines = [
        TITLE,
        "",
        f"{rows:,} rows × {len(data.NAMES)} float64 (bench/data.py), from the frame "
        "in memory to the HTML string, interleaved in one process; seconds, best "
        "(median) of the runs; a tool is not repeated once its runs add up to "
        f"{measure.BUDGET:.0f} s. Load average {load[0]:.1f} before, "
        f"{load_after[0]:.1f} after (2 cores). Versions: "
        + ", ".join(f"{k} {v or 'not installed'}" for k, v in versions.items())
        + f"; numpy {version('numpy')}, pandas {version('pandas')}, polars "
        f"{version('polars')} (the bench venv: ydata-profiling pins numpy < 2.4 and "
        "pandas < 3). Target: nanclean ≥ 50× faster than ydata-profiling.",
        "",
        "| tool | call | best s | median s | runs | × nanclean's time |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    calls = {
        "nanclean": "`nc.scan(df).to_html()`",
        "ydata-profiling": "`ProfileReport(pdf, minimal=True).to_html()`",
        "skrub": "`TableReport(df).html()`",
    }
    for name, call in calls.items():
        if name not in times:
            lines.append(f"| {name} | {call} | not installed | | | |")
            continue
        t = times[name]
        lines.append(
            f"| {name} | {call} | {t['best']:.2f} | {t['median']:.2f} | "
            f"{t['runs']:.0f} | {t['best'] / ours:.1f}× |"
        )
    return lines


if __name__ == "__main__":
    sys.exit(main())
