"""Pareto/NBD purchase counts (Schmittlein, Morrison & Colombo 1987, "Counting Your Customers: Who Are
They and What Will They Do Next?", Management Science 33(1):1-24).

A customer buys at a Poisson rate ``lambda ~ Gamma(r, alpha)`` and leaves *at any time*, after an
exponential lifetime with rate ``mu ~ Gamma(s, beta)``. Unlike BG/NBD, a one-time buyer can have left:
the longer ago the only purchase, the lower P(alive).

Formulas from Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions"
(brucehardie.com note 009). Equation numbers are the note's as cited by the lifetimes implementation
(``lifetimes/fitters/pareto_nbd_fitter.py``); the PDF itself was not at hand to re-check them:
likelihood eq. (18) with its ``A_0`` term eqs. (19)-(20), P(alive) eqs. (36)-(37) (section 5.1),
conditional expectation eq. (41). Published CDNOW fit (2,357 customers, 39 weeks; BTYD vignette):
r = 0.553, alpha = 10.58, s = 0.606, beta = 11.656, LL = -9594.976.

``x`` = repeat purchases, ``t_x`` = time of the last purchase since the first, ``T`` = time since the
first purchase, all in the fit's ``time_unit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import special

from ._fitting import (
    PARETO_BETA,
    SCALE,
    SHAPE,
    Patterns,
    PurchaseModel,
    check_counts,
    fit_log_params,
    legendre,
    patterns,
    scaled,
)


@dataclass(frozen=True)
class ParetoNbdFit(PurchaseModel):
    r: float
    alpha: float
    s: float
    beta: float
    time_unit: str
    log_likelihood: float
    customers: int
    converged: bool
    name: ClassVar[str] = "pareto"
    label: ClassVar[str] = "Pareto/NBD"

    def params(self) -> dict:
        return {"r": self.r, "alpha": self.alpha, "s": self.s, "beta": self.beta, "time_unit": self.time_unit}

    def p_alive(self, frequency, recency, T) -> np.ndarray:
        return probability_alive(self, frequency, recency, T)

    def expected_if_alive(self, t, frequency, T) -> np.ndarray:
        return expected_if_alive(self, t, frequency, T)

    def p_purchase_if_alive(self, u, tau, frequency, T) -> np.ndarray:
        return purchase_if_alive(self, u, tau, frequency, T)


def _log_h(params, x, t) -> np.ndarray:
    """log of one term of A_0: log 2F1(r+s+x, b2; r+s+x+1; |alpha-beta|/(m+t)) - (r+s+x) log(m+t)
    with m = max(alpha, beta) and b2 = s+1 (alpha >= beta) or r+x (alpha < beta)."""
    r, alpha, s, beta = params
    big, b2 = (alpha, s + 1.0) if alpha >= beta else (beta, r + x)
    rsx = r + s + x
    return np.log(special.hyp2f1(rsx, b2, rsx + 1.0, abs(alpha - beta) / (big + t))) - rsx * np.log(big + t)


def _log_diff(log1, log2) -> np.ndarray:
    """log(e^log1 - e^log2) for log1 >= log2; -inf when they are equal."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return log1 + np.log(-np.expm1(np.minimum(log2 - log1, 0.0)))


def log_a0(params, x, t_x, T) -> np.ndarray:
    """log A_0 (note 009 eqs. 19-20), the numerically stable closed form of
    ``A_0 = (r+s+x) * integral_{t_x}^{T} (alpha+y)^-(r+x) (beta+y)^-(s+1) dy``:

    alpha >= beta: A_0 = 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+t_x)) / (alpha+t_x)^(r+s+x)
                       - 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+T)) / (alpha+T)^(r+s+x)
    alpha <  beta: A_0 = 2F1(r+s+x, r+x; r+s+x+1; (beta-alpha)/(beta+t_x)) / (beta+t_x)^(r+s+x)
                       - 2F1(r+s+x, r+x; r+s+x+1; (beta-alpha)/(beta+T)) / (beta+T)^(r+s+x)

    The hypergeometric argument is always in [0, 1). Computed as the log of a difference, ``-inf``
    when ``t_x == T``."""
    x = np.asarray(x, dtype=float)
    return _log_diff(_log_h(params, x, np.asarray(t_x, dtype=float)),
                     _log_h(params, x, np.asarray(T, dtype=float)))


def log_likelihood_each(params, x, t_x, T) -> np.ndarray:
    """Per-customer Pareto/NBD log-likelihood (note 009 eq. 18):

    L = G(r+x) alpha^r beta^s / G(r) * [ 1 / ((alpha+T)^(r+x) (beta+T)^s) + s/(r+s+x) A_0 ]
    """
    r, alpha, s, beta = params
    x = np.asarray(x, dtype=float)
    T = np.asarray(T, dtype=float)
    const = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    dead = np.log(s) - np.log(r + s + x) + log_a0(params, x, t_x, T)
    return const + np.logaddexp(alive, dead)


def _log_likelihood(params, p: Patterns) -> np.ndarray:
    """Per-pattern eq. 18 with the hypergeometric terms evaluated once per distinct ``(x, time)``
    pair and the other special functions once per distinct x or time."""
    r, alpha, s, beta = params
    xu = p.xu
    const = special.gammaln(r + xu) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    rx = r + p.x
    alive = -rx * np.log(alpha + p.tu)[p.iT] - s * np.log(beta + p.tu)[p.iT]
    h = _log_h(params, p.px, p.pt)
    dead = (np.log(s) - np.log(r + s + xu))[p.ix] + _log_diff(h[p.ptx], h[p.pT])
    return const[p.ix] + np.logaddexp(alive, dead)


def log_likelihood(params, x, t_x, T, weights=None) -> float:
    """Sum of the per-customer log-likelihoods (eq. 18), weighted by how many customers share each
    ``(x, t_x, T)`` pattern."""
    p = patterns(x, t_x, T, weights)
    return float(np.sum(p.w * _log_likelihood(params, p)))


def fit(frequency, recency, T, time_unit: str = "week", start=None) -> ParetoNbdFit:
    """Maximum-likelihood Pareto/NBD fit on per-customer ``x, t_x, T``: identical customers compressed
    with weights, time rescaled to a mean ``T`` of 1 while fitting (so alpha and beta start near 1),
    starting from r = s = 1 unless ``start = (r, alpha, s, beta)`` is given."""
    x, t_x, T = check_counts(frequency, recency, T)
    pat = patterns(x, t_x, T)
    scale = float(np.mean(pat.T)) or 1.0  # mean over distinct patterns
    ps = scaled(pat, scale)

    n = float(ps.w.sum())

    def nll(q):  # per customer, so the optimiser's first steps do not overshoot to the bounds
        return -float(np.sum(ps.w * _log_likelihood(q, ps))) / n

    x0 = np.zeros(4) if start is None else np.log(np.asarray(start, dtype=float) / [1, scale, 1, scale])
    res, (r, alpha_s, s, beta_s) = fit_log_params(nll, x0, [SHAPE, SCALE, SHAPE, PARETO_BETA])
    params = (float(r), float(alpha_s * scale), float(s), float(beta_s * scale))
    ll = float(np.sum(pat.w * _log_likelihood(params, pat)))
    return ParetoNbdFit(*params, time_unit, ll, int(x.size), bool(res.success))


def probability_alive(fit: ParetoNbdFit, frequency, recency, T) -> np.ndarray:
    """P(alive | x, t_x, T) (note 009 eqs. 36-37): the share of the likelihood that comes from a
    customer still alive at T,

    P(alive) = 1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A_0)

    Below 1 for every customer with T > t_x, one-time buyers included, and falling as T grows."""
    params = (fit.r, fit.alpha, fit.s, fit.beta)
    x = np.asarray(frequency, dtype=float)
    T = np.asarray(T, dtype=float)
    log_ratio = (np.log(fit.s) - np.log(fit.r + fit.s + x) + log_a0(params, x, recency, T)
                 + (fit.r + x) * np.log(fit.alpha + T) + fit.s * np.log(fit.beta + T))
    return special.expit(-log_ratio)


def expected_purchases(fit: ParetoNbdFit, t, frequency, recency, T) -> np.ndarray:
    """Expected purchases in the next ``t`` periods given ``x, t_x, T`` (note 009 eq. 41):

    E[Y(t) | x, t_x, T] = P(alive) (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]

    i.e. P(alive) times :func:`expected_if_alive`."""
    return probability_alive(fit, frequency, recency, T) * expected_if_alive(fit, t, frequency, T)


def expected_if_alive(fit: ParetoNbdFit, t, frequency, T) -> np.ndarray:
    """(r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]: expected purchases in
    ``(T, T+t]`` of a customer alive at T (the bracket over s-1 tends to log((beta+T+t)/(beta+T)) as
    s -> 1)."""
    x = np.asarray(frequency, dtype=float)
    T = np.asarray(T, dtype=float)
    t = np.asarray(t, dtype=float)
    s = fit.s
    log_q = np.log(fit.beta + T) - np.log(fit.beta + T + t)
    bracket = -log_q if abs(s - 1) < 1e-9 else -np.expm1((s - 1) * log_q) / (s - 1)
    return (fit.r + x) * (fit.beta + T) / (fit.alpha + T) * bracket


def purchase_if_alive(fit: ParetoNbdFit, u, tau, frequency, T) -> np.ndarray:
    """P(at least one purchase in ``(T+u, T+u+tau]``) for a customer alive at T.

    Given alive at T the posterior is ``lambda ~ Gamma(r+x, alpha+T)`` and ``mu ~ Gamma(s, beta+T)``,
    independent (the alive part of the likelihood factorises). For fixed rates the chance is
    ``e^(-mu u) lambda/(lambda+mu) (1 - e^(-(lambda+mu) tau)) = integral_0^tau lambda e^(-lambda v)
    e^(-mu (u+v)) dv``, whose posterior expectation is

    integral_0^tau (r+x)/(alpha+T) ((alpha+T)/(alpha+T+v))^(r+x+1) ((beta+T)/(beta+T+u+v))^s dv

    evaluated by 24-point Gauss-Legendre quadrature (a smooth integrand)."""
    x = np.asarray(frequency, dtype=float)
    T = np.broadcast_to(np.asarray(T, dtype=float), x.shape)
    u = np.broadcast_to(np.asarray(u, dtype=float), x.shape)
    tau = np.broadcast_to(np.asarray(tau, dtype=float), x.shape)
    A = (fit.alpha + T)[:, None]
    B = (fit.beta + T)[:, None]
    R = (fit.r + x)[:, None]
    z, w = legendre()
    v = tau[:, None] * z[None, :]
    integrand = R / A * (A / (A + v)) ** (R + 1) * (B / (B + u[:, None] + v)) ** fit.s
    return tau * (integrand @ w)


def probability_purchase(fit: ParetoNbdFit, u, tau, frequency, recency, T) -> np.ndarray:
    """P(at least one purchase in ``(T+u, T+u+tau]`` | x, t_x, T) = P(alive) x
    :func:`purchase_if_alive`."""
    return fit.p_purchase(u, tau, frequency, recency, T)
