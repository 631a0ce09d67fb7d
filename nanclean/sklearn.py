"""NanCleaner: nanclean's repair engine as a scikit-learn transformer.

``NanCleaner`` learns a repair :class:`~nanclean.plan.Plan` in ``fit`` (with
:class:`nanclean.Cleaner`) and applies it in ``transform``: missing cells are
imputed, ±inf and outliers clipped, features scaled, and every value made
representable in the training dtype. It fits anywhere a scikit-learn
transformer does: ``Pipeline``, ``ColumnTransformer``, ``GridSearchCV`` (every
parameter is searchable), ``clone``, pickle / joblib and ``cross_val_score``.

What a transformer cannot do, it refuses in ``fit`` instead of doing halfway:

* drop rows (``y`` and ``sample_weight`` would no longer line up with ``X``):
  ``"drop_row"`` policies are rejected; use :func:`nanclean.clean` or
  :class:`nanclean.Cleaner`, which drop rows of features and target together;
* look at the target: ``y`` is ignored, and a ``config`` whose ``target``
  column is among the features is an error (the labels would leak into ``X``).

This module is an adapter: the data goes to the engine through
:func:`nanclean.frame.read` and comes back as a numpy array, which
scikit-learn's ``set_output`` turns into a pandas or polars frame on request.
"""

from __future__ import annotations

import os
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import polars as pl

# Two private scikit-learn APIs remain, on purpose: the parameter constraints
# (``_param_validation``) and ``_fit_context`` that enforces them are how
# scikit-learn's own estimators validate their ``__init__`` parameters, with
# its messages (``InvalidParameterError``). There is no public equivalent;
# tests/test_sklearn_private_api.py fails with the fix should an upgrade
# change them.
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Hidden, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from nanclean.cleaner import Cleaner
from nanclean.config import CHOICES, CleanConfig, as_config
from nanclean.errors import (
    ColumnError,
    ConfigError,
    ContractError,
    InputError,
    format_rows,
)
from nanclean.frame import Frame, read
from nanclean.plan import Plan
from nanclean.result import CleanResult

__all__ = ["NanCleaner"]

#: The CleanConfig fields NanCleaner exposes as flat parameters, in order.
FIELDS = (
    "impute",
    "fill_value",
    "missing_indicators",
    "inf",
    "pos_inf",
    "neg_inf",
    "outliers",
    "outlier_threshold",
    "outlier_action",
    "clip_indicators",
    "scale",
    "constant",
    "dtype",
    "dtype_overflow",
    "non_numeric",
    "ratios",
    "ratio_on_zero",
    "log_inputs",
    "sqrt_inputs",
    "reciprocal_inputs",
    "columns",
    "sample_size",
)

#: Policies whose "drop_row" choice removes rows (a transformer cannot).
_ROW_POLICIES = ("impute", "inf", "pos_inf", "neg_inf", "outlier_action")
_DROP = "drop_row"

_FRAME_NAMES = {
    "pandas": "a pandas DataFrame",
    "polars": "a polars DataFrame",
    "pyarrow": "a pyarrow Table",
}


def _choices(name: str) -> list[Any]:
    """Allowed values of a policy parameter: "drop_row" is accepted by the
    constraint (so fit can explain why it is refused) but never advertised."""
    allowed = [c for c in CHOICES[name] if c != _DROP]
    constraint: list[Any] = [StrOptions(set(allowed)), None]
    if _DROP in CHOICES[name]:
        constraint.append(Hidden(StrOptions({_DROP})))
    return constraint


class NanCleaner(TransformerMixin, BaseEstimator):
    """Repair NaN, ±inf, outliers and dtype overflow, as a scikit-learn transformer.

    ``fit`` scans ``X`` and learns a repair plan (fill values, clip bounds,
    scales) from it; ``transform`` applies that plan to any data with the same
    columns. The output is finite, free of missing values, and representable
    in ``dtype``; it has one row per input row, in the input's order.

    Every parameter is a field of :class:`nanclean.CleanConfig` (see its
    documentation for the details of each policy). ``None``, the default of
    each, means "as in ``config``", and nanclean's default when ``config`` is
    not given either; the defaults are listed below. A parameter that is set
    overrides ``config``.

    Parameters
    ----------
    impute : {"median", "mean", "constant", "most_frequent", "error"}, default=None
        What to put into a missing cell (null or NaN). None: ``"median"``.
    fill_value : float, default=None
        The value used by ``impute="constant"``. None: ``0.0``.
    missing_indicators : bool, default=None
        Add a ``<col>__missing`` 0/1 column for every feature that had missing
        cells in ``fit``. None: False.
    inf : {"clip", "null", "error"}, default=None
        What to do with ±inf: clip to the fitted finite bound, or treat as
        missing (then ``impute``), or raise. None: ``"clip"``.
    pos_inf, neg_inf : {"clip", "null", "error"}, default=None
        Separate policies for +inf and -inf. None: as ``inf``.
    outliers : {"tail", "mad", "iqr", "sigma", "quantile", "none"}, default=None
        The outlier rule. None: ``"tail"`` (values orders of magnitude beyond
        the column's own tail; see ``CleanConfig``).
    outlier_threshold : float, default=None
        k for tail / mad / iqr / sigma, q for quantile. None: the rule's
        default (tail 1.5, mad 10, iqr 3, sigma 10, quantile 0.001).
    outlier_action : {"clip", "null", "flag"}, default=None
        Clip outliers to the fitted bounds, treat them as missing, or only
        report them. None: ``"clip"``.
    clip_indicators : bool, default=None
        Add a ``<col>__clipped`` 0/1 column for every feature that can be
        clipped. None: False.
    scale : {"standard", "robust", "minmax", "squash", "none"}, default=None
        None: ``"standard"`` (mean and std of the repaired values).
    constant : {"keep_unscaled", "drop", "error"}, default=None
        What to do with a constant feature (nothing ever divides by a zero
        spread). None: ``"keep_unscaled"``.
    dtype : {"float32", "float16", "bfloat16", "float64"}, default=None
        The dtype the model trains in: every output value is representable in
        it. The output array is float64 for ``"float64"``, else float32.
        None: ``"float32"``.
    dtype_overflow : {"clip", "error"}, default=None
        What the final guard does with a value beyond ``dtype``'s range.
        None: ``"clip"``.
    non_numeric : {"drop", "ordinal", "onehot", "error"}, default=None
        What to do with string, categorical, boolean and datetime features.
        Numbers stored as strings are parsed, whatever this says.
        None: ``"drop"``.
    ratios : dict of str to [str, str], default=None
        Ratio features ``name -> [numerator, denominator]``, derived safely
        when ``name`` is not a column of ``X``. None: ``{}``.
    ratio_on_zero : {"null", "error", "eps"}, default=None
        What a ratio does where its denominator is (near) zero. None: ``"null"``.
    log_inputs, sqrt_inputs, reciprocal_inputs : list of str, default=None
        Columns the model feeds to log / sqrt / 1/x; the fit scan reports
        values outside their domain (in ``report_``). None: ``[]``.
    columns : dict of str to dict, default=None
        Per-column overrides of the column policies, keyed by column name or
        glob pattern. Replaces ``config``'s ``columns`` when set. For a numpy
        array the columns are named ``x0, x1, …``. None: ``{}``.
    sample_size : int, default=None
        Robust statistics are exact up to this many rows, estimated from an
        evenly spread sample beyond it (>= 1000). None: 100000.
    config : CleanConfig, dict or path to a TOML / YAML file, default=None
        Settings for every field the flat parameters do not set. Its target
        fields (``target``, ``loss``, ``n_classes``, ``invalid_labels``,
        ``label_map``) are not used: a transformer never sees the labels.

    Attributes
    ----------
    plan_ : nanclean.Plan
        Every number learned in ``fit`` (JSON-able: ``plan_.to_json()``).
    report_ : nanclean.AuditReport
        The scan of the training data: findings with their rows
        (``report_.to_html(path)``, ``report_.to_json()``).
    config_ : nanclean.CleanConfig
        The settings in effect: ``config`` with the flat parameters applied.
    cleaner_ : nanclean.Cleaner
        The fitted engine. ``cleaner_.transform(X).report`` is the audit of
        what a transform changes, cell by cell.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``. Defined only when ``X`` has
        feature names that are all strings.

    See Also
    --------
    nanclean.clean : Scan, repair and audit a whole frame, target included;
        may drop rows.
    nanclean.Cleaner : The engine, with row dropping and label handling.
    sklearn.impute.SimpleImputer : Imputation only; rejects ±inf.

    Notes
    -----
    ``transform`` returns a numpy array; ``set_output(transform="pandas")`` or
    ``"polars"`` returns a frame named by ``get_feature_names_out()`` (a pandas
    input's index is kept). NaN and null are both "missing" here. A frame at
    ``transform`` must come from the same library as the one given to ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> from nanclean import NanCleaner
    >>> X = np.array([[1.0, 10.0], [2.0, np.nan], [np.inf, 30.0], [4.0, 40.0]])
    >>> cleaner = NanCleaner(outliers="none", scale="none", missing_indicators=True)
    >>> cleaner.fit_transform(X)
    array([[ 1., 10.,  0.],
           [ 2., 30.,  1.],
           [ 4., 30.,  0.],
           [ 4., 40.,  0.]], dtype=float32)
    >>> cleaner.get_feature_names_out().tolist()
    ['x0', 'x1', 'x1__missing']
    >>> [(f.kind.value, f.column, f.rows) for f in cleaner.report_.errors]
    [('pos_inf', 'x0', [2]), ('nan', 'x1', [1])]
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "impute": _choices("impute"),
        "fill_value": [Interval(Real, None, None, closed="neither"), None],
        "missing_indicators": ["boolean", None],
        "inf": _choices("inf"),
        "pos_inf": _choices("pos_inf"),
        "neg_inf": _choices("neg_inf"),
        "outliers": _choices("outliers"),
        "outlier_threshold": [Interval(Real, 0, None, closed="neither"), None],
        "outlier_action": _choices("outlier_action"),
        "clip_indicators": ["boolean", None],
        "scale": _choices("scale"),
        "constant": _choices("constant"),
        "dtype": _choices("dtype"),
        "dtype_overflow": _choices("dtype_overflow"),
        "non_numeric": _choices("non_numeric"),
        "ratios": [dict, None],
        "ratio_on_zero": _choices("ratio_on_zero"),
        "log_inputs": [list, tuple, None],
        "sqrt_inputs": [list, tuple, None],
        "reciprocal_inputs": [list, tuple, None],
        "columns": [dict, None],
        "sample_size": [Interval(Integral, 1000, None, closed="left"), None],
        "config": [CleanConfig, dict, str, os.PathLike, None],
    }

    def __init__(
        self,
        *,
        impute: str | None = None,
        fill_value: float | None = None,
        missing_indicators: bool | None = None,
        inf: str | None = None,
        pos_inf: str | None = None,
        neg_inf: str | None = None,
        outliers: str | None = None,
        outlier_threshold: float | None = None,
        outlier_action: str | None = None,
        clip_indicators: bool | None = None,
        scale: str | None = None,
        constant: str | None = None,
        dtype: str | None = None,
        dtype_overflow: str | None = None,
        non_numeric: str | None = None,
        ratios: dict[str, list[str]] | None = None,
        ratio_on_zero: str | None = None,
        log_inputs: list[str] | None = None,
        sqrt_inputs: list[str] | None = None,
        reciprocal_inputs: list[str] | None = None,
        columns: dict[str, dict[str, Any]] | None = None,
        sample_size: int | None = None,
        config: CleanConfig | dict[str, Any] | str | os.PathLike[str] | None = None,
    ) -> None:
        self.impute = impute
        self.fill_value = fill_value
        self.missing_indicators = missing_indicators
        self.inf = inf
        self.pos_inf = pos_inf
        self.neg_inf = neg_inf
        self.outliers = outliers
        self.outlier_threshold = outlier_threshold
        self.outlier_action = outlier_action
        self.clip_indicators = clip_indicators
        self.scale = scale
        self.constant = constant
        self.dtype = dtype
        self.dtype_overflow = dtype_overflow
        self.non_numeric = non_numeric
        self.ratios = ratios
        self.ratio_on_zero = ratio_on_zero
        self.log_inputs = log_inputs
        self.sqrt_inputs = sqrt_inputs
        self.reciprocal_inputs = reciprocal_inputs
        self.columns = columns
        self.sample_size = sample_size
        self.config = config

    # --- fit / transform ------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None) -> NanCleaner:
        """Scan ``X`` and learn the repair plan from it.

        Parameters
        ----------
        X : array-like, pandas / polars DataFrame or pyarrow Table of shape \
(n_samples, n_features)
            Training features. NaN, null and ±inf are expected.
        y : None
            Ignored: the labels are not a transformer's business.

        Returns
        -------
        self : NanCleaner
        """
        self._fit(X, transform=False)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        """Fit on ``X`` and repair it, reading it once to scan and once to clean.

        Parameters
        ----------
        X : array-like, pandas / polars DataFrame or pyarrow Table of shape \
(n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            Same as ``fit(X).transform(X)``.
        """
        result, n_rows = self._fit(X, transform=True)
        assert result is not None
        return self._output(result, n_rows)

    def transform(self, X: Any) -> np.ndarray:
        """Repair ``X`` with the fitted plan.

        Parameters
        ----------
        X : array-like, pandas / polars DataFrame or pyarrow Table of shape \
(n_samples, n_features)
            The same features as in ``fit`` (a frame from the same library).

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            Finite, without missing values, representable in ``dtype``; one row
            per input row, in order. Columns: ``get_feature_names_out()``.
        """
        check_is_fitted(self, "plan_")
        frame = self._read(X, reset=False)
        return self._output(self.cleaner_.transform(frame), frame.n_rows)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns, indicator columns included.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input feature names; by default ``feature_names_in_``, or
            ``x0, x1, …`` when ``fit`` saw no feature names.

        Returns
        -------
        feature_names_out : ndarray of str objects
            A kept feature keeps its name; its indicators are
            ``<name>__missing`` and ``<name>__clipped``; one-hot columns are
            ``<name>=<category>``. Dropped features (constant, all missing,
            non-numeric) are absent.
        """
        check_is_fitted(self, "plan_")
        names = _feature_names_in(self, input_features)
        rename = dict(zip(self._internal_names(), names, strict=True))
        return np.asarray(
            [
                str(rename.get(source, source)) + suffix
                for source, suffix in _sources(self.plan_)
            ],
            dtype=object,
        )

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # and ±inf: repairing them is the point
        tags.input_tags.string = True  # numbers stored as strings are parsed
        dtype = self._declared_dtype()
        tags.transformer_tags.preserves_dtype = [
            "float64" if dtype == "float64" else "float32"
        ]
        return tags

    # --- the steps ------------------------------------------------------------------

    def _fit(self, X: Any, *, transform: bool) -> tuple[CleanResult | None, int]:
        base = as_config(self.config)
        config = self._resolve(base)
        frame = self._read(X, reset=True)
        if base.target is not None and base.target in frame.columns:
            raise ColumnError(
                f"X has the column {base.target!r}, which config names as the "
                f"target (target={base.target!r}). NanCleaner transforms features "
                "only: pass the labels as y, e.g. X = df.drop(columns="
                f"{base.target!r}), y = df[{base.target!r}]."
            )
        cleaner = Cleaner(config)
        result = None
        if transform:
            result = cleaner.fit_transform(frame)
        else:
            cleaner.fit(frame)
        self.cleaner_ = cleaner
        self.config_ = config
        self.plan_ = cleaner.plan
        self.report_ = cleaner.report
        self._kind = _kind(X)
        return result, frame.n_rows

    def _resolve(self, base: CleanConfig) -> CleanConfig:
        """``config`` with the flat parameters applied; refuse row dropping."""
        changes: dict[str, Any] = {"target": None}
        for name in FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            if name in ("fill_value", "outlier_threshold"):
                value = float(value)
            elif name == "sample_size":
                value = int(value)
            elif name in ("missing_indicators", "clip_indicators"):
                value = bool(value)
            elif name in ("log_inputs", "sqrt_inputs", "reciprocal_inputs"):
                value = list(value)
            changes[name] = value
        config = base.replace(**changes)
        _refuse_row_dropping(config)
        return config

    def _read(self, X: Any, *, reset: bool) -> Frame:
        """Validate ``X`` the scikit-learn way, then hand it to the engine's edge."""
        kind = _kind(X)
        if kind == "polars_lazy":
            raise InputError(
                "NanCleaner needs X in memory, but got a polars LazyFrame. Call "
                "X.collect() first, or use nanclean.Cleaner, which reads lazy frames "
                "and files without loading them."
            )
        fitted = None if reset else self._kind
        if kind in _FRAME_NAMES and fitted in _FRAME_NAMES and kind != fitted:
            raise InputError(
                f"NanCleaner was fitted on {_FRAME_NAMES[fitted]} but transform got "
                f"{_FRAME_NAMES[kind]}. Pass the same kind of frame as in fit "
                "(convert it, e.g. with polars.from_pandas(df) or df.to_pandas()), "
                "or fit the cleaner again on this kind of frame."
            )
        if kind in _FRAME_NAMES:
            validate_data(self, X, reset=reset, skip_check_array=True)
            if not hasattr(self, "feature_names_in_"):  # no string names: positions
                X = _rename(X, kind, self._internal_names())
            return read(X)
        X = validate_data(
            self,
            X,
            reset=reset,
            dtype=None,  # numbers stored as strings / objects are the engine's job
            ensure_all_finite=False,
            accept_sparse=False,
        )
        return read(X, columns=self._internal_names())

    def _output(self, result: CleanResult, n_rows: int) -> np.ndarray:
        """The cleaned features as a writable C-ordered array; rows checked."""
        expected = np.arange(n_rows, dtype=np.int64)
        if not np.array_equal(np.asarray(result.row_ids, dtype=np.int64), expected):
            raise ContractError(
                "The cleaned output does not have one row per input row, in order "
                f"(rows {format_rows(result.row_ids)}). NanCleaner refuses row "
                "dropping in fit, so this is a bug in nanclean: please report it."
            )
        out = result.data.select(self.plan_.features).to_numpy(order="c")
        return np.require(out, requirements=["C_CONTIGUOUS", "WRITEABLE"])

    def _internal_names(self) -> list[str]:
        """The column names the engine sees: feature names, else ``x0, x1, …``."""
        names = getattr(self, "feature_names_in_", None)
        if names is not None:
            return [str(n) for n in names]
        return [f"x{i}" for i in range(self.n_features_in_)]

    def _declared_dtype(self) -> str:
        if hasattr(self, "config_"):
            return str(self.config_.dtype)
        if self.dtype is not None:
            return str(self.dtype)
        if isinstance(self.config, CleanConfig):
            return self.config.dtype
        if isinstance(self.config, dict):
            settings = self.config.get("nanclean", self.config)
            if isinstance(settings, dict):
                return str(settings.get("dtype", "float32"))
        return "float32"


# --- helpers -----------------------------------------------------------------------


def _feature_names_in(cleaner: NanCleaner, input_features: Any) -> np.ndarray:
    """The names of the fitted input features, or ``input_features`` checked
    against them (scikit-learn's rule for ``get_feature_names_out``)."""
    fitted = getattr(cleaner, "feature_names_in_", None)
    if input_features is None:
        if fitted is not None:
            return np.asarray(fitted, dtype=object)
        return np.asarray(
            [f"x{i}" for i in range(cleaner.n_features_in_)], dtype=object
        )
    names = np.asarray(input_features, dtype=object)
    if fitted is not None and not np.array_equal(fitted, names):
        raise ValueError(
            # scikit-learn's estimator checks match the first sentence
            f"input_features is not equal to feature_names_in_: got "
            f"{names.tolist()!r}, fit saw {list(fitted)!r}; pass those, or None."
        )
    if len(names) != cleaner.n_features_in_:
        raise ValueError(
            f"input_features should have length equal to number of features "
            f"({cleaner.n_features_in_}), got {len(names)}."
        )
    return names


def _kind(X: Any) -> str:
    if isinstance(X, pl.LazyFrame):
        return "polars_lazy"
    if isinstance(X, pl.DataFrame):
        return "polars"
    module = type(X).__module__.split(".")[0]
    if module == "pandas" and hasattr(X, "columns"):  # a DataFrame, not a Series
        return "pandas"
    if module == "pyarrow" and hasattr(X, "column_names"):
        return "pyarrow"
    return "array"


def _rename(X: Any, kind: str, names: list[str]) -> Any:
    """A frame whose column names are not all strings, renamed by position."""
    if kind == "pandas":
        return X.set_axis(names, axis=1)
    if kind == "pyarrow":
        return X.rename_columns(names)
    return X.rename(dict(zip(X.columns, names, strict=True)))


def _refuse_row_dropping(config: CleanConfig) -> None:
    found = [f"{k}='drop_row'" for k in _ROW_POLICIES if getattr(config, k) == _DROP]
    if config.ratio_on_zero == _DROP:
        found.append("ratio_on_zero='drop_row'")
    for pattern, override in config.columns.items():
        found += [
            f"columns[{pattern!r}][{k!r}]='drop_row'"
            for k, v in override.items()
            if v == _DROP
        ]
    if found:
        raise ConfigError(
            f"NanCleaner cannot drop rows, but {', '.join(found)} would. A "
            "scikit-learn transformer must return one row per input row: y and "
            "sample_weight are not passed through transform and would no longer "
            "line up with X. Fix: choose a repairing policy (impute='median', "
            "inf='clip', outlier_action='clip', ratio_on_zero='null'), or drop rows "
            "before the pipeline with nanclean.clean(df, target=...) or "
            "nanclean.Cleaner(config).fit(df, target=...).transform(df), which drop "
            "the rows of features and target together."
        )


def _sources(plan: Plan) -> list[tuple[str, str]]:
    """For each output feature: (input column it comes from, name suffix)."""
    known: dict[str, tuple[str, str]] = {}
    for enc in plan.encodings:
        if enc.method == "ordinal":
            known[enc.name] = (enc.name, "")
        else:
            for category, out in zip(enc.categories, enc.outputs, strict=True):
                known[out] = (enc.name, f"={category}")
    for cp in plan.columns:
        known[cp.name] = (cp.name, "")
        for indicator in cp.outputs[1:]:
            known[indicator] = (cp.name, indicator.removeprefix(cp.name))
    return [known.get(name, (name, "")) for name in plan.features]
