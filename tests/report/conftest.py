"""Fixtures of the report tests: the sample data, scanned and cleaned once."""

from __future__ import annotations

from pathlib import Path

import pytest

import nanclean as nc

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"


@pytest.fixture(scope="session")
def ecommerce_clean() -> nc.CleanResult:
    return nc.clean(SAMPLE / "ecommerce.csv", config=SAMPLE / "ecommerce.toml")


@pytest.fixture(scope="session")
def ecommerce_scan() -> nc.AuditReport:
    return nc.scan(SAMPLE / "ecommerce.csv", config=SAMPLE / "ecommerce.toml")


@pytest.fixture(scope="session")
def sensors_clean() -> nc.CleanResult:
    return nc.clean(SAMPLE / "sensors.parquet", config=SAMPLE / "sensors.toml")
