"""The example schemas in schemas/: plain pandera loads them and checks cleaned data."""

from __future__ import annotations

from pathlib import Path

import pandera.errors
import pandera.polars as pa
import polars as pl
import pytest
import yaml

import nanclean as nc
import nanclean.schema  # registers nanclean_finite / nanclean_in_range

ROOT = Path(__file__).resolve().parents[1]
CASES = [("ecommerce", "ecommerce.csv"), ("sensors", "sensors.parquet")]


@pytest.mark.parametrize(("name", "data"), CASES)
def test_plain_pandera_validates_cleaned_sample_data(name: str, data: str) -> None:
    schema = pa.DataFrameSchema.from_yaml(ROOT / "schemas" / f"{name}.yaml")
    checks = {c.name for col in schema.columns.values() for c in col.checks}
    assert {"nanclean_finite", "nanclean_in_range"} <= checks  # none dropped
    cleaned = nc.clean(
        ROOT / "sample_data" / data, config=ROOT / "sample_data" / f"{name}.toml"
    ).data
    schema.validate(cleaned, lazy=True)
    feature = next(iter(schema.columns))
    broken = cleaned.with_columns(
        pl.when(pl.int_range(pl.len()) == 3)
        .then(float("inf"))
        .otherwise(pl.col(feature))
        .cast(pl.Float32)
        .alias(feature)
    )
    with pytest.raises(pandera.errors.SchemaErrors) as info:
        schema.validate(broken, lazy=True)
    cases = info.value.failure_cases
    assert cases.filter(pl.col("check") == "nanclean_finite")["index"].to_list() == [3]


@pytest.mark.parametrize(("name", "data"), CASES)
def test_example_schemas_match_what_nanclean_schema_writes(
    name: str, data: str
) -> None:
    """Same columns, dtypes and checks (the fitted bounds may move with the engine)."""
    stored = yaml.safe_load((ROOT / "schemas" / f"{name}.yaml").read_text())
    cleaner = nc.Cleaner(ROOT / "sample_data" / f"{name}.toml").fit(
        ROOT / "sample_data" / data
    )
    fresh = yaml.safe_load(cleaner.schema.to_yaml())

    def shape(doc: dict) -> dict:
        return {
            col: (spec["dtype"], [c["options"]["check_name"] for c in spec["checks"]])
            for col, spec in doc["columns"].items()
        }

    assert shape(stored) == shape(fresh), (
        f"schemas/{name}.yaml is stale: regenerate it with `nanclean schema "
        f"sample_data/{data} -o schemas/{name}.yaml --config sample_data/{name}.toml`"
    )
