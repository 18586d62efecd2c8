"""Cohorts against hand-worked figures on a literal orders table, against a plain re-computation on
the sample store, and the projection of young cohorts against the model's own formulas."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cbe_core.customers import clv, cohorts, pareto
from cbe_core.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
COLS = ["order_id", "order_date", "sku", "quantity", "unit_price", "customer_id", "channel", "country",
        "unit_cost", "platform_fee", "shipping_cost", "cancelled"]
# gross profit per line (price x qty - cost x qty - fee - shipping; a return's cost is not recovered):
# O1 3, O2 11, O3 12, R3 -19, O4 21, O5 3, O6 21, O7 30, O9 30
LINES = [
    ("O1", "2026-01-05 10:00", "S1", 1, 10.0, "A", "shopify", "US", 4.0, 1.0, 2.0, False),
    ("O2", "2026-01-20 10:00", "S2", 2, 10.0, "A", "shopify", "US", 3.0, 2.0, 1.0, False),
    ("O3", "2026-03-03 10:00", "S1", 1, 20.0, "A", "amazon", "US", 4.0, 2.0, 2.0, False),
    ("O3", "2026-03-10 10:00", "S1", -1, 20.0, "A", "amazon", "US", 4.0, -1.0, 0.0, False),
    ("O4", "2026-01-31 09:00", "S1", 1, 30.0, "B", "amazon", "DE", 4.0, 3.0, 2.0, False),
    ("O5", "2026-01-31 15:00", "S3", 1, 5.0, "B", "amazon", "DE", 1.0, 0.5, 0.5, False),
    ("O6", "2026-02-01 10:00", "S1", 1, 30.0, "B", "amazon", "DE", 4.0, 3.0, 2.0, False),
    ("O7", "2026-02-10 10:00", "S2", 1, 50.0, "C", "amazon", "US", 10.0, 5.0, 5.0, False),
    ("O8", "2026-02-15 10:00", "S2", 1, 50.0, "C", "amazon", "US", 10.0, 5.0, 5.0, True),
    ("O9", "2026-04-02 10:00", "S2", 1, 50.0, "C", "tiktok", "US", 10.0, 5.0, 5.0, False),
    ("R1", "2026-02-20 10:00", "S1", -1, 30.0, "D", "amazon", "US", 4.0, 0.0, 0.0, False),
    ("O10", "2026-01-10 10:00", "S1", 1, 30.0, None, "amazon", "US", 4.0, 0.0, 0.0, False),
]


def hand_orders() -> pd.DataFrame:
    df = pd.DataFrame(LINES, columns=COLS)
    df["order_date"] = pd.to_datetime(df["order_date"])
    df["customer_id"] = df["customer_id"].astype("str")
    for c in ("order_id", "sku", "channel", "country"):
        df[c] = df[c].astype("str")
    return df


def cell(res, cohort, age, group=""):
    c = res.cells
    return c.loc[(c["cohort"] == cohort) & (c["age"] == age) & (c["group"] == group)].iloc[0]


def test_monthly_cohorts_match_the_hand_worked_figures():
    res = cohorts.build(hand_orders(), min_customers=2)
    assert res.last_day == pd.Timestamp("2026-04-02") and res.has_profit and res.model is None
    table = res.cohorts.set_index("cohort")
    assert table["customers"].to_dict() == {"2026-01": 2, "2026-02": 1}  # D (returns only) is no customer
    assert table["small"].to_dict() == {"2026-01": False, "2026-02": True}
    assert table["observed_ages"].to_dict() == {"2026-01": 3, "2026-02": 2}
    jan = res.cells.loc[res.cells["cohort"] == "2026-01"]
    # age 0: A came back on 20 Jan; B's second order on the day of the first is not a repeat
    assert list(jan["retention"]) == [0.5, 0.5, 0.5, 0.0]
    assert list(jan["orders_per_customer"]) == [2.0, 0.5, 0.5, 0.0]
    assert list(jan["net_sales_per_customer"]) == [32.5, 15.0, 0.0, 0.0]  # March: 20 sold, 20 refunded
    assert list(jan["cum_net_sales_per_customer"]) == [32.5, 47.5, 47.5, 47.5]
    assert list(jan["gross_profit_per_customer"]) == [19.0, 10.5, -3.5, 0.0]
    assert list(jan["cum_gross_profit_per_customer"]) == [19.0, 29.5, 26.0, 26.0]
    assert list(jan["status"]) == ["observed", "observed", "observed", "partial"]
    feb = res.cells.loc[res.cells["cohort"] == "2026-02"]
    # the cancelled order O8 is ignored; C came back in April (in progress)
    assert list(feb["retention"]) == [0.0, 0.0, 1.0]
    assert list(feb["cum_net_sales_per_customer"]) == [50.0, 50.0, 100.0]
    assert list(feb["cum_gross_profit_per_customer"]) == [30.0, 30.0, 60.0]
    assert list(feb["period_start"]) == list(pd.to_datetime(["2026-02-01", "2026-03-01", "2026-04-01"]))


def test_split_by_first_channel_country_and_sku_uses_the_first_purchase():
    orders = hand_orders()
    by_channel = cohorts.build(orders, split="channel", min_customers=1)
    groups = by_channel.cohorts.set_index(["cohort", "group"])["customers"].to_dict()
    # A's later Amazon order does not move A out of the Shopify group
    assert groups == {("2026-01", "amazon"): 1, ("2026-01", "shopify"): 1, ("2026-02", "amazon"): 1}
    assert cell(by_channel, "2026-01", 2, "shopify")["net_sales"] == 0.0
    assert cell(by_channel, "2026-01", 1, "amazon")["retention"] == 1.0
    by_sku = cohorts.build(orders, split="first_sku", min_customers=1)
    # B's two orders on 31 Jan: the earlier one (S1 at 09:00) is the first purchase
    assert set(by_sku.cohorts["group"]) == {"S1", "S2"}
    assert by_sku.cohorts.set_index("group").loc["S1", "customers"].sum() == 2
    country = cohorts.build(orders, split="country", min_customers=1)
    assert set(zip(country.cohorts["cohort"], country.cohorts["group"])) == {
        ("2026-01", "US"), ("2026-01", "DE"), ("2026-02", "US")}


def test_groups_add_up_to_the_unsplit_cohorts():
    orders = hand_orders()
    whole = cohorts.build(orders)
    split = cohorts.totals(cohorts.build(orders, split="channel"))
    cols = ["cohort", "age", "customers", "repeat_customers", "orders", "net_sales", "gross_profit",
            "retention", "cum_net_sales_per_customer", "cum_gross_profit_per_customer", "status"]
    pd.testing.assert_frame_equal(split[cols].reset_index(drop=True),
                                  whole.cells[cols].reset_index(drop=True), check_dtype=False)


def test_weeks_start_on_monday_and_quarters_are_calendar_quarters():
    weekly = cohorts.build(hand_orders(), by="week")
    assert list(weekly.cohorts["cohort"]) == ["2026-01-05", "2026-01-26", "2026-02-09"]
    # A's second purchase on Tuesday 20 January is two weeks after the week of 5 January
    a = weekly.cells.loc[weekly.cells["cohort"] == "2026-01-05"].set_index("age")
    assert a.loc[2, "repeat_customers"] == 1 and a.loc[1, "repeat_customers"] == 0
    quarterly = cohorts.build(hand_orders(), by="quarter")
    q1 = quarterly.cells.loc[quarterly.cells["cohort"] == "2026Q1"]
    assert list(q1["customers"]) == [3, 3]
    assert q1["net_sales"].tolist() == [145.0, 50.0]  # Q1: 10+20+20-20+30+5+30+50; Q2: O9
    assert q1["retention"].iloc[0] == pytest.approx(2 / 3)  # A and B came back within Q1, C in Q2


def test_profit_is_not_available_without_unit_costs_and_the_note_says_why():
    orders = hand_orders()
    orders.loc[orders["order_id"] == "O7", "unit_cost"] = np.nan
    res = cohorts.build(orders)
    assert not res.has_profit and res.cells["cum_gross_profit_per_customer"].isna().all()
    assert any(n.key == "cohorts.note.cost_missing" and n.params["lines"] == 1 for n in res.notes)
    products = pd.DataFrame({"sku": ["S2"], "unit_cost": [10.0]})
    assert cohorts.build(orders, products=products).has_profit  # the products table fills the gap
    bare = orders.drop(columns=["unit_cost", "platform_fee", "shipping_cost"])
    assert any(n.key == "cohorts.note.no_cost" for n in cohorts.build(bare).notes)


@pytest.mark.parametrize("kwargs,match", [({"by": "day"}, "month, week, quarter"),
                                          ({"split": "city"}, "channel, country, first_sku"),
                                          ({"split": "traffic_source"}, "traffic_source")],
                         ids=["bad-period", "bad-split", "no-attribution-column"])
def test_bad_options_are_refused_with_a_message(kwargs, match):
    with pytest.raises(DataError, match=match):
        cohorts.build(hand_orders(), **kwargs)


def test_acquisition_cost_ltv_and_payback_by_hand():
    res = cohorts.build(hand_orders())
    ads = pd.DataFrame({"date": pd.to_datetime(["2026-01-03", "2026-01-30", "2026-02-05"]),
                        "date_end": pd.to_datetime(["2026-01-03", "2026-02-02", "2026-02-05"]),
                        "spend": [60.0, 40.0, 10.0]})
    other = pd.DataFrame({"month": ["2026-02", "2026-01"], "channel": ["google", "email"],
                          "spend": [10.0, 0.0]})
    acq = cohorts.acquisition(res, ads, other).set_index("cohort")
    # the 4-day ads row is spread: 2 days in January, 2 in February
    assert acq.loc["2026-01", "ad_spend"] == pytest.approx(80.0)
    assert acq.loc["2026-02", "ad_spend"] == pytest.approx(30.0)
    assert acq.loc["2026-02", "other_spend"] == pytest.approx(10.0)
    assert acq.loc["2026-01", "cac"] == pytest.approx(40.0)  # 80 / 2 new customers
    assert acq.loc["2026-02", "cac"] == pytest.approx(40.0)  # (30 + 10) / 1
    # cumulative gross profit per customer: January 19, 29.5, 26, 26 (never 40); February 30, 30, 60
    assert np.isnan(acq.loc["2026-01", "payback_age"])
    assert acq.loc["2026-02", "payback_age"] == 2 and not acq.loc["2026-02", "payback_projected"]
    assert np.isnan(acq.loc["2026-01", "ltv"])  # twelve months neither observed nor projected
    assert cohorts.acquisition(res).empty


def test_sample_store_cohorts_equal_a_plain_recomputation():
    from cbe_core.ingest import read_table

    orders, _ = read_table(ROOT / "sample_data" / "orders.csv", "orders")
    res = cohorts.build(orders)
    # independent: per customer, month of first sale; a repeat = a sale on a later day
    sales = orders.loc[~orders["cancelled"] & (orders["quantity"] > 0) & (orders["unit_price"] > 0)]
    first = sales.groupby("customer_id")["order_date"].min().dt.normalize()
    cohort = first.dt.to_period("M")
    counts = cohort.value_counts()
    later = sales.loc[sales["order_date"].dt.normalize() > sales["customer_id"].map(first)]
    age = (later["order_date"].dt.to_period("M") - later["customer_id"].map(cohort)).map(lambda d: d.n)
    back = pd.DataFrame({"c": later["customer_id"].map(cohort).astype(str), "age": age.to_numpy(),
                         "id": later["customer_id"].to_numpy()}).drop_duplicates()
    rate = back.groupby(["c", "age"]).size() / back.groupby(["c", "age"])["c"].first().map(
        {str(k): v for k, v in counts.items()})
    cells = res.cells.set_index(["cohort", "age"])
    for (c, a), value in rate.items():
        assert cells.loc[(c, a), "retention"] == pytest.approx(value)
    assert cells["repeat_customers"].sum() == len(back)
    lines = orders.loc[~orders["cancelled"] & orders["customer_id"].notna()]
    lines = lines.loc[(lines["quantity"] < 0) | ((lines["quantity"] > 0) & (lines["unit_price"] > 0))]
    total = (lines["quantity"] * lines["unit_price"]).groupby(
        lines["customer_id"].map(cohort).astype(str)).sum()
    last = res.cells.groupby("cohort").last()
    for c, value in total.items():
        assert last.loc[c, "cum_net_sales_per_customer"] * counts[pd.Period(c, "M")] == pytest.approx(value)
    assert res.cohorts["customers"].sum() == len(first)


def test_young_cohorts_are_projected_with_the_models_own_formulas():
    orders = hand_orders()
    fit = pareto.ParetoNbdFit(0.8, 5.0, 0.7, 9.0, "week", 0.0, 3, True)
    # what clv.fit gives per customer up to the last day (2026-04-02), in weeks
    summ, _ = clv.summary(orders, "2026-04-02")
    summ["predicted_avg_value"] = [20.0, 30.0, 50.0]
    model = clv.ClvResult(fit, None, summ, pd.Timestamp("2026-04-02"), None, 365, None, ())
    res = cohorts.build(orders, clv=model, min_customers=1)
    assert res.model == "pareto"
    jan = res.cells.loc[res.cells["cohort"] == "2026-01"].set_index("age")
    assert list(jan["status"].iloc[:4]) == ["observed", "observed", "observed", "projected"]
    assert len(jan) == 12  # projected up to the twelve months of the LTV horizon
    s = summ.set_index("customer_id")
    x, tx, T = (s.loc[["A", "B"], k].to_numpy() for k in ("frequency", "recency", "T"))
    alive = fit.p_alive(x, tx, T)
    # April: 2 days observed (nobody of January bought), the remaining 28 days predicted
    p = fit.p_purchase_if_alive(0.0, 28 / 7, x, T)
    assert jan.loc[3, "repeat_customers"] == pytest.approx(float((alive * p).sum()))
    gain = fit.expected_if_alive(28 / 7, x, T)
    assert jan.loc[3, "orders"] == pytest.approx(float((alive * gain).sum()))
    net_ratio = (10 + 20 + 20 - 20 + 30 + 5 + 30 + 50 + 50) / (10 + 20 + 20 + 30 + 5 + 30 + 50 + 50)
    sales = float((alive * gain * np.array([20.0, 30.0])).sum()) * net_ratio
    assert jan.loc[3, "net_sales"] == pytest.approx(sales)
    margin = (38 + 21 - 7) / (65 + 30 + 0)  # January cohort's own margin over its complete months
    assert jan.loc[3, "gross_profit"] == pytest.approx(sales * margin)
    # May is a whole future month: 28 days from the end of April
    u, tau = 28 / 7, 31 / 7
    p_may = fit.p_purchase_if_alive(u, tau, x, T)
    assert jan.loc[4, "repeat_customers"] == pytest.approx(float((alive * p_may).sum()))
    # February's C already came back in April: counted once, no model chance added for April
    feb = res.cells.loc[res.cells["cohort"] == "2026-02"].set_index("age")
    assert feb.loc[2, "repeat_customers"] == pytest.approx(1.0)
    assert feb.loc[2, "orders"] > 1.0  # the observed April order plus expected ones
    assert (jan["cum_net_sales_per_customer"].diff().dropna() >= -1e-9).iloc[3:].all()
    assert res.cohorts.set_index("cohort").loc["2026-01", "ltv_projected"]
