"""Benchmark: the profit waterfall over 1M order lines with 30 days of the Date Range Report, and the
restock plan of 1,000 SKUs.

    python bench/profit.py [--repeat 5] [--lines 1000000] [--skus 1000]

Data: ``cbe_core.sample.generate_orders(1M)`` with its lines spread over 1,000 SKUs (Zipf-like
popularity, 4 categories, weights and sizes), a Date Range Report of the Amazon lines of the last 30
days (order rows, refund rows for the return lines, fee rows), ads for 200 advertised SKUs every day and
an inventory snapshot of every SKU in two warehouses.

Prints, per run and as the median:
- seconds for ``profit.profit`` (the whole period, every source) and its peer in the same process:
  one pandas groupby of the same lines by SKU and channel summing revenue, fees and shipping (the
  least any implementation reads), as a ratio;
- seconds for ``logistics.restock_plan`` of 1,000 SKUs (seasonal forecast, cover, reorder, overstock
  and storage fees, top-up costs) and its peer: the single-SKU reorder point done SKU by SKU as the
  page did before (``demand_stats`` + ``reorder_point`` per SKU), measured on 20 SKUs and scaled;
- the two together against the target: under 3 s of core compute.

Forecast engine, measured once outside this script (statsforecast 2.1.1 installed in a throw-away
virtualenv, since it requires pandas < 3): ``import statsforecast`` 3.2 s; SeasonalNaive over 1,000
SKUs x 365 days, 120 days ahead, 0.8 s; AutoETS (weekly season) 202 s. The numpy model here needs no
import beyond numpy/pandas.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cbe_core import logistics as lg  # noqa: E402
from cbe_core import profit as pf  # noqa: E402
from cbe_core.sample import generate_orders  # noqa: E402


def make_store(lines: int, n_sku: int, seed: int = 5) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    orders = generate_orders(lines, seed=seed)
    pop = 1.0 / np.arange(1, n_sku + 1) ** 0.8
    skus = np.array([f"SKU-{i:04d}" for i in range(n_sku)], dtype=object)
    cats = np.array(["kitchen", "home", "beauty", "outdoor"], dtype=object)[rng.integers(0, 4, n_sku)]
    price = rng.uniform(6, 60, n_sku).round(2)
    products = pd.DataFrame(
        {
            "sku": pd.array(skus, dtype="str"),
            "name": pd.array(skus, dtype="str"),
            "category": pd.array(cats, dtype="str"),
            "price": price,
            "unit_cost": (price * rng.uniform(0.2, 0.35, n_sku)).round(2),
            "weight_kg": rng.gamma(2.0, 0.3, n_sku).round(3) + 0.05,
            "length_cm": rng.uniform(8, 45, n_sku).round(1),
            "width_cm": rng.uniform(5, 30, n_sku).round(1),
            "height_cm": rng.uniform(1, 20, n_sku).round(1),
        }
    )
    # spread the lines over the SKUs by popularity (a return keeps its sale's SKU: same order id)
    pick = rng.choice(n_sku, len(orders), p=pop / pop.sum())
    first = ~orders["order_id"].duplicated()
    sku_of_order = pd.Series(pick[first.to_numpy()], index=orders.loc[first, "order_id"])
    code = orders["order_id"].map(sku_of_order).to_numpy()
    orders["sku"] = pd.array(skus[code], dtype="str")
    orders["unit_price"] = price[code]
    orders["unit_cost"] = products["unit_cost"].to_numpy()[code]
    orders["platform_fee"] = np.round(np.abs(orders["quantity"]) * price[code] * 0.15, 2) * np.sign(
        orders["quantity"]
    )
    end = orders.loc[orders["quantity"] > 0, "order_date"].max().normalize()  # the last sale
    # Date Range Report: Amazon lines of the last 30 days
    last = orders.loc[
        (orders["order_date"] > end - pd.Timedelta(days=30))
        & (orders["channel"] == "amazon")
        & ~orders["cancelled"]
    ]
    sale = last["quantity"] > 0
    tx = pd.DataFrame(
        {
            "date": last["order_date"] + pd.Timedelta(hours=6),
            "type": np.where(sale, "Order", "Refund"),
            "order_id": last["order_id"],
            "sku": last["sku"],
            "quantity": np.abs(last["quantity"]),
            "product_sales": last["quantity"] * last["unit_price"],
            "selling_fees": -last["platform_fee"],
            "fba_fees": np.where(sale, -last["shipping_cost"], 0.0),
        }
    )
    fees = pd.DataFrame(
        {
            "date": pd.date_range(end - pd.Timedelta(days=29), end, freq="7D"),
            "type": "Service Fee",
            "description": "Subscription",
            "other_transaction_fees": -39.99,
        }
    )
    tx = pd.concat([tx, fees], ignore_index=True)
    for c in ("product_sales", "selling_fees", "fba_fees", "other_transaction_fees"):
        tx[c] = tx[c].fillna(0.0)
    tx["total"] = tx[["product_sales", "selling_fees", "fba_fees", "other_transaction_fees"]].sum(axis=1)
    for c in ("type", "order_id", "sku", "description"):
        tx[c] = tx[c].astype("str")
    days = pd.date_range(orders["order_date"].min().normalize(), end, freq="D")
    adv = skus[:200]
    ads = pd.DataFrame(
        {
            "date": np.repeat(days, len(adv)),
            "campaign": "SP",
            "sku": np.tile(adv, len(days)),
            "spend": rng.gamma(2.0, 1.5, len(days) * len(adv)).round(2),
        }
    )
    ads["campaign"] = ads["campaign"].astype("str")
    ads["sku"] = ads["sku"].astype("str")
    inv = pd.DataFrame(
        {
            "date": end,
            "sku": np.repeat(skus, 2),
            "warehouse": np.tile(["FBA US", "Shenzhen"], n_sku),
            "on_hand": rng.integers(0, 400, 2 * n_sku),
            "inbound": rng.integers(0, 100, 2 * n_sku),
            "reserved": rng.integers(0, 5, 2 * n_sku),
        }
    )
    inv["sku"] = inv["sku"].astype("str")
    inv["warehouse"] = inv["warehouse"].astype("str")
    return {"orders": orders, "products": products, "transactions": tx, "ads": ads, "inventory": inv}


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--skus", type=int, default=1000)
    args = ap.parse_args()
    t0 = time.perf_counter()
    s = make_store(args.lines, args.skus)
    print(
        f"data: {len(s['orders']):,} order lines, {len(s['transactions']):,} report rows (30 days), "
        f"{len(s['ads']):,} ads rows, {s['inventory']['sku'].nunique():,} SKUs in stock "
        f"(made in {time.perf_counter() - t0:.1f} s)"
    )
    o, p = s["orders"], s["products"]
    pf.profit(o.head(1000), None, p)  # warm caches (fee, rate-card and FX tables)
    prof, peer_p, rest, peer_r, both = [], [], [], [], []
    for r in range(args.repeat):
        sec_p, res = timed(pf.profit, o, s["ads"], p, s["transactions"])
        t1 = time.perf_counter()
        o.assign(rev=o["quantity"] * o["unit_price"]).groupby(["sku", "channel"])[
            ["rev", "platform_fee", "shipping_cost"]
        ].sum()
        peer_p.append(time.perf_counter() - t1)
        sec_r, plan = timed(lg.restock_plan, o, s["inventory"], products=p)
        t2 = time.perf_counter()
        card = lg.default_rate_cards().query("service == 'FBA (sea inbound)' and dest == 'US'").iloc[0]
        lead, lead_sd = lg.lead_time_stats(card["lead_days_min"], card["lead_days_max"])
        for sku in plan.plan["sku"].iloc[:20]:
            d, sd = lg.demand_stats(o, sku, as_of=plan.as_of)
            lg.reorder_point(d, sd, lead, lead_sd)
        peer_r.append((time.perf_counter() - t2) * len(plan.plan) / 20)
        prof.append(sec_p)
        rest.append(sec_r)
        both.append(sec_p + sec_r)
        print(
            f"run {r + 1}: profit {sec_p:.3f} s ({len(res.by_sku):,} SKUs, net {res.store['net']:,.0f}), "
            f"groupby peer {peer_p[-1]:.3f} s; restock {sec_r:.3f} s ({len(plan.plan):,} SKUs), "
            f"SKU-by-SKU peer {peer_r[-1]:.1f} s; together {both[-1]:.3f} s"
        )
    mp, mr, mb = statistics.median(prof), statistics.median(rest), statistics.median(both)
    print(
        f"median: profit {mp:.3f} s = {mp / statistics.median(peer_p):.1f}x one groupby of the lines; "
        f"restock {mr:.3f} s = 1/{statistics.median(peer_r) / mr:.0f} of the SKU-by-SKU reorder point; "
        f"together {mb:.3f} s (target < 3 s: {'met' if mb < 3 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
