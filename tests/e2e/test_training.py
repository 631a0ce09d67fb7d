"""Real training runs: both examples, raw data → non-finite loss, nanclean → finite.

Each example runs as the script a user would run, ``python examples/NAME.py
--short`` (5 epochs), here through ``runpy`` in the test process so that torch
and keras are imported once per session (with pytest's warnings-as-errors in
force); the loss table it prints is read back and checked.
"""

from __future__ import annotations

import math
import os
import re
import runpy
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ROW = re.compile(r"^\s*(\d+)\s+(\S+)\s+(\S+)\s*$")


@pytest.fixture
def script_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """What a script may change for the whole process, put back afterwards.

    Keras reads KERAS_BACKEND and KERAS_HOME once, when it is first imported.
    """
    if "keras" not in sys.modules:
        os.environ.setdefault("KERAS_BACKEND", "torch")
        os.environ.setdefault("KERAS_HOME", str(tmp_path_factory.mktemp("keras")))
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def run_example(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[list[float], list[float], str]:
    path = EXAMPLES / name
    monkeypatch.setattr(sys, "argv", [str(path), "--short"])
    monkeypatch.syspath_prepend(str(EXAMPLES))  # as `python examples/NAME.py` does
    with pytest.raises(SystemExit) as exit_:
        runpy.run_path(str(path), run_name="__main__")
    out = capsys.readouterr().out
    assert exit_.value.code == 0, out
    raw, cleaned = [], []
    for line in out.splitlines():
        match = ROW.match(line)
        if match:
            raw.append(float(match[2]))
            cleaned.append(float(match[3]))
    assert len(raw) == 5, out  # --short: 5 epochs
    return raw, cleaned, out


@pytest.mark.e2e
@pytest.mark.usefixtures("script_env")
@pytest.mark.parametrize("name", ["train_torch.py", "train_keras.py"])
def test_raw_goes_non_finite_and_nanclean_trains(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    raw, cleaned, out = run_example(name, monkeypatch, capsys)
    assert not all(math.isfinite(v) for v in raw), out
    assert "raw: the loss became nan at epoch 1" in out
    assert all(math.isfinite(v) for v in cleaned), out
    assert cleaned[-1] < cleaned[0], out
    assert "nanclean: finite at every epoch: True" in out
