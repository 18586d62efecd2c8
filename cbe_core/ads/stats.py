"""The statistics behind the ads decisions: is a term's lack of orders evidence, and how far to trust a
term's own sales per click.

**Negation test.** A term had ``n`` clicks and ``k`` orders. Its pool (the advertised SKU, or the ad
group when the SKU is not known) had ``N`` clicks and ``K`` orders *without this term* (leave-one-out,
so a term is compared with its peers, not with itself). The pool's conversion rate ``p`` is uncertain:
its posterior is ``Beta(a, b)`` with ``a = K + m * p_store`` and ``b = N - K + m * (1 - p_store)``: a weak
prior of ``m`` pseudo-clicks (default 20) at the store-wide rate keeps tiny pools sensible. The null
hypothesis is that the term converts at least at ``r * p`` (``r`` = ``rate_ratio``, default one half:
"even half the SKU's rate"). The p-value is the probability of ``k`` or fewer orders in ``n`` clicks at
that rate:

- ``method="binomial"``: ``P = BinomCDF(k; n, r * E[p])`` with ``E[p] = a / (a + b)``;
- ``method="beta_binomial"`` (default): the rate ``q = r * p`` keeps the pool's uncertainty. ``q`` is
  given the Beta distribution with the same mean and variance as ``r * p`` (moments:
  ``E[q] = r a / (a + b)``, ``Var[q] = r^2 a b / ((a + b)^2 (a + b + 1))``), and
  ``P = BetaBinomCDF(k; n, alpha_q, beta_q)``. With a large pool it equals the binomial; with a small
  pool it is larger (more cautious).

Hand check (binomial, ``r = 1/2`` of a 10% rate, so 5%): 0 orders in 8 clicks has ``P = 0.95^8 = 0.663``
(no evidence: a flat "8 clicks without a sale" rule would have killed it), 0 in 60 clicks has
``P = 0.95^60 = 0.046`` (below the default 0.05: negate).

**Shrinkage (empirical Bayes).** A unit (term or keyword) with few clicks is pulled toward its ad group:
``sales_per_click = (sales + k * group_sales_per_click) / (clicks + k)``: ``k`` pseudo-clicks at the ad
group's figure. ``k`` is estimated per ad group from the spread of its units' conversion rates by the
beta-binomial method of moments (Kleinman 1973, "Proportions with extraneous variance", JASA 68:46-54):
with the group rate ``p`` and units of ``n_i`` clicks, ``E[(p_i - p)^2] = p (1 - p) [1/n_i + (1 - 1/n_i)
rho]`` where ``rho = 1 / (k + 1)`` is the intra-group correlation; solving for ``rho`` with the observed
mean square gives ``k = 1 / rho - 1``, clipped to ``[K_MIN, K_MAX]``. When the group has fewer than 3
units with clicks or no orders, ``k = K_DEFAULT``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats

K_MIN, K_MAX, K_DEFAULT = 5.0, 500.0, 30.0
PRIOR_CLICKS = 20.0
METHODS = ("beta_binomial", "binomial")


def negation_p_values(clicks, orders, pool_clicks, pool_orders, store_rate: float, *,
                      rate_ratio: float = 0.5, method: str = "beta_binomial",
                      prior_clicks: float = PRIOR_CLICKS) -> np.ndarray:
    """P(orders or fewer in clicks | the term converts at ``rate_ratio`` x its pool's rate), vectorised.

    ``pool_clicks``/``pool_orders`` exclude the term itself. NaN where the term has no click.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    n = np.asarray(clicks, dtype=float)
    k = np.asarray(orders, dtype=float)
    big_n = np.maximum(np.asarray(pool_clicks, dtype=float), 0.0)
    big_k = np.clip(np.asarray(pool_orders, dtype=float), 0.0, big_n)
    p_s = float(min(max(store_rate, 1e-6), 1 - 1e-6))
    a = big_k + prior_clicks * p_s
    b = big_n - big_k + prior_clicks * (1 - p_s)
    mean_p = a / (a + b)
    n_int = np.round(n).astype(np.int64)
    k_int = np.round(k).astype(np.int64)
    if method == "binomial":
        out = stats.binom.cdf(k_int, n_int, rate_ratio * mean_p)
    else:
        mu = rate_ratio * mean_p
        var = rate_ratio ** 2 * a * b / ((a + b) ** 2 * (a + b + 1))
        kappa = mu * (1 - mu) / var - 1
        out = betabinom_cdf(k_int, n_int, mu * kappa, (1 - mu) * kappa)
    return np.where(n_int > 0, out, np.nan)


def betabinom_cdf(k, n, a, b) -> np.ndarray:
    """P(X <= k) for X ~ BetaBinomial(n, a, b), vectorised (scipy's ``betabinom.cdf`` loops in Python
    per element): ``pmf(0) = B(a, n + b) / B(a, b)`` and the ratio of successive terms
    ``pmf(j + 1) / pmf(j) = (n - j) (j + a) / ((j + 1) (n - j - 1 + b))``, summed for ``j = 0..k``
    (each step only over the rows still summing)."""
    k, n = np.broadcast_arrays(np.asarray(k, dtype=np.int64), np.asarray(n, dtype=np.int64))
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    k = np.minimum(k, n).ravel()
    n, a, b = n.ravel().astype(float), a.ravel(), b.ravel()
    term = np.exp(special.betaln(a, n + b) - special.betaln(a, b))
    acc = term.copy()
    live = np.flatnonzero(k > 0)
    j = 0
    while live.size:
        t = term[live] * (n[live] - j) * (j + a[live]) / ((j + 1) * (n[live] - j - 1 + b[live]))
        term[live] = t
        acc[live] += t
        j += 1
        live = live[k[live] > j]
    return np.minimum(acc, 1.0).reshape(np.shape(np.asarray(k)))


def prior_strength(group: np.ndarray, clicks: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """Pseudo-clicks ``k`` per unit's group (beta-binomial method of moments, see the module docstring).

    ``group`` are integer group codes per unit; returns ``k`` per unit (its group's value)."""
    df = pd.DataFrame({"g": np.asarray(group), "n": np.asarray(clicks, dtype=float),
                       "o": np.asarray(orders, dtype=float)})
    df = df.loc[df["n"] > 0]
    k_group = pd.Series(K_DEFAULT, index=pd.Index(np.unique(np.asarray(group)), name="g"))
    if len(df):
        tot = df.groupby("g")[["n", "o"]].sum()
        p = (tot["o"] / tot["n"]).rename("p")
        df = df.join(p, on="g")
        df["sq"] = (df["o"] / df["n"] - df["p"]) ** 2
        df["inv"] = 1.0 / df["n"]
        agg = df.groupby("g").agg(units=("n", "size"), ms=("sq", "mean"), inv=("inv", "mean"),
                                  p=("p", "first"))
        pq = agg["p"] * (1 - agg["p"])
        ok = (agg["units"] >= 3) & (pq > 0) & (agg["inv"] < 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            rho = (agg["ms"] - pq * agg["inv"]) / (pq * (1 - agg["inv"]))
            rho = rho.clip(1 / (K_MAX + 1), 1 / (K_MIN + 1))
            k = (1 / rho - 1).where(ok, K_DEFAULT)
        k_group.loc[k.index] = k.to_numpy()
    return k_group.reindex(np.asarray(group)).to_numpy(dtype=float)


def shrink(value_sum, clicks, group_rate, k) -> np.ndarray:
    """``(value_sum + k * group_rate) / (clicks + k)``: a per-click figure pulled toward its group."""
    return (np.asarray(value_sum, dtype=float) + np.asarray(k) * np.asarray(group_rate, dtype=float)) / (
        np.asarray(clicks, dtype=float) + np.asarray(k))
