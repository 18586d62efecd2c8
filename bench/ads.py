"""Benchmark: the ads decisions (figures, break-even targets, harvest, negate with p-values, bids with
empirical Bayes, listing coverage) on a 1M-row Sponsored Products search term report.

    python bench/ads.py [--rows 1000000] [--repeat 3]

The report: 90 days, 60 campaigns x 3 ad groups (auto, broad, exact), 300 SKUs with listing text,
about 150,000 distinct search terms drawn from a 3,000-word vocabulary (a few terms get most clicks,
as in real reports). Prints seconds (median of the repeats) of core compute (frames in memory, as the
page has them), the same for a peer in the same process (one bare pandas groupby of the five sums per
campaign, ad group, targeting, match type and search term: the least any search-term tool must do),
their ratio, and the peak memory traced during one run. Target: under 3 s on a 2-core machine. CPU
seconds of the process are printed too: on a shared machine wall seconds grow with the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cbe_core.ads import analyse  # noqa: E402


def _take(values, idx: np.ndarray) -> pd.arrays.ArrowStringArray:
    """``values[idx]`` as a pandas ``str`` array, converting only the distinct values."""
    return pd.array(np.asarray(values, dtype=object), dtype="str").take(idx)


def make_report(n_rows: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    vocab = np.char.add("w", np.arange(3000).astype(str)).astype(object)
    n_sku, n_camp = 300, 60
    skus = np.char.add("SKU-", np.char.zfill(np.arange(n_sku).astype(str), 4)).astype(object)
    def text(words: int):
        return _take([" ".join(rng.choice(vocab, words)) for _ in range(n_sku)], np.arange(n_sku))

    products = pd.DataFrame({"sku": _take(skus, np.arange(n_sku)), "name": text(8), "category": "misc",
                             "price": rng.uniform(10, 60, n_sku).round(2), "bullet_points": text(30),
                             "search_terms_backend": text(15)})
    products["unit_cost"] = (products["price"] * rng.uniform(0.2, 0.4, n_sku)).round(2)
    n_terms = 150_000
    words = rng.integers(0, len(vocab), (n_terms, 3))
    terms = np.char.add(np.char.add(np.char.add(vocab[words[:, 0]].astype(str), " "),
                                    np.char.add(vocab[words[:, 1]].astype(str), " ")),
                        vocab[words[:, 2]].astype(str)).astype(object)
    term_sku = rng.integers(0, n_sku, n_terms)
    term_camp = term_sku % n_camp
    term_ag = rng.integers(0, 3, n_terms)                      # 0 auto, 1 broad, 2 exact
    term_conv = rng.beta(2, 20, n_terms)
    term_conv[rng.random(n_terms) < 0.1] = 0.0                  # terms that never convert
    # a few terms get many rows (Zipf), the long tail the rest
    pick = np.where(rng.random(n_rows) < 0.6, np.minimum(rng.zipf(1.3, n_rows) - 1, n_terms - 1),
                    rng.integers(0, n_terms, n_rows))
    pick = rng.permutation(n_terms)[pick]
    days = pd.date_range("2026-08-01", periods=90, freq="D").to_numpy()
    clicks = 1 + rng.poisson(1.0, n_rows)
    orders = rng.binomial(clicks, term_conv[pick])
    price = products["price"].to_numpy()[term_sku[pick]]
    ag = term_ag[pick]
    targets = np.array(["close-match", "loose-match", "substitutes", "complements"], dtype=object)
    targeting = np.where(ag == 0, targets[pick % 4], np.where(ag == 1, vocab[words[pick, 0]], terms[pick]))
    st = pd.DataFrame({
        "date": days[rng.integers(0, 90, n_rows)],
        "campaign": _take([f"Campaign {i}" for i in range(n_camp)], term_camp[pick]),
        "ad_group": _take(["Auto", "Broad", "Exact"], ag),
        "targeting": pd.array(targeting, dtype="str"),
        "match_type": _take(["-", "BROAD", "EXACT"], ag),
        "search_term": _take(terms, pick),
        "impressions": clicks * rng.integers(50, 400, n_rows),
        "clicks": clicks,
        "spend": (clicks * rng.uniform(0.3, 1.5, n_rows)).round(2),
        "orders": orders,
        "sales": (orders * price).round(2),
        "sku": _take(skus, term_sku[pick]),
        "currency": "USD",
    })
    return st, products


def decide(st, products):
    return analyse(st, products)


def peer(st):
    return st.groupby(["campaign", "ad_group", "targeting", "match_type", "search_term"], observed=True)[
        ["impressions", "clicks", "spend", "orders", "sales"]].sum()


def timed(fn, *args, repeat=3):
    """(median wall seconds, wall runs, median CPU seconds of this process)."""
    out, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn(*args)
        out.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(out), out, statistics.median(cpu)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    st, products = make_report(a.rows)
    print(f"data: {len(st):,} search-term rows, {st['search_term'].nunique():,} distinct terms, "
          f"{len(products)} SKUs (made in {time.perf_counter() - t0:.1f} s)")
    res = decide(st, products)  # warm-up
    med, runs, cpu = timed(decide, st, products, repeat=a.repeat)
    pmed, _, pcpu = timed(peer, st, repeat=a.repeat)
    tracemalloc.start()
    decide(st, products)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"ads decisions ({len(res.terms):,} term rows in the window, {len(res.harvest):,} to harvest, "
          f"{len(res.negate):,} to negate, {len(res.bid_changes):,} bid changes, "
          f"{len(res.coverage.words):,} missing listing words): "
          f"median {med:.2f} s  runs {', '.join(f'{x:.2f}' for x in runs)}  (CPU {cpu:.2f} s)")
    print(f"peer (pandas groupby of 5 sums by campaign, ad group, targeting, match type, term): "
          f"median {pmed:.2f} s (CPU {pcpu:.2f} s)")
    print(f"ratio decisions / peer: {med / pmed:.2f}x wall, {cpu / pcpu:.2f}x CPU")
    print(f"load average while running: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"(wall seconds grow with it; CPU seconds much less)")
    print(f"peak memory traced during one run: {peak / 2**20:.0f} MiB")
    print(f"target < 3 s of core compute: wall {'met' if med < 3 else 'NOT met'}, "
          f"CPU {'met' if cpu < 3 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
