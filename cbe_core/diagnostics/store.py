"""Store preparation: validate the canonical tables, apply a slice, build the daily aggregates.

Works on the canonical tables (:mod:`cbe_core.schema`): ``orders`` (required), ``traffic``, ``ads`` and
``products`` (optional). :func:`prepare` builds a :class:`Store` once; every KPI and table for any date
range is then a cheap sum over it.

Traffic and ads rows that cover a period (``date_end`` after ``date``) are spread evenly over their
days, so a range that cuts a period takes its share (a note says so); they are left out of the
daily anomaly series, which would otherwise show a flat invented profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError

SLICE_DIMS = ("sku", "category", "country", "channel", "source")


@dataclass(frozen=True)
class Store:
    """Daily aggregates built once from the canonical tables (see :func:`prepare`); every KPI for any
    range is a cheap sum over these."""

    sku_day: pd.DataFrame          # date, sku, revenue, units, orders, cost, cost_missing, fees, shipping
    day: pd.DataFrame              # date, orders (distinct), cancelled_orders, all_orders
    cust_orders: pd.DataFrame | None  # sales orders with a customer: day (int days), cust, rev, first
    second_day: np.ndarray | None  # per customer: int day of the second order (int64 max: none)
    returns: pd.DataFrame          # date, sku, return_units
    traffic: pd.DataFrame | None   # date, sku, source, sessions, page_views, bounces, t_orders, bb_w, bb_s
    ads: pd.DataFrame | None       # date, campaign, sku, spend, ad_sales, ad_orders, clicks, impressions
    products: pd.DataFrame | None  # sku, name, category, unit_cost
    first_date: pd.Timestamp
    last_date: pd.Timestamp
    flags: Mapping[str, bool]
    reasons: Mapping[str, str]     # table -> catalog key why it is not usable for this slice
    notes: tuple[str, ...]
    slice_dim: str | None = None
    slice_value: str | None = None
    fx: pd.DataFrame | None = None  # date, sku, currency, revenue, revenue_orig (converted orders only)


def _check_orders(orders: pd.DataFrame) -> None:
    if orders is None or not isinstance(orders, pd.DataFrame):
        raise DataError("err.diag.no_orders")
    missing = [c for c in ("order_id", "order_date", "sku", "quantity", "unit_price")
               if c not in orders.columns]
    if missing:
        raise DataError("err.diag.missing_columns", table="orders", columns=", ".join(missing))


def _check_table(frame: pd.DataFrame | None, table: str, cols: tuple[str, ...]) -> None:
    if frame is None:
        return
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise DataError("err.diag.missing_columns", table=table, columns=", ".join(missing))


def _num(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.zeros(len(frame))
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _expand_periods(frame: pd.DataFrame, count_cols: list[str]) -> tuple[pd.DataFrame, bool]:
    """Spread rows with ``date_end`` after ``date`` evenly over their days (counts divided, pcts kept)."""
    frame = frame.copy()
    frame["date"] = pd.to_datetime(frame["date"]).dt.normalize()
    if "date_end" not in frame.columns:
        return frame, False
    end = pd.to_datetime(frame["date_end"]).dt.normalize().fillna(frame["date"])
    n = ((end - frame["date"]).dt.days.fillna(0).to_numpy() + 1).clip(1, None).astype(np.int64)
    frame = frame.drop(columns=["date_end"])
    if not (n > 1).any():
        return frame, False
    if int(n.sum()) > 50_000_000:
        raise DataError("err.diag.period_too_long", rows=int(n.sum()))
    idx = np.repeat(np.arange(len(frame)), n)
    offs = np.arange(idx.size) - np.repeat(np.cumsum(n) - n, n)
    out = frame.iloc[idx].reset_index(drop=True)
    out["date"] = out["date"] + pd.to_timedelta(offs, unit="D")
    div = np.repeat(n, n).astype(float)
    for c in count_cols:
        if c in out.columns:
            out[c] = out[c].to_numpy(dtype=float, na_value=np.nan) / div
    return out, True


def prepare(
    orders: pd.DataFrame,
    traffic: pd.DataFrame | None = None,
    ads: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    *,
    slice_dim: str | None = None,
    slice_value: str | None = None,
) -> Store:
    """Validate the tables, apply the slice, and build the daily aggregates (vectorised, one pass)."""
    _check_orders(orders)
    _check_table(traffic, "traffic", ("date", "sku", "source", "sessions"))
    _check_table(ads, "ads", ("date", "campaign", "spend", "ad_sales"))
    _check_table(products, "products", ("sku",))
    if slice_dim is not None and slice_dim not in SLICE_DIMS:
        raise DataError("err.diag.slice_dim", dim=slice_dim, dims=", ".join(SLICE_DIMS))
    if slice_dim is not None and slice_value is None:
        slice_dim = None
    notes: list[str] = []
    reasons: dict[str, str] = {}

    prod = None
    if products is not None and len(products):
        cols = [c for c in ("sku", "name", "category", "unit_cost") if c in products.columns]
        prod = products[cols].drop_duplicates("sku").copy()
        prod["sku"] = prod["sku"].astype("str")
    cat_map = prod.set_index("sku")["category"] if prod is not None and "category" in prod.columns else None
    if slice_dim == "category" and cat_map is None:
        raise DataError("err.diag.slice_needs", dim="category", table="products")
    if slice_dim in ("country", "channel") and slice_dim not in orders.columns:
        raise DataError("err.diag.slice_needs", dim=slice_dim, table="orders")
    if slice_dim == "source" and traffic is None:
        raise DataError("err.diag.slice_needs", dim="source", table="traffic")

    # ---- orders ------------------------------------------------------------------------------
    # integer codes once (sku, order, day); sums by bincount over (day, sku) keys: no string groupby
    o = orders
    if slice_dim in ("sku", "country", "channel"):
        o = o.loc[(o[slice_dim].astype("str") == str(slice_value)).to_numpy()]
    elif slice_dim == "category":
        o = o.loc[(o["sku"].astype("str").map(cat_map).astype("str") == str(slice_value)).to_numpy()]
    sku_code, sku_uni = pd.factorize(o["sku"].astype("str"))
    sku_uni = np.asarray(sku_uni, dtype=object)
    n_sku = max(len(sku_uni), 1)
    dd = pd.to_datetime(o["order_date"]).to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    valid = ~np.isnat(dd)
    day_no = np.where(valid, dd.astype(np.int64), 0)
    qty = _num(o, "quantity")
    price = _num(o, "unit_price")
    cancelled = (o["cancelled"].fillna(False).to_numpy(dtype=bool) if "cancelled" in o.columns
                 else np.zeros(len(o), bool))
    sale = (qty > 0) & (price > 0) & ~cancelled & valid & (sku_code >= 0)
    ret = (qty < 0) & ~cancelled & valid & (sku_code >= 0)
    order_code = pd.factorize(o["order_id"].astype("str"))[0]
    # cost per unit: orders column, else products
    unit_cost = _num(o, "unit_cost") if "unit_cost" in o.columns else np.full(len(o), np.nan)
    if prod is not None and "unit_cost" in prod.columns:
        pc = pd.Series(sku_uni).map(prod.set_index("sku")["unit_cost"]).to_numpy(dtype=float, na_value=np.nan)
        unit_cost = np.where(np.isnan(unit_cost), pc[np.maximum(sku_code, 0)] if len(pc) else np.nan,
                             unit_cost)
    has_cost = bool(np.isfinite(unit_cost[sale]).any()) if sale.any() else bool(np.isfinite(unit_cost).any())
    has_fees = "platform_fee" in o.columns
    has_ship = "shipping_cost" in o.columns
    if not has_fees or not has_ship:
        notes.append("diag.note.no_fees")
    fees = np.nan_to_num(_num(o, "platform_fee")) if has_fees else np.zeros(len(o))
    ship = np.nan_to_num(_num(o, "shipping_cost")) if has_ship else np.zeros(len(o))
    d0 = int(day_no[valid].min()) if valid.any() else 0

    sd, sk, oc, q = day_no[sale], sku_code[sale], order_code[sale], qty[sale]
    rev = (qty * price)[sale]
    cost = (qty * unit_cost)[sale]
    cost_missing = np.isnan(cost)
    first_line = ~pd.Series(oc.astype(np.int64) * n_sku + sk).duplicated().to_numpy()  # (order, sku) once
    key_codes, keys = pd.factorize((sd - d0) * n_sku + sk)
    nk = len(keys)

    def _bc(w):
        return np.bincount(key_codes, weights=w, minlength=nk) if nk else np.zeros(0)

    keys = np.asarray(keys, dtype=np.int64)
    sku_day = pd.DataFrame({
        "date": (keys // n_sku + d0).astype("datetime64[D]").astype("datetime64[ns]"),
        "sku": pd.array(sku_uni[keys % n_sku] if nk else [], dtype="str"),
        "revenue": _bc(rev), "units": _bc(q), "orders": _bc(first_line.astype(float)),
        "cost": _bc(np.nan_to_num(cost)), "cost_missing": _bc(cost_missing.astype(float)),
        "fees": _bc(fees[sale]), "shipping": _bc(ship[sale]),
    })
    fx = _fx_sku_day(o, sale, sd, sk, d0, n_sku, sku_uni, qty)
    # store-level: distinct sales orders per day; all and cancelled orders by the order's first line
    n_days = int(day_no[valid].max()) - d0 + 1 if valid.any() else 0
    sale_first = ~pd.Series(oc).duplicated().to_numpy()
    first_any = ~pd.Series(order_code).duplicated().to_numpy() & valid
    canc_order = np.bincount(order_code, weights=cancelled.astype(float),
                             minlength=int(order_code.max()) + 1 if len(order_code) else 0) > 0
    codes_first = order_code[first_any]
    day = pd.DataFrame({
        "date": (np.arange(n_days) + d0).astype("datetime64[D]").astype("datetime64[ns]"),
        "orders": np.bincount(sd[sale_first] - d0, minlength=n_days)[:n_days],
        "all_orders": np.bincount(day_no[first_any] - d0, minlength=n_days)[:n_days],
        "cancelled_orders": np.bincount(day_no[first_any] - d0, weights=canc_order[codes_first].astype(float),
                                        minlength=n_days)[:n_days].astype(np.int64),
    })
    rk_codes, rkeys = pd.factorize((day_no[ret] - d0) * n_sku + sku_code[ret])
    rkeys = np.asarray(rkeys, dtype=np.int64)
    returns = pd.DataFrame({
        "date": (rkeys // n_sku + d0).astype("datetime64[D]").astype("datetime64[ns]"),
        "sku": pd.array(sku_uni[rkeys % n_sku] if len(rkeys) else [], dtype="str"),
        "return_units": (np.bincount(rk_codes, weights=-qty[ret], minlength=len(rkeys)) if len(rkeys)
                         else np.zeros(0)),
    })

    cust_orders = None
    second_day = None
    has_cust = "customer_id" in o.columns and bool(o["customer_id"].notna().any())
    if has_cust and slice_dim != "source":
        cust_code = pd.factorize(o["customer_id"].astype("str"))[0]  # missing ids -> -1
        cust_orders, second_day = _customer_orders(cust_code[sale], oc, sd, rev)
    elif not has_cust:
        reasons["customers"] = "diag.na.no_customers"
    else:
        reasons["customers"] = "diag.na.slice_table"

    if sale.any():
        first_date = pd.Timestamp(np.datetime64(int(sd.min()), "D"))
        last_date = pd.Timestamp(np.datetime64(int(sd.max()), "D"))
    elif valid.any():
        first_date = pd.Timestamp(np.datetime64(d0, "D"))
        last_date = pd.Timestamp(np.datetime64(int(day_no[valid].max()), "D"))
    else:
        first_date = last_date = pd.NaT

    # ---- traffic -----------------------------------------------------------------------------
    tr = None
    traffic_period = False
    if traffic is None:
        reasons["traffic"] = "diag.na.no_traffic"
    elif slice_dim in ("country", "channel") and slice_dim not in traffic.columns:
        reasons["traffic"] = "diag.na.slice_table"
    else:
        tcols = [c for c in ("date", "date_end", "sku", "source", "sessions", "page_views", "bounces",
                             "orders", "buy_box_pct", slice_dim) if c and c in traffic.columns]
        tr = traffic[list(dict.fromkeys(tcols))].copy()
        tr["sku"] = tr["sku"].astype("str")
        tr["source"] = tr["source"].astype("str")
        if slice_dim in ("sku", "source", "country", "channel"):
            tr = tr[tr[slice_dim].astype("str") == str(slice_value)]
        elif slice_dim == "category":
            tr = tr[tr["sku"].map(cat_map).astype("str") == str(slice_value)]
        tr = tr.rename(columns={"orders": "t_orders"})
        tr, traffic_period = _expand_periods(tr, ["sessions", "page_views", "bounces", "t_orders"])
        tr["sessions"] = _num(tr, "sessions")
        tr["sessions"] = tr["sessions"].fillna(0.0)
        if "bounces" in tr.columns:
            b = _num(tr, "bounces")
            tr["bounces"] = b
            tr["b_sessions"] = np.where(np.isnan(b), 0.0, tr["sessions"].to_numpy())
        if "buy_box_pct" in tr.columns:
            bb = _num(tr, "buy_box_pct")
            ss = tr["sessions"].to_numpy()
            tr["bb_w"] = np.where(np.isnan(bb), 0.0, bb * ss)
            tr["bb_s"] = np.where(np.isnan(bb), 0.0, ss)
            tr = tr.drop(columns=["buy_box_pct"])
        if traffic_period:
            notes.append("diag.note.period_rows")

    # ---- ads ---------------------------------------------------------------------------------
    ad = None
    ads_period = False
    if ads is None:
        reasons["ads"] = "diag.na.no_ads"
    elif slice_dim in ("country", "channel", "source"):
        reasons["ads"] = "diag.na.slice_table"
    elif slice_dim in ("sku", "category") and "sku" not in ads.columns:
        reasons["ads"] = "diag.na.ads_no_sku"
    else:
        acols = [c for c in ("date", "date_end", "campaign", "sku", "spend", "ad_sales", "ad_orders",
                             "clicks", "impressions") if c in ads.columns]
        ad = ads[acols].copy()
        ad["campaign"] = ad["campaign"].astype("str")
        if "sku" in ad.columns:
            ad["sku"] = ad["sku"].astype("str")
        if slice_dim == "sku":
            ad = ad[ad["sku"] == str(slice_value)]
        elif slice_dim == "category":
            ad = ad[ad["sku"].map(cat_map).astype("str") == str(slice_value)]
        ad, ads_period = _expand_periods(ad, ["spend", "ad_sales", "ad_orders", "clicks", "impressions"])
        for c in ("spend", "ad_sales"):
            ad[c] = np.nan_to_num(_num(ad, c))

    if slice_dim == "source" and tr is not None:
        sku_day, notes = _attribute_to_source(sku_day, traffic, str(slice_value), notes)
        if fx is not None:
            fx = _attribute_to_source(fx, traffic, str(slice_value), [], ("revenue", "revenue_orig"))[0]
        day = None

    flags = {
        "traffic": tr is not None, "page_views": tr is not None and "page_views" in tr.columns,
        "bounces": tr is not None and "bounces" in tr.columns,
        "buy_box": tr is not None and "bb_w" in tr.columns,
        "t_orders": tr is not None and "t_orders" in tr.columns,
        "traffic_period": traffic_period, "ads": ad is not None, "ads_period": ads_period,
        "ads_sku": ad is not None and "sku" in ad.columns, "cost": has_cost, "fees": has_fees,
        "shipping": has_ship, "customers": cust_orders is not None,
    }
    return Store(sku_day=sku_day, day=day, cust_orders=cust_orders, second_day=second_day, returns=returns,
                 traffic=tr, ads=ad, products=prod,
                 first_date=first_date, last_date=last_date, flags=dict(flags),
                 reasons=dict(reasons), notes=tuple(dict.fromkeys(notes)), slice_dim=slice_dim,
                 slice_value=None if slice_value is None else str(slice_value), fx=fx)


def _fx_sku_day(o: pd.DataFrame, sale: np.ndarray, sd: np.ndarray, sk: np.ndarray, d0: int, n_sku: int,
                sku_uni: np.ndarray, qty: np.ndarray) -> pd.DataFrame | None:
    """Sales per day, SKU and the currency they were sold in: ``revenue`` (reporting currency) and
    ``revenue_orig`` (as sold), for the exchange-rate effect. Only for orders converted by
    :func:`cbe_core.ingest.currency.convert` (which adds ``currency_orig`` and ``unit_price_orig``)."""
    if not {"currency_orig", "unit_price_orig"} <= set(o.columns) or not sale.any():
        return None
    cur_code, cur_uni = pd.factorize(o["currency_orig"].astype("str").fillna("?"))
    n_cur = max(len(cur_uni), 1)
    rev = (qty * _num(o, "unit_price"))[sale]
    orig = (qty * _num(o, "unit_price_orig"))[sale]
    codes, keys = pd.factorize(((sd - d0) * n_sku + sk).astype(np.int64) * n_cur + cur_code[sale])
    keys = np.asarray(keys, dtype=np.int64)
    cell = keys // n_cur
    return pd.DataFrame({
        "date": (cell // n_sku + d0).astype("datetime64[D]").astype("datetime64[ns]"),
        "sku": pd.array(sku_uni[cell % n_sku], dtype="str"),
        "currency": pd.array(np.asarray(cur_uni, dtype=object)[keys % n_cur], dtype="str"),
        "revenue": np.bincount(codes, weights=rev, minlength=len(keys)),
        "revenue_orig": np.bincount(codes, weights=orig, minlength=len(keys)),
    })


def _customer_orders(ccode: np.ndarray, order: np.ndarray, day: np.ndarray, rev: np.ndarray):
    """Order-level arrays for the customer KPIs, from sales lines (customer codes, -1 = unknown):
    ``day`` (int days), ``cust`` (code), ``rev``, ``first`` (the customer's first order), and per
    customer the day of the second order (int64 max when none)."""
    ocode, _ = pd.factorize(order)
    first = ~pd.Series(ocode).duplicated().to_numpy()
    n_ord = int(first.sum())
    o_day, o_cust = day[first], ccode[first]
    o_rev = np.bincount(ocode, weights=rev, minlength=n_ord)
    keep = o_cust >= 0
    o_day, o_cust, o_rev = o_day[keep], o_cust[keep], o_rev[keep]
    n_cust = int(o_cust.max()) + 1 if len(o_cust) else 0
    idx = np.lexsort((np.arange(len(o_day)), o_day, o_cust))
    cs = o_cust[idx]
    starts = np.r_[True, cs[1:] != cs[:-1]] if len(cs) else np.zeros(0, dtype=bool)
    is_first = np.zeros(len(o_day), dtype=bool)
    is_first[idx[starts]] = True
    second_day = np.full(n_cust, np.iinfo(np.int64).max, dtype=np.int64)
    pos = np.flatnonzero(starts)
    has_two = pos + 1 < len(cs)
    has_two[has_two] &= cs[pos[has_two] + 1] == cs[pos[has_two]]
    second_day[cs[pos[has_two]]] = o_day[idx[pos[has_two] + 1]]
    frame = pd.DataFrame({"day": o_day, "cust": o_cust, "rev": o_rev, "first": is_first})
    return frame, second_day


def _source_weights(traffic: pd.DataFrame) -> pd.DataFrame:
    """Per (sku, source): the source's share of the SKU's orders in the traffic (or of its sessions
    when the traffic has no orders column). Columns ``sku, source, weight``."""
    tcols = [c for c in ("sku", "source", "sessions", "orders") if c in traffic.columns]
    tw = traffic[tcols].copy()
    tw["sku"] = tw["sku"].astype("str")
    tw["source"] = tw["source"].astype("str")
    basis = ("orders" if "orders" in tw.columns
             and pd.to_numeric(tw["orders"], errors="coerce").fillna(0).sum() > 0 else "sessions")
    tw["b"] = pd.to_numeric(tw[basis], errors="coerce").fillna(0.0).astype(float)
    g = tw.groupby(["sku", "source"], sort=False).agg(b=("b", "sum")).reset_index()
    tot = g.groupby("sku")["b"].transform("sum")
    g["weight"] = np.where(tot > 0, g["b"] / tot.where(tot > 0, 1.0), 0.0)
    return g[["sku", "source", "weight"]]


def _attribute_to_source(sku_day: pd.DataFrame, traffic: pd.DataFrame, source: str, notes: list[str],
                         cols=("revenue", "units", "orders", "cost", "fees", "shipping")):
    w = _source_weights(traffic)
    w = w[w["source"] == source].set_index("sku")["weight"]
    f = sku_day["sku"].map(w).fillna(0.0).to_numpy()
    out = sku_day.copy()
    for c in cols:
        out[c] = out[c].to_numpy(dtype=float) * f
    notes = [*notes, "diag.note.attributed"]
    return out, notes


def slice_values(orders: pd.DataFrame, traffic: pd.DataFrame | None = None,
                 products: pd.DataFrame | None = None, *, dim: str) -> list[str]:
    """The values a slice dimension takes in the data (sorted), for a filter's choices."""
    if dim not in SLICE_DIMS:
        raise DataError("err.diag.slice_dim", dim=dim, dims=", ".join(SLICE_DIMS))
    if dim == "source":
        col = None if traffic is None else traffic.get("source")
    elif dim == "category":
        col = None if products is None else products.get("category")
    else:
        col = orders.get(dim)
    if col is None:
        return []
    return sorted(str(v) for v in pd.unique(col.dropna()))
