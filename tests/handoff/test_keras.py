"""The Keras hand-off: a PyDataset of verified batches whose rows keep their ids."""

from __future__ import annotations

import math
import os
import sys
from types import ModuleType

import numpy as np
import pandas as pd
import polars as pl
import pytest

import nanclean as nc
from nanclean.errors import HandoffError, MissingDependencyError


@pytest.fixture(scope="module")
def keras(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """Keras on the torch backend, writing its config under a temp folder.

    Keras reads both variables once, when it is first imported in the process;
    ``make test`` already sets KERAS_BACKEND=torch, which is kept.
    """
    if "keras" not in sys.modules:
        os.environ.setdefault("KERAS_BACKEND", "torch")
        os.environ.setdefault("KERAS_HOME", str(tmp_path_factory.mktemp("keras")))
    import keras

    assert keras.backend.backend() == "torch"
    return keras


@pytest.fixture
def result(labelled: pd.DataFrame) -> nc.CleanResult:
    return nc.clean(labelled, target="y", loss="bce")


def test_batches_cover_every_row_once_per_epoch(
    keras: ModuleType, result: nc.CleanResult
) -> None:
    ds = result.to_keras(batch_size=16, seed=0)
    assert isinstance(ds, keras.utils.PyDataset)
    assert len(ds) == math.ceil(39 / 16) == 3
    sizes, ids = [], []
    for i in range(len(ds)):
        x, y = ds[i]
        assert x.dtype == np.float32 and y.dtype == np.float32
        assert x.shape[1] == 2 and len(x) == len(y)
        sizes.append(len(x))
        ids += ds.last_row_ids.tolist()
    assert sizes == [16, 16, 7]
    assert sorted(ids) == result.row_ids.tolist()
    with pytest.raises(IndexError, match="batch index 3 is out of range for 3"):
        ds[3]


def test_rows_are_reshuffled_after_every_epoch_reproducibly(
    keras: ModuleType, result: nc.CleanResult
) -> None:
    a = result.to_keras(batch_size=8, seed=5)
    b = result.to_keras(batch_size=8, seed=5)
    first = a.batch_row_ids(0).tolist()
    assert first == b.batch_row_ids(0).tolist()
    a.on_epoch_end()
    assert a.batch_row_ids(0).tolist() != first
    assert sorted(a.order.tolist()) == list(range(39))


def test_batches_map_back_to_the_pandas_index_labels(
    keras: ModuleType, result: nc.CleanResult
) -> None:
    ds = result.to_keras(batch_size=5, seed=1)
    cleaned = result.frame
    for i in range(len(ds)):
        x, y = ds[i]
        labels = ds.row_labels(ds.last_row_ids)
        assert labels == ds.row_labels(ds.batch_row_ids(i))
        assert "r07" not in labels  # its label 2 was dropped for bce
        np.testing.assert_array_equal(x, cleaned.loc[labels, ["a", "b"]].to_numpy())
        np.testing.assert_array_equal(y, cleaned.loc[labels, "y"].to_numpy())


def test_unshuffled_batches_are_views_not_copies(
    keras: ModuleType, result: nc.CleanResult
) -> None:
    ds = result.to_keras(batch_size=10, shuffle=False)
    x, y = ds[1]
    assert np.shares_memory(x, ds.x) and np.shares_memory(y, ds.y)
    assert ds.row_labels(ds.batch_row_ids(0))[:3] == ["r00", "r01", "r02"]


def test_class_ids_are_int64_for_cross_entropy(keras: ModuleType) -> None:
    df = pl.DataFrame({"x": [0.1, 0.5, 0.9, 1.3, 2.0, 2.2], "k": [0, 1, 2, 2, 1, 0]})
    ds = nc.clean(df, target="k", loss="ce").to_keras(batch_size=6, shuffle=False)
    assert ds[0][1].dtype == np.int64 and ds[0][1].tolist() == [0, 1, 2, 2, 1, 0]


def test_float16_batches(keras: ModuleType, result: nc.CleanResult) -> None:
    x, y = result.to_keras(dtype="float16")[0]
    assert x.dtype == np.float16 and y.dtype == np.float16


@pytest.mark.parametrize("plan_dtype", ["float16", "bfloat16"])
def test_reduced_precision_plans_give_float32_arrays_by_default(
    keras: ModuleType, labelled: pd.DataFrame, plan_dtype: str
) -> None:
    result = nc.clean(labelled, target="y", loss="bce", config={"dtype": plan_dtype})
    x, _ = result.to_keras()[0]
    assert x.dtype == np.float32  # checked against the plan's range, cast by keras


def test_model_fit_trains_on_it_with_the_torch_backend(
    keras: ModuleType, result: nc.CleanResult
) -> None:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(
        optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True)
    )
    seen: list[list[object]] = []
    ds = result.to_keras(batch_size=8, seed=0)

    class Rows(keras.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: object = None) -> None:
            seen.append(ds.row_labels(ds.last_row_ids))

    history = model.fit(ds, epochs=2, verbose=0, callbacks=[Rows()])
    assert all(math.isfinite(v) for v in history.history["loss"])
    assert len(seen) == 2 * len(ds)
    epoch = [label for labels in seen[: len(ds)] for label in labels]
    assert sorted(epoch) == sorted(result.rows)


def test_refusals(keras: ModuleType, labelled: pd.DataFrame) -> None:
    result = nc.clean(labelled, target="y", loss="bce")
    with pytest.raises(HandoffError, match="numpy has no bfloat16"):
        result.to_keras(dtype="bfloat16")
    with pytest.raises(HandoffError, match="supported training dtypes are"):
        result.to_keras(dtype="int8")
    with pytest.raises(HandoffError, match="batch_size must be >= 1; received 0"):
        result.to_keras(batch_size=0)
    with pytest.raises(HandoffError, match="no target column"):
        nc.clean(labelled.drop(columns="y")).to_keras()
    flagged = nc.clean(  # robust: the flagged 1e9 stays beyond float16 once scaled
        labelled, target="y", config={"outlier_action": "flag", "scale": "robust"}
    )
    with pytest.raises(
        HandoffError, match=r"to keras as float16: .*'b': 1 value\(s\) \(rows 'r11'"
    ):
        flagged.to_keras(dtype="float16")


def test_a_missing_keras_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, result: nc.CleanResult
) -> None:
    monkeypatch.setitem(sys.modules, "keras", None)  # import keras now fails
    monkeypatch.delitem(sys.modules, "nanclean.handoff.keras", raising=False)
    with pytest.raises(
        MissingDependencyError,
        match=r"keras is required for this feature but is not installed\. Install "
        r"it with: pip install 'nanclean\[keras\]'",
    ):
        result.to_keras()
