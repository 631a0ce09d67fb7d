"""The private scikit-learn APIs that nanclean/sklearn.py relies on, guarded.

scikit-learn has no public way to declare and enforce ``__init__`` parameter
constraints; NanCleaner uses the private one its own estimators use. Should an
upgrade move or change it, these tests fail first and say what to fix, instead
of NanCleaner breaking somewhere inside fit.
"""

from __future__ import annotations

import importlib
import inspect
from numbers import Real
from typing import Any, ClassVar

import pytest
import sklearn
from sklearn.base import BaseEstimator

from nanclean.sklearn import NanCleaner

PRIVATE = [
    ("sklearn.base", "_fit_context"),
    ("sklearn.utils._param_validation", "Hidden"),
    ("sklearn.utils._param_validation", "Interval"),
    ("sklearn.utils._param_validation", "StrOptions"),
    ("sklearn.utils._param_validation", "InvalidParameterError"),
]


def _private(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        pytest.fail(
            f"scikit-learn {sklearn.__version__} no longer has the private "
            f"{module}.{name} that nanclean/sklearn.py imports. Fix: validate the "
            "NanCleaner parameters in fit with CleanConfig (config.CHOICES) instead, "
            "or import the name from where this scikit-learn version moved it."
        )


@pytest.mark.parametrize(("module", "name"), PRIVATE)
def test_the_private_name_still_exists(module: str, name: str) -> None:
    assert _private(module, name) is not None


def test_constraints_still_accept_and_refuse_what_nanclean_declares() -> None:
    str_options = _private("sklearn.utils._param_validation", "StrOptions")
    hidden = _private("sklearn.utils._param_validation", "Hidden")
    interval = _private("sklearn.utils._param_validation", "Interval")
    choice = str_options({"median", "mean"})
    assert choice.is_satisfied_by("median")
    assert not choice.is_satisfied_by("zscore")
    assert hidden(str_options({"drop_row"})).constraint.is_satisfied_by("drop_row")
    positive = interval(Real, 0, None, closed="neither")
    assert positive.is_satisfied_by(0.5)
    assert not positive.is_satisfied_by(0.0)


def test_fit_context_still_validates_the_parameters_before_fit() -> None:
    fit_context = _private("sklearn.base", "_fit_context")
    str_options = _private("sklearn.utils._param_validation", "StrOptions")
    invalid = _private("sklearn.utils._param_validation", "InvalidParameterError")

    class Tiny(BaseEstimator):
        _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
            "mode": [str_options({"a", "b"})]
        }

        def __init__(self, mode: str = "a") -> None:
            self.mode = mode

        @fit_context(prefer_skip_nested_validation=True)
        def fit(self, X: Any, y: Any = None) -> Tiny:
            self.fitted_ = True
            return self

    assert Tiny(mode="b").fit([[1.0]]).fitted_
    with pytest.raises(invalid, match="The 'mode' parameter of Tiny must be"):
        Tiny(mode="c").fit([[1.0]])


def test_every_nancleaner_parameter_is_constrained() -> None:
    params = set(inspect.signature(NanCleaner.__init__).parameters) - {"self"}
    assert set(NanCleaner._parameter_constraints) == params
