"""The clean benchmark (issue 3): fit + transform to a float32 numpy array.

The same repair four ways: ±inf becomes missing, missing cells get the
column's median, values are clipped to the column's 1% / 99% quantiles, then
standardized (a constant column keeps a scale of 1). Every method returns a
C-contiguous float32 array (N × 50), what a model's data loader wants.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import polars as pl
from feature_engine.imputation import MeanMedianImputer
from feature_engine.outliers import Winsorizer
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

import nanclean

LOW, HIGH = 0.01, 0.99
#: nanclean's policies for the same repair (inf → missing → median; clip to the
#: fitted 1% / 99% quantiles; standard scaling; float32 output).
NANCLEAN_CONFIG = {
    "inf": "null",
    "impute": "median",
    "outliers": "quantile",
    "outlier_threshold": LOW,
    "outlier_action": "clip",
    "scale": "standard",
    "dtype": "float32",
}


def _float32(x: Any) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.float32)


def _inf_to_nan(x: np.ndarray) -> np.ndarray:
    return np.where(np.isinf(x), np.nan, x)


def _inf_to_nan_frame(df: pd.DataFrame) -> pd.DataFrame:
    return df.replace([np.inf, -np.inf], np.nan)


class QuantileClipper(TransformerMixin, BaseEstimator):
    """Clip every column to its fitted ``low`` / ``high`` quantiles."""

    def __init__(self, low: float = LOW, high: float = HIGH) -> None:
        self.low = low
        self.high = high

    def fit(self, x: np.ndarray, y: Any = None) -> QuantileClipper:
        self.bounds_ = np.quantile(x, [self.low, self.high], axis=0)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        return np.clip(x, self.bounds_[0], self.bounds_[1])


def sklearn_pipeline(arr: np.ndarray) -> np.ndarray:
    """(a) A scikit-learn Pipeline on the numpy array."""
    pipe = Pipeline(
        [
            ("inf", FunctionTransformer(_inf_to_nan)),
            ("impute", SimpleImputer(strategy="median")),
            ("clip", QuantileClipper()),
            ("scale", StandardScaler()),
        ]
    )
    return _float32(pipe.fit_transform(arr))


def feature_engine_pipeline(df: pd.DataFrame) -> np.ndarray:
    """(b) feature-engine on the pandas frame. Its transformers reject inf, so a
    FunctionTransformer turns it into NaN first, and Winsorizer refuses constant
    columns, so it gets only the columns that vary."""
    varying = [c for c in df.columns if df[c].min() != df[c].max()]
    pipe = Pipeline(
        [
            ("inf", FunctionTransformer(_inf_to_nan_frame)),
            ("impute", MeanMedianImputer(imputation_method="median")),
            (
                "clip",
                Winsorizer(
                    capping_method="quantiles", tail="both", fold=LOW, variables=varying
                ),
            ),
            ("scale", StandardScaler()),
        ]
    )
    return _float32(pipe.fit_transform(df))


def numpy_clean(arr: np.ndarray) -> np.ndarray:
    """(c) Hand-written numpy, one column at a time (the input is column-major)."""
    out = np.empty(arr.shape, dtype=np.float32)
    for j in range(arr.shape[1]):
        x = arr[:, j]
        finite = np.isfinite(x)
        x = np.where(finite, x, np.median(x[finite]))
        low, high = np.quantile(x, [LOW, HIGH])
        np.clip(x, low, high, out=x)
        mean, std = x.mean(), x.std()
        out[:, j] = (x - mean) / (std or 1.0)
    return out


def nanclean_clean(df: pl.DataFrame) -> np.ndarray:
    """(d) nanclean: fit + transform on the same data (``nanclean.clean``)."""
    result = nanclean.clean(df, config=NANCLEAN_CONFIG)
    out = result.to_numpy()
    return _float32(out[0] if isinstance(out, tuple) else out)


def nanclean_defaults(df: pl.DataFrame) -> np.ndarray:
    """(e) nanclean with its default config (a different repair: ±inf clipped
    to the fitted tail bounds, standard scaling, nothing clipped that is not
    far beyond the column's own tail)."""
    return _float32(nanclean.clean(df).to_numpy()[0])


def nanclean_scan(df: pl.DataFrame) -> object:
    """The scan inside (d), alone: the part of the clean that finds and reports."""
    return nanclean.scan(df, config=NANCLEAN_CONFIG)


METHODS = {
    "scikit-learn": (sklearn_pipeline, "numpy"),
    "feature-engine": (feature_engine_pipeline, "pandas"),
    "numpy": (numpy_clean, "numpy"),
    "nanclean.clean": (nanclean_clean, "polars"),
    "nanclean.clean (defaults)": (nanclean_defaults, "polars"),
    "nanclean.scan (part of d)": (nanclean_scan, "polars"),
}


def available() -> bool:
    """True when nanclean has the clean API (issue 3)."""
    return hasattr(nanclean, "Cleaner") and hasattr(nanclean, "clean")
