"""The benchmarks (not tests): ``make bench`` writes bench/RESULTS.md.

    python bench/run.py                      # all sizes: 100k, 1M, 5M rows × 50
    python bench/run.py --sizes 100000       # a quick subset
    python bench/run.py --sections scan      # only the scan benchmark

Scan (issue 2): nanclean.scan against a numpy floor, pandas and polars.
Clean (issue 3): fit + transform to float32 against scikit-learn,
feature-engine and hand-written numpy; it runs only when nanclean has the
clean API. See measure.py for how time and memory are measured.
Report (issue 6): the audit HTML of 1M × 50 and of 500 columns, its size and
its load time in headless Chromium (report_methods.py).
Guard (issue 10): the cost per training step of NanGuard against no guard and
torch.autograd.detect_anomaly (guard.py, also runnable on its own).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import clean_methods
import data
import guard
import measure
import numpy as np
import polars as pl
import psutil
import quality
import real_corpus
import report_methods
import scan_methods

from nanclean.corpus import measure_defaults, real_tables

HERE = Path(__file__).parent
SIZES = (100_000, 1_000_000, 5_000_000)
CLEAN_SIZES = (1_000_000, 5_000_000)
REPORT_ROWS = 1_000_000
SECTIONS = {"scan": scan_methods.METHODS, "clean": clean_methods.METHODS}
PACKAGES = ("numpy", "pandas", "polars", "pyarrow", "scikit-learn", "feature-engine")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", help="rows (default: all)")
    parser.add_argument(
        "--sections",
        nargs="+",
        default=["scan", "clean", "report", "guard", "corpus", "quality"],
    )
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per method")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--no-memory", action="store_true", help="skip peak memory")
    parser.add_argument("--probe", nargs=3, metavar=("SECTION", "METHOD", "N"))
    args = parser.parse_args(argv)
    if args.probe:  # internal: one method in this fresh process (measure.py)
        section, method, n = args.probe
        print(json.dumps(measure.probe(SECTIONS[section], method, int(n))))
        return 0

    started = time.time()
    context = _context()
    results: dict[str, Any] = {
        "context": context,
        "scan": {},
        "clean": {},
        "report": {},
        "guard": {},
        "real_data": [],
    }
    if "scan" in args.sections:
        for n in args.sizes or SIZES:
            results["scan"][n] = run_scan(n, args.repeats, not args.no_memory)
    if "clean" in args.sections:
        if not clean_methods.available():
            results["clean"] = None
        else:
            for n in args.sizes or CLEAN_SIZES:
                results["clean"][n] = run_clean(n, args.repeats, not args.no_memory)
    if "report" in args.sections:
        _log("report: render and open in Chromium")
        bench_frame = measure.containers(data.load(REPORT_ROWS), {"polars"})["polars"]
        frames = {f"{REPORT_ROWS:,} rows × 50": bench_frame}
        frames["2,000 rows × 500"] = report_methods.wide_frame()
        results["report"] = report_methods.measure(frames, args.repeats)
    if "guard" in args.sections:
        _log("guard: per-step time of NanGuard and detect_anomaly")
        results["guard"] = guard.measure()
    if "corpus" in args.sections:
        _log("corpus: the defaults on every bundled real table")
        results["real_data"] += real_corpus.section_lines(
            measure_defaults(real_tables()),
            measure_defaults(real_tables(), {"outliers": "mad"}),
        )
    if "quality" in args.sections:
        _log("quality: held-out error of an MLP after nanclean and a baseline")
        results["real_data"] += ["", *quality.section_lines(quality.run())]
    context["load_after"] = os.getloadavg()
    context["total_seconds"] = time.time() - started
    args.output.write_text(render(results, args) + _scaling_section(args.output))
    print(f"wrote {args.output} in {context['total_seconds']:.0f} s", flush=True)
    return 0


def run_scan(n: int, repeats: int, memory: bool) -> dict[str, Any]:
    out, arr, inputs = _run_section("scan", n, repeats, memory)
    report = scan_methods.nanclean_scan(inputs["polars"])
    out["error"] = scan_methods.estimation_error(arr, data.NAMES, report)
    out["findings"] = report.summary()
    return out


def run_clean(n: int, repeats: int, memory: bool) -> dict[str, Any]:
    return _run_section("clean", n, repeats, memory)[0]


def _run_section(
    section: str, n: int, repeats: int, memory: bool
) -> tuple[dict[str, Any], np.ndarray, dict[str, Any]]:
    """Peak memory (each method in a fresh process), then the interleaved timing;
    also the data and its containers, for what a section measures besides."""
    methods = SECTIONS[section]
    out: dict[str, Any] = {"memory": _peaks(section, methods, n) if memory else {}}
    arr = data.load(n)
    inputs = measure.containers(arr, {"numpy", "pandas", "polars"})
    _log(f"{section} {n:,} rows: timing")
    out["time"] = measure.interleaved(methods, inputs, repeats)
    return out, arr, inputs


def _peaks(section: str, methods: dict[str, Any], n: int) -> dict[str, Any]:
    data.cached(n)  # generate and cache the data once, before the probes
    peaks = {}
    for method in methods:
        _log(f"{section} {n:,} rows: peak memory of {method}")
        peaks[method] = measure.peak_in_fresh_process(section, method, n)
    return peaks


def _scaling_section(path: Path) -> str:
    """The sections bench/scaling.py wrote at the end (it runs on its own): kept."""
    text = path.read_text() if path.exists() else ""
    start = text.find("<!-- scaling")
    return "\n" + text[start:] if start >= 0 else ""


def _log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


# --- RESULTS.md -----------------------------------------------------------------


def _context() -> dict[str, Any]:
    versions = {"python": platform.python_version()}
    for package in (*PACKAGES, "nanclean"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "polars_threads": pl.thread_pool_size(),
        "ram_gb": psutil.virtual_memory().total / 2**30,
        "os": platform.platform(),
        "versions": versions,
        "load_before": os.getloadavg(),
    }


def render(results: dict[str, Any], args: argparse.Namespace) -> str:
    c = results["context"]
    v = c["versions"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`python bench/run.py"
        f"{' --sizes ' + ' '.join(map(str, args.sizes)) if args.sizes else ''}`) on "
        f"{c['date']}, in {c['total_seconds'] / 60:.1f} min. Benchmarks are not tests: "
        "nothing here is asserted.",
        "",
        f"- Machine: {c['cores']} cores ({c['polars_threads']} polars threads), "
        f"{c['ram_gb']:.1f} GB RAM, {c['os']}. Shared and noisy: load average "
        f"{_load(c['load_before'])} before the run, {_load(c['load_after'])} after.",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".",
        f"- Data (`bench/data.py`, seed {data.SEED}): N × {len(data.NAMES)} float64; "
        f"45 features of mixed shapes and scales with {data.NAN_SHARE:.0%} NaN, "
        f"{data.INF_SHARE:.1%} ±inf and {data.OUTLIER_SHARE:.1%} outliers at "
        "1e6–1e12 × the column's scale; `num`, `den` (a count, exactly 0 in "
        f"{data.ZERO_DEN_SHARE:.1%} of rows) and `ratio = num / den`; two constant "
        "columns.",
        f"- Time: wall clock, best of {args.repeats} runs per method (runs in "
        "brackets after the median), all methods of a section interleaved in one "
        f"process; a method is not repeated once its runs add up to {measure.BUDGET:.0f} s "
        "(the slowest baselines). Ratios use the best times.",
        "- Peak memory: "
        + _memory_how(results)
        + " It is the memory *above* the input, which is already loaded; "
        "`× input` divides it by the input's size (N × 50 × 8 bytes).",
        "",
    ]
    if results["scan"]:
        lines += _scan_section(results["scan"])
    lines += _clean_section(results["clean"], bool(args.sizes))
    if results["report"]:
        lines += _report_section(results["report"])
    if results["guard"]:
        lines += guard.section_lines(results["guard"])
    if results["real_data"]:
        lines += ["", *results["real_data"]]
    return "\n".join(lines).rstrip() + "\n"


def _scan_section(scan: dict[int, Any]) -> list[str]:
    lines = [
        "## Scan (issue 2)",
        "",
        "Column statistics — null / NaN / +inf / -inf / zero counts; min, max, "
        "mean, std, median, MAD, q01, q25, q75, q99 over finite values — computed "
        "by (a) the floor, one numpy pass of `np.isfinite` counts (column by "
        "column, so no N × 50 temporary is page-faulted in at every call) plus "
        "`nanmin` / `nanmax`; (b) idiomatic pandas; (c) idiomatic polars with exact "
        "quantiles; (d) `nanclean.scan(df)` on the polars frame, which also runs "
        "every detector and collects the rows of every finding; its median, MAD "
        "and quantiles come from a fixed 100,000-row sample above 100,000 rows.",
        "Target: `nanclean.scan` within 5× the floor at 1M and 5M rows; peak "
        "memory under 1.5× the input.",
        "",
    ]
    summary = []
    for n, res in scan.items():
        t, mem = res["time"], res["memory"]
        base = t["floor"]["best"]
        lines += [
            f"### {n:,} rows × {len(data.NAMES)} ({_gb(n * len(data.NAMES) * 8)} input)",
            "",
            "| method | seconds: best (median, runs) | × floor | peak memory | × input |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, tt in t.items():
            lines.append(
                f"| {name} | {tt['best']:.3f} ({tt['median']:.3f}, {tt['runs']}) | "
                f"{tt['best'] / base:.1f} | {_mem(mem.get(name), n)} |"
            )
        f = res["findings"]
        lines += [
            "",
            f"nanclean.scan reported {f['error']} errors, {f['warning']} warnings, "
            f"{f['info']} info findings.",
            "",
        ]
        ratio = t["nanclean.scan"]["best"] / base
        peak = mem.get("nanclean.scan", {}).get("extra")
        summary.append(
            f"| {n:,} | {ratio:.1f}× | "
            + (f"{peak / (n * len(data.NAMES) * 8):.2f}×" if peak is not None else "–")
            + f" | {'yes' if ratio <= 5 else 'no'} |"
        )
    lines += [
        "### Summary: nanclean.scan against the targets",
        "",
        "| rows | time / floor | peak memory / input | within 5× the floor |",
        "|---:|---:|---:|---|",
        *summary,
        "",
        "Where the time goes: the floor makes three passes over each column; "
        "nanclean.scan's exact statistics (finite filter and its copy, NaN / ±inf "
        "rows, zeros, min, max, mean, std, float16 / float32 range counts) make "
        "about ten polars kernels per column, about half of the scan. The flag "
        "pass reads each column once more, for only the cells its detectors can "
        "flag (outside the outlier and overflow ranges, or below float16's "
        "smallest normal), and evaluates the detectors on those cells. Sorting the "
        "100,000-row sample for the robust statistics costs about 0.15 s whatever "
        "N, which weighs most at 1M rows.",
        "",
        *_error_section(scan),
    ]
    return lines


def _error_section(scan: dict[int, Any]) -> list[str]:
    lines = [
        "### Estimation error of the sampled robust statistics",
        "",
        "nanclean's median and quantiles compared with the exact ones of the full "
        "column, in percentile points of rank: the i-th smallest of the n finite "
        "values has rank i / (n − 1) (the convention of linear interpolation), an "
        "estimate `e` equal to the values i..j has ranks [i, j] / (n − 1) and one "
        "between the i-th and the (i + 1)-th [i, i + 1] / (n − 1); its error is "
        "the distance from q to that interval (0 for the exact quantile). Maximum "
        "over the 50 "
        "columns (mean in brackets). The expected standard error of a sampled "
        "quantile's rank is √(q(1−q)/m) with m ≈ 98,000 finite sampled values: "
        "0.16 points for the median, 0.03 for q01 / q99.",
        "",
        "| rows | sampled | median | q01 | q25 | q75 | q99 |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for n, res in scan.items():
        e = res["error"]
        cells = [
            f"{e['max'][k]:.3f} ({e['mean'][k]:.3f})"
            for k in ("median", "q01", "q25", "q75", "q99")
        ]
        sampled = "yes" if e["estimated"] else "no (exact)"
        lines.append(f"| {n:,} | {sampled} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _clean_section(clean: dict[int, Any] | None, subset: bool) -> list[str]:
    lines = [
        "## Clean (issue 3)",
        "",
        "Fit + transform to a C-contiguous float32 numpy array: ±inf → missing, "
        "median imputation, clip to the fitted 1% / 99% quantiles, standard "
        "scaling. (a) a scikit-learn Pipeline (FunctionTransformer inf → NaN, "
        "SimpleImputer(median), a quantile-clipping transformer, StandardScaler); "
        "(b) feature-engine (MeanMedianImputer, Winsorizer(quantiles), "
        "StandardScaler); (c) hand-written numpy, column by column; (d) "
        f"`nanclean.clean(df, config={clean_methods.NANCLEAN_CONFIG})` on the "
        "polars frame, then `.to_numpy()` (it also scans, audits every changed "
        "cell and validates the output against its pandera contract).",
        "Target: at 1M and 5M rows, nanclean at least 15× faster than the "
        "scikit-learn Pipeline and 3× faster than hand-written numpy; peak memory "
        "at most the input plus 1.5× the output (N × 50 × 4 bytes).",
        "",
    ]
    if clean is None:
        return [
            *lines,
            "**Not run**: this nanclean has no `Cleaner` / `clean` yet (issue 3), "
            "so there are no numbers for this section. The code for all four methods "
            "is in `bench/clean_methods.py`; `make bench` runs it once the API exists.",
            "",
        ]
    for n, res in clean.items():
        t, mem = res["time"], res["memory"]
        out_bytes = n * len(data.NAMES) * 4
        lines += [
            f"### {n:,} rows × {len(data.NAMES)} ({_gb(n * len(data.NAMES) * 8)} "
            f"input, {_gb(out_bytes)} output)",
            "",
            "| method | seconds: best (median, runs) | scikit-learn ÷ this | numpy ÷ this "
            "| peak memory "
            "| × input | ÷ output |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, tt in t.items():
            extra = (mem.get(name) or {}).get("extra")
            lines.append(
                f"| {name} | {tt['best']:.2f} ({tt['median']:.2f}, {tt['runs']}) | "
                f"{t['scikit-learn']['best'] / tt['best']:.1f} | "
                f"{t['numpy']['best'] / tt['best']:.1f} | {_mem(mem.get(name), n)} | "
                + (f"{extra / out_bytes:.2f}" if extra is not None else "–")
                + " |"
            )
        nc = t["nanclean.clean"]["best"]
        extra = (mem.get("nanclean.clean") or {}).get("extra")
        lines += [
            "",
            "nanclean.clean against the targets: scikit-learn's time ÷ nanclean's "
            f"{t['scikit-learn']['best'] / nc:.1f} (target ≥ 15), hand-written "
            f"numpy's ÷ nanclean's {t['numpy']['best'] / nc:.1f} (target ≥ 3), "
            "peak memory above the input "
            + (
                f"{extra / out_bytes:.2f}× the output (target ≤ 1.5×)."
                if extra is not None
                else "not measured."
            ),
            "",
        ]
    lines += [
        "Where nanclean.clean's time goes (profiled at 1M rows): the scan, about a "
        "third (the report needs every finding with its rows); the transform "
        "pass, about a quarter (per column: ±inf, clip, impute, scale and the "
        "float32 cast, each a polars kernel over the column, and the audit's "
        "masks); the pandera validation, about an eighth (three checks per "
        "column, each its own query); the output statistics of the audit, about a "
        "tenth (half of it sorting the output sample); and the C-ordered float32 "
        "copy for numpy. Peak memory: the polars output frame and its C-ordered "
        "numpy copy are alive together at the end (2× the output), plus memory "
        "the allocator keeps from the scan.",
        "",
    ]
    if subset:
        lines += ["(Run on a subset of the sizes: the targets are for 1M and 5M.)", ""]
    return lines


def _mem(entry: dict[str, Any] | None, n: int) -> str:
    if not entry:
        return "– | –"
    if "error" in entry:
        return f"failed ({entry['error']}) | –"
    return f"{_gb(entry['extra'])} | {entry['extra'] / (n * len(data.NAMES) * 8):.2f}"


def _memory_how(results: dict[str, Any]) -> str:
    hows = {
        m.get("how")
        for section in ("scan", "clean")
        for res in (results[section] or {}).values()
        for m in res["memory"].values()
        if m and "how" in m
    }
    if not hows:
        return "not measured (`--no-memory`)."
    if hows == {"VmHWM"}:
        return (
            "one more run of each method in a fresh process, which loads the data, "
            "resets the kernel's peak-RSS counter (`/proc/self/clear_refs`) right "
            "before the call and reads `VmHWM` after it: exact, and it counts the "
            "Rust (polars) and C allocations that tracemalloc cannot see."
        )
    return (
        "one more run of each method in a fresh process, its RSS sampled every "
        "millisecond by a psutil thread (the kernel's peak counter could not be "
        "reset here; a spike shorter than 1 ms can be missed)."
    )


def _gb(n_bytes: float) -> str:
    return f"{n_bytes / 1e9:.2f} GB" if n_bytes >= 1e8 else f"{n_bytes / 1e6:.0f} MB"


def _load(load: tuple[float, float, float]) -> str:
    return "/".join(f"{x:.1f}" for x in load)


def _report_section(report: dict[str, Any]) -> list[str]:
    lines = [
        "## Report (issue 6)",
        "",
        "`nanclean.clean(df).report.to_html()` of the benchmark data and of a wide "
        "frame, opened in headless Chromium (Debian's package, driven by "
        "playwright) in a fresh page each time; load time = the navigation's "
        "`loadEventEnd`. Target: the 1M × 50 report at most 2 MB and open in "
        "under 2 s; 500 columns usable (collapsed cards, filterable tables).",
        "",
        "| report | HTML size | render (s) | Chromium load, ms: best (median, runs) |",
        "|---|---:|---:|---:|",
    ]
    for name, r in report.items():
        loads = sorted(r["load_ms"])
        lines.append(
            f"| {name} | {r['bytes'] / 1e6:.2f} MB | {r['render_s']:.2f} | "
            f"{loads[0]:.0f} ({loads[len(loads) // 2]:.0f}, {len(loads)}) |"
        )
    return [*lines, ""]


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
