"""Regenerate the sample data sets (deterministic). Ground truth: README.md."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).parent


def ecommerce() -> pl.DataFrame:
    rng = np.random.default_rng(20261122)
    n = 5000
    orders = 1 + rng.poisson(2.0, n)
    orders[[17, 503, 2920]] = 0  # D2: a zero denominator
    aov = np.exp(rng.normal(4.0, 0.3, n))
    gmv = np.round(aov * np.maximum(orders, 1), 2)
    gmv[4242] = 1.5e9  # D5: an outlier ~10^7 times the typical scale
    with np.errstate(divide="ignore"):
        gmv_per_order = gmv / orders  # +inf where orders == 0
    sessions = (3 + rng.poisson(6.0, n)).astype(np.int64)
    discount = np.round(rng.uniform(0.01, 0.5, n), 3)
    discount_mask = np.zeros(n, bool)
    discount_mask[[88, 1234, 3001]] = True  # D1: missing cells
    days = rng.integers(30, 2000, n)
    churned = (rng.uniform(size=n) < 0.2).astype(np.int64)
    churned[777] = 2  # D8: a stray label for a BCE loss
    shipping = np.round(rng.uniform(2.0, 9.0, n), 2).astype(str).astype(object)
    shipping[[64, 2048]] = "N/A"  # D11: numbers stored as strings, with tokens
    shipping[4000] = "free"  # ... and a cell that does not parse
    return pl.DataFrame(
        {
            "sessions": sessions,
            "orders": orders,
            "gmv": gmv,
            "gmv_per_order": gmv_per_order,
            "discount_rate": pl.Series(discount).scatter(
                np.flatnonzero(discount_mask), None
            ),
            "days_since_signup": days,
            "shipping_cost": shipping.tolist(),
            "churned": churned,
        }
    )


def sensors() -> pl.DataFrame:
    rng = np.random.default_rng(7)
    n = 3000
    start = datetime(2026, 3, 1)
    humidity = rng.uniform(30, 70, n)
    humidity[[5, 1500]] = np.nan  # D1: NaN, kept distinct from null in parquet
    lux = np.round(np.exp(rng.normal(6.0, 0.25, n)), 1)
    lux[[10, 999, 2500]] = 0.0  # D4: zeros in a column that goes through log
    rul = np.round(rng.gamma(4.0, 50.0, n), 1)
    rul[[42, 1042]] = -1.0  # D8: negative targets for a Poisson loss
    return pl.DataFrame(
        {
            "timestamp": [start + timedelta(minutes=5 * i) for i in range(n)],
            "sensor_id": [f"S{i % 20:02d}" for i in range(n)],
            "temperature_c": np.round(rng.normal(20, 4, n), 2),
            "pressure_pa": np.round(rng.normal(101325, 250, n), 1),  # D9: > 65504
            "supply_voltage": np.full(n, 3.3),  # D7: constant
            "humidity_pct": pl.Series(humidity, nan_to_null=False).scatter(
                [2999], None
            ),
            "strain": rng.normal(5e-6, 1e-6, n),  # D9: below float16's normal range
            "lux": lux,
            "rul_hours": rul,
        }
    )


if __name__ == "__main__":
    ecommerce().write_csv(HERE / "ecommerce.csv")
    sensors().write_parquet(HERE / "sensors.parquet")
    print("wrote", *(p.name for p in sorted(HERE.glob("*.*")) if p.suffix != ".py"))
