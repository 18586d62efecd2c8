"""The sample store's search terms: coherent with ads.csv, and the four planted terms found (S1-S4)."""

from __future__ import annotations

import pandas as pd
import pytest

from cbe_core import schema
from cbe_core.ads import analyse
from cbe_core.ingest import read_table
from cbe_core.sample import ads as sa
from cbe_core.sample import generate_store


@pytest.fixture(scope="module")
def store():
    return generate_store()


@pytest.fixture(scope="module")
def result(store):
    return analyse(store["search_terms"], store["products"], store["orders"], store["ads"])


def test_search_terms_are_canonical_and_listing_text_is_in_the_products(store):
    st = store["search_terms"]
    assert set(schema.get_table("search_terms").required) <= set(st.columns)
    assert (st["clicks"] >= st["orders"]).all() and (st["impressions"] >= st["clicks"]).all()
    assert set(st["currency"]) == {"USD"}
    p = store["products"]
    assert {"bullet_points", "description", "search_terms_backend"} <= set(p.columns)
    assert p[["bullet_points", "description", "search_terms_backend"]].notna().all().all()


def test_search_terms_add_up_to_the_ads_per_campaign_and_day(store):
    st, ads = store["search_terms"], store["ads"]
    got = st.groupby(["date", "campaign", "sku"])[["clicks", "spend", "orders", "sales", "units"]].sum()
    want = ads.rename(columns={"ad_orders": "orders", "ad_sales": "sales", "ad_units": "units"})
    want = want.loc[(want["clicks"] > 0) | (want["spend"] > 0)]
    want = want.set_index(["date", "campaign", "sku"])[["clicks", "spend", "orders", "sales", "units"]]
    got = got.reindex(want.index)
    pd.testing.assert_frame_equal(got[["clicks", "orders", "units"]], want[["clicks", "orders", "units"]],
                                  check_dtype=False)
    assert (got["spend"] - want["spend"]).abs().max() < 1e-9
    assert (got["sales"] - want["sales"]).abs().max() < 1e-9
    # impressions add up on every day with clicks
    clicked = ads.loc[ads["clicks"] > 0].set_index(["date", "campaign", "sku"])["impressions"]
    imp = st.groupby(["date", "campaign", "sku"])["impressions"].sum().reindex(clicked.index)
    assert (imp == clicked).all()


def test_the_csv_on_disk_is_what_the_generator_makes(root):
    frame, report = read_table(root / "sample_data" / "search_terms.csv", "search_terms")
    assert len(frame) == len(generate_store()["search_terms"])
    assert frame["spend"].sum() == pytest.approx(generate_store()["ads"]["spend"].sum())


def test_planted_figures_in_the_decision_window(store):
    st = store["search_terms"]
    win = st.loc[(st["date"] >= sa.WINDOW_START) & (st["date"] <= sa.WINDOW_END)]
    for term, (clicks, orders) in sa.PLANTED.items():
        rows = win.loc[win["search_term"] == term]
        assert (rows["clicks"].sum(), rows["orders"].sum()) == (clicks, orders), term
    assert st.loc[st["search_term"] == sa.S3_TERM, "date"].min() >= sa.WINDOW_START   # S3 is new


def test_s1_the_converting_broad_term_is_harvested_into_the_exact_ad_group(result):
    h = result.harvest.set_index("term").loc[sa.S1_TERM]
    assert (h["campaign"], h["ad_group"], h["source_kind"]) == (sa.S1_CAMPAIGN, sa.S1_AD_GROUP, "broad")
    assert h["orders"] == 7 and h["acos"] < h["target_acos"]
    assert (h["dest_campaign"], h["dest_ad_group"]) == (sa.S1_CAMPAIGN, "Exact") and h["negate_in_source"]
    assert 0.02 <= h["suggested_bid"] <= h["cpc"] * 1.2 + 0.005


def test_s2_the_term_spending_without_orders_is_negated_and_nothing_else_is(result):
    assert result.negate["term"].tolist() == [sa.S2_TERM]
    n = result.negate.iloc[0]
    assert n["clicks"] == 90 and n["orders"] == 0 and n["p_value"] < 0.05
    assert result.wasted_spend == pytest.approx(n["spend"]) and n["spend"] > 40


def test_s3_the_low_click_term_is_watched_not_negated(result):
    row = result.terms.loc[result.terms["search_term"] == sa.S3_TERM].iloc[0]
    assert row["clicks"] == 8 and row["orders"] == 0 and row["spend"] > 0
    assert row["decision"] == "watch" and row["p_value"] > 0.5


def test_s4_the_listing_gap_is_the_only_one(result):
    words = result.coverage.words
    assert set(words["word"]) == set(sa.S4_MISSING)
    assert set(words["sku"]) == {sa.S4_SKU} and (words["example"] == sa.S4_TERM).all()
    assert (words["orders"] == sa.S4_PLAN[1]).all()


def test_the_healthy_twin_has_none_of_the_planted_terms():
    twin = generate_store(plant=False)["search_terms"]
    assert not set(sa.PLANTED) & set(twin["search_term"])
