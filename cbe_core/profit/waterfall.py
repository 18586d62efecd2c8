"""Profit per SKU, per channel and for the store: the waterfall from gross sales to net profit.

For a period ``start..end`` (inclusive), every figure is a sum over one *cell* (SKU x channel), in
whole cents, so the parts add up to the net exactly and the store is the sum of its SKUs:

``net = gross_sales - discounts - refunds - fees - shipping - cogs - ads - other``

- ``gross_sales``: quantity x unit price of the sales lines ordered in the period
  (:func:`cbe_core.schema.sales_lines`), plus the shipping and gift-wrap credits of the Date Range
  Report's order rows.
- ``discounts``: the orders' ``discount`` column (line total), or the report's promotional rebates.
- ``refunds``: money given back to buyers, by the order's date or by the refund's date
  (``refunds_by``): the orders' return lines (negative quantity) x unit price, or the report's refund
  rows (product sales + shipping + gift wrap refunded, which also covers refunds without a return).
- ``fees`` (platform): per order from the report (selling fees -> referral, FBA fees -> fulfilment,
  other transaction fees and "other" -> other); else the orders' ``platform_fee``; else an
  **estimate** from the cited fee table (:mod:`.fees`: referral, payment, refund administration) and,
  for Amazon lines that carry no shipping cost, the FBA fulfilment fee of the size tier
  (:func:`cbe_core.logistics.fba_fee`, Amazon lines assumed fulfilled by Amazon).
- ``shipping``: the orders' ``shipping_cost`` (what the seller paid carriers). A line whose FBA fee
  comes from the report does not count its ``shipping_cost`` again (ERP exports put the FBA fee there).
- ``cogs``: units x landed unit cost = unit cost (orders, else products) + first leg + duty per unit
  from the Logistics module (:func:`landed_costs`) where the product carries weight and dimensions
  (``landed="auto"``), else the unit cost alone (``landed="unit_cost"``: the cost is already landed).
  Returned units are written off unless ``returns_resold`` (a share) goes back to stock.
- ``ads``: spend of the ads rows in the period (period rows pro rata by day); rows naming a SKU go to
  it, the rest is spread over the cells by gross sales (stated in the notes).
- ``other``: the seller's monthly costs (``other_costs``: ``month``, ``amount``, optional ``sku`` and
  ``label``; pro rata by day) and the report's rows that belong to no order (subscription, storage,
  adjustments), spread over the cells by gross sales (stated).

Every figure carries its source, the weakest of its parts: ``report`` (read from the seller's files),
``computed`` (our arithmetic on them: a spread, units x unit cost) or ``estimate`` (from a cited
default table). ``margin`` = net / gross sales; ``net_per_unit`` = net / units sold.

Break-even price (per unit): with ``v`` = (discounts + refunds + referral, payment, refund
administration and platform fees) / gross sales, the costs that move with the price, and ``F`` the
others (fulfilment and other fees, shipping, cost of goods, ads, other costs),
``break_even_price = F / (units x (1 - v))``: the average gross sales per unit at which net = 0 with
the same units sold (no demand response assumed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import DataError
from ..i18n import t
from . import fees as feetab
from ._alloc import allocate, to_cents

COMPONENTS = ("gross_sales", "discounts", "refunds", "fees", "shipping", "cogs", "ads", "other")
COSTS = COMPONENTS[1:]
FEE_PARTS = ("fee_referral", "fee_fulfilment", "fee_payment", "fee_refund_admin", "fee_platform", "fee_other")
PRICE_LINKED_FEES = ("fee_referral", "fee_payment", "fee_refund_admin", "fee_platform")
SOURCES = ("report", "computed", "estimate")
REFUNDS_BY = ("order_date", "refund_date")
LANDED = ("auto", "unit_cost")
REPORT, COMPUTED, ESTIMATE = 0, 1, 2
STORE_SKU = "(store)"
_TX_MONEY = (
    "product_sales",
    "shipping_credits",
    "gift_wrap_credits",
    "promotional_rebates",
    "selling_fees",
    "fba_fees",
    "other_transaction_fees",
    "other",
)
# transaction type words (Amazon Date Range Report in English, German, French, Spanish, Italian, Chinese)
_TX_KINDS = (
    ("transfer", r"transfer|übertrag|virement|transferencia|trasferimento|转账|转帐"),
    ("refund", r"refund|erstattung|rückerstattung|rembourse|reembolso|rimborso|退款"),
    ("order", r"^\s*(?:order|bestellung|commande|pedido|ordine)\s*$|订单"),
)
Note = tuple[str, Mapping[str, object]]


@dataclass(frozen=True)
class ProfitResult:
    """The waterfall for ``start..end``. Tables (money as float with whole cents):

    - ``cells``: one row per SKU x channel: ``sku, channel, units, returned_units`` + COMPONENTS +
      FEE_PARTS + ``net`` + ``src_<component>`` (source rank 0 report, 1 computed, 2 estimate, -1
      nothing);
    - ``by_sku`` / ``by_channel``: the same summed, with ``margin``, ``net_per_unit``,
      ``refund_rate``, ``avg_price``, ``break_even_price``, ``cost_missing_units`` (SKU table) and the
      sources as words (``source_<component>``);
    - ``store``: the store's totals (same keys) and ``sources`` (component -> word).
    """

    start: pd.Timestamp
    end: pd.Timestamp
    currency: str
    refunds_by: str
    cells: pd.DataFrame
    by_sku: pd.DataFrame
    by_channel: pd.DataFrame
    store: Mapping[str, object]
    notes: tuple[Note, ...] = ()
    params: Mapping[str, object] = field(default_factory=dict)

    def waterfall(self, sku: str | None = None, channel: str | None = None) -> pd.DataFrame:
        """Steps for a waterfall chart: ``step`` (component or ``net``), ``amount`` (signed: costs
        negative), ``start``/``end`` of the bar, ``source`` (word). For the store, one SKU or one
        channel."""
        if sku is not None:
            row = self.by_sku.loc[self.by_sku["sku"] == str(sku)]
        elif channel is not None:
            row = self.by_channel.loc[self.by_channel["channel"] == str(channel)]
        else:
            row = None
        if row is not None and row.empty:
            raise DataError("err.profit.unknown_slice", value=str(sku if sku is not None else channel))
        values = self.store if row is None else row.iloc[0].to_dict()
        sources = (
            self.store["sources"]
            if row is None
            else {c: (v if isinstance(v := values.get(f"source_{c}"), str) else None) for c in COMPONENTS}
        )
        steps, level = [], 0.0
        for c in COMPONENTS:
            v = float(values[c])
            amount = (v if c == "gross_sales" else -v) + 0.0  # + 0.0: no negative zero
            steps.append(
                {"step": c, "amount": amount, "start": level, "end": level + amount, "source": sources.get(c)}
            )
            level += amount
        steps.append(
            {
                "step": "net",
                "amount": float(values["net"]),
                "start": 0.0,
                "end": float(values["net"]),
                "source": _weakest_word(sources.values()),
            }
        )
        return pd.DataFrame(steps)

    def note_texts(self, lang: str = "en") -> list[str]:
        return [t(key, lang, **dict(params)) for key, params in self.notes]

    def to_json(self, lang: str = "en") -> dict[str, object]:
        """``{"period", "currency", "refunds_by", "store": {...}, "channels": [...], "skus": [...],
        "notes": [...]}``; money rounded to cents, sources as words."""
        keys = (*COMPONENTS[:-1], "other", "net", "margin", "units", "returned_units", "net_per_unit")

        def pack(row: Mapping[str, object], extra=()) -> dict[str, object]:
            out = {k: _json_num(row.get(k)) for k in (*keys, *extra)}
            out["source"] = {
                c: row[f"source_{c}"] for c in COMPONENTS if isinstance(row.get(f"source_{c}"), str)
            }
            return out

        store = {k: _json_num(self.store.get(k)) for k in keys}
        store["source"] = {k: v for k, v in self.store["sources"].items() if v}
        skus = []
        for row in self.by_sku.to_dict("records"):
            item = {"sku": row["sku"]}
            item.update(pack(row, ("refund_rate", "avg_price", "break_even_price")))
            skus.append(item)
        channels = []
        for row in self.by_channel.to_dict("records"):
            item = {"channel": row["channel"]}
            item.update(pack(row))
            channels.append(item)
        return {
            "period": {"start": self.start.strftime("%Y-%m-%d"), "end": self.end.strftime("%Y-%m-%d")},
            "currency": self.currency,
            "refunds_by": self.refunds_by,
            "store": store,
            "channels": channels,
            "skus": skus,
            "notes": self.note_texts(lang),
        }


def _json_num(v):
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    return round(f, 4) if np.isfinite(f) else None


def _weakest_word(words) -> str | None:
    ranks = [SOURCES.index(w) for w in words if w in SOURCES]
    return SOURCES[max(ranks)] if ranks else None


# --------------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------------
def _num(frame: pd.DataFrame, col: str, default: float = np.nan) -> np.ndarray:
    if frame is None or col not in frame.columns:
        return np.full(0 if frame is None else len(frame), default)
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _days(values) -> np.ndarray:
    """Day numbers (int64 days since 1970) of datetimes; NaT -> int64 min."""
    d = pd.to_datetime(pd.Series(values)).to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    out = d.astype(np.int64)
    out[np.isnat(d)] = np.iinfo(np.int64).min
    return out


def _check(orders: pd.DataFrame, refunds_by: str, landed: str, returns_resold: float) -> None:
    if orders is None or not isinstance(orders, pd.DataFrame):
        raise DataError("err.profit.no_orders")
    missing = [c for c in ("order_id", "order_date", "sku", "quantity", "unit_price") if c not in orders]
    if missing:
        raise DataError("err.profit.missing_columns", table="orders", columns=", ".join(missing))
    if refunds_by not in REFUNDS_BY:
        raise DataError("err.profit.refunds_by", value=refunds_by, choices=", ".join(REFUNDS_BY))
    if landed not in LANDED:
        raise DataError("err.profit.landed", value=landed, choices=", ".join(LANDED))
    if not 0.0 <= float(returns_resold) <= 1.0:
        raise DataError("err.profit.share", name="returns_resold", value=returns_resold)


def transaction_kind(types, descriptions=None) -> np.ndarray:
    """``order`` / ``refund`` / ``transfer`` / ``advertising`` / ``other`` per transaction type word
    (English, German, French, Spanish, Italian, Chinese reports); ``advertising`` is a fee row whose
    description names advertising (Amazon bills Sponsored Products this way when not by card)."""
    s = pd.Series(types, dtype="str").fillna("").str.lower()
    out = np.full(len(s), "other", dtype=object)
    for kind, pattern in _TX_KINDS[::-1]:
        out[s.str.contains(pattern, regex=True).to_numpy()] = kind
    if descriptions is not None:
        d = pd.Series(descriptions, dtype="str").fillna("").str.lower()
        ad = d.str.contains(r"advertis|sponsored|广告|werbung|publicit", regex=True).to_numpy()
        out[ad & (out == "other")] = "advertising"
    return out


def landed_costs(
    products: pd.DataFrame,
    *,
    dest: str = "US",
    route: str | None = None,
    cards: pd.DataFrame | None = None,
    on=None,
    base_duty_rate: float = 0.0,
    units_per_month: float = 300.0,
) -> tuple[pd.DataFrame, str | None]:
    """First leg and duty per unit for each product with a unit cost, weight and dimensions, from
    :func:`cbe_core.logistics.quote_many` on the stock route ``route`` (a rate-card service; default
    the sea route to FBA, else the first overseas-warehouse service) to ``dest`` on date ``on``. The
    customs value is the unit cost (a bulk import is declared at its purchase price, not the retail
    price). Returns (``sku, first_leg, duty, addon``, the route used); an empty frame when no product
    qualifies or the market has no stock route. **An estimate** (rate cards and duty rules)."""
    from .. import logistics as lg

    empty = pd.DataFrame(columns=["sku", "first_leg", "duty", "addon"])
    need = ("sku", "unit_cost", "weight_kg", "length_cm", "width_cm", "height_cm")
    if products is None or any(c not in products.columns for c in need):
        return empty, None
    p = products[list(need)].drop_duplicates("sku").copy()
    num = p[list(need[1:])].apply(pd.to_numeric, errors="coerce")
    ok = (num > 0).all(axis=1) & np.isfinite(num).all(axis=1)
    p = p.loc[ok.to_numpy()]
    if p.empty:
        return empty, None
    cards = lg.check_rate_cards(lg.default_rate_cards() if cards is None else cards)
    stock = cards.loc[(cards["dest"] == str(dest).upper()) & cards["mode"].isin(lg.STOCK_MODES)]
    if stock.empty:
        return empty, None
    services = list(dict.fromkeys(stock["service"]))
    if route is None:
        sea = [
            s
            for s in services
            if "sea" in s.lower() and (stock.loc[stock["service"] == s, "mode"] == "fba").any()
        ]
        route = sea[0] if sea else services[0]
    elif route not in services:
        raise DataError("err.profit.route", route=route, routes=", ".join(services))
    prods = pd.DataFrame(
        {
            "sku": p["sku"].astype("str"),
            "weight_kg": num.loc[ok, "weight_kg"],
            "length_cm": num.loc[ok, "length_cm"],
            "width_cm": num.loc[ok, "width_cm"],
            "height_cm": num.loc[ok, "height_cm"],
            "price": num.loc[ok, "unit_cost"],
            "unit_cost": num.loc[ok, "unit_cost"],
        }
    )
    q = lg.quote_many(
        stock.loc[stock["service"] == route],
        prods,
        dest,
        on=on,
        base_duty_rate=base_duty_rate,
        units_per_month=units_per_month,
    )
    q = q.loc[q["feasible"]]
    out = pd.DataFrame(
        {"sku": q["sku"].astype("str"), "first_leg": q["first_leg"].to_numpy(), "duty": q["duty"].to_numpy()}
    )
    out["addon"] = out["first_leg"] + out["duty"]
    return out.reset_index(drop=True), route


# --------------------------------------------------------------------------------------------------
# The ledger: money per cell and component, with its source rank
# --------------------------------------------------------------------------------------------------
class _Ledger:
    def __init__(self, n: int) -> None:
        self.n = n
        self.money = {c: np.zeros(n) for c in (*COMPONENTS, *FEE_PARTS) if c != "fees"}
        self.rank = {c: np.full(n, -1, dtype=np.int8) for c in (*COMPONENTS, *FEE_PARTS) if c != "fees"}
        self.units = np.zeros(n)
        self.returned = np.zeros(n)
        self.cost_missing = np.zeros(n)

    def add(self, comp: str, cells: np.ndarray, amounts, rank: int) -> None:
        cells = np.asarray(cells, dtype=np.int64)
        if not len(cells):
            return
        amounts = np.broadcast_to(np.asarray(amounts, dtype=float), cells.shape)
        finite = np.isfinite(amounts)
        cells, amounts = cells[finite], amounts[finite]
        if not len(cells):
            return
        self.money[comp] += np.bincount(cells, weights=amounts, minlength=self.n)
        touched = np.bincount(cells, minlength=self.n) > 0
        self.rank[comp][touched] = np.maximum(self.rank[comp][touched], rank)


def profit(
    orders: pd.DataFrame,
    ads: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    transactions: pd.DataFrame | None = None,
    other_costs: pd.DataFrame | None = None,
    *,
    start=None,
    end=None,
    refunds_by: str = "order_date",
    landed: str = "auto",
    dest: str = "US",
    route: str | None = None,
    cards: pd.DataFrame | None = None,
    base_duty_rate: float = 0.0,
    returns_resold: float = 0.0,
    ads_channel: str | None = None,
    currency: str | None = None,
    fee_table: pd.DataFrame | None = None,
) -> ProfitResult:
    """The profit waterfall for ``start..end`` (default: the orders' first to last sales day); see
    the module docstring for every step. ``transactions`` is Amazon's Date Range Report (the canonical
    ``transactions`` table); ``other_costs`` the seller's monthly costs."""
    _check(orders, refunds_by, landed, returns_resold)
    notes: list[Note] = []
    cols = [
        c
        for c in (
            "order_id",
            "order_date",
            "sku",
            "quantity",
            "unit_price",
            "channel",
            "cancelled",
            "unit_cost",
            "platform_fee",
            "shipping_cost",
            "discount",
            "currency",
        )
        if c in orders.columns
    ]
    o = orders[cols]
    n = len(o)
    qty = _num(o, "quantity")
    price = _num(o, "unit_price")
    day = _days(o["order_date"])
    valid = day != np.iinfo(np.int64).min
    cancelled = (
        o["cancelled"].fillna(False).to_numpy(dtype=bool)
        if "cancelled" in o.columns
        else np.zeros(n, dtype=bool)
    )
    sale = (qty > 0) & (price > 0) & ~cancelled & valid
    ret = (qty < 0) & ~cancelled & valid
    if (start is None or end is None) and not sale.any():
        raise DataError("err.profit.no_sales")
    try:
        s0 = int(day[sale].min()) if start is None else int(_days([pd.Timestamp(start)])[0])
        s1 = int(day[sale].max()) if end is None else int(_days([pd.Timestamp(end)])[0])
    except (ValueError, TypeError):
        raise DataError("err.profit.period", start=str(start), end=str(end)) from None
    if s1 < s0:
        raise DataError("err.profit.period", start=str(start), end=str(end))
    start_ts = pd.Timestamp(np.datetime64(s0, "D"))
    end_ts = pd.Timestamp(np.datetime64(s1, "D"))
    if currency is None:
        cur = o["currency"].dropna().astype("str") if "currency" in o.columns else pd.Series([], dtype=str)
        cur = cur[cur.str.len() > 0]
        currency = str(cur.mode().iloc[0]) if len(cur) else "USD"

    # ---- products: category, unit cost, landed add-on ------------------------------------------
    prod = None
    if products is not None and len(products) and "sku" in products.columns:
        prod = products.drop_duplicates("sku").copy()
        prod["sku"] = prod["sku"].astype("str")
        prod = prod.set_index("sku")
    addon = pd.Series(dtype=float)
    used_route = None
    if landed == "auto" and prod is not None:
        lc, used_route = landed_costs(
            prod.reset_index(), dest=dest, route=route, cards=cards, on=end_ts, base_duty_rate=base_duty_rate
        )
        addon = lc.set_index("sku")["addon"] if len(lc) else addon
        if len(lc):
            notes.append(
                ("profit.note.landed", {"route": used_route, "dest": str(dest).upper(), "skus": len(lc)})
            )

    # ---- transactions ------------------------------------------------------------------------------
    tx = None
    if transactions is not None and len(transactions):
        missing = [c for c in ("date", "type", "total") if c not in transactions.columns]
        if missing:
            raise DataError("err.profit.missing_columns", table="transactions", columns=", ".join(missing))
        tx = transactions
    has_ads_table = ads is not None and len(ads) > 0

    # ---- one code per SKU and channel over every source -------------------------------------------
    def column(frame: pd.DataFrame, col: str) -> pd.Series:
        return frame[col] if col in frame.columns else pd.Series(pd.NA, index=frame.index, dtype="str")

    sku_cols = [column(o, "sku")]
    ch_cols = [column(o, "channel")]
    tx_kind = tx_day = tx_oid = None
    if tx is not None:
        tx_kind = transaction_kind(tx["type"], tx["description"] if "description" in tx.columns else None)
        tx_day = _days(tx["date"])
        tx_oid = column(tx, "order_id").astype("str")
        sku_cols.append(column(tx, "sku"))
        ch_cols.append(column(tx, "marketplace"))
    has_ad_sku = has_ads_table and "sku" in ads.columns
    if has_ad_sku:
        sku_cols.append(ads["sku"])
    has_oc_sku = other_costs is not None and len(other_costs) and "sku" in other_costs.columns
    if has_oc_sku:
        sku_cols.append(other_costs["sku"])
    sku_codes, sku_uni = _joint_codes(sku_cols)
    n_sku = len(sku_uni) + 1
    blank_sku = len(sku_uni)  # code of "no SKU"
    sku_codes = [np.where(c < 0, blank_sku, c) for c in sku_codes]
    o_sku = sku_codes[0]
    ch_codes, ch_uni = _joint_codes(ch_cols)
    n_ch = len(ch_uni) + 1
    blank_ch = len(ch_uni)
    ch_codes = [np.where(c < 0, blank_ch, c) for c in ch_codes]
    o_ch = ch_codes[0]
    o_sku_names = np.append(sku_uni, "").astype(object)

    # order ids: coded only for the lines whose order a report row or a return line names (the only
    # orders ever looked up), which spares factorising a million distinct ids
    oid_text = o["order_id"].astype("str")
    ask = [oid_text[ret]]
    if tx is not None:
        ask.append(tx_oid)
    asked = pd.unique(pd.concat(ask, ignore_index=True).dropna())
    sub = np.flatnonzero(_isin(oid_text, asked)) if len(asked) else np.zeros(0, np.int64)
    parts = [oid_text.iloc[sub]] + ([tx_oid] if tx is not None else [])
    sub_codes = pd.factorize(pd.concat(parts, ignore_index=True))[0] if len(sub) or tx is not None else []
    sub_codes = np.asarray(sub_codes, dtype=np.int64)
    o_oid = np.full(n, -1, dtype=np.int64)
    o_oid[sub] = sub_codes[: len(sub)]
    t_oid = sub_codes[len(sub) :] if tx is not None else np.zeros(0, dtype=np.int64)
    n_oid = int(sub_codes.max(initial=-1)) + 1

    # the sales line of an (order, sku) and the first sales line of an order
    sale_idx = np.flatnonzero(sale)
    look = sale_idx[o_oid[sale_idx] >= 0]
    line_key = o_oid[look].astype(np.int64) * n_sku + o_sku[look]
    first_of_key = ~pd.Index(line_key).duplicated()
    key_lookup = pd.Index(line_key[first_of_key])
    key_line = look[first_of_key]
    first_line_of_order = np.full(max(n_oid, 1), -1, dtype=np.int64)
    first_line_of_order[o_oid[look][::-1]] = look[::-1]

    def find_line(oid: np.ndarray, sku: np.ndarray) -> np.ndarray:
        """Index of the sales line of (order, sku), else the order's first sales line, else -1."""
        idx = np.full(len(oid), -1, dtype=np.int64)
        ok = oid >= 0
        if ok.any() and len(key_lookup):
            hit = key_lookup.get_indexer(oid[ok].astype(np.int64) * n_sku + sku[ok])
            idx[ok] = np.where(hit >= 0, key_line[np.maximum(hit, 0)], -1)
            miss = ok & (idx < 0)
            idx[miss] = first_line_of_order[oid[miss]]
        return idx

    # ---- the cells: every (sku, channel) pair that any source touches ----------------------------
    pairs = [o_sku.astype(np.int64) * n_ch + o_ch]
    t_line = t_sku = t_cell_ch = None
    if tx is not None:
        t_sku_own = sku_codes[1]
        t_line = find_line(t_oid, t_sku_own)
        matched = t_line >= 0
        t_sku = np.where(matched, o_sku[np.maximum(t_line, 0)], t_sku_own)
        t_cell_ch = np.where(matched, o_ch[np.maximum(t_line, 0)], ch_codes[1])
        pairs.append(t_sku.astype(np.int64) * n_ch + t_cell_ch)
    a_sku_codes = sku_codes[2 if tx is not None else 1] if has_ad_sku else None
    oc_codes = sku_codes[-1] if has_oc_sku else None
    cell_of, cell_pairs = pd.factorize(np.concatenate(pairs), sort=True)
    cell_pairs = np.asarray(cell_pairs, dtype=np.int64)
    # cells for advertised SKUs and SKU-level other costs without sales are added later (lazily)

    n_cells0 = len(cell_pairs)
    led = _Ledger(n_cells0)
    o_cell = cell_of[:n]
    in_period = valid & (day >= s0) & (day <= s1)

    # ---- orders: gross sales, units, shipping, discounts -----------------------------------------
    covered = np.zeros(max(n_oid, 1), dtype=bool)
    if tx is not None:
        link = (t_oid >= 0) & np.isin(tx_kind, ("order", "refund"))
        covered[t_oid[link]] = True
    line_cov = (o_oid >= 0) & covered[np.maximum(o_oid, 0)] if n else np.zeros(0, dtype=bool)
    s_in = sale & in_period
    led.add("gross_sales", o_cell[s_in], (qty * price)[s_in], REPORT)
    led.units += np.bincount(o_cell[s_in], weights=qty[s_in], minlength=n_cells0)
    if "discount" in o.columns:
        disc = np.abs(_num(o, "discount"))
        m = s_in & ~line_cov & np.isfinite(disc)
        led.add("discounts", o_cell[m], disc[m], REPORT)

    skip_ship = np.zeros(n, dtype=bool)
    if tx is not None and "fba_fees" in tx.columns:
        fba = _num(tx, "fba_fees")
        has_fba = (t_line >= 0) & np.isfinite(fba) & (fba != 0)
        skip_ship[t_line[has_fba]] = True
        if (skip_ship & s_in & np.isfinite(_num(o, "shipping_cost")) & (_num(o, "shipping_cost") != 0)).any():
            notes.append(("profit.note.fba_replaces_shipping", {"lines": int((skip_ship & s_in).sum())}))
    if "shipping_cost" in o.columns:
        ship = _num(o, "shipping_cost")
        m = s_in & ~skip_ship & np.isfinite(ship)
        led.add("shipping", o_cell[m], ship[m], REPORT)
    else:
        notes.append(("profit.note.no_shipping", {}))

    # ---- orders: platform fees (from the orders, else estimated) ---------------------------------
    keys = feetab.channel_key(np.append(ch_uni, ""))[o_ch]
    if prod is not None and "category" in prod.columns:
        categories = pd.Series(o_sku_names).map(prod["category"]).fillna("").to_numpy(dtype=object)[o_sku]
    else:
        categories = np.full(n, "", dtype=object)
    pf = _num(o, "platform_fee") if "platform_fee" in o.columns else np.full(n, np.nan)
    own_fee = s_in & ~line_cov & np.isfinite(pf)
    led.add("fee_platform", o_cell[own_fee], pf[own_fee], REPORT)
    est = s_in & ~line_cov & ~np.isfinite(pf)
    table = feetab._fee_table() if fee_table is None else feetab.check_fee_table(fee_table)
    if est.any():
        ref_unit = feetab.referral_per_unit(keys[est], categories[est], price[est], end_ts, table)
        led.add("fee_referral", o_cell[est], ref_unit * qty[est], ESTIMATE)
        # payment fee per order, shared over its lines by revenue
        oe = pd.factorize(oid_text[est])[0]
        rev = (qty * price)[est]
        order_rev = np.bincount(oe, weights=rev)
        pay = feetab.payment_per_order(keys[est], order_rev[oe], end_ts, table)
        share = np.where(order_rev[oe] > 0, rev / np.where(order_rev[oe] > 0, order_rev[oe], 1), 0)
        led.add("fee_payment", o_cell[est], pay * share, ESTIMATE)
        ship_known = (
            np.isfinite(_num(o, "shipping_cost")[est])
            if "shipping_cost" in o.columns
            else np.zeros(est.sum(), dtype=bool)
        )
        fba_est = (keys[est] == "amazon") & ~ship_known
        if (
            fba_est.any()
            and prod is not None
            and all(c in prod.columns for c in ("weight_kg", "length_cm", "width_cm", "height_cm"))
        ):
            from ..logistics import fba_fee

            sk = o["sku"].astype("str").to_numpy()[est][fba_est]
            dims = prod.reindex(sk)
            fee, _, _ = fba_fee(
                dims["weight_kg"].to_numpy(float),
                dims["length_cm"].to_numpy(float),
                dims["width_cm"].to_numpy(float),
                dims["height_cm"].to_numpy(float),
                price[est][fba_est],
                on=end_ts,
            )
            led.add("fee_fulfilment", o_cell[est][fba_est], fee * qty[est][fba_est], ESTIMATE)
            notes.append(("profit.note.fba_estimated", {"lines": int(np.isfinite(fee).sum())}))
        notes.append(("profit.note.fees_estimated", {"lines": int(est.sum())}))

    # ---- orders: return lines (refunds), when the report does not cover the order -----------------
    r_idx = np.flatnonzero(ret & ~line_cov)
    if len(r_idx):
        if refunds_by == "order_date":
            src = find_line(o_oid[r_idx], o_sku[r_idx])
            r_day = np.where(src >= 0, day[np.maximum(src, 0)], day[r_idx])
            if (src < 0).any():
                notes.append(("profit.note.refund_no_sale", {"lines": int((src < 0).sum())}))
        else:
            r_day = day[r_idx]
        r_idx = r_idx[(r_day >= s0) & (r_day <= s1)]
    if len(r_idx):
        rq = -qty[r_idx]
        rc = o_cell[r_idx]
        led.add("refunds", rc, rq * price[r_idx], REPORT)
        led.returned += np.bincount(rc, weights=rq, minlength=n_cells0)
        rf = pf[r_idx]
        ok = np.isfinite(rf)
        led.add("fee_platform", rc[ok], rf[ok], REPORT)
        if (~ok).any():
            k = keys[r_idx][~ok]
            ref = feetab.referral_per_unit(k, categories[r_idx][~ok], price[r_idx][~ok], end_ts, table)
            refunded = np.nan_to_num(ref) * rq[~ok]
            kept = feetab.refund_kept(k, refunded, rq[~ok], end_ts, table)
            led.add("fee_referral", rc[~ok], -refunded, ESTIMATE)
            led.add("fee_refund_admin", rc[~ok], kept, ESTIMATE)
        if "shipping_cost" in o.columns:
            rs = _num(o, "shipping_cost")[r_idx]
            led.add("shipping", rc[np.isfinite(rs)], rs[np.isfinite(rs)], REPORT)
        r_returned = (r_idx, rq)
    else:
        r_returned = (np.zeros(0, dtype=np.int64), np.zeros(0))

    # ---- the Date Range Report ----------------------------------------------------------------------
    t_returned = (np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=np.int64))
    store_other = 0.0
    store_ads = 0.0
    if tx is not None:
        money = {c: np.nan_to_num(_num(tx, c)) for c in _TX_MONEY}
        matched = t_line >= 0
        t_cell = cell_of[n : n + len(tx)]
        linked = np.isin(tx_kind, ("order", "refund")) & (t_oid >= 0)
        line_day = np.where(matched, day[np.maximum(t_line, 0)], tx_day)
        attr = np.where(tx_kind == "refund", tx_day if refunds_by == "refund_date" else line_day, line_day)
        t_in = linked & (attr >= s0) & (attr <= s1)
        is_order = t_in & (tx_kind == "order")
        is_refund = t_in & (tx_kind == "refund")
        credits = money["shipping_credits"] + money["gift_wrap_credits"]
        # order rows: credits (and product sales when the order is not in the orders file)
        gross = credits + np.where(matched, 0.0, money["product_sales"])
        led.add("gross_sales", t_cell[is_order], gross[is_order], REPORT)
        tq = np.abs(_num(tx, "quantity")) if "quantity" in tx.columns else np.zeros(len(tx))
        unmatched_order = is_order & ~matched
        led.units += np.bincount(
            t_cell[unmatched_order], weights=np.nan_to_num(tq[unmatched_order]), minlength=n_cells0
        )
        led.add("refunds", t_cell[is_refund], -(money["product_sales"] + credits)[is_refund], REPORT)
        both = is_order | is_refund
        led.add("discounts", t_cell[both], -money["promotional_rebates"][both], REPORT)
        led.add("fee_referral", t_cell[both], -money["selling_fees"][both], REPORT)
        led.add("fee_fulfilment", t_cell[both], -money["fba_fees"][both], REPORT)
        led.add("fee_other", t_cell[both], -(money["other_transaction_fees"] + money["other"])[both], REPORT)
        rq = np.nan_to_num(tq[is_refund])
        led.returned += np.bincount(t_cell[is_refund], weights=rq, minlength=n_cells0)
        t_returned = (np.flatnonzero(is_refund), rq, t_sku[is_refund])
        if (unmatched_order | (is_refund & ~matched)).any():
            notes.append(
                (
                    "profit.note.report_unmatched",
                    {"rows": int((unmatched_order | (is_refund & ~matched)).sum())},
                )
            )
        # rows of no order: subscription, storage, adjustments; advertising when no ads file is given
        total = np.nan_to_num(_num(tx, "total"))
        loose = ~linked & (tx_kind != "transfer") & (tx_day >= s0) & (tx_day <= s1)
        ad_rows = loose & (tx_kind == "advertising")
        if has_ads_table and ad_rows.any():
            notes.append(("profit.note.report_ads_skipped", {"amount": _money(-total[ad_rows].sum())}))
        elif ad_rows.any():
            store_ads += float(-total[ad_rows].sum())
        store_other += float(-total[loose & (tx_kind != "advertising")].sum())
        notes.append(("profit.note.report", {"orders": int(covered.sum())}))

    # ---- cost of goods ----------------------------------------------------------------------------
    o_cost = _num(o, "unit_cost") if "unit_cost" in o.columns else np.full(n, np.nan)
    by_code = pd.Series(o_sku_names)
    if prod is not None and "unit_cost" in prod.columns:
        pcost = by_code.map(pd.to_numeric(prod["unit_cost"], errors="coerce")).to_numpy(
            float, na_value=np.nan
        )
        o_cost = np.where(np.isfinite(o_cost), o_cost, pcost[o_sku])
    add = by_code.map(addon).to_numpy(float, na_value=np.nan)[o_sku] if len(addon) else np.full(n, np.nan)
    landed_unit = o_cost + np.nan_to_num(add)
    has_add = np.isfinite(add) & np.isfinite(o_cost)
    for rank, m in ((COMPUTED, s_in & np.isfinite(o_cost) & ~has_add), (ESTIMATE, s_in & has_add)):
        led.add("cogs", o_cell[m], (qty * landed_unit)[m], rank)
    no_cost = s_in & ~np.isfinite(o_cost)
    led.cost_missing += np.bincount(o_cell[no_cost], weights=qty[no_cost], minlength=n_cells0)
    if no_cost.any():
        notes.append(
            (
                "profit.note.cost_missing",
                {
                    "units": int(qty[no_cost].sum()),
                    "skus": ", ".join(sorted(set(o_sku_names[np.unique(o_sku[no_cost])]))[:5]),
                },
            )
        )
    if returns_resold > 0:
        idx, rq = r_returned
        if len(idx):
            m = np.isfinite(landed_unit[idx])
            led.add("cogs", o_cell[idx][m], -returns_resold * rq[m] * landed_unit[idx][m], COMPUTED)
        tidx, trq, tsk = t_returned
        if len(tidx):  # the SKU's mean landed unit cost over its sales lines
            ok = np.isfinite(landed_unit[sale_idx])
            cnt = np.bincount(o_sku[sale_idx][ok], minlength=n_sku)
            tot = np.bincount(o_sku[sale_idx][ok], weights=landed_unit[sale_idx][ok], minlength=n_sku)
            unit = np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)[tsk]
            m = np.isfinite(unit)
            led.add("cogs", cell_of[n:][tidx][m], -returns_resold * trq[m] * unit[m], COMPUTED)

    # ---- cells -> cents ---------------------------------------------------------------------------
    cents = {c: to_cents(v) for c, v in led.money.items()}
    ranks = dict(led.rank)
    gross_cents = cents["gross_sales"]

    def grow(k: int) -> None:
        nonlocal gross_cents
        for d in (cents,):
            for c in d:
                d[c] = np.r_[d[c], np.zeros(k, dtype=np.int64)]
        for c in ranks:
            ranks[c] = np.r_[ranks[c], np.full(k, -1, dtype=np.int8)]
        led.units = np.r_[led.units, np.zeros(k)]
        led.returned = np.r_[led.returned, np.zeros(k)]
        led.cost_missing = np.r_[led.cost_missing, np.zeros(k)]
        gross_cents = cents["gross_sales"]

    all_pairs = list(cell_pairs)

    def sku_level(
        comp: str, sku_codes: np.ndarray, amounts: np.ndarray, rank: int, channel_hint: str | None = None
    ) -> None:
        """Give SKU-level amounts to the SKU's cells by gross sales (a new cell when it has none)."""
        nonlocal all_pairs
        tot = pd.Series(amounts).groupby(sku_codes).sum()
        if tot.empty:
            return
        hint = None
        if channel_hint is not None:
            hits = np.flatnonzero(ch_uni == channel_hint)
            hint = int(hits[0]) if len(hits) else None
        pair_arr = np.asarray(all_pairs, dtype=np.int64)
        cell_sku = pair_arr // n_ch
        cell_chn = pair_arr % n_ch
        new = [
            int(s) * n_ch + (hint if hint is not None else blank_ch)
            for s in tot.index
            if not (cell_sku == s).any()
        ]
        if new:
            grow(len(new))
            all_pairs = all_pairs + new
            pair_arr = np.asarray(all_pairs, dtype=np.int64)
            cell_sku, cell_chn = pair_arr // n_ch, pair_arr % n_ch
        members = np.flatnonzero(np.isin(cell_sku, tot.index.to_numpy()))
        group = pd.Index(tot.index).get_indexer(cell_sku[members])
        w = gross_cents[members].astype(float)
        if hint is not None:
            on_hint = cell_chn[members] == hint
            has_hint = np.bincount(group, weights=on_hint, minlength=len(tot)) > 0
            w = np.where(has_hint[group], on_hint.astype(float), w)
        got = allocate(to_cents(tot.to_numpy()), group, w)
        cents[comp][members] += got
        touched = members[got != 0] if (got != 0).any() else members
        ranks[comp][touched] = np.maximum(ranks[comp][touched], rank)

    # ---- ads ----------------------------------------------------------------------------------------
    ads_total = 0.0
    if has_ads_table:
        if not all(c in ads.columns for c in ("date", "spend")):
            raise DataError("err.profit.missing_columns", table="ads", columns="date, spend")
        a0 = _days(ads["date"])
        a1 = _days(ads["date_end"]) if "date_end" in ads.columns else a0
        a1 = np.where(a1 == np.iinfo(np.int64).min, a0, np.maximum(a1, a0))
        overlap = np.clip(np.minimum(a1, s1) - np.maximum(a0, s0) + 1, 0, None)
        spend = np.nan_to_num(_num(ads, "spend")) * overlap / (a1 - a0 + 1)
        own = (a_sku_codes != blank_sku) if a_sku_codes is not None else np.zeros(len(ads), dtype=bool)
        ads_total = float(spend.sum())
        if own.any():
            sku_level("ads", a_sku_codes[own & (spend != 0)], spend[own & (spend != 0)], REPORT, ads_channel)
        store_ads += float(spend[~own].sum())

    # ---- other costs (seller's monthly costs, SKU-level or spread) --------------------------------
    other_total = 0.0
    if other_costs is not None and len(other_costs):
        if not all(c in other_costs.columns for c in ("month", "amount")):
            raise DataError("err.profit.missing_columns", table="other_costs", columns="month, amount")
        months = pd.to_datetime(other_costs["month"].astype("str").str.slice(0, 7) + "-01", errors="coerce")
        if months.isna().any():
            raise DataError(
                "err.profit.bad_month",
                rows=", ".join(str(i + 2) for i in np.flatnonzero(months.isna().to_numpy())[:5]),
            )
        m0 = _days(months)
        m1 = _days(months + pd.offsets.MonthEnd(0))
        overlap = np.clip(np.minimum(m1, s1) - np.maximum(m0, s0) + 1, 0, None)
        amount = np.nan_to_num(_num(other_costs, "amount")) * overlap / (m1 - m0 + 1)
        other_total = float(amount.sum())
        own = (oc_codes != blank_sku) if oc_codes is not None else np.zeros(len(other_costs), dtype=bool)
        if own.any():
            sku_level("other", oc_codes[own & (amount != 0)], amount[own & (amount != 0)], COMPUTED)
        store_other += float(amount[~own].sum())

    # ---- store-level spreads by gross sales ----------------------------------------------------------
    for comp, amount, key in (
        ("ads", store_ads, "profit.note.ads_spread"),
        ("other", store_other, "profit.note.other_spread"),
    ):
        if round(amount, 2) == 0:
            continue
        total = to_cents([amount])
        weights = np.maximum(gross_cents, 0).astype(float)
        if weights.sum() <= 0:
            all_pairs = all_pairs + [blank_sku * n_ch + blank_ch]
            grow(1)
            weights = np.zeros(len(all_pairs))
            weights[-1] = 1.0
        got = allocate(total, np.zeros(len(weights), dtype=np.int64), weights)
        cents[comp] += got
        ranks[comp][got != 0] = np.maximum(ranks[comp][got != 0], COMPUTED)
        notes.append((key, {"amount": _money(amount), "currency": currency}))
    if has_ads_table:
        notes.append(("profit.note.ads_total", {"amount": _money(ads_total), "currency": currency}))
    if other_total:
        notes.append(("profit.note.other_total", {"amount": _money(other_total), "currency": currency}))

    # ---- tables -------------------------------------------------------------------------------------
    cents["fees"] = sum(cents[f] for f in FEE_PARTS)
    fee_rank = np.max(np.stack([ranks[f] for f in FEE_PARTS]), axis=0)
    ranks["fees"] = fee_rank
    pair_arr = np.asarray(all_pairs, dtype=np.int64)
    cs, cc = pair_arr // n_ch, pair_arr % n_ch
    sku_names = np.append(sku_uni, STORE_SKU).astype(object)
    ch_names = np.append(ch_uni, "").astype(object)
    net = cents["gross_sales"] - sum(cents[c] for c in COSTS)
    cells = pd.DataFrame(
        {
            "sku": pd.array(sku_names[cs], dtype="str"),
            "channel": pd.array(ch_names[cc], dtype="str"),
            "units": led.units.round().astype(np.int64),
            "returned_units": led.returned.round().astype(np.int64),
            "cost_missing_units": led.cost_missing.round().astype(np.int64),
        }
    )
    for c in (*COMPONENTS, *FEE_PARTS):
        cells[c] = cents[c]
    cells["net"] = net
    for c in COMPONENTS:
        cells[f"src_{c}"] = ranks[c]
    keep = (
        (cells[[*COMPONENTS, *FEE_PARTS]].to_numpy() != 0).any(axis=1)
        | (cells["units"] > 0)
        | (cells["returned_units"] > 0)
    )
    cells = cells.loc[keep].sort_values(["sku", "channel"], kind="stable").reset_index(drop=True)
    by_sku = _summarise(cells, "sku")
    by_channel = _summarise(cells, "channel")
    store_row = _summarise(cells.assign(_all="store"), "_all").iloc[0].to_dict() if len(cells) else None
    store = _store(store_row)
    money_cols = [*COMPONENTS, *FEE_PARTS, "net"]
    cells[money_cols] = cells[money_cols].astype(float) / 100
    params = {
        "refunds_by": refunds_by,
        "landed": landed,
        "dest": str(dest).upper(),
        "route": used_route,
        "returns_resold": float(returns_resold),
        "ads_channel": ads_channel,
        "base_duty_rate": float(base_duty_rate),
    }
    return ProfitResult(
        start_ts, end_ts, currency, refunds_by, cells, by_sku, by_channel, store, tuple(notes), params
    )


def _isin(values: pd.Series, wanted) -> np.ndarray:
    """``values.isin(wanted)`` as a bool array; through Arrow's hash lookup when the strings are
    Arrow-backed (pandas' own isin walks the wanted values in Python)."""
    try:
        arr = pa.array(values.array)
        hit = pc.is_in(arr, value_set=pa.array(np.asarray(wanted, dtype=object), type=pa.string()))
        return hit.to_numpy(zero_copy_only=False).astype(bool) & values.notna().to_numpy()
    except (TypeError, ValueError, pa.ArrowException):  # not Arrow strings
        return values.isin(wanted).to_numpy(dtype=bool)


def _joint_codes(parts: list[pd.Series]) -> tuple[list[np.ndarray], np.ndarray]:
    """Codes of several text columns over their joint distinct values (trimmed; empty or missing ->
    -1): each column is factorised once (fast on Arrow strings), only the distinct values jointly."""
    codes, uniques = [], []
    for p in parts:
        c, u = pd.factorize(p)
        codes.append(np.asarray(c))
        uniques.append(pd.Series(np.asarray(u, dtype=object), dtype="str").str.strip())
    allu = pd.concat(uniques, ignore_index=True) if uniques else pd.Series([], dtype="str")
    gcode, guni = pd.factorize(allu.where(allu.str.len() > 0))
    out, off = [], 0
    for c, u in zip(codes, uniques):
        m = np.append(gcode[off : off + len(u)], -1)
        off += len(u)
        out.append(m[np.where(c >= 0, c, len(u))])
    return out, np.asarray(guni, dtype=object)


def _money(x: float) -> str:
    return f"{x:,.2f}"


def _summarise(cells: pd.DataFrame, by: str) -> pd.DataFrame:
    """Sum the cells (integer cents) by ``by`` and add the ratios, break-even price and sources."""
    money = [*COMPONENTS, *FEE_PARTS, "net"]
    code, keys = pd.factorize(cells[by], sort=True)
    k = len(keys)
    out = pd.DataFrame({by: pd.array(np.asarray(keys, dtype=object), dtype="str")})
    for c in money:  # integer cents, summed exactly
        out[c] = np.bincount(code, weights=cells[c].to_numpy(dtype=np.int64), minlength=k).round() / 100
    for c in ("units", "returned_units", "cost_missing_units"):
        out[c] = np.bincount(code, weights=cells[c].to_numpy(), minlength=k).round().astype(np.int64)
    gross = out["gross_sales"].to_numpy(dtype=float)
    units = out["units"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["margin"] = np.where(gross > 0, out["net"] / np.where(gross > 0, gross, 1), np.nan)
        out["net_per_unit"] = np.where(units > 0, out["net"] / np.where(units > 0, units, 1), np.nan)
        out["refund_rate"] = np.where(gross > 0, out["refunds"] / np.where(gross > 0, gross, 1), np.nan)
        out["avg_price"] = np.where(units > 0, gross / np.where(units > 0, units, 1), np.nan)
        variable = (out["discounts"] + out["refunds"] + sum(out[f] for f in PRICE_LINKED_FEES)).to_numpy()
        fixed = (
            out["fees"]
            - sum(out[f] for f in PRICE_LINKED_FEES)
            + out["shipping"]
            + out["cogs"]
            + out["ads"]
            + out["other"]
        ).to_numpy()
        v = np.where(gross > 0, variable / np.where(gross > 0, gross, 1), np.nan)
        out["break_even_price"] = np.where(
            (units > 0) & (v < 1), fixed / (np.where(units > 0, units, 1) * (1 - v)), np.nan
        )
    words = np.array([*SOURCES, None], dtype=object)
    for c in COMPONENTS:
        r = np.full(k, -1, dtype=np.int64)
        np.maximum.at(r, code, cells[f"src_{c}"].to_numpy(dtype=np.int64))
        out[f"source_{c}"] = pd.array(words[np.where(r >= 0, r, len(SOURCES))], dtype="str")
    return out


def _store(row: Mapping[str, object] | None) -> dict[str, object]:
    keys = (
        *COMPONENTS,
        *FEE_PARTS,
        "net",
        "units",
        "returned_units",
        "cost_missing_units",
        "margin",
        "net_per_unit",
        "refund_rate",
        "avg_price",
        "break_even_price",
    )
    if row is None:
        out: dict[str, object] = {k: 0.0 for k in keys}
        out["sources"] = {c: None for c in COMPONENTS}
        return out
    out = {k: row[k] for k in keys}
    out["sources"] = {c: (None if pd.isna(row[f"source_{c}"]) else row[f"source_{c}"]) for c in COMPONENTS}
    return out
