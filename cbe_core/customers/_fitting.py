"""Shared helpers of the purchase-count models (BG/NBD, MBG/NBD, Pareto/NBD): time units, the
compression of identical customers, the optimiser and the quadrature rules. No model lives here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import optimize, special

from ..errors import DataError

UNIT_DAYS = {"day": 1.0, "week": 7.0}
MIN_CUSTOMERS = 10
# log-parameter bounds on the fitting scale (times divided by the mean T): shapes and rates within
# e^-9 .. e^7, Beta parameters within e^-12 .. e^12, Pareto/NBD's beta at most e^3 = 20 mean T's.
# A larger beta only appears when the data show no dropout at all (beta and 1/s run off together);
# there hyp2f1 gets slow (its argument nears 1) while the likelihood gains almost nothing (measured
# on 85,000 generated customers without dropout: 1 log-likelihood unit between beta = 20 and 148),
# and a small s still expresses "hardly anyone leaves".
SHAPE, SCALE, BETA_AB, PARETO_BETA = (-9.0, 7.0), (-9.0, 7.0), (-12.0, 12.0), (-9.0, 3.0)


class PurchaseModel:
    """Methods shared by the fitted purchase models (:class:`~.bgnbd.BgNbdFit`,
    :class:`~.mbg.MbgNbdFit`, :class:`~.pareto.ParetoNbdFit`). Each model provides ``p_alive(x, t_x,
    T)``, ``expected_if_alive(t, x, T)`` (expected purchases in ``(T, T+t]`` for a customer alive at
    T) and ``p_purchase_if_alive(u, tau, x, T)`` (chance of at least one purchase in
    ``(T+u, T+u+tau]`` for a customer alive at T). In all three models the purchase rate of a
    customer alive at T is ``lambda ~ Gamma(r + x, alpha + T)``."""

    r: float
    alpha: float

    def expected(self, t, frequency, recency, T) -> np.ndarray:
        """Expected purchases in ``(T, T+t]`` given the history: P(alive) x expected_if_alive."""
        return self.p_alive(frequency, recency, T) * self.expected_if_alive(t, frequency, T)

    def p_purchase(self, u, tau, frequency, recency, T) -> np.ndarray:
        """P(at least one purchase in ``(T+u, T+u+tau]`` | history)."""
        return self.p_alive(frequency, recency, T) * self.p_purchase_if_alive(u, tau, frequency, T)

    def rate_posterior(self, frequency, T) -> tuple[np.ndarray, np.ndarray]:
        """Shape and rate of the Gamma posterior of lambda for a customer alive at T."""
        return self.r + np.asarray(frequency, dtype=float), self.alpha + np.asarray(T, dtype=float)


def check_counts(frequency, recency, T) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``x, t_x, T`` as float arrays, with the minimum data every fit needs (``err.clv.too_few``)."""
    x = np.asarray(frequency, dtype=float)
    n, repeat = int(x.size), int((x > 0).sum())
    if n < MIN_CUSTOMERS or repeat == 0:
        raise DataError("err.clv.too_few", need=MIN_CUSTOMERS, customers=n, repeat=repeat)
    return x, np.asarray(recency, dtype=float), np.asarray(T, dtype=float)


def aggregate(*cols: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of the columns (rounded to 9 decimals) and how many customers share each: the
    likelihood is then summed over patterns with these weights instead of over customers."""
    frame = pd.DataFrame({f"c{i}": np.round(c, 9) for i, c in enumerate(cols)})
    g = frame.groupby(list(frame.columns), sort=False).size().reset_index()
    return [g[f"c{i}"].to_numpy(dtype=float) for i in range(len(cols))], g[0].to_numpy(dtype=float)


@dataclass(frozen=True)
class Patterns:
    """Customers compressed for a likelihood: the distinct ``(x, t_x, T)`` rows with their weights
    ``w``, and, so that costly terms are computed once per distinct value, the distinct ``x``
    (``xu``, index ``ix``), the distinct times (``tu``, indices ``itx`` and ``iT``) and the distinct
    ``(x, time)`` pairs (``px, pt``, indices ``ptx`` and ``pT``)."""

    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray
    w: np.ndarray
    xu: np.ndarray
    ix: np.ndarray
    tu: np.ndarray
    itx: np.ndarray
    iT: np.ndarray
    px: np.ndarray
    pt: np.ndarray
    ptx: np.ndarray
    pT: np.ndarray


def patterns(x, t_x, T, weights=None) -> Patterns:
    """:class:`Patterns` of per-customer (or already compressed, with ``weights``) arrays."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    if weights is None:
        (x, t_x, T), w = aggregate(x, t_x, T)
    else:
        w = np.asarray(weights, dtype=float)
    xu, ix = np.unique(x, return_inverse=True)
    tu, inv = np.unique(np.concatenate([t_x, T]), return_inverse=True)
    itx, iT = inv[: x.size], inv[x.size:]
    both = np.concatenate([ix, ix]) * (tu.size + 1) + inv
    pair_keys, pinv = np.unique(both, return_inverse=True)
    px, pt = xu[pair_keys // (tu.size + 1)], tu[pair_keys % (tu.size + 1)]
    return Patterns(x, t_x, T, w, xu, ix, tu, itx, iT, px, pt, pinv[: x.size], pinv[x.size:])


def scaled(p: Patterns, scale: float) -> Patterns:
    """The same patterns with every time divided by ``scale``."""
    return Patterns(p.x, p.t_x / scale, p.T / scale, p.w, p.xu, p.ix, p.tu / scale, p.itx, p.iT,
                    p.px, p.pt / scale, p.ptx, p.pT)


def minimise(nll, x0: np.ndarray, bounds=None):
    """Minimise ``nll`` from ``x0`` with L-BFGS-B, falling back on Nelder-Mead from the best point
    (both within ``bounds`` when given)."""
    best = None
    for method in ("L-BFGS-B", "Nelder-Mead"):
        nm = method == "Nelder-Mead"
        opts = {"maxiter": 5000 if bounds is None else 2000} if nm else {"maxiter": 2000}
        res = optimize.minimize(nll, x0 if best is None else best.x, method=method, bounds=bounds,
                                options=opts)
        if best is None or (np.isfinite(res.fun) and res.fun <= best.fun):
            best = res
        if res.success:
            break
    return best


def fit_log_params(nll_scaled, x0: np.ndarray, bounds=None):
    """Fit positive parameters on their logarithms (clipped so exp never overflows); returns the
    optimiser result and the parameters. ``bounds``: (low, high) per log-parameter. They keep the
    search out of the flat far regions where a model degenerates (no dropout in the data: a, b or
    beta run off to infinity), where special functions get slow and nothing is gained."""
    x0 = np.asarray(x0, dtype=float)
    if bounds is not None:
        x0 = np.clip(x0, [b[0] for b in bounds], [b[1] for b in bounds])

    def objective(theta):
        with np.errstate(all="ignore"):  # extreme trial points give inf/nan: rejected below
            value = nll_scaled(np.exp(np.clip(theta, -30, 30)))
        return value if np.isfinite(value) else 1e300

    res = minimise(objective, x0, bounds)
    return res, np.exp(np.clip(res.x, -30, 30))


@lru_cache(maxsize=8)
def legendre(n: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [0, 1]."""
    z, w = special.roots_legendre(n)
    return (z + 1) / 2, w / 2


def beta_expectation(fn, a: float, b: np.ndarray, n: int = 24) -> np.ndarray:
    """``E[fn(p)]`` for ``p ~ Beta(a, b_i)`` per element of ``b`` (vectorised over distinct ``b``),
    by Gauss-Jacobi quadrature, exact for the Beta weight even when ``a < 1`` or ``b < 1``.
    ``fn(p, idx)`` gets an ``(m, n)`` array of nodes for the elements ``idx`` and returns ``(m, n)``."""
    b = np.asarray(b, dtype=float)
    out = np.empty(b.shape)
    for value in np.unique(b):
        idx = np.flatnonzero(b == value)
        # weight (1 - z)^(b - 1) (1 + z)^(a - 1) on [-1, 1]; p = (1 + z) / 2
        z, w = special.roots_jacobi(n, value - 1.0, a - 1.0)
        p = (1 + z) / 2
        w = w / w.sum()
        vals = fn(np.broadcast_to(p, (idx.size, n)), idx)
        out[idx] = vals @ w
    return out
