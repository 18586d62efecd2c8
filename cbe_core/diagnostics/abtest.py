"""Experiment reader: is variant B of a listing, price, ad creative or email better than A?

Input per variant: trials (sessions, or emails sent) and conversions (orders). Output
(:class:`AbResult`):

- ``rate_a``, ``rate_b`` = orders / sessions; ``relative_lift`` = rate_b / rate_a - 1.
- ``ci_low``, ``ci_high``: the ``1 - alpha`` confidence interval of the relative lift by the delta
  method on the log of the rate ratio (Katz, Baptista, Azen & Pike 1978, "Obtaining confidence
  intervals for the risk ratio in cohort studies", Biometrics 34: 469-474):
  se(ln RR) = sqrt((1 - p_a) / x_a + (1 - p_b) / x_b), interval exp(ln RR +/- z se) - 1.
  Undefined (None) while a variant has no orders.
- ``p_value``: two-sided two-proportion z-test with the pooled rate (the same as Pearson's chi-square
  test without continuity correction, R's ``prop.test(correct=FALSE)``).
- ``prob_b_beats_a``: P(p_B > p_A) with independent Beta(1 + orders, 1 + sessions - orders)
  posteriors (uniform priors), computed exactly with Evan Miller's closed form ("Formulas for
  Bayesian A/B Testing", 2015): sum over i < alpha_B of B(alpha_A + i, beta_A + beta_B) /
  ((beta_B + i) B(1 + i, beta_B) B(alpha_A, beta_A)); a normal approximation beyond 200,000 orders.
- ``sessions_needed``: sessions per variant to detect a relative lift of ``min_lift`` over A's rate
  with a two-sided test at ``alpha`` and the given ``power`` (normal approximation for two
  independent proportions with equal allocation, e.g. Chow, Shao & Wang, "Sample Size Calculations
  in Clinical Research", 2nd ed. 2008, section 4.2):
  n = (z_{1-alpha/2} sqrt(2 pbar (1 - pbar)) + z_{power} sqrt(p1 (1 - p1) + p2 (1 - p2)))^2 / (p2 - p1)^2.
- ``verdict``: ``ship_b`` when B is significantly better (p < alpha and P(B > A) >= ``prob_ship``),
  ``keep_a`` when B is significantly worse, or when both variants have the sessions needed and no
  lift of the chosen size showed; else ``keep_testing`` (always while a variant expects fewer than
  5 orders at the pooled rate, where the normal approximation does not hold). Stopping as soon as p dips
  below alpha inflates false positives ("peeking"): decide the sample size first and read the test once
  it is reached.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import special, stats

from ..errors import DataError

VERDICTS = ("keep_testing", "ship_b", "keep_a")
EXACT_LIMIT = 200_000


@dataclass(frozen=True)
class AbResult:
    a_sessions: int
    a_orders: int
    b_sessions: int
    b_orders: int
    rate_a: float
    rate_b: float
    relative_lift: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float
    prob_b_beats_a: float
    sessions_needed: int | None
    more_sessions_needed: int | None
    verdict: str
    min_lift: float
    alpha: float
    power: float
    method: str = "delta method on log rate ratio (Katz 1978); pooled two-proportion z-test; Beta-Binomial"
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["notes"] = list(self.notes)
        return d


def _check_counts(a_sessions, a_orders, b_sessions, b_orders) -> tuple[int, int, int, int]:
    vals = []
    for name, v in (("a_sessions", a_sessions), ("a_orders", a_orders), ("b_sessions", b_sessions),
                    ("b_orders", b_orders)):
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise DataError("err.diag.ab.not_a_count", field=name, value=v) from None
        if not math.isfinite(f) or f < 0 or f != int(f):
            raise DataError("err.diag.ab.not_a_count", field=name, value=v)
        vals.append(int(f))
    na, xa, nb, xb = vals
    for variant, n, x in (("A", na, xa), ("B", nb, xb)):
        if n == 0:
            raise DataError("err.diag.ab.no_sessions", variant=variant)
        if x > n:
            raise DataError("err.diag.ab.orders_above_sessions", variant=variant, orders=x, sessions=n)
    return na, xa, nb, xb


def prob_b_beats_a(a_sessions: int, a_orders: int, b_sessions: int, b_orders: int) -> float:
    """P(p_B > p_A) under Beta(1 + orders, 1 + sessions - orders) posteriors (see module docstring)."""
    aa, ba = 1 + a_orders, 1 + a_sessions - a_orders
    ab, bb = 1 + b_orders, 1 + b_sessions - b_orders
    if ab > EXACT_LIMIT:
        ma, mb = aa / (aa + ba), ab / (ab + bb)
        va = aa * ba / ((aa + ba) ** 2 * (aa + ba + 1))
        vb = ab * bb / ((ab + bb) ** 2 * (ab + bb + 1))
        return float(stats.norm.cdf((mb - ma) / math.sqrt(va + vb)))
    i = np.arange(ab, dtype=float)
    terms = (special.betaln(aa + i, ba + bb) - np.log(bb + i) - special.betaln(1 + i, bb)
             - special.betaln(aa, ba))
    return float(min(1.0, max(0.0, np.exp(special.logsumexp(terms)))))


def sessions_needed(base_rate: float, min_lift: float, alpha: float = 0.05, power: float = 0.8) -> int | None:
    """Sessions per variant to detect ``base_rate -> base_rate * (1 + min_lift)`` (module docstring);
    None when the target rate is not a probability or the base rate is 0."""
    p1 = base_rate
    p2 = base_rate * (1 + min_lift)
    if not (0 < p1 < 1) or not (0 < p2 < 1) or p1 == p2:
        return None
    za = stats.norm.ppf(1 - alpha / 2)
    zb = stats.norm.ppf(power)
    pbar = (p1 + p2) / 2
    n = ((za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2
         / (p2 - p1) ** 2)
    return int(math.ceil(n))


def read_test(
    a_sessions: int,
    a_orders: int,
    b_sessions: int,
    b_orders: int,
    *,
    min_lift: float = 0.10,
    alpha: float = 0.05,
    power: float = 0.80,
    prob_ship: float = 0.95,
) -> AbResult:
    """Read an A/B test from counts (see the module docstring for every formula)."""
    na, xa, nb, xb = _check_counts(a_sessions, a_orders, b_sessions, b_orders)
    if not (0 < alpha < 1) or not (0 < power < 1) or not (min_lift > 0):
        raise DataError("err.diag.ab.bad_setting", min_lift=min_lift, alpha=alpha, power=power)
    pa, pb = xa / na, xb / nb
    notes: list[str] = []
    lift = pb / pa - 1 if pa > 0 else None
    z = stats.norm.ppf(1 - alpha / 2)
    if xa > 0 and xb > 0:
        se = math.sqrt((1 - pa) / xa + (1 - pb) / xb)
        log_rr = math.log(pb / pa)
        ci_low, ci_high = math.exp(log_rr - z * se) - 1, math.exp(log_rr + z * se) - 1
    else:
        ci_low = ci_high = None
        notes.append("diag.ab.note.no_orders")
    pooled = (xa + xb) / (na + nb)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
    p_value = float(2 * stats.norm.sf(abs(pb - pa) / se0)) if se0 > 0 else 1.0
    prob = prob_b_beats_a(na, xa, nb, xb)
    base = pa if pa > 0 else pooled
    need = sessions_needed(base, min_lift, alpha, power)
    more = None if need is None else max(0, need - min(na, nb))
    if need is None:
        notes.append("diag.ab.note.no_sample_size")
    few = min(na, nb) * pooled < 5
    if few:
        verdict = "keep_testing"  # the normal approximation needs about 5 expected orders per variant
        notes.append("diag.ab.note.few_orders")
    elif p_value < alpha and pb > pa and prob >= prob_ship:
        verdict = "ship_b"
    elif p_value < alpha and pb < pa:
        verdict = "keep_a"
    elif more == 0:
        verdict = "keep_a"
        notes.append("diag.ab.note.no_lift_found")
    else:
        verdict = "keep_testing"
    if verdict != "keep_testing" and more:
        notes.append("diag.ab.note.before_planned_size")
    return AbResult(na, xa, nb, xb, pa, pb, lift, ci_low, ci_high, p_value, prob, need, more, verdict,
                    float(min_lift), float(alpha), float(power), notes=tuple(notes))
