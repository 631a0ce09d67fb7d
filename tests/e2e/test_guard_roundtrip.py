"""The loop closed: skip -> quarantine (JSON) -> clean(exclude_rows=) -> a finite run."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch
from guard.models import mlp, relative_loss

import nanclean as nc
from nanclean.errors import NancleanWarning
from nanclean.torch import NanGuard

pytestmark = pytest.mark.e2e


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 300
    df = pd.DataFrame(
        {f"x{j}": rng.normal(0.0, 1.0, n) for j in range(4)},
        index=pd.Index([1000 + i for i in range(n)], name="order_id"),
    )
    df["y"] = rng.uniform(1.0, 5.0, n)
    df.loc[[1042, 1217], "y"] = 0.0  # finite, in the MSE domain: clean keeps them
    return df


def _epochs(result, guard, epochs=3):
    model = guard.model if guard else mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    losses = []
    for _ in range(epochs):
        for xb, yb, ids in result.dataloader(batch_size=32, seed=1, return_row_id=True):
            loss = relative_loss(model(xb), yb)
            losses.append(loss.item())
            if guard is not None:
                guard.check(loss, rows=ids)
            opt.zero_grad()
            loss.backward()
            if guard is None or guard.after_backward():
                opt.step()
        if guard is not None:
            guard.end_epoch()
    return losses


def test_skip_quarantine_clean_exclude_rows_round_trip(tmp_path):
    df = _frame()
    first = nc.clean(df, target="y")
    assert first.report.output["rows_dropped"] == 0

    path = tmp_path / "quarantine.json"
    with (
        pytest.warns(NancleanWarning, match="target is 0"),
        NanGuard(mlp(), dataset=first, on_nan="skip", quarantine=path) as guard,
    ):
        _epochs(first, guard)
    assert sorted(guard.quarantine.rows) == [1042, 1217]
    assert sorted(json.loads(path.read_text())["rows"]) == [1042, 1217]

    second = nc.clean(df, target="y", exclude_rows=path)  # the file, next run
    dropped = [a for a in second.report.actions if a.kind == nc.ActionKind.ROWS_DROPPED]
    assert [(a.column, a.rows, a.details["reason"]) for a in dropped] == [
        ("*", [1042, 1217], "quarantined")
    ]
    assert second.report.output["rows_dropped"] == 2
    assert list(second.frame.index) == [i for i in df.index if i not in (1042, 1217)]
    html = second.report.to_html()
    assert "dropped 2 rows (quarantined)" in html
    assert json.loads(second.report.to_json())["actions"][0]["rows"] == [1042, 1217]

    losses = _epochs(second, None)  # unguarded: nothing left to go NaN
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]


def test_cleaner_transform_accepts_the_quarantine_too():
    from nanclean.guard import Incident, Quarantine

    df = _frame()
    quarantine = Quarantine()
    quarantine.add([1217], Incident("loss", "loss", step=3, epoch=0, batch=3))
    cleaner = nc.Cleaner().fit(df, target="y")
    out = cleaner.transform(df, exclude_rows=quarantine)
    assert 1217 not in out.frame.index and len(out.frame) == len(df) - 1
    again = cleaner.transform(df, exclude_rows=quarantine.to_json())  # JSON text
    assert list(again.frame.index) == list(out.frame.index)


def test_exclude_rows_that_are_not_in_the_input_are_refused():
    with pytest.raises(nc.NancleanError, match=r"exclude_rows names 1 row\(s\).*5"):
        nc.clean(_frame(), target="y", exclude_rows=[1042, 5])
