"""The benchmark data: N × 50 float64, deterministic (fixed seed), cached on disk.

Columns:

- ``x00`` … ``x44``: 45 features of assorted shapes (normal, lognormal,
  uniform, Student t) and scales (1e-2 … 1e4);
- ``num`` (an amount, lognormal) and ``den`` (a count, Poisson + 1, exactly 0
  in 0.1% of the rows), and ``ratio = num / den`` (+inf where ``den`` is 0);
- ``const_a``, ``const_b``: two constant columns.

Into the 45 features and ``num``: 2% NaN, 0.1% ±inf and 0.1% extreme outliers
(the column's scale times 1e6 … 1e12, random sign) at random rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

SEED = 20261122
N_FEATURES = 45
NAN_SHARE, INF_SHARE, OUTLIER_SHARE, ZERO_DEN_SHARE = 0.02, 0.001, 0.001, 0.005
NAMES = [f"x{j:02d}" for j in range(N_FEATURES)] + [
    "num",
    "den",
    "ratio",
    "const_a",
    "const_b",
]
CACHE = Path(__file__).parent / "data"


def generate(n: int) -> np.ndarray:
    """The N × 50 array, column-major (every column contiguous)."""
    rng = np.random.default_rng(SEED)
    out = np.empty((n, len(NAMES)), dtype=np.float64, order="F")
    for j in range(N_FEATURES):
        scale = 10.0 ** rng.uniform(-2, 4)
        shape = j % 4
        if shape == 0:
            col = rng.normal(rng.uniform(-5, 5) * scale, scale, n)
        elif shape == 1:
            col = scale * rng.lognormal(0.0, 0.75, n)
        elif shape == 2:
            col = rng.uniform(-scale, 3 * scale, n)
        else:
            col = scale * rng.standard_t(5, n)
        out[:, j] = col
        _inject(rng, out[:, j], scale)
    num = out[:, N_FEATURES]
    num[:] = np.round(np.exp(rng.normal(4.0, 0.5, n)), 2)
    _inject(rng, num, 50.0)
    den = out[:, N_FEATURES + 1]
    den[:] = 1 + rng.poisson(2.0, n)
    den[rng.integers(0, n, max(1, int(n * ZERO_DEN_SHARE)))] = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(num, den, out=out[:, N_FEATURES + 2])
    out[:, N_FEATURES + 3] = 1.0
    out[:, N_FEATURES + 4] = -7.25
    return out


def _inject(rng: np.random.Generator, col: np.ndarray, scale: float) -> None:
    """NaN, ±inf and extreme outliers at random rows of ``col`` (in place)."""
    n = len(col)
    k_out = max(1, int(n * OUTLIER_SHARE))
    rows = rng.integers(0, n, k_out)
    sign = rng.choice([-1.0, 1.0], k_out)
    col[rows] = sign * scale * 10.0 ** rng.uniform(6, 12, k_out)
    k_inf = max(1, int(n * INF_SHARE))
    col[rng.integers(0, n, k_inf)] = rng.choice([-np.inf, np.inf], k_inf)
    col[rng.integers(0, n, max(1, int(n * NAN_SHARE)))] = np.nan


def cached(n: int) -> Path:
    """The path of the cached array for ``n`` rows, generated on first use."""
    path = CACHE / f"synth_{n}x{len(NAMES)}_seed{SEED}.npy"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, generate(n))
        tmp.rename(path)
    return path


def load(n: int) -> np.ndarray:
    """The array for ``n`` rows (column-major, from the cache in bench/data/)."""
    return np.load(cached(n))
