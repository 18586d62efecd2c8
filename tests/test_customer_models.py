"""Pareto/NBD, MBG/NBD and BG/NBD against the published CDNOW fits, their formulas against independent
computations (numerical integrals, simulation), and the automatic model choice.

Published fits on the 2,357-customer CDNOW sample, weeks, calibration 1997-01-01..1997-09-30
(/work/research/fees.md section 6): Pareto/NBD r=0.553, alpha=10.58, s=0.606, beta=11.656,
LL=-9594.976 (BTYD vignette); BG/NBD r=0.2426, alpha=4.4137, a=0.7930, b=2.4262, LL=-9582.429 (BTYD
vignette); MBG/NBD r=0.525, alpha=6.183, a=0.891, b=1.614 (BTYDplus, via the lifetimes tests)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats
from scipy.special import gammaln

from cbe_core.customers import bgnbd, clv, mbg, models, pareto
from cbe_core.errors import DataError

CDNOW = Path(__file__).parent / "data" / "CDNOW_sample.txt"
CAL_END, HOLD_END = pd.Timestamp("1997-09-30"), pd.Timestamp("1998-06-30")


@pytest.fixture(scope="module")
def cdnow():
    """x, t_x, T per customer computed here from the raw file (all 2,357 customers, every purchase
    day counted, $0 ones included as in the published summary), plus holdout repeat purchases."""
    raw = pd.read_csv(CDNOW, sep=r"\s+", header=None, names=["cust", "panel", "date", "cds", "value"],
                      dtype={"cust": str, "date": str})
    raw["day"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    days = raw[["cust", "day"]].drop_duplicates()
    cal = days.loc[days["day"] <= CAL_END].groupby("cust")["day"]
    first, last, n = cal.min(), cal.max(), cal.size()
    hold = days.loc[(days["day"] > CAL_END) & (days["day"] <= HOLD_END)].groupby("cust").size()
    return pd.DataFrame({"frequency": (n - 1).astype(float), "recency": (last - first).dt.days / 7,
                         "T": (CAL_END - first).dt.days / 7,
                         "holdout_frequency": hold.reindex(first.index, fill_value=0).astype(float),
                         "first_purchase": first})


def _args(df):
    return df["frequency"].to_numpy(), df["recency"].to_numpy(), df["T"].to_numpy()


@pytest.fixture(scope="module")
def sample_orders():
    from cbe_core.ingest import read_table

    return read_table(Path(__file__).resolve().parents[1] / "sample_data" / "orders.csv", "orders")[0]


@pytest.fixture(scope="module")
def fits(cdnow):
    x, t_x, T = _args(cdnow)
    return {"pareto": pareto.fit(x, t_x, T), "mbg": mbg.fit(x, t_x, T), "bgnbd": bgnbd.fit(x, t_x, T)}


def test_cdnow_sample_has_the_published_size(cdnow):
    assert len(cdnow) == 2357 and int(cdnow["frequency"].sum()) == 2457


def test_pareto_nbd_reproduces_the_published_cdnow_fit(fits):
    f = fits["pareto"]
    assert f.converged and f.customers == 2357 and f.time_unit == "week"
    assert f.r == pytest.approx(0.553, rel=0.02)
    assert f.alpha == pytest.approx(10.58, rel=0.02)
    assert f.s == pytest.approx(0.606, rel=0.02)
    assert f.beta == pytest.approx(11.656, rel=0.02)
    assert f.log_likelihood == pytest.approx(-9594.976, abs=0.01)


def test_mbg_nbd_reproduces_the_btydplus_cdnow_fit(fits):
    f = fits["mbg"]
    assert f.converged
    assert f.r == pytest.approx(0.525, rel=0.02)
    assert f.alpha == pytest.approx(6.183, rel=0.02)
    assert f.a == pytest.approx(0.891, rel=0.02)
    assert f.b == pytest.approx(1.614, rel=0.02)
    assert f.log_likelihood == pytest.approx(-9582.13, abs=0.01)  # computed, not published (fees.md 6)


def test_bg_nbd_reproduces_the_btyd_vignette_fit_and_log_likelihood(fits):
    f = fits["bgnbd"]
    assert (f.r, f.alpha, f.a, f.b) == pytest.approx((0.2426, 4.4137, 0.7930, 2.4262), rel=0.002)
    assert f.log_likelihood == pytest.approx(-9582.429, abs=0.01)


@pytest.mark.parametrize("name,published", [
    ("pareto", (0.553, 10.58, 0.606, 11.656)), ("mbg", (0.525, 6.183, 0.891, 1.614)),
    ("bgnbd", (0.2426, 4.4137, 0.7930, 2.4262))], ids=["pareto", "mbg", "bgnbd"])
def test_fitted_parameters_are_at_least_as_likely_as_the_published_ones(cdnow, fits, name, published):
    module = {"pareto": pareto, "mbg": mbg, "bgnbd": bgnbd}[name]
    at_published = module.log_likelihood(published, *_args(cdnow))
    assert fits[name].log_likelihood >= at_published - 1e-6
    assert fits[name].log_likelihood - at_published < 0.5  # and the published values are near the top


@pytest.mark.parametrize("params", [(0.55, 10.6, 0.61, 11.7), (0.55, 12.0, 0.61, 4.0),
                                    (1.3, 3.0, 1.7, 9.0)], ids=["alpha<beta", "alpha>beta", "s>1"])
def test_pareto_likelihood_equals_the_integral_it_stands_for(params):
    """Note 009: L = G(r+x) a^r b^s / G(r) [(a+T)^-(r+x) (b+T)^-s
                                            + s int_tx^T (a+y)^-(r+x) (b+y)^-(s+1) dy]."""
    r, a, s, b = params
    for x, t_x, T in [(0, 0.0, 30.0), (2, 12.5, 38.0), (7, 37.0, 38.9), (15, 5.0, 60.0), (3, 20.0, 20.0)]:
        integral = integrate.quad(lambda y, x=x: (a + y) ** -(r + x) * (b + y) ** -(s + 1), t_x, T,
                                  epsabs=0, epsrel=1e-12)[0]
        direct = (gammaln(r + x) - gammaln(r) + r * np.log(a) + s * np.log(b)
                  + np.log((a + T) ** -(r + x) * (b + T) ** -s + s * integral))
        assert pareto.log_likelihood_each(params, [x], [t_x], [T])[0] == pytest.approx(direct, abs=1e-9)


def test_pareto_p_alive_is_the_alive_share_of_the_likelihood():
    f = pareto.ParetoNbdFit(0.553, 10.58, 0.606, 11.656, "week", 0.0, 0, True)
    x, t_x, T = 2, 30.43, 38.86
    integral = integrate.quad(lambda y: (f.alpha + y) ** -(f.r + x) * (f.beta + y) ** -(f.s + 1), t_x, T)[0]
    alive = (f.alpha + T) ** -(f.r + x) * (f.beta + T) ** -f.s
    assert f.p_alive([x], [t_x], [T])[0] == pytest.approx(alive / (alive + f.s * integral), rel=1e-9)


@pytest.mark.parametrize("name", ["pareto", "mbg"])
def test_one_time_buyers_can_be_gone_and_fade_with_time(fits, name):
    f = fits[name]
    T = np.array([0.5, 5, 10, 20, 39, 80])
    p = f.p_alive(np.zeros(6), np.zeros(6), T)
    assert (p < 1).all() and (p > 0).all()
    assert (np.diff(p) < 0).all()


def test_bg_nbd_keeps_every_one_time_buyer_alive(fits):
    p = fits["bgnbd"].p_alive(np.zeros(3), np.zeros(3), np.array([1.0, 39, 80]))
    assert (p == 1.0).all()


def test_pareto_expectation_equals_the_posterior_integral():
    """E[Y(t) | alive] = E[lambda] E[(1 - e^(-mu t)) / mu] under lambda ~ G(r+x, a+T), mu ~ G(s, b+T)."""
    f = pareto.ParetoNbdFit(0.553, 10.58, 0.606, 11.656, "week", 0.0, 0, True)
    x, T, t = 2.0, 38.86, 39.0
    mu = stats.gamma(f.s, scale=1 / (f.beta + T))
    e_mu = integrate.quad(lambda m: -np.expm1(-m * t) / m * mu.pdf(m), 0, np.inf)[0]
    assert f.expected_if_alive(t, [x], [T])[0] == pytest.approx((f.r + x) / (f.alpha + T) * e_mu, rel=1e-7)


def _simulate(name, f, x, T, u, tau, n=400_000, seed=3):
    """Customers alive at T drawn from the posterior; returns (expected purchases in (T, T+tau],
    share buying in (T+u, T+u+tau]) by simulation."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(f.r + x, 1 / (f.alpha + T), n)
    if name == "pareto":
        mu = rng.gamma(f.s, 1 / (f.beta + T), n)
        death = rng.exponential(1 / mu)
        count = rng.poisson(lam * np.minimum(death, tau))
        # first purchase after u, before u + tau and before death
        start = u
        alive_at = death > start
        first = start + rng.exponential(1 / lam)
        buys = alive_at & (first <= start + tau) & (first <= death)
        return count.mean(), buys.mean()
    p = rng.beta(f.a, f.b + x + (1 if name == "mbg" else 0), n)
    expected = np.mean(-np.expm1(-lam * p * tau) / p)
    survive_u = rng.random(n) < np.exp(-lam * p * u)
    buys = survive_u & (rng.random(n) < -np.expm1(-lam * tau))
    return expected, buys.mean()


@pytest.mark.parametrize("name", ["pareto", "mbg", "bgnbd"])
@pytest.mark.parametrize("x,T,u,tau", [(0, 10.0, 0.0, 4.3), (3, 30.0, 8.6, 4.3), (1, 2.0, 20.0, 13.0)],
                         ids=["now", "in-two-months", "later"])
def test_window_purchase_probability_and_expectation_match_simulation(fits, name, x, T, u, tau):
    f = fits[name]
    sim_expected, sim_share = _simulate(name, f, x, T, u, tau)
    assert f.p_purchase_if_alive(u, tau, np.array([float(x)]), np.array([T]))[0] == pytest.approx(
        sim_share, abs=0.004)
    assert f.expected_if_alive(tau, np.array([float(x)]), np.array([T]))[0] == pytest.approx(
        sim_expected, rel=0.02)


def test_expectation_over_a_window_is_the_difference_of_cumulative_ones(fits):
    f = fits["pareto"]
    x, t_x, T = np.array([0.0, 4.0]), np.array([0.0, 20.0]), np.array([15.0, 30.0])
    both = f.expected(8.0, x, t_x, T) - f.expected(3.0, x, t_x, T)
    assert (both > 0).all()
    assert (f.p_purchase(3.0, 5.0, x, t_x, T) <= f.expected(8.0, x, t_x, T)).all()


def test_model_choice_on_cdnow_uses_the_holdout_and_never_picks_bg_nbd_automatically(cdnow):
    choice = models.compare(cdnow, CAL_END, HOLD_END)
    table = choice.table.set_index("model")
    assert list(table.index) == ["pareto", "mbg", "bgnbd"]
    assert not table.loc["bgnbd", "eligible"] and choice.chosen in ("pareto", "mbg")
    eligible = table.loc[table["eligible"]]
    assert table.loc[choice.chosen, "rmse"] == eligible["rmse"].min()
    # the holdout error is the RMSE of each customer's expected against actual repeat purchases
    f = choice.fits[choice.chosen]
    pred = f.expected(39.0, *_args(cdnow))
    assert table.loc[choice.chosen, "rmse"] == pytest.approx(
        np.sqrt(np.mean((pred - cdnow["holdout_frequency"].to_numpy()) ** 2)))
    assert table.loc[choice.chosen, "actual"] == cdnow["holdout_frequency"].sum() == 1882  # 39 weeks
    assert choice.reason.key == "clv.choice.by_holdout"


def test_without_a_holdout_the_better_likelihood_wins(cdnow):
    choice = models.compare(cdnow, CAL_END)
    table = choice.table.set_index("model")
    assert choice.chosen == "mbg"  # -9582.13 against Pareto/NBD's -9594.98
    assert table["rmse"].isna().all() and choice.reason.key == "clv.choice.by_fit"


def test_holdout_split_takes_the_last_quarter_up_to_26_weeks():
    # 549 days of history: the last 137 (a quarter) are held out
    assert models.holdout_split("2025-05-01", "2026-10-31") == (pd.Timestamp("2026-06-16"),
                                                                pd.Timestamp("2026-10-31"))
    cal, end = models.holdout_split("2023-01-01", "2026-10-31")
    assert (end - cal).days == 182
    cal, end = models.holdout_split("2026-01-01", "2026-04-30")
    assert (end - cal).days == 30
    assert models.holdout_split("2026-04-01", "2026-04-30") is None


def test_unknown_model_name_is_refused():
    with pytest.raises(DataError, match="pareto, mbg, bgnbd, auto"):
        models.check_model("weibull")


def test_next_order_wait_is_the_median_of_the_gamma_exponential_mixture(fits):
    f = fits["pareto"]
    days = models.next_order_days(f, np.array([2.0]), np.array([30.0]), 7.0)[0]
    R, A = f.r + 2, f.alpha + 30.0
    # P(no purchase by t | alive) = (A / (A + t))^R is one half at the median
    assert (A / (A + days / 7)) ** R == pytest.approx(0.5)


def test_auto_fit_on_the_sample_store_calls_some_one_time_buyers_gone(sample_orders):
    res = clv.fit(sample_orders, "2026-10-31", model="auto")
    assert res.model.name in ("pareto", "mbg") and res.selection is not None
    one = res.customers.loc[res.customers["frequency"] == 0].sort_values("T")
    assert (one["p_alive"] < 1).all()
    assert one["p_alive"].is_monotonic_decreasing
    assert (res.customers["churn_risk"] == 1 - res.customers["p_alive"]).all()
    assert res.customers["expected_next_order"].dropna().min() > pd.Timestamp("2026-10-31")
