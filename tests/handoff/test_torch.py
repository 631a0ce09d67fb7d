"""The torch hand-off: verified tensors, original row ids, no needless copies."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
import torch
from torch.utils.data import DataLoader, SequentialSampler

import nanclean as nc
import nanclean.handoff.torch as handoff_torch
from nanclean.errors import HandoffError, MissingDependencyError
from nanclean.handoff.torch import TabularDataset

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.fixture
def result(labelled: pd.DataFrame) -> nc.CleanResult:
    return nc.clean(labelled, target="y", loss="bce")


# --- what comes out --------------------------------------------------------------


def test_dataset_has_one_sample_per_kept_row(result: nc.CleanResult) -> None:
    ds = result.to_torch()
    assert len(ds) == 39  # row 'r07' (label 2) was dropped
    assert ds.features.shape == (39, 2) and ds.features.dtype == torch.float32
    assert ds.targets is not None and ds.targets.dtype == torch.float32
    assert ds.targets.shape == (39,)
    x, y = ds[0]
    assert x.shape == (2,) and y.shape == ()
    assert torch.isfinite(ds.features).all()
    assert ds.feature_names == ["a", "b"] and ds.target == "y"


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        (torch.float32, torch.float32),
        (torch.float16, torch.float16),
        (torch.bfloat16, torch.bfloat16),
        (torch.float64, torch.float64),
        ("float16", torch.float16),
        ("bfloat16", torch.bfloat16),
    ],
)
def test_features_and_float_targets_take_the_requested_dtype(
    result: nc.CleanResult, dtype: torch.dtype | str, expected: torch.dtype
) -> None:
    ds = result.to_torch(dtype=dtype)
    assert ds.features.dtype == expected
    assert ds.targets is not None and ds.targets.dtype == expected
    x32, y32 = result.to_numpy()
    assert torch.equal(ds.features, torch.from_numpy(x32).to(expected))
    assert y32 is not None and torch.equal(
        ds.targets, torch.from_numpy(y32).to(expected)
    )


def test_default_dtype_is_the_plans_training_dtype(labelled: pd.DataFrame) -> None:
    ds = nc.clean(labelled, target="y", loss="bce", config={"dtype": "float16"})
    assert ds.to_torch().features.dtype == torch.float16
    assert nc.clean(labelled, target="y", loss="bce").to_torch().features.dtype == (
        torch.float32
    )


def test_class_ids_are_int64_for_cross_entropy() -> None:
    df = pl.DataFrame({"x": [0.1, 0.5, 0.9, 1.3, 2.0, 2.2], "k": [0, 1, 2, 2, 1, 0]})
    ds = nc.clean(df, target="k", loss="ce").to_torch(dtype=torch.float16)
    assert ds.features.dtype == torch.float16
    assert ds.targets is not None and ds.targets.dtype == torch.int64
    assert ds.targets.tolist() == [0, 1, 2, 2, 1, 0]
    logits = torch.zeros(6, 3)
    assert torch.isfinite(torch.nn.functional.cross_entropy(logits, ds.targets))


def test_device_moves_the_tensors_once(result: nc.CleanResult) -> None:
    ds = result.to_torch(device="meta")
    assert ds.features.device.type == "meta"
    assert ds.targets is not None and ds.targets.device.type == "meta"
    assert ds.row_ids.device.type == "cpu"  # ids stay where labels can be read


# --- row ids -----------------------------------------------------------------------


def test_row_ids_give_back_the_pandas_index_labels(
    labelled: pd.DataFrame, result: nc.CleanResult
) -> None:
    ds = result.to_torch(return_row_id=True)
    assert ds.rows == [label for label in labelled.index if label != "r07"]
    _, _, row_id = ds[7]
    assert ds.row_labels(row_id) == ["r08"]  # position 7 of the output is 'r08'
    cleaned = result.frame
    for xb, yb, ids in result.dataloader(8, shuffle=True, seed=1, return_row_id=True):
        labels = ds.row_labels(ids)
        expected = cleaned.loc[labels]
        np.testing.assert_array_equal(xb.numpy(), expected[["a", "b"]].to_numpy())
        np.testing.assert_array_equal(yb.numpy(), expected["y"].to_numpy())


def test_a_batch_with_a_repaired_value_names_its_original_row(
    result: nc.CleanResult,
) -> None:
    """The guard's use: from a suspicious batch back to the caller's rows."""
    clipped = [a for a in result.report.actions if a.kind.value == "outlier_clipped"]
    assert [(a.column, a.rows) for a in clipped] == [("b", ["r11"])]
    ds = result.to_torch(return_row_id=True)
    seen = []
    for xb, _, ids in ds.loader(4, shuffle=True, seed=0):
        labels = ds.row_labels(ids)
        seen += labels
        if "r11" in labels:
            value = xb[labels.index("r11"), 1].item()
            assert value == pytest.approx(result.frame.loc["r11", "b"])
            cp = result.plan.column("b")
            bound = cp.outlier_high if value > 0 else cp.outlier_low
            assert value == pytest.approx(cp.scale_number(bound))  # clipped, scaled
    assert sorted(seen) == sorted(result.rows)  # every row once per epoch
    assert "r11" in seen and "r07" not in seen


def test_row_labels_accepts_ints_lists_arrays_and_tensors(
    result: nc.CleanResult,
) -> None:
    ds = result.to_torch()
    assert ds.row_labels(0) == ["r00"]
    assert ds.row_labels([1, 2]) == ["r01", "r02"]
    assert ds.row_labels(np.array([39])) == ["r39"]
    assert ds.row_labels(torch.tensor([[3], [4]])) == ["r03", "r04"]


def test_positions_are_the_labels_for_inputs_without_an_index() -> None:
    df = pl.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [0.0, 5.0, 1.0, 0.0]})
    ds = nc.clean(df, target="y", loss="bce").to_torch(return_row_id=True)
    assert ds.row_ids.tolist() == [0, 2, 3]  # row 1 (label 5) dropped
    assert ds.row_labels(ds[1][2]) == [2]


# --- copies ------------------------------------------------------------------------


def test_a_numpy_array_is_shared_not_copied() -> None:
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    y = np.array([0.0, 1.0, 0.0, 1.0], dtype=np.float32)
    ds = TabularDataset(x, y)
    assert np.shares_memory(ds.features.numpy(), x)
    assert ds.targets is not None and np.shares_memory(ds.targets.numpy(), y)
    x[0, 0] = 42.0
    assert ds.features[0, 0] == 42.0


def test_to_torch_shares_the_one_matrix_it_builds(
    monkeypatch: pytest.MonkeyPatch, result: nc.CleanResult
) -> None:
    made = []

    def spy(*args: object, **kwargs: object) -> object:
        arrays = original(*args, **kwargs)
        made.append(arrays)
        return arrays

    original = handoff_torch.to_arrays
    monkeypatch.setattr(handoff_torch, "to_arrays", spy)
    ds = result.to_torch()
    assert np.shares_memory(ds.features.numpy(), made[0].x)  # float32: no copy
    ds16 = result.to_torch(dtype=torch.float16)
    assert not np.shares_memory(ds16.features.numpy(), made[1].x)  # one conversion


def test_read_only_arrays_are_copied_once_without_a_warning() -> None:
    x = np.ones((3, 2), dtype=np.float32)
    x.flags.writeable = False
    ds = TabularDataset(x)
    assert not np.shares_memory(ds.features.numpy(), x)
    assert ds[0].shape == (2,)  # no target: a sample is x alone


# --- the data loader ---------------------------------------------------------------


def test_dataloader_gathers_whole_batches(result: nc.CleanResult) -> None:
    loader = result.dataloader(16, shuffle=False)
    batches = list(loader)
    assert [len(x) for x, _ in batches] == [16, 16, 7]
    assert len(loader) == 3
    x, y = batches[0]
    ds = loader.dataset
    assert isinstance(ds, TabularDataset)
    assert torch.equal(x, ds.features[:16])
    assert ds.targets is not None and torch.equal(y, ds.targets[:16])


def test_dataloader_shuffles_reproducibly_and_drops_last(
    result: nc.CleanResult,
) -> None:
    def order(seed: int) -> list[int]:
        loader = result.dataloader(10, seed=seed, return_row_id=True)
        return [i for _, _, ids in loader for i in ids.tolist()]

    assert order(3) == order(3)
    assert order(3) != order(4)
    assert sorted(order(3)) == result.row_ids.tolist()
    dropped = result.dataloader(10, drop_last=True)
    assert [len(x) for x, _ in dropped] == [10, 10, 10]


def test_dataloader_passes_samplers_and_other_options_to_torch(
    result: nc.CleanResult,
) -> None:
    ds = result.to_torch()
    loader = ds.loader(5, shuffle=False, sampler=SequentialSampler(ds), num_workers=0)
    x, _ = next(iter(loader))
    assert x.shape == (5, 2) and torch.equal(x, ds.features[:5])


def test_a_plain_torch_dataloader_works_sample_by_sample(
    result: nc.CleanResult,
) -> None:
    ds = result.to_torch(return_row_id=True)
    x, y, ids = next(iter(DataLoader(ds, batch_size=6)))
    assert x.shape == (6, 2) and y.shape == (6,) and ids.dtype == torch.int64
    assert ds.row_labels(ids) == ["r00", "r01", "r02", "r03", "r04", "r05"]


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True])
def test_bad_batch_size_is_refused(result: nc.CleanResult, batch_size: object) -> None:
    with pytest.raises(HandoffError, match="batch_size must be"):
        result.dataloader(batch_size)  # type: ignore[arg-type]


# --- refusals ----------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [torch.int32, torch.complex64, "float8", "half"])
def test_an_unsupported_dtype_is_refused(
    result: nc.CleanResult, dtype: torch.dtype | str
) -> None:
    with pytest.raises(
        HandoffError,
        match=r"as dtype .*: the supported training dtypes are float32, float16, "
        r"bfloat16, float64",
    ):
        result.to_torch(dtype=dtype)


def test_a_result_without_target_cannot_yield_pairs(labelled: pd.DataFrame) -> None:
    result = nc.clean(labelled.drop(columns="y"))
    with pytest.raises(HandoffError, match="no target column, so it cannot yield"):
        result.to_torch()
    x, y = result.to_numpy()
    assert y is None and x.shape == (40, 2)


def test_a_non_numeric_column_left_in_is_refused(result: nc.CleanResult) -> None:
    broken = dataclasses.replace(
        result, data=result.data.with_columns(pl.col("b").cast(pl.String))
    )
    with pytest.raises(
        HandoffError,
        match=r"1 column\(s\) are not numeric: 'b' \(String\)\. Expected float or "
        r"integer columns only\. Fix: clean with non_numeric='ordinal' or 'onehot'",
    ):
        broken.to_torch()


def test_a_flagged_outlier_that_overflows_float16_is_refused_by_row(
    labelled: pd.DataFrame,
) -> None:
    result = nc.clean(  # robust: the flagged 1e9 stays beyond float16 once scaled
        labelled,
        target="y",
        loss="bce",
        config={"outlier_action": "flag", "scale": "robust"},
    )
    result.to_torch()  # fine in float32
    with pytest.raises(
        HandoffError,
        match=r"Cannot hand this result to torch as float16: 1 column\(s\) hold values "
        r"that are null, NaN, ±inf or beyond float16's finite range \(±65504\): "
        r"'b': 1 value\(s\) \(rows 'r11'; e\.g\. .*\)\. Expected every feature and "
        r"target value finite .* Fix: clean for this dtype \(config=\{'dtype': "
        r"'float16'\}",
    ):
        result.to_torch(dtype=torch.float16)
    fixed = nc.clean(
        labelled,
        target="y",
        loss="bce",
        config={"outlier_action": "flag", "dtype": "float16"},
    )
    assert torch.isfinite(fixed.to_torch(dtype=torch.float16).features).all()


def test_many_bad_rows_are_cut_to_five() -> None:
    # sensors.parquet: pressure_pa (~101325 Pa) overflows float16 when not scaled
    result = nc.clean(
        SAMPLE / "sensors.parquet",
        target="rul_hours",
        loss="poisson",
        config={"scale": "none"},
    )
    with pytest.raises(
        HandoffError,
        match=r"'pressure_pa': 2998 value\(s\) \(rows 0, 1, 2, 3, 4 … and 2993 more;",
    ):
        result.to_torch(dtype="float16")


def test_non_finite_cells_in_a_hand_built_result_are_named(
    result: nc.CleanResult,
) -> None:
    data = result.data.with_columns(
        pl.when(pl.int_range(pl.len()).is_in([2, 30]))
        .then(float("nan"))
        .otherwise(pl.col("a"))
        .alias("a"),
        pl.when(pl.int_range(pl.len()) == 4)
        .then(None)
        .otherwise(pl.col("y"))
        .alias("y"),
    )
    broken = dataclasses.replace(result, data=data)
    with pytest.raises(
        HandoffError,
        match=r"2 column\(s\) .*'a': 2 value\(s\) \(rows 'r02', 'r31'; e\.g\. nan\); "
        r"target 'y': 1 value\(s\) \(rows 'r04'; e\.g\. None\)\. .* The target must "
        r"also hold values in \[0, 1\] for loss='bce'",
    ):
        broken.to_torch()
    with pytest.raises(HandoffError, match="'a': 2 value"):
        broken.to_numpy()


def test_a_target_outside_the_loss_domain_is_refused(result: nc.CleanResult) -> None:
    data = result.data.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(3.0).otherwise(pl.col("y")).alias("y")
    )
    with pytest.raises(HandoffError, match=r"target 'y': 1 value\(s\) \(rows 'r00'"):
        dataclasses.replace(result, data=data).to_torch()


def test_row_ids_must_match_the_rows(result: nc.CleanResult) -> None:
    broken = dataclasses.replace(result, row_ids=result.row_ids[:-1])
    with pytest.raises(HandoffError, match="39 rows but 38 row ids"):
        broken.to_torch()


def test_mismatched_tensors_are_refused() -> None:
    with pytest.raises(HandoffError, match="targets has 2 rows but features has 3"):
        TabularDataset(np.zeros((3, 2), np.float32), np.zeros(2, np.float32))
    with pytest.raises(HandoffError, match=r"features must be 2-D"):
        TabularDataset(np.zeros(3, np.float32))


# --- numpy ------------------------------------------------------------------------


def test_to_numpy_in_float16_and_bfloat16(result: nc.CleanResult) -> None:
    x, y = result.to_numpy(dtype="float16")
    assert x.dtype == np.float16 and y is not None and y.dtype == np.float16
    assert x.flags.c_contiguous and x.flags.writeable
    with pytest.raises(HandoffError, match="numpy has no bfloat16"):
        result.to_numpy(dtype="bfloat16")


# --- imports ----------------------------------------------------------------------


def test_a_missing_torch_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, result: nc.CleanResult
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now fails
    monkeypatch.delitem(sys.modules, "nanclean.handoff.torch")
    message = (
        r"torch is required for this feature but is not installed\. Install it "
        r"with: pip install 'nanclean\[torch\]'"
    )
    with pytest.raises(MissingDependencyError, match=message):
        result.to_torch()
    with pytest.raises(MissingDependencyError, match=message):
        result.dataloader(8)
    from nanclean.demo import compare_training

    with pytest.raises(MissingDependencyError, match=message):
        compare_training(SAMPLE / "ecommerce.csv", target="churned", loss="bce")
    with pytest.raises(ImportError):  # MissingDependencyError is an ImportError
        result.to_torch()
