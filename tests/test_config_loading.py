"""CleanConfig: defaults, dict / TOML / YAML loading, validation with suggestions."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import nanclean as nc
from nanclean.errors import ConfigError, NancleanWarning, UnmatchedColumnWarning


def test_every_field_has_a_default() -> None:
    cfg = nc.CleanConfig()
    assert cfg.impute == "median" and cfg.scale == "standard" and cfg.dtype == "float32"
    assert cfg.policy("anything").outliers == "tail"
    assert cfg.max_row_loss == 0.01


def test_toml_and_yaml_give_the_same_config(tmp_path) -> None:  # type: ignore[no-untyped-def]
    toml = tmp_path / "c.toml"
    toml.write_text(
        'impute = "mean"\nratios = { per = ["a", "b"] }\n[columns."x*"]\nscale = "none"\n'
    )
    yaml = tmp_path / "c.yaml"
    yaml.write_text(
        "impute: mean\nratios:\n  per: [a, b]\ncolumns:\n  x*:\n    scale: none\n"
    )
    a, b = nc.CleanConfig.from_file(toml), nc.CleanConfig.from_file(yaml)
    assert (
        a == b and a.policy("x1").scale == "none" and a.policy("y").scale == "standard"
    )


def test_pyproject_tool_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n[tool.nanclean]\ndtype = "float16"\n')
    assert nc.CleanConfig.from_file(path).dtype == "float16"


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"imput": "mean"}, r"Unknown config key 'imput'. Did you mean 'impute'\?"),
        ({"impute": "avg"}, r"'impute' must be one of 'median', 'mean'.*got 'avg'"),
        (
            {"outlier_threshold": "ten"},
            r"'outlier_threshold' must be int or float or null; got 'ten'",
        ),
        ({"missing_indicators": "yes"}, r"'missing_indicators' must be bool"),
        (
            {"columns": {"a": {"scael": "none"}}},
            r"Unknown per-column key 'scael'.*Did you mean 'scale'",
        ),
        ({"columns": {"a": {"scale": "zscore"}}}, r"'columns.a.scale' must be one of"),
        ({"ratios": {"r": ["a"]}}, r"'ratios.r' must be \[numerator, denominator\]"),
        ({"outliers": "quantile", "outlier_threshold": 0.7}, r"tail probability q"),
        ({"sample_size": 10}, r"'sample_size' must be >= 1000"),
    ],
)
def test_invalid_configs_name_the_key_and_the_fix(data: dict, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        nc.CleanConfig.from_dict(data)


def test_unreadable_config_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=r"does not exist"):
        nc.CleanConfig.from_file(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("impute = \n")
    with pytest.raises(ConfigError, match=r"Could not parse config file"):
        nc.CleanConfig.from_file(bad)
    other = tmp_path / "c.ini"
    other.write_text("x")
    with pytest.raises(ConfigError, match=r"must end in .toml, .yaml or .yml"):
        nc.CleanConfig.from_file(other)


def test_config_accepted_as_dict_path_or_object(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import polars as pl

    df = pl.DataFrame({"a": [1.0, None, 5.0, 6.0]})
    path = tmp_path / "c.yaml"
    path.write_text("impute: constant\nfill_value: 9\nscale: none\noutliers: none\n")
    for config in (
        str(path),
        path,
        {"impute": "constant", "fill_value": 9, "scale": "none", "outliers": "none"},
        nc.CleanConfig(impute="constant", fill_value=9, scale="none", outliers="none"),
    ):
        assert nc.clean(df, config=config).data["a"][1] == 9.0
    with pytest.raises(ConfigError, match="config must be a CleanConfig"):
        nc.clean(df, config=42)


# --- per-column overrides that match nothing ----------------------------------------


def test_a_glob_that_matches_no_column_warns(tmp_path: Path) -> None:
    df = pl.DataFrame({"price_eur": [1.0, 2.0, 3.0, 4.0], "qty": [1.0, 2.0, 3.0, 9.0]})
    path = tmp_path / "nanclean.toml"
    path.write_text(
        '[columns."prices*"]\nscale = "none"\n[columns."price*"]\nscale = "none"\n'
    )
    with pytest.warns(
        UnmatchedColumnWarning, match=r"columns\.prices\*.*matches no col"
    ) as got:
        result = nc.clean(df, config=path)
    assert len(got) == 1  # 'price*' matches price_eur: no warning for it
    assert issubclass(UnmatchedColumnWarning, NancleanWarning)
    assert "Did you mean 'price_eur'?" in str(got[0].message)
    assert result.plan.column("price_eur").scale == "none"
    with pytest.warns(
        UnmatchedColumnWarning, match=r"'columns\.x\?'.*'price_eur', 'qty'"
    ):
        nc.scan(df, config={"columns": {"x?": {"outliers": "none"}}})


def test_a_glob_that_matches_a_derived_ratio_does_not_warn() -> None:
    df = pl.DataFrame({"gmv": [10.0, 20.0, 30.0], "orders": [1.0, 2.0, 3.0]})
    config = {
        "ratios": {"gmv_per_order": ["gmv", "orders"]},
        "columns": {"*_per_*": {"scale": "none"}},
    }
    result = nc.clean(df, config=config)  # filterwarnings=error: any warning fails
    assert result.plan.column("gmv_per_order").scale == "none"
