"""Benchmark: quote 20 services x 1,000 SKUs, and a Monte Carlo of 100,000 orders.

    python bench/logistics.py [--repeat 5]

Prints, per run and as the median:
- seconds for ``logistics.quote_many`` over 20 services (default US cards plus band rows and extra
  services, 29 card rows) x 1,000 SKUs: chargeable weight, prices with bands, warehouse and FBA costs,
  duties, delivery-time model, expected cost, as arrays; and the peer in the same process: the same
  quote done one SKU at a time (``quote_many`` on a one-row frame, as a loop would), measured on 50
  SKUs and scaled to 1,000;
- seconds for ``logistics.simulate_month`` of 100 months x 1,000 orders (100,000 orders) under a mix
  of 4 services; and the peer: the bare numpy draws the simulation cannot avoid (100,000 service
  choices, lognormal times and loss draws);
- peak memory of one quote and one simulation (tracemalloc, separate runs so tracing does not slow
  the timed ones). Target: each core compute under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cbe_core import logistics as lg  # noqa: E402


def make_cards() -> pd.DataFrame:
    """20 services to the US: the 8 default ones and 12 variants (other prices, divisors, bands)."""
    base = lg.default_rate_cards()
    base = base.loc[base["dest"] == "US"]
    extra = []
    rng = np.random.default_rng(3)
    parcel = base.loc[base["mode"].isin(["postal", "dedicated_line", "express"])]
    services = list(parcel["service"].unique())
    for i in range(12):
        rows = parcel.loc[parcel["service"] == services[i % len(services)]].copy()
        rows["service"] = f"{rows['service'].iloc[0]} v{i}"
        rows["per_kg_price"] = rows["per_kg_price"] * rng.uniform(0.8, 1.2)
        rows["volumetric_divisor"] = rng.choice([5000.0, 6000.0, 8000.0])
        extra.append(rows)
    cards = pd.concat([base, *extra], ignore_index=True)
    assert cards["service"].nunique() == 20
    return cards


def make_products(n: int = 1000, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "sku": [f"S{i:05d}" for i in range(n)],
            "weight_kg": rng.gamma(2.0, 0.4, n).round(3) + 0.02,
            "length_cm": rng.uniform(8, 60, n).round(1),
            "width_cm": rng.uniform(5, 40, n).round(1),
            "height_cm": rng.uniform(1, 30, n).round(1),
            "price": rng.uniform(5, 120, n).round(2),
        }
    )


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    cards, products = make_cards(), make_products()
    on = "2026-11-25"
    kw = dict(on=on, promise_days=10, units_per_month=500)
    lg.quote_many(cards, products.head(5), "US", **kw)  # warm caches (CSV reads, imports)

    q_times, loop_times, mc_times, draw_times = [], [], [], []
    options = lg.quote(0.8, "30x20x10", 25, "US", on=on).options
    shares = {
        "Dedicated line economy": 0.5,
        "Express courier": 0.1,
        "FBA (sea inbound)": 0.3,
        "Postal registered air mail": 0.1,
    }
    for r in range(args.repeat):
        sec, table = timed(lg.quote_many, cards, products, "US", **kw)
        q_times.append(sec)
        t0 = time.perf_counter()
        for i in range(50):
            lg.quote_many(cards, products.iloc[i : i + 1], "US", **kw)
        loop_times.append((time.perf_counter() - t0) * len(products) / 50)
        sec, sim = timed(lg.simulate_month, options, shares, orders=1000, runs=100, promise_days=10, seed=r)
        mc_times.append(sec)
        t0 = time.perf_counter()
        rng = np.random.default_rng(r)
        k = rng.choice(4, size=100_000, p=[0.5, 0.1, 0.3, 0.1])
        np.exp(rng.standard_normal(100_000))
        rng.random(100_000)
        draw_times.append(time.perf_counter() - t0)
        print(
            f"run {r + 1}: quote {q_times[-1]:.3f} s ({len(table):,} options), "
            f"loop peer {loop_times[-1]:.2f} s; "
            f"Monte Carlo {mc_times[-1]:.3f} s ({sim.orders * sim.runs:,} orders), "
            f"bare draws {draw_times[-1]:.4f} s"
        )
        del k

    tracemalloc.start()
    lg.quote_many(cards, products, "US", **kw)
    _, peak_q = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tracemalloc.start()
    lg.simulate_month(options, shares, orders=1000, runs=100, promise_days=10)
    _, peak_mc = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    mq, ml = statistics.median(q_times), statistics.median(loop_times)
    mm, md = statistics.median(mc_times), statistics.median(draw_times)
    print()
    print(
        f"quote 20 services x 1,000 SKUs: median {mq:.3f} s (target < 1 s); one SKU at a time: {ml:.2f} s "
        f"-> vectorised is {ml / mq:.0f}x faster; peak memory {peak_q / 2**20:.1f} MiB"
    )
    print(
        f"Monte Carlo 100,000 orders: median {mm:.3f} s (target < 1 s); bare numpy draws {md:.4f} s "
        f"-> {mm / md:.1f}x the unavoidable draws; peak memory {peak_mc / 2**20:.1f} MiB"
    )


if __name__ == "__main__":
    main()
