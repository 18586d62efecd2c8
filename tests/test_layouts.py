"""cbe_core.ingest.layouts: platform exports recognised without mapping and read as the platform \
means them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cbe_core import ingest
from cbe_core.errors import DataError
from cbe_core.ingest import layouts

DATA = Path(__file__).resolve().parent / "data" / "io"
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def test_online_retail_ii_c_invoices_are_cancellations():
    frame, rep = ingest.read_table(DATA / "orders_online_retail_ii.csv", "orders")
    assert rep.layout == "online_retail"
    assert rep.mapping == {
        "order_id": "Invoice", "order_date": "InvoiceDate", "sku": "StockCode", "quantity": "Quantity",
        "unit_price": "Price", "customer_id": "Customer ID", "country": "Country",
        "product_name": "Description",
    }
    assert frame["cancelled"].tolist() == [False, False, False, True, False, False]
    # M/D/YYYY H:MM (12/13/2009 proves month-first); Customer ID '13085.0' is the id 13085
    assert frame["order_date"].iloc[0] == ts("2009-12-01 07:45")
    assert frame["order_date"].iloc[5] == ts("2009-12-13 11:50")
    assert frame["customer_id"].iloc[0] == "13085" and pd.isna(frame["customer_id"].iloc[4])
    assert rep.excluded == {"io.excluded.cancelled": 1, "io.excluded.returns": 1}
    summary = ingest.summarize(frame, "orders")
    # 12 x 6.95 + 12 x 6.75 + 12 x 2.55 + 12 x 2.10
    assert summary["sales_lines"] == 4 and summary["revenue"] == pytest.approx(220.2)
    assert summary["customers"] == 2


def test_shopify_export_fills_order_columns_down_and_keeps_wall_clock():
    frame, rep = ingest.read_table(DATA / "orders_shopify_export.csv", "orders")
    assert rep.layout == "shopify_orders"
    assert frame["order_id"].tolist() == ["#1001", "#1001", "#1002", "#1003", "#1003", "#1004"]
    # the second line of #1001 and #1003 gets the order's email, status, date and country
    assert frame["customer_id"].tolist() == (
        ["ann@example.com"] * 2 + ["bo@example.com"] + ["cy@example.com"] * 2 + ["ann@example.com"]
    )
    assert frame["status"].iloc[1] == "paid" and frame["country"].iloc[4] == "GB"
    # 01:30 +0800 stays 01:30 on 1 March (the store's own day), not 17:30 on 28 February UTC
    assert frame["order_date"].iloc[0] == ts("2026-03-01 01:30")
    assert frame["order_date"].iloc[1] == ts("2026-03-01 01:30")
    assert rep.fixed["io.fix.shopify_fill_down"] == 2
    assert rep.examples["io.fix.shopify_fill_down"] == [3, 6]
    # refunded (#1002, also Cancelled at) and voided (#1004) are cancelled; partially_refunded is not
    assert frame["cancelled"].tolist() == [False, False, True, False, False, True]
    assert (frame["channel"] == "shopify").all()
    summary = ingest.summarize(frame, "orders")
    assert summary["revenue"] == pytest.approx(2 * 19.99 + 19.99 + 2 * 519.99 + 19.99)
    assert summary["customers"] == 2


def test_amazon_order_report_item_price_is_the_line_total():
    frame, rep = ingest.read_table(DATA / "orders_amazon_all_orders.txt", "orders")
    assert rep.layout == "amazon_orders" and rep.delimiter == "\t"
    # item-price 39.98 for 2 units is 19.99 each; 89.97 for 3 is 29.99
    assert frame["unit_price"].tolist() == pytest.approx([19.99, 24.50, 0.0, 29.99])
    assert frame["quantity"].tolist() == [2, 1, 0, 3]
    assert rep.fixed["io.fix.amazon_line_total"] == 2
    # no buyer identity: no customer_id column, and a note says which file the customer pages need
    assert "customer_id" not in frame.columns
    assert ("io.note.no_customers", {"file": "orders_amazon_all_orders.txt"}) in rep.notes
    assert frame["cancelled"].tolist() == [False, False, True, False]
    # purchase-date 2026-03-01T23:59:00-08:00 keeps its wall clock
    assert frame["order_date"].iloc[1] == ts("2026-03-01 23:59")
    summary = ingest.summarize(frame, "orders")
    assert summary["customers"] is None
    assert summary["revenue"] == pytest.approx(39.98 + 24.50 + 89.97)


def test_amazon_business_report_by_child_item_takes_the_period():
    frame, rep = ingest.read_table(DATA / "traffic_amazon_business_child.csv", "traffic", period=MARCH)
    assert rep.layout == "amazon_business_child"
    assert frame["sku"].tolist() == ["KIT-001", "HOM-002", "BEA-003"]
    assert frame["sessions"].tolist() == [1234, 845, 916]  # totals, B2B twins not added
    assert frame["page_views"].tolist() == [1890, 1020, 1803]
    assert frame["units"].tolist() == [96, 12, 151]
    assert frame["orders"].tolist() == [90, 12, 140]
    assert frame["buy_box_pct"].tolist() == pytest.approx([0.985, 0.62, 1.0])
    assert frame["sales"].tolist() == pytest.approx([1919.04, 294.0, 1359.0])
    assert (frame["source"] == "amazon").all()
    assert (frame["date"] == ts("2026-03-01")).all() and (frame["date_end"] == ts("2026-03-31")).all()
    assert not any("B2B" in c for c in frame.columns)
    assert any(k == "io.note.ignored_columns" for k, _ in rep.notes)
    assert ("io.note.period_assigned", {"start": "2026-03-01", "end": "2026-03-31"}) in rep.notes


def test_amazon_business_report_by_date_is_store_wide():
    frame, rep = ingest.read_table(DATA / "traffic_amazon_business_date.csv", "traffic")
    assert rep.layout == "amazon_business_date"
    assert frame["date"].tolist() == [ts("2026-03-01"), ts("2026-03-02"), ts("2026-03-13")]
    assert frame["sessions"].tolist() == [1502, 1310, 1402]
    assert frame["sales"].tolist() == pytest.approx([1234.5, 980.0, 1100.25])
    assert (frame["sku"] == layouts.ALL).all() and (frame["source"] == "amazon").all()


def test_sponsored_products_older_layout():
    frame, rep = ingest.read_table(DATA / "ads_sp_advertised_product_v1.csv", "ads")
    assert rep.layout == "amazon_sp_ads_v1"
    assert frame["date"].tolist() == [ts("2026-03-01"), ts("2026-03-01"), ts("2026-03-02")]
    assert frame["campaign"].tolist() == ["SP - Kitchen - Exact", "SP - Home - Auto", "SP - Kitchen - Exact"]
    assert frame["spend"].tolist() == pytest.approx([78.2, 34.1, 76.0])
    assert frame["impressions"].tolist() == [12034, 4210, 11870]
    assert frame["ad_sales"].tolist() == pytest.approx([319.84, 0.0, 259.87])
    assert frame["ad_orders"].tolist() == [8, 0, 7]
    assert frame["sku"].tolist() == ["KIT-001", "HOM-002", "KIT-001"]


def test_sponsored_products_current_layout_with_date_range_and_guards():
    frame, rep = ingest.read_table(DATA / "ads_sp_v2_date_range.csv", "ads")
    assert rep.layout == "amazon_sp_ads_v2"
    assert frame["date"].tolist() == [ts("2026-03-01")] * 2
    assert frame["date_end"].tolist() == [ts("2026-03-31")] * 2
    assert frame["campaign_id"].tolist() == ["312345678901234", "312345678901299"]
    assert frame["sku"].tolist() == ["KIT-001", "BEA-003"]
    assert frame["spend"].tolist() == pytest.approx([2306.40, 720.10])
    assert frame["ad_sales"].tolist() == pytest.approx([7480.12, 405.0])
    assert frame["ad_orders"].tolist() == [212, 25] and frame["ad_units"].tolist() == [398, 45]
    assert rep.fixed["io.fix.excel_guard"] == 6


def test_shopify_sessions_report():
    frame, rep = ingest.read_table(DATA / "traffic_shopify_sessions_landing.csv", "traffic")
    assert rep.layout == "shopify_sessions"
    assert frame["sku"].tolist() == ["/products/bamboo-board", "/products/silicone-spatula", "/"]
    assert frame["source"].tolist() == ["Search", "Social", "Direct"]
    assert frame["sessions"].tolist() == [412, 155, 230]
    assert frame["add_to_cart"].tolist() == [31, 6, 11] and frame["orders"].tolist() == [12, 2, 4]


def test_ga4_landing_pages_take_the_period_from_the_export_header():
    frame, rep = ingest.read_table(DATA / "traffic_ga4_landing_page.csv", "traffic")
    assert rep.layout == "ga4_sessions"
    assert frame["sku"].tolist() == ["/products/bamboo-board", "/products/face-mask", "/"]
    assert (frame["date"] == ts("2026-03-01")).all() and (frame["date_end"] == ts("2026-03-31")).all()
    # bounces = sessions x bounce rate: 4120 x 0.42, 2980 x 0.79, 1700 x 0.55
    assert frame["bounces"].tolist() == [1730, 2354, 935]
    assert (frame["source"] == layouts.ALL).all()
    assert rep.examples["io.fix.ga4_bounces"] == [10, 11, 12]  # 8 comment lines, header on line 9


def test_ga4_source_medium_by_date():
    frame, rep = ingest.read_table(DATA / "traffic_ga4_source_by_date.csv", "traffic")
    assert frame["date"].tolist() == [ts("2026-03-01"), ts("2026-03-01"), ts("2026-03-02")]
    assert frame["source"].tolist() == ["google / organic", "(direct) / (none)", "google / organic"]
    assert frame["page_views"].tolist() == [2100, 640, 1980]
    # GA4 bounce rate = 1 - engagement rate: 820 x (1 - 0.62195...) = 310
    assert frame["bounces"].tolist() == [310, 150, 310]


@pytest.mark.parametrize(
    "headers,table,expected",
    [
        (["order_id", "order_date", "sku", "quantity", "unit_price"], "orders", None),
        (["Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price", "Customer ID",
          "Country"], "orders", "online_retail"),
        (["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID",
          "Country"], "orders", "online_retail"),
        (["Name", "Email", "Financial Status", "Created at", "Lineitem quantity", "Lineitem price",
          "Lineitem sku"], "orders", "shopify_orders"),
        (["amazon-order-id", "purchase-date", "sku", "quantity", "item-price"], "orders", "amazon_orders"),
        (["订单号", "下单时间", "买家ID", "数量", "单价", "SKU"], "orders", "erp_cn"),
        (["(Parent) ASIN", "(Child) ASIN", "Title", "SKU", "Sessions", "Page Views",
          "Buy Box Percentage"], "traffic", "amazon_business_child"),
        (["Date", "Campaign Name", "Impressions", "Clicks", "Spend", "7 Day Total Sales",
          "7 Day Total Orders (#)"], "ads", "amazon_sp_ads_v1"),
        (["Date range", "Campaign name", "Impressions", "Clicks", "Total cost", "Purchases", "Sales"],
         "ads", "amazon_sp_ads_v2"),
        (["date", "campaign", "spend", "clicks", "impressions", "ad_orders", "ad_sales"], "ads", None),
        (["date", "sku", "source", "sessions"], "traffic", None),
    ],
    ids=["canonical", "online-retail-ii", "online-retail-i", "shopify", "amazon", "erp", "business-child-old",
         "sp-v1", "sp-v2", "canonical-ads", "canonical-traffic"],
)
def test_layout_detection(headers, table, expected):
    lay = layouts.detect(table, headers)
    assert (lay.name if lay else None) == expected


def test_online_retail_i_headers_are_read_without_mapping():
    text = ("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
            "536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n"
            "C536379,D,Discount,-1,12/1/2010 9:41,27.5,14527.0,United Kingdom\n")
    frame, rep = ingest.read_table(text.encode(), "orders", filename="online_retail.csv")
    assert rep.layout == "online_retail"
    assert frame["unit_price"].tolist() == [2.55, 27.5]
    assert frame["cancelled"].tolist() == [False, True]


def test_business_report_with_a_period_from_the_caller_only():
    with pytest.raises(DataError, match="--from and --to"):
        ingest.read_table(DATA / "traffic_amazon_business_child.csv", "traffic")
    frame, _ = ingest.read_table(DATA / "traffic_amazon_business_child.csv", "traffic",
                                 period=(date(2026, 2, 1), date(2026, 2, 28)))
    assert (frame["date_end"] == ts("2026-02-28")).all()


def test_inspection_says_when_a_period_is_needed():
    assert ingest.inspect_file(DATA / "traffic_amazon_business_child.csv", "traffic").needs_period
    # in its header
    assert not ingest.inspect_file(DATA / "traffic_ga4_landing_page.csv", "traffic").needs_period
    assert not ingest.inspect_file(DATA / "traffic_canonical_totals.csv", "traffic").needs_period
    assert not ingest.inspect_file(DATA / "orders_canonical.csv", "orders").needs_period
