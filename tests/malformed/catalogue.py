"""The malformed-input catalogue: one case = one input, one call, one expectation.

Every case builds its input fresh, fingerprints it, runs the call, and asserts
either the error (its class, a NancleanError unless scikit-learn's own, and a
message that names the offending column, key or file) or the correct result;
then that the input is exactly as it was (nanclean never mutates an input).
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import polars.testing
import pyarrow as pa
import pytest

from nanclean.errors import NancleanError


@dataclass(frozen=True)
class Case:
    """One malformed input and what nanclean must do with it.

    Attributes
    ----------
    make : callable(tmp_path) -> input
        Builds the input (a frame, a dict, a path, ...) afresh.
    call : callable(input) -> result
        What the user does with it.
    error : exception class, or None
        The expected error; None means the call must succeed and ``check`` it.
    names : tuple of str
        Substrings the message must contain: the column, key or file at fault.
    check : callable(input, result), optional
        Asserts the correct result.
    foreign : bool
        The error is scikit-learn's own (not a NancleanError), on purpose.
    keeps_cause : bool
        The error wraps the original exception as ``__cause__``.
    """

    make: Callable[[Path], Any]
    call: Callable[[Any], Any]
    error: type[BaseException] | None
    names: tuple[str, ...] = ()
    check: Callable[[Any, Any], None] | None = None
    foreign: bool = False
    keeps_cause: bool = False


def case(
    id: str,
    make: Callable[[Path], Any],
    call: Callable[[Any], Any],
    error: type[BaseException] | None = None,
    *names: str,
    check: Callable[[Any, Any], None] | None = None,
    foreign: bool = False,
    keeps_cause: bool = False,
) -> Any:
    """A ``pytest.param`` holding one :class:`Case`."""
    return pytest.param(
        Case(make, call, error, names, check, foreign, keeps_cause), id=id
    )


def run(c: Case, tmp_path: Path) -> Any:
    """Run one case; return the error raised (or None)."""
    data = c.make(tmp_path)
    before = snapshot(data)
    raised: BaseException | None = None
    if c.error is None:
        result = c.call(data)
        if c.check is not None:
            c.check(data, result)
    else:
        with pytest.raises(c.error) as info:
            c.call(data)
        raised = info.value
        if not c.foreign:
            assert isinstance(raised, NancleanError), type(raised).__mro__
        message = str(raised)
        for name in c.names:
            assert name in message, f"{name!r} not named in: {message}"
        if c.keeps_cause:
            assert raised.__cause__ is not None, "the original error was dropped"
    assert_unchanged(before, data)
    return raised


# --- the input is never mutated -------------------------------------------------------


def snapshot(data: Any) -> Any:
    """A copy (or fingerprint) of ``data`` to compare with after the call."""
    if isinstance(data, pd.DataFrame | pd.Series):
        return data.copy(deep=True)
    if isinstance(data, pl.DataFrame):
        return data.clone()
    if isinstance(data, pl.LazyFrame):
        return repr(data)  # immutable; its plan must not change
    if isinstance(data, np.ndarray):
        return data.copy()
    if isinstance(data, pa.Table | pa.Array):
        return data  # immutable; compared with .equals
    if isinstance(data, Path):
        return _file_digest(data)
    if isinstance(data, tuple) and data and isinstance(data[0], Path):
        return tuple(_file_digest(p) for p in data)
    return copy.deepcopy(data), repr(data)


def assert_unchanged(before: Any, data: Any) -> None:
    if isinstance(data, pd.DataFrame):
        pd.testing.assert_frame_equal(data, before, check_exact=True)
    elif isinstance(data, pd.Series):
        pd.testing.assert_series_equal(data, before, check_exact=True)
    elif isinstance(data, pl.DataFrame):
        objects = [c for c, t in data.schema.items() if t == pl.Object]
        for c in objects:  # polars cannot compare Object columns itself
            assert data[c].to_list() == before[c].to_list()
        polars.testing.assert_frame_equal(
            data.drop(objects), before.drop(objects), check_exact=True
        )
    elif isinstance(data, pl.LazyFrame):
        assert repr(data) == before
    elif isinstance(data, np.ndarray):
        assert data.dtype == before.dtype and data.shape == before.shape
        if data.dtype.kind in "fc":
            assert np.array_equal(data, before, equal_nan=True)
        else:
            assert (data == before).all() if data.size else True
    elif isinstance(data, pa.Table | pa.Array):
        assert data.equals(before)
    elif isinstance(data, Path):
        assert _file_digest(data) == before, f"{data} changed"
    elif isinstance(data, tuple) and data and isinstance(data[0], Path):
        assert tuple(_file_digest(p) for p in data) == before
    else:
        assert repr(data) == before[1]


def _file_digest(path: Path) -> str:
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    return "dir" if path.is_dir() else "absent"


# --- small inputs shared by the case lists --------------------------------------------


def write(tmp: Path, name: str, content: bytes | str) -> Path:
    """Write ``content`` to ``tmp / name`` (text as UTF-8); return the path."""
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def a_file(name: str, content: bytes | str) -> Callable[[Path], Path]:
    """A case's ``make``: the file ``name`` holding ``content``."""
    return lambda tmp: write(tmp, name, content)


GOOD = {
    "a": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    "b": [2.0, 1.0, 4.0, 3.0, 6.0, 5.0],
    "y": [0.0, 1.0, 0.0, 1.0, 0.0, 1.0],
}


def good_polars(_: Path | None = None) -> pl.DataFrame:
    return pl.DataFrame(GOOD)


def good_pandas(_: Path | None = None) -> pd.DataFrame:
    return pd.DataFrame(GOOD)
