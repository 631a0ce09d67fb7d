"""The malformed-input catalogue, run case by case (issue 11).

Families: inputs (column names, containers and dtypes, lazy queries that fail,
files), arguments (target, loss, config, ratios, label_map, fill values),
Cleaner.transform on data that does not match the fit, NanCleaner, config
dicts and files, plan mutations, plan text and files, and the command line.
Each case asserts the error class and that the message names the culprit, or
the correct result, and that the input was not mutated (``catalogue.run``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from . import (
    test_malformed_arguments,
    test_malformed_cli,
    test_malformed_config,
    test_malformed_inputs,
    test_malformed_plans,
)
from .catalogue import Case, run

FAMILIES = {
    "inputs": test_malformed_inputs.CASES,
    "arguments": test_malformed_arguments.CASES,
    "config": test_malformed_config.CASES,
    "plans": test_malformed_plans.CASES,
    "cli": test_malformed_cli.CASES,
}


def _all() -> list[Any]:
    params = []
    for family, lists in FAMILIES.items():
        for name, cases in lists.items():
            params += [
                pytest.param(p.values[0], id=f"{family}/{name}/{p.id}") for p in cases
            ]
    return params


ALL = _all()


@pytest.mark.parametrize("c", ALL)
def test_case(c: Case, tmp_path: Path) -> None:
    run(c, tmp_path)


def test_the_catalogue_has_250_distinct_cases_in_every_family() -> None:
    ids = [p.id for p in ALL]
    assert len(ids) == len(set(ids)) >= 250
    cases = [p.values[0] for p in ALL]
    assert len({id(c) for c in cases}) == len(cases)
    for family, lists in FAMILIES.items():
        assert all(lists.values()), family
