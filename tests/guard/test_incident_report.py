"""A training incident shown in the audit report: JSON (schema-valid) and HTML."""

from __future__ import annotations

import json
from importlib.resources import files

import jsonschema
import numpy as np
import pandas as pd
import pytest
import torch

import nanclean as nc
from guard.models import mlp, relative_loss
from nanclean.errors import NancleanWarning
from nanclean.torch import NanGuard, NonFiniteLossError


def _hostile_frame() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 40
    index = [f"r{i}" for i in range(n)]
    index[7] = "<script>alert(1)</script>"
    df = pd.DataFrame({"x": rng.normal(size=n), "y": rng.uniform(1, 2, n)}, index=index)
    df.iloc[7, 1] = 0.0
    return df


def _incident_error(result: nc.CleanResult) -> NonFiniteLossError:
    model = mlp(n_in=1)
    xb, yb, ids = result.to_torch(return_row_id=True)[torch.arange(40)]
    with pytest.raises(NonFiniteLossError) as err, NanGuard(model, dataset=result) as g:
        g.check(relative_loss(model(xb), yb), rows=ids)
    return err.value


def test_an_incident_appears_in_the_json_report_and_validates():
    result = nc.clean(_hostile_frame(), target="y")
    assert "incidents" not in json.loads(result.report.to_json())  # none: unchanged
    result.report.add_incident(_incident_error(result))
    data = json.loads(result.report.to_json())
    schema = json.loads((files("nanclean.report") / "audit.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(data)
    (incident,) = data["incidents"]
    assert incident["rows"] == ["<script>alert(1)</script>"]
    assert (incident["kind"], incident["step"]) == ("loss", 0)


def test_an_incident_from_the_guard_file_is_shown_escaped_in_html(tmp_path):
    result = nc.clean(_hostile_frame(), target="y")
    model = mlp(n_in=1)
    xb, yb, ids = result.to_torch(return_row_id=True)[torch.arange(40)]
    path = tmp_path / "incidents.json"
    with (
        pytest.warns(NancleanWarning),
        NanGuard(model, dataset=result, on_nan="warn", incident_path=path) as g,
    ):
        g.check(relative_loss(model(xb), yb), rows=ids)
    html = result.report.add_incident(path).to_html()
    assert 'id="incidents"' in html and "Training incidents" in html
    assert "<b>step 0</b> (epoch 0, batch 0): non-finite loss" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "target is 0" in html
