"""What the default clean changes in real tables (not a test; `make bench`).

For every table of nanclean.corpus.real_tables(): the share of each numeric
column's finite cells that the default ``clean`` clipped (outlier or dtype
clipping), the columns over 1%, the share of all finite cells, and whether a
planted extreme value in every column is still clipped. Run on its own:
``python bench/real_corpus.py [--config '{"outliers": "mad"}']``.
"""

from __future__ import annotations

import argparse
import json

from nanclean.corpus import CorpusFigures, measure_defaults, real_tables


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
    lines.append(
        f"- planted extreme values clipped: {figures.planted - len(figures.missed)} "
        f"of {figures.planted}"
    )
    lines += [f"  - missed: {t} `{c}`" for t, c in figures.missed[:10]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=None, help="a config as JSON")
    args = parser.parse_args()
    config = json.loads(args.config) if args.config else None
    print(report(measure_defaults(real_tables(), config)))


if __name__ == "__main__":
    main()
