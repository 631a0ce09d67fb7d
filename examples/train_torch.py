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

import sys

import compare_losses  # examples/compare_losses.py, beside this file
import pandas as pd
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import nanclean

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
    x = torch.tensor(
        numeric.drop(columns=compare_losses.TARGET).values, dtype=torch.float32
    )
    y = torch.tensor(numeric[compare_losses.TARGET].values, dtype=torch.float32)
    loader = DataLoader(
        TensorDataset(x, y),
        batch_size=BATCH_SIZE,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    return train(make_model(x.shape[1], seed), loader, epochs)


def cleaned_run(df: pd.DataFrame, epochs: int, seed: int) -> list[float]:
    """The same, through nanclean: repaired, scaled, verified finite for float32."""
    result = nanclean.clean(df, target=compare_losses.TARGET, loss="bce")
    dataset = result.to_torch()  # a torch Dataset of (x, y)
    loader = DataLoader(
        dataset,
        batch_size=BATCH_SIZE,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    print(f"nanclean: {result!r}")
    return train(make_model(dataset.features.shape[1], seed), loader, epochs)


def main(argv: list[str] | None = None) -> int:
    # a model this small trains faster on one thread (threads cost more than they save)
    torch.set_num_threads(1)
    return compare_losses.main(__doc__.splitlines()[0], raw_run, cleaned_run, argv)


if __name__ == "__main__":
    sys.exit(main())
