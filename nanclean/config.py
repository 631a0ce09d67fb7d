"""CleanConfig: every knob of scan and clean, with defaults, overrides and loading.

Declaration only (imports no machinery). A config is built from keyword
arguments, a plain dict, or a TOML / YAML file; everything is validated up
front, and an unknown key suggests the closest valid one.

Fields
------
Column policies (also allowed per column under ``columns``):

impute : {"median", "mean", "constant", "most_frequent", "drop_row", "error"}, default="median"
    What to do with a missing cell (null or NaN) in a feature.
fill_value : float, default=0.0
    The value used by ``impute="constant"``.
missing_indicators : bool, default=False
    Add a ``<col>__missing`` 0/1 column for every feature that had missing cells.
inf : {"clip", "null", "drop_row", "error"}, default="clip"
    What to do with ±inf: clip to the fitted finite bound, turn into a missing
    cell (then ``impute``), drop the row, or raise.
pos_inf, neg_inf : same choices as ``inf``, default=None
    Separate policies for +inf and -inf; None means "as ``inf``".
outliers : {"tail", "mad", "iqr", "sigma", "quantile", "none"}, default="tail"
    The outlier rule. ``tail`` (see ``nanclean.checks.outliers``): beyond a
    fence that grows with the column's own tail, on the log-modulus scale
    ``log1p(|x - median| / s)``: (1 + k) times the 1st / 99th percentile's
    reach, so a heavy-tailed real column keeps its tail and only values orders
    of magnitude beyond it (a 1e9 among tens) are outliers. ``mad``:
    |x - median| > k · 1.4826 · MAD; ``iqr``: beyond k · IQR outside the
    quartiles; ``sigma``: |x - mean| > k · std (not robust: outliers inflate
    the std); ``quantile``: outside [q, 1 - q]. The last four clip the tails of
    skewed real columns (10 robust sigma clip 8% of a flight-delay column).
outlier_threshold : float, default=None
    k for tail / mad / iqr / sigma, q for quantile. None takes the method's
    default: tail 1.5, mad 10, iqr 3, sigma 10, quantile 0.001. With tail's
    1.5 the fence is 31 robust sigma for normal data and, for a column whose
    99th percentile is 100 robust sigma out, 1e5 sigma; on 644 real tables
    (bench/RESULTS.md) it clips no column's tail.
outlier_action : {"clip", "null", "drop_row", "flag"}, default="clip"
    clip (winsorize to the fitted bounds), null (then ``impute``), drop the row,
    or only report.
clip_indicators : bool, default=False
    Add a ``<col>__clipped`` 0/1 column for every feature that had cells clipped.
scale : {"standard", "robust", "minmax", "squash", "none"}, default="standard"
    Fitted on the repaired training values: extremes are clipped first, so
    the mean and std are not blown up by them. ``standard`` is the default by
    measurement (bench/RESULTS.md): on 10 real tables the held-out error of an
    MLP after ``robust`` was up to 1.37 times the baseline's (digits: pixel
    columns mostly 0 with an IQR of 1 scale a 16 to 16), after ``standard``
    within a few percent of it.
    ``squash``: centre on the median, divide by the IQR (half the range when
    the IQR is 0), then ``z / sqrt(1 + (z / 3)²)``: smooth, order-preserving
    and bounded by ±3, so a heavy tail keeps its order without flattening the
    bulk (skrub's SquashingScaler; Holzmüller et al., 2024).
constant : {"keep_unscaled", "drop", "error"}, default="keep_unscaled"
    What to do with a constant or near-constant feature (nothing ever divides by
    a zero spread).

Table-wide fields:

target : str, default=None
    The label column (an argument of scan / clean overrides it).
loss : {"mse", "bce", "ce", "poisson", "gamma", "msle"}, default="mse"
    The loss the target is trained with; it fixes the target's valid domain.
n_classes : int, default=None
    For ``loss="ce"``: class ids must be in [0, n_classes).
invalid_labels : {"drop_row", "error"}, default="drop_row"
    Labels are never imputed: a missing or out-of-domain label drops its row or
    raises. A target that looks like a shifted coding (a binary label coded
    1/2) is never partly dropped: without a ``label_map`` clean refuses.
max_row_loss : float, default=0.01
    The largest share of rows that repair policies (``drop_row``) and present
    but invalid labels may drop; beyond it clean raises with the causes by
    column, instead of quietly returning a fraction of the data (a single
    row may always go: one stray label in a toy table is not a share). Rows whose
    label is missing or non-finite carry nothing to learn from: they are
    dropped whatever their share, with a warning when it exceeds this.
label_map : dict, default={}
    An explicit mapping of label values applied before the domain check
    (e.g. ``{1: 0, 2: 1}`` for a 1/2-coded binary label).
dtype : {"float32", "float16", "bfloat16", "float64"}, default="float32"
    The dtype the model trains in; the output is guaranteed representable in it.
dtype_overflow : {"clip", "error"}, default="clip"
    What the final guard does with a value outside ``dtype``'s finite range.
non_numeric : {"drop", "ordinal", "onehot", "error"}, default="drop"
    What to do with string / categorical / boolean / datetime features.
ratios : dict of name -> [numerator, denominator], default={}
    Declared ratio features. The scan checks the denominator for zero and
    near-zero cells; clean derives the ratio safely when the column is absent.
ratio_on_zero : {"null", "drop_row", "error", "eps"}, default="null"
log_inputs, sqrt_inputs, reciprocal_inputs : list of str, default=[]
    Columns that will be fed to log / sqrt / 1/x: non-positive (log), negative
    (sqrt) and (near-)zero (reciprocal) values are reported.
columns : dict of column name or glob pattern -> dict of column policies
    Per-column overrides. Patterns apply in order, then the exact name.
sample_size : int, default=100_000
    Robust statistics (median, MAD, quantiles) are computed exactly up to this
    many rows and estimated from a fixed, evenly spread sample of this many rows
    beyond it. Counts and rows of findings are always exact.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nanclean.errors import ConfigError, closest
from nanclean.losses import DEFAULT_LOSS, LOSSES

__all__ = [
    "CHOICES",
    "CleanConfig",
    "ColumnPolicy",
    "as_config",
    "is_finite_number",
    "unmatched_columns",
]

CHOICES: dict[str, tuple[str, ...]] = {
    "impute": ("median", "mean", "constant", "most_frequent", "drop_row", "error"),
    "inf": ("clip", "null", "drop_row", "error"),
    "pos_inf": ("clip", "null", "drop_row", "error"),
    "neg_inf": ("clip", "null", "drop_row", "error"),
    "outliers": ("tail", "mad", "iqr", "sigma", "quantile", "none"),
    "outlier_action": ("clip", "null", "drop_row", "flag"),
    "scale": ("standard", "robust", "minmax", "squash", "none"),
    "constant": ("keep_unscaled", "drop", "error"),
    "loss": tuple(LOSSES),
    "invalid_labels": ("drop_row", "error"),
    "dtype": ("float32", "float16", "bfloat16", "float64"),
    "dtype_overflow": ("clip", "error"),
    "non_numeric": ("drop", "ordinal", "onehot", "error"),
    "ratio_on_zero": ("null", "drop_row", "error", "eps"),
}

DEFAULT_THRESHOLD = {
    "tail": 1.5,
    "mad": 10.0,
    "iqr": 3.0,
    "sigma": 10.0,
    "quantile": 0.001,
}


@dataclass(frozen=True)
class ColumnPolicy:
    """The policies that apply to one column, after overrides are resolved."""

    impute: str = "median"
    fill_value: float = 0.0
    missing_indicators: bool = False
    inf: str = "clip"
    pos_inf: str | None = None
    neg_inf: str | None = None
    outliers: str = "tail"
    outlier_threshold: float | None = None
    outlier_action: str = "clip"
    clip_indicators: bool = False
    scale: str = "standard"
    constant: str = "keep_unscaled"

    @property
    def pos_inf_policy(self) -> str:
        return self.pos_inf or self.inf

    @property
    def neg_inf_policy(self) -> str:
        return self.neg_inf or self.inf

    @property
    def threshold(self) -> float:
        if self.outlier_threshold is not None:
            return float(self.outlier_threshold)
        return DEFAULT_THRESHOLD.get(self.outliers, 0.0)


COLUMN_FIELDS = tuple(f.name for f in dataclasses.fields(ColumnPolicy))


@dataclass(frozen=True)
class CleanConfig(ColumnPolicy):
    """Every setting of scan and clean; see the module docstring for each field.

    Examples
    --------
    >>> cfg = CleanConfig(outliers="iqr", columns={"price*": {"scale": "none"}})
    >>> cfg.policy("price_eur").scale
    'none'
    >>> CleanConfig.from_dict({"outlier": "iqr"})
    Traceback (most recent call last):
    ...
    nanclean.errors.ConfigError: Unknown config key 'outlier'. Did you mean 'outliers'? ...
    """

    target: str | None = None
    loss: str = DEFAULT_LOSS
    n_classes: int | None = None
    invalid_labels: str = "drop_row"
    max_row_loss: float = 0.01
    label_map: dict[Any, Any] = field(default_factory=dict)
    dtype: str = "float32"
    dtype_overflow: str = "clip"
    non_numeric: str = "drop"
    ratios: dict[str, list[str]] = field(default_factory=dict)
    ratio_on_zero: str = "null"
    log_inputs: list[str] = field(default_factory=list)
    sqrt_inputs: list[str] = field(default_factory=list)
    reciprocal_inputs: list[str] = field(default_factory=list)
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)
    sample_size: int = 100_000

    def __post_init__(self) -> None:
        _validate(self)

    # --- construction -------------------------------------------------------

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CleanConfig:
        """Build a config from a plain dict (e.g. parsed TOML / YAML)."""
        if not isinstance(data, dict):
            raise ConfigError(
                f"A config must be a mapping of settings; got {type(data).__name__}."
            )
        if "nanclean" in data:
            if not isinstance(data["nanclean"], dict):
                raise ConfigError(
                    "Config key 'nanclean' must be a table of settings; got "
                    f"{data['nanclean']!r:.80} ({type(data['nanclean']).__name__})."
                )
            data = data["nanclean"]
        data = dict(data)
        names = [f.name for f in dataclasses.fields(cls)]
        for key in data:
            if key not in names:
                raise ConfigError(
                    f"Unknown config key {key!r}.{closest(str(key), names)} "
                    f"Valid keys: {', '.join(sorted(names))}."
                )
        return cls(**data)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> CleanConfig:
        """Load a TOML (``.toml``) or YAML (``.yaml`` / ``.yml``) config file.

        A TOML file may hold the settings at the top level or under a
        ``[nanclean]`` table (so it can live in pyproject.toml as
        ``[tool.nanclean]``).
        """
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"Config file {str(p)!r} does not exist. Check the path.")
        try:
            text = p.read_text(encoding="utf-8")
            if p.suffix.lower() == ".toml":
                import tomllib

                data = tomllib.loads(text)
                if p.name == "pyproject.toml" and "nanclean" not in data.get(
                    "tool", {}
                ):
                    raise ConfigError(
                        f"{str(p)!r} has no [tool.nanclean] table. Fix: add one with "
                        "the config fields, or pass a config file of its own."
                    )
                data = data.get("tool", {}).get("nanclean", data)
            elif p.suffix.lower() in (".yaml", ".yml"):
                import yaml

                data = yaml.safe_load(text) or {}
            else:
                raise ConfigError(
                    f"Config file {str(p)!r} must end in .toml, .yaml or .yml."
                )
        except ConfigError:
            raise
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"Config file {str(p)!r} is not UTF-8 text (byte {exc.start}); is it "
                "a TOML or YAML file?"
            ) from exc
        except OSError as exc:
            raise ConfigError(
                f"Cannot read config file {str(p)!r}: {exc.strerror or exc}."
            ) from exc
        except RecursionError:
            raise ConfigError(
                f"Config file {str(p)!r} is nested too deeply to be a nanclean config."
            ) from None
        except Exception as exc:  # tomllib / yaml parse errors
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            raise ConfigError(
                f"Could not parse config file {str(p)!r}: {first}"
            ) from exc
        try:
            return cls.from_dict(data)
        except ConfigError as exc:
            raise ConfigError(f"In config file {str(p)!r}: {exc}") from exc

    def replace(self, **changes: Any) -> CleanConfig:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    # --- per-column resolution ----------------------------------------------

    def policy(self, column: str) -> ColumnPolicy:
        """The policies for ``column``: defaults, then matching patterns, then the name."""
        values = {name: getattr(self, name) for name in COLUMN_FIELDS}
        for pattern, override in self.columns.items():
            if pattern != column and fnmatch.fnmatchcase(column, pattern):
                values.update(override)
        values.update(self.columns.get(column, {}))
        return ColumnPolicy(**values)


def unmatched_columns(cfg: CleanConfig, names: Sequence[str]) -> list[str]:
    """The keys of ``cfg.columns`` (names or glob patterns) matching none of ``names``."""
    return [
        pattern
        for pattern in cfg.columns
        if not any(n == pattern or fnmatch.fnmatchcase(n, pattern) for n in names)
    ]


def as_config(
    config: CleanConfig | dict[str, Any] | str | os.PathLike[str] | None,
) -> CleanConfig:
    """Accept a CleanConfig, a plain dict, a TOML / YAML path, or None (defaults)."""
    if config is None:
        return CleanConfig()
    if isinstance(config, CleanConfig):
        return config
    if isinstance(config, dict):
        return CleanConfig.from_dict(config)
    if isinstance(config, str | os.PathLike):
        return CleanConfig.from_file(config)
    raise ConfigError(
        f"config must be a CleanConfig, a dict, or a path to a TOML/YAML file; got "
        f"{type(config).__name__}."
    )


# --- validation -----------------------------------------------------------------

_TYPES: dict[str, tuple[type, ...]] = {
    "fill_value": (int, float),
    "missing_indicators": (bool,),
    "clip_indicators": (bool,),
    "outlier_threshold": (int, float, type(None)),
    "max_row_loss": (int, float),
    "target": (str, type(None)),
    "n_classes": (int, type(None)),
    "label_map": (dict,),
    "ratios": (dict,),
    "log_inputs": (list, tuple),
    "sqrt_inputs": (list, tuple),
    "reciprocal_inputs": (list, tuple),
    "columns": (dict,),
    "sample_size": (int,),
}


def is_finite_number(value: Any) -> bool:
    """An int or float (not a bool) that float64 holds as a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond float64
        return False


_LISTS_OF_NAMES = ("log_inputs", "sqrt_inputs", "reciprocal_inputs")


def _check_value(key: str, value: Any, where: str = "") -> None:
    if key in CHOICES:
        if value is None and key in ("pos_inf", "neg_inf"):
            return
        if value not in CHOICES[key]:
            hint = closest(str(value), CHOICES[key])
            raise ConfigError(
                f"Config key '{where}{key}' must be one of "
                f"{', '.join(repr(c) for c in CHOICES[key])}; got {value!r}.{hint}"
            )
    elif key in _TYPES:
        types = _TYPES[key]
        is_bool = isinstance(value, bool)
        if not isinstance(value, types) or (is_bool and bool not in types):
            expected = " or ".join(
                "null" if t is type(None) else t.__name__ for t in types
            )
            raise ConfigError(
                f"Config key '{where}{key}' must be {expected}; got {value!r:.80} "
                f"({type(value).__name__})."
            )
        checked: Any = value
        if float in types and checked is not None and not is_finite_number(checked):
            raise ConfigError(
                f"Config key '{where}{key}' must be a finite number; got {value!r}."
            )
        if key in _LISTS_OF_NAMES and not all(isinstance(v, str) for v in checked):
            raise ConfigError(
                f"Config key '{where}{key}' must be a list of column names (strings); "
                f"got {list(checked)!r:.80}."
            )
        if key == "label_map":
            for k, v in checked.items():
                if not isinstance(k, str) and not is_finite_number(k):
                    raise ConfigError(
                        f"Config key '{where}label_map' maps labels (numbers or "
                        f"strings); got the key {k!r:.80} ({type(k).__name__})."
                    )
                if not is_finite_number(v):
                    raise ConfigError(
                        f"Config key 'label_map.{k}' must map to a finite number (the "
                        f"new label); got {v!r:.80} ({type(v).__name__})."
                    )


def _validate(cfg: CleanConfig) -> None:
    for f in dataclasses.fields(cfg):
        _check_value(f.name, getattr(cfg, f.name))
    _check_threshold(cfg, "")
    if not 0 <= cfg.max_row_loss <= 1:  # NaN fails both comparisons
        raise ConfigError(
            "Config key 'max_row_loss' must be a share of rows in [0, 1]; got "
            f"{cfg.max_row_loss!r}."
        )
    if cfg.n_classes is not None and cfg.n_classes < 2:
        raise ConfigError(
            f"Config key 'n_classes' must be >= 2; got {cfg.n_classes!r}."
        )
    if cfg.sample_size < 1000:
        raise ConfigError(
            f"Config key 'sample_size' must be >= 1000; got {cfg.sample_size!r}."
        )
    for mapping in ("ratios", "columns"):
        bad = [k for k in getattr(cfg, mapping) if not isinstance(k, str)]
        if bad:
            raise ConfigError(
                f"Config key '{mapping}' must be keyed by column names (strings); got "
                f"{bad[0]!r:.80} ({type(bad[0]).__name__})."
            )
    for name, pair in cfg.ratios.items():
        if (
            not isinstance(pair, list | tuple)
            or len(pair) != 2
            or not all(isinstance(p, str) for p in pair)
        ):
            raise ConfigError(
                f"Config key 'ratios.{name}' must be [numerator, denominator] column "
                f"names; got {pair!r}."
            )
        if name in pair or not name or "\x00" in name:
            raise ConfigError(
                f"Config key 'ratios.{name}' names the derived column {name!r}, which "
                "must be a new, non-empty name without NUL characters, not one of its "
                "own inputs. Fix: rename the ratio."
            )
    for pattern, override in cfg.columns.items():
        if not isinstance(override, dict):
            raise ConfigError(
                f"Config key 'columns.{pattern}' must be a mapping of column policies; "
                f"got {override!r}."
            )
        for key, value in override.items():
            if key not in COLUMN_FIELDS:
                raise ConfigError(
                    f"Unknown per-column key {key!r} in 'columns.{pattern}'."
                    f"{closest(str(key), COLUMN_FIELDS)} Valid keys: "
                    f"{', '.join(COLUMN_FIELDS)}."
                )
            _check_value(key, value, where=f"columns.{pattern}.")
        values = {name: getattr(cfg, name) for name in COLUMN_FIELDS}
        _check_threshold(ColumnPolicy(**{**values, **override}), f"columns.{pattern}.")


def _check_threshold(policy: ColumnPolicy, where: str) -> None:
    k = policy.outlier_threshold
    if k is not None and not k > 0:  # `not >` also refuses NaN
        raise ConfigError(
            f"Config key '{where}outlier_threshold' must be > 0; got {k!r}."
        )
    if policy.outliers == "quantile" and k is not None and not (0 < k < 0.5):
        raise ConfigError(
            f"With outliers='quantile', '{where}outlier_threshold' is the tail "
            f"probability q and must be in (0, 0.5); got {k!r}."
        )
