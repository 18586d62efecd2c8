"""RFM benchmark: ``python bench/rfm.py [--lines 1000000] [--repeat 5]``.

Prints medians (seconds), ratios against peers run in the same process, and peak memory:
1. core compute: 1M order lines scored and segmented by ``cbe_core.customers.rfm.analyse`` against the
   common pandas recipe (groupby with lambdas, then ``qcut`` on ranks, then a regex segment map);
2. end to end from the same CSV: ``cbe_core.ingest.read_table`` + ``analyse`` against one DuckDB SQL query
   (read, drop cancelled, aggregate, NTILE(5) scores, CASE segments);
3. export: 100k customers to one workbook with ``cbe_core.export.segments_workbook``.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cbe_core import export  # noqa: E402
from cbe_core.customers import rfm  # noqa: E402


def generate(lines: int, seed: int = 1) -> pd.DataFrame:
    """Canonical order lines: ~lines/10 customers (Zipf-like activity), ~2.5 lines per order,
    3% return lines, 2% cancelled, two years of dates."""
    rng = np.random.default_rng(seed)
    n_orders = lines * 2 // 5
    n_cust = max(lines // 10, 10)
    weights = 1.0 / np.arange(1, n_cust + 1) ** 0.7
    cust_of_order = rng.choice(n_cust, n_orders, p=weights / weights.sum())
    order_day = rng.integers(0, 730, n_orders)
    order_of_line = np.sort(rng.integers(0, n_orders, lines))
    start = np.datetime64("2024-11-01T00:00:00", "ns")
    seconds = order_day[order_of_line] * 86400 + rng.integers(0, 86400, lines)
    qty = rng.integers(1, 4, lines)
    ret = rng.random(lines) < 0.03
    qty[ret] = -1
    cancelled = rng.random(n_orders) < 0.02
    return pd.DataFrame({
        "order_id": pd.Series(np.char.add("O", order_of_line.astype(str)), dtype="str"),
        "order_date": start + seconds.astype("timedelta64[s]").astype("timedelta64[ns]"),
        "sku": pd.Series(np.char.add("S", rng.integers(0, 300, lines).astype(str)), dtype="str"),
        "quantity": qty.astype("int64"),
        "unit_price": np.round(rng.uniform(3, 80, lines), 2),
        "customer_id": pd.Series(np.char.add("C", cust_of_order[order_of_line].astype(str)), dtype="str"),
        "status": pd.Series(np.where(cancelled[order_of_line], "cancelled", "paid"), dtype="str"),
        "cancelled": cancelled[order_of_line],
    })


SEG_MAP = {  # the regex R-F map of the common notebook recipe
    r"[1-2][1-2]": "hibernating", r"[1-2][3-4]": "at_risk", r"[1-2]5": "cant_lose",
    r"3[1-2]": "about_to_sleep", r"33": "need_attention", r"[3-4][4-5]": "loyal", r"41": "promising",
    r"51": "new", r"[4-5][2-3]": "potential_loyalist", r"5[4-5]": "champions",
}


def pandas_recipe(orders: pd.DataFrame) -> pd.DataFrame:
    df = orders[~orders["cancelled"]].copy()
    df["revenue"] = df["quantity"] * df["unit_price"]
    as_of = df["order_date"].max().normalize() + pd.Timedelta(days=1)
    g = df.groupby("customer_id").agg(
        recency=("order_date", lambda x: (as_of - x.max()).days),
        frequency=("order_id", lambda x: x.nunique()),
        monetary=("revenue", lambda x: x.sum()),
    )
    g["r"] = pd.qcut(g["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1])
    g["f"] = pd.qcut(g["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    g["m"] = pd.qcut(g["monetary"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    g["segment"] = (g["r"].astype(str) + g["f"].astype(str)).replace(SEG_MAP, regex=True)
    return g


DUCKDB_SQL = """
WITH lines AS (
  SELECT customer_id, order_id, CAST(order_date AS DATE) AS day, quantity * unit_price AS value, \
quantity, unit_price
  FROM read_csv('{path}', header = true)
  WHERE lower(status) NOT IN ('cancelled', 'refunded') AND customer_id IS NOT NULL
),
cust AS (
  SELECT customer_id,
         DATE '{as_of}' - max(day) FILTER (WHERE quantity > 0 AND unit_price > 0) AS recency_days,
         count(DISTINCT order_id) FILTER (WHERE quantity > 0 AND unit_price > 0) AS frequency,
         sum(value) FILTER (WHERE quantity > 0 AND unit_price > 0 OR quantity < 0) AS monetary
  FROM lines GROUP BY customer_id HAVING frequency > 0
),
scored AS (
  SELECT *, 6 - ntile(5) OVER (ORDER BY recency_days) AS r, ntile(5) OVER (ORDER BY frequency) AS f,
         ntile(5) OVER (ORDER BY monetary) AS m FROM cust
)
SELECT *, CASE
  WHEN r = 5 AND (f + m + 1) // 2 >= 4 THEN 'champions'
  WHEN r IN (3, 4) AND (f + m + 1) // 2 >= 4 THEN 'loyal'
  WHEN r >= 4 AND (f + m + 1) // 2 IN (2, 3) THEN 'potential_loyalist'
  WHEN r = 5 THEN 'new' WHEN r = 4 THEN 'promising'
  WHEN r = 3 AND (f + m + 1) // 2 = 3 THEN 'need_attention' WHEN r = 3 THEN 'about_to_sleep'
  WHEN (f + m + 1) // 2 = 5 THEN 'cant_lose' WHEN (f + m + 1) // 2 >= 3 THEN 'at_risk'
  WHEN r = 2 THEN 'hibernating' ELSE 'lost' END AS segment
FROM scored
"""


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--export-customers", type=int, default=100_000)
    args = ap.parse_args()

    orders = generate(args.lines)
    n_cust = orders["customer_id"].nunique()
    print(f"generated {len(orders):,} lines, {orders['order_id'].nunique():,} orders, {n_cust:,} customers")

    ours, result = timed(lambda: rfm.analyse(orders), args.repeat)
    peer, recipe = timed(lambda: pandas_recipe(orders), max(1, args.repeat // 2))
    print(f"[core] customers.rfm.analyse         median {ours:8.3f} s")
    print(f"[core] pandas groupby-lambda + qcut  median {peer:8.3f} s   ratio {peer / ours:6.1f}x faster"
          f"   (target >= 10x and < 0.5 s: {'OK' if peer / ours >= 10 and ours < 0.5 else 'MISSED'})")
    print(f"[core] peak traced memory of analyse: {peak_mb(lambda: rfm.analyse(orders)):.0f} MB")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.csv"
        orders.drop(columns=["cancelled"]).to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S")
        size = path.stat().st_size / 2**20
        try:
            from cbe_core.ingest import read_table

            def e2e():
                frame, _ = read_table(path, "orders")
                return rfm.analyse(frame)

            e2e_ours, e2e_res = timed(e2e, max(1, args.repeat // 2))
        except ImportError:
            e2e_ours, e2e_res = float("nan"), None
        import duckdb

        as_of = result.as_of.date().isoformat()
        sql = DUCKDB_SQL.format(path=path, as_of=as_of)

        def duck():
            con = duckdb.connect()
            try:
                return con.execute(sql).df()
            finally:
                con.close()

        e2e_duck, duck_res = timed(duck, max(1, args.repeat // 2))
        print(f"[e2e]  CSV {size:.0f} MB: read_table + analyse median {e2e_ours:8.3f} s")
        print(f"[e2e]  one DuckDB SQL query             median {e2e_duck:8.3f} s   "
              f"ours/duckdb {e2e_ours / e2e_duck:5.2f}")
        if e2e_res is not None:
            same = len(duck_res) == len(e2e_res.customers)
            print(f"[e2e]  same customers scored: {same} ({len(e2e_res.customers):,} vs {len(duck_res):,})")

    # export: N customers drawn from a larger run (every segment present, contact fields added)
    many = generate(args.export_customers * 13, seed=2)
    res = rfm.analyse(many)
    customers = res.customers
    if len(customers) > args.export_customers:
        customers = customers.sample(args.export_customers, random_state=0)
        customers = customers.sort_index()
    customers = customers.assign(email=customers["customer_id"] + "@example.com",
                                 customer_name="Name " + customers["customer_id"])
    t_export, data = timed(lambda: export.segments_workbook(customers), 3)
    export_peak = peak_mb(lambda: export.segments_workbook(customers))
    print(f"[xlsx] {len(customers):,} customers (median of 3), {len(data) / 2**20:.1f} MB workbook: "
          f"{t_export:.2f} s   (target < 10 s: {'OK' if t_export < 10 else 'MISSED'}); "
          f"peak traced memory {export_peak:.0f} MB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"[mem]  peak resident set size of the whole run: {rss:.0f} MB")


if __name__ == "__main__":
    main()
