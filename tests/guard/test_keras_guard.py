"""NanGuardCallback on the torch backend: names the rows, then stops or skips."""

from __future__ import annotations

import os
import sys
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

import nanclean as nc
from nanclean.errors import ConfigError, NancleanWarning, NonFiniteLossError

#: keras' pythonify_logs converts each log tensor with np.array(tensor), which
#: numpy 2 flags on torch tensors; keras swallows the error, but pytest.warns
#: records the warning and re-raises it after the block.
KERAS_LOGS_WARNING = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)


@pytest.fixture(scope="module")
def keras(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """Keras on the torch backend, writing its config under a temp folder."""
    if "keras" not in sys.modules:
        os.environ.setdefault("KERAS_BACKEND", "torch")
        os.environ.setdefault("KERAS_HOME", str(tmp_path_factory.mktemp("keras")))
    import keras

    assert keras.backend.backend() == "torch"
    return keras


class _Seen:
    """The targets of every training batch, read inside the loss: the oracle."""

    def __init__(self) -> None:
        self.batches: list[np.ndarray] = []

    def loss(self, keras: ModuleType) -> Any:
        def relative(y: Any, pred: Any) -> Any:
            # not keras' symbolic build (a "meta" tensor), not the guard's 1-row calls
            if str(y.device) != "meta" and y.shape[0] > 1:
                self.batches.append(y.detach().cpu().numpy().reshape(-1))
            y, pred = keras.ops.reshape(y, (-1,)), keras.ops.reshape(pred, (-1,))
            return keras.ops.mean((pred - y) ** 2 / y)

        return relative


def _model(keras: ModuleType, loss: Any, *, batchnorm: bool = False) -> Any:
    keras.utils.set_random_seed(0)
    layers = [keras.Input((4,))]
    if batchnorm:
        layers.append(keras.layers.BatchNormalization(name="bn"))
    layers += [keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)]
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss=loss)
    return model


def _weights(variable: Any) -> np.ndarray:
    return variable.value.detach().cpu().numpy()


def _orders(keras: ModuleType, ds: Any) -> tuple[Any, list[np.ndarray]]:
    """A callback that keeps the dataset's row order of every epoch."""
    orders: list[np.ndarray] = []

    class Orders(keras.callbacks.Callback):  # type: ignore[misc]
        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            orders.append(ds.order.copy())

    return Orders(), orders


def _steps_with_zero_targets(seen: _Seen, ds: Any, orders: list[np.ndarray]):
    """(step, rows) of every batch holding a zero target.

    Each trained batch is found among this epoch's slices of the row order by
    its targets (keras may train the slices in any order), independently of
    the guard's own bookkeeping.
    """
    per_epoch = len(ds)
    out = []
    for step, y in enumerate(seen.batches):
        order = orders[step // per_epoch]
        slices = [
            order[k * ds.batch_size : (k + 1) * ds.batch_size] for k in range(per_epoch)
        ]
        (rows,) = [r for r in slices if sorted(ds.y[r]) == sorted(y)]
        zero = sorted(ds.row_labels(ds.row_ids[r])[0] for r in rows if ds.y[r] == 0)
        if zero:
            out.append((step, zero))
    return out


@KERAS_LOGS_WARNING
def test_skip_names_the_rows_under_keras_shuffling_and_quarantines_them(
    keras, zero_target_frame, tmp_path
):
    from nanclean.keras import NanGuardCallback

    result = nc.clean(zero_target_frame, target="y")
    ds = result.to_keras(batch_size=16, seed=0)
    seen = _Seen()
    model = _model(keras, seen.loss(keras))
    guard = NanGuardCallback(ds, on_nan="skip", quarantine=tmp_path / "q.json")
    recorder, orders = _orders(keras, ds)
    with pytest.warns(NancleanWarning, match="target is 0"):
        history = model.fit(ds, epochs=2, verbose=0, callbacks=[recorder, guard])
    expected = _steps_with_zero_targets(seen, ds, orders)
    assert len(expected) >= 2
    assert [(i.step, sorted(i.rows)) for i in guard.incidents] == expected
    assert sorted(nc.guard.Quarantine.from_json(tmp_path / "q.json").rows) == [
        "r037",
        "r150",
    ]
    # skipped: the weights and the epoch's loss stayed finite
    assert all(np.isfinite(_weights(v)).all() for v in model.weights)
    assert all(np.isfinite([float(v) for v in history.history["loss"]]))
    # and the next run leaves the rows out
    again = nc.clean(zero_target_frame, target="y", exclude_rows=guard.quarantine)
    assert len(again.frame) == len(zero_target_frame) - 2


def test_raise_stops_fit_with_the_rows_and_their_values(keras, zero_target_frame):
    from nanclean.keras import NanGuardCallback

    result = nc.clean(zero_target_frame, target="y")
    ds = result.to_keras(batch_size=256, shuffle=False)  # one batch: both rows
    model = _model(keras, _Seen().loss(keras))
    with pytest.raises(NonFiniteLossError) as err:
        model.fit(ds, epochs=1, verbose=0, callbacks=[NanGuardCallback(ds)])
    assert sorted(err.value.rows) == ["r037", "r150"]
    assert (err.value.step, err.value.where) == (0, "loss")
    assert {v["target"] for v in err.value.incident.row_values} == {0.0}


@KERAS_LOGS_WARNING
def test_stop_restores_the_weights_from_before_the_step(keras, zero_target_frame):
    from nanclean.keras import NanGuardCallback

    result = nc.clean(zero_target_frame, target="y")
    ds = result.to_keras(batch_size=256, shuffle=False)
    model = _model(keras, _Seen().loss(keras))
    before = [_weights(v).copy() for v in model.weights]
    guard = NanGuardCallback(ds, on_nan="stop")
    with pytest.warns(NancleanWarning, match="'r037', 'r150'"):
        model.fit(ds, epochs=3, verbose=0, callbacks=[guard])
    assert len(guard.incidents) == 1 and model.stop_training
    after = [_weights(v) for v in model.weights]
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))


def test_epoch_end_names_poisoned_batchnorm_statistics(keras):
    from nanclean.keras import NanGuardCallback

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    x[[40, 41], 0] = 1e20  # its square overflows float32: the variance is inf
    df = pd.DataFrame(x, columns=[f"x{j}" for j in range(4)])
    df["y"] = rng.uniform(1.0, 2.0, 64)
    result = nc.clean(df, target="y", config={"outliers": "none", "scale": "none"})
    ds = result.to_keras(batch_size=32, shuffle=False)
    model = _model(keras, "mse", batchnorm=True)
    with pytest.raises(NonFiniteLossError) as err:
        model.fit(ds, epochs=1, verbose=0, callbacks=[NanGuardCallback(ds)])
    incident = err.value.incident
    assert incident.kind == "buffer" and incident.epoch == 0
    assert "bn" in incident.module and incident.parameter.endswith("bn/moving_variance")
    assert incident.cause.startswith("T3")


def test_bad_arguments_are_refused(keras):
    from nanclean.keras import NanGuardCallback

    with pytest.raises(ConfigError, match="nanclean PyDataset"):
        NanGuardCallback(np.zeros((2, 2)))  # type: ignore[arg-type]
    ds = nc.clean(pd.DataFrame({"x": [1.0, 2.0], "y": [1.0, 2.0]}), target="y")
    with pytest.raises(ConfigError, match="on_nan='halt'"):
        NanGuardCallback(ds.to_keras(), on_nan="halt")
