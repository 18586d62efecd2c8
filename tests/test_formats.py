"""Real sellers' exports read right (issue 10, part 1): one test per failure class, on files that keep the
platforms' real headers (tests/data/layouts/README.md says where each header was seen)."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cbe_core import ingest
from cbe_core.errors import DataError
from cbe_core.ingest import layouts, money
from cbe_core.ingest.headers import base_header, header_unit, norm_header

DATA = Path(__file__).resolve().parent / "data" / "layouts"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def notes(rep) -> dict:
    return dict(rep.notes)


# --------------------------------------------------------------------------------------------------
# 1. Lines without SKU are sales: product name as key, counted, kept in revenue
# --------------------------------------------------------------------------------------------------
def test_shopify_lines_without_sku_keep_their_name_and_stay_in_revenue():
    frame, rep = ingest.read_table(DATA / "orders_shopify_2026.csv", "orders")
    assert rep.layout == "shopify_orders" and rep.rows_loaded == rep.rows_read == 5
    # a tip line, a custom item and a gift card have no Lineitem sku
    assert frame["sku"].tolist() == [
        "001-004",
        "Tip",
        "Custom engraving (custom item)",
        "001-001",
        "Gift Card",
    ]
    assert rep.fixed["io.fix.sku_from_name"] == 3
    assert rep.examples["io.fix.sku_from_name"] == [3, 4, 6]
    assert notes(rep)["io.note.sku_from_name"] == {"count": "3"}
    assert rep.dropped == {}
    # 85 + 25 + 40 + 2 x 40 + 50: nothing lost
    assert ingest.summarize(frame, "orders")["revenue"] == pytest.approx(280.0)


def test_an_orders_file_without_any_sku_column_keys_products_by_name():
    text = (
        "order_id,order_date,product_name,quantity,unit_price\n"
        "A1,2026-03-01,Tea cup,2,5\nA2,2026-03-02,Tea pot,1,20\n"
    )
    frame, rep = ingest.read_table(text.encode(), "orders", filename="no_sku.csv")
    assert rep.mapping["sku"] == "product_name"
    assert frame["sku"].tolist() == ["Tea cup", "Tea pot"]
    assert ("io.note.sku_is_name", {"header": "product_name"}) in rep.notes


# --------------------------------------------------------------------------------------------------
# 2. One buyer, one id
# --------------------------------------------------------------------------------------------------
def test_customer_emails_are_trimmed_and_case_folded_and_the_merge_is_counted():
    frame, rep = ingest.read_table(DATA / "orders_shopify_2026.csv", "orders")
    # ' Ana.Silva@Example.com ' and 'BO@EXAMPLE.COM' are the same buyers as their lower-case twins
    assert frame["customer_id"].tolist() == ["ana.silva@example.com"] * 3 + ["bo@example.com"] * 2
    assert notes(rep)["io.note.customers_merged"] == {"merged": "2", "customers": "2"}
    assert ingest.summarize(frame, "orders")["customers"] == 2
    assert frame["email"].tolist()[2] == "ana.silva@example.com"


def test_ids_that_are_not_emails_keep_their_case():
    text = (
        "order_id,order_date,sku,quantity,unit_price,customer_id\n"
        "1,2026-03-01,A,1,5,Buyer_Li\n2,2026-03-02,A,1,5,buyer_li\n"
    )
    frame, rep = ingest.read_table(text.encode(), "orders", filename="ids.csv")
    assert frame["customer_id"].tolist() == ["Buyer_Li", "buyer_li"]
    assert "io.note.customers_merged" not in notes(rep)


def test_amazon_order_report_gives_customer_ids_from_buyer_email():
    frame, rep = ingest.read_table(DATA / "orders_amazon_order_report.txt", "orders")
    assert rep.layout == "amazon_order_report"
    assert rep.mapping["customer_id"] == "buyer-email" and rep.mapping["customer_name"] == "buyer-name"
    assert frame["customer_id"].tolist() == ["xxxx@marketplace.amazon.com"] * 2
    # item-price is the line total here too: 25.90 for 2 units
    assert frame["unit_price"].tolist() == pytest.approx([9.88, 12.95])
    assert ingest.summarize(frame, "orders")["customers"] == 1
    assert rep.currencies == {"USD": 2}


# --------------------------------------------------------------------------------------------------
# 3. Headers with a currency or unit; money written with a code, symbol or prefix
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header,base,unit",
    [
        ("14 Day Total Sales (₹)", "14 day total sales", "₹"),
        ("Spend (USD)", "spend", "USD"),
        ("Sales(£)", "sales", "£"),
        ("7 Day Total Orders (#)", "7 day total orders", "#"),
        ("Total Advertising Cost of Sales (ACoS) ", "total advertising cost of sales", "ACoS"),
        ("Total cost", "total cost", None),
    ],
)
def test_header_units_are_stripped_for_matching(header, base, unit):
    assert base_header(header) == base and header_unit(header) == unit


@pytest.mark.parametrize(
    "unit,code",
    [
        ("₹", "INR"),
        ("USD", "USD"),
        ("£", "GBP"),
        ("PHP", "PHP"),
        ("#", None),
        ("ACoS", None),
        ("ALL", None),
        ("Default Channel Group", None),
    ],
)
def test_a_header_unit_names_a_currency_only_when_it_is_one(unit, code):
    assert money.unit_currency(unit) == code


def test_headers_with_units_map_and_give_the_rows_their_currency():
    text = (
        "Date,Campaign Name,Spend (USD),Clicks,Impressions,Purchases,Sales(£)\n"
        "2026-03-01,SP - A,12.50,10,1000,2,40.00\n"
    )
    frame, rep = ingest.read_table(text.encode(), "ads", filename="units.csv")
    assert rep.mapping["spend"] == "Spend (USD)" and rep.mapping["ad_sales"] == "Sales(£)"
    assert rep.mapping["ad_orders"] == "Purchases"
    # the first money column's unit wins for the row
    assert frame["currency"].tolist() == ["USD"] and rep.currencies == {"USD": 1}


@pytest.mark.parametrize(
    "cells,values,codes",
    [
        (["Rs.201.68", "INR 1,000", "₹1,08,218.36"], [201.68, 1000.0, 108218.36], ["INR"] * 3),
        (["US$12.50", "HK$ 3.20", "MX$5,310.54"], [12.5, 3.2, 5310.54], ["USD", "HKD", "MXN"]),
        (["€ 1.234,56", "1 299,00 zł", "BRL 35,91"], [1234.56, 1299.0, 35.91], ["EUR", "PLN", "BRL"]),
        (["JP¥1,299", "JPY 12,000"], [1299.0, 12000.0], ["JPY", "JPY"]),
        (["12.50 USD", "(€12.50)", "-£3.00"], [12.5, -12.5, -3.0], ["USD", "EUR", "GBP"]),
        (["12.50", "7"], [12.5, 7.0], [None, None]),
    ],
    ids=["rupees", "dollar-prefixes", "decimal-commas", "yen", "suffix-and-negatives", "plain"],
)
def test_money_cells_are_read_with_their_currency(cells, values, codes):
    lines = "".join(f'A{i},2026-03-0{i + 1},SKU,1,"{c}"\n' for i, c in enumerate(cells))
    text = "order_id,order_date,sku,quantity,unit_price\n" + lines
    frame, rep = ingest.read_table(text.encode(), "orders", filename="money.csv")
    assert frame["unit_price"].tolist() == pytest.approx(values)
    if any(codes):
        assert frame["currency"].tolist() == codes
    else:
        assert "currency" not in frame.columns and rep.currencies == {}


def test_a_cell_with_other_text_is_unreadable_not_guessed():
    text = "order_id,order_date,sku,quantity,unit_price\n1,2026-03-01,A,1,12 pcs\n2,2026-03-01,A,1,$5\n"
    frame, rep = ingest.read_table(text.encode(), "orders", filename="bad.csv")
    assert rep.dropped == {"io.reason.bad_number": 1} and rep.examples["io.reason.bad_number"] == [2]


def test_currency_sources_in_order_of_strength():
    n = 6
    column = [None, "usd", None, None, None, None]
    cells = [
        (
            pd.array(["EUR", None, "EUR", None, None, "USD"], dtype=object).to_numpy(),
            pd.array([True, True, True, False, False, False]).to_numpy(dtype=bool),
        ),
    ]
    codes, used = money.fill_currency(
        n,
        column,
        [],
        cells,
        None,
        pd.array([None, None, None, "amazon.de", None, None], dtype=object).to_numpy(),
        "USD",
    )
    # column > strong cell symbol > marketplace > platform > a bare '$'
    assert codes.tolist() == ["EUR", "USD", "EUR", "EUR", "USD", "USD"]
    assert used["cells"] == ["EUR"] and used["marketplace"] == ["EUR"] and used["platform"] == "USD"
    codes, used = money.fill_currency(2, None, [("Spend (USD)", "USD")], cells[:0], "GBP", None, None)
    assert codes.tolist() == ["USD", "USD"] and "preamble" not in used


def test_marketplace_domains_and_preambles_name_currencies():
    assert money.marketplace_currency("Amazon.co.uk") == "GBP"
    assert money.marketplace_currency("amazon.com.mx") == "MXN"
    assert money.marketplace_currency("Non-Amazon") is None
    assert money.preamble_currency('"All amounts in USD, unless specified"') == "USD"
    assert money.preamble_currency("Alle Beträge in Euro sofern nicht anders gekennzeichnet") == "EUR"
    assert money.preamble_currency("指定のない場合、単位は円") == "JPY"
    assert money.preamble_currency("Tous les montants sont en EUR, sauf mention contraire.") == "EUR"


# --------------------------------------------------------------------------------------------------
# 4. Typographic variants in headers
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw,norm",
    [
        ("Sessions – Total", "sessions - total"),
        ("Sessions — Total", "sessions - total"),
        ("Sessions\u00a0-\u00a0Total", "sessions - total"),
        ("Units ordered ", "units ordered"),
        ("UNITS ORDERED", "units ordered"),
        ("重量（kg）", "重量(kg)"),
        ("订单号：", "订单号"),
        ("Data/Ora:", "data/ora"),
        ("crédits d’expédition", "crédits d'expédition"),
    ],
)
def test_headers_are_normalised_once(raw, norm):
    assert norm_header(raw) == norm


def test_sessions_total_never_matches_its_b2b_twin():
    assert norm_header("Sessions – Total") != norm_header("Sessions – Total – B2B")
    frame, rep = ingest.read_table(
        DATA / "BusinessReport-23-07-2025.csv", "traffic", period=(date(2025, 7, 1), date(2025, 7, 22))
    )
    assert rep.layout == "amazon_business_child"
    assert rep.mapping["sessions"] == "Sessions – Total" and rep.mapping["units"] == "Units ordered"
    assert frame["sessions"].tolist() == [1234, 845] and frame["page_views"].tolist() == [1890, 1020]
    assert frame["sales"].tolist() == pytest.approx([1049.65, 294.0])
    assert frame["currency"].tolist() == ["GBP", "GBP"]
    assert not any("B2B" in c for c in frame.columns)


def test_full_width_brackets_nbsp_and_trailing_spaces_map_without_help():
    text = "订单号：,下单时间\u00a0,SKU ,数量 ,单价（元）\nSO1,2026-03-01 10:00,KIT-001,2,128.00\n"
    frame, rep = ingest.read_table(text.encode(), "orders", filename="erp.csv")
    assert rep.layout == "erp_cn"
    assert set(rep.mapping) >= {"order_id", "order_date", "sku", "quantity", "unit_price"}
    assert frame["unit_price"].tolist() == [128.0] and frame["currency"].tolist() == ["CNY"]


# --------------------------------------------------------------------------------------------------
# 5. One row per week, month or offset: each row its own period
# --------------------------------------------------------------------------------------------------
def test_ga4_week_numbers_become_each_rows_own_week():
    frame, rep = ingest.read_table(DATA / "traffic_ga4_channel_group_week.csv", "traffic")
    assert rep.layout == "ga4_sessions" and rep.mapping["date"] == "Week"
    # GA4 weeks start on Sunday, January 1st is in week 01 (2024-01-01 was a Monday)
    assert frame["date"].tolist() == [
        ts("2024-09-08"),
        ts("2024-11-03"),
        ts("2024-02-18"),
        ts("2024-01-01"),
        ts("2024-12-29"),
    ]
    assert frame["date_end"].tolist() == [
        ts("2024-09-14"),
        ts("2024-11-09"),
        ts("2024-02-24"),
        ts("2024-01-06"),
        ts("2024-12-31"),
    ]
    assert frame["source"].tolist() == ["Email", "Email", "Organic Social", "Direct", "Direct"]
    assert ("io.note.row_periods", {"column": "Week"}) in rep.notes


def test_ga4_week_without_its_year_asks_for_the_period_and_then_places_the_rows():
    text = "Session source / medium,Week,Sessions\ngoogle / organic,02,100\n(direct) / (none),10,40\n"
    assert ingest.inspect_file(text.encode(), "traffic", filename="ga4_week.csv").needs_period
    assert not ingest.inspect_file(DATA / "traffic_ga4_channel_group_week.csv", "traffic").needs_period
    assert not ingest.inspect_file(DATA / "traffic_shopify_visitors_over_time.csv", "traffic").needs_period
    with pytest.raises(DataError, match="--from and --to"):
        ingest.read_table(text.encode(), "traffic", filename="ga4_week.csv")
    frame, _ = ingest.read_table(
        text.encode(), "traffic", filename="ga4_week.csv", period=(date(2025, 1, 1), date(2025, 3, 31))
    )
    assert frame["date"].tolist() == [ts("2025-01-05"), ts("2025-03-02")]
    assert frame["date_end"].tolist() == [ts("2025-01-11"), ts("2025-03-08")]


def test_shopify_week_and_month_rows():
    frame, rep = ingest.read_table(DATA / "traffic_shopify_visitors_over_time.csv", "traffic")
    assert rep.layout == "shopify_sessions"
    assert frame["date"].tolist() == [ts("2024-01-01"), ts("2024-01-08"), ts("2024-01-15")]
    assert frame["date_end"].tolist() == [ts("2024-01-07"), ts("2024-01-14"), ts("2024-01-21")]
    assert frame["sessions"].tolist() == [2797, 3037, 3947] and frame["visitors"].tolist() == [
        2349,
        2439,
        3136,
    ]
    frame, _ = ingest.read_table(DATA / "traffic_shopify_sessions_over_time_compare.csv", "traffic")
    assert frame["date_end"].tolist() == [ts("2024-01-31"), ts("2024-02-29")]
    assert frame["sessions"].tolist() == [15741, 11681]  # not the previous year's twins


def test_shopify_weeks_are_clipped_to_the_period_in_the_file_name():
    frame, _ = ingest.read_table(DATA / "Sessions by location - 2025-11-29 - 2025-12-06.csv", "traffic")
    assert frame["date"].tolist()[:2] == [ts("2025-11-29"), ts("2025-12-01")]
    assert frame["date_end"].tolist()[:2] == [ts("2025-11-30"), ts("2025-12-06")]
    assert frame["sessions"].sum() == 131 + 250 + 177 + 144


def test_a_report_without_time_column_takes_the_period_in_its_file_name():
    text = '"Referrer source","Referrer name","Online store visitors","Sessions"\n"search","google",10,12\n'
    name = "Sessions by referrer - 2026-08-01 - 2026-08-10.csv"
    assert not ingest.inspect_file(text.encode(), "traffic", filename=name).needs_period
    frame, rep = ingest.read_table(text.encode(), "traffic", filename=name)
    assert (frame["date"].iloc[0], frame["date_end"].iloc[0]) == (ts("2026-08-01"), ts("2026-08-10"))
    assert notes(rep)["io.note.period_from_name"]["start"] == "2026-08-01"
    with pytest.raises(DataError, match="--from and --to"):
        ingest.read_table(text.encode(), "traffic", filename="referrers.csv")


def test_nth_day_and_month_numbers_use_the_report_period():
    text = (
        "# Start date: 20251120\n# End date: 20260210\n"
        "Month,Session default channel group,Sessions\n"
        "11,Direct,10\n12,Direct,20\n01,Direct,30\n02,Direct,5\n"
    )
    frame, _ = ingest.read_table(text.encode(), "traffic", filename="months.csv")
    assert frame["date"].tolist() == [ts("2025-11-20"), ts("2025-12-01"), ts("2026-01-01"), ts("2026-02-01")]
    assert frame["date_end"].tolist() == [
        ts("2025-11-30"),
        ts("2025-12-31"),
        ts("2026-01-31"),
        ts("2026-02-10"),
    ]
    text = (
        "# Start date: 20260109\n# End date: 20260205\n"
        "Nth day,Session source,Sessions\n0000,google,5\n0003,google,7\n"
    )
    frame, _ = ingest.read_table(text.encode(), "traffic", filename="nth.csv")
    assert frame["date"].tolist() == [ts("2026-01-09"), ts("2026-01-12")]
    assert frame["date_end"].tolist() == frame["date"].tolist()


# --------------------------------------------------------------------------------------------------
# 6. GA4's current dimension names, English and Chinese UI
# --------------------------------------------------------------------------------------------------
def test_ga4_primary_channel_group_is_the_traffic_source():
    frame, rep = ingest.read_table(DATA / "traffic_ga4_channel_group.csv", "traffic")
    assert rep.mapping["source"] == "Session primary channel group (Default Channel Group)"
    assert frame["source"].nunique() == 17
    assert (frame["date"] == ts("2025-01-01")).all() and (frame["date_end"] == ts("2025-10-30")).all()


@pytest.mark.parametrize(
    "dimension",
    [
        "Session source / medium",
        "First user primary channel group (Default Channel Group)",
        "Session default channel group",
        "会话主要渠道组（默认渠道组）",
        "会话来源/媒介",
        "会话默认渠道组",
    ],
)
def test_ga4_source_dimensions_in_english_and_chinese(dimension):
    # constructed: no real GA4 export in the Chinese UI was found, its names come from GA4's docs and parsers
    text = f"# 开始日期：20260301\n# 结束日期：20260331\n{dimension},会话数\n自然搜索,120\n直接,80\n"
    if not dimension.startswith("会话"):
        text = (
            text.replace("会话数", "Sessions")
            .replace("# 开始日期：", "# Start date: ")
            .replace("# 结束日期：", "# End date: ")
        )
    frame, rep = ingest.read_table(text.encode(), "traffic", filename="ga4.csv")
    assert rep.layout == "ga4_sessions" and rep.mapping["source"] == unicodedata.normalize("NFKC", dimension)
    assert frame["source"].tolist() == ["自然搜索", "直接"] and frame["sessions"].tolist() == [120, 80]
    assert (frame["date_end"] == ts("2026-03-31")).all()


# --------------------------------------------------------------------------------------------------
# 8. Amazon's older Sponsored Products layout
# --------------------------------------------------------------------------------------------------
def test_older_sponsored_products_layout_with_start_and_end_date_per_row():
    frame, rep = ingest.read_table(DATA / "ads_sp_advertised_product_2020.csv", "ads")
    assert rep.layout == "amazon_sp_ads_v1"
    assert (
        frame["date"].tolist() == [ts("2020-02-01")] * 2
        and frame["date_end"].tolist() == [ts("2020-02-29")] * 2
    )
    assert frame["ad_orders"].tolist() == [8, 0] and frame["ad_units"].tolist() == [16, 0]
    assert frame["spend"].tolist() == pytest.approx([78.2, 34.1]) and frame["impressions"].tolist() == [
        12034,
        4210,
    ]
    assert frame["acos"].tolist()[0] == pytest.approx(0.244498)
    assert frame["currency"].tolist() == ["USD", "USD"]


def test_sponsored_products_with_rupee_units_in_the_headers():
    frame, rep = ingest.read_table(DATA / "ads_sp_advertised_product_in.csv", "ads")
    assert rep.layout == "amazon_sp_ads_v1" and rep.mapping["ad_sales"] == "7 Day Total Sales (₹)"
    assert frame["ad_sales"].tolist() == pytest.approx([6318.0, 5616.0])
    assert frame["date"].tolist() == [ts("2026-08-01"), ts("2026-08-02")]  # Excel serial dates
    assert frame["currency"].tolist() == ["INR", "INR"]
    assert notes(rep)["io.note.currency_header"] == {"currency": "INR", "header": "7 Day Total Sales (₹)"}


def test_fourteen_day_rupee_headers_are_recognised():
    text = (
        "Start Date,End Date,Campaign Name,Impressions,Clicks,Spend,14 Day Total Sales (₹),"
        "14 Day Total Orders (#),14 Day Total Units (#)\n"
        '"Feb 1, 2020","Feb 7, 2020",SB - Brand,1000,20,"₹1,200.00","₹4,800.00",6,7\n'
    )
    assert layouts.detect("ads", text.splitlines()[0].split(",")).name == "amazon_sp_ads_v1"
    frame, _ = ingest.read_table(text.encode(), "ads", filename="sb.csv")
    assert frame["ad_sales"].tolist() == [4800.0] and frame["ad_orders"].tolist() == [6]
    assert frame["date_end"].tolist() == [ts("2020-02-07")]


# --------------------------------------------------------------------------------------------------
# Layouts added
# --------------------------------------------------------------------------------------------------
def test_woocommerce_advanced_order_export():
    frame, rep = ingest.read_table(DATA / "orders_woocommerce_advanced_export.csv", "orders")
    assert rep.layout == "woocommerce_orders"
    assert frame["order_id"].tolist() == ["3051", "3051", "3052", "3053"]
    # the second item of order 3051 gets the order's date, status and buyer
    assert frame["order_date"].iloc[1] == ts("2026-03-02 14:05") and frame["status"].iloc[1] == "Completed"
    assert frame["customer_id"].tolist() == ["mia.koch@example.de"] * 2 + [
        "max@example.de",
        "mia.koch@example.de",
    ]
    assert frame["cancelled"].tolist() == [False, False, True, False]  # Failed
    assert frame["sku"].iloc[3] == "Gift wrapping"
    assert ingest.summarize(frame, "orders")["revenue"] == pytest.approx(2 * 19.95 + 20 + 3.5)


def test_woocommerce_analytics_orders_spread_net_sales_over_items():
    frame, rep = ingest.read_table(DATA / "orders_woocommerce_analytics.csv", "orders")
    assert rep.layout == "woocommerce_analytics"
    assert frame["sku"].tolist() == [
        "Bamboo cutting board",
        "1× Bamboo cutting board, 2× Silicone spatula set",
        "Face mask",
    ]
    assert frame["quantity"].tolist() == [2, 3, 1] and frame["unit_price"].tolist() == pytest.approx(
        [19.95, 18, 12]
    )
    assert frame["cancelled"].tolist() == [False, False, True]
    assert notes(rep)["io.note.order_level_export"] == {"orders": "1"}
    assert ingest.summarize(frame, "orders")["revenue"] == pytest.approx(39.90 + 54.00)


def test_tiktok_us_export_drops_the_description_row_and_nets_the_seller_discount():
    frame, rep = ingest.read_table(DATA / "orders_tiktok_us.csv", "orders")
    assert rep.layout == "tiktok_orders"
    assert rep.dropped == {"io.reason.description_row": 1} and rep.examples["io.reason.description_row"] == [
        2
    ]
    assert frame["order_id"].tolist() == ["576461413038785752", "576461413038785999"]  # trailing tab trimmed
    assert frame["order_date"].tolist() == [ts("2026-03-01 10:00:00"), ts("2026-03-13 21:30:33")]
    # (49.98 - 4.98 seller discount) / 2; the platform's 5.00 discount is paid back to the seller
    assert frame["unit_price"].iloc[0] == pytest.approx(22.50)
    assert frame["cancelled"].tolist() == [False, True]


def test_tiktok_thailand_export_with_bom_tabs_and_thai_statuses():
    frame, rep = ingest.read_table(DATA / "orders_tiktok_th.csv", "orders")
    assert rep.layout == "tiktok_orders" and rep.rows_loaded == 3
    assert frame["sku"].tolist() == ["SKU-001", "SKU-003", "SKU-002"]  # SKU ID when no Seller SKU
    assert frame["order_date"].tolist() == [
        ts("2026-05-10 22:05:43"),
        ts("2026-05-10 12:00:00"),
        ts("2026-05-23 08:15:10"),
    ]  # day first (23/05)
    assert frame["cancelled"].tolist() == [False, True, False]


def test_shopee_export():
    frame, rep = ingest.read_table(DATA / "orders_shopee_my.csv", "orders")
    assert rep.layout == "shopee_orders"
    assert frame["unit_price"].tolist() == [49.0, 35.0]  # Deal Price
    assert frame["sku"].tolist() == ["KIT-001", "Silicone spatula set"]
    assert frame["customer_id"].tolist() == ["amirul88", "siti.n"]
    assert frame["cancelled"].tolist() == [False, True]


def test_aliexpress_orders_are_split_into_their_product_lines():
    frame, rep = ingest.read_table(DATA / "orders_aliexpress_cn.csv", "orders")
    assert rep.layout == "aliexpress_orders" and rep.rows_read == 2 and rep.rows_loaded == 3
    assert frame["order_id"].tolist() == ["8123456789012345", "8123456789012399", "8123456789012399"]
    assert frame["sku"].tolist() == ["KIT-001", "KIT-001", "HOM-002"]
    assert frame["quantity"].tolist() == [2, 1, 3]
    # 39.98 for 2 units; 60.00 over the second order's 4 units
    assert frame["unit_price"].tolist() == pytest.approx([19.99, 15.0, 15.0])
    assert rep.examples["io.fix.price_spread"] == [3]
    assert frame["currency"].tolist() == ["USD"] * 3
    assert notes(rep)["io.note.lines_split"] == {"orders": "1", "lines": "3"}
    assert ingest.summarize(frame, "orders")["revenue"] == pytest.approx(99.98)


def test_sponsored_products_search_term_reports():
    frame, rep = ingest.read_table(DATA / "search_terms_sp_daily.csv", "search_terms")
    assert rep.layout == "amazon_sp_search_terms"
    # Amazon's trailing space ("7 Day Total Sales ") is trimmed from the header
    assert (
        rep.mapping["sales"] == "7 Day Total Sales" and rep.mapping["search_term"] == "Customer Search Term"
    )
    assert frame["search_term"].tolist() == ["wireless widget", "b0abcdef12", "wireless widget charger"]
    assert frame["targeting"].tolist()[1] == 'asin="B0ABCDEF12"' and frame["match_type"].tolist() == [
        "-",
        "-",
        "EXACT",
    ]
    assert frame["sales"].tolist() == pytest.approx([1234.5, 60.0, 0.0]) and frame["orders"].tolist() == [
        41,
        2,
        0,
    ]
    assert (frame["date_end"] == frame["date"]).all()
    frame, rep = ingest.read_table(DATA / "search_terms_sp_summary_uk.csv", "search_terms")
    assert frame["date_end"].tolist() == [ts("2026-03-31")] * 2
    assert frame["spend"].tolist() == pytest.approx([24.8, 5.5]) and frame["currency"].tolist() == ["GBP"] * 2
    assert frame["country"].tolist() == ["United Kingdom"] * 2


def test_fba_inventory_takes_its_as_of_day_from_the_file_name():
    frame, rep = ingest.read_table(DATA / "fba_myi_unsuppressed_inventory_2026-03-15.txt", "inventory")
    assert rep.layout == "amazon_fba_inventory"
    assert (frame["date"] == ts("2026-03-15")).all() and (frame["warehouse"] == "FBA").all()
    assert frame["on_hand"].tolist() == [120, 35, 0] and frame["reserved"].tolist() == [8, 1, 0]
    assert frame["inbound"].tolist() == [200, 0, 50]  # working + shipped + receiving
    assert notes(rep)["io.note.as_of_from_name"]["day"] == "2026-03-15"


def test_restock_report_asks_for_its_as_of_day():
    with pytest.raises(DataError, match="stock report without a date") as exc:
        ingest.read_table(DATA / "restock_inventory_gb.csv", "inventory")
    assert "period" in exc.value.key  # the app shows its period picker for it
    assert ingest.inspect_file(DATA / "restock_inventory_gb.csv", "inventory").needs_period
    frame, rep = ingest.read_table(
        DATA / "restock_inventory_gb.csv", "inventory", period=(date(2026, 7, 1), date(2026, 7, 4))
    )
    assert rep.layout == "amazon_restock" and (frame["date"] == ts("2026-07-04")).all()
    assert frame["on_hand"].tolist() == [0, 30] and frame["inbound"].tolist() == [0, 20]
    assert frame["reserved"].tolist() == [0, 12]  # FC transfer + FC processing + customer order
    assert frame["units_sold_30d"].tolist() == [24, 15] and frame["currency"].tolist() == ["GBP", "GBP"]


def test_inventory_planning_report_is_dated_by_its_snapshot():
    frame, rep = ingest.read_table(DATA / "fba_inventory_planning.txt", "inventory")
    assert rep.layout == "amazon_inventory_planning"
    assert frame["date"].tolist() == [ts("2026-03-15")] * 2
    assert frame["on_hand"].tolist() == [120, 35] and frame["inbound"].tolist() == [200, 0]


@pytest.mark.parametrize(
    "name,layout,types,totals,currency,first",
    [
        (
            "2017Dec1-2017Dec31CustomTransaction.csv",
            "amazon_transactions",
            ["Order", "Refund", "Service Fee"],
            [39.08, -51.01, -39.99],
            "USD",
            "2017-12-01 00:38:23",
        ),
        (
            "2021Jan1-2021Jan31CustomTransaction_de.csv",
            "amazon_transactions_de",
            ["Order", "Refund"],
            [1280.60, -20.79],
            "EUR",
            "2021-01-02 01:13:33",
        ),
        (
            "2026AugMonthlyTransaction.csv",
            "amazon_transactions_ja",
            ["Order", "Refund"],
            [904, -1261],
            "JPY",
            "2026-08-01 10:00:00",
        ),
        (
            "2026Jul1-2026Jul31CustomUnifiedTransaction.csv",
            "amazon_transactions",
            ["Order", "Transfer"],
            [128770.35, -50000.0],
            "INR",
            "2026-07-01 04:24:44",
        ),
    ],
    ids=["us-2017", "de", "ja", "in"],
)
def test_date_range_report(name, layout, types, totals, currency, first):
    frame, rep = ingest.read_table(DATA / name, "transactions")
    assert rep.layout == layout and rep.rows_loaded == len(types)
    assert frame["type"].tolist() == types
    assert frame["total"].tolist() == pytest.approx(totals)
    assert set(frame["currency"]) == {currency} and rep.currencies == {currency: len(types)}
    assert frame["date"].iloc[0] == ts(first)
    assert notes(rep)["io.note.currency_preamble"] == {"currency": currency}


def test_business_report_by_date_current_and_older_spellings():
    frame, rep = ingest.read_table(DATA / "traffic_business_by_date_in.csv", "traffic")
    assert rep.layout == "amazon_business_date"
    assert frame["date"].tolist() == [ts("2026-04-01"), ts("2026-04-13")]  # DD/MM/YY
    assert frame["sessions"].tolist() == [1514, 15147]
    assert frame["sales"].tolist() == pytest.approx([75565.26, 108218.36]) and set(frame["currency"]) == {
        "INR"
    }
    frame, rep = ingest.read_table(DATA / "traffic_business_by_date_2020.csv", "traffic")
    assert rep.layout == "amazon_business_date" and frame["sessions"].tolist() == [1502, 1310]
    assert "Ordered Product Sales – B2B" in notes(rep)["io.note.ignored_columns"]["columns"]


@pytest.mark.parametrize(
    "headers,table,expected",
    [
        (
            [
                "order-id",
                "order-item-id",
                "purchase-date",
                "buyer-email",
                "sku",
                "quantity-purchased",
                "item-price",
            ],
            "orders",
            "amazon_order_report",
        ),
        (
            [
                "Order Number",
                "Order Status",
                "Order Date",
                "SKU",
                "Item Name",
                "Quantity (- Refund)",
                "Item Cost",
            ],
            "orders",
            "woocommerce_orders",
        ),
        (
            ["Date", "Order #", "Status", "Customer", "Product(s)", "Items sold", "Net sales"],
            "orders",
            "woocommerce_analytics",
        ),
        (
            ["Order ID", "Seller SKU", "Quantity", "SKU Unit Original Price", "Created Time"],
            "orders",
            "tiktok_orders",
        ),
        (
            ["Order ID", "Order Creation Date", "SKU Reference No.", "Deal Price", "Quantity"],
            "orders",
            "shopee_orders",
        ),
        (["订单号", "买家名称", "下单时间", "产品总金额", "订单金额"], "orders", "aliexpress_orders"),
        (["平台订单号", "付款时间", "SKU", "数量", "单价"], "orders", "erp_cn"),
        (
            ["Date", "Campaign Name", "Customer Search Term", "Spend"],
            "search_terms",
            "amazon_sp_search_terms",
        ),
        (["sku", "fnsku", "asin", "afn-fulfillable-quantity"], "inventory", "amazon_fba_inventory"),
        (["date/time", "settlement id", "type", "order id", "total"], "transactions", "amazon_transactions"),
        (["Datum/Uhrzeit", "Abrechnungsnummer", "Typ", "Gesamt"], "transactions", "amazon_transactions_de"),
        (["Start Date", "Campaign Name", "Spend", "14 Day Total Sales (₹)"], "ads", "amazon_sp_ads_v1"),
    ],
    ids=[
        "amazon-fbm",
        "woo",
        "woo-analytics",
        "tiktok",
        "shopee",
        "aliexpress",
        "erp",
        "search-terms",
        "fba-inventory",
        "transactions",
        "transactions-de",
        "sp-14-day-rupees",
    ],
)
def test_new_layouts_are_detected(headers, table, expected):
    lay = layouts.detect(table, headers)
    assert (lay.name if lay else None) == expected


def test_every_new_layout_has_its_name_in_both_languages():
    from cbe_core import i18n

    for lay in layouts.LAYOUTS:
        assert i18n.has(f"io.layout.{lay.name}"), lay.name


def test_every_report_key_of_the_layout_files_is_in_the_catalog():
    from cbe_core import i18n

    tables = {
        "orders": "orders",
        "traffic": "traffic",
        "ads": "ads",
        "search": "search_terms",
        "fba": "inventory",
        "restock": "inventory",
        "BusinessReport": "traffic",
        "Sessions": "traffic",
    }
    period = (date(2026, 7, 1), date(2026, 7, 31))
    for path in sorted(DATA.iterdir()):
        if path.suffix not in (".csv", ".txt"):
            continue
        table = next((v for k, v in tables.items() if path.name.startswith(k)), "transactions")
        needs = "restock" in path.name or "BusinessReport" in path.name
        _, rep = ingest.read_table(path, table, period=period if needs else None)
        for key in [*rep.dropped, *rep.fixed, *rep.excluded, *(k for k, _ in rep.notes)]:
            assert i18n.has(key), (path.name, key)
        assert rep.describe("zh") and rep.describe("en")
