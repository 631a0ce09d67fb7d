"""The public surface: every name in ``__all__`` exists; no heavy imports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import nanclean


def test_all_names_exist():
    for name in nanclean.__all__:
        assert hasattr(nanclean, name), name
        member = getattr(nanclean, name)
        assert member is not None, name


def test_all_is_sorted_and_unique():
    assert nanclean.__all__ == sorted(nanclean.__all__)
    assert len(set(nanclean.__all__)) == len(nanclean.__all__)


def test_every_public_name_has_one_home():
    """``__all__`` and the lazy loader's table list the same names, and each
    name is the object its home module defines."""
    import importlib

    assert sorted(nanclean._HOMES) == nanclean.__all__
    for name, home in nanclean._HOMES.items():
        assert getattr(nanclean, name) is getattr(importlib.import_module(home), name)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        nanclean.nope  # noqa: B018


def test_public_classes_belong_to_nanclean():
    for name in nanclean.__all__:
        module = getattr(getattr(nanclean, name), "__module__", "nanclean")
        assert module.startswith("nanclean"), (name, module)


def test_scan_api_is_exported():
    for name in ("scan", "AuditReport", "CleanConfig", "Finding", "FindingKind"):
        assert name in nanclean.__all__
    assert {"NancleanError", "NancleanWarning", "Severity", "ColumnStats"} <= set(
        nanclean.__all__
    )


def test_finding_kinds_are_stable_snake_case():
    for kind in nanclean.FindingKind:
        assert kind.value == kind.name.lower()
        assert kind.value.replace("_", "").isalnum()
    assert nanclean.FindingKind("pos_inf") is nanclean.FindingKind.POS_INF
    assert [s.value for s in nanclean.Severity] == ["error", "warning", "info"]


@pytest.mark.parametrize(
    "statement",
    [
        "pass",
        "import nanclean.handoff, nanclean.demo",
        "nanclean.scan(pl.DataFrame({'a': [1.0, float('inf')]}))",
    ],
    ids=["import", "import-handoff-and-demo", "scan"],
)
def test_training_frameworks_and_sklearn_are_not_imported(statement: str) -> None:
    code = (
        f"import json, sys, polars as pl, nanclean; {statement}; "
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('torch', 'keras', 'tensorflow', 'jax', 'sklearn'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []
