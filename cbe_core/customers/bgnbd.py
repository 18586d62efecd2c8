"""BG/NBD purchase counts (Fader, Hardie & Lee 2005, "'Counting Your Customers' the Easy Way: An
Alternative to the Pareto/NBD Model", Marketing Science 24(2):275-284).

A customer buys at a Poisson rate ``lambda ~ Gamma(r, alpha)`` and, *after each repeat purchase*,
leaves with probability ``p ~ Beta(a, b)``. Consequence: a customer who never bought again cannot have
left, so P(alive) = 1 for every one-time buyer (:mod:`.pareto` and :mod:`.mbg` do not have this
property; :mod:`.models` chooses between them).

``x`` (frequency) = repeat purchases, ``t_x`` (recency) = time of the last purchase since the first,
``T`` = time since the first purchase, all in the fit's ``time_unit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import special

from ._fitting import (
    Patterns,
    PurchaseModel,
    beta_expectation,
    check_counts,
    fit_log_params,
    patterns,
    scaled,
)


@dataclass(frozen=True)
class BgNbdFit(PurchaseModel):
    r: float
    alpha: float
    a: float
    b: float
    time_unit: str
    log_likelihood: float
    customers: int
    converged: bool
    name: ClassVar[str] = "bgnbd"
    label: ClassVar[str] = "BG/NBD"

    def params(self) -> dict:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b, "time_unit": self.time_unit}

    def p_alive(self, frequency, recency, T) -> np.ndarray:
        return probability_alive(self, frequency, recency, T)

    def expected_if_alive(self, t, frequency, T) -> np.ndarray:
        return expected_if_alive(self, t, frequency, T)

    def p_purchase_if_alive(self, u, tau, frequency, T) -> np.ndarray:
        return window_probability(self.r, self.alpha, self.a, self.b + np.asarray(frequency, dtype=float),
                                  u, tau, frequency, T)


def log_likelihood(params, x, t_x, T, weights=None) -> float:
    """Sum of the BG/NBD log-likelihood (FHL 2005 eq. 6) for ``params = (r, alpha, a, b)``:

    L = B(a, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
        + [x > 0] B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))
    """
    p = patterns(x, t_x, T, weights)
    return float(np.sum(p.w * _log_likelihood(params, p)))


def _log_likelihood(params, p: Patterns) -> np.ndarray:
    """Per-pattern eq. 6, the special functions evaluated once per distinct x and time."""
    r, alpha, a, b = params
    xu = p.xu
    const = (special.gammaln(r + xu) - special.gammaln(r) + r * np.log(alpha))[p.ix]
    log_at = np.log(alpha + p.tu)
    rx = r + p.x
    a2 = (special.betaln(a, b + xu) - special.betaln(a, b))[p.ix] - rx * log_at[p.iT]
    with np.errstate(invalid="ignore", divide="ignore"):
        dead = np.where(xu > 0, special.betaln(a + 1, np.maximum(b + xu - 1, 1e-300)) - special.betaln(a, b),
                        -np.inf)
    a3 = dead[p.ix] - rx * log_at[p.itx]
    return const + np.logaddexp(a2, a3)


def fit(frequency, recency, T, time_unit: str = "week", start=None) -> BgNbdFit:
    """Maximum-likelihood BG/NBD fit (eq. 6) on per-customer ``x, t_x, T`` arrays, identical
    customers compressed with weights, time rescaled to a mean ``T`` of 1 while fitting; unbounded
    (unlike the other two models) so the fits of scripts written before them do not move. ``start``:
    optional starting parameters ``(r, alpha, a, b)`` (e.g. an earlier fit on less data)."""
    x, t_x, T = check_counts(frequency, recency, T)
    pat = patterns(x, t_x, T)
    scale = float(np.mean(pat.T)) or 1.0  # mean over distinct patterns
    ps = scaled(pat, scale)

    def nll(q):
        return -float(np.sum(ps.w * _log_likelihood(q, ps)))

    x0 = np.zeros(4) if start is None else np.log(np.asarray(start, dtype=float) / [1, scale, 1, 1])
    res, (r, alpha_s, a, b) = fit_log_params(nll, x0)
    params = (float(r), float(alpha_s * scale), float(a), float(b))
    ll = float(np.sum(pat.w * _log_likelihood(params, pat)))
    return BgNbdFit(*params, time_unit, ll, int(x.size), bool(res.success))


def expected_purchases(fit: BgNbdFit, t, frequency, recency, T) -> np.ndarray:
    """Expected purchases in the next ``t`` periods given ``x, t_x, T`` (FHL 2005 eq. 10):

    E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
        2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))] / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))

    i.e. P(alive) (the denominator) times :func:`expected_if_alive` (the numerator)."""
    return probability_alive(fit, frequency, recency, T) * expected_if_alive(fit, t, frequency, T)


def expected_if_alive(fit: BgNbdFit, t, frequency, T) -> np.ndarray:
    """The numerator of eq. 10: E[(1 - e^(-lambda p t)) / p] under the posterior of a customer alive
    at T, ``lambda ~ Gamma(r+x, alpha+T)``, ``p ~ Beta(a, b+x)``."""
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    x = np.asarray(frequency, dtype=float)
    T = np.asarray(T, dtype=float)
    t = np.asarray(t, dtype=float)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    return (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)


def probability_alive(fit: BgNbdFit, frequency, recency, T) -> np.ndarray:
    """P(alive | x, t_x, T) = 1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))
    (FHL 2005 appendix; Fader, Hardie & Lee 2008 note "Computing P(alive) using the BG/NBD model")."""
    x = np.asarray(frequency, dtype=float)
    ratio = ((fit.alpha + np.asarray(T, dtype=float))
             / (fit.alpha + np.asarray(recency, dtype=float))) ** (fit.r + x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1.0 / (1.0 + np.where(x > 0, fit.a / np.maximum(fit.b + x - 1, 1e-300) * ratio, 0.0))


def window_probability(r, alpha, a, b_post, u, tau, x, T) -> np.ndarray:
    """E[exp(-lambda p u) (1 - exp(-lambda tau))] for ``lambda ~ Gamma(r+x, alpha+T)`` and
    ``p ~ Beta(a, b_post)``: the chance that a customer alive at ``T`` is still alive at ``T + u``
    (each purchase ends the relationship with probability p, so P(alive at T+u) = exp(-lambda p u))
    and buys in ``(T+u, T+u+tau]``. The lambda part is closed form, ``E[exp(-lambda c)] =
    (A/(A+c))^R``; the p part is Gauss-Jacobi quadrature (exact Beta weight). Shared by BG/NBD and
    MBG/NBD, whose posteriors differ only in ``b_post``."""
    x = np.asarray(x, dtype=float)
    A = alpha + np.asarray(T, dtype=float)
    R = r + x
    u = np.broadcast_to(np.asarray(u, dtype=float), x.shape)
    tau = np.broadcast_to(np.asarray(tau, dtype=float), x.shape)

    def inner(p, idx):
        Ai, Ri = A[idx, None], R[idx, None]
        pu = p * u[idx, None]
        return (Ai / (Ai + pu)) ** Ri - (Ai / (Ai + pu + tau[idx, None])) ** Ri

    return beta_expectation(inner, a, np.broadcast_to(b_post, x.shape))


def probability_purchase(fit: BgNbdFit, u, tau, frequency, recency, T) -> np.ndarray:
    """P(at least one purchase in ``(T+u, T+u+tau]`` | x, t_x, T): P(alive at T) times
    :func:`window_probability` with the posterior of an alive customer, ``p ~ Beta(a, b+x)`` and
    ``lambda ~ Gamma(r+x, alpha+T)`` (Bayes' rule on the FHL 2005 assumptions)."""
    return fit.p_purchase(u, tau, frequency, recency, T)
