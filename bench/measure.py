"""Timing and peak memory.

Time: every method of a section runs in this one process, interleaved
(method A, B, C, D, then again A, B, C, D, ...), so that a burst of load on
the shared machine hits all of them alike; the best of the repeats is
reported, the median beside it. A method whose runs already add up to more
than ``BUDGET`` seconds is not repeated further (the slow baselines at 5M
rows run once or twice: a minute-long run is not much disturbed by noise).

Peak memory: each method runs once more in a fresh process, which loads the
data, builds the method's input, and then asks the kernel for its peak
resident set size: it resets the high-water mark (``/proc/self/clear_refs``)
right before the call and reads ``VmHWM`` from ``/proc/self/status`` after
it. The kernel counts every resident page, whoever allocated it (numpy,
pandas, polars' Rust allocator, BLAS), and a fresh process has no memory kept
by an allocator from an earlier method. Where the reset is not allowed, a
psutil thread samples the RSS every millisecond instead (which can miss a
spike shorter than that); RESULTS.md says which one was used.
"""

from __future__ import annotations

import gc
import json
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import data
import numpy as np
import pandas as pd
import polars as pl
import psutil

HERE = Path(__file__).parent
BUDGET = 20.0  # seconds of timed runs per method, after which it is not repeated


def containers(
    arr: np.ndarray, kinds: set[str], dataset: str = "synthetic"
) -> dict[str, Any]:
    """The data as each method wants it: the numpy array, a pandas frame on the
    same memory, a polars frame (a copy)."""
    names = data.names(dataset)
    out: dict[str, Any] = {}
    if "numpy" in kinds:
        out["numpy"] = arr
    if "pandas" in kinds:
        out["pandas"] = pd.DataFrame(arr, columns=names, copy=False)
    if "polars" in kinds:
        out["polars"] = pl.DataFrame({name: arr[:, j] for j, name in enumerate(names)})
    return out


def interleaved(
    methods: dict[str, tuple[Callable[[Any], Any], str]],
    inputs: dict[str, Any],
    repeats: int,
) -> dict[str, dict[str, float]]:
    """Best and median wall-clock seconds of each method, run interleaved."""
    times: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(repeats):
        for name, (fn, kind) in methods.items():
            if sum(times[name]) > BUDGET:
                continue
            gc.collect()
            started = time.perf_counter()
            result = fn(inputs[kind])
            times[name].append(time.perf_counter() - started)
            del result
    return {
        name: {"best": min(t), "median": statistics.median(t), "runs": len(t)}
        for name, t in times.items()
    }


class PeakRSS:
    """Peak resident memory above the level at ``__enter__``, in bytes."""

    def __enter__(self) -> PeakRSS:
        gc.collect()
        try:
            Path("/proc/self/clear_refs").write_text("5")
            self.how = "VmHWM"
        except OSError:
            self.how = "psutil"
            self._stop = threading.Event()
            self._max = 0
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        self.baseline = _status("VmRSS") if self.how == "VmHWM" else _rss()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.how == "VmHWM":
            peak = _status("VmHWM")
        else:
            self._stop.set()
            self._thread.join()
            peak = max(self._max, _rss())
        self.extra = max(0, peak - self.baseline)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self._max = max(self._max, _rss())
            time.sleep(0.001)


def _status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


def _rss() -> int:
    return int(psutil.Process().memory_info().rss)


def probe(
    methods: dict[str, tuple[Callable[[Any], Any], str]],
    method: str,
    n: int,
    dataset: str,
) -> dict[str, Any]:
    """Run inside the fresh process: one call of ``method``, its peak memory."""
    fn, kind = methods[method]
    arr = data.load(n, dataset)
    inputs = containers(arr, {kind}, dataset)
    del arr  # the polars frame is a copy; pandas shares the array's memory
    with PeakRSS() as peak:
        started = time.perf_counter()
        fn(inputs[kind])
        seconds = time.perf_counter() - started
    return {"extra": peak.extra, "how": peak.how, "seconds": seconds}


def peak_in_fresh_process(
    section: str, method: str, n: int, dataset: str
) -> dict[str, Any]:
    """Start ``run.py --probe`` for one method and read its answer."""
    cmd = [sys.executable, str(HERE / "run.py"), "--probe", section, method, str(n)]
    cmd.append(dataset)
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {done.returncode}: {tail}"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def write_section(path: Path, title: str, lines: list[str]) -> None:
    """Replace the section headed ``title`` in RESULTS.md (or append it),
    leaving the other sections as they are: a section can be re-run alone."""
    text = (
        path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    )
    new = "\n".join(lines).rstrip() + "\n"
    if title in text:
        start = text.index(title)
        nxt = text.find("\n## ", start + len(title))
        end = len(text) if nxt == -1 else nxt + 1
        text = text[:start] + new + ("\n" + text[end:] if nxt != -1 else "")
    else:
        text = text.rstrip() + "\n\n" + new
    path.write_text(text, encoding="utf-8")
