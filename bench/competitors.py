"""Benchmark: competitor analysis on ~500 listings x 52 weekly snapshots plus 100k reviews.

    python bench/competitors.py [--repeat 3]

Prints, per run and as the median: seconds for the snapshot analysis (comparison, changes, movers,
gaps), for review mining and for the whole ``competitors.analyze(..., reviews)``; the ratio of our
phrase vectoriser against scikit-learn's ``CountVectorizer(ngram_range=(1, 3), binary=True)`` on the
same English reviews (the peer, run in the same process); and the peak memory of one full analysis
(tracemalloc, measured in a separate run so tracing does not slow the timed ones). Target: < 5 s.
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

from cbe_core import competitors as cp  # noqa: E402
from cbe_core.competitors import reviews as rv  # noqa: E402
from cbe_core.sample import competitors as sc  # noqa: E402


def make_data(n_categories: int = 56, own_per_category: int = 5, n_reviews: int = 100_000, seed: int = 1):
    rng = np.random.default_rng(seed)
    n = n_categories * own_per_category
    cats = np.repeat([f"cat{i:02d}" for i in range(n_categories)], own_per_category)
    products = pd.DataFrame({"sku": [f"S{i:04d}" for i in range(n)], "name": [f"item {i}" for i in range(n)],
                             "category": cats, "price": rng.uniform(8, 80, n).round(2), "unit_cost": 4.0})
    # the listing count is known only after generation; size reviews per listing to reach n_reviews
    probe = sc.generate({"products": products}, seed=seed, start="2025-11-03", end="2026-10-26",
                        reviews_per_listing=1)
    n_listings = probe["competitors"]["product_id"].nunique()
    data = sc.generate({"products": products}, seed=seed, start="2025-11-03", end="2026-10-26",
                       reviews_per_listing=max(1, round(n_reviews / n_listings)))
    return data["competitors"], data["reviews"]


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    comp, reviews = make_data()
    n_listings = comp["product_id"].nunique()
    print(f"data: {n_listings} listings x {comp['date'].nunique()} weekly snapshots = {len(comp):,} rows; "
          f"{len(reviews):,} reviews ({reviews['text'].str.contains(r'[一-鿿]').mean():.0%} Chinese)")
    from sklearn.feature_extraction.text import CountVectorizer

    cp.analyze(comp.head(1000), reviews.head(1000))  # warm imports
    english = reviews.loc[~reviews["text"].str.contains(r"[一-鿿]"), "text"]
    rows = []
    for i in range(args.repeat):
        t_snap, _ = timed(cp.analyze, comp)
        t_rev, _ = timed(rv.mine, reviews,
                         comp.drop_duplicates("product_id").rename(columns={"category": "set_id"})
                         [["product_id", "set_id", "brand", "is_own"]])
        t_all, res = timed(cp.analyze, comp, reviews)
        t_ours, _ = timed(rv._word_ngrams, english, 2, rv._stop_words())
        peer = CountVectorizer(ngram_range=(1, 3), binary=True, token_pattern=r"(?u)\b[^\W\d_][\w']*\b",
                               min_df=2)
        t_peer, _ = timed(peer.fit_transform, english)
        rows.append((t_snap, t_rev, t_all, t_ours, t_peer))
        print(f"run {i + 1}: snapshots {t_snap:.2f} s, reviews {t_rev:.2f} s, full analyze {t_all:.2f} s; "
              f"phrases ours {t_ours:.2f} s vs CountVectorizer {t_peer:.2f} s")
    med = [statistics.median(c) for c in zip(*rows, strict=True)]
    print(f"median: snapshots {med[0]:.2f} s, reviews {med[1]:.2f} s, full analyze {med[2]:.2f} s "
          f"({'under' if med[2] < 5 else 'OVER'} the 5 s target)")
    print(f"phrase vectoriser: ours {med[3]:.2f} s vs scikit-learn CountVectorizer {med[4]:.2f} s "
          f"-> {med[4] / med[3]:.1f}x faster")
    tracemalloc.start()
    cp.analyze(comp, reviews)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak memory of one full analyze (tracemalloc): {peak / 2**20:.0f} MiB")
    f = res.reviews.features
    print(f"found: {len(res.gaps)} gap rows, {len(f)} praised features, top: "
          + (f"{f.iloc[0]['brand']} '{f.iloc[0]['phrase']}' x{f.iloc[0]['ratio']:.1f}" if len(f) else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
