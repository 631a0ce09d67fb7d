"""Shared fixtures: every behaviour is checked on every input kind.

``make_input`` is parametrized over the kinds nanclean accepts (see
``helpers.convert``): a test builds one reference polars frame and gets the
same data as the kind under test.
"""

from __future__ import annotations

import os

# scikit-learn's array-API estimator checks skip unless scipy sees this before it
# is first imported; set here so that no check is skipped (Makefile sets it too).
os.environ.setdefault("SCIPY_ARRAY_API", "1")

from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
from helpers import KINDS, Input, convert
from hypothesis import HealthCheck, settings

# --- hypothesis -----------------------------------------------------------------
# "dev" keeps `make test` fast; CI (env CI set) runs five times as many examples.
settings.register_profile(
    "dev",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(params=KINDS)
def input_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_input(input_kind: str) -> Callable[..., Input]:
    """Build the kind under test from a reference polars frame."""

    def make(ref: pl.DataFrame, *, index: Any = None) -> Input:
        return convert(ref, input_kind, index=index)

    return make
