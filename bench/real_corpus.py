"""What the default clean changes in real tables (not a test; `make bench`).

For every table of nanclean.corpus.real_tables(): the share of each numeric
column's finite cells that the default ``clean`` clipped (outlier or dtype
clipping), the columns over 1%, and the share of all finite cells. Run on its
own: ``python bench/real_corpus.py [--config '{"outliers": "mad"}']``.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np
import polars as pl

import nanclean as nc
from nanclean.corpus import real_tables

CLIPPING = {"outlier_clipped", "outlier_nulled", "dtype_clipped"}


@dataclass
class CorpusFigures:
    tables: int = 0
    refused: list[str] = field(default_factory=list)
    columns: int = 0
    finite_cells: int = 0
    clipped_cells: int = 0
    over_1pct: list[tuple[str, str, float]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.clipped_cells / max(self.finite_cells, 1)


def finite_counts(df: pl.DataFrame) -> dict[str, int]:
    out = {}
    for c, dtype in df.schema.items():
        if dtype.is_numeric():
            x = df.get_column(c).cast(pl.Float64)
            out[c] = int(x.is_finite().sum())
    return out


def clipped_share(
    name: str, df: pl.DataFrame, config: dict | None, figures: CorpusFigures
) -> None:
    """Clean one table and add what it clipped to ``figures``."""
    finite = finite_counts(df)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = nc.clean(df, config=config)
    except nc.NancleanError as exc:
        figures.refused.append(f"{name}: {type(exc).__name__}")
        return
    figures.tables += 1
    clipped: dict[str, int] = {}
    for a in result.report.actions:
        if a.kind.value in CLIPPING:
            clipped[a.column] = clipped.get(a.column, 0) + a.count
    for c, n in finite.items():
        figures.columns += 1
        figures.finite_cells += n
        k = clipped.get(c, 0)
        figures.clipped_cells += k
        if n and k / n > 0.01:
            figures.over_1pct.append((name, c, k / n))


def measure(config: dict | None = None) -> CorpusFigures:
    figures = CorpusFigures()
    for name, df in real_tables():
        clipped_share(name, df, config, figures)
    return figures


def report(figures: CorpusFigures) -> str:
    worst = sorted(figures.over_1pct, key=lambda t: -t[2])
    lines = [
        f"- tables cleaned: {figures.tables} (refused with a NancleanError: "
        f"{len(figures.refused)})",
        f"- numeric columns: {figures.columns}, finite cells: {figures.finite_cells:,}",
        f"- cells clipped: {figures.clipped_cells:,} "
        f"({100 * figures.share:.4f}% of finite cells)",
        f"- columns with > 1% of finite cells clipped: {len(worst)}",
    ]
    lines += [f"  - {t} `{c}`: {100 * s:.1f}%" for t, c, s in worst[:10]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=None, help="a config as JSON")
    args = parser.parse_args()
    config = json.loads(args.config) if args.config else None
    figures = measure(config)
    print(report(figures))
    if figures.refused:
        print("refused:", *figures.refused[:20], sep="\n  ", file=sys.stderr)
    np.seterr(all="ignore")


if __name__ == "__main__":
    main()
