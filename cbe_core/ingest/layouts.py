"""Platform export layouts: recognised from their headers and read as the platform means them.

A :class:`Layout` names the headers that identify an export (``signature``: every one present, after
:func:`~cbe_core.ingest.headers.norm_header` normalisation; ``any_of``: at least one present), which
header feeds each canonical column (first candidate found wins), and the hooks that apply the platform's
meaning:

=======================  ==========================================================================
layout                   what differs from the plain names
=======================  ==========================================================================
``online_retail``        Online Retail II (UCI): ``C``-prefixed invoices are cancellations.
``shopify_orders``       order columns (email, status, dates, ``Cancelled at``) are written on an
                         order's first line only: filled down within the order (counted as fixed);
                         ``Cancelled at`` set -> cancelled; ``Created at`` is the order date.
``amazon_orders``        ``item-price`` is the line total: unit_price = item-price / quantity; no
                         buyer identity -> no ``customer_id`` (a note says which file is needed);
                         ``item-status`` Cancelled also cancels a line.
``erp_cn``               Chinese ERP headers (订单号 下单时间 买家ID 数量 单价 ...).
``amazon_business_child``  Business Report "Detail Page Sales and Traffic By Child Item": no date
                         column, the period chosen at download must be given (``period``); source is
                         ``amazon``; ``buy_box_pct`` (pct) and ``sales`` (money) kept. B2B twin
                         columns ("... - B2B") are a *subset* of the totals in Amazon's definitions,
                         so they are ignored, not summed (summing would double-count B2B).
``amazon_business_date``  "Sales and Traffic By Date": store-wide, sku = ``(all)``.
``amazon_sp_ads_v1``     Sponsored Products reports, older layout (``7 Day Total Sales`` ...).
``amazon_sp_ads_v2``     current layout (``Total cost``, ``Purchases``, ``Sales``); a ``Date range``
                         "start - end" becomes ``date`` and ``date_end``.
``shopify_sessions``     Shopify sessions reports (by day, landing page or referrer; old and new
                         column names); a missing dimension becomes ``(all)``.
``ga4_sessions``         GA4 exports of sessions by landing page or source; the period comes from
                         the export's ``# Start date`` / ``# End date`` lines when there is no
                         ``Date`` column; bounces = sessions x bounce rate (or 1 - engagement rate).
=======================  ==========================================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .headers import norm_header

ALL = "(all)"
"""Value of ``sku`` / ``source`` for store-level rows of reports that have no such column."""


@dataclass(frozen=True)
class Layout:
    name: str
    table: str
    signature: tuple[str, ...]
    any_of: tuple[str, ...] = ()
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    dated: bool = True  # False: rows cover a period given by the seller (or the file's header lines)
    skip: tuple[str, ...] = ()  # canonical columns never auto-mapped for this layout
    ignored: tuple[str, ...] = ()  # regexes of headers deliberately ignored (normalised form)
    pre: Callable | None = None
    post: Callable | None = None
    note: str | None = None

    period_ok: bool = False  # True: a missing date column is supplied by the period (or file header)

    @property
    def provides(self) -> tuple[str, ...]:
        """Required canonical columns the layout can supply itself (constants, the period)."""
        return tuple(self.constants) + (("date",) if (not self.dated or self.period_ok) else ())

    def ignored_headers(self, headers: list[str]) -> set[str]:
        return {norm_header(h) for h in headers if any(re.search(p, norm_header(h)) for p in self.ignored)}


# --------------------------------------------------------------------------------------------------
# Hooks
# --------------------------------------------------------------------------------------------------
_SHOPIFY_ORDER_LEVEL = (
    "email", "financial status", "paid at", "fulfillment status", "fulfilled at", "accepts marketing",
    "currency", "created at", "cancelled at", "billing name", "billing country", "shipping name",
    "shipping country", "shipping province", "shipping city", "source", "tags", "risk level",
    "payment method", "id", "phone", "employee", "location",
)


def _shopify_pre(cols, mapping, acc, keep, headers):
    name_h = mapping.get("order_id")
    if name_h is None:
        return cols
    names = cols[name_h].to_pandas()
    n = len(names)
    codes, _ = pd.factorize(names, use_na_sentinel=True)
    pos = np.arange(n)
    valid = codes >= 0
    first = pos.copy()
    if valid.any():
        firsts = pd.Series(pos[valid]).groupby(codes[valid]).transform("min").to_numpy()
        first[valid] = firsts
    filled_any = np.zeros(n, dtype=bool)
    mapped = set(mapping.values())
    for h in headers:
        if norm_header(h) not in _SHOPIFY_ORDER_LEVEL:
            continue
        arr = cols[h]
        isnull = np.asarray(pc.is_null(arr).to_numpy(zero_copy_only=False), dtype=bool)
        if not isnull.any():
            continue
        src = arr.take(pa.array(first))
        src_valid = np.asarray(pc.is_valid(src).to_numpy(zero_copy_only=False), dtype=bool)
        fill = isnull & src_valid & (first != pos)
        if fill.any():
            cols[h] = pc.if_else(pa.array(fill), src, arr)
            if h in mapped:
                filled_any |= fill
    acc.fix("io.fix.shopify_fill_down", filled_any & keep)
    return cols


def _amazon_orders_pre(cols, mapping, acc, keep, headers):
    st_h = mapping.get("status")
    item = next((h for h in headers if norm_header(h) == "item-status"), None)
    if item is not None:
        item_c = cols[item]
        is_c = pc.fill_null(pc.match_substring_regex(item_c, r"(?i)cancel"), False)
        if st_h is None:
            cols[item] = item_c
            mapping["status"] = item
        else:
            cols[st_h] = pc.if_else(is_c, item_c, cols[st_h])
    return cols


def _amazon_orders_post(frame, acc, keep, period, meta):
    q = frame["quantity"].to_numpy(dtype="float64")
    total = frame["unit_price"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        unit = np.where(q > 0, total / np.where(q > 0, q, 1), np.where(q == 0, np.nan, total))
    # quantity 0 (cancelled/pending lines) keeps a missing price; the cancelled rule fills it with 0
    changed = (q > 1) & ~np.isnan(total)
    acc.fix("io.fix.amazon_line_total", changed & keep)
    frame["unit_price"] = unit
    return frame


_RANGE_RE = r"^\s*(?P<start>.+?)\s+(?:-|–|—|to|~|至)\s+(?P<end>.+?)\s*$"


def _date_range_pre(cols, mapping, acc, keep, headers):
    """A 'Date range' cell 'start - end' becomes two columns."""
    h = mapping.get("date")
    if h is None:
        return cols
    arr = cols[h]
    is_range = pc.fill_null(pc.match_substring_regex(arr, _RANGE_RE), False)
    if not pc.any(is_range).as_py():
        return cols
    parts = pc.extract_regex(pc.if_else(is_range, arr, pa.scalar(None, pa.string())), _RANGE_RE)
    start = pc.if_else(is_range, pc.struct_field(parts, [0]), arr)
    end = pc.if_else(is_range, pc.struct_field(parts, [1]), arr)
    e_name = f"{h} (end)"
    cols[h], cols[e_name] = start, end
    mapping["date_end"] = e_name
    return cols


def _ga4_post(frame, acc, keep, period, meta):
    if "bounces" not in frame.columns and "sessions" in frame.columns:
        rate = None
        if "bounce_rate" in frame.columns:
            rate = frame["bounce_rate"].to_numpy(dtype="float64")
        elif "engagement_rate" in frame.columns:
            rate = 1.0 - frame["engagement_rate"].to_numpy(dtype="float64")
        if rate is not None:
            sess = frame["sessions"].to_numpy(dtype="float64")
            b = np.round(sess * rate)
            frame["bounces"] = b
            acc.fix("io.fix.ga4_bounces", ~np.isnan(b) & keep)
    return frame


# --------------------------------------------------------------------------------------------------
# The layouts
# --------------------------------------------------------------------------------------------------
_B2B = (r" - b2b$", r"\bb2b\b")

LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "online_retail",
        "orders",
        signature=("stockcode", "invoicedate"),
        columns={
            "order_id": ("invoice", "invoiceno", "invoice no"),
            "order_date": ("invoicedate",),
            "sku": ("stockcode",),
            "quantity": ("quantity",),
            "unit_price": ("price", "unitprice", "unit price"),
            "customer_id": ("customer id", "customerid"),
            "country": ("country",),
            "product_name": ("description",),
        },
    ),
    Layout(
        "shopify_orders",
        "orders",
        signature=("name", "lineitem quantity", "lineitem price"),
        any_of=("financial status", "created at", "lineitem sku"),
        columns={
            "order_id": ("name",),
            "order_date": ("created at", "paid at"),
            "sku": ("lineitem sku",),
            "quantity": ("lineitem quantity",),
            "unit_price": ("lineitem price",),
            "customer_id": ("email",),
            "email": ("email",),
            "status": ("financial status",),
            "country": ("shipping country", "billing country"),
            "currency": ("currency",),
            "customer_name": ("billing name", "shipping name"),
            "product_name": ("lineitem name",),
            "cancelled_at": ("cancelled at",),
        },
        kinds={"cancelled_at": "datetime"},
        constants={"channel": "shopify"},
        skip=("channel",),
        pre=_shopify_pre,
    ),
    Layout(
        "amazon_orders",
        "orders",
        signature=("amazon-order-id", "purchase-date", "item-price"),
        columns={
            "order_id": ("amazon-order-id",),
            "order_date": ("purchase-date",),
            "sku": ("sku",),
            "quantity": ("quantity", "quantity-purchased"),
            "unit_price": ("item-price",),
            "status": ("order-status",),
            "country": ("ship-country",),
            "channel": ("sales-channel",),
            "currency": ("currency",),
            "product_name": ("product-name",),
            "asin": ("asin",),
        },
        kinds={"asin": "id"},
        skip=("customer_id", "email", "customer_name"),
        pre=_amazon_orders_pre,
        post=_amazon_orders_post,
    ),
    Layout(
        "erp_cn",
        "orders",
        signature=("订单号",),
        any_of=("下单时间", "订单时间", "付款时间", "买家id", "数量", "单价"),
    ),
    Layout(
        "amazon_business_child",
        "traffic",
        signature=("(child) asin", "sku"),
        any_of=("sessions - total", "sessions"),
        columns={
            "sku": ("sku",),
            "sessions": ("sessions - total", "sessions"),
            "page_views": ("page views - total", "page views"),
            "units": ("units ordered",),
            "orders": ("total order items",),
            "buy_box_pct": ("featured offer (buy box) percentage", "buy box percentage"),
            "sales": ("ordered product sales",),
            "asin": ("(child) asin",),
            "parent_asin": ("(parent) asin",),
            "product_name": ("title",),
        },
        kinds={
            "buy_box_pct": "pct", "sales": "money", "asin": "id", "parent_asin": "id", "product_name": "text",
        },
        constants={"source": "amazon"},
        dated=False,
        skip=("date", "source"),
        ignored=_B2B,
    ),
    Layout(
        "amazon_business_date",
        "traffic",
        signature=("date", "ordered product sales"),
        any_of=("sessions - total", "sessions"),
        columns={
            "date": ("date",),
            "sessions": ("sessions - total", "sessions"),
            "page_views": ("page views - total", "page views"),
            "units": ("units ordered",),
            "orders": ("total order items",),
            "buy_box_pct": ("featured offer (buy box) percentage", "buy box percentage"),
            "sales": ("ordered product sales",),
        },
        kinds={"buy_box_pct": "pct", "sales": "money"},
        constants={"sku": ALL, "source": "amazon"},
        skip=("sku", "source"),
        ignored=_B2B,
        note="io.note.store_level",
    ),
    Layout(
        "amazon_sp_ads_v1",
        "ads",
        signature=("campaign name", "spend"),
        any_of=("7 day total sales", "14 day total sales", "7 day total orders (#)"),
        columns={
            "date": ("date", "start date"),
            "date_end": ("end date",),
            "campaign": ("campaign name",),
            "spend": ("spend",),
            "clicks": ("clicks",),
            "impressions": ("impressions",),
            "ad_orders": ("7 day total orders (#)", "14 day total orders (#)"),
            "ad_sales": ("7 day total sales", "14 day total sales"),
            "sku": ("advertised sku",),
            "ad_units": ("7 day total units (#)", "14 day total units (#)"),
            "asin": ("advertised asin",),
            "ad_group": ("ad group name",),
            "currency": ("currency",),
            "portfolio": ("portfolio name",),
        },
        kinds={"asin": "id", "ad_group": "text", "currency": "category", "portfolio": "text"},
    ),
    Layout(
        "amazon_sp_ads_v2",
        "ads",
        signature=("campaign name", "total cost"),
        any_of=("purchases", "sales", "units sold", "roas"),
        columns={
            "date": ("date", "date range", "start date"),
            "date_end": ("end date",),
            "campaign": ("campaign name",),
            "spend": ("total cost",),
            "clicks": ("clicks",),
            "impressions": ("impressions",),
            "ad_orders": ("purchases",),
            "ad_sales": ("sales",),
            "sku": ("advertised product sku", "advertised sku"),
            "ad_units": ("units sold",),
            "asin": ("advertised product id", "advertised asin"),
            "campaign_id": ("campaign id",),
            "ad_group": ("ad group name",),
            "roas": ("roas",),
        },
        kinds={"asin": "id", "campaign_id": "id", "ad_group": "text", "roas": "float"},
        pre=_date_range_pre,
    ),
    Layout(
        "ga4_sessions",
        "traffic",
        signature=("sessions",),
        any_of=(
            "landing page + query string", "landing page", "session source / medium", "session source",
            "session default channel group", "session medium", "first user source / medium",
            "page path and screen class", "engaged sessions", "active users",
        ),
        columns={
            "date": ("date",),
            "sku": ("landing page + query string", "landing page", "page path and screen class",
                    "page path + query string"),
            "source": ("session source / medium", "session source", "session default channel group",
                       "session medium", "first user source / medium"),
            "sessions": ("sessions",),
            "page_views": ("views", "screen page views"),
            "add_to_cart": ("add to carts", "add-to-carts"),
            "orders": ("ecommerce purchases", "transactions", "purchases"),
            "bounce_rate": ("bounce rate",),
            "engagement_rate": ("engagement rate",),
            "revenue": ("total revenue", "purchase revenue"),
        },
        kinds={"bounce_rate": "pct", "engagement_rate": "pct", "revenue": "money"},
        constants={"sku": ALL, "source": ALL},
        skip=("sku", "source"),
        period_ok=True,
        post=_ga4_post,
    ),
    Layout(
        "shopify_sessions",
        "traffic",
        signature=(),
        any_of=("online store visitors", "total sessions", "landing page path", "landing_page_path",
                "referrer source", "sessions with cart additions", "total visitors"),
        columns={
            "date": ("day", "date", "hour"),
            "sku": ("landing page path",),
            "source": ("referrer source", "referrer name", "session source"),
            "sessions": ("sessions", "total sessions"),
            "add_to_cart": ("sessions with cart additions", "total carts", "added to cart"),
            "orders": ("sessions that completed checkout", "total orders placed", "total checkouts"),
            "visitors": ("online store visitors", "total visitors"),
        },
        kinds={"visitors": "int"},
        constants={"sku": ALL, "source": ALL},
        skip=("sku", "source"),
        period_ok=True,
    ),
)


def known_headers(table: str) -> set[str]:
    """Every header a layout of ``table`` recognises (normalised), used to find the header row."""
    out: set[str] = set()
    for lay in LAYOUTS:
        if lay.table != table:
            continue
        out.update(lay.signature)
        out.update(lay.any_of)
        for cands in lay.columns.values():
            out.update(cands)
    return {norm_header(h) for h in out}


def detect(table: str, headers: list[str]) -> Layout | None:
    """The first layout of ``table`` whose signature the headers carry (None: plain names)."""
    norm = {norm_header(h) for h in headers}
    for lay in LAYOUTS:
        if lay.table != table:
            continue
        if any(norm_header(s) not in norm for s in lay.signature):
            continue
        if lay.any_of and not any(norm_header(s) in norm for s in lay.any_of):
            continue
        return lay
    return None
