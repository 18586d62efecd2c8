"""Diagnostics formulas against hand-worked numbers on a tiny literal store."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from cbe_core import diagnostics as dg
from cbe_core.errors import DataError

D1, D2 = pd.Timestamp("2026-01-01"), pd.Timestamp("2026-01-02")


@pytest.fixture()
def orders() -> pd.DataFrame:
    # O1: 2 x A @10 + 1 x B @30 (c1); O2: 1 x A @10 (c2); O3: 1 x B @30 (c1, day 2);
    # O4: cancelled; O2 returns one A on day 2.
    return pd.DataFrame({
        "order_id": ["O1", "O1", "O2", "O3", "O4", "O2"],
        "order_date": pd.to_datetime(["2026-01-01 09:00", "2026-01-01 09:00", "2026-01-01 13:00",
                                      "2026-01-02 10:00", "2026-01-02 11:00", "2026-01-02 15:00"]),
        "sku": ["A", "B", "A", "B", "A", "A"],
        "quantity": [2, 1, 1, 1, 1, -1],
        "unit_price": [10.0, 30.0, 10.0, 30.0, 10.0, 10.0],
        "customer_id": ["c1", "c1", "c2", "c1", "c3", "c2"],
        "country": ["US", "US", "DE", "US", "US", "DE"],
        "status": ["paid", "paid", "paid", "paid", "cancelled", "returned"],
        "cancelled": [False, False, False, False, True, False],
    })


@pytest.fixture()
def traffic() -> pd.DataFrame:
    return pd.DataFrame({
        "date": [D1, D1, D2, D2],
        "sku": ["A", "B", "A", "B"],
        "source": ["search", "search", "ads", "search"],
        "sessions": [50, 25, 10, 15],
        "bounces": [20, 5, 5, 10],
        "date_end": [D1, D1, D2, D2],
    })


@pytest.fixture()
def ads() -> pd.DataFrame:
    return pd.DataFrame({
        "date": [D1, D2], "campaign": ["X", "X"], "sku": ["A", "A"], "spend": [5.0, 5.0],
        "clicks": [10, 10], "impressions": [100, 100], "ad_orders": [1, 0], "ad_sales": [20.0, 0.0],
    })


@pytest.fixture()
def products() -> pd.DataFrame:
    return pd.DataFrame({"sku": ["A", "B"], "name": ["Alpha", "Beta"], "category": ["kitchen", "home"],
                         "price": [10.0, 30.0], "unit_cost": [4.0, 10.0]})


def test_order_kpis_count_sales_lines_only(orders):
    k = dg.kpis(orders)
    assert k.get("revenue") == 90.0  # 20 + 30 + 10 + 30; cancelled and return lines excluded
    assert k.get("orders") == 3.0
    assert k.get("units") == 5.0
    assert k.get("aov") == 30.0
    assert k.get("units_per_order") == pytest.approx(5 / 3)
    assert k.get("return_rate") == pytest.approx(1 / 5)
    assert k.get("cancel_rate") == pytest.approx(1 / 4)  # O4 of O1..O4


def test_traffic_kpis_conversion_unit_session_and_bounce(orders, traffic):
    k = dg.kpis(orders, traffic)
    assert k.get("sessions") == 100.0
    assert k.get("conversion_rate") == pytest.approx(0.03)
    assert k.get("unit_session_pct") == pytest.approx(0.05)
    assert k.get("bounce_rate") == pytest.approx(0.40)


def test_profit_uses_product_costs_and_break_even_acos_is_the_margin(orders, traffic, ads, products):
    k = dg.kpis(orders, traffic, ads, products)
    # costs: A 3 units x 4 + B 2 units x 10 = 32
    assert k.get("gross_profit") == pytest.approx(58.0)
    assert k.get("margin") == pytest.approx(58 / 90)
    assert k.get("break_even_acos") == pytest.approx(58 / 90)
    assert "diag.note.no_fees" in k.notes


def test_fees_and_shipping_are_deducted_when_given(orders, products):
    o = orders.assign(platform_fee=[1.0, 2.0, 0.5, 3.0, 0.0, 0.0],
                      shipping_cost=[2.0, 0.0, 1.0, 1.0, 0.0, 0.0])
    k = dg.kpis(o, products=products)
    assert k.get("gross_profit") == pytest.approx(58.0 - 6.5 - 4.0)
    assert "diag.note.no_fees" not in k.notes


def test_ad_kpis(orders, traffic, ads):
    k = dg.kpis(orders, traffic, ads)
    assert k.get("ad_spend") == 10.0
    assert k.get("roas") == pytest.approx(2.0)
    assert k.get("acos") == pytest.approx(0.5)
    assert k.get("tacos") == pytest.approx(10 / 90)


def test_repurchase_and_returning_revenue(orders):
    k = dg.kpis(orders)
    assert k.get("customers") == 2.0  # c3 only has a cancelled order
    assert k.get("repurchase_rate") == pytest.approx(0.5)  # c1 ordered twice, c2 once
    assert k.get("returning_revenue_share") == pytest.approx(30 / 90)  # O3 is c1's second order


def test_repurchase_looks_back_before_the_range(orders):
    k = dg.kpis(orders, start=D2, end=D2)
    assert k.get("customers") == 1.0
    assert k.get("repurchase_rate") == 1.0
    assert k.get("returning_revenue_share") == 1.0


@pytest.mark.parametrize(
    "drop,kpi,reason",
    [
        ("traffic", "conversion_rate", "diag.na.no_traffic"),
        ("ads", "roas", "diag.na.no_ads"),
        ("cost", "margin", "diag.na.no_cost"),
        ("customers", "repurchase_rate", "diag.na.no_customers"),
        ("bounces", "bounce_rate", "diag.na.no_column"),
    ],
    ids=["no-traffic", "no-ads", "no-cost", "no-customer-ids", "no-bounce-column"],
)
def test_missing_inputs_make_kpis_not_available(orders, traffic, ads, products, drop, kpi, reason):
    o = orders.drop(columns="customer_id") if drop == "customers" else orders
    t = None if drop == "traffic" else (traffic.drop(columns="bounces") if drop == "bounces" else traffic)
    a = None if drop == "ads" else ads
    p = None if drop == "cost" else products
    k = dg.kpis(o, t, a, p)
    assert k.get(kpi) is None
    assert k.reasons[kpi] == reason


def test_partial_costs_are_not_available_rather_than_understated(orders):
    products = pd.DataFrame({"sku": ["A"], "name": ["Alpha"], "category": ["k"], "price": [10.0],
                             "unit_cost": [4.0]})
    k = dg.kpis(orders, products=products)
    assert k.get("gross_profit") is None
    assert k.reasons["gross_profit"] == "diag.na.cost_partial"


def test_period_with_no_data_is_not_available_not_zero(orders):
    k = dg.kpis(orders, start="2025-01-01", end="2025-01-31")
    assert k.get("revenue") is None
    assert k.reasons["revenue"] == "diag.na.no_data"


@pytest.mark.parametrize(
    "dim,value,revenue,orders_,sessions",
    [("sku", "A", 30.0, 2.0, 60.0), ("category", "home", 60.0, 2.0, 40.0),
     ("source", "ads", 5.0, 1 / 3, 10.0)],
    ids=["sku", "category", "source"],
)
def test_slices(orders, traffic, products, dim, value, revenue, orders_, sessions):
    k = dg.kpis(orders, traffic, products=products, start=D1, end=D2, slice_dim=dim, slice_value=value)
    assert k.get("revenue") == pytest.approx(revenue)
    assert k.get("orders") == pytest.approx(orders_)
    assert k.get("sessions") == pytest.approx(sessions)


def test_source_slice_attributes_sku_sales_by_the_sources_sessions(orders, traffic):
    # SKU A: 60 sessions, 10 from ads -> 1/6 of A's revenue (30) goes to ads; B has no ads sessions
    k = dg.kpis(orders, traffic, start=D1, end=D2, slice_dim="source", slice_value="ads")
    assert k.get("revenue") == pytest.approx(30 / 6)
    assert "diag.note.attributed" in k.notes


def test_country_slice_without_country_in_traffic_makes_traffic_kpis_not_available(orders, traffic):
    k = dg.kpis(orders, traffic, slice_dim="country", slice_value="DE")
    assert k.get("revenue") == 10.0
    assert k.get("sessions") is None
    assert k.reasons["sessions"] == "diag.na.slice_table"


def test_period_rows_are_spread_over_their_days_and_buy_box_is_session_weighted(orders):
    traffic = pd.DataFrame({
        "date": pd.to_datetime(["2025-12-24", "2025-12-24"]),
        "date_end": pd.to_datetime(["2026-01-02", "2026-01-02"]),
        "sku": ["A", "B"], "source": ["amazon", "amazon"], "sessions": [100, 300], "buy_box_pct": [0.5, 0.9],
    })
    k = dg.kpis(orders, traffic, start=D1, end=D2)
    assert k.get("sessions") == pytest.approx(80.0)  # 2 of the 10 days
    assert k.get("buy_box_pct") == pytest.approx((0.5 * 100 + 0.9 * 300) / 400)
    assert "diag.note.period_rows" in k.notes
    st = dg.prepare(orders, traffic)
    assert dg.daily(st)["sessions"].isna().all()  # period rows never feed the daily anomaly series


def test_compare_previous_last_year_and_benchmark(orders, traffic):
    k = dg.kpis(orders, traffic, start=D2, end=D2)
    prev = dg.kpis(orders, traffic, start=D1, end=D1)
    ly = dg.kpis(orders, traffic, start="2025-01-02", end="2025-01-02")
    c = dg.compare(k, prev, ly).set_index("kpi")
    assert c.loc["revenue", "value"] == 30.0
    assert c.loc["revenue", "previous"] == 60.0
    assert c.loc["revenue", "change_pct"] == pytest.approx(-0.5)
    assert math.isnan(c.loc["revenue", "last_year"])
    b = dg.benchmark_for("conversion_rate")
    assert c.loc["conversion_rate", "benchmark"] == b["value"]
    assert c.loc["conversion_rate", "vs_benchmark"] == pytest.approx((1 / 25) / b["value"] - 1)


def test_ranges_previous_and_last_year():
    assert (dg.previous_range("2026-03-01", "2026-03-31")
            == (pd.Timestamp("2026-01-29"), pd.Timestamp("2026-02-28")))
    assert (dg.last_year_range("2024-02-29", "2024-03-31")
            == (pd.Timestamp("2023-02-28"), pd.Timestamp("2023-03-31")))


def test_benchmark_table_cites_a_source_and_year_for_every_row():
    b = dg.load_benchmarks()
    assert {"metric", "scope", "value", "source", "year", "estimate"} <= set(b.columns)
    assert b["source"].str.len().gt(10).all()
    assert b["year"].between(2015, 2027).all()
    assert set(b["metric"]) <= set(dg.KPI_ORDER)
    assert dg.benchmark_for("conversion_rate", "shopify")["value"] == 0.014
    assert dg.benchmark_for("conversion_rate", "tiktok")["scope"] == "all"


# ---- LMDI --------------------------------------------------------------------------------------


def test_lmdi_matches_hand_worked_example():
    # before: 100 sessions x 2% x 50 = 100; after: 110 x 1.5% x 52 = 85.8
    e = dg.lmdi(100.0, 85.8, {"s": 100, "c": 0.02, "a": 50}, {"s": 110, "c": 0.015, "a": 52})
    # L = (85.8 - 100) / ln(0.858) = 92.71884; effects = L ln(ratio)
    assert e["s"][0] == pytest.approx(8.837049, abs=1e-6)
    assert e["c"][0] == pytest.approx(-26.673549, abs=1e-6)
    assert e["a"][0] == pytest.approx(3.636499, abs=1e-6)
    assert e["s"][0] + e["c"][0] + e["a"][0] == pytest.approx(-14.2, abs=1e-12)


def test_lmdi_zero_values_go_to_the_factor_that_is_zero():
    e = dg.lmdi([0.0, 0.0, 50.0], [40.0, 30.0, 0.0],
                {"s": [0.0, 100.0, 100.0], "c": [0.0, 0.0, 0.01], "a": [0.0, 0.0, 50.0]},
                {"s": [100.0, 100.0, 0.0], "c": [0.01, 0.01, 0.0], "a": [40.0, 30.0, 0.0]})
    assert list(e["s"]) == [40.0, 0.0, -50.0]  # new SKU: traffic appeared; gone SKU: traffic vanished
    assert list(e["c"]) == [0.0, 30.0, 0.0]    # sessions before but no orders: conversion appeared
    assert list(e["a"]) == [0.0, 0.0, 0.0]
    assert list(e["unattributed"]) == [0.0, 0.0, 0.0]


@settings(max_examples=200, deadline=None)
@given(hs.lists(hs.tuples(*[hs.floats(0.01, 1e5)] * 6), min_size=1, max_size=20))
def test_lmdi_effects_add_up_to_the_change(rows):
    a = np.array(rows)
    v0 = a[:, 0] * a[:, 1] * a[:, 2]
    v1 = a[:, 3] * a[:, 4] * a[:, 5]
    e = dg.lmdi(v0, v1, {"s": a[:, 0], "c": a[:, 1], "a": a[:, 2]},
                {"s": a[:, 3], "c": a[:, 4], "a": a[:, 5]})
    total = e["s"] + e["c"] + e["a"] + e["unattributed"]
    np.testing.assert_allclose(total, v1 - v0, rtol=1e-9, atol=1e-9 * np.maximum(v0, v1).max())


def test_decomposition_overall_and_per_sku_add_up_exactly(orders, traffic):
    st = dg.prepare(orders, traffic)
    dec = dg.decompose(st, (D1, D1), (D2, D2))
    assert dec.factors == ("sessions", "conversion", "aov")
    assert dec.change == pytest.approx(30.0 - 60.0)
    assert sum(dec.effects.values()) == pytest.approx(dec.change, abs=1e-9)
    per = dec.by_sku
    effect_cols = ["sessions_effect", "conversion_effect", "aov_effect", "unattributed"]
    np.testing.assert_allclose(per[effect_cols].sum(axis=1), per["change"], atol=1e-9)
    assert per["change"].sum() == pytest.approx(dec.change)
    # SKU A: 60 -> 0 revenue with sessions 50 -> 10 and no orders on day 2: conversion vanished
    a = per.set_index("sku").loc["A"]
    assert a["conversion_effect"] == pytest.approx(-30.0)
    src = dec.by_source
    np.testing.assert_allclose(src[effect_cols].sum(axis=1), src["change"], atol=1e-9)


def test_decomposition_without_traffic_splits_orders_and_order_value(orders):
    st = dg.prepare(orders)
    dec = dg.decompose(st, (D1, D1), (D2, D2))
    assert dec.factors == ("orders", "aov")
    # 2 orders x 30 -> 1 order x 30: all of it is orders
    assert dec.effects["orders"] == pytest.approx(-30.0)
    assert dec.effects["aov"] == pytest.approx(0.0, abs=1e-12)


# ---- anomalies ---------------------------------------------------------------------------------


def _series(n=200, seed=1, level=1000.0):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2026-01-01", periods=n, freq="D")
    weekly = np.array([1.0, 0.95, 0.9, 0.95, 1.1, 1.3, 1.2])[idx.day_of_week]
    return pd.Series(level * weekly * rng.normal(1.0, 0.05, n), index=idx)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_weekly_pattern_with_noise_raises_few_alarms(seed):
    s = _series(seed=seed)
    assert dg.detect_anomalies(s, "low")["flag"].sum() == 0
    flag = dg.detect_anomalies(s, "medium")["flag"].to_numpy()
    runs = int((flag[1:] & ~flag[:-1]).sum() + flag[0])
    assert runs <= 3  # in 200 days of pure noise


def test_one_day_spike_and_a_week_long_drop_are_flagged():
    s = _series()
    s.iloc[60] *= 3
    s.iloc[120:127] *= 0.6
    res = dg.detect_anomalies(s, "medium").set_index("date")
    assert res["flag"].iloc[60] and res["direction"].iloc[60] == "spike"
    assert res["flag"].iloc[120:127].sum() >= 5
    assert (res["direction"].iloc[120:127] == "drop").all()
    # the spike does not leak onto its neighbours
    assert not res["flag"].iloc[[58, 59, 61, 62]].any()


def test_higher_sensitivity_flags_at_least_as_many_days():
    s = _series(seed=3)
    s.iloc[50] *= 1.25
    counts = [dg.detect_anomalies(s, level)["flag"].sum() for level in ("low", "medium", "high")]
    assert counts[0] <= counts[1] <= counts[2]


def test_unknown_sensitivity_is_refused():
    with pytest.raises(DataError, match="sensitivity"):
        dg.detect_anomalies(_series(), "extreme")


def test_robust_z_ignores_outliers_in_its_scale():
    z = dg.robust_z(np.array([1.0, 2.0, 3.0, 4.0, 1000.0]))
    assert z[2] == 0.0
    assert z[4] > 600  # MAD = 1, scale 1.4826


# ---- errors ------------------------------------------------------------------------------------


def test_missing_order_columns_are_named(orders):
    with pytest.raises(DataError, match="quantity"):
        dg.kpis(orders.drop(columns="quantity"))


def test_unknown_slice_is_refused(orders):
    with pytest.raises(DataError, match="Unknown slice 'colour'"):
        dg.kpis(orders, slice_dim="colour", slice_value="red")


def test_category_slice_needs_products(orders):
    with pytest.raises(DataError, match="products"):
        dg.kpis(orders, slice_dim="category", slice_value="home")


def test_inputs_are_not_mutated(orders, traffic, ads, products):
    before = [f.copy() for f in (orders, traffic, ads, products)]
    dg.run_all(orders, traffic, ads, products)
    for a, b in zip(before, (orders, traffic, ads, products), strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_run_all_results_are_json_ready(orders, traffic, ads, products):
    res = dg.run_all(orders, traffic, ads, products, start=D2, end=D2)
    payload = {"kpis": dg.kpis_json(res.kpis), "findings": [f.to_dict("zh") for f in res.findings]}
    json.dumps(payload)
    assert payload["kpis"]["values"]["revenue"] == 30.0


def test_conversion_uses_only_the_days_the_traffic_covers(orders, traffic):
    # traffic for day 1 only: 75 sessions, and the 2 orders of day 1 (not the 3 of the range)
    k = dg.kpis(orders, traffic[traffic["date"] == D1], start=D1, end=D2)
    assert k.get("sessions") == 75.0
    assert k.get("conversion_rate") == pytest.approx(2 / 75)
    assert "diag.note.traffic_partial" in k.notes
    st = dg.prepare(orders, traffic[traffic["date"] == D1])
    sk = dg.by_sku(st, D1, D2).set_index("sku")
    assert sk.loc["B", "conversion"] == pytest.approx(1 / 25)  # O1 only; O3 is on day 2
