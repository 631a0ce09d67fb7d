"""scikit-learn's own estimator checks on NanCleaner.

``parametrize_with_checks`` runs the public API checks on three
configurations. None is expected to fail: nanclean accepts NaN and ±inf on
purpose, and the tags say so (``allow_nan=True``, so scikit-learn does not
require NaN / inf to be rejected; ``string=True``, so an object cell that is no
number need not raise). The set_output, feature-name and parameter-validation
checks, which scikit-learn runs only on its own estimators, run here too.
"""

from __future__ import annotations

import warnings

import pytest
from sklearn.utils import estimator_checks
from sklearn.utils.estimator_checks import parametrize_with_checks

from nanclean import NanCleaner

CONFIGURATIONS = [
    NanCleaner(),
    NanCleaner(scale="standard", missing_indicators=True, clip_indicators=True),
    NanCleaner(
        dtype="float64", impute="mean", inf="null", outliers="iqr", scale="minmax"
    ),
]

#: Checks that every check passes: none is an expected failure.
EXPECTED_FAILED_CHECKS: dict[str, str] = {}


@parametrize_with_checks(
    CONFIGURATIONS, expected_failed_checks=lambda _: EXPECTED_FAILED_CHECKS
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


EXTRA_CHECKS = [
    "check_dataframe_column_names_consistency",
    "check_param_validation",
    "check_transformer_get_feature_names_out",
    "check_transformer_get_feature_names_out_pandas",
    "check_set_output_transform",
    "check_set_output_transform_pandas",
    "check_global_output_transform_pandas",
    "check_set_output_transform_polars",
    "check_global_set_output_transform_polars",
]


@pytest.mark.parametrize("estimator", CONFIGURATIONS, ids=repr)
@pytest.mark.parametrize("check", EXTRA_CHECKS)
def test_sklearn_extra_checks(estimator, check):
    with warnings.catch_warnings():
        # The set_output checks fit on a frame and transform an array (and the
        # reverse) on purpose; scikit-learn warns about that mix itself.
        warnings.filterwarnings(
            "ignore",
            message="X (does not have valid|has) feature names",
            category=UserWarning,
        )
        getattr(estimator_checks, check)("NanCleaner", estimator)
