"""Invariants of the logistics simulator (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cbe_core import logistics as lg

CARDS = lg.default_rate_cards()
DESTS = sorted(CARDS["dest"].unique())
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

dims = st.tuples(*(st.floats(1, 70, allow_nan=False) for _ in range(3)))
weights = st.floats(0.01, 25, allow_nan=False)


def product(weight, d, price=25.0):
    return pd.DataFrame(
        {
            "sku": ["p"],
            "weight_kg": [weight],
            "length_cm": [d[0]],
            "width_cm": [d[1]],
            "height_cm": [d[2]],
            "price": [price],
        }
    )


@FAST
@given(dest=st.sampled_from(DESTS), d=dims, w1=weights, extra=st.floats(0, 10, allow_nan=False))
def test_more_weight_never_costs_less_within_a_service(dest, d, w1, extra):
    a = lg.quote_many(CARDS, product(w1, d), dest, on="2026-11-25").set_index("service")
    b = lg.quote_many(CARDS, product(w1 + extra, d), dest, on="2026-11-25").set_index("service")
    both = a["feasible"] & b["feasible"]
    assert (b.loc[both, "cost_per_order"] >= a.loc[both, "cost_per_order"] - 1e-9).all()
    assert (b.loc[both, "chargeable_weight_kg"] >= a.loc[both, "chargeable_weight_kg"] - 1e-9).all()


@FAST
@given(
    w=weights,
    d=dims,
    divisor=st.sampled_from([5000.0, 6000.0, 8000.0]),
    rounding=st.sampled_from([np.nan, 0.01, 0.1, 0.5]),
)
def test_volumetric_weight_applies_when_larger(w, d, divisor, rounding):
    vol = d[0] * d[1] * d[2] / divisor
    got = float(lg.chargeable_weight(w, *d, divisor, np.nan, rounding))
    assert got >= max(w, vol) - 1e-9
    if not np.isnan(rounding):
        assert got < max(w, vol) + rounding + 1e-9
    if vol > w and np.isnan(rounding):
        assert got == vol


@FAST
@given(
    dest=st.sampled_from(DESTS),
    w=st.floats(0.05, 5),
    d=dims,
    value=st.floats(1, 300),
    promise=st.floats(2, 20),
    pref=st.floats(0, 1),
    target=st.floats(0, 0.99),
)
def test_every_recommended_option_is_on_the_pareto_front(dest, w, d, value, promise, pref, target):
    q = lg.quote(
        w, d, value, dest, on="2026-11-25", promise_days=promise, preference=pref, min_on_time=target
    )
    front = set(q.options.loc[q.options["on_pareto"], "service"])
    for pick in (q.cheapest, q.fastest, q.best_value):
        assert pick is None or pick in front
    assert (q.options.loc[q.options["on_pareto"], "on_time_probability"] >= target - 1e-12).all()


@FAST
@given(lo=st.floats(0.5, 30), span=st.floats(0, 30), d1=st.floats(0.1, 60), extra=st.floats(0, 30))
def test_on_time_probability_rises_with_the_promised_days(lo, span, d1, extra):
    mu, sigma = lg.lognormal_from_range(lo, lo + span)
    assert lg.on_time_probability(d1 + extra, mu, sigma) >= lg.on_time_probability(d1, mu, sigma)


@FAST
@given(costs=st.lists(st.floats(1, 50), min_size=2, max_size=8), data=st.data(), target=st.floats(0.3, 0.99))
def test_optimised_mix_meets_its_target_and_never_costs_more_than_the_best_single_option(costs, data, target):
    p = data.draw(st.lists(st.floats(0.05, 1.0), min_size=len(costs), max_size=len(costs)))
    opts = pd.DataFrame(
        {
            "service": [f"s{i}" for i in range(len(costs))],
            "mode": "postal",
            "feasible": True,
            "expected_cost_per_order": costs,
            "on_time_probability": p,
        }
    )
    m = lg.best_mix(opts, target=target)
    if not m.feasible:
        assert max(p) < target + 1e-9
        return
    assert m.on_time >= target - 1e-6
    assert abs(m.shares["share"].sum() - 1) < 1e-9
    if m.cheapest_single is not None:
        assert m.cost_per_order <= m.cheapest_single_cost + 1e-6
