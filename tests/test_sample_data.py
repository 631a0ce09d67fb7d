"""scan finds exactly the ground truth planted in sample_data/ (see its README).

The expected findings below are written out by hand from the planted cells
in sample_data/make_sample_data.py; ``test_*_planted_cells`` re-derives the
planted rows from the generator, so the table, the files and the generator
cannot drift apart silently.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import polars as pl
import polars.testing
import pytest

import nanclean as nc

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
ECOMMERCE = SAMPLE / "ecommerce.csv"
SENSORS = SAMPLE / "sensors.parquet"
SENSORS_CONFIG = {"log_inputs": ["lux"]}

E_ROWS = 5000
S_ROWS = 3000
ALL_SENSOR_ROWS = tuple(range(S_ROWS))

# (kind, column, sorted row labels, severity) of every finding
ECOMMERCE_TRUTH = {
    # D5: gmv[4242] = 1.5e9, about 10^7 times the typical order value
    ("outlier", "gmv", (4242,), "error"),
    ("fp16_overflow", "gmv", (4242,), "warning"),
    # D2: orders == 0 in rows 17, 503, 2920, so gmv / orders is +inf there
    ("pos_inf", "gmv_per_order", (17, 503, 2920), "error"),
    ("suspected_denominator", "gmv_per_order", (17, 503, 2920), "error"),
    # ... and the gmv outlier carries over into the ratio
    ("outlier", "gmv_per_order", (4242,), "error"),
    ("fp16_overflow", "gmv_per_order", (4242,), "warning"),
    # D1: three missing discounts
    ("null", "discount_rate", (88, 1234, 3001), "error"),
    # D11: numbers as strings; "N/A" in rows 64 and 2048 and "free" in 4000
    ("coerced", "shipping_cost", (), "info"),
    ("unparseable", "shipping_cost", (4000,), "warning"),
    ("null", "shipping_cost", (64, 2048, 4000), "error"),
    # D8: a stray 2 in a BCE label
    ("label_out_of_domain", "churned", (777,), "error"),
}

SENSORS_TRUTH = {
    # D9: pressure in pascals (~101325) is beyond float16's 65504 everywhere
    ("fp16_overflow", "pressure_pa", ALL_SENSOR_ROWS, "warning"),
    # D7: a constant supply voltage
    ("constant", "supply_voltage", (), "warning"),
    # D1: NaN in rows 5 and 1500, a null in row 2999, kept apart by parquet
    ("nan", "humidity_pct", (5, 1500), "error"),
    ("null", "humidity_pct", (2999,), "error"),
    # D9: strain ~5e-6 is below float16's smallest normal number everywhere
    ("fp16_underflow", "strain", ALL_SENSOR_ROWS, "info"),
    # D4: zeros in a column declared as a log input
    ("log_domain", "lux", (10, 999, 2500), "error"),
    # D8: negative targets for a Poisson loss
    ("label_out_of_domain", "rul_hours", (42, 1042), "error"),
    # not numeric: reported, left out of the scan
    ("non_numeric", "timestamp", (), "info"),
    ("non_numeric", "sensor_id", (), "info"),
}


def truth(report: nc.AuditReport) -> set[tuple[str, str, tuple[int, ...], str]]:
    return {
        (f.kind.value, f.column, tuple(sorted(f.rows)), f.severity.value)
        for f in report.findings
    }


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_sample_data", SAMPLE / "make_sample_data.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ecommerce_ground_truth():
    report = nc.scan(ECOMMERCE, target="churned", loss="bce")
    assert truth(report) == ECOMMERCE_TRUTH
    assert len(report.findings) == len(ECOMMERCE_TRUTH)  # no duplicates
    assert report.input["n_rows"] == E_ROWS
    den = next(iter(report.filter(kind="suspected_denominator")))
    assert den.details["denominator"] == "orders"
    assert "in exactly those rows" in den.message
    assert report.filter(kind="coerced")[0].details["missing_tokens"] == 2


def test_sensors_ground_truth():
    report = nc.scan(SENSORS, target="rul_hours", loss="poisson", config=SENSORS_CONFIG)
    assert truth(report) == SENSORS_TRUTH
    assert len(report.findings) == len(SENSORS_TRUTH)
    assert report.input["n_rows"] == S_ROWS


def test_sample_files_are_small():
    for path in (ECOMMERCE, SENSORS):
        assert path.stat().st_size < 1_000_000


def test_ecommerce_planted_cells(generator):
    df = generator.ecommerce()
    assert np.flatnonzero(df["orders"].to_numpy() == 0).tolist() == [17, 503, 2920]
    assert np.flatnonzero(df["gmv"].to_numpy() > 1e6).tolist() == [4242]
    assert df["discount_rate"].is_null().arg_true().to_list() == [88, 1234, 3001]
    assert np.flatnonzero(df["churned"].to_numpy() > 1).tolist() == [777]
    shipping = df["shipping_cost"]
    assert shipping.is_in(["N/A"]).arg_true().to_list() == [64, 2048]
    assert shipping.is_in(["free"]).arg_true().to_list() == [4000]


def test_sensors_planted_cells(generator):
    df = generator.sensors()
    assert df["humidity_pct"].is_nan().arg_true().to_list() == [5, 1500]
    assert df["humidity_pct"].is_null().arg_true().to_list() == [2999]
    assert (df["lux"] <= 0).arg_true().to_list() == [10, 999, 2500]
    assert (df["rul_hours"] < 0).arg_true().to_list() == [42, 1042]
    assert df["supply_voltage"].n_unique() == 1
    assert df["pressure_pa"].min() > 65504
    assert df["strain"].abs().max() < 6.103515625e-05


def test_files_match_the_generator(generator):
    """The committed files are what `python sample_data/make_sample_data.py` writes."""
    polars.testing.assert_frame_equal(pl.read_parquet(SENSORS), generator.sensors())
    csv = pl.read_csv(ECOMMERCE, infer_schema_length=None)
    expected = generator.ecommerce()
    assert csv.columns == expected.columns
    polars.testing.assert_frame_equal(
        csv, expected, check_dtypes=False, check_exact=False
    )


def test_ecommerce_declared_ratio_replaces_the_suspicion():
    config = {"ratios": {"gmv_per_order": ["gmv", "orders"]}}
    report = nc.scan(ECOMMERCE, target="churned", loss="bce", config=config)
    expected = {t for t in ECOMMERCE_TRUTH if t[0] != "suspected_denominator"} | {
        ("zero_denominator", "gmv_per_order", (17, 503, 2920), "error")
    }
    assert truth(report) == expected


def test_sensors_without_config_and_in_float16():
    plain = nc.scan(SENSORS, target="rul_hours", loss="poisson")
    assert truth(plain) == {t for t in SENSORS_TRUTH if t[0] != "log_domain"}
    config = {**SENSORS_CONFIG, "dtype": "float16"}
    f16 = nc.scan(SENSORS, target="rul_hours", loss="poisson", config=config)
    severities = {(f.kind.value, f.column): f.severity.value for f in f16.findings}
    assert severities[("fp16_overflow", "pressure_pa")] == "error"
    assert severities[("fp16_underflow", "strain")] == "warning"
