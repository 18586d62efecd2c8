"""Currency conversion benchmark: ``python bench/currency.py [--lines 1000000] [--repeat 3]``.

Prints medians (seconds), ratios against peers run in the same process, and peak traced memory:
1. 1M order lines in USD, EUR, GBP and JPY (two years of dates) converted into USD by
   ``cbe_core.ingest.currency.convert`` (rate of each line's date, last published rate on days without a
   fixing, originals kept) against ``pandas.merge_asof`` of the same lines on the same ECB table (the
   usual pandas recipe: one as-of join per currency pair, no originals, no report);
2. the same lines one at a time with ``currency_converter.CurrencyConverter.convert`` (the package's
   scalar API), timed on 20,000 lines and scaled;
3. a store already in the reporting currency (the common case): the cost of finding there is nothing to do.
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

from cbe_core.ingest import currency as fx  # noqa: E402


def generate(lines: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-11-01T00:00:00", "ns")
    seconds = rng.integers(0, 730 * 86400, lines).astype("timedelta64[s]").astype("timedelta64[ns]")
    cur = np.array(["USD", "EUR", "GBP", "JPY"], dtype=object)[rng.choice(4, lines, p=[0.5, 0.25, 0.15, 0.1])]
    return pd.DataFrame({
        "order_id": pd.Series(np.char.add("O", np.arange(lines).astype(str)), dtype="str"),
        "order_date": np.sort(start + seconds),
        "sku": pd.Series(np.char.add("S", rng.integers(0, 300, lines).astype(str)), dtype="str"),
        "quantity": rng.integers(1, 4, lines).astype("int64"),
        "unit_price": np.round(rng.uniform(3, 80, lines), 2),
        "currency": pd.Series(cur, dtype="str"),
        "unit_cost": np.round(rng.uniform(1, 30, lines), 2),
        "cancelled": np.zeros(lines, dtype=bool),
    })


def merge_asof_recipe(orders: pd.DataFrame, reporting: str = "USD") -> pd.Series:
    """The pandas way: per line, the last ECB fixing on or before its day, cross rate via EUR."""
    wide = fx.ecb_rates()
    long = wide.reset_index().melt(id_vars="date", var_name="currency", value_name="per_eur").dropna()
    long = long.sort_values("date")
    left = orders.assign(day=orders["order_date"].dt.normalize()).sort_values("day")
    out = pd.merge_asof(left, long, left_on="day", right_on="date", by="currency")
    dst = long.loc[long["currency"] == reporting, ["date", "per_eur"]].rename(columns={"per_eur": "dst"})
    out = pd.merge_asof(out.drop(columns="date"), dst, left_on="day", right_on="date")
    return out["unit_price"] * out["dst"] / out["per_eur"]


def timed(fn, repeat: int) -> tuple[float, object]:
    times, res = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), res


def peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    orders = generate(args.lines)
    fx.ecb_rates()  # the ECB file is read once per process (static data): not part of the timings
    print(f"generated {len(orders):,} lines in {orders['currency'].nunique()} currencies")
    ours, (frame, report) = timed(lambda: fx.convert(orders, "orders", "USD"), args.repeat)
    peer, peer_prices = timed(lambda: merge_asof_recipe(orders), args.repeat)
    same = np.allclose(np.sort(frame["unit_price"].to_numpy()), np.sort(peer_prices.to_numpy()), rtol=1e-12)
    print(f"[convert] ingest.currency.convert      median {ours:7.3f} s  "
          f"({report.lines_converted:,} converted, 2 money columns, originals kept)")
    print(f"[convert] pandas merge_asof recipe     median {peer:7.3f} s  ratio {peer / ours:5.2f}x "
          f"(ours / theirs {ours / peer:.2f}); same prices: {same}")
    peak = peak_mb(lambda: fx.convert(orders, "orders", "USD"))
    print(f"[convert] peak traced memory of convert: {peak:.0f} MB")
    from currency_converter import CurrencyConverter

    cc = CurrencyConverter(fallback_on_missing_rate=True, fallback_on_missing_rate_method="last_known")
    sample = orders.iloc[:20_000]
    t0 = time.perf_counter()
    for p, c, d in zip(sample["unit_price"], sample["currency"], sample["order_date"], strict=True):
        cc.convert(p, c, "USD", date=d.date())
    scalar = (time.perf_counter() - t0) * len(orders) / len(sample)
    print(f"[convert] CurrencyConverter.convert per line, scaled to {len(orders):,}: {scalar:7.1f} s  "
          f"ratio {scalar / ours:5.0f}x")
    usd = orders.assign(currency="USD")
    noop, _ = timed(lambda: fx.convert(usd, "orders", "USD"), args.repeat)
    print(f"[noop]    already in USD: convert median {noop:7.3f} s (returns the frame untouched)")


if __name__ == "__main__":
    main()
