"""Profit waterfall: hand-worked examples, the report, estimates from the fee table, exact sums, findings."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cbe_core import i18n
from cbe_core import logistics as lg
from cbe_core import profit as pf
from cbe_core.errors import DataError
from cbe_core.profit._alloc import allocate, to_cents
from cbe_core.profit.fees import channel_key, payment_per_order, referral_per_unit, refund_kept

COSTS = ("discounts", "refunds", "fees", "shipping", "cogs", "ads", "other")


def _orders(**extra):
    base = {
        "order_id": ["A1", "A2", "A3", "A2"],
        "order_date": pd.to_datetime(
            ["2026-03-01 10:00", "2026-03-02 00:00", "2026-03-03 00:00", "2026-03-10 00:00"]
        ),
        "sku": ["S1", "S1", "S2", "S1"],
        "quantity": [2, 1, 3, -1],
        "unit_price": [10.0, 10.0, 5.0, 10.0],
        "channel": ["shop"] * 4,
        "unit_cost": [3.0, 3.0, 1.0, 3.0],
        "platform_fee": [1.0, 0.5, 0.75, -0.2],
        "shipping_cost": [2.0, 1.0, 1.5, 0.0],
    }
    base.update(extra)
    return pd.DataFrame(base)


ADS = pd.DataFrame(
    {
        "date": pd.to_datetime(["2026-03-01", "2026-03-02"]),
        "campaign": ["c", "c"],
        "spend": [4.0, 3.0],
        "sku": ["S1", None],
    }
)


def _row(res, sku):
    return res.by_sku.set_index("sku").loc[sku]


def test_hand_worked_waterfall_per_sku_and_store():
    """S1: gross 2x10 + 1x10 = 30; the return of A2 (dated 03-10, its order 03-02) refunds 10;
    fees 1.0 + 0.5 - 0.2 = 1.3; shipping 3; cogs 3 units x 3 = 9 (the return is written off);
    ads 4 (its own) + 3 x 30/45 = 2 (spread) = 6; net = 30 - 10 - 1.3 - 3 - 9 - 6 = 0.70.
    S2: 15 - 0.75 - 1.5 - 3 - 1 = 8.75. Store 9.45."""
    res = pf.profit(_orders(), ADS, landed="unit_cost")
    s1, s2 = _row(res, "S1"), _row(res, "S2")
    assert (s1.gross_sales, s1.refunds, s1.fees, s1.shipping, s1.cogs, s1.ads, s1.net) == (
        30.0,
        10.0,
        1.3,
        3.0,
        9.0,
        6.0,
        0.7,
    )
    assert (s2.gross_sales, s2.fees, s2.shipping, s2.cogs, s2.ads, s2.net) == (
        15.0,
        0.75,
        1.5,
        3.0,
        1.0,
        8.75,
    )
    assert res.store["net"] == 9.45 and res.store["units"] == 6 and res.store["returned_units"] == 1
    assert s1.margin == pytest.approx(0.7 / 30)
    assert s1.net_per_unit == pytest.approx(0.7 / 3)
    # break-even: v = (10 + 1.3) / 30 moves with price; F = 3 + 9 + 6 does not; 3 p (1 - v) = F
    v = 11.3 / 30
    assert s1.break_even_price == pytest.approx(18 / (3 * (1 - v)))
    # ads: its own (report) and a spread (computed): the weakest part names the figure
    assert s1.source_cogs == "computed" and s1.source_ads == "computed" and s1.source_fees == "report"
    assert _row(res, "S2").source_ads == "computed"
    assert any("3.00 USD of ad spend names no SKU" in n for n in res.note_texts())


def test_refunds_by_refund_date_move_to_the_refund_period():
    orders = _orders()
    by_order = pf.profit(orders, landed="unit_cost", start="2026-03-01", end="2026-03-05")
    by_refund = pf.profit(
        orders, landed="unit_cost", start="2026-03-01", end="2026-03-05", refunds_by="refund_date"
    )
    assert _row(by_order, "S1").refunds == 10.0
    assert _row(by_refund, "S1").refunds == 0.0
    later = pf.profit(
        orders, landed="unit_cost", start="2026-03-06", end="2026-03-31", refunds_by="refund_date"
    )
    assert _row(later, "S1").refunds == 10.0 and _row(later, "S1").gross_sales == 0.0


def test_other_costs_are_pro_rata_by_day_and_spread_by_sales():
    other = pd.DataFrame(
        {
            "month": ["2026-03", "2026-03"],
            "amount": [31.0, 6.2],
            "sku": ["", "S2"],
            "label": ["software", "storage"],
        }
    )
    res = pf.profit(
        _orders(), None, landed="unit_cost", other_costs=other, start="2026-03-01", end="2026-03-10"
    )
    # 10 of 31 days: 10.00 spread 30:15, and 2.00 for S2
    assert _row(res, "S1").other == pytest.approx(6.67) and _row(res, "S2").other == pytest.approx(5.33)
    assert res.store["other"] == 12.0


def test_discount_column_is_deducted():
    res = pf.profit(_orders(discount=[2.0, 0.0, 0.0, 0.0]), landed="unit_cost")
    assert _row(res, "S1").discounts == 2.0 and _row(res, "S1").net == pytest.approx(
        30 - 2 - 10 - 1.3 - 3 - 9
    )


def test_fees_are_estimated_from_the_cited_table_when_the_orders_have_none():
    """Amazon beauty at $6.99: 8% (price <= $10) = 0.56, above the $0.30 minimum; kitchen $20 x 2: 15% =
    6.00; a returned kitchen unit: referral 3.00 credited, Amazon keeps min(5, 20% x 3.00) = 0.60;
    Shopify order of $30 + $10 (two lines): 2.9% x 40 + 0.30 = 1.46, shared 3:1."""
    orders = pd.DataFrame(
        {
            "order_id": ["B1", "B2", "B2r", "C1", "C1"],
            "order_date": pd.to_datetime(
                ["2026-05-01", "2026-05-02", "2026-05-09", "2026-05-03", "2026-05-03"]
            ),
            "sku": ["BEA", "KIT", "KIT", "KIT", "BEA"],
            "quantity": [1, 2, -1, 1, 1],
            "unit_price": [6.99, 20.0, 20.0, 30.0, 10.0],
            "channel": ["Amazon.com", "amazon", "amazon", "Shopify", "Shopify"],
            "shipping_cost": [0.0, 0.0, 0.0, 0.0, 0.0],
        }
    )
    products = pd.DataFrame(
        {
            "sku": ["BEA", "KIT"],
            "name": ["b", "k"],
            "category": ["beauty", "kitchen"],
            "price": [6.99, 20.0],
            "unit_cost": [1.0, 5.0],
        }
    )
    res = pf.profit(orders, products=products, landed="unit_cost", end="2026-05-31")
    cells = res.cells.set_index(["sku", "channel"])
    assert cells.loc[("BEA", "Amazon.com"), "fee_referral"] == 0.56
    assert cells.loc[("KIT", "amazon"), "fee_referral"] == pytest.approx(6.00 - 3.00)
    assert cells.loc[("KIT", "amazon"), "fee_refund_admin"] == 0.60
    pay = 0.029 * 40 + 0.30
    assert cells.loc[("KIT", "Shopify"), "fee_payment"] == round(pay * 30 / 40, 2)
    assert cells.loc[("BEA", "Shopify"), "fee_payment"] == round(pay * 10 / 40, 2)
    assert _row(res, "KIT").source_fees == "estimate"
    assert any("estimates from the cited fee table" in n for n in res.note_texts())


@pytest.mark.parametrize(
    "category,price,expected",
    [
        ("beauty", 10.0, 0.80),
        ("beauty", 10.01, 1.5015),
        ("beauty", 2.0, 0.30),
        ("clothing", 15.0, 0.75),
        ("clothing", 18.0, 1.80),
        ("clothing", 30.0, 5.10),
        ("electronics accessories", 150.0, 19.0),
        ("furniture", 300.0, 40.0),
        ("toys", 20.0, 3.0),
        ("something odd", 20.0, 3.0),
    ],
    ids=[
        "beauty-10",
        "beauty-above",
        "beauty-minimum",
        "apparel-15",
        "apparel-18",
        "apparel-30",
        "electronics-marginal",
        "furniture-marginal",
        "toys",
        "everything-else",
    ],
)
def test_amazon_referral_rules(category, price, expected):
    fee = referral_per_unit(
        np.array(["amazon"], dtype=object),
        np.array([category], dtype=object),
        np.array([price]),
        "2026-06-01",
    )
    assert fee[0] == pytest.approx(expected)


def test_refund_admin_and_payment_rules():
    keys = channel_key(["Amazon.com", "TikTok Shop", "shopify", "ebay"])
    assert list(keys) == ["amazon", "tiktok", "shopify", ""]
    kept = refund_kept(keys, np.array([51.75, 3.0, 2.0, 1.0]), np.ones(4), "2026-06-01")
    assert kept.tolist() == pytest.approx([5.0, 0.6, 2.0, 0.0])  # Amazon's worked example: 20% capped at $5
    pay = payment_per_order(keys, np.array([100.0] * 4), "2026-06-01")
    assert np.isnan(pay[0]) and pay[2] == pytest.approx(3.2) and np.isnan(pay[3])


def _tx(rows):
    cols = (
        "date",
        "type",
        "order_id",
        "sku",
        "quantity",
        "product_sales",
        "shipping_credits",
        "promotional_rebates",
        "selling_fees",
        "fba_fees",
        "other_transaction_fees",
        "other",
        "total",
        "description",
    )
    frame = pd.DataFrame(rows, columns=cols)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_the_date_range_report_gives_real_fees_refunds_and_store_costs():
    """A1 is in the report: its fees come from there (selling 3.00, FBA 5.00) and its orders fee (1.0) and
    shipping (2.0, the FBA fee in the ERP export) are not counted; a returnless refund of 10.00 with 1.20
    referral credited; a $1.99 shipping credit; a $39.99 subscription spread by sales; a transfer ignored;
    an advertising charge used as ads because no ads file is given."""
    orders = _orders()
    tx = _tx(
        [
            ("2026-03-01 12:00", "Order", "A1", "S1", 2, 20.0, 1.99, -1.0, -3.0, -5.0, 0, 0, 12.99, "x"),
            ("2026-03-12 12:00", "Refund", "A1", "S1", 1, -10.0, 0, 0, 1.2, 0, 0, 0, -8.8, "x"),
            (
                "2026-03-05 09:00",
                "Service Fee",
                None,
                None,
                None,
                0,
                0,
                0,
                0,
                0,
                -39.99,
                0,
                -39.99,
                "Subscription",
            ),
            (
                "2026-03-06 09:00",
                "Service Fee",
                None,
                None,
                None,
                0,
                0,
                0,
                0,
                0,
                -9.0,
                0,
                -9.0,
                "Cost of Advertising",
            ),
            ("2026-03-14 09:00", "Transfer", None, None, None, 0, 0, 0, 0, 0, 0, 0, -500.0, "payout"),
        ]
    )
    res = pf.profit(orders, None, None, tx, landed="unit_cost", start="2026-03-01", end="2026-03-31")
    s1 = _row(res, "S1")
    # gross: orders 30 + credit 1.99; discounts 1.0 (rebate); refunds: A2's return 10 + A1's refund 10
    assert s1.gross_sales == 31.99 and s1.discounts == 1.0 and s1.refunds == 20.0
    # fees: A1 report 3 + 5 - 1.2 = 6.8; A2 orders 0.5 - 0.2 = 0.3
    assert s1.fees == pytest.approx(7.1)
    assert s1.fee_referral == pytest.approx(1.8) and s1.fee_fulfilment == 5.0
    assert s1.shipping == 1.0  # A1's 2.0 is the FBA fee the report already has
    assert res.store["other"] == 39.99 and res.store["ads"] == 9.0
    assert s1.source_fees == "report" and s1.source_other == "computed"
    assert res.store["returned_units"] == 2
    texts = " ".join(res.note_texts())
    assert "Date Range Report" in texts and "not counted again" in texts


def test_landed_cost_adds_first_leg_and_duty_from_the_logistics_module():
    products = pd.DataFrame(
        {
            "sku": ["S1", "S2"],
            "name": ["a", "b"],
            "category": ["home", "home"],
            "price": [10.0, 5.0],
            "unit_cost": [3.0, 1.0],
            "weight_kg": [0.5, 0.2],
            "length_cm": [20.0, 10.0],
            "width_cm": [10.0, 10.0],
            "height_cm": [5.0, 5.0],
        }
    )
    lc, route = pf.landed_costs(products, dest="US", on="2026-03-31")
    assert route == "FBA (sea inbound)"
    q = lg.quote_many(
        lg.default_rate_cards().query("service == @route and dest == 'US'"),
        products.assign(price=products["unit_cost"]),
        "US",
        on="2026-03-31",
    )
    assert lc.set_index("sku")["addon"].to_dict() == pytest.approx(
        (q["first_leg"] + q["duty"]).set_axis(q["sku"]).to_dict()
    )
    res = pf.profit(_orders(), products=products, end="2026-03-31")
    addon = lc.set_index("sku")["addon"]
    assert _row(res, "S1").cogs == round(3 * (3.0 + addon["S1"]), 2)
    assert _row(res, "S1").source_cogs == "estimate"


def test_returns_resold_credit_cost_of_goods():
    res = pf.profit(_orders(), landed="unit_cost", returns_resold=1.0)
    assert _row(res, "S1").cogs == 6.0


@pytest.mark.parametrize(
    "kwargs,key",
    [
        ({"refunds_by": "whenever"}, "err.profit.refunds_by"),
        ({"landed": "magic"}, "err.profit.landed"),
        ({"start": "2026-04-01", "end": "2026-03-01"}, "err.profit.period"),
        ({"returns_resold": 2.0}, "err.profit.share"),
    ],
    ids=["refunds_by", "landed", "period", "share"],
)
def test_bad_arguments_raise_a_clear_error(kwargs, key):
    with pytest.raises(DataError) as info:
        pf.profit(_orders(), **kwargs)
    assert info.value.key == key


def test_missing_order_columns_name_them():
    with pytest.raises(DataError, match="unit_price"):
        pf.profit(_orders().drop(columns="unit_price"))


# --- exact sums --------------------------------------------------------------------------------------
@given(
    st.lists(st.integers(-10_000, 10_000), min_size=1, max_size=5),
    st.lists(st.floats(0, 100, allow_nan=False), min_size=5, max_size=30),
)
def test_allocation_adds_up_to_each_total_in_whole_cents(totals, weights):
    group = np.arange(len(weights)) % len(totals)
    got = allocate(np.array(totals), group, np.array(weights))
    assert np.bincount(group, weights=got, minlength=len(totals)).round().astype(int).tolist() == totals


def test_to_cents_rounds_half_away_from_zero():
    assert to_cents([0.005, -0.005, 1.234, 2.675]).tolist() == [1, -1, 123, 268]


def _assert_exact(res):
    cells = res.cells
    for frame in (cells, res.by_sku, res.by_channel):
        cents = {c: to_cents(frame[c]) for c in (*pf.COMPONENTS, "net", *pf.FEE_PARTS)}
        assert (cents["gross_sales"] - sum(cents[c] for c in COSTS) == cents["net"]).all()
        assert (sum(cents[f] for f in pf.FEE_PARTS) == cents["fees"]).all()
    for c in (*pf.COMPONENTS, "net"):
        assert to_cents(res.by_sku[c]).sum() == to_cents([res.store[c]])[0]
        assert to_cents(res.by_channel[c]).sum() == to_cents([res.store[c]])[0]


def test_the_sample_store_waterfall_sums_exactly(sample_store):
    res = pf.profit(
        sample_store["orders"], sample_store["ads"], sample_store["products"], sample_store["transactions"]
    )
    _assert_exact(res)
    orders = sample_store["orders"]
    sales = orders[(orders["quantity"] > 0) & ~orders["cancelled"]]
    report_credits = 0.0  # the sample report has no shipping credits
    assert res.store["gross_sales"] == pytest.approx(
        (sales["quantity"] * sales["unit_price"]).sum() + report_credits, abs=0.01
    )
    assert res.store["ads"] == pytest.approx(sample_store["ads"]["spend"].sum(), abs=0.005)
    assert res.store["units"] == sales["quantity"].sum()
    steps = res.waterfall()
    assert steps["amount"].iloc[:-1].sum() == pytest.approx(steps["amount"].iloc[-1], abs=1e-6)


def test_p1_loses_money_after_ads_and_refunds_with_the_report(sample_store):
    from cbe_core.sample.operations import P1_SKU, REPORT_END, REPORT_START

    args = (sample_store["orders"], sample_store["ads"], sample_store["products"])
    with_report = pf.profit(*args, sample_store["transactions"], start=REPORT_START, end=REPORT_END)
    without = pf.profit(*args, start=REPORT_START, end=REPORT_END)
    _assert_exact(with_report)
    p1 = _row(with_report, P1_SKU)
    assert p1.net < 0 and p1.refund_rate > 0.25 and p1.ads > 0
    assert _row(without, P1_SKU).net > 0  # the returnless refunds are in the report only
    losing = with_report.by_sku.loc[with_report.by_sku["net"] < 0, "sku"].tolist()
    assert losing == [P1_SKU]
    found = {(f.code, f.slice) for f in pf.profit_findings(with_report)}
    assert ("sku_loses_money", P1_SKU) in found and ("refunds_eat_sales", P1_SKU) in found
    f = next(f for f in pf.profit_findings(with_report) if f.code == "sku_loses_money")
    assert f.severity in ("medium", "high") and f.money_at_stake == pytest.approx(-p1.net)
    assert "break" in f.message("en") and "USD" in f.message("en")
    assert "盈亏平衡" in f.message("zh")
    # at the break-even price the SKU's net is zero (same units, price-linked costs scale)
    v = (
        p1.discounts
        + p1.refunds
        + sum(p1[c] for c in ("fee_referral", "fee_payment", "fee_refund_admin", "fee_platform"))
    ) / p1.gross_sales
    fixed = (
        p1.fees
        - sum(p1[c] for c in ("fee_referral", "fee_payment", "fee_refund_admin", "fee_platform"))
        + p1.shipping
        + p1.cogs
        + p1.ads
        + p1.other
    )
    assert p1.units * p1.break_even_price * (1 - v) - fixed == pytest.approx(0, abs=1e-6)


def test_healthy_twin_has_no_sku_losing_money(healthy_sample_store):
    from cbe_core.sample.operations import REPORT_END, REPORT_START

    res = pf.profit(
        healthy_sample_store["orders"],
        healthy_sample_store["ads"],
        healthy_sample_store["products"],
        healthy_sample_store["transactions"],
        start=REPORT_START,
        end=REPORT_END,
    )
    assert not [f for f in pf.profit_findings(res) if f.code == "sku_loses_money"]


def test_json_has_the_shape_of_the_issue(sample_store):
    res = pf.profit(
        sample_store["orders"],
        sample_store["ads"],
        sample_store["products"],
        sample_store["transactions"],
        start="2026-10-01",
        end="2026-10-31",
    )
    out = json.loads(json.dumps(res.to_json("zh"), allow_nan=False))
    keys = {
        "gross_sales",
        "discounts",
        "refunds",
        "fees",
        "shipping",
        "cogs",
        "ads",
        "other",
        "net",
        "margin",
    }
    assert out["period"] == {"start": "2026-10-01", "end": "2026-10-31"} and out["currency"] == "USD"
    assert keys <= set(out["store"])
    sku = out["skus"][0]
    assert keys | {"sku", "units", "net_per_unit", "source"} <= set(sku)
    assert set(sku["source"].values()) <= set(pf.SOURCES)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in out["notes"])


def test_workbook_sheets_are_in_the_sellers_words(sample_store):
    from cbe_core.export import write_workbook

    res = pf.profit(
        sample_store["orders"],
        sample_store["ads"],
        sample_store["products"],
        start="2026-10-01",
        end="2026-10-31",
    )
    sheets, formats = pf.export_frames(res, "zh", pf.profit_findings(res))
    assert "SKU 利润" in sheets and "净利润 (USD)" in sheets["SKU 利润"].columns
    assert formats["净利润 (USD)"] == "#,##0.00"
    assert write_workbook(sheets, number_formats=formats)[:2] == b"PK"


def test_every_catalog_key_the_package_uses_exists():
    keys = [f"profit.col.{c}" for c in (*pf.COMPONENTS, *pf.FEE_PARTS, "net", "margin", "step", "amount")]
    keys += [f"profit.src.{s}" for s in pf.SOURCES] + [f"profit.refunds_by.{r}" for r in pf.REFUNDS_BY]
    keys += [f"diag.{p}.{c}" for p in ("f", "a") for c in ("sku_loses_money", "refunds_eat_sales")]
    import re
    from pathlib import Path

    src = Path(pf.__file__).parent
    keys += re.findall(
        r'"(profit\.note\.[a-z_]+|err\.profit\.[a-z_]+)"', "".join(p.read_text() for p in src.glob("*.py"))
    )
    missing = [k for k in keys if not i18n.has(k)]
    assert not missing
