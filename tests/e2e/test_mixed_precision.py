"""Training in float16 / bfloat16 on the CPU with data from to_torch(dtype=...).

sensors.parquet holds air pressure in pascals (~101325), beyond float16's
largest finite value (65504): as a float16 tensor it is +inf, and a model fed
with it produces a non-finite loss in the first step. Cleaned for float16
(scaled, then guarded against the dtype's range) it trains finite.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl
import polars.selectors as cs
import pytest
import torch
from torch import nn

import nanclean as nc

SENSORS = Path(__file__).resolve().parents[2] / "sample_data" / "sensors.parquet"
TARGET = "rul_hours"


def train(
    x: torch.Tensor, y: torch.Tensor, dtype: torch.dtype, epochs: int = 8
) -> list[float]:
    """A small MLP entirely in ``dtype`` (weights, activations, gradients);
    Poisson NLL on a log rate, reduced in float32, SGD with momentum."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(x.shape[1], 16), nn.ReLU(), nn.Linear(16, 1)).to(
        dtype
    )
    with torch.no_grad():  # start at the mean rate, log(200) ≈ 5.3
        model[-1].bias.fill_(math.log(200.0))
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    generator = torch.Generator().manual_seed(0)
    losses = []
    for _ in range(epochs):
        total, steps = 0.0, 0
        for idx in torch.randperm(len(x), generator=generator).split(256):
            optimizer.zero_grad()
            log_rate = model(x[idx]).squeeze(-1)
            loss = nn.functional.poisson_nll_loss(
                log_rate.float(), y[idx].float(), log_input=True
            )
            loss.backward()
            optimizer.step()
            total += loss.item()
            steps += 1
        losses.append(total / steps)
    return losses


@pytest.fixture(autouse=True)
def one_thread() -> object:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny model: faster on one thread
    yield
    torch.set_num_threads(threads)


@pytest.mark.e2e
def test_float16_training_is_finite_where_the_raw_data_overflows() -> None:
    raw = pl.read_parquet(SENSORS)
    pressure = torch.tensor(raw["pressure_pa"].to_numpy()).to(torch.float16)
    assert torch.isinf(pressure).all()  # every raw value overflows float16
    numeric = raw.select(cs.numeric()).filter(pl.col(TARGET) >= 0)
    x_raw = torch.tensor(numeric.drop(TARGET).to_numpy()).to(torch.float16)
    y_raw = torch.tensor(numeric[TARGET].to_numpy())
    assert not all(math.isfinite(v) for v in train(x_raw, y_raw, torch.float16, 2))

    result = nc.clean(
        SENSORS, target=TARGET, loss="poisson", config={"dtype": "float16"}
    )
    ds = result.to_torch(dtype=torch.float16)
    assert ds.features.dtype == torch.float16
    assert torch.isfinite(ds.features).all()
    assert ds.targets is not None
    losses = train(ds.features, ds.targets, torch.float16)
    assert all(math.isfinite(v) for v in losses), losses
    assert losses[-1] < losses[0], losses


@pytest.mark.e2e
def test_bfloat16_training_is_finite() -> None:
    result = nc.clean(SENSORS, target=TARGET, loss="poisson")
    ds = result.to_torch(dtype=torch.bfloat16)
    assert ds.features.dtype == torch.bfloat16 and ds.targets is not None
    losses = train(ds.features, ds.targets, torch.bfloat16)
    assert all(math.isfinite(v) for v in losses), losses
    assert losses[-1] < losses[0], losses
    assert np.isfinite(ds.features.float().numpy()).all()
