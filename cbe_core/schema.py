"""Canonical tables: the contract every module of ``cbe_core`` works on.

A canonical frame has the columns named here (extra columns are allowed and kept), converted once by
``cbe_core.ingest`` to these kinds:

=========  ===========================================================================================
kind       pandas dtype after reading
=========  ===========================================================================================
id         ``str`` (trimmed; Excel guards such as ``="00123"`` removed; never parsed as a number)
text       ``str``
category   ``str`` (trimmed)
datetime   ``datetime64[ns]``, naive, the *local wall-clock* time written in the file (a UTC offset is
           dropped, not converted: an order placed 01:30 +0800 stays on that day)
date       ``datetime64[ns]`` normalised to midnight
int        ``int64`` (``Int64`` when the column is optional and has gaps)
float      ``float64``
money      ``float64`` (currency symbols, thousands separators and decimal commas removed)
pct        ``float64`` as a fraction (``"12.5%"`` -> 0.125; a bare ``12.5`` in a pct column -> 0.125)
bool       ``bool`` (true/false/yes/no/1/0/是/否)
=========  ===========================================================================================

Header synonyms (English, Chinese, platform exports) let ``cbe_core.ingest`` map headers without asking.
Platform layouts whose *meaning* differs from the name (an Amazon order report's ``item-price`` is the
line total, not the unit price) live in ``cbe_core.ingest.layouts``, not here.

Orders conventions (all modules rely on them):
- one row per order line; ``quantity < 0`` is a return line; ``unit_price`` is per unit, tax excluded
  when the export says so;
- the reader adds ``cancelled`` (bool): status words such as cancelled/voided/refunded/已取消/已退款, or an
  Online-Retail-style invoice number starting with ``C``. Cancelled lines stay in the frame (so they
  can be reported) and are excluded from sales by :func:`sales_lines`;
- ``unit_cost`` is per unit; ``shipping_cost`` and ``platform_fee`` are totals for the line.

Traffic and ads rows may cover a period instead of a day: ``date`` is the first day and ``date_end``
the last day (inclusive). Readers set ``date_end = date`` for daily rows.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("id", "text", "category", "datetime", "date", "int", "float", "money", "pct", "bool")

MODES = ("postal", "dedicated_line", "express", "overseas_warehouse", "fba")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    help: str = ""

    def __post_init__(self) -> None:  # pragma: no cover - guards the literal tables below
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r} for column {self.name!r}")


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    help: str = ""

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.required)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def C(name: str, kind: str, required: bool = False, *synonyms: str, help: str = "") -> Column:
    return Column(name, kind, required, tuple(synonyms), help)


ORDERS = Table(
    "orders",
    (
        C("order_id", "id", True, "order id", "order number", "order no", "order", "name", "invoice",
          "invoiceno", "invoice no", "amazon-order-id", "order-id", "订单号", "订单编号", "订单id", "单号",
          "平台订单号", "系统订单号", "訂單編號", "order number"),
        C("order_date", "datetime", True, "date", "order date", "created at", "created", "purchase-date",
          "purchase date", "invoicedate", "invoice date", "paid at", "下单时间", "订单时间", "付款时间",
          "创建时间", "日期", "订单日期", "下单日期", "支付时间", "訂單成立日期", "訂單成立時間",
          "order creation date", "created time"),
        C("sku", "id", True, "lineitem sku", "stockcode", "stock code", "product id", "seller sku",
          "seller-sku", "商品编码", "商品sku", "sku编码", "产品编码", "货号", "平台sku", "商品编号",
          "通途sku", "商家编码", "商品選項貨號", "主商品貨號", "sku reference no.", "merchant sku"),
        C("quantity", "int", True, "qty", "lineitem quantity", "quantity-purchased", "quantity purchased",
          "units", "数量", "购买数量", "商品数量", "销量", "數量", "产品数量"),
        C("unit_price", "money", True, "price", "lineitem price", "unit price", "sale price", "单价",
          "商品单价", "销售单价", "售价", "商品活動價格", "deal price", "item cost"),
        C("customer_id", "id", False, "customer", "customer id", "customer_id", "buyer id", "buyer",
          "email", "customer email", "买家id", "买家", "客户id", "客户编号", "会员id", "买家账号", "客户",
          "buyer-email", "buyer username", "username (buyer)", "买家邮箱", "买家名称",
          help="absent in Amazon order reports: customer pages then say which file they need"),
        C("country", "category", False, "shipping country", "ship-country", "ship country", "country code",
          "国家", "收货国家", "目的国", "国家/地区"),
        C("channel", "category", False, "platform", "marketplace", "sales channel", "sales-channel",
          "source", "渠道", "平台", "销售渠道", "店铺"),
        C("status", "category", False, "financial status", "order status", "order-status",
          "fulfillment status", "订单状态", "状态", "訂單狀態"),
        C("currency", "category", False, "货币", "币种"),
        C("unit_cost", "money", False, "cost", "cogs", "unit cost", "成本", "采购成本", "单位成本", "成本价"),
        C("shipping_cost", "money", False, "shipping", "shipping cost", "运费", "物流费", "物流成本",
          help="line total"),
        C("platform_fee", "money", False, "fee", "fees", "platform fee", "commission", "平台费", "佣金",
          "平台佣金", help="line total"),
        C("email", "text", False, "customer email", "buyer-email", "邮箱", "电子邮件", "买家邮箱",
          "email (billing)"),
        C("customer_name", "text", False, "billing name", "buyer-name", "customer name", "买家姓名",
          "收货人", "客户名称", "买家名称"),
        C("product_name", "text", False, "lineitem name", "description", "product-name", "title",
          "商品名称", "产品名称"),
        C("traffic_source", "category", False, "traffic source", "utm source", "utm_source",
          "流量来源", "来源渠道", help="traffic source of the order (cohorts by first traffic source)"),
    ),
    "one row per order line",
)

TRAFFIC = Table(
    "traffic",
    (
        C("date", "date", True, "day", "日期", "date range", "统计日期", "week", "month", "周", "月份"),
        C("sku", "id", True, "seller sku", "商品编码", "sku编码", "landing page", "page path"),
        C("source", "category", True, "traffic source", "referrer", "channel", "session source",
          "流量来源", "来源", "渠道", "session primary channel group (default channel group)",
          "session default channel group", "session source / medium", "default channel group",
          "会话默认渠道组", "会话来源/媒介", "会话主要渠道组(默认渠道组)"),
        C("sessions", "int", True, "visits", "访客数", "会话数", "访问量", "sessions - total"),
        C("page_views", "int", False, "pageviews", "page views", "浏览量", "页面浏览量",
          "page views - total"),
        C("bounces", "int", False, "跳出次数", "跳出数"),
        C("add_to_cart", "int", False, "add to cart", "added to cart", "加购数", "加购次数", "加入购物车"),
        C("orders", "int", False, "订单数", "total order items"),
        C("units", "int", False, "units ordered", "销量", "件数"),
        C("date_end", "date", False, help="last day covered by the row (period reports)"),
    ),
    "per day (or period), sku and traffic source",
)

ADS = Table(
    "ads",
    (
        C("date", "date", True, "day", "日期", "start date"),
        C("campaign", "text", True, "campaign name", "campaigns", "广告活动", "广告活动名称", "广告计划"),
        C("spend", "money", True, "cost", "total cost", "花费", "广告花费", "支出"),
        C("clicks", "int", True, "点击", "点击量", "点击次数"),
        C("impressions", "int", True, "曝光", "曝光量", "展示次数", "展现量"),
        C("ad_orders", "int", True, "orders", "purchases", "7 day total orders (#)", "广告订单",
          "广告订单数"),
        C("ad_sales", "money", True, "sales", "7 day total sales", "广告销售额", "广告销售"),
        C("sku", "id", False, "advertised sku", "advertised product sku", "广告sku"),
        C("ad_units", "int", False, "units sold", "7 day total units (#)"),
        C("date_end", "date", False, help="last day covered by the row (period reports)"),
    ),
    "per day (or period) and campaign",
)

PRODUCTS = Table(
    "products",
    (
        C("sku", "id", True, "seller sku", "商品编码", "sku编码", "货号"),
        C("name", "text", True, "title", "product name", "商品名称", "产品名称", "品名"),
        C("category", "category", True, "类目", "品类", "分类", "商品类目"),
        C("price", "money", True, "list price", "售价", "价格", "销售价"),
        C("unit_cost", "money", True, "cost", "cogs", "成本", "采购成本", "成本价"),
        C("weight_kg", "float", False, "weight", "重量", "重量(kg)", "毛重"),
        C("length_cm", "float", False, "length", "长", "长(cm)"),
        C("width_cm", "float", False, "width", "宽", "宽(cm)"),
        C("height_cm", "float", False, "height", "高", "高(cm)"),
        # Listing text (optional; read by cbe_core.ads.listing for keyword coverage). ``name`` is the title.
        C("bullet_points", "text", False, "bullet points", "bullet point", "bullet_point",
          "key product features", "五点描述", "卖点", "产品卖点"),
        C("description", "text", False, "product description", "product_description", "item-description",
          "item description", "商品描述", "产品描述"),
        C("search_terms_backend", "text", False, "backend search terms", "generic keywords",
          "generic_keywords", "search terms", "backend keywords", "后台搜索词", "后台关键词", "搜索关键词"),
    ),
    "one row per sku",
)

COMPETITORS = Table(
    "competitors",
    (
        C("date", "date", True, "snapshot date", "日期", "抓取日期"),
        C("product_id", "id", True, "asin", "listing id", "商品id", "竞品id"),
        C("brand", "text", True, "品牌", "店铺"),
        C("is_own", "bool", True, "own", "ours", "是否自有", "自有"),
        C("price", "money", True, "售价", "价格", "current price"),
        C("list_price", "money", False, "was price", "原价", "划线价"),
        C("rating", "float", False, "stars", "评分", "星级"),
        C("review_count", "int", False, "reviews", "ratings", "评论数", "评价数"),
        C("est_monthly_units", "int", False, "monthly sales", "est. monthly sales", "月销量", "预估月销量"),
        C("category", "category", False, "类目", "品类"),
        C("sku", "id", False, help="own sku for own products"),
        C("title", "text", False, "name", "标题", "商品名称"),
    ),
    "competitor snapshots: one row per product and date",
)

REVIEWS = Table(
    "reviews",
    (
        C("product_id", "id", True, "asin", "商品id"),
        C("date", "date", True, "review date", "日期", "评论时间"),
        C("rating", "float", True, "stars", "评分", "星级"),
        C("text", "text", True, "review", "body", "content", "review text", "评论", "评论内容", "内容"),
    ),
    "one row per review",
)

# Shipping tables, designed for cbe_core.logistics. One rate_cards row is one service to one
# destination (or one weight band of it: several rows with the same service and dest and increasing
# band_max_kg; the row whose band_max_kg is the smallest >= the chargeable weight applies).
# Pricing schemes (all money in the card's currency, USD in the bundled defaults):
#   per_kg       price = per_parcel_fee + per_kg_price * chargeable_kg
#   first_extra  price = per_parcel_fee + first_weight_price
#                        + ceil((kg - first_weight_kg) / extra_weight_step_kg) * extra_weight_price
# chargeable_kg = max(actual, L*W*H / volumetric_divisor, min_chargeable_kg) rounded up to rounding_kg.
# overseas_warehouse and fba rows price the unit instead: first leg (per kg or per CBM, plus a fixed
# fee per inbound shipment shared over its units) + storage + pick & pack + last mile / fulfilment fee
# (fba rows without fulfilment_fee use cbe_core/data/fba_fees.csv). transit_days_* is the time to the
# buyer; lead_days_* the inbound time to the warehouse (for reorder points).
RATE_CARDS = Table(
    "rate_cards",
    (
        C("service", "text", True, "服务", "渠道名称", "物流渠道"),
        C("mode", "category", True, "方式", "物流方式", help="one of " + ", ".join(MODES)),
        C("dest", "category", True, "destination", "country", "目的国", "国家"),
        C("pricing", "category", False, "计价方式", help="per_kg or first_extra"),
        C("currency", "category", False, "币种"),
        C("per_kg_price", "money", False, "price per kg", "每公斤价格", "公斤价"),
        C("per_parcel_fee", "money", False, "registration fee", "handling fee", "挂号费", "处理费"),
        C("first_weight_kg", "float", False, "首重"),
        C("first_weight_price", "money", False, "首重价格"),
        C("extra_weight_step_kg", "float", False, "续重单位"),
        C("extra_weight_price", "money", False, "续重价格"),
        C("band_max_kg", "float", False, "weight band", "重量段"),
        C("min_chargeable_kg", "float", False, "最低计费重"),
        C("rounding_kg", "float", False, "rounding increment", "进位"),
        C("volumetric_divisor", "float", False, "dim divisor", "材积除数", "抛重系数"),
        C("max_weight_kg", "float", False, "限重"),
        C("max_side_cm", "float", False, "最长边"),
        C("max_sum_sides_cm", "float", False, "三边和"),
        C("transit_days_min", "float", False, "时效下限"),
        C("transit_days_max", "float", False, "时效上限"),
        C("loss_rate", "pct", False, "丢件率"),
        C("first_leg_per_kg", "money", False, "头程每公斤"),
        C("first_leg_per_cbm", "money", False, "头程每立方"),
        C("first_leg_fixed", "money", False, "头程固定费",
          help="per inbound shipment, shared over its units"),
        C("lead_days_min", "float", False, "头程时效下限"),
        C("lead_days_max", "float", False, "头程时效上限"),
        C("storage_per_cbm_month", "money", False, "仓储费"),
        C("storage_peak_per_cbm_month", "money", False, "旺季仓储费", help="October to December"),
        C("pick_pack_fee", "money", False, "操作费"),
        C("last_mile_fee", "money", False, "尾程费"),
        C("fulfilment_fee", "money", False, "fba fee", "配送费"),
        C("source", "text", False, "来源"),
        C("confidence", "category", False, "可信度", help="official / secondary / weak / illustrative"),
        C("as_of", "date", False, "有效日期"),
    ),
    "shipping rate cards: one row per service and destination (or weight band)",
)

SHIPMENTS = Table(
    "shipments",
    (
        C("shipment_id", "id", True, "tracking number", "tracking", "运单号", "跟踪号"),
        C("carrier", "text", True, "物流商", "承运商"),
        C("ship_date", "datetime", True, "shipped at", "发货时间", "发货日期"),
        C("status", "category", True, "物流状态", "状态"),
        C("delivery_date", "datetime", False, "delivered at", "签收时间", "妥投时间"),
        C("service", "text", False, "物流渠道", "渠道"),
        C("mode", "category", False, "物流方式"),
        C("dest", "category", False, "country", "目的国"),
        C("order_id", "id", False, "订单号"),
        C("promised_days", "float", False, "承诺时效"),
        C("cost", "money", False, "运费", "物流费"),
        C("weight_kg", "float", False, "重量"),
        C("cs_response_hours", "float", False, "客服响应时长", "response hours"),
    ),
    "shipment history: one row per parcel; status delivered / lost / returned / in_transit",
)

# Amazon Sponsored Products "Search term" report (and its peers): one row per day (or period), campaign,
# ad group, targeting and customer search term. Real headers: "Customer Search Term",
# "7 Day Total Orders (#)", "7 Day Total Sales " (with Amazon's trailing space), "14 Day Total Sales (₹)"
# (see tests/data/layouts/).
SEARCH_TERMS = Table(
    "search_terms",
    (
        C("date", "date", True, "day", "start date", "日期", "开始日期"),
        C("campaign", "text", True, "campaign name", "广告活动", "广告活动名称", "广告计划"),
        C("search_term", "text", True, "customer search term", "search term", "客户搜索词", "搜索词",
          "用户搜索词"),
        C("impressions", "int", True, "曝光", "曝光量", "展示次数", "展现量"),
        C("clicks", "int", True, "点击", "点击量", "点击次数"),
        C("spend", "money", True, "cost", "total cost", "花费", "广告花费", "支出"),
        C("orders", "int", True, "7 day total orders (#)", "14 day total orders (#)", "purchases",
          "广告订单", "广告订单数", "订单数"),
        C("sales", "money", True, "7 day total sales", "14 day total sales", "广告销售额", "销售额"),
        C("ad_group", "text", False, "ad group name", "ad group", "广告组", "广告组名称"),
        C("targeting", "text", False, "keyword", "keyword text", "投放", "关键词", "投放词"),
        C("match_type", "category", False, "匹配类型"),
        C("units", "int", False, "7 day total units (#)", "14 day total units (#)", "units", "广告销量"),
        C("sku", "id", False, "advertised sku", "广告sku"),
        C("portfolio", "text", False, "portfolio name", "广告组合"),
        C("currency", "category", False, "货币", "币种"),
        C("date_end", "date", False, "end date", "结束日期",
          help="last day covered by the row (period reports)"),
    ),
    "per day (or period), campaign, ad group, targeting and customer search term",
)

# Stock per day (snapshot), SKU and warehouse: FBA, an overseas warehouse, the home warehouse.
INVENTORY = Table(
    "inventory",
    (
        C("date", "date", True, "snapshot date", "snapshot-date", "as of", "日期", "库存日期", "统计日期"),
        C("sku", "id", True, "seller sku", "seller-sku", "merchant sku", "商品编码", "sku编码", "货号"),
        C("on_hand", "int", True, "available", "afn-fulfillable-quantity", "fulfillable", "quantity",
          "可用库存", "可售库存", "在库", "库存"),
        C("warehouse", "category", False, "fulfillment center", "仓库", "仓库名称",
          help="FBA, an overseas warehouse, the home warehouse"),
        C("inbound", "int", False, "inbound quantity", "inbound-quantity", "在途", "在途库存"),
        C("reserved", "int", False, "reserved quantity", "reserved-quantity", "afn-reserved-quantity",
          "预留", "预留库存"),
        C("unit_cost", "money", False, "cost", "成本", "采购成本"),
    ),
    "stock on hand, inbound and reserved per day (snapshot), sku and warehouse",
)

# Payment transactions (Amazon's Payments "Date Range Report"): one row per order, refund, fee,
# adjustment or transfer, amounts in the marketplace's currency; negative amounts are charges.
TRANSACTIONS = Table(
    "transactions",
    (
        C("date", "datetime", True, "date/time", "posted date", "日期", "时间"),
        C("type", "category", True, "transaction type", "类型", "交易类型"),
        C("total", "money", True, "amount", "合计", "总计"),
        C("order_id", "id", False, "order id", "订单号"),
        C("sku", "id", False, "商品编码"),
        C("description", "text", False, "描述"),
        C("quantity", "int", False, "数量"),
        C("marketplace", "category", False, "站点"),
        C("fulfillment", "category", False, "fulfilment", "配送方式"),
        C("product_sales", "money", False, "商品销售额"),
        C("shipping_credits", "money", False, "postage credits", "运费抵扣"),
        C("gift_wrap_credits", "money", False, "礼品包装抵扣"),
        C("promotional_rebates", "money", False, "促销返点"),
        C("selling_fees", "money", False, "销售佣金"),
        C("fba_fees", "money", False, "fba 费用"),
        C("other_transaction_fees", "money", False, "其他交易费用"),
        C("other", "money", False, "其他"),
        C("settlement_id", "id", False, "结算编号"),
        C("currency", "category", False, "货币", "币种"),
    ),
    "payment transactions: one row per order, refund, fee, adjustment or transfer",
)

# The seller's own exchange rates (they win over the European Central Bank reference rates; see
# cbe_core.ingest.currency): one unit of ``currency`` is worth ``rate`` units of ``base`` from ``date``
# until the next row of that pair (``USD, 7.10, CNY``: 1 USD = 7.10 CNY). Without a base column the
# rates are to the reporting currency.
FX_RATES = Table(
    "fx_rates",
    (
        C("date", "date", True, "rate date", "as of", "日期", "汇率日期"),
        C("currency", "category", True, "from currency", "from", "币种", "货币", "原币", "原币种"),
        C("rate", "float", True, "exchange rate", "fx rate", "汇率"),
        C("base", "category", False, "to currency", "to", "base currency", "本位币", "目标币种",
          help="the currency the rate is in (default: the reporting currency)"),
        C("source", "text", False, "来源"),
    ),
    "exchange rates: the value of one unit of a currency in a base currency, per date",
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (ORDERS, TRAFFIC, ADS, PRODUCTS, COMPETITORS, REVIEWS, RATE_CARDS, SHIPMENTS, SEARCH_TERMS,
              INVENTORY, TRANSACTIONS, FX_RATES)
}


def get_table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        from .errors import DataError

        raise DataError("err.unknown_table", table=name, tables=", ".join(TABLES)) from None


def sales_lines(orders):
    """Lines that count as sales: not cancelled, quantity > 0 and unit_price > 0."""
    mask = (orders["quantity"] > 0) & (orders["unit_price"] > 0)
    if "cancelled" in orders.columns:
        mask &= ~orders["cancelled"]
    return orders.loc[mask]


def has_customers(orders) -> bool:
    """True when the orders carry customer ids (Amazon order reports do not)."""
    return "customer_id" in orders.columns and bool(orders["customer_id"].notna().any())
