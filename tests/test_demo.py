"""nanclean.demo.compare_training: the raw run goes non-finite, the cleaned run trains."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import polars as pl
import pytest
import torch
from rich.console import Console

import nanclean as nc
from nanclean.demo import SAMPLE_DATA, TrainingComparison, compare_training
from nanclean.errors import ConfigError

ECOMMERCE = SAMPLE_DATA / "ecommerce.csv"


@pytest.fixture(scope="module")
def comparison() -> TrainingComparison:
    return compare_training(ECOMMERCE, target="churned", loss="bce", epochs=3)


def test_sample_data_is_where_the_demo_looks() -> None:
    root = Path(__file__).resolve().parents[1]
    assert root / "sample_data" / "ecommerce.csv" == ECOMMERCE
    assert ECOMMERCE.is_file()


def test_raw_loss_is_non_finite_from_the_first_step(
    comparison: TrainingComparison,
) -> None:
    raw = comparison.raw
    assert raw.error is None and len(raw.losses) == 3
    assert not raw.finite and raw.first_nonfinite_epoch == 1
    assert raw.first_nonfinite_step == 1  # NaN cells reach the first batch
    assert (raw.n_rows, raw.n_features) == (5000, 6)  # shipping_cost is text


def test_cleaned_loss_is_finite_and_goes_down(comparison: TrainingComparison) -> None:
    cleaned = comparison.cleaned
    assert cleaned.finite and cleaned.first_nonfinite_epoch is None
    assert cleaned.losses[-1] < cleaned.losses[0]
    assert (cleaned.n_rows, cleaned.n_features) == (4999, 7)
    assert comparison.improved
    assert comparison.dropped_rows == [777]  # the BCE label 2
    assert comparison.repaired_cells > 0


def test_summary_tells_both_stories(comparison: TrainingComparison) -> None:
    text = comparison.summary()
    assert "the loss became nan at epoch 1 (optimizer step 1)" in text
    assert "finite at every epoch" in text and "down" in text
    assert "1 row dropped (rows 777)" in text
    assert str(comparison) == text
    lines = [line.split() for line in text.splitlines()[-3:]]
    assert [row[0] for row in lines] == ["1", "2", "3"]
    assert all(row[1] == "nan" for row in lines)
    data = json.loads(json.dumps(comparison.to_dict()))
    assert data["raw"]["losses"] == ["nan", "nan", "nan"]
    assert data["raw"]["first_nonfinite_epoch"] == 1


def test_runs_are_reproducible_and_leave_torch_as_they_found_it() -> None:
    threads = torch.get_num_threads()
    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    a = compare_training(ECOMMERCE, target="churned", loss="bce", epochs=2, seed=4)
    assert torch.equal(torch.rand(1), expected)  # global RNG untouched
    assert torch.get_num_threads() == threads
    b = compare_training(ECOMMERCE, target="churned", loss="bce", epochs=2, seed=4)
    assert a.cleaned.losses == b.cleaned.losses


def test_a_given_result_and_console_as_the_cli_calls_it() -> None:
    result = nc.clean(ECOMMERCE, target="churned", loss="bce")
    buffer = io.StringIO()
    comparison = compare_training(
        ECOMMERCE, result, epochs=2, console=Console(file=buffer, width=120)
    )
    assert comparison.target == "churned" and comparison.loss == "bce"
    assert comparison.cleaned.n_rows == result.data.height
    assert "the loss became nan at epoch 1" in buffer.getvalue()


@pytest.mark.parametrize("loss", ["mse", "ce", "poisson", "gamma", "msle"])
def test_every_loss_trains_finite_on_clean_data(loss: str) -> None:
    df = pl.DataFrame(
        {
            "x": [float(i % 7) for i in range(60)],
            "z": [float("inf") if i == 5 else i / 10 for i in range(60)],
            "y": [float(i % 3) for i in range(60)],
        }
    )
    if loss == "gamma":
        df = df.with_columns(pl.col("y") + 1)
    comparison = compare_training(df, target="y", loss=loss, epochs=2, batch_size=16)
    assert comparison.cleaned.finite, comparison.summary()
    assert not comparison.raw.finite  # the +inf cell
    assert math.isfinite(comparison.cleaned.losses[-1])


def test_a_naive_run_that_crashes_is_reported_not_raised() -> None:
    df = pl.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "y": [0.0, 1.0, None, 1.0]})
    comparison = compare_training(df, target="y", loss="ce", epochs=1, batch_size=2)
    assert comparison.raw.error is not None  # a NaN class id cannot index
    assert "training failed" in comparison.summary()
    assert comparison.cleaned.finite


def test_bad_arguments() -> None:
    with pytest.raises(ConfigError, match="loss must be one of"):
        compare_training(ECOMMERCE, target="churned", loss="hinge")
    with pytest.raises(ConfigError, match="epochs must be an int >= 1"):
        compare_training(ECOMMERCE, target="churned", loss="bce", epochs=0)
    with pytest.raises(ConfigError, match="needs the label column"):
        compare_training(ECOMMERCE)
