"""MBG/NBD purchase counts (Batislam, Denizel & Filiztekin 2007, "Empirical validation and comparison
of models for customer base analysis", International Journal of Research in Marketing 24(3):201-209;
with Wagner & Hoppe 2008, "Erratum on the MBG/NBD Model", IJRM 25(3):225-226).

As BG/NBD (purchases at a Poisson rate ``lambda ~ Gamma(r, alpha)``, leaving with probability
``p ~ Beta(a, b)``), except that the customer can also leave *right after the first purchase*: a
one-time buyer's P(alive) is below 1 and falls as time passes without a second purchase.

Equations: likelihood from Batislam et al. 2007 appendix A (the form implemented by lifetimes'
``ModifiedBetaGeoFitter``); P(alive) appendix A eq. (5) (numbering as cited by lifetimes; the paper
was not at hand to re-check it); conditional expectation as corrected by Wagner & Hoppe 2008. The
fits against BTYDplus on CDNOW (lifetimes' test ``test_params_out_is_close_to_BTYDplus``):
r = 0.525, alpha = 6.183, a = 0.891, b = 1.614.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import special

from ._fitting import (
    BETA_AB,
    SCALE,
    SHAPE,
    Patterns,
    PurchaseModel,
    check_counts,
    fit_log_params,
    patterns,
    scaled,
)
from .bgnbd import window_probability


@dataclass(frozen=True)
class MbgNbdFit(PurchaseModel):
    r: float
    alpha: float
    a: float
    b: float
    time_unit: str
    log_likelihood: float
    customers: int
    converged: bool
    name: ClassVar[str] = "mbg"
    label: ClassVar[str] = "MBG/NBD"

    def params(self) -> dict:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b, "time_unit": self.time_unit}

    def p_alive(self, frequency, recency, T) -> np.ndarray:
        return probability_alive(self, frequency, recency, T)

    def expected_if_alive(self, t, frequency, T) -> np.ndarray:
        return expected_if_alive(self, t, frequency, T)

    def p_purchase_if_alive(self, u, tau, frequency, T) -> np.ndarray:
        x = np.asarray(frequency, dtype=float)
        return window_probability(self.r, self.alpha, self.a, self.b + x + 1, u, tau, x, T)


def log_likelihood(params, x, t_x, T, weights=None) -> float:
    """Sum of the MBG/NBD log-likelihood for ``params = (r, alpha, a, b)``:

    L = B(a, b+x+1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
        * [1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)]

    (alive at T after x+1 survivals, or gone right after the last purchase at t_x, x = 0 included)."""
    p = patterns(x, t_x, T, weights)
    return float(np.sum(p.w * _log_likelihood(params, p)))


def _log_likelihood(params, p: Patterns) -> np.ndarray:
    """Per-pattern likelihood, the special functions evaluated once per distinct x and time."""
    r, alpha, a, b = params
    xu = p.xu
    const = (special.gammaln(r + xu) - special.gammaln(r) + r * np.log(alpha)
             + special.betaln(a, b + xu + 1) - special.betaln(a, b))
    log_at = np.log(alpha + p.tu)
    rx = r + p.x
    a3 = -rx * log_at[p.iT]
    a4 = (np.log(a) - np.log(b + xu))[p.ix] + rx * (log_at[p.iT] - log_at[p.itx])
    return const[p.ix] + a3 + np.logaddexp(a4, 0.0)


def fit(frequency, recency, T, time_unit: str = "week", start=None) -> MbgNbdFit:
    """Maximum-likelihood MBG/NBD fit on per-customer ``x, t_x, T`` (identical customers compressed
    with weights, time rescaled to a mean ``T`` of 1 while fitting); ``start``: optional starting
    parameters ``(r, alpha, a, b)``."""
    x, t_x, T = check_counts(frequency, recency, T)
    pat = patterns(x, t_x, T)
    scale = float(np.mean(pat.T)) or 1.0  # mean over distinct patterns
    ps = scaled(pat, scale)

    n = float(ps.w.sum())

    def nll(q):  # per customer, so the optimiser's first steps do not overshoot to the bounds
        return -float(np.sum(ps.w * _log_likelihood(q, ps))) / n

    x0 = np.zeros(4) if start is None else np.log(np.asarray(start, dtype=float) / [1, scale, 1, 1])
    res, (r, alpha_s, a, b) = fit_log_params(nll, x0, [SHAPE, SCALE, BETA_AB, BETA_AB])
    params = (float(r), float(alpha_s * scale), float(a), float(b))
    ll = float(np.sum(pat.w * _log_likelihood(params, pat)))
    return MbgNbdFit(*params, time_unit, ll, int(x.size), bool(res.success))


def probability_alive(fit: MbgNbdFit, frequency, recency, T) -> np.ndarray:
    """P(alive | x, t_x, T) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)) (Batislam et al. 2007,
    appendix A eq. 5). For a one-time buyer (x = 0, t_x = 0): 1 / (1 + a/b ((alpha+T)/alpha)^r),
    below 1 and decreasing in T."""
    x = np.asarray(frequency, dtype=float)
    log_ratio = (np.log(fit.a) - np.log(fit.b + x)
                 + (fit.r + x) * (np.log(fit.alpha + np.asarray(T, dtype=float))
                                  - np.log(fit.alpha + np.asarray(recency, dtype=float))))
    return special.expit(-log_ratio)


def expected_purchases(fit: MbgNbdFit, t, frequency, recency, T) -> np.ndarray:
    """Expected purchases in the next ``t`` periods given ``x, t_x, T`` (Wagner & Hoppe 2008):

    E[Y(t) | x, t_x, T] = (a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
        2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))] * P(alive)

    i.e. P(alive) times :func:`expected_if_alive`."""
    return probability_alive(fit, frequency, recency, T) * expected_if_alive(fit, t, frequency, T)


def expected_if_alive(fit: MbgNbdFit, t, frequency, T) -> np.ndarray:
    """E[(1 - e^(-lambda p t)) / p] under the posterior of a customer alive at T,
    ``lambda ~ Gamma(r+x, alpha+T)``, ``p ~ Beta(a, b+x+1)`` (x+1 survivals)."""
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    x = np.asarray(frequency, dtype=float)
    T = np.asarray(T, dtype=float)
    t = np.asarray(t, dtype=float)
    hyp = special.hyp2f1(r + x, b + x + 1, a + b + x, t / (alpha + T + t))
    return (a + b + x) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)


def probability_purchase(fit: MbgNbdFit, u, tau, frequency, recency, T) -> np.ndarray:
    """P(at least one purchase in ``(T+u, T+u+tau]`` | x, t_x, T): P(alive) times
    :func:`cbe_core.customers.bgnbd.window_probability` under the alive posterior
    ``p ~ Beta(a, b+x+1)``, ``lambda ~ Gamma(r+x, alpha+T)``."""
    return fit.p_purchase(u, tau, frequency, recency, T)
