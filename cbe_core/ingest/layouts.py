"""Platform export layouts: recognised from their headers and read as the platform means them.

A :class:`Layout` names the headers that identify an export (``signature``: every one present, after
:func:`~cbe_core.ingest.headers.norm_header` normalisation, a tuple standing for alternatives;
``any_of``: at least one present), which header feeds each canonical column (first candidate found
wins; a header's bracketed unit may be left out, ``14 Day Total Sales (₹)`` answers to
``14 day total sales``), and the hooks that apply the platform's meaning. Where each layout's real
header was seen is cited in ``tests/data/layouts/README.md``.

=============================  ====================================================================
layout                         what differs from the plain names
=============================  ====================================================================
``online_retail``              Online Retail II (UCI): ``C``-prefixed invoices are cancellations.
``shopify_orders``             order columns (email, status, dates, ``Cancelled at``) are written on
                               an order's first line only: filled down within the order (counted as
                               fixed); ``Cancelled at`` set -> cancelled; ``Created at`` is the order
                               date; a line without SKU (custom item, tip, gift card) keeps its
                               ``Lineitem name`` as product key (the reader's rule for every orders
                               file).
``amazon_orders``              All Orders report: ``item-price`` is the line total: unit_price =
                               item-price / quantity; ``item-status`` Cancelled also cancels a line.
``amazon_order_report``        Order report / New Orders (FBM): the same, with ``buyer-email`` as the
                               customer id.
``woocommerce_orders``         Advanced Order Export for WooCommerce: one row per item, order columns
                               filled down within the order.
``woocommerce_analytics``      WooCommerce Analytics > Orders: one row per *order*; ``Net sales`` is
                               the order's total, spread over ``Items sold``; ``2× Name`` is a line of
                               one product (several products keep the list as product key).
``tiktok_orders``              TikTok Shop orders: unit price after the seller's own discount
                               (platform discounts are paid back to the seller); the row of field
                               descriptions some exports carry under the header is dropped;
                               ``Cancelation/Return Type`` Cancel cancels a line; without a
                               ``Seller SKU`` TikTok's ``SKU ID`` is the product key.
``shopee_orders``              Shopee orders (English): ``Deal Price`` is the unit price.
``aliexpress_orders``          AliExpress (速卖通) order export: one row per order with every product in
                               one cell (``【1】title … (产品数量:2) (商家编码:SKU)``): split into lines;
                               ``产品总金额`` spread over the order's units; amounts in USD.
``erp_cn``                     Chinese ERP headers (订单号 下单时间 买家ID 数量 单价 ...).
``amazon_business_child``      Business Report "Detail Page Sales and Traffic By Child Item": no date
                               column, the period chosen at download must be given (``period``);
                               source is ``amazon``; ``buy_box_pct`` (pct) and ``sales`` (money)
                               kept. B2B twin columns ("... - B2B") are a *subset* of the totals in
                               Amazon's definitions, so they are ignored, not summed.
``amazon_business_date``       "Sales and Traffic By Date": store-wide, sku = ``(all)``.
``amazon_sp_ads_v1``           Sponsored Products reports, older layout (``7 Day Total Sales``,
                               ``14 Day Total Sales (₹)``, ``Start Date``/``End Date`` per row).
``amazon_sp_ads_v2``           current layout (``Total cost``, ``Purchases``, ``Sales``); a ``Date
                               range`` "start - end" becomes ``date`` and ``date_end``.
``amazon_sp_search_terms``     Sponsored Products Search term report -> ``search_terms`` (daily
                               ``Date`` or ``Start Date``/``End Date``).
``ga4_sessions``               GA4 exports (English and Chinese UI): landing page or source /
                               channel group; the period from ``# Start date`` / ``# End date`` lines
                               when there is no time column; a ``Week``/``Month`` column gives each
                               row its own period; bounces = sessions x bounce rate (or 1 -
                               engagement rate).
``shopify_sessions``           Shopify Analytics sessions reports (by day, week, month, landing page,
                               referrer, location); a missing dimension becomes ``(all)``.
``amazon_fba_inventory``       Manage FBA Inventory: inbound = working + shipped + receiving.
``amazon_restock``             Restock Inventory report: reserved = FC transfer + FC processing +
                               customer order.
``amazon_inventory_planning``  FBA Inventory (planning) report, dated by ``snapshot-date``.
``amazon_transactions``        Payments Date Range Report (en, de, ja): preamble lines skipped,
                               currency from "All amounts in USD" (or the marketplace); transaction
                               types in English (Bestellung -> Order, 返金 -> Refund).
=============================  ====================================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .headers import base_header, norm_header

ALL = "(all)"
"""Value of ``sku`` / ``source`` for store-level rows of reports that have no such column."""


@dataclass(frozen=True)
class Layout:
    name: str
    table: str
    signature: tuple[str | tuple[str, ...], ...]
    any_of: tuple[str, ...] = ()
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    dated: bool = True  # False: rows cover a period given by the seller (or the file's header lines)
    skip: tuple[str, ...] = ()  # canonical columns never auto-mapped for this layout
    ignored: tuple[str, ...] = ()  # regexes of headers deliberately ignored (normalised form)
    pre: Callable | None = None
    post: Callable | None = None
    split: Callable | None = None  # rows holding several lines -> one row per line (before anything)
    derives: tuple[str, ...] = ()  # canonical columns the hooks create (not looked for in the headers)
    currency: str | None = None  # the platform's currency when the file never says it
    note: str | None = None

    period_ok: bool = False  # True: a missing date column is supplied by the period (or file header)

    @property
    def provides(self) -> tuple[str, ...]:
        """Required canonical columns the layout can supply itself (constants, the period, hooks)."""
        return (
            tuple(self.constants) + self.derives + (("date",) if (not self.dated or self.period_ok) else ())
        )

    def ignored_headers(self, headers: list[str]) -> set[str]:
        return {norm_header(h) for h in headers if any(re.search(p, norm_header(h)) for p in self.ignored)}


# --------------------------------------------------------------------------------------------------
# Hooks
# --------------------------------------------------------------------------------------------------
def _fill_down(cols, mapping, acc, keep, headers, order_level, key="order_id", count_key=None):
    """Order-level columns written on an order's first line only are copied down within the order."""
    name_h = mapping.get(key)
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
        if not order_level(h):
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
    acc.fix(count_key or "io.fix.order_fill_down", filled_any & keep)
    return cols


_SHOPIFY_ORDER_LEVEL = (
    "email", "financial status", "paid at", "fulfillment status", "fulfilled at", "accepts marketing",
    "currency", "created at", "cancelled at", "billing name", "billing country", "shipping name",
    "shipping country", "shipping province", "shipping city", "source", "tags", "risk level",
    "payment method", "id", "phone", "employee", "location",
)


def _shopify_pre(cols, mapping, acc, keep, headers, meta):
    return _fill_down(cols, mapping, acc, keep, headers, lambda h: norm_header(h) in _SHOPIFY_ORDER_LEVEL,
                      count_key="io.fix.shopify_fill_down")


_WOO_LINE_LEVEL = re.compile(r"(?i)^(sku|item #|item name|name|product variation|quantity.*|item cost|"
                             r"order line.*|image url|coupon code|discount amount.*|product.*)$")


def _woo_pre(cols, mapping, acc, keep, headers, meta):
    return _fill_down(cols, mapping, acc, keep, headers, lambda h: not _WOO_LINE_LEVEL.match(norm_header(h)))


_ONE_PRODUCT = r"^\s*(?P<qty>\d+)\s*[×xX]\s*(?P<name>.+?)\s*$"
_SEVERAL = r"\d+\s*[×xX]\s*.+,\s*\d+\s*[×xX]\s"


def _woo_analytics_pre(cols, mapping, acc, keep, headers, meta):
    """``2× Name`` (one product) -> ``Name``; a list of several products stays as it is (noted)."""
    h = mapping.get("product_name")
    if h is None:
        return cols
    arr = cols[h]
    several = pc.fill_null(pc.match_substring_regex(arr, _SEVERAL), False)
    one = pc.and_(pc.fill_null(pc.match_substring_regex(arr, _ONE_PRODUCT), False), pc.invert(several))
    if pc.any(one).as_py():
        name = pc.struct_field(pc.extract_regex(pc.if_else(one, arr, pa.scalar(None, pa.string())),
                                                _ONE_PRODUCT), [1])
        cols[h] = pc.if_else(one, name, arr)
    k = int(np.asarray(pc.fill_null(several, False).to_numpy(zero_copy_only=False), dtype=bool)[keep].sum())
    acc.note("io.note.order_level_export", orders=str(k))
    return cols


def _per_unit(fix_key: str):
    """The price column holds the line's (or order's) total: divide it by the quantity."""

    def post(frame, acc, keep, period, meta):
        q = frame["quantity"].to_numpy(dtype="float64")
        total = frame["unit_price"].to_numpy(dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            unit = np.where(q > 0, total / np.where(q > 0, q, 1), np.where(q == 0, np.nan, total))
        # quantity 0 (cancelled/pending lines) keeps a missing price; the cancelled rule fills it with 0
        changed = (q > 1) & ~np.isnan(total)
        acc.fix(fix_key, changed & keep)
        frame["unit_price"] = unit
        return frame

    return post


def _amazon_orders_pre(cols, mapping, acc, keep, headers, meta):
    return _status_from(cols, mapping, headers, "item-status", r"(?i)cancel")


def _status_from(cols, mapping, headers, header: str, pattern: str):
    """A second status column (Amazon's item-status, TikTok's Cancelation/Return Type) that cancels."""
    st_h = mapping.get("status")
    item = next((h for h in headers if norm_header(h) == header), None)
    if item is not None:
        item_c = cols[item]
        is_c = pc.fill_null(pc.match_substring_regex(item_c, pattern), False)
        if st_h is None:
            mapping["status"] = item
        else:
            cols[st_h] = pc.if_else(is_c, item_c, cols[st_h])
    return cols


def _tiktok_pre(cols, mapping, acc, keep, headers, meta):
    """TikTok exports may carry the fields' descriptions (``Platform unique order ID.``) on the row
    under the header; some cells end with a tab (trimmed by the reader)."""
    h = mapping.get("order_id")
    if h is not None and len(cols[h]):
        first = cols[h][0].as_py()
        if isinstance(first, str) and " " in first.strip() and not any(ch.isdigit() for ch in first):
            desc = np.zeros(len(cols[h]), dtype=bool)
            desc[0] = True
            acc.drop("io.reason.description_row", desc & keep)
            keep &= ~desc
    # no Seller SKU set: TikTok's own SKU ID is the product key
    sku_h, id_h = mapping.get("sku"), next((h for h in headers if norm_header(h) == "sku id"), None)
    if sku_h is not None and id_h is not None and sku_h != id_h:
        cols[sku_h] = pc.coalesce(cols[sku_h], cols[id_h])
    return _status_from(cols, mapping, headers, "cancelation/return type", r"(?i)^\s*cancel")


def _tiktok_post(frame, acc, keep, period, meta):
    """unit price = (subtotal before discount - seller discount) / quantity, when the export has them."""
    if "subtotal_before_discount" not in frame.columns or "seller_discount" not in frame.columns:
        return frame
    q = frame["quantity"].to_numpy(dtype="float64")
    before = frame["subtotal_before_discount"].to_numpy(dtype="float64")
    disc = np.nan_to_num(frame["seller_discount"].to_numpy(dtype="float64"))
    ok = (q > 0) & ~np.isnan(before)
    with np.errstate(divide="ignore", invalid="ignore"):
        unit = (before - disc) / np.where(q > 0, q, 1)
    price = frame["unit_price"].to_numpy(dtype="float64")
    new = np.where(ok, unit, price)
    acc.fix("io.fix.seller_discount", ok & keep & (np.abs(new - np.nan_to_num(price)) > 1e-9))
    frame["unit_price"] = new
    return frame


_ALI_PRODUCT = re.compile(r"【\s*\d+\s*】")
_ALI_QTY = re.compile(r"产品数量\s*[:：]\s*(\d+)")
_ALI_SKU = re.compile(r"商家编码\s*[:：]\s*([^)）\n]*)")


def _aliexpress_split(cols, headers, acc):
    """One row per product of the order's product cell; the line's SKU (商家编码), quantity (产品数量)
    and title (the text after 【n】) become columns ``sku (line)``, ``quantity (line)``,
    ``product (line)``."""
    h = next((h for h in headers if base_header(h) == "产品信息"), None)
    if h is None:
        return cols, None, {}
    cells = cols[h].to_pylist()
    rows, skus, qtys, titles = [], [], [], []
    for i, cell in enumerate(cells):
        parts = [p for p in _ALI_PRODUCT.split(cell or "") if p.strip()] or [""]
        for part in parts:
            rows.append(i)
            first = part.strip().splitlines()[0].strip() if part.strip() else None
            title = re.split(r"\s*[(（]", first)[0].strip() if first else None
            q = _ALI_QTY.search(part)
            s = _ALI_SKU.search(part)
            titles.append(title or None)
            qtys.append(q.group(1) if q else None)
            skus.append(s.group(1).strip() or None if s else None)
    idx = np.asarray(rows, dtype=np.int64)
    out = {k: v.take(pa.array(idx)) for k, v in cols.items()}
    out["sku (line)"] = pa.chunked_array([pa.array(skus, pa.string())])
    out["quantity (line)"] = pa.chunked_array([pa.array(qtys, pa.string())])
    out["product (line)"] = pa.chunked_array([pa.array(titles, pa.string())])
    extra = int((np.bincount(idx, minlength=len(cells)) > 1).sum())
    if extra:
        acc.note("io.note.lines_split", orders=f"{extra:,}", lines=f"{len(idx):,}")
    return out, idx, {"sku": "sku (line)", "quantity": "quantity (line)", "product_name": "product (line)"}


def _order_total_post(frame, acc, keep, period, meta):
    """The order's product total spread over its units (exact for one-product orders)."""
    q = frame["quantity"].to_numpy(dtype="float64")
    total = frame["unit_price"].to_numpy(dtype="float64")
    units = pd.Series(np.where(q > 0, q, 0)).groupby(frame["order_id"].to_numpy()).transform("sum").to_numpy()
    lines = pd.Series(1, index=frame.index).groupby(frame["order_id"].to_numpy()).transform("sum").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        unit = np.where(units > 0, total / np.where(units > 0, units, 1), np.nan)
    acc.fix("io.fix.price_spread", (lines > 1) & ~np.isnan(unit) & keep)
    frame["unit_price"] = unit
    return frame


_RANGE_RE = r"^\s*(?P<start>.+?)\s+(?:-|–|—|to|~|至)\s+(?P<end>.+?)\s*$"


def _date_range_pre(cols, mapping, acc, keep, headers, meta):
    """A 'Date range' cell 'start - end' becomes two columns."""
    h = mapping.get("date")
    if h is None or cols[h].type != pa.string():
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


def _sum_into(target: str, parts: tuple[str, ...]):
    def post(frame, acc, keep, period, meta):
        have = [p for p in parts if p in frame.columns]
        if have and target not in frame.columns:
            vals = np.zeros(len(frame))
            for p in have:
                vals = vals + np.nan_to_num(frame[p].to_numpy(dtype="float64"))
            frame[target] = vals
        return frame

    return post


_TX_TYPES = {
    # de
    "bestellung": "Order", "erstattung": "Refund", "übertrag": "Transfer", "servicegebühr": "Service Fee",
    "anpassung": "Adjustment",
    # fr, it, es, nl
    "commande": "Order", "remboursement": "Refund", "transfert": "Transfer",
    "frais de service": "Service Fee",
    "ordine": "Order", "rimborso": "Refund", "trasferimento": "Transfer", "pedido": "Order",
    "reembolso": "Refund", "transferir": "Transfer", "bestelling": "Order", "terugbetaling": "Refund",
    "overdracht": "Transfer", "servicekosten": "Service Fee",
    # ja
    "注文": "Order", "返金": "Refund", "振込み": "Transfer", "調整": "Adjustment",
    "注文外料金": "Service Fee",
}


def _transactions_post(frame, acc, keep, period, meta):
    """Transaction types in English whatever the marketplace's language (kept as written otherwise)."""
    if "type" in frame.columns:
        t = frame["type"]
        mapped = t.str.strip().str.lower().map(_TX_TYPES)
        changed = mapped.notna().to_numpy()
        if changed.any():
            frame["type"] = mapped.where(mapped.notna(), t)
            acc.fix("io.fix.transaction_type", changed & keep)
    return frame


# --------------------------------------------------------------------------------------------------
# The layouts
# --------------------------------------------------------------------------------------------------
_B2B = (r" - b2b$", r"\bb2b\b")
_SP_7_14 = ("7 day total sales", "14 day total sales", "7 day total orders (#)", "14 day total orders (#)")
_SP_EXTRAS = {
    "acos": ("total advertising cost of sales (acos)",),
    "roas": ("total return on advertising spend (roas)",),
    "ctr": ("click-thru rate (ctr)", "click-through rate (ctr)"),
    "cpc": ("cost per click (cpc)",),
}
_SP_EXTRA_KINDS = {"acos": "pct", "roas": "float", "ctr": "pct", "cpc": "money"}
_TIME_COLS = ("date", "week", "month", "iso week of the year", "year month", "year week",
              "iso week of iso year", "nth day", "nth week", "nth month", "日期", "周", "月份", "年月")
_GA4_SOURCES = (
    "session primary channel group (default channel group)", "session source / medium",
    "session default channel group", "session primary channel group", "session source", "session medium",
    "session manual source / medium", "session manual source", "first user primary channel group "
    "(default channel group)", "first user default channel group", "first user source / medium",
    "default channel group",
    # GA4's Chinese UI (names from GA4 documentation and parsers; no real export seen)
    "会话主要渠道组(默认渠道组)", "会话默认渠道组", "带来会话的默认渠道组", "会话来源/媒介",
    "会话来源 / 媒介", "会话来源", "会话媒介", "首次用户主要渠道组(默认渠道组)", "首次用户默认渠道组",
    "首次用户来源/媒介",
)
_GA4_PAGES = ("landing page + query string", "landing page", "page path and screen class",
              "page path + query string", "着陆页 + 查询字符串", "着陆页", "网页路径和屏幕类")
_TX_EN = {
    "date": ("date/time",),
    "settlement_id": ("settlement id",),
    "type": ("type",),
    "order_id": ("order id",),
    "sku": ("sku",),
    "description": ("description",),
    "quantity": ("quantity",),
    "marketplace": ("marketplace",),
    "fulfillment": ("fulfillment", "fulfilment"),
    "product_sales": ("product sales",),
    "shipping_credits": ("shipping credits", "postage credits"),
    "gift_wrap_credits": ("gift wrap credits",),
    "promotional_rebates": ("promotional rebates",),
    "selling_fees": ("selling fees",),
    "fba_fees": ("fba fees",),
    "other_transaction_fees": ("other transaction fees",),
    "other": ("other",),
    "total": ("total",),
    "account_type": ("account type",),
    "product_sales_tax": ("product sales tax",),
    "shipping_credits_tax": ("shipping credits tax",),
    "gift_wrap_credits_tax": ("giftwrap credits tax", "gift wrap credits tax"),
    "promotional_rebates_tax": ("promotional rebates tax",),
    "marketplace_withheld_tax": ("marketplace withheld tax", "marketplace facilitator tax"),
    "sales_tax_collected": ("sales tax collected",),
    "regulatory_fee": ("regulatory fee",),
    "regulatory_fee_tax": ("tax on regulatory fee",),
    "transaction_status": ("transaction status",),
    "release_date": ("transaction release date",),
}
_TX_DE = {
    "date": ("datum/uhrzeit",), "settlement_id": ("abrechnungsnummer",), "type": ("typ",),
    "order_id": ("bestellnummer",), "sku": ("sku",), "description": ("beschreibung",), "quantity": ("menge",),
    "marketplace": ("marketplace",), "fulfillment": ("versand",), "product_sales": ("umsätze",),
    "product_sales_tax": ("produktumsatzsteuer",), "shipping_credits": ("gutschrift für versandkosten",),
    "shipping_credits_tax": ("steuer auf versandgutschrift",),
    "gift_wrap_credits": ("gutschrift für geschenkverpackung",),
    "gift_wrap_credits_tax": ("steuer auf geschenkverpackungsgutschriften",),
    "promotional_rebates": ("rabatte aus werbeaktionen",),
    "promotional_rebates_tax": ("steuer auf aktionsrabatte",),
    "marketplace_withheld_tax": ("einbehaltene steuer auf marketplace",),
    "selling_fees": ("verkaufsgebühren",), "fba_fees": ("gebühren zu versand durch amazon",),
    "other_transaction_fees": ("andere transaktionsgebühren",), "other": ("andere",), "total": ("gesamt",),
}
_TX_JA = {
    "date": ("日付/時間",), "settlement_id": ("決済番号",), "type": ("トランザクションの種類",),
    "order_id": ("注文番号",), "sku": ("sku",), "description": ("説明",), "quantity": ("数量",),
    "marketplace": ("amazon 出品サービス",), "fulfillment": ("フルフィルメント",),
    "product_sales": ("商品売上",),
    "product_sales_tax": ("商品の売上税",), "shipping_credits": ("配送料",),
    "shipping_credits_tax": ("配送料の税金",), "gift_wrap_credits": ("ギフト包装手数料",),
    "gift_wrap_credits_tax": ("ギフト包装クレジットの税金",), "points": ("amazonポイントの費用",),
    "promotional_rebates": ("プロモーション割引額",),
    "promotional_rebates_tax": ("プロモーション割引の税金",),
    "marketplace_withheld_tax": ("源泉徴収税を伴うマーケットプレイス",), "selling_fees": ("手数料",),
    "fba_fees": ("fba 手数料",), "other_transaction_fees": ("トランザクションに関するその他の手数料",),
    "other": ("その他",), "total": ("合計",), "transaction_status": ("トランザクションのステータス",),
    "release_date": ("トランザクション開始日",),
}
_TX_MONEY = ("product_sales_tax", "shipping_credits_tax", "gift_wrap_credits_tax", "promotional_rebates_tax",
             "marketplace_withheld_tax", "sales_tax_collected", "regulatory_fee", "regulatory_fee_tax",
             "points")
_TX_KINDS = {**{k: "money" for k in _TX_MONEY}, "account_type": "category", "transaction_status": "category",
             "release_date": "datetime"}

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
        # "Shipping" is what the buyer paid for delivery (order level), not the seller's shipping cost
        skip=("channel", "shipping_cost"),
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
            "customer_id": ("buyer-email",),
            "email": ("buyer-email",),
            "customer_name": ("buyer-name",),
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
        post=_per_unit("io.fix.amazon_line_total"),
    ),
    Layout(
        "amazon_order_report",
        "orders",
        signature=("order-id", "purchase-date", "item-price"),
        any_of=("buyer-email", "quantity-purchased", "order-item-id"),
        columns={
            "order_id": ("order-id",),
            "order_date": ("purchase-date",),
            "sku": ("sku",),
            "quantity": ("quantity-purchased", "quantity"),
            "unit_price": ("item-price",),
            "customer_id": ("buyer-email",),
            "email": ("buyer-email",),
            "customer_name": ("buyer-name",),
            "country": ("ship-country",),
            "channel": ("sales-channel",),
            "currency": ("currency",),
            "product_name": ("product-name",),
            "order_item_id": ("order-item-id",),
        },
        kinds={"order_item_id": "id"},
        skip=("customer_id", "email", "customer_name"),
        post=_per_unit("io.fix.amazon_line_total"),
    ),
    Layout(
        "woocommerce_orders",
        "orders",
        signature=("order number", "order date"),
        any_of=("order status", "item cost", "quantity (- refund)", "email (billing)", "item name"),
        columns={
            "order_id": ("order number",),
            "order_date": ("order date",),
            "status": ("order status",),
            "sku": ("sku",),
            "product_name": ("item name", "name"),
            "quantity": ("quantity (- refund)", "quantity"),
            "unit_price": ("item cost",),
            "customer_id": ("email (billing)", "customer user id"),
            "email": ("email (billing)",),
            "country": ("country code (shipping)", "country code (billing)"),
            "currency": ("currency",),
        },
        constants={"channel": "woocommerce"},
        skip=("channel",),
        pre=_woo_pre,
    ),
    Layout(
        "woocommerce_analytics",
        "orders",
        signature=("order #", "net sales"),
        any_of=("product(s)", "items sold"),
        columns={
            "order_id": ("order #",),
            "order_date": ("date",),
            "status": ("status",),
            "customer_id": ("customer",),
            "customer_name": ("customer",),
            "product_name": ("product(s)",),
            "quantity": ("items sold",),
            "unit_price": ("net sales",),
            "customer_type": ("customer type",),
        },
        kinds={"customer_type": "category"},
        constants={"channel": "woocommerce"},
        skip=("channel",),
        pre=_woo_analytics_pre,
        post=_per_unit("io.fix.order_total_per_unit"),
    ),
    Layout(
        "tiktok_orders",
        "orders",
        signature=("order id", "seller sku", "created time"),
        any_of=("sku unit original price", "order amount", "sku subtotal after discount"),
        columns={
            "order_id": ("order id",),
            "order_date": ("created time", "paid time"),
            "status": ("order status",),
            "sku": ("seller sku", "sku id"),
            "product_name": ("product name",),
            "quantity": ("quantity",),
            "unit_price": ("sku unit original price",),
            "customer_id": ("buyer username",),
            "country": ("country",),
            "subtotal_before_discount": ("sku subtotal before discount",),
            "seller_discount": ("sku seller discount",),
            "platform_discount": ("sku platform discount",),
            "subtotal_after_discount": ("sku subtotal after discount",),
            "returned_quantity": ("sku quantity of return",),
        },
        kinds={"subtotal_before_discount": "money", "seller_discount": "money", "platform_discount": "money",
               "subtotal_after_discount": "money", "returned_quantity": "int"},
        constants={"channel": "tiktok"},
        skip=("channel",),
        pre=_tiktok_pre,
        post=_tiktok_post,
    ),
    Layout(
        "shopee_orders",
        "orders",
        signature=("order id", "order creation date"),
        any_of=("deal price", "sku reference no.", "username (buyer)"),
        columns={
            "order_id": ("order id",),
            "order_date": ("order creation date", "order paid time"),
            "status": ("order status",),
            "sku": ("sku reference no.", "parent sku reference no."),
            "product_name": ("product name",),
            "quantity": ("quantity",),
            "unit_price": ("deal price", "original price"),
            "customer_id": ("username (buyer)",),
            "country": ("country",),
            "returned_quantity": ("returned quantity",),
            "cancel_reason": ("cancel reason",),
        },
        kinds={"returned_quantity": "int", "cancel_reason": "text"},
        constants={"channel": "shopee"},
        skip=("channel",),
    ),
    Layout(
        "aliexpress_orders",
        "orders",
        signature=("订单号", "产品总金额"),
        any_of=("订单金额", "收货国家", "买家名称"),
        columns={
            "order_id": ("订单号",),
            "order_date": ("下单时间", "付款时间"),
            "status": ("订单状态",),
            "customer_id": ("买家邮箱", "买家名称"),
            "email": ("买家邮箱",),
            "customer_name": ("买家名称",),
            "country": ("收货国家",),
            "unit_price": ("产品总金额",),
        },
        constants={"channel": "aliexpress"},
        skip=("channel", "sku", "quantity", "product_name"),
        split=_aliexpress_split,
        derives=("sku", "quantity"),
        post=_order_total_post,
        currency="USD",
    ),
    Layout(
        "erp_cn",
        "orders",
        signature=(("订单号", "平台订单号", "平台单号", "订单编号"),),
        any_of=("下单时间", "订单时间", "付款时间", "买家id", "数量", "单价", "店铺名称"),
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
            "buy_box_pct": ("featured offer (buy box) percentage", "featured offer percentage",
                            "buy box percentage"),
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
            "buy_box_pct": ("featured offer (buy box) percentage", "featured offer percentage",
                            "buy box percentage"),
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
        any_of=_SP_7_14,
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
            **_SP_EXTRAS,
        },
        kinds={"asin": "id", "ad_group": "text", "currency": "category", "portfolio": "text",
               **_SP_EXTRA_KINDS},
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
        "amazon_sp_search_terms",
        "search_terms",
        signature=("customer search term",),
        any_of=("campaign name", "campaign"),
        columns={
            "date": ("date", "start date", "date range"),
            "date_end": ("end date",),
            "campaign": ("campaign name",),
            "ad_group": ("ad group name",),
            "targeting": ("targeting", "keyword"),
            "match_type": ("match type",),
            "search_term": ("customer search term",),
            "impressions": ("impressions",),
            "clicks": ("clicks",),
            "spend": ("spend", "total cost", "cost"),
            "orders": ("7 day total orders (#)", "14 day total orders (#)", "purchases"),
            "sales": ("7 day total sales", "14 day total sales", "sales"),
            "units": ("7 day total units (#)", "14 day total units (#)", "units sold"),
            "portfolio": ("portfolio name",),
            "currency": ("currency",),
            "country": ("country",),
            **_SP_EXTRAS,
        },
        kinds={"country": "category", **_SP_EXTRA_KINDS},
        pre=_date_range_pre,
    ),
    Layout(
        "ga4_sessions",
        "traffic",
        signature=(("sessions", "会话数", "会话"),),
        any_of=(*_GA4_PAGES, *_GA4_SOURCES, "engaged sessions", "active users", "互动会话数", "活跃用户"),
        columns={
            "date": _TIME_COLS,
            "sku": _GA4_PAGES,
            "source": _GA4_SOURCES,
            "sessions": ("sessions", "会话数", "会话"),
            "page_views": ("views", "screen page views", "浏览次数", "浏览量"),
            "add_to_cart": ("add to carts", "add-to-carts", "加入购物车次数"),
            "orders": ("ecommerce purchases", "transactions", "purchases", "电子商务购买次数"),
            "bounce_rate": ("bounce rate", "跳出率"),
            "engagement_rate": ("engagement rate", "互动率"),
            "revenue": ("total revenue", "purchase revenue", "总收入"),
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
            "date": ("day", "date", "hour", "week", "month"),
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
    Layout(
        "amazon_fba_inventory",
        "inventory",
        signature=("sku", "afn-fulfillable-quantity"),
        columns={
            "sku": ("sku",),
            "on_hand": ("afn-fulfillable-quantity",),
            "reserved": ("afn-reserved-quantity",),
            "inbound_working": ("afn-inbound-working-quantity",),
            "inbound_shipped": ("afn-inbound-shipped-quantity",),
            "inbound_receiving": ("afn-inbound-receiving-quantity",),
            "unfulfillable": ("afn-unsellable-quantity",),
            "asin": ("asin",),
            "fnsku": ("fnsku",),
            "product_name": ("product-name",),
            "price": ("your-price",),
        },
        kinds={"inbound_working": "int", "inbound_shipped": "int", "inbound_receiving": "int",
               "unfulfillable": "int", "asin": "id", "fnsku": "id", "product_name": "text", "price": "money"},
        constants={"warehouse": "FBA"},
        skip=("warehouse", "inbound", "unit_cost"),
        post=_sum_into("inbound", ("inbound_working", "inbound_shipped", "inbound_receiving")),
    ),
    Layout(
        "amazon_restock",
        "inventory",
        signature=("merchant sku", "available"),
        any_of=("recommended replenishment qty", "inbound", "fc transfer", "units sold last 30 days"),
        columns={
            "sku": ("merchant sku",),
            "on_hand": ("available",),
            "inbound": ("inbound",),
            "fc_transfer": ("fc transfer",),
            "fc_processing": ("fc processing",),
            "customer_order": ("customer order",),
            "unfulfillable": ("unfulfillable",),
            "currency": ("currency code",),
            "price": ("price",),
            "units_sold_30d": ("units sold last 30 days",),
            "sales_30d": ("sales last 30 days",),
            "recommended_qty": ("recommended replenishment qty",),
            "recommended_ship_date": ("recommended ship date",),
            "alert": ("alert",),
            "asin": ("asin",),
            "fnsku": ("fnsku",),
            "product_name": ("product name",),
            "country": ("country",),
        },
        kinds={"fc_transfer": "int", "fc_processing": "int", "customer_order": "int", "unfulfillable": "int",
               "price": "money", "units_sold_30d": "int", "sales_30d": "money", "recommended_qty": "int",
               "recommended_ship_date": "date", "alert": "category", "asin": "id", "fnsku": "id",
               "product_name": "text", "country": "category"},
        constants={"warehouse": "FBA"},
        skip=("warehouse", "reserved", "unit_cost"),
        post=_sum_into("reserved", ("fc_transfer", "fc_processing", "customer_order")),
    ),
    Layout(
        "amazon_inventory_planning",
        "inventory",
        signature=("snapshot-date", "sku", "available"),
        columns={
            "date": ("snapshot-date",),
            "sku": ("sku",),
            "on_hand": ("available",),
            "inbound": ("inbound-quantity",),
            "reserved": ("reserved-quantity",),
            "currency": ("currency",),
            "marketplace": ("marketplace",),
            "units_shipped_t30": ("units-shipped-t30",),
            "price": ("your-price",),
            "days_of_supply": ("days-of-supply",),
            "asin": ("asin",),
            "fnsku": ("fnsku",),
            "product_name": ("product-name",),
        },
        kinds={"marketplace": "category", "units_shipped_t30": "int", "price": "money",
               "days_of_supply": "float", "asin": "id", "fnsku": "id", "product_name": "text"},
        constants={"warehouse": "FBA"},
        skip=("warehouse", "unit_cost"),
    ),
    Layout(
        "amazon_transactions",
        "transactions",
        signature=("date/time", "settlement id", "type", "total"),
        columns=_TX_EN,
        kinds=_TX_KINDS,
        post=_transactions_post,
    ),
    Layout(
        "amazon_transactions_de",
        "transactions",
        signature=("datum/uhrzeit", "abrechnungsnummer", "typ", "gesamt"),
        columns=_TX_DE,
        kinds=_TX_KINDS,
        post=_transactions_post,
    ),
    Layout(
        "amazon_transactions_ja",
        "transactions",
        signature=("日付/時間", "決済番号", "トランザクションの種類", "合計"),
        columns=_TX_JA,
        kinds=_TX_KINDS,
        post=_transactions_post,
    ),
)


def _alternatives(item: str | tuple[str, ...]) -> tuple[str, ...]:
    return item if isinstance(item, tuple) else (item,)


def known_headers(table: str) -> set[str]:
    """Every header a layout of ``table`` recognises (normalised), used to find the header row."""
    out: set[str] = set()
    for lay in LAYOUTS:
        if lay.table != table:
            continue
        for s in lay.signature:
            out.update(_alternatives(s))
        out.update(lay.any_of)
        for cands in lay.columns.values():
            out.update(cands)
    return {norm_header(h) for h in out}


def detect(table: str, headers: list[str]) -> Layout | None:
    """The first layout of ``table`` whose signature the headers carry (None: plain names).

    A header answers to a name in full or without its bracketed unit."""
    norm = {norm_header(h) for h in headers} | {base_header(h) for h in headers}

    def has(name: str) -> bool:
        return norm_header(name) in norm

    for lay in LAYOUTS:
        if lay.table != table:
            continue
        if not all(any(has(a) for a in _alternatives(s)) for s in lay.signature):
            continue
        if lay.any_of and not any(has(s) for s in lay.any_of):
            continue
        return lay
    return None
