"""The experiment reader against hand-worked two-proportion examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cbe_core.diagnostics import abtest
from cbe_core.errors import DataError


def test_worked_example_rates_lift_interval_and_p_value():
    # A 50/1000, B 70/1000. ln RR = ln 1.4 = 0.336472; se = sqrt(0.95/50 + 0.93/70) = 0.179682;
    # 95% interval exp(0.336472 -/+ 1.959964 x 0.179682) - 1 = (-0.015576, 0.991012).
    # pooled p = 0.06, se0 = sqrt(0.06 x 0.94 x 2/1000) = 0.010621, z = 1.883108, p = 0.059686
    r = abtest.read_test(1000, 50, 1000, 70)
    assert (r.rate_a, r.rate_b) == (0.05, 0.07)
    assert r.relative_lift == pytest.approx(0.4)
    assert r.ci_low == pytest.approx(-0.015576, abs=1e-6)
    assert r.ci_high == pytest.approx(0.991012, abs=1e-6)
    assert r.p_value == pytest.approx(0.059686, abs=1e-6)
    assert r.verdict == "keep_testing"


def test_p_value_equals_pearson_chi_square_without_correction():
    from scipy.stats import chi2_contingency

    r = abtest.read_test(2400, 96, 2380, 131)
    expected = chi2_contingency(np.array([[96, 2400 - 96], [131, 2380 - 131]]), correction=False)[1]
    assert r.p_value == pytest.approx(expected, rel=1e-9)


def test_identical_variants():
    r = abtest.read_test(5000, 100, 5000, 100)
    assert r.relative_lift == 0.0
    assert r.p_value == pytest.approx(1.0)
    assert r.prob_b_beats_a == pytest.approx(0.5, abs=1e-9)


def test_probability_b_beats_a_matches_a_seeded_simulation():
    rng = np.random.default_rng(42)
    a = rng.beta(1 + 50, 1 + 950, 2_000_000)
    b = rng.beta(1 + 70, 1 + 930, 2_000_000)
    assert abtest.prob_b_beats_a(1000, 50, 1000, 70) == pytest.approx((b > a).mean(), abs=1e-3)


def test_probability_normal_approximation_agrees_with_the_exact_sum_near_its_limit():
    exact = abtest.prob_b_beats_a(4_000_000, 199_000, 4_000_000, 199_990)
    approx = abtest.prob_b_beats_a(4_100_000, 204_000, 4_100_000, 205_010)  # beyond EXACT_LIMIT
    assert 0 < exact < 1 and 0 < approx < 1
    assert abs(exact - approx) < 0.05


def test_sample_size_worked_example():
    # p1 = 5%, p2 = 6% (10% lift would be 5.5%; here 20%), alpha 0.05 two-sided, power 0.8:
    # (1.959964 sqrt(2 x 0.055 x 0.945) + 0.841621 sqrt(0.05 x 0.95 + 0.06 x 0.94))^2 / 0.01^2 = 8157.7
    assert abtest.sessions_needed(0.05, 0.20) == 8158
    assert abtest.sessions_needed(0.0, 0.2) is None
    assert abtest.sessions_needed(0.9, 0.2) is None  # target rate above 100%


@pytest.mark.parametrize(
    "counts,verdict",
    [
        ((20000, 400, 20000, 520), "ship_b"),
        ((20000, 520, 20000, 400), "keep_a"),
        ((90000, 1800, 90000, 1810), "keep_a"),   # both past the needed size, no lift showed
        ((1000, 20, 1000, 26), "keep_testing"),
    ],
    ids=["b-better", "b-worse", "no-lift-at-full-size", "too-early"],
)
def test_verdicts(counts, verdict):
    r = abtest.read_test(*counts, min_lift=0.10)
    assert r.verdict == verdict


def test_more_sessions_needed_counts_down():
    r = abtest.read_test(1000, 20, 1500, 33, min_lift=0.2)
    assert r.more_sessions_needed == r.sessions_needed - 1000


def test_no_orders_gives_no_interval_but_a_verdict():
    r = abtest.read_test(300, 0, 300, 4)
    assert r.ci_low is None and r.ci_high is None and r.relative_lift is None
    assert "diag.ab.note.no_orders" in r.notes
    assert r.p_value < 0.05  # the z-test alone would call it...
    assert r.verdict == "keep_testing"  # ...but 2 expected orders per variant are too few
    assert "diag.ab.note.few_orders" in r.notes
    assert math.isfinite(r.p_value)


@pytest.mark.parametrize(
    "args,match",
    [((100, 120, 100, 5), "more orders"), ((0, 0, 100, 5), "no sessions"),
     ((100, -1, 100, 5), "whole number"), ((100, 2.5, 100, 5), "whole number")],
    ids=["orders-above-sessions", "no-sessions", "negative", "fraction"],
)
def test_bad_counts_are_refused(args, match):
    with pytest.raises(DataError, match=match):
        abtest.read_test(*args)


def test_bad_settings_are_refused():
    with pytest.raises(DataError, match="minimum lift"):
        abtest.read_test(100, 5, 100, 6, min_lift=0)
