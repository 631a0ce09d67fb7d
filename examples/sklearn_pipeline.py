"""NanCleaner in a scikit-learn Pipeline: the bare MLP refuses the data, the
pipeline trains.

``sample_data/ecommerce.csv`` holds the failure modes of real tabular data:
``gmv_per_order`` is +inf where ``orders`` is 0, ``discount_rate`` has missing
cells, ``gmv`` has one order of 1.5e9, and ``shipping_cost`` is numbers stored
as strings with "N/A" and "free" among them. ``MLPClassifier`` alone stops at
the first NaN or inf; ``make_pipeline(NanCleaner(), MLPClassifier())`` learns
the repairs on the training split and applies them to the test split.

Run it with ``.venv/bin/python examples/sklearn_pipeline.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline

from nanclean import NanCleaner

DATA = Path(__file__).resolve().parent.parent / "sample_data" / "ecommerce.csv"


def load() -> tuple[pd.DataFrame, pd.Series]:
    """Features and the 0/1 churn label of the e-commerce sample."""
    df = pd.read_csv(DATA)
    # Row 777 has a stray label 2 in a binary target. A transformer only sees
    # X and must keep every row, so the label is fixed before the pipeline
    # (nanclean.clean(df, target="churned", loss="bce") would drop that row).
    df = df[df["churned"].isin([0, 1])]
    # An MLP takes numbers: parse shipping_cost ("N/A" and "free" become NaN).
    df["shipping_cost"] = pd.to_numeric(df["shipping_cost"], errors="coerce")
    return df.drop(columns="churned"), df["churned"]


def model() -> MLPClassifier:
    return MLPClassifier(
        hidden_layer_sizes=(32,), early_stopping=True, max_iter=300, random_state=0
    )


def main() -> dict[str, Any]:
    X, y = load()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )

    try:
        model().fit(X_train, y_train)
        bare_error = None
        print("bare MLPClassifier: trained (unexpected)")
    except ValueError as exc:
        bare_error = str(exc).splitlines()[0]
        print(f"bare MLPClassifier failed: ValueError: {bare_error}")

    pipe = make_pipeline(NanCleaner(), model()).fit(X_train, y_train)
    score = pipe.score(X_test, y_test)
    baseline = max(y_test.mean(), 1 - y_test.mean())
    cleaner = pipe.named_steps["nancleaner"]
    print(
        f"make_pipeline(NanCleaner(), MLPClassifier()) trained; test accuracy "
        f"{score:.3f} (majority class: {baseline:.3f}; churned is random noise in "
        "this synthetic sample, so no model can beat it)"
    )
    print("what NanCleaner found in the training split:")
    for finding in cleaner.report_.errors:
        print(
            f"  {finding.kind.value:>22} in {finding.column!r}: {finding.count} cells"
        )
    return {
        "bare_error": bare_error,
        "score": score,
        "baseline": baseline,
        "pipeline": pipe,
    }


if __name__ == "__main__":
    main()
