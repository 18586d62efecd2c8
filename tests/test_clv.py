"""CLV models checked against the published CDNOW fits (tests/data/CDNOW_sample.txt, see
/work/shared/data/README.md): Fader, Hardie & Lee 2005 (BG/NBD r=0.243, alpha=4.414, a=0.793,
b=2.426, weeks, calibration 1997-01-01..1997-09-30) and the Gamma-Gamma fit on the 946 repeat
customers (p=6.25, q=3.74, gamma=15.44)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cbe_core.customers import clv
from cbe_core.errors import DataError

CDNOW = Path(__file__).parent / "data" / "CDNOW_sample.txt"
CAL_END, HOLD_END = "1997-09-30", "1998-06-30"


def cdnow_orders() -> pd.DataFrame:
    raw = pd.read_csv(CDNOW, sep=r"\s+", header=None, names=["cust", "panel", "date", "cds", "value"],
                      dtype={"cust": str, "date": str})
    return pd.DataFrame({
        "order_id": raw["cust"] + "-" + raw["date"] + "-" + raw.index.astype(str),
        "order_date": pd.to_datetime(raw["date"], format="%Y%m%d"),
        "sku": "CD", "quantity": 1, "unit_price": raw["value"].astype(float),
        "customer_id": raw["cust"].astype("str"), "cancelled": False,
    })


@pytest.fixture(scope="module")
def cdnow_fit():
    return clv.fit(cdnow_orders(), CAL_END, HOLD_END)


def test_summary_counts_transactions_per_customer_per_day_in_weeks():
    summ, _ = clv.summary(cdnow_orders(), CAL_END)
    c = summ.set_index("customer_id").loc["00004"]
    # 00004 bought on 1997-01-01, 01-18 and 08-02 in calibration: x = 2, t_x = 213/7, T = 272/7
    assert c["frequency"] == 2
    assert c["recency"] == pytest.approx(213 / 7)
    assert c["T"] == pytest.approx(272 / 7)
    assert c["monetary_value"] == pytest.approx((29.73 + 14.96) / 2)
    assert int((summ["frequency"] > 0).sum()) == 946


def test_bgnbd_fit_reproduces_the_published_cdnow_parameters(cdnow_fit):
    bg = cdnow_fit.bgnbd
    assert bg.time_unit == "week" and bg.converged
    assert bg.r == pytest.approx(0.243, rel=0.01)
    assert bg.alpha == pytest.approx(4.414, rel=0.01)
    assert bg.a == pytest.approx(0.793, rel=0.01)
    assert bg.b == pytest.approx(2.426, rel=0.01)


def test_gamma_gamma_fit_reproduces_the_published_cdnow_parameters(cdnow_fit):
    gg = cdnow_fit.gamma_gamma
    assert gg.customers == 946 and gg.converged
    assert gg.p == pytest.approx(6.25, rel=0.01)
    assert gg.q == pytest.approx(3.74, rel=0.01)
    assert gg.v == pytest.approx(15.44, rel=0.01)


def test_fitted_parameters_maximise_the_likelihood(cdnow_fit):
    summ = cdnow_fit.customers
    args = (summ["frequency"], summ["recency"], summ["T"])
    published = clv.bgnbd_log_likelihood((0.243, 4.414, 0.793, 2.426), *args)
    assert cdnow_fit.bgnbd.log_likelihood == pytest.approx(
        clv.bgnbd_log_likelihood(tuple(cdnow_fit.bgnbd.params().values())[:4], *args))
    assert cdnow_fit.bgnbd.log_likelihood >= published


def test_conditional_expectation_matches_the_paper_worked_example():
    # FHL 2005: a customer with x = 2, t_x = 30.43, T = 38.86 is expected to make 1.226 purchases
    # in the next 39 weeks under the published parameters.
    fit = clv.BgNbdFit(0.243, 4.414, 0.793, 2.426, "week", 0.0, 0, True)
    assert clv.expected_purchases(fit, 39, [2], [30.43], [38.86])[0] == pytest.approx(1.226, abs=0.001)
    p_alive = clv.probability_alive(fit, [0, 2], [0, 30.43], [38.86, 38.86])
    assert p_alive[0] == 1.0 and 0 < p_alive[1] < 1


def test_holdout_check_sums_over_calibration_customers(cdnow_fit):
    h = cdnow_fit.holdout
    assert h["customers"] == len(cdnow_fit.customers)
    assert h["actual_repeat_purchases"] == int(cdnow_fit.customers["holdout_frequency"].sum())
    # the model tracks the holdout within 15% on this cohort
    assert h["predicted_repeat_purchases"] == pytest.approx(h["actual_repeat_purchases"], rel=0.15)


def test_predicted_spend_is_purchases_times_expected_value(cdnow_fit):
    c = cdnow_fit.customers
    assert (c["predicted_spend"] >= 0).all()
    row = c.set_index("customer_id").loc["00004"]
    gg = cdnow_fit.gamma_gamma
    value = gg.p * (gg.v + 2 * row["monetary_value"]) / (gg.p * 2 + gg.q - 1)
    assert row["predicted_avg_value"] == pytest.approx(value, abs=0.01)
    assert row["predicted_spend"] == pytest.approx(row["predicted_purchases"] * value, abs=0.05)
    one_timer = c.loc[c["frequency"] == 0].iloc[0]
    assert one_timer["predicted_avg_value"] == pytest.approx(gg.mean_value(), abs=0.01)


def test_day_unit_scales_alpha_by_seven_and_keeps_the_shape_parameters():
    orders = cdnow_orders()
    week = clv.fit(orders, CAL_END).bgnbd
    day = clv.fit(orders, CAL_END, time_unit="day").bgnbd
    assert day.time_unit == "day"
    assert day.alpha == pytest.approx(week.alpha * 7, rel=0.02)
    assert day.r == pytest.approx(week.r, rel=0.02) and day.a == pytest.approx(week.a, rel=0.02)


def test_customers_with_returns_are_left_out_of_the_spend_fit_with_a_note():
    orders = cdnow_orders()
    ids = orders.loc[orders["order_date"] <= CAL_END].groupby("customer_id").size()
    victims = ids[ids >= 3].index[:5]
    returns = orders.loc[orders["customer_id"].isin(victims)].groupby("customer_id").head(1).copy()
    returns["quantity"] = -1
    returns["order_id"] = "RET-" + returns["order_id"]
    res = clv.fit(pd.concat([orders, returns], ignore_index=True), CAL_END)
    note = next(n for n in res.notes if n.key == "clv.note.gg_excluded")
    assert note.params["customers"] == 5
    assert res.gamma_gamma.customers == 946 - 5
    flagged = res.customers.set_index("customer_id").loc[victims]
    assert flagged["has_returns"].all()
    assert np.allclose(flagged["predicted_avg_value"], round(res.gamma_gamma.mean_value(), 2), atol=0.01)


def test_customers_first_seen_after_calibration_are_left_out():
    summ, notes = clv.summary(cdnow_orders(), "1997-02-15")
    assert (summ["first_purchase"] <= "1997-02-15").all()
    assert any(n.key == "clv.note.late_customers" for n in notes)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"calibration_end": "1996-01-01"}, "No purchases on or before"),
        ({"calibration_end": CAL_END, "holdout_end": "1997-01-01"}, "must be after"),
        ({"calibration_end": CAL_END, "time_unit": "month"}, "'day' or 'week'"),
    ],
    ids=["empty-calibration", "holdout-before", "bad-unit"],
)
def test_bad_arguments_raise_clear_errors(kwargs, match):
    with pytest.raises(DataError, match=match):
        clv.fit(cdnow_orders(), **kwargs)


def test_no_repeat_buyers_is_refused_not_crashed():
    orders = cdnow_orders().drop_duplicates("customer_id")
    with pytest.raises(DataError, match="repeat buyers"):
        clv.fit(orders, CAL_END)


def test_value_by_segment_sums_historical_and_predicted_value(cdnow_fit):
    from cbe_core.customers import rfm

    scored = rfm.analyse(cdnow_orders(), as_of="1997-10-01")
    table = clv.value_by_segment(cdnow_fit.customers, scored.customers)
    assert len(table) == 11
    assert table["customers"].sum() == len(scored.customers)
    assert table["historical"].sum() == pytest.approx(scored.customers["monetary"].sum(), rel=1e-9)
    assert table["predicted_spend"].sum() == pytest.approx(cdnow_fit.customers["predicted_spend"].sum(),
                                                           rel=1e-6)
