"""Catalogue, configs: dicts and TOML / YAML files a user writes by hand.

Every numeric field refuses NaN and ±inf, every choice names the closest valid
one, every file error names the file. See ``catalogue.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nanclean as nc
from nanclean.config import CHOICES
from nanclean.errors import ConfigError

from .catalogue import a_file, case, good_polars

NAN, INF = float("nan"), float("inf")


def config(data: Any) -> Any:
    return nc.CleanConfig.from_dict(data)


def cleaned_with(data: Any) -> Any:
    return nc.clean(good_polars(), config=data)


def _dict(d: dict[str, Any]) -> Any:
    return lambda _: d


DICT_CASES = []
# non-finite numbers, top level and per column
for key in ("fill_value", "outlier_threshold"):
    for bad in (NAN, INF, -INF):
        DICT_CASES += [
            case(f"{key}-{bad}", _dict({key: bad}), config, ConfigError, key, "finite"),
            case(
                f"{key}-{bad}-per-column",
                _dict({"columns": {"a": {key: bad}}}),
                cleaned_with,
                ConfigError,
                f"columns.a.{key}",
            ),
        ]
for bad in (0, -1.0, -INF):
    DICT_CASES.append(
        case(
            f"threshold-{bad}",
            _dict({"outlier_threshold": bad}),
            config,
            ConfigError,
            "outlier_threshold",
        )
    )
DICT_CASES += [
    case(
        "quantile-threshold-0.7",
        _dict({"outliers": "quantile", "outlier_threshold": 0.7}),
        config,
        ConfigError,
        "outlier_threshold",
        "(0, 0.5)",
    ),
    case(
        "quantile-threshold-per-column",
        _dict({"columns": {"a": {"outliers": "quantile", "outlier_threshold": 3.0}}}),
        config,
        ConfigError,
        "columns.a.outlier_threshold",
    ),
    case(
        "quantile-inherited-threshold-per-column",
        _dict({"outlier_threshold": 3.0, "columns": {"a*": {"outliers": "quantile"}}}),
        config,
        ConfigError,
        "columns.a*.outlier_threshold",
    ),
]
# every choice, misspelled: the key is named and the closest choice suggested
for key, choices in CHOICES.items():
    typo = choices[0][:-1] + "x"
    DICT_CASES.append(
        case(
            f"choice-{key}-typo",
            _dict({key: typo}),
            config,
            ConfigError,
            f"'{key}'",
            repr(choices[0]),
        )
    )
    DICT_CASES.append(
        case(f"choice-{key}-number", _dict({key: 3}), config, ConfigError, f"'{key}'")
    )
for key in ("impute", "inf", "outliers", "outlier_action", "scale", "constant"):
    DICT_CASES.append(
        case(
            f"choice-{key}-per-column",
            _dict({"columns": {"a": {key: "nope"}}}),
            config,
            ConfigError,
            f"columns.a.{key}",
        )
    )
# wrong types
for key, bad in [
    ("missing_indicators", "yes"),
    ("missing_indicators", 1),
    ("clip_indicators", "true"),
    ("clip_indicators", None),
    ("fill_value", "0"),
    ("fill_value", True),
    ("fill_value", None),
    ("outlier_threshold", "10"),
    ("target", 5),
    ("target", ["y"]),
    ("n_classes", 2.5),
    ("n_classes", True),
    ("n_classes", "3"),
    ("sample_size", 1e5),
    ("sample_size", "big"),
    ("label_map", [1, 0]),
    ("ratios", [["a", "b"]]),
    ("columns", ["a"]),
    ("log_inputs", "a"),
    ("sqrt_inputs", 5),
    ("reciprocal_inputs", {"a": 1}),
]:
    DICT_CASES.append(
        case(
            f"type-{key}-{type(bad).__name__}-{bad!r}",
            _dict({key: bad}),
            config,
            ConfigError,
            f"'{key}'",
        )
    )
for key in ("log_inputs", "sqrt_inputs", "reciprocal_inputs"):
    for bad in ([["a"]], ["a", 1], [None], [["a", ["b"]]]):
        DICT_CASES.append(
            case(
                f"list-{key}-{bad!r}",
                _dict({key: bad}),
                config,
                ConfigError,
                f"'{key}'",
                "strings",
            )
        )
DICT_CASES += [
    case(
        "n-classes-1",
        _dict({"n_classes": 1}),
        config,
        ConfigError,
        "'n_classes'",
        ">= 2",
    ),
    case(
        "sample-size-10",
        _dict({"sample_size": 10}),
        config,
        ConfigError,
        "'sample_size'",
    ),
    case(
        "label-map-nan-value",
        _dict({"label_map": {1: NAN}}),
        config,
        ConfigError,
        "label_map.1",
        "finite",
    ),
    case(
        "label-map-inf-value",
        _dict({"label_map": {1: INF}}),
        config,
        ConfigError,
        "label_map.1",
    ),
    case(
        "label-map-text-value",
        _dict({"label_map": {1: "one"}}),
        config,
        ConfigError,
        "label_map.1",
    ),
    case(
        "label-map-none-value",
        _dict({"label_map": {1: None}}),
        config,
        ConfigError,
        "label_map.1",
    ),
    case(
        "label-map-list-value",
        _dict({"label_map": {1: [0]}}),
        config,
        ConfigError,
        "label_map.1",
    ),
    case(
        "label-map-bool-value",
        _dict({"label_map": {1: True}}),
        config,
        ConfigError,
        "label_map.1",
    ),
    case(
        "label-map-nan-key",
        _dict({"label_map": {NAN: 1}}),
        config,
        ConfigError,
        "label_map",
        "nan",
    ),
    case(
        "label-map-none-key",
        _dict({"label_map": {None: 1}}),
        config,
        ConfigError,
        "label_map",
        "None",
    ),
    case(
        "ratio-not-a-pair",
        _dict({"ratios": {"r": ["a"]}}),
        config,
        ConfigError,
        "ratios.r",
    ),
    case(
        "ratio-three-columns",
        _dict({"ratios": {"r": ["a", "b", "c"]}}),
        config,
        ConfigError,
        "ratios.r",
    ),
    case(
        "ratio-numbers",
        _dict({"ratios": {"r": [1, 2]}}),
        config,
        ConfigError,
        "ratios.r",
    ),
    case(
        "ratio-string", _dict({"ratios": {"r": "a/b"}}), config, ConfigError, "ratios.r"
    ),
    case(
        "ratio-key-not-str",
        _dict({"ratios": {1: ["a", "b"]}}),
        config,
        ConfigError,
        "'ratios'",
        "1",
    ),
    case(
        "columns-key-not-str",
        _dict({"columns": {1: {"scale": "none"}}}),
        config,
        ConfigError,
        "'columns'",
    ),
    case(
        "columns-override-not-dict",
        _dict({"columns": {"a": "none"}}),
        config,
        ConfigError,
        "columns.a",
    ),
    case(
        "columns-unknown-key",
        _dict({"columns": {"a": {"scael": "none"}}}),
        config,
        ConfigError,
        "'scael'",
        "'scale'",
    ),
    case(
        "columns-table-wide-key",
        _dict({"columns": {"a": {"dtype": "float16"}}}),
        config,
        ConfigError,
        "'dtype'",
        "columns.a",
    ),
    case(
        "columns-override-names-no-column",
        _dict({"columns": {"aa": {"scale": "none"}}}),
        cleaned_with,
        ConfigError,
        "columns.aa",
        "'a'",
    ),
    case(
        "unknown-key-outlier",
        _dict({"outlier": "iqr"}),
        config,
        ConfigError,
        "'outlier'",
        "'outliers'",
    ),
    case(
        "unknown-key-imput",
        _dict({"imput": "mean"}),
        config,
        ConfigError,
        "'imput'",
        "'impute'",
    ),
    case("unknown-key-int", _dict({5: "x"}), config, ConfigError, "5"),
    case("nanclean-5", _dict({"nanclean": 5}), config, ConfigError, "'nanclean'", "5"),
    case("nanclean-list", _dict({"nanclean": [1]}), config, ConfigError, "'nanclean'"),
    case(
        "nanclean-text", _dict({"nanclean": "iqr"}), config, ConfigError, "'nanclean'"
    ),
    case(
        "nanclean-nested-bad",
        _dict({"nanclean": {"scale": "x"}}),
        config,
        ConfigError,
        "'scale'",
    ),
    case(
        "not-a-mapping-list", lambda _: [("scale", "none")], config, ConfigError, "list"
    ),
    case("not-a-mapping-str", lambda _: "scale=none", config, ConfigError, "str"),
    case("not-a-mapping-int", lambda _: 7, config, ConfigError, "int"),
    case(
        "log-input-not-a-column",
        _dict({"log_inputs": ["zz"]}),
        cleaned_with,
        ConfigError,
        "'zz'",
        "log_inputs",
    ),
    case(
        "valid-per-column-glob",
        _dict({"columns": {"*": {"scale": "none"}}}),
        cleaned_with,
        None,
        check=lambda d, r: r.frame["a"].to_list() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    ),
]


DICT_CASES += [
    case(
        f"ratio-named-{label}",
        _dict({"ratios": {name: ["a", "b"]}}),
        config,
        ConfigError,
        f"ratios.{name}",
        "derived column",
    )
    for label, name in (
        ("a-its-input", "a"),
        ("b-its-input", "b"),
        ("empty", ""),
        ("nul", "\x00r"),
    )
]
DICT_CASES.append(
    case(
        "load-schema-int",
        lambda _: 123,
        nc.load_schema,
        ConfigError,
        "load_schema",
        "int",
    )
)


# --- files -------------------------------------------------------------------------------


def load(path: Path) -> Any:
    return nc.CleanConfig.from_file(path)


GARBAGE = bytes(range(128, 256)) * 4
DEEP_YAML = "a: " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_TOML = "a = " + "[" * 5000 + "]" * 5000 + "\n"

FILE_CASES = [
    case(
        "toml-binary",
        a_file("garbage.toml", GARBAGE),
        load,
        ConfigError,
        "garbage.toml",
        "UTF-8",
    ),
    case(
        "yaml-binary",
        a_file("garbage.yaml", GARBAGE),
        load,
        ConfigError,
        "garbage.yaml",
    ),
    case(
        "yml-binary",
        a_file("garbage.yml", b"\xff\xfe\x00\x01"),
        load,
        ConfigError,
        "garbage.yml",
    ),
    case(
        "toml-utf16",
        a_file("u16.toml", "scale = 'none'".encode("utf-16")),
        load,
        ConfigError,
        "u16.toml",
    ),
    case(
        "toml-nanclean-5",
        a_file("five.toml", "nanclean = 5\n"),
        load,
        ConfigError,
        "five.toml",
        "'nanclean'",
    ),
    case(
        "yaml-nanclean-5",
        a_file("five.yaml", "nanclean: 5\n"),
        load,
        ConfigError,
        "five.yaml",
        "'nanclean'",
    ),
    case(
        "yaml-nested-log-inputs",
        a_file("nested.yaml", "log_inputs:\n  - [a, b]\n"),
        load,
        ConfigError,
        "nested.yaml",
        "'log_inputs'",
    ),
    case(
        "toml-nested-log-inputs",
        a_file("nested.toml", 'log_inputs = [["a"]]\n'),
        load,
        ConfigError,
        "nested.toml",
        "'log_inputs'",
    ),
    case(
        "toml-nan-threshold",
        a_file("nan.toml", "outlier_threshold = nan\n"),
        load,
        ConfigError,
        "nan.toml",
        "outlier_threshold",
    ),
    case(
        "toml-inf-threshold",
        a_file("inf.toml", "outlier_threshold = inf\n"),
        load,
        ConfigError,
        "inf.toml",
        "outlier_threshold",
    ),
    case(
        "toml-neg-inf-fill",
        a_file("fill.toml", "fill_value = -inf\n"),
        load,
        ConfigError,
        "fill.toml",
        "fill_value",
    ),
    case(
        "yaml-nan-threshold",
        a_file("nan.yaml", "outlier_threshold: .nan\n"),
        load,
        ConfigError,
        "nan.yaml",
        "outlier_threshold",
    ),
    case(
        "yaml-inf-fill",
        a_file("inf.yaml", "fill_value: .inf\n"),
        load,
        ConfigError,
        "inf.yaml",
        "fill_value",
    ),
    case(
        "toml-per-column-nan",
        a_file("col.toml", "[columns.a]\noutlier_threshold = nan\n"),
        load,
        ConfigError,
        "col.toml",
        "columns.a.outlier_threshold",
    ),
    case(
        "toml-unknown-key",
        a_file("typo.toml", 'outlier = "iqr"\n'),
        load,
        ConfigError,
        "typo.toml",
        "'outliers'",
    ),
    case(
        "yaml-unknown-key",
        a_file("typo.yaml", "imput: mean\n"),
        load,
        ConfigError,
        "typo.yaml",
        "'impute'",
    ),
    case(
        "toml-syntax",
        a_file("broken.toml", "scale = \n"),
        load,
        ConfigError,
        "broken.toml",
    ),
    case(
        "yaml-syntax",
        a_file("broken.yaml", "scale: [none\n"),
        load,
        ConfigError,
        "broken.yaml",
    ),
    case(
        "yaml-top-list",
        a_file("list.yaml", "- scale\n- none\n"),
        load,
        ConfigError,
        "list.yaml",
        "mapping",
    ),
    case(
        "yaml-top-scalar",
        a_file("scalar.yaml", "42\n"),
        load,
        ConfigError,
        "scalar.yaml",
    ),
    case(
        "yaml-python-tag",
        a_file("tag.yaml", "scale: !!python/object/apply:os.system ['echo hi']\n"),
        load,
        ConfigError,
        "tag.yaml",
    ),
    case("yaml-deep", a_file("deep.yaml", DEEP_YAML), load, ConfigError, "deep.yaml"),
    case("toml-deep", a_file("deep.toml", DEEP_TOML), load, ConfigError, "deep.toml"),
    case(
        "ext-json",
        a_file("config.json", "{}"),
        load,
        ConfigError,
        "config.json",
        ".toml",
    ),
    case("ext-ini", a_file("config.ini", "[x]"), load, ConfigError, "config.ini"),
    case("missing", lambda tmp: tmp / "absent.toml", load, ConfigError, "absent.toml"),
    case(
        "directory",
        lambda tmp: (tmp / "dir.toml").mkdir() or tmp / "dir.toml",
        load,
        ConfigError,
        "dir.toml",
    ),
    case(
        "pyproject-without-table",
        a_file("pyproject.toml", '[project]\nname = "x"\n'),
        load,
        ConfigError,
        "pyproject.toml",
        "[tool.nanclean]",
    ),
    case(
        "pyproject-bad-key",
        a_file("pyproject.toml", '[tool.nanclean]\nscale = "squish"\n'),
        load,
        ConfigError,
        "pyproject.toml",
        "'scale'",
    ),
    case(
        "toml-wrong-type",
        a_file("types.toml", 'missing_indicators = "yes"\n'),
        load,
        ConfigError,
        "types.toml",
        "'missing_indicators'",
    ),
    case(
        "empty-yaml-is-defaults",
        a_file("empty.yaml", ""),
        load,
        None,
        check=lambda p, cfg: cfg == nc.CleanConfig(),
    ),
    case(
        "empty-toml-is-defaults",
        a_file("empty.toml", ""),
        load,
        None,
        check=lambda p, cfg: cfg == nc.CleanConfig(),
    ),
    case(
        "nanclean-table",
        a_file("tabled.toml", '[nanclean]\nscale = "none"\n'),
        load,
        None,
        check=lambda p, cfg: cfg.scale == "none",
    ),
    case(
        "clean-with-bad-file",
        a_file("nan.toml", "outlier_threshold = nan\n"),
        lambda p: nc.clean(good_polars(), config=p),
        ConfigError,
        "nan.toml",
    ),
]

#: the case lists of this family, by name (run by test_catalogue.py)
CASES = {"dicts": DICT_CASES, "files": FILE_CASES}
