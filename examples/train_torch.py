"""A small PyTorch MLP on sample_data/ecommerce.csv: raw data → NaN loss; nanclean → finite.

The data set has what real tables have: a ratio feature that is +inf where its
denominator is zero, missing cells, a value 10^7 times the typical scale, a
stray label 2 for a binary target, and a numeric column stored as text.

    python examples/train_torch.py            # 20 epochs
    python examples/train_torch.py --short    # 5 epochs (what the tests run)

Both runs use the same seed, model, optimizer, batch size and epochs; only the
data differs. The exit code is 0 when the raw loss went non-finite and the
cleaned loss stayed finite and went down.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pandas as pd
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import nanclean

DATA = Path(__file__).resolve().parent.parent / "sample_data" / "ecommerce.csv"
TARGET = "churned"
BATCH_SIZE = 256


def make_model(n_features: int, seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Linear(n_features, 32),
        nn.ReLU(),
        nn.Linear(32, 32),
        nn.ReLU(),
        nn.Linear(32, 1),
    )


def train(model: nn.Module, loader: DataLoader, epochs: int) -> list[float]:
    """Adam on binary cross-entropy; the mean loss of every epoch."""
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(epochs):
        total, seen = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x).squeeze(-1), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
            seen += len(x)
        losses.append(total / seen)
    return losses


def raw_run(df: pd.DataFrame, epochs: int, seed: int) -> list[float]:
    """What a hurried user does: drop the text columns, tensor the rest."""
    numeric = df.select_dtypes("number")
    x = torch.tensor(numeric.drop(columns=TARGET).values, dtype=torch.float32)
    y = torch.tensor(numeric[TARGET].values, dtype=torch.float32)
    loader = DataLoader(
        TensorDataset(x, y),
        batch_size=BATCH_SIZE,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    return train(make_model(x.shape[1], seed), loader, epochs)


def cleaned_run(df: pd.DataFrame, epochs: int, seed: int) -> list[float]:
    """The same, through nanclean: repaired, scaled, verified finite for float32."""
    result = nanclean.clean(df, target=TARGET, loss="bce")
    dataset = result.to_torch()  # a torch Dataset of (x, y)
    loader = DataLoader(
        dataset,
        batch_size=BATCH_SIZE,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    print(f"nanclean: {result!r}")
    return train(make_model(dataset.features.shape[1], seed), loader, epochs)


def run(*, short: bool = False, seed: int = 0) -> dict[str, list[float]]:
    """Both runs; ``{"raw": [...], "cleaned": [...]}`` mean losses per epoch."""
    # a model this small trains faster on one thread (threads cost more than they save)
    torch.set_num_threads(1)
    epochs = 5 if short else 20
    df = pd.read_csv(DATA)
    return {
        "raw": raw_run(df, epochs, seed),
        "cleaned": cleaned_run(df, epochs, seed),
    }


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="5 epochs instead of 20")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    return 0 if report(run(short=args.short, seed=args.seed)) else 1


if __name__ == "__main__":
    sys.exit(main())
