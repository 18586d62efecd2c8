"""cbe_core.ads: figures, break-even, statistics and decisions on hand-worked examples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cbe_core.ads import analyse, breakeven, metrics, stats
from cbe_core.errors import DataError


def _rows(term, clicks, orders, *, days, campaign="C1", ad_group="Broad", targeting="frother", match="BROAD",
          spend_per_click=0.5, sale=20.0, sku="K7", start="2026-09-01", impressions_per_click=10):
    """``clicks`` and ``orders`` spread evenly (integer parts first) over ``days`` daily rows."""
    dates = pd.date_range(start, periods=days, freq="D")
    c = np.full(days, clicks // days)
    c[: clicks % days] += 1
    o = np.full(days, orders // days)
    o[: orders % days] += 1
    return pd.DataFrame({"date": dates, "campaign": campaign, "ad_group": ad_group, "targeting": targeting,
                         "match_type": match, "search_term": term, "impressions": c * impressions_per_click,
                         "clicks": c, "spend": c * spend_per_click, "orders": o, "sales": o * sale,
                         "sku": sku})


def _report(*frames):
    return pd.concat(frames, ignore_index=True)


PRODUCTS = pd.DataFrame({"sku": ["K7"], "name": ["Electric Milk Frother"], "category": ["kitchen"],
                         "price": [20.0], "unit_cost": [5.0]})


# ------------------------------------------------------------------------------------------ metrics
def test_ratios_come_from_the_sums_of_the_group():
    st = pd.DataFrame({"date": pd.to_datetime(["2026-09-01", "2026-09-02", "2026-09-02"]),
                       "campaign": ["C", "C", "C"], "search_term": ["Milk  Frother", "milk frother", "other"],
                       "impressions": [100, 300, 50], "clicks": [10, 30, 0], "spend": [5.0, 15.0, 0.0],
                       "orders": [1, 3, 0], "sales": [20.0, 100.0, 0.0]})
    out = metrics.summarise(st, ["search_term"]).set_index("search_term")
    row = out.loc["Milk Frother"]              # first spelling kept, spacing folded
    assert row["clicks"] == 40 and row["spend"] == 20.0
    assert row["ctr"] == pytest.approx(40 / 400)
    assert row["cpc"] == pytest.approx(0.5)
    assert row["conversion"] == pytest.approx(4 / 40)
    assert row["acos"] == pytest.approx(20 / 120)
    assert row["roas"] == pytest.approx(6.0)
    assert math.isnan(out.loc["other", "acos"]) and math.isnan(out.loc["other", "cpc"])
    one_day = metrics.summarise(st, ["campaign"], start="2026-09-02", end="2026-09-02")
    assert one_day["clicks"].tolist() == [30]


def test_summarise_refuses_an_unknown_grouping():
    st = _rows("a", 1, 0, days=1)
    with pytest.raises(DataError, match="setting by"):
        metrics.summarise(st, ["colour"])


# ------------------------------------------------------------------------------------------ break-even
def test_break_even_from_products_uses_an_estimated_referral_fee():
    be = breakeven.break_even(PRODUCTS).set_index("sku").loc["K7"]
    # (20 - 5 - 0.15 * 20) / 20
    assert be["break_even_acos"] == pytest.approx(0.60)
    assert be["cost_source"] == "products" and be["fee_source"] == "estimate"


def test_break_even_takes_fees_from_amazon_order_lines():
    orders = pd.DataFrame({
        "order_id": ["1", "2", "3"], "sku": ["K7", "K7", "K7"], "quantity": [1, 2, 1],
        "unit_price": [20.0, 20.0, 20.0], "unit_cost": [5.0, 5.0, 5.0],
        "platform_fee": [3.0, 6.0, 1.0], "shipping_cost": [3.5, 7.0, 9.0],
        "channel": ["amazon", "Amazon.com", "shopify"], "cancelled": [False, False, False]})
    be = breakeven.break_even(PRODUCTS, orders).set_index("sku").loc["K7"]
    # Amazon lines only: fees (3 + 6) + shipping (3.5 + 7) over 3 units = 6.5 a unit
    assert be["fees_per_unit"] == pytest.approx(6.5)
    assert be["break_even_acos"] == pytest.approx((20 - 5 - 6.5) / 20)
    only_orders = breakeven.break_even(None, orders).set_index("sku").loc["K7"]
    assert only_orders["cost_source"] == "orders" and only_orders["price"] == pytest.approx(20.0)


def test_target_is_break_even_minus_the_safety_margin_unless_the_seller_sets_it():
    be = breakeven.break_even(PRODUCTS)
    assert breakeven.targets(be)["target_acos"].iloc[0] == pytest.approx(0.55)
    assert breakeven.targets(be, safety_margin=0.2)["target_acos"].iloc[0] == pytest.approx(0.40)
    assert breakeven.targets(be, target_acos=0.25)["target_acos"].iloc[0] == 0.25
    per_sku = breakeven.targets(be, target_acos={"K7": 0.3})
    assert per_sku["target_acos"].iloc[0] == 0.3 and per_sku["target_source"].iloc[0] == "seller"
    with pytest.raises(DataError, match="target_acos"):
        breakeven.targets(be, target_acos=-1)


# ------------------------------------------------------------------------------------------ statistics
def test_negation_p_values_match_the_hand_worked_binomial():
    # a huge pool converting at 10% (no prior): the null rate is half of it, 5%
    p = stats.negation_p_values([8, 60, 60], [0, 0, 1], [1e7] * 3, [1e6] * 3, 0.1, method="binomial",
                                prior_clicks=0)
    assert p[0] == pytest.approx(0.95 ** 8, rel=1e-4)              # 0.663: not evidence
    assert p[1] == pytest.approx(0.95 ** 60, rel=1e-4)             # 0.046: evidence
    assert p[2] == pytest.approx(0.95 ** 60 + 60 * 0.05 * 0.95 ** 59, rel=1e-4)


def test_beta_binomial_is_more_cautious_with_a_small_pool_and_equal_with_a_large_one():
    small = stats.negation_p_values([60], [0], [100], [10], 0.1)
    small_binom = stats.negation_p_values([60], [0], [100], [10], 0.1, method="binomial")
    assert small[0] > small_binom[0]
    big = stats.negation_p_values([60], [0], [1e7], [1e6], 0.1)
    assert big[0] == pytest.approx(0.95 ** 60, rel=1e-3)
    # one click, no order: P = 1 - E[q] exactly (the moment match keeps the mean)
    one = stats.negation_p_values([1], [0], [1000], [100], 0.1, prior_clicks=0)
    assert one[0] == pytest.approx(1 - 0.5 * 0.1)
    assert np.isnan(stats.negation_p_values([0], [0], [100], [10], 0.1)[0])


def test_prior_strength_by_the_method_of_moments():
    # three units of 100 clicks at 0%, 10% and 20%: p = 0.1, mean square 0.02/3, E[1/n] = 0.01
    k = stats.prior_strength(np.array([0, 0, 0]), np.array([100, 100, 100]), np.array([0, 10, 20]))
    rho = (0.02 / 3 - 0.09 * 0.01) / (0.09 * 0.99)
    assert k[0] == pytest.approx(1 / rho - 1)
    same = stats.prior_strength(np.array([1, 1, 1]), np.array([100, 100, 100]), np.array([10, 10, 10]))
    assert same[0] == pytest.approx(stats.K_MAX)                    # no spread: trust the group fully
    few = stats.prior_strength(np.array([2, 2]), np.array([100, 100]), np.array([0, 20]))
    assert few[0] == stats.K_DEFAULT                  # two units cannot tell
    assert stats.shrink([10.0], [2], [5.0], [30.0])[0] == pytest.approx((10 + 150) / 32)


# ------------------------------------------------------------------------------------------ decisions
def _big_pool(**kw):
    # the SKU's other traffic: 10,000 clicks converting at 10%, ACoS 0.25
    return _rows("milk frother", 10_000, 1_000, days=40, targeting="milk frother", match="EXACT",
                 ad_group="Exact", **kw)


def test_sixty_clicks_without_an_order_are_negated_and_eight_are_not():
    st = _report(_big_pool(), _rows("galaxy projector", 60, 0, days=40),
                 _rows("gua sha stone", 8, 0, days=40))
    res = analyse(st, PRODUCTS, method="binomial", settle_days=0)
    assert res.negate["term"].tolist() == ["galaxy projector"]
    row = res.negate.iloc[0]
    assert row["p_value"] == pytest.approx(0.95 ** 60, rel=0.02)
    assert row["spend"] == pytest.approx(30.0)
    assert row["monthly_saving"] == pytest.approx(30.0 / 40 * 30.44)
    terms = res.terms.set_index("search_term")
    assert terms.loc["gua sha stone", "decision"] == "watch"
    assert terms.loc["gua sha stone", "p_value"] == pytest.approx(0.95 ** 8, rel=0.02)
    assert res.wasted_spend == pytest.approx(30.0)


def test_the_most_recent_days_are_left_out_and_said_so():
    recent = _rows("galaxy projector", 60, 0, days=3, start="2026-10-09")   # the report's last 3 days
    st = _report(_big_pool(), _rows("filler", 3, 0, days=3, start="2026-10-09", targeting="filler"), recent)
    res = analyse(st, PRODUCTS, method="binomial")
    assert res.period["report_end"] == "2026-10-11" and res.period["end"] == "2026-10-08"
    assert res.negate.empty
    assert "galaxy projector" not in set(res.terms["search_term"])
    assert any(n.key == "ads.note.settle" for n in res.notes)
    now = analyse(st, PRODUCTS, method="binomial", settle_days=0)
    assert now.negate["term"].tolist() == ["galaxy projector"]


def test_a_converting_broad_term_is_harvested_into_the_exact_ad_group_and_isolated():
    st = _report(_big_pool(), _rows("handheld milk frother", 40, 6, days=20))
    res = analyse(st, PRODUCTS)
    h = res.harvest.set_index("term").loc["handheld milk frother"]
    assert h["orders"] == 6 and h["acos"] == pytest.approx(20 / 120)
    assert h["target_acos"] == pytest.approx(0.55)
    assert (h["dest_campaign"], h["dest_ad_group"]) == ("C1", "Exact")
    assert h["negate_in_source"]
    # starting bid: target x sales per click shrunk toward the ad group, capped at CPC x 1.2
    assert h["suggested_bid"] == pytest.approx(0.6)
    assert res.harvest_orders == 6


def test_terms_already_exact_or_with_too_few_orders_are_not_harvested():
    st = _report(_big_pool(), _rows("Milk Frothers", 40, 6, days=20),      # plural of an exact keyword
                 _rows("frother for coffee", 40, 2, days=20))               # 2 orders < 3
    res = analyse(st, PRODUCTS)
    assert res.harvest.empty
    two = analyse(st, PRODUCTS, min_orders=2)
    assert two.harvest["term"].tolist() == ["frother for coffee"]


def test_an_automatic_campaign_term_has_no_destination_and_no_isolation():
    auto = _rows("milk frother wand", 40, 6, days=20, campaign="Auto C", ad_group="Auto",
                 targeting="close-match", match="-", sku="")
    res = analyse(auto, target_acos=0.3)
    h = res.harvest.iloc[0]
    assert h["source_kind"] == "auto" and h["dest_campaign"] == "" and not h["negate_in_source"]
    assert any(n.key == "ads.note.no_exact_group" for n in res.notes)


def test_asin_terms_become_product_targets():
    st = _report(_big_pool(), _rows("B0ABCDEF12", 40, 6, days=20, targeting="substitutes", match="-",
                                    ad_group="Auto2"))
    res = analyse(st, PRODUCTS)
    h = res.harvest.set_index("term").loc["B0ABCDEF12"]
    assert h["target_type"] == "product"
    assert h["dest_campaign"] == ""            # a keyword ad group cannot hold product targets
    with_targets = _report(st, _rows("b0zzzzzzzz", 10, 1, days=5, targeting='asin="B0ZZZZZZZZ"', match="-",
                                     ad_group="ASINs"))
    h = analyse(with_targets, PRODUCTS).harvest.set_index("term").loc["B0ABCDEF12"]
    assert (h["dest_campaign"], h["dest_ad_group"], h["negate_in_source"]) == ("C1", "ASINs", True)


def test_bid_moves_toward_target_acos_times_sales_per_click_within_the_step_limit():
    kw = _rows("frother", 100, 25, days=10, targeting="frother", match="EXACT", ad_group="Exact",
               sale=20.0, spend_per_click=0.5)
    res = analyse(kw, target_acos=0.3, settle_days=0)
    b = res.bids.iloc[0]
    # sales per click 5.00 (the group is this keyword only, so shrinking changes nothing): ideal 1.50;
    # current CPC 0.50, at most +20% a step
    assert b["spc_shrunk"] == pytest.approx(5.0)
    assert b["ideal_bid"] == pytest.approx(1.5)
    assert b["suggested_bid"] == pytest.approx(0.60)
    assert b["direction"] == "up" and b["capped"]
    low = analyse(kw, target_acos=0.11, settle_days=0)      # ideal 0.55: +10%, within the limit
    assert low.bids.iloc[0]["suggested_bid"] == pytest.approx(0.55)
    assert not low.bids.iloc[0]["capped"]
    hold = analyse(kw, target_acos=0.101, settle_days=0)     # ideal 0.505: within 5% -> hold
    assert hold.bids.iloc[0]["direction"] == "hold" and hold.bid_changes.empty


def test_few_clicks_are_shrunk_toward_the_ad_group():
    group = _report(
        _rows("a", 200, 20, days=10, targeting="a", match="EXACT", ad_group="G"),
        _rows("b", 200, 20, days=10, targeting="b", match="EXACT", ad_group="G"),
        _rows("c", 200, 20, days=10, targeting="c", match="EXACT", ad_group="G"),
        _rows("d", 4, 2, days=2, targeting="d", match="EXACT", ad_group="G"))
    res = analyse(group, target_acos=0.3, settle_days=0)
    d = res.bids.set_index("targeting").loc["d"]
    assert d["sales_per_click"] == pytest.approx(10.0)                     # 2 orders in 4 clicks
    group_spc = (3 * 20 + 2) * 20.0 / 604
    assert d["spc_shrunk"] == pytest.approx((40.0 + d["k"] * group_spc) / (4 + d["k"]))
    assert group_spc < d["spc_shrunk"] < 10.0                               # pulled toward the group


def test_period_rows_are_used_and_noted():
    st = pd.DataFrame({"date": pd.to_datetime(["2026-09-01"]), "date_end": pd.to_datetime(["2026-09-30"]),
                       "campaign": ["C"], "search_term": ["x"], "impressions": [10], "clicks": [5],
                       "spend": [2.0], "orders": [1], "sales": [10.0]})
    res = analyse(st, target_acos=0.3)
    assert len(res.terms) == 1
    assert any(n.key == "ads.note.summary_rows" for n in res.notes)


def test_structural_faults_are_reported_in_words():
    st = _rows("a", 10, 1, days=10)
    with pytest.raises(DataError, match="lacks the columns sales"):
        analyse(st.drop(columns="sales"), PRODUCTS)
    with pytest.raises(DataError, match="No break-even ACoS"):
        analyse(st.assign(sku=""))
    with pytest.raises(DataError, match="mixes currencies"):
        analyse(st.assign(currency=["USD", "EUR"] * 5), PRODUCTS)
    with pytest.raises(DataError, match="setting alpha"):
        analyse(st, PRODUCTS, alpha=2)
    with pytest.raises(DataError, match="has no rows"):
        analyse(st.iloc[:0], PRODUCTS)
    with pytest.raises(DataError, match="No search term rows between"):
        analyse(st.iloc[:2], PRODUCTS)            # two days, all within the three left out


def test_currency_is_named_and_terms_without_sku_use_the_campaign_skus():
    st = _rows("a", 10, 1, days=10, sku="").assign(currency="usd")
    ads = pd.DataFrame({"campaign": ["C1"], "sku": ["K7"], "ad_sales": [100.0]})
    res = analyse(st, PRODUCTS, ads=ads)
    assert res.currency == "USD"
    assert res.terms["target_from"].tolist() == ["campaign"]
    assert res.terms["target_acos"].iloc[0] == pytest.approx(0.55)


def test_the_callers_frame_is_not_changed():
    st = _report(_big_pool(), _rows("galaxy projector", 60, 0, days=40))
    before = st.copy()
    analyse(st, PRODUCTS)
    pd.testing.assert_frame_equal(st, before)


def test_the_vectorised_beta_binomial_cdf_equals_scipys():
    from scipy import stats as sst

    rng = np.random.default_rng(0)
    k = rng.integers(0, 30, 500)
    n = k + rng.integers(0, 300, 500)
    a, b = rng.uniform(0.2, 50, 500), rng.uniform(1, 500, 500)
    np.testing.assert_allclose(stats.betabinom_cdf(k, n, a, b), sst.betabinom.cdf(k, n, a, b), atol=1e-10)
    assert stats.betabinom_cdf([250], [400], [3.0], [20.0])[0] == pytest.approx(
        sst.betabinom.cdf(250, 400, 3.0, 20.0))


@pytest.mark.parametrize("match,targeting,kind", [
    ("EXACT", "milk frother", "exact"), ("Broad", "frother", "broad"), ("PHRASE", "x", "phrase"),
    ("-", "close-match", "auto"), ("-", "loose-match", "auto"), ("-", 'asin="b0abcdef12"', "product"),
    ("-", "category=123", "product"), ("TARGETING_EXPRESSION_PREDEFINED", "substitutes", "auto"),
    ("精准", "耳机", "exact"), ("广泛", "耳机", "broad"), ("", "", "auto"),
], ids=lambda v: str(v))
def test_match_kinds_cover_amazons_spellings(match, targeting, kind):
    from cbe_core.ads._common import match_kinds, norm_values

    assert match_kinds(np.array(norm_values([match])), np.array(norm_values([targeting])))[0] == kind


def test_a_blank_search_term_is_never_harvested_or_negated():
    st = _report(_big_pool(), _rows("", 200, 0, days=40), _rows(" ", 40, 6, days=20, ad_group="B2"))
    res = analyse(st, PRODUCTS, settle_days=0)
    assert res.negate.empty and res.harvest.empty
    assert "" in set(res.terms["search_term"])              # still counted in the figures
