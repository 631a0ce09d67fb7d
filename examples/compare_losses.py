"""What both training examples share: the data, the two runs, and what they print
(raw vs cleaned loss per epoch, and a verdict)."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent.parent / "sample_data" / "ecommerce.csv"
TARGET = "churned"

#: A training run: (the data, epochs, seed) → the mean loss of every epoch.
Run = Callable[[pd.DataFrame, int, int], list[float]]


def report(losses: dict[str, list[float]]) -> bool:
    """Print both curves; True when raw went non-finite and cleaned trained."""
    raw, cleaned = losses["raw"], losses["cleaned"]
    print(f"{'epoch':>5}  {'raw loss':>10}  {'cleaned loss':>12}")
    for i, (a, b) in enumerate(zip(raw, cleaned, strict=True), start=1):
        print(f"{i:>5}  {a:>10.4f}  {b:>12.4f}")
    bad = next((i for i, v in enumerate(raw, 1) if not math.isfinite(v)), None)
    if bad is None:
        print("raw: the loss stayed finite")
    else:
        print(f"raw: the loss became {raw[bad - 1]} at epoch {bad}")
    finite = all(math.isfinite(v) for v in cleaned)
    down = cleaned[-1] < cleaned[0]
    print(
        f"nanclean: finite at every epoch: {finite}; "
        f"{cleaned[0]:.4f} → {cleaned[-1]:.4f} ({'down' if down else 'not down'})"
    )
    return bad is not None and finite and down


def main(
    description: str, raw_run: Run, cleaned_run: Run, argv: list[str] | None
) -> int:
    """An example's command line: both runs on DATA, then ``report``; exit code 0
    when the raw loss went non-finite and the cleaned one trained."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--short", action="store_true", help="5 epochs instead of 20")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    epochs = 5 if args.short else 20
    df = pd.read_csv(DATA)
    losses = {
        "raw": raw_run(df, epochs, args.seed),
        "cleaned": cleaned_run(df, epochs, args.seed),
    }
    return 0 if report(losses) else 1
