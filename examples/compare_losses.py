"""What both training examples print: raw vs cleaned loss per epoch, and a verdict."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


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
    description: str,
    run: Callable[..., dict[str, list[float]]],
    argv: list[str] | None = None,
) -> int:
    """The command line of an example: exit code 0 when ``report`` says so."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--short", action="store_true", help="5 epochs instead of 20")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    return 0 if report(run(short=args.short, seed=args.seed)) else 1
