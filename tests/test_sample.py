"""The sample store: deterministic, canonical, coherent, and each planted situation measurable.

Every plant is measured from the frames directly (no diagnostics module), with the same simple
definitions the README gives: conversion = orders / sessions, bounce = bounces / sessions, AOV =
revenue / orders, ACoS = spend / ad_sales, recency = days from the last sales order to STORE_END.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from cbe_core import sample, schema
from cbe_core.sample import (
    CAMPAIGNS,
    D1_SKU,
    D2_SKU,
    D3_CAMPAIGN,
    D4_END,
    D4_START,
    D5_SOURCE,
    D6_SKU,
    D7_CAMPAIGN,
    D7_DATE,
    R1_CUSTOMERS,
    R2_CUSTOMERS,
    STORE_END,
    STORE_START,
    generate_orders,
    generate_store,
    margin_before_ads,
    write_sample,
)

ROOT = Path(__file__).resolve().parents[1]
OWN_TABLES = ("products", "orders", "traffic", "ads")


@pytest.fixture(scope="module")
def store():
    return generate_store()


@pytest.fixture(scope="module")
def healthy():
    return generate_store(plant=False)


# --- measurements -------------------------------------------------------------------------------
def per_sku(traffic: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    g = traffic.groupby("sku").agg(sessions=("sessions", "sum"), orders=("orders", "sum"),
                                   bounces=("bounces", "sum"), revenue=("revenue", "sum"))
    g["conv"] = g["orders"] / g["sessions"]
    g["bounce"] = g["bounces"] / g["sessions"]
    g["aov"] = g["revenue"] / g["orders"]
    return g.join(products.set_index("sku")["category"])


def customers(orders: pd.DataFrame) -> pd.DataFrame:
    sl = schema.sales_lines(orders)
    sl = sl.assign(rev=sl["quantity"] * sl["unit_price"], day=sl["order_date"].dt.normalize())
    c = sl.groupby("customer_id").agg(last=("day", "max"), f=("order_id", "nunique"), m=("rev", "sum"))
    c["recency_days"] = (pd.Timestamp(STORE_END) - c["last"]).dt.days
    return c


def in_range(index: pd.Index, bounds: tuple[str, str]) -> np.ndarray:
    return np.asarray((index >= bounds[0]) & (index <= bounds[1]))


def weekly_conversion(traffic: pd.DataFrame) -> pd.DataFrame:
    # weeks Monday..Sunday, labelled by their Monday
    t = traffic.assign(week=traffic["date"] - pd.to_timedelta(traffic["date"].dt.day_of_week, unit="D"))
    w = t.groupby("week")[["sessions", "orders", "add_to_cart"]].sum()
    w["conv"] = w["orders"] / w["sessions"]
    return w


def campaign_acos(ads: pd.DataFrame, by_month: bool = False) -> pd.Series:
    keys = ["campaign", ads["date"].dt.to_period("M")] if by_month else ["campaign"]
    g = ads.groupby(keys)[["spend", "ad_sales"]].sum()
    return g["spend"] / g["ad_sales"]


def source_revenue_share(traffic: pd.DataFrame) -> pd.Series:
    r = traffic.groupby("source")["revenue"].sum()
    return r / r.sum()


# --- determinism and shape ------------------------------------------------------------------------
def test_same_seed_gives_identical_frames(store):
    again = generate_store()
    assert set(again) == set(store)
    for name in store:
        pdt.assert_frame_equal(again[name], store[name], obj=name)


def test_another_seed_gives_another_store(store):
    other = generate_store(seed=8, plant=True)
    assert not other["orders"]["customer_id"].equals(store["orders"]["customer_id"])


def test_store_has_its_own_tables_and_the_other_helpers_tables_when_present(store):
    assert set(OWN_TABLES) <= set(store)
    for name in ("competitors", "reviews", "rate_cards", "shipments"):
        mod = "competitors" if name in ("competitors", "reviews") else "logistics"
        if (ROOT / "cbe_core" / "sample" / f"{mod}.py").exists():
            assert name in store and len(store[name]) > 0


_KIND_CHECK = {
    "id": lambda s: s.dtype == "str",
    "text": lambda s: s.dtype == "str",
    "category": lambda s: s.dtype == "str",
    "datetime": lambda s: s.dtype == "datetime64[ns]",
    "date": lambda s: s.dtype == "datetime64[ns]" and bool((s.dropna() == s.dropna().dt.normalize()).all()),
    "int": lambda s: s.dtype in ("int64", "Int64"),
    "float": lambda s: s.dtype == "float64",
    "money": lambda s: s.dtype == "float64",
    "pct": lambda s: s.dtype == "float64",
    "bool": lambda s: s.dtype == "bool",
}


@pytest.mark.parametrize("name", OWN_TABLES)
def test_frames_follow_the_canonical_schema(store, name):
    table = schema.get_table(name)
    frame = store[name]
    assert set(table.required) <= set(frame.columns)
    for col in table.columns:
        if col.name in frame.columns:
            assert _KIND_CHECK[col.kind](frame[col.name]), (name, col.name, frame[col.name].dtype)
            if col.required:
                assert frame[col.name].notna().all(), (name, col.name)
    if name == "orders":
        assert frame["cancelled"].dtype == "bool"
    if name in ("traffic", "ads"):
        assert (frame["date_end"] == frame["date"]).all()


def test_catalogue_has_30_skus_in_4_categories_with_dimensions(store):
    p = store["products"]
    assert len(p) == 30 and p["sku"].is_unique
    assert sorted(p["category"].unique()) == ["beauty", "home", "kitchen", "outdoor"]
    assert (p[["weight_kg", "length_cm", "width_cm", "height_cm"]] > 0).all().all()
    assert (p["unit_cost"] < p["price"]).all()


def test_store_covers_18_months_countries_channels_sources_and_about_5000_customers(store):
    o, t = store["orders"], store["traffic"]
    assert o["order_date"].min().date() == STORE_START
    assert o["order_date"].max().date() == STORE_END
    assert t["date"].min().date() == STORE_START and t["date"].max().date() == STORE_END
    assert {"US", "DE", "GB", "JP"} <= set(o["country"]) and o["country"].nunique() >= 6
    assert set(o["channel"]) == {"amazon", "shopify", "tiktok"}
    assert set(t["source"]) == set(sample.SOURCES)
    assert 4_500 <= o["customer_id"].nunique() <= 6_000
    assert o["email"].str.endswith("@example.com").all() and o["customer_name"].str.len().gt(3).all()
    # one customer keeps one e-mail and one name
    assert (o.groupby("customer_id")[["email", "customer_name"]].nunique() == 1).all().all()


# --- coherence ------------------------------------------------------------------------------------
def test_traffic_orders_units_and_revenue_match_the_orders_table_per_sku_source_and_day(store):
    sl = schema.sales_lines(store["orders"])
    sl = sl.assign(day=sl["order_date"].dt.normalize(), rev=sl["quantity"] * sl["unit_price"])
    from_orders = sl.groupby(["day", "sku", "traffic_source"]).agg(
        orders=("order_id", "nunique"), units=("quantity", "sum"), revenue=("rev", "sum"))
    t = store["traffic"]
    from_traffic = t.loc[t["orders"] > 0].set_index(["date", "sku", "source"])[["orders", "units", "revenue"]]
    from_orders.index.names = from_traffic.index.names
    a, b = from_orders.sort_index(), from_traffic.sort_index()
    assert a.index.equals(b.index)
    assert (a["orders"].to_numpy() == b["orders"].to_numpy()).all()
    assert (a["units"].to_numpy() == b["units"].to_numpy()).all()
    np.testing.assert_allclose(a["revenue"].to_numpy(), b["revenue"].to_numpy(), atol=0.006)


def test_funnel_counts_are_nested(store):
    t = store["traffic"]
    assert (t["sessions"] > 0).all()
    assert (t["bounces"] <= t["sessions"]).all()
    assert (t["add_to_cart"] <= t["sessions"] - t["bounces"]).all()
    assert (t["orders"] <= t["add_to_cart"]).all()
    assert (t["page_views"] >= t["sessions"]).all()


def test_each_order_has_one_sales_line_and_returns_follow_their_sale(store):
    o = store["orders"]
    sales = o.loc[o["quantity"] > 0]
    assert sales["order_id"].is_unique
    ret = o.loc[o["quantity"] < 0]
    joined = ret.merge(sales, on="order_id", suffixes=("", "_sale"))
    assert len(joined) == len(ret)
    assert (joined["order_date"] > joined["order_date_sale"]).all()
    assert (joined["quantity"] == -joined["quantity_sale"]).all()
    assert (joined["status"] == "returned").all() and not joined["cancelled"].any()
    assert not joined["cancelled_sale"].any()


def test_returns_and_cancellations_are_a_few_percent(store):
    o = store["orders"]
    assert 0.02 <= (o["quantity"] < 0).mean() <= 0.06
    assert 0.01 <= o["cancelled"].mean() <= 0.04
    assert set(o.loc[o["cancelled"], "status"]) == {"cancelled", "refunded"}


def test_money_adds_up(store):
    o = store["orders"]
    sl = schema.sales_lines(o)
    rev = sl["quantity"] * sl["unit_price"]
    assert (sl["unit_cost"] < sl["unit_price"]).all()
    # platform fee over all sales: 8-15% of revenue; Amazon lines pay the 15% (8% cheap beauty) referral fee
    assert 0.08 <= sl["platform_fee"].sum() / rev.sum() <= 0.15
    amz = sl["channel"] == "amazon"
    np.testing.assert_allclose(sl.loc[amz, "platform_fee"].sum() / rev[amz].sum(), 0.15, atol=0.005)
    assert sl["shipping_cost"].between(3.0, 100.0).all()
    ship_share = sl["shipping_cost"].sum() / rev.sum()
    assert 0.1 <= ship_share <= 0.3
    gross = rev - sl["quantity"] * sl["unit_cost"] - sl["platform_fee"] - sl["shipping_cost"]
    assert 0.25 <= gross.sum() / rev.sum() <= 0.5


def test_conversion_is_plausible_for_every_sku_and_source(store):
    s = per_sku(store["traffic"], store["products"])
    assert s["conv"].between(0.01, 0.15).all()
    src = store["traffic"].groupby("source")[["orders", "sessions"]].sum()
    assert (src["orders"] / src["sessions"]).between(0.005, 0.15).all()


def test_ads_are_the_amazon_ads_traffic_with_spend(store):
    ads, t = store["ads"], store["traffic"]
    aa = t.loc[t["source"] == "amazon_ads"].set_index(["date", "sku"])[["sessions", "orders", "revenue"]]
    m = ads.set_index(["date", "sku"]).join(aa, how="left").fillna(0)
    assert (m["clicks"] == m["sessions"]).all()
    assert (m["ad_orders"] == m["orders"]).all()
    np.testing.assert_allclose(m["ad_sales"], m["revenue"], atol=0.006)
    assert (ads["impressions"] >= ads["clicks"]).all() and (ads["spend"] >= 0).all()
    assert set(ads["campaign"]) == set(CAMPAIGNS)
    for campaign, skus in CAMPAIGNS.items():
        assert set(ads.loc[ads["campaign"] == campaign, "sku"]) == set(skus)
    assert len(ads) == len(pd.date_range(STORE_START, STORE_END)) * sum(len(v) for v in CAMPAIGNS.values())


def test_q4_peak_and_weekly_seasonality(store):
    daily = store["traffic"].groupby("date")["sessions"].sum()
    nov_dec = daily["2025-11-15":"2025-12-15"].mean()
    sep = daily["2025-09-01":"2025-09-30"].mean()
    assert nov_dec > 1.3 * sep
    dow = daily.groupby(daily.index.day_of_week).mean()
    assert dow[6] > dow[4] * 1.15      # Sunday above Friday


# --- plants ---------------------------------------------------------------------------------------
def test_d1_top_traffic_sku_converts_at_a_third_of_its_category_median(store):
    s = per_sku(store["traffic"], store["products"])
    assert D1_SKU in s.nlargest(3, "sessions").index
    cat_median = s.loc[s["category"] == s.loc[D1_SKU, "category"], "conv"].median()
    assert 0.25 <= s.loc[D1_SKU, "conv"] / cat_median <= 0.45


def test_d2_cheap_sku_converts_twice_the_median_with_a_low_order_value(store):
    s = per_sku(store["traffic"], store["products"])
    assert s.loc[D2_SKU, "conv"] / s["conv"].median() >= 1.8
    store_aov = s["revenue"].sum() / s["orders"].sum()
    assert s.loc[D2_SKU, "aov"] <= 0.35 * store_aov


def test_d3_campaign_acos_is_above_break_even_for_months(store):
    margin = margin_before_ads(store["products"])
    skus = list(CAMPAIGNS[D3_CAMPAIGN])
    acos = campaign_acos(store["ads"])
    assert acos[D3_CAMPAIGN] > margin[skus].max() * 1.2
    monthly = campaign_acos(store["ads"], by_month=True)[D3_CAMPAIGN]
    assert (monthly > margin[skus].max()).sum() >= 14
    others = acos.drop(D3_CAMPAIGN)
    for campaign, value in others.items():
        assert value < margin[list(CAMPAIGNS[campaign])].min()


def test_d4_one_week_of_conversion_down_40_percent_with_normal_traffic(store):
    w = weekly_conversion(store["traffic"])
    week = pd.Timestamp(D4_START)
    assert pd.Timestamp(D4_END) == week + timedelta(days=6)
    before = w.loc[week - pd.Timedelta(weeks=4): week - pd.Timedelta(weeks=1)]
    ratio = w.loc[week, "conv"] / before["conv"].mean()
    assert 0.5 <= ratio <= 0.72
    assert 0.85 <= w.loc[week, "sessions"] / before["sessions"].mean() <= 1.15
    assert 0.85 <= w.loc[week, "add_to_cart"] / before["add_to_cart"].mean() <= 1.15
    assert w.loc[week + pd.Timedelta(weeks=1), "conv"] / before["conv"].mean() >= 0.8


def test_d5_one_source_carries_over_60_percent_of_revenue(store):
    share = source_revenue_share(store["traffic"])
    assert share.idxmax() == D5_SOURCE and share[D5_SOURCE] > 0.6


def test_d6_one_product_page_bounces_twice_as_often(store):
    s = per_sku(store["traffic"], store["products"])
    assert s.loc[D6_SKU, "bounce"] >= 0.75
    assert 0.33 <= s.drop(D6_SKU)["bounce"].median() <= 0.45


def test_d7_one_day_of_ad_spend_far_above_normal(store):
    ads = store["ads"]
    daily = ads.groupby("date")["spend"].sum()
    assert daily.idxmax() == pd.Timestamp(D7_DATE)
    assert daily[pd.Timestamp(D7_DATE)] >= 2.5 * daily.median()
    camp = ads.loc[ads["campaign"] == D7_CAMPAIGN].groupby("date")["spend"].sum()
    assert camp[pd.Timestamp(D7_DATE)] >= 15 * camp.median()
    clicks = ads.loc[ads["campaign"] == D7_CAMPAIGN].groupby("date")["clicks"].sum()
    assert clicks[pd.Timestamp(D7_DATE)] <= clicks.quantile(0.99)


def test_r1_dormant_big_spenders(store):
    c = customers(store["orders"])
    r1 = c.loc[in_range(c.index, R1_CUSTOMERS)]
    assert len(r1) == 130
    assert r1["recency_days"].between(300, 400).all()
    assert (r1["f"] >= 6).all() and r1["f"].median() >= 9
    assert r1["m"].median() >= c["m"].quantile(0.9)
    lapsed_big = c.loc[(c["f"] >= 6) & c["recency_days"].between(200, 400)]
    assert len(lapsed_big) >= 125 and in_range(lapsed_big.index, R1_CUSTOMERS).mean() >= 0.95


def test_r2_champions_and_many_one_time_buyers(store):
    c = customers(store["orders"])
    r2 = c.loc[in_range(c.index, R2_CUSTOMERS)]
    assert len(r2) == 250
    assert (r2["recency_days"] <= 120).all() and r2["recency_days"].median() <= 45
    assert (r2["f"] >= 5).all() and r2["f"].median() >= 8
    assert r2["m"].median() >= c["m"].quantile(0.9)
    assert (c["f"] == 1).mean() >= 0.6
    # one-time buyers keep arriving up to the end (RFM "new" customers exist)
    assert ((c["f"] == 1) & (c["recency_days"] <= 30)).sum() >= 50


# --- healthy twin ----------------------------------------------------------------------------------
def test_healthy_twin_has_no_low_converting_top_sku(healthy):
    s = per_sku(healthy["traffic"], healthy["products"])
    med = s.groupby("category")["conv"].transform("median")
    top = s.nlargest(3, "sessions")
    assert (top["conv"] / med[top.index] >= 0.7).all()


def test_healthy_twin_has_no_high_converting_cheap_sku(healthy):
    s = per_sku(healthy["traffic"], healthy["products"])
    store_aov = s["revenue"].sum() / s["orders"].sum()
    flagged = s.loc[(s["conv"] >= 1.5 * s["conv"].median()) & (s["aov"] <= 0.5 * store_aov)]
    assert flagged.empty


def test_healthy_twin_campaigns_are_all_above_break_even(healthy):
    margin = margin_before_ads(healthy["products"])
    acos = campaign_acos(healthy["ads"])
    for campaign, value in acos.items():
        assert value < 0.8 * margin[list(CAMPAIGNS[campaign])].min(), campaign


def test_healthy_twin_has_no_drop_week(healthy):
    w = weekly_conversion(healthy["traffic"]).iloc[1:-1]     # full weeks only
    trailing = w["conv"].rolling(4).mean().shift(1)
    assert (w["conv"] / trailing).dropna().min() >= 0.75


def test_healthy_twin_no_source_carries_half_the_revenue(healthy):
    assert source_revenue_share(healthy["traffic"]).max() < 0.5


def test_healthy_twin_has_no_high_bounce_page(healthy):
    assert per_sku(healthy["traffic"], healthy["products"])["bounce"].max() < 0.55


def test_healthy_twin_has_no_ad_spend_spike(healthy):
    daily = healthy["ads"].groupby("date")["spend"].sum()
    assert daily.max() < 2.5 * daily.median()


def test_healthy_twin_has_no_dormant_big_spender_cohort(healthy, store):
    c = customers(healthy["orders"])
    lapsed_big = c.loc[(c["f"] >= 6) & c["recency_days"].between(200, 400)]
    assert len(lapsed_big) <= 25
    r1 = c.loc[in_range(c.index, R1_CUSTOMERS)]
    assert r1["recency_days"].median() < 150
    assert (c["f"] == 1).mean() >= 0.6


# --- large orders and files -------------------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 7, 10_000], ids=["empty", "one", "seven", "ten-thousand"])
def test_generate_orders_gives_exactly_n_lines(n):
    o = generate_orders(n, seed=3)
    assert len(o) == n
    assert list(o.columns) == list(generate_orders(10, seed=3).columns)
    assert o["quantity"].dtype == "int64" and o["cancelled"].dtype == "bool"


def test_generate_orders_is_canonical_deterministic_with_returns_and_cancellations(store):
    o = generate_orders(20_000, seed=5)
    pdt.assert_frame_equal(o, generate_orders(20_000, seed=5))
    expected = [c for c in store["orders"].columns if c not in ("product_name", "traffic_source")]
    assert list(o.columns) == expected
    for col in ("order_id", "sku", "customer_id"):
        assert o[col].dtype == "str"
    assert o["order_date"].dtype == "datetime64[ns]"
    assert 0.02 <= (o["quantity"] < 0).mean() <= 0.04
    assert 0.01 <= o["cancelled"].mean() <= 0.04
    assert o["order_date"].min() >= pd.Timestamp(STORE_START)
    per_customer = o.loc[o["quantity"] > 0].groupby("customer_id")["order_id"].nunique()
    assert 0.4 <= (per_customer == 1).mean() <= 0.8 and 10 <= per_customer.max() <= 60
    sales = o.loc[o["quantity"] > 0]
    ret = o.loc[o["quantity"] < 0]
    assert ret["order_id"].isin(sales["order_id"]).all()


def test_write_sample_writes_every_table_as_utf8_csv_with_project_headers(store, tmp_path):
    paths = write_sample(tmp_path)
    assert set(paths) == set(store)
    for name, path in paths.items():
        assert path == tmp_path / f"{name}.csv"
        head = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        derived = {"orders": {"cancelled"}, "traffic": {"date_end"}, "ads": {"date_end"}}.get(name, set())
        assert head == [c for c in store[name].columns if c not in derived]
    orders = pd.read_csv(paths["orders"], dtype={"order_id": str, "customer_id": str})
    assert len(orders) == len(store["orders"])
    assert orders["order_date"].iloc[0] == store["orders"]["order_date"].iloc[0].strftime("%Y-%m-%d %H:%M:%S")
    traffic = pd.read_csv(paths["traffic"])
    assert traffic["date"].iloc[0] == STORE_START.isoformat()


def test_committed_sample_data_is_the_command_lines_output(tmp_path, capsys):
    assert sample.main([str(tmp_path)]) == 0
    written = sorted(tmp_path.glob("*.csv"))
    assert len(written) == len(capsys.readouterr().out.splitlines()) >= len(OWN_TABLES)
    for path in written:
        committed = ROOT / "sample_data" / path.name
        assert committed.exists(), committed
        assert committed.read_bytes() == path.read_bytes(), (
            f"sample_data/{path.name} is stale: run python -m cbe_core.sample")


@pytest.mark.parametrize("name", OWN_TABLES)
def test_sample_files_load_through_the_reader_unchanged(store, name):
    from cbe_core import ingest

    frame, report = ingest.read_table(ROOT / "sample_data" / f"{name}.csv", name)
    assert report.rows_loaded == len(store[name]) and not report.dropped
    expected = store[name]
    pdt.assert_frame_equal(frame[list(expected.columns)], expected)


def test_readme_names_every_planted_identifier():
    text = (ROOT / "sample_data" / "README.md").read_text(encoding="utf-8")
    for ident in (D1_SKU, D2_SKU, D3_CAMPAIGN, D5_SOURCE, D6_SKU, D7_CAMPAIGN, D4_START.isoformat(),
                  D4_END.isoformat(), D7_DATE.isoformat(), *R1_CUSTOMERS, *R2_CUSTOMERS):
        assert ident in text, ident
