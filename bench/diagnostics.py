"""Benchmark: the whole diagnosis (KPIs for the period, previous period and last year, comparisons,
LMDI decomposition overall/per SKU/per source, per-campaign table, daily anomalies and findings) on
1M order lines with matching traffic and ads.

    python bench/diagnostics.py [--lines 1000000] [--repeat 3]

Prints seconds (median of the repeats) of core compute (frames already in memory, as the page has
them), the same for a peer in the same process (one bare pandas named aggregation of revenue,
units and distinct orders per day and SKU: the least any diagnosis must do), their ratio, and the
peak memory traced by tracemalloc during one diagnosis. Target: under 2 s on a 2-core machine.
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

from cbe_core import diagnostics as dg  # noqa: E402
from cbe_core.sample import SOURCES, generate_orders, products_frame  # noqa: E402


def matching_traffic_and_ads(orders: pd.DataFrame, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily traffic per SKU and source whose orders agree with the order lines, and daily ads per
    campaign and SKU (vectorised)."""
    rng = np.random.default_rng(seed)
    sales = orders.loc[~orders["cancelled"] & (orders["quantity"] > 0)]
    per = sales.assign(date=sales["order_date"].dt.normalize()).groupby(["date", "sku"]).agg(
        orders=("order_id", "nunique"), units=("quantity", "sum")).reset_index()
    share = np.array([0.45, 0.1, 0.15, 0.12, 0.08, 0.1])
    n = len(per)
    t = per.loc[np.repeat(np.arange(n), len(SOURCES))].reset_index(drop=True)
    t["source"] = np.tile(np.array(SOURCES, dtype=object), n)
    w = np.tile(share, n)
    t["orders"] = rng.binomial(t["orders"].to_numpy(), w)
    t["units"] = t["orders"]
    t["sessions"] = t["orders"] * 15 + rng.poisson(20 * w)
    t["page_views"] = (t["sessions"] * 1.6).astype(np.int64)
    t["bounces"] = rng.binomial(t["sessions"].to_numpy(), 0.4)
    t["date_end"] = t["date"]
    ads = t.loc[t["source"] == "amazon_ads", ["date", "sku", "sessions", "orders"]].copy()
    ads["campaign"] = "SP - " + ads["sku"].str[:3]
    ads["clicks"] = ads["sessions"]
    ads["impressions"] = ads["clicks"] * 120
    ads["spend"] = ads["clicks"] * 0.9
    ads["ad_orders"] = ads["orders"]
    ads["ad_sales"] = ads["orders"] * 28.0
    ads["date_end"] = ads["date"]
    return t, ads.drop(columns=["sessions", "orders"])


def diagnose(orders, traffic, ads, products):
    return dg.run_all(orders, traffic, ads, products, start="2026-08-01", end="2026-10-31")


def peer(orders):
    o = orders.assign(date=orders["order_date"].dt.normalize(),
                      revenue=orders["quantity"] * orders["unit_price"])
    return o.groupby(["date", "sku"]).agg(revenue=("revenue", "sum"), units=("quantity", "sum"),
                                          orders=("order_id", "nunique"))


def timed(fn, *args, repeat=3):
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(*args)
        out.append(time.perf_counter() - t0)
    return statistics.median(out), out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    orders = generate_orders(a.lines)
    traffic, ads = matching_traffic_and_ads(orders)
    products = products_frame()
    print(f"data: {len(orders):,} order lines, {len(traffic):,} traffic rows, {len(ads):,} ads rows "
          f"(made in {time.perf_counter() - t0:.1f} s)")
    res = diagnose(orders, traffic, ads, products)  # warm-up
    med, runs = timed(diagnose, orders, traffic, ads, products, repeat=a.repeat)
    pmed, pruns = timed(peer, orders, repeat=a.repeat)
    tracemalloc.start()
    diagnose(orders, traffic, ads, products)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"diagnosis (KPIs x3 periods, comparison, decomposition, tables, anomalies, "
          f"{len(res.findings)} findings): "
          f"median {med:.2f} s  runs {', '.join(f'{x:.2f}' for x in runs)}")
    print(f"peer (pandas groupby day x sku: revenue, units, nunique orders): median {pmed:.2f} s")
    print(f"ratio diagnosis / peer: {med / pmed:.2f}x")
    print(f"peak memory traced during one diagnosis: {peak / 2**20:.0f} MiB")
    print(f"target < 2 s: {'met' if med < 2 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
