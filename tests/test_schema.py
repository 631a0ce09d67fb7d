"""The Pandera contract: generated from the Plan, YAML round trip, input schemas."""

from __future__ import annotations

import numpy as np
import pandera.polars as pa
import polars as pl
import pytest

import nanclean as nc
from nanclean.errors import ContractError
from nanclean.findings import FindingKind
from nanclean.schema import validate


@pytest.fixture
def cleaner() -> nc.Cleaner:
    df = pl.read_csv("sample_data/ecommerce.csv", infer_schema_length=None)
    return nc.Cleaner().fit(df, target="churned", loss="bce")


def test_schema_checks_dtype_nulls_finiteness_and_bounds(cleaner: nc.Cleaner) -> None:
    schema = cleaner.schema
    assert set(schema.columns) == set(cleaner.plan.output_columns)
    gmv = schema.columns["gmv"]
    assert gmv.nullable is False
    assert [c.name for c in gmv.checks] == ["nanclean_finite", "nanclean_in_range"]
    bad = cleaner.transform(
        pl.read_csv("sample_data/ecommerce.csv", infer_schema_length=None)
    ).data
    bad = bad.with_columns(
        pl.when(pl.int_range(pl.len()) == 3)
        .then(np.inf)
        .otherwise(pl.col("gmv"))
        .cast(pl.Float32)
        .alias("gmv")
    )
    with pytest.raises(
        ContractError,
        match=r"gmv: nanclean_finite failed on inf \(row 3\).*bug in nanclean|bug in nanclean[\s\S]*gmv: nanclean_finite failed on inf \(row 3\)",
    ):
        validate(bad, schema, np.arange(bad.height))


def test_schema_round_trips_through_yaml_and_keeps_its_checks(
    cleaner: nc.Cleaner, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    path = nc.save_schema(cleaner.schema, tmp_path / "ecommerce.yaml")
    loaded = nc.load_schema(path)
    assert loaded.to_yaml() == cleaner.schema.to_yaml()
    assert "nanclean_in_range" in path.read_text()
    out = cleaner.transform(
        pl.read_csv("sample_data/ecommerce.csv", infer_schema_length=None)
    ).data
    loaded.validate(out)  # plain pandera validates nanclean's output
    with pytest.raises(pa.errors.SchemaError):
        loaded.validate(out.with_columns(pl.lit(float("nan"), pl.Float32).alias("gmv")))


def test_load_schema_missing_file_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(nc.NancleanError, match=r"does not exist"):
        nc.load_schema(tmp_path / "nope.yaml")


def test_users_input_schema_failures_become_findings_with_rows() -> None:
    df = pl.DataFrame({"age": [30.0, -4.0, 51.0, 200.0], "y": [0.0, 1.0, 0.0, 1.0]})
    schema = pa.DataFrameSchema(
        {"age": pa.Column(pl.Float64, pa.Check.in_range(0, 120))}
    )
    result = nc.clean(df, target="y", loss="bce", schema=schema)
    (violation,) = result.report.filter(kind=FindingKind.SCHEMA_VIOLATION)
    assert violation.column == "age" and violation.rows == [1, 3]
    assert "in_range" in violation.message and "Fix" in violation.message


def test_input_schema_must_be_a_polars_pandera_schema() -> None:
    with pytest.raises(nc.NancleanError, match=r"pandera.polars DataFrameSchema"):
        nc.clean(pl.DataFrame({"a": [1.0]}), schema="not a schema")  # type: ignore[arg-type]
