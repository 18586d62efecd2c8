"""Benchmark: customer-value models and cohorts on ~86,000 customers.

    python bench/customers_value.py [--lines 300000] [--repeat 3]

``cbe_core.sample.generate_orders(300_000)`` gives ~86,500 customers over 18 months. Prints medians
(seconds) of:
- one log-likelihood evaluation of Pareto/NBD, MBG/NBD and BG/NBD on the compressed patterns (identical
  customers merged, special functions once per distinct value) against the peer in the same process:
  the same likelihood summed customer by customer (``log_likelihood_each``-style arrays, the way
  lifetimes evaluates it);
- each model's maximum-likelihood fit;
- ``clv.fit(model="auto")`` end to end (summary, three fits on the check split, the chosen model
  refitted, Gamma-Gamma, predictions per customer);
- ``cohorts.build`` by month with the model's projection of young cohorts.
Issue 13 targets customer value on 86k customers under 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy import special

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cbe_core.customers import bgnbd, clv, cohorts, mbg, pareto  # noqa: E402
from cbe_core.customers._fitting import patterns  # noqa: E402
from cbe_core.sample.store import generate_orders  # noqa: E402


def per_customer_bg(params, x, t_x, T, mbg_variant: bool) -> float:
    """The peer: BG/NBD (or MBG/NBD) log-likelihood evaluated customer by customer, as lifetimes does."""
    r, alpha, a, b = params
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    if mbg_variant:
        a2 = special.betaln(a, b + x + 1) - special.betaln(a, b) - (r + x) * np.log(alpha + T)
        a4 = np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        return float(np.sum(a1 + a2 + np.logaddexp(a4, 0.0)))
    a2 = special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * np.log(alpha + T)
    with np.errstate(invalid="ignore", divide="ignore"):
        a3 = np.where(x > 0, special.betaln(a + 1, np.maximum(b + x - 1, 1e-300)) - special.betaln(a, b)
                      - (r + x) * np.log(alpha + t_x), -np.inf)
    return float(np.sum(a1 + np.logaddexp(a2, a3)))


def timed(fn, repeat: int) -> tuple[float, object]:
    runs, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=300_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    orders = generate_orders(args.lines, seed=1)
    last = cohorts.last_sale_day(orders)
    secs, (summ, _) = timed(lambda: clv.summary(orders, last), args.repeat)
    x, t_x, T = (summ[k].to_numpy(dtype=float) for k in ("frequency", "recency", "T"))
    pat = patterns(x, t_x, T)
    print(f"{len(summ):,} customers, {len(pat.x):,} distinct (x, t_x, T) patterns; summary {secs:.3f} s")
    peers = {"Pareto/NBD": lambda p: float(pareto.log_likelihood_each(p, x, t_x, T).sum()),
             "MBG/NBD": lambda p: per_customer_bg(p, x, t_x, T, True),
             "BG/NBD": lambda p: per_customer_bg(p, x, t_x, T, False)}
    for name, module, params in (("Pareto/NBD", pareto, (0.55, 10.6, 0.61, 11.7)),
                                 ("MBG/NBD", mbg, (0.52, 6.2, 0.89, 1.61)),
                                 ("BG/NBD", bgnbd, (0.24, 4.4, 0.79, 2.43))):
        fast, ll = timed(lambda m=module, p=params: float(np.sum(pat.w * m._log_likelihood(p, pat))),
                         args.repeat * 3)
        slow, ll_peer = timed(lambda n=name, p=params: peers[n](p), args.repeat)
        assert abs(ll - ll_peer) < 1e-6 * abs(ll_peer), (name, ll, ll_peer)
        fit_s, fit = timed(lambda m=module: m.fit(x, t_x, T), args.repeat)
        print(f"{name:<11} likelihood: compressed {fast * 1e3:7.1f} ms vs per customer {slow * 1e3:7.1f} ms "
              f"(x{slow / fast:.1f}); fit {fit_s:.2f} s, LL {fit.log_likelihood:,.1f}")
    auto_s, res = timed(lambda: clv.fit(orders, last, model="auto"), args.repeat)
    print(f"clv.fit(model='auto') end to end: {auto_s:.2f} s (chose {res.model.label})")
    co_s, co = timed(lambda: cohorts.build(orders, clv=res), args.repeat)
    print(f"cohorts.build by month with projections: {co_s:.2f} s ({len(co.cells):,} cells)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
