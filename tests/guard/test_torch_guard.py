"""NanGuard names the step, the module or parameter, and the rows: one model per cause.

Every expected step is found independently of the guard: by an unguarded run
of the same seeded training, or from the batches the test itself iterates.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import torch

import nanclean as nc
from guard.models import (
    batchnorm_model,
    mlp,
    normalize_model,
    relative_loss,
    sqrt_model,
)
from nanclean.errors import ConfigError, NancleanWarning
from nanclean.findings import RowLabels
from nanclean.handoff.torch import TabularDataset
from nanclean.torch import NanGuard, NonFiniteLossError


def _mse(pred: Any, y: Any) -> Any:
    return ((pred.squeeze(1) - y) ** 2).mean()


def _train(
    model: Any,
    loader: Any,
    guard: NanGuard | None,
    *,
    loss_fn: Any = _mse,
    lr: float = 0.01,
    epochs: int = 1,
) -> list[list[Any]]:
    """A plain loop; returns the row ids of every batch, in step order."""
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    batches: list[list[Any]] = []
    for _ in range(epochs):
        for xb, yb, ids in loader:
            batches.append(ids.tolist())
            loss = loss_fn(model(xb), yb)
            if guard is not None:
                guard.check(loss, rows=ids)
            opt.zero_grad()
            loss.backward()
            if guard is not None:
                guard.after_backward()
            opt.step()
        if guard is not None:
            guard.end_epoch()
    return batches


def _dataset(x: np.ndarray, y: np.ndarray, labels: list[str] | None = None) -> Any:
    row_labels = RowLabels(np.array(labels, dtype=object)) if labels else None
    return TabularDataset(
        x.astype(np.float32),
        y.astype(np.float32),
        labels=row_labels,
        return_row_id=True,
    )


def _linear_data(n: int = 512, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    return x, x @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.1


# --- T5: the data --------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["cheap", "full"])
def test_t5_zero_targets_in_a_relative_loss_name_exactly_those_two_rows(
    zero_target_frame, mode
):
    result = nc.clean(zero_target_frame, target="y")
    loader = result.dataloader(batch_size=256, seed=0, return_row_id=True)
    model = mlp()
    with (
        pytest.raises(NonFiniteLossError, match=r"step 0 .*'r037'|'r150'") as err,
        NanGuard(model, dataset=result, mode=mode) as guard,
    ):
        _train(model, loader, guard, loss_fn=relative_loss)
    assert sorted(err.value.rows) == ["r037", "r150"]
    assert (err.value.step, err.value.epoch, err.value.where) == (0, 0, "loss")
    assert {v["target"] for v in err.value.incident.row_values} == {0.0}
    assert "target is 0" in str(err.value) and "exclude_rows" in str(err.value)
    assert guard.incidents == [err.value.incident]


def test_t5_shuffled_loader_skip_quarantines_exactly_the_poisoned_rows(
    zero_target_frame,
):
    result = nc.clean(zero_target_frame, target="y")
    loader = result.dataloader(batch_size=16, seed=7, return_row_id=True)
    model = mlp()
    with (
        pytest.warns(NancleanWarning, match="target is 0"),
        NanGuard(model, dataset=result, on_nan="skip") as guard,
    ):
        batches = _train(model, loader, guard, loss_fn=relative_loss, epochs=2)
    poisoned = {37: "r037", 150: "r150"}
    expected = [
        (step, sorted(poisoned[i] for i in ids if i in poisoned))
        for step, ids in enumerate(batches)
        if poisoned.keys() & set(ids)
    ]
    assert len(expected) >= 2  # each row in a batch of its own epoch at least
    assert [(i.step, sorted(i.rows)) for i in guard.incidents] == expected
    assert sorted(guard.quarantine.rows) == ["r037", "r150"]
    # the skipped steps left the weights finite: nothing else went wrong
    assert all(torch.isfinite(p).all() for p in model.parameters())
    assert guard.check_state()


def test_t5_deferred_check_finds_the_row_from_the_gradient_caught_in_backward(
    zero_target_frame,
):
    result = nc.clean(zero_target_frame, target="y")
    loader = result.dataloader(batch_size=16, seed=0, return_row_id=True)
    seen: list[list[int]] = []

    def loss_fn(pred, y):
        return relative_loss(pred, y)

    model = mlp()
    with (
        pytest.raises(NonFiniteLossError) as err,
        NanGuard(model, dataset=result) as guard,
    ):
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        for xb, yb, ids in loader:
            seen.append(ids.tolist())
            loss = loss_fn(model(xb), yb)
            guard.check(loss, rows=ids)
            opt.zero_grad()
            loss.backward()
            guard.after_backward()
            opt.step()
    first = next(s for s, ids in enumerate(seen) if {37, 150} & set(ids))
    assert first > 0  # the check was deferred to after_backward by then
    assert err.value.step == first == len(seen) - 1
    assert err.value.rows == [
        result.labels(np.array([i]))[0] for i in seen[first] if i in (37, 150)
    ]


def test_a_loss_that_is_not_per_sample_is_bisected_with_recompute():
    x, _ = _linear_data(64)
    y = np.ones(64)
    y[[5, 40]] = 0.0
    ds = _dataset(x, y)
    model = mlp()
    xb, yb, ids = ds[torch.arange(64)]

    def batch_loss(pred, target):  # the batch's mean target: every row's gradient
        return ((pred.squeeze(1) - target) ** 2).mean() / target.min()

    with (
        pytest.raises(NonFiniteLossError) as err,
        NanGuard(
            model,
            dataset=ds,
            recompute=lambda i: batch_loss(model(xb[i]), yb[i]),
        ) as guard,
    ):
        guard.check(batch_loss(model(xb), yb), rows=ids)
    assert err.value.rows == [5, 40]
    assert "bisecting the batch" in err.value.incident.how
    running = [b.clone() for b in model.buffers()]
    assert all(torch.equal(a, b) for a, b in zip(running, model.buffers(), strict=True))


# --- T1: exploding gradients ---------------------------------------------------------


def _first_bad_step(lr: float) -> int:
    x, y = _linear_data()
    loader = _dataset(x, y).loader(64, shuffle=False)
    model = mlp()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    step = -1
    for _ in range(5):
        for xb, yb, _ids in loader:
            step += 1
            loss = _mse(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            norm = torch.nn.utils.get_total_norm([p.grad for p in model.parameters()])
            if not (torch.isfinite(loss) and torch.isfinite(norm)):
                return step
            opt.step()
    raise AssertionError("the learning rate did not make the gradients explode")


def test_t1_high_learning_rate_is_named_at_the_first_non_finite_step():
    expected = _first_bad_step(lr=0.5)
    x, y = _linear_data()
    loader = _dataset(x, y).loader(64, shuffle=False)
    model = mlp()
    batches: list[Any] = []
    with pytest.raises(NonFiniteLossError) as err, NanGuard(model) as guard:
        for xb, yb, ids in loader:  # the guard raises within the first epoch
            batches.append(ids.tolist())
            loss = _mse(model(xb), yb)
            guard.check(loss, rows=ids)
            loss.backward()
            guard.after_backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= 0.5 * p.grad
                    p.grad = None
    assert err.value.step == expected
    incident = err.value.incident
    assert incident.kind in ("loss", "parameter_gradient", "gradient_norm")
    if incident.kind == "loss":  # every row of the batch: not a data problem
        assert sorted(err.value.rows) == sorted(batches[-1])
    else:  # the gradients: no row is to blame
        assert err.value.rows == []
        assert incident.how == "not tied to particular rows"
    assert incident.cause.startswith("T1")
    assert "learning rate" in incident.fix and "clip_grad_norm_" in incident.fix
    norms = [g for _, _, g in incident.stats["history"]]
    assert norms[0] < 1e3 < max(n for n in norms if np.isfinite(n))


# --- T2: a layer ----------------------------------------------------------------------


def _zero_rows_data(zero_rows: list[int], n: int = 64) -> Any:
    x, y = _linear_data(n)
    x[zero_rows] = 0.0
    return _dataset(x, y, labels=[f"id{i}" for i in range(n)])


def test_t2_sqrt_at_zero_full_mode_names_the_module_from_its_input_gradient():
    ds = _zero_rows_data([21, 30])
    model = sqrt_model()
    with (
        pytest.raises(NonFiniteLossError) as err,
        NanGuard(model, dataset=ds, mode="full") as guard,
    ):
        _train(model, ds.loader(16, shuffle=False), guard)
    assert err.value.step == 1  # rows 21 and 30 are in the second batch
    assert err.value.incident.kind == "gradient"
    assert err.value.incident.module == "pool"
    assert err.value.where == "gradient at the input of module 'pool' (StdPool)"
    assert err.value.rows == ["id21", "id30"]
    assert err.value.incident.cause.startswith("T2") and "sqrt" in str(err.value)


def test_t2_sqrt_at_zero_cheap_mode_names_the_parameter():
    ds = _zero_rows_data([21, 30])
    model = sqrt_model()
    with pytest.raises(NonFiniteLossError) as err, NanGuard(model, dataset=ds) as guard:
        _train(model, ds.loader(16, shuffle=False), guard)
    assert err.value.step == 1
    assert err.value.incident.kind == "parameter_gradient"
    assert err.value.incident.parameter == "proj.weight"
    assert err.value.incident.names == ["proj.weight"]
    assert "mode='full'" in err.value.incident.fix


@pytest.mark.parametrize("mode", ["cheap", "full"])
def test_t2_normalization_by_a_zero_norm(mode):
    ds = _zero_rows_data([50])
    model = normalize_model()
    with (
        pytest.raises(NonFiniteLossError) as err,
        NanGuard(model, dataset=ds, mode=mode) as guard,
    ):
        _train(model, ds.loader(16, shuffle=False), guard)
    assert err.value.step == 3
    assert err.value.rows == ["id50"]
    if mode == "full":
        assert err.value.where == "output of module 'norm' (Normalize)"
        assert err.value.incident.stats["input"][0]["zero_rows"] == 1
        assert "zero" in err.value.incident.cause
    else:
        assert err.value.where == "loss"
        assert "output is non-finite" in err.value.incident.how


# --- T3: BatchNorm running statistics ---------------------------------------------------


def test_t3_poisoned_batchnorm_statistics_are_named_with_the_batch_rows():
    x, y = _linear_data(96)
    x[[40, 41], 0] = 1e30  # finite, but its square overflows float32
    ds = _dataset(x, y, labels=[f"id{i}" for i in range(96)])
    model = batchnorm_model()
    with pytest.raises(NonFiniteLossError) as err, NanGuard(model, dataset=ds) as guard:
        _train(model, ds.loader(32, shuffle=False), guard)
    assert err.value.step == 1
    assert err.value.incident.kind == "buffer"
    assert err.value.incident.parameter == "bn.running_var"
    assert err.value.where == "buffer 'bn.running_var' of BatchNorm1d 'bn'"
    assert err.value.rows == ["id40", "id41"]
    assert err.value.incident.cause.startswith("T3")
    # the loss of that step was finite: training "looked fine"
    assert all(np.isfinite(loss) for _, loss, _ in err.value.incident.stats["history"])
    # and inference is broken: feature 0 no longer reaches the output
    model.eval()
    with torch.no_grad():
        a = model(torch.tensor([[0.0, 0, 0, 0]]))
        b = model(torch.tensor([[5.0, 0, 0, 0]]))
    assert torch.equal(a, b)


def test_t3_check_state_on_demand_and_at_epoch_end():
    model = batchnorm_model()
    model.bn.running_mean[2] = float("nan")
    guard = NanGuard(model)
    with pytest.raises(NonFiniteLossError, match=r"'bn\.running_mean'") as err:
        guard.check_state()
    assert err.value.incident.names == ["bn.running_mean"]
    model.bn.running_mean[2] = 0.0
    model.head.weight.data[0, 1] = float("inf")
    with pytest.raises(NonFiniteLossError) as err:
        guard.end_epoch()
    assert err.value.incident.kind == "parameter"
    assert err.value.incident.parameter == "head.weight"


# --- T4: float16 ------------------------------------------------------------------------


def _fp16_data() -> Any:
    x, y = _linear_data(64)
    x[[21, 25]] = 3e4  # within float16, but 4 × 3e4 is not
    return _dataset(x, y, labels=[f"id{i}" for i in range(64)])


def _ones_mlp() -> Any:
    model = mlp()
    with torch.no_grad():
        model.body.weight.fill_(1.0)
    return model


@pytest.mark.parametrize("mode", ["cheap", "full"])
def test_t4_float16_overflow_under_autocast_with_a_grad_scaler(mode):
    ds = _fp16_data()
    model = _ones_mlp()
    opt = torch.optim.SGD(model.parameters(), lr=1e-4)
    scaler = torch.amp.GradScaler("cpu")
    with (
        pytest.raises(NonFiniteLossError) as err,
        NanGuard(model, dataset=ds, mode=mode, scaler=scaler) as guard,
    ):
        for xb, yb, ids in ds.loader(16, shuffle=False):
            with torch.autocast("cpu", dtype=torch.float16):
                loss = _mse(model(xb).float(), yb)
            guard.check(loss, rows=ids)
            opt.zero_grad()
            scaler.scale(loss).backward()
            scaler.unscale_(opt)
            guard.after_backward()
            scaler.step(opt)
            scaler.update()
    assert err.value.step == 1
    assert err.value.rows == ["id21", "id25"]
    if mode == "full":
        assert err.value.where == "output of module 'body' (Linear)"
        assert err.value.incident.cause.startswith("T4")
        assert "65504" in str(err.value)


def test_t4_full_mode_records_float32_activations_beyond_float16():
    ds = _fp16_data()
    model = _ones_mlp()
    with NanGuard(model, dataset=ds, mode="full") as guard:
        _train(model, ds.loader(16, shuffle=False), guard, lr=0.0)
    assert guard.incidents == []
    assert set(guard.fp16_overflows) >= {"body"}
    assert guard.fp16_overflows["body"] > 65504


def test_grad_scaler_overflow_is_counted_not_reported():
    x, y = _linear_data(64)
    ds = _dataset(x, y)
    model = mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**127)
    before = [p.detach().clone() for p in model.parameters()]
    with NanGuard(model, scaler=scaler) as guard:
        for xb, yb, ids in ds.loader(64, shuffle=False):
            loss = _mse(model(xb), yb) * 1e10
            guard.check(loss, rows=ids)
            opt.zero_grad()
            scaler.scale(loss).backward()
            scaler.unscale_(opt)
            assert guard.after_backward()
            scaler.step(opt)
            scaler.update()
    assert guard.scaler_skips == 1 and guard.incidents == []
    assert all(
        torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True)
    )


# --- options, output ---------------------------------------------------------------------


def test_warn_mode_only_reports_and_skip_mode_skips_the_optimizer_step(
    zero_target_frame,
):
    result = nc.clean(zero_target_frame, target="y")
    xb, yb, ids = result.to_torch(return_row_id=True)[torch.arange(60)]
    for on_nan, stepped in (("warn", True), ("skip", False)):
        model = mlp()
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        before = [p.detach().clone() for p in model.parameters()]
        with (
            pytest.warns(NancleanWarning, match="'r037'"),
            NanGuard(model, dataset=result, on_nan=on_nan) as guard,
        ):
            loss = relative_loss(model(xb), yb)
            assert guard.check(loss, rows=ids) is stepped
            opt.zero_grad()
            loss.backward()
            assert guard.after_backward() is stepped
            opt.step()
        unchanged = all(
            torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True)
        )
        assert unchanged is not stepped
        assert (len(guard.quarantine) == 1) is not stepped


def test_incident_and_quarantine_json_round_trip(zero_target_frame, tmp_path):
    from nanclean.guard import Incident, Quarantine

    result = nc.clean(zero_target_frame, target="y")
    xb, yb, ids = result.to_torch(return_row_id=True)[torch.arange(200)]
    model = mlp()
    with (
        pytest.warns(NancleanWarning),
        NanGuard(
            model,
            dataset=result,
            on_nan="skip",
            quarantine=tmp_path / "q.json",
            incident_path=tmp_path / "incidents.json",
        ) as guard,
    ):
        guard.check(relative_loss(model(xb), yb), rows=ids)
    saved = json.loads((tmp_path / "incidents.json").read_text())
    assert saved["incidents"][0]["rows"] == ["r037", "r150"]
    incident = Incident.from_dict(saved["incidents"][0])
    assert incident.to_dict() == guard.incidents[0].to_dict()
    assert incident.stats["loss"] == "inf"  # strict JSON
    assert Incident.from_json(incident.to_json()) == incident
    assert Quarantine.from_json(tmp_path / "q.json").rows == ["r037", "r150"]


def test_bad_arguments_are_refused():
    with pytest.raises(ConfigError, match="mode='fast' is not one of 'cheap', 'full'"):
        NanGuard(mlp(), mode="fast")
    with pytest.raises(ConfigError, match="on_nan='stop'"):
        NanGuard(mlp(), on_nan="stop")
    with pytest.raises(ConfigError, match=r"torch\.nn\.Module"):
        NanGuard(object())  # type: ignore[arg-type]


def test_finite_training_raises_nothing_and_hooks_are_removed():
    x, y = _linear_data(128)
    ds = _dataset(x, y)
    for mode in ("cheap", "full"):
        model = mlp()
        with NanGuard(model, dataset=ds, mode=mode) as guard:
            _train(model, ds.loader(32, seed=0), guard, epochs=2)
        assert guard.incidents == [] and guard.step == 7 and guard.epoch == 2
        assert not model._forward_hooks and not model.body._forward_hooks
