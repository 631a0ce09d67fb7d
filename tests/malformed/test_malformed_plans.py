"""Catalogue, plan files: every way a saved Plan can be broken, refused before it
is applied (``Cleaner.from_plan`` raises, so ``transform`` never runs).

Each mutation starts from a real fitted plan (numeric columns with missing
indicators, a one-hot column, a derived ratio, a target). See ``catalogue.py``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import nanclean as nc
from nanclean.errors import ConfigError, UnreadableFileError

from .catalogue import a_file, case

NAN, INF = float("nan"), float("inf")
TRAIN = pl.DataFrame(
    {
        "a": [1.0, 2.0, None, 4.0, 5.0, 6.0, 7.0, 1e9],
        "b": [2.0, 1.0, 4.0, 3.0, 6.0, 5.0, 8.0, 7.0],
        "c": ["x", "y", "x", "z", "y", "x", "z", "y"],
        "y": [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0],
    }
)


@cache
def _fitted() -> str:
    cleaner = nc.Cleaner(
        {
            "missing_indicators": True,
            "non_numeric": "onehot",
            "ratios": {"r": ["a", "b"]},
        }
    ).fit(TRAIN, target="y", loss="bce")
    return cleaner.plan.to_json()


def base() -> dict[str, Any]:
    return copy.deepcopy(json.loads(_fitted()))


def load(data: Any) -> Any:
    """What a user does with a plan: load it and apply it."""
    return nc.Cleaner.from_plan(data).transform(TRAIN)


def mutated(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], Any]:
    def make(_: Path) -> dict[str, Any]:
        plan = base()
        change(plan)
        return plan

    return make


def column(i: int, **changes: Any) -> Callable[[dict[str, Any]], None]:
    return lambda p: p["columns"][i].update(changes)


def top(**changes: Any) -> Callable[[dict[str, Any]], None]:
    return lambda p: p.update(changes)


def drop(key: str, where: str | None = None) -> Callable[[dict[str, Any]], None]:
    def change(p: dict[str, Any]) -> None:
        target = p if where is None else p[where][0]
        del target[key]

    return change


FLOATS = (
    "fill",
    "inf_high",
    "inf_low",
    "outlier_low",
    "outlier_high",
    "center",
    "scale_by",
    "train_min",
    "train_max",
)
PLAN_CASES = []
# every number of a column plan: non-finite, text, boolean, or an int beyond float64
for key in FLOATS:
    for bad in (NAN, INF, -INF, "1.0", True, 10**400, [1.0]):
        PLAN_CASES.append(
            case(
                f"column-{key}-{bad!r:.12}",
                mutated(column(0, **{key: bad})),
                load,
                ConfigError,
                f"columns[0].{key}" if not isinstance(bad, float) else key,
            )
        )
PLAN_CASES += [
    case(
        "ratio-tolerance-nan",
        mutated(
            lambda p: [
                c.update(ratio_tolerance=NAN) for c in p["columns"] if c["ratio"]
            ]
        ),
        load,
        ConfigError,
        "ratio_tolerance",
    ),
    case(
        "ratio-tolerance-negative",
        mutated(
            lambda p: [
                c.update(ratio_tolerance=-1.0) for c in p["columns"] if c["ratio"]
            ]
        ),
        load,
        ConfigError,
        "ratio_tolerance",
    ),
    case(
        "center-none",
        mutated(column(0, center=None)),
        load,
        ConfigError,
        "columns[0].center",
    ),
    case(
        "scale-by-zero",
        mutated(column(0, scale_by=0.0)),
        load,
        ConfigError,
        "scale_by",
        "'a'",
    ),
    case(
        "scale-by-negative",
        mutated(column(1, scale_by=-2.0)),
        load,
        ConfigError,
        "scale_by",
        "'b'",
    ),
    case(
        "scale-by-int-zero",
        mutated(column(0, scale_by=0)),
        load,
        ConfigError,
        "scale_by",
    ),
    case(
        "outlier-bounds-swapped",
        mutated(
            lambda p: p["columns"][0].update(
                outlier_low=p["columns"][0]["outlier_high"] + 1
            )
        ),
        load,
        ConfigError,
        "'outlier_low'",
        "'a'",
    ),
    case(
        "inf-bounds-swapped",
        mutated(
            lambda p: p["columns"][1].update(inf_low=p["columns"][1]["inf_high"] + 1)
        ),
        load,
        ConfigError,
        "'inf_low'",
        "'b'",
    ),
    case(
        "outlier-low-only",
        mutated(column(0, outlier_high=None)),
        load,
        ConfigError,
        "'outlier_high'",
    ),
    case(
        "fill-outside-bounds",
        mutated(
            lambda p: p["columns"][1].update(
                fill=p["columns"][1]["outlier_high"] * 10 + 1
            )
        ),
        load,
        ConfigError,
        "'fill'",
        "'b'",
    ),
    case(
        "constant-fill-missing",
        mutated(column(0, impute="constant", fill=None)),
        load,
        ConfigError,
        "columns[0]",
        "fill",
    ),
    case(
        "constant-fill-beyond-dtype",
        mutated(
            lambda p: (
                p["columns"][0].update(impute="constant", fill=1e300),
                p.update(dtype="float16"),
            )
        ),
        load,
        ConfigError,
        "fill_value",
        "float16",
    ),
    case(
        "train-missing-negative",
        mutated(column(0, train_missing=-1)),
        load,
        ConfigError,
        "train_missing",
    ),
    case(
        "train-missing-float",
        mutated(column(0, train_missing=1.5)),
        load,
        ConfigError,
        "columns[0].train_missing",
    ),
    case(
        "indicator-text",
        mutated(column(0, missing_indicator="yes")),
        load,
        ConfigError,
        "columns[0].missing_indicator",
    ),
    case(
        "train-constant-int",
        mutated(column(0, train_constant=0)),
        load,
        ConfigError,
        "columns[0].train_constant",
    ),
    case(
        "name-number", mutated(column(0, name=5)), load, ConfigError, "columns[0].name"
    ),
    case(
        "unscaled-number",
        mutated(column(0, unscaled=5)),
        load,
        ConfigError,
        "columns[0].unscaled",
    ),
    case(
        "ratio-one-column",
        mutated(lambda p: [c.update(ratio=["a"]) for c in p["columns"] if c["ratio"]]),
        load,
        ConfigError,
        "ratio",
    ),
    case(
        "ratio-text",
        mutated(lambda p: [c.update(ratio="a/b") for c in p["columns"] if c["ratio"]]),
        load,
        ConfigError,
        "ratio",
    ),
]
# every policy and dtype name, misspelled
for key, good in (
    ("impute", "median"),
    ("pos_inf", "clip"),
    ("neg_inf", "clip"),
    ("outlier_method", "mad"),
    ("outlier_action", "clip"),
    ("scale", "robust"),
    ("ratio_on_zero", "null"),
):
    PLAN_CASES.append(
        case(
            f"column-choice-{key}",
            mutated(column(0, **{key: good + "x"})),
            load,
            ConfigError,
            f"columns[0].{key}",
            repr(good),
        )
    )
for key, bad in (
    ("loss", "bcex"),
    ("invalid_labels", "drop"),
    ("dtype", "float8"),
    ("dtype", "float128"),
    ("dtype_overflow", "wrap"),
):
    PLAN_CASES.append(
        case(
            f"plan-choice-{key}-{bad}",
            mutated(top(**{key: bad})),
            load,
            ConfigError,
            f"'{key}'",
        )
    )
PLAN_CASES += [
    case(
        "encoding-method",
        mutated(lambda p: p["encodings"][0].update(method="hash")),
        load,
        ConfigError,
        "encodings[0].method",
    ),
    case(
        "encoding-categories-numbers",
        mutated(lambda p: p["encodings"][0].update(categories=[1, 2])),
        load,
        ConfigError,
        "encodings[0].categories",
    ),
    case(
        "encoding-unknown-key",
        mutated(lambda p: p["encodings"][0].update(categorys=["x"])),
        load,
        ConfigError,
        "'categorys'",
        "'categories'",
    ),
    case(
        "encodings-dict",
        mutated(top(encodings={"c": "onehot"})),
        load,
        ConfigError,
        "'encodings'",
    ),
    case(
        "encodings-of-ints",
        mutated(top(encodings=[1])),
        load,
        ConfigError,
        "encodings[0]",
    ),
    case(
        "unknown-plan-key",
        mutated(top(colums=[])),
        load,
        ConfigError,
        "'colums'",
        "'columns'",
    ),
    case(
        "unknown-column-key",
        mutated(column(0, centre=0.0)),
        load,
        ConfigError,
        "'centre'",
        "'center'",
    ),
    case(
        "unknown-column-key-far", mutated(column(0, zzz=1)), load, ConfigError, "'zzz'"
    ),
    case(
        "missing-name",
        mutated(drop("name", "columns")),
        load,
        ConfigError,
        "columns[0].name",
        "missing",
    ),
    case(
        "missing-input-columns",
        mutated(drop("input_columns")),
        load,
        ConfigError,
        "'input_columns'",
    ),
    case(
        "missing-output-columns",
        mutated(drop("output_columns")),
        load,
        ConfigError,
        "'output_columns'",
    ),
    case(
        "missing-encoding-method",
        mutated(drop("method", "encodings")),
        load,
        ConfigError,
        "encodings[0].method",
    ),
    case("missing-version", mutated(drop("version")), load, ConfigError, "'version'"),
    case(
        "columns-dict", mutated(top(columns={"a": {}})), load, ConfigError, "'columns'"
    ),
    case(
        "columns-of-ints", mutated(top(columns=[1, 2])), load, ConfigError, "columns[0]"
    ),
    case(
        "columns-of-lists",
        mutated(top(columns=[["a"]])),
        load,
        ConfigError,
        "columns[0]",
    ),
    case(
        "input-columns-text",
        mutated(top(input_columns="a")),
        load,
        ConfigError,
        "'input_columns'",
    ),
    case(
        "output-columns-ints",
        mutated(top(output_columns=[1])),
        load,
        ConfigError,
        "'output_columns'",
    ),
    case("target-number", mutated(top(target=5)), load, ConfigError, "'target'"),
    case(
        "label-map-list",
        mutated(top(label_map=[1, 0])),
        load,
        ConfigError,
        "'label_map'",
    ),
    case(
        "label-map-text-value",
        mutated(top(label_map={"1": "one"})),
        load,
        ConfigError,
        "'label_map'",
    ),
    case(
        "label-map-nan-value",
        mutated(top(label_map={"1": NAN})),
        load,
        ConfigError,
        "'label_map'",
    ),
    case("dropped-list", mutated(top(dropped=["a"])), load, ConfigError, "'dropped'"),
    case("coerced-text", mutated(top(coerced="a")), load, ConfigError, "'coerced'"),
    case(
        "n-classes-text", mutated(top(n_classes="2")), load, ConfigError, "'n_classes'"
    ),
    case("n-classes-one", mutated(top(n_classes=1)), load, ConfigError, "'n_classes'"),
    case(
        "version-newer",
        mutated(top(version=2)),
        load,
        ConfigError,
        "version 2",
        "newer",
        "upgrade",
    ),
    case(
        "version-far-future", mutated(top(version=99)), load, ConfigError, "version 99"
    ),
    case("version-zero", mutated(top(version=0)), load, ConfigError, "version 0"),
    case("version-text", mutated(top(version="1")), load, ConfigError, "'version'"),
    case("version-bool", mutated(top(version=True)), load, ConfigError, "'version'"),
    case(
        "output-column-unknown",
        mutated(lambda p: p["output_columns"].insert(0, "ghost")),
        load,
        ConfigError,
        "'ghost'",
    ),
    case(
        "output-column-typo",
        mutated(lambda p: p["output_columns"].__setitem__(0, "aa")),
        load,
        ConfigError,
        "'aa'",
        "'a'",
    ),
    case(
        "output-column-twice",
        mutated(lambda p: p["output_columns"].append("a")),
        load,
        ConfigError,
        "'output_columns'",
        "'a'",
    ),
    case(
        "output-indicator-without-indicator",
        mutated(column(0, missing_indicator=False)),
        load,
        ConfigError,
        "'a__missing'",
    ),
    case(
        "input-column-lacking",
        mutated(lambda p: p["input_columns"].remove("b")),
        load,
        ConfigError,
        "'b'",
        "input_columns",
    ),
    case(
        "column-plan-twice",
        mutated(lambda p: p["columns"].append(copy.deepcopy(p["columns"][0]))),
        load,
        ConfigError,
        "'a'",
        "more than once",
    ),
]


# --- plan text and files -----------------------------------------------------------------


DEEP = "{" + '"columns": ' + "[" * 100_000 + "]" * 100_000 + "}"
TEXT_CASES = []
for token in ("NaN", "Infinity", "-Infinity"):
    for key in ("center", "fill", "scale_by"):
        TEXT_CASES.append(
            case(
                f"token-{token}-{key}",
                lambda _, t=token, k=key: _with_token(k, t),
                load,
                ConfigError,
                token,
            )
        )


def _with_token(key: str, token: str) -> str:
    plan = json.loads(_fitted())
    plan["columns"][0][key] = "@@"
    return json.dumps(plan).replace('"@@"', token)


TEXT_CASES += [
    case(
        "token-1e999",
        lambda _: _with_token("center", "1e999"),
        load,
        ConfigError,
        "columns[0].center",
    ),
    case("not-json", lambda _: "{bad", load, ConfigError, "not valid JSON"),
    case("json-list", lambda _: "[1, 2]", load, UnreadableFileError, "[1, 2]"),
    case(
        "json-no-columns",
        lambda _: '{"a": 1}',
        load,
        ConfigError,
        "not a nanclean plan",
    ),
    case(
        "json-columns-number",
        lambda _: (
            '{"columns": 5, "input_columns": [], "output_columns": [], "version": 1}'
        ),
        load,
        ConfigError,
        "'columns'",
    ),
    case("json-deep-arrays", lambda _: DEEP, load, ConfigError, "nested too deeply"),
    case(
        "json-deep-objects",
        lambda _: '{"columns": ' + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "}",
        load,
        ConfigError,
        "nested too deeply",
    ),
    case(
        "file-missing",
        lambda tmp: tmp / "absent.json",
        load,
        UnreadableFileError,
        "absent.json",
    ),
    case("file-directory", lambda tmp: tmp, load, UnreadableFileError, str(Path("/"))),
    case(
        "file-binary",
        a_file("garbage.json", bytes(range(128, 256))),
        load,
        UnreadableFileError,
        "garbage.json",
    ),
    case(
        "file-nan-token",
        lambda tmp: a_file("nan.json", _with_token("center", "NaN"))(tmp),
        load,
        ConfigError,
        "nan.json",
        "NaN",
    ),
    case(
        "file-deep",
        a_file("deep.json", DEEP),
        load,
        ConfigError,
        "deep.json",
        "nested",
    ),
    case("file-bad-json", a_file("bad.json", "{"), load, ConfigError, "bad.json"),
    case(
        "file-valid-plan-applies",
        lambda tmp: a_file("good.json", _fitted())(tmp),
        load,
        None,
        check=lambda p, r: r.frame.columns == json.loads(_fitted())["output_columns"],
    ),
]
for bad in (123, 1.5, None, [1], b"{}", object()):
    TEXT_CASES.append(
        case(
            f"from-plan-{type(bad).__name__}",
            lambda _, b=bad: b,
            load,
            ConfigError,
            "A plan must be",
            type(bad).__name__,
        )
    )


def test_a_mutated_plan_object_is_refused_by_from_plan() -> None:
    plan = nc.Plan.from_json(_fitted())
    plan.columns[0].center = INF
    with pytest.raises(ConfigError, match=r"columns\[0\]\.center"):
        nc.Cleaner.from_plan(plan)


#: the case lists of this family, by name (run by test_catalogue.py)
CASES = {"mutations": PLAN_CASES, "text": TEXT_CASES}
