"""KPIs of a prepared store over a date range.

Every KPI a table cannot support is *not available*: ``None`` in :attr:`Kpis.values` with a catalog key
in :attr:`Kpis.reasons`, never a wrong number.

Definitions (all over the chosen date range ``start..end`` inclusive, sales lines only, see
:func:`cbe_core.schema.sales_lines`):

- ``revenue`` = sum(quantity x unit_price); ``orders`` = distinct order ids; ``units`` = sum(quantity);
  ``aov`` = revenue / orders; ``units_per_order`` = units / orders.
- ``sessions``, ``page_views`` from traffic; ``conversion_rate`` = orders / sessions;
  ``unit_session_pct`` = units / sessions (Amazon's "Unit Session Percentage"); ``bounce_rate`` =
  bounces / sessions over the rows that report bounces; ``buy_box_pct`` = sessions-weighted mean of
  the traffic's ``buy_box_pct`` column (Amazon business reports).
- ``gross_profit`` = revenue - units x unit_cost - platform_fee - shipping_cost (fees and shipping where
  the orders carry them; unit cost from the orders or else the products table); ``margin`` =
  gross_profit / revenue. This is the margin *before ads*, hence ``break_even_acos`` = ``margin``
  (an ad sale at ACoS = margin makes zero profit).
- ``return_rate`` = returned units / sold units (negative-quantity lines); ``cancel_rate`` = cancelled
  orders / all orders.
- ``customers`` = distinct customer ids; ``repurchase_rate`` = share of those customers with two or more
  orders up to ``end``; ``returning_revenue_share`` = share of revenue from orders that are not the
  customer's first.
- ``ad_spend``, ``ad_sales``; ``roas`` = ad_sales / ad_spend; ``acos`` = ad_spend / ad_sales;
  ``tacos`` = ad_spend / revenue (total ACoS).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataError
from ._common import _in, _py, _ratio
from .store import Store, prepare

KPI_ORDER = (
    "revenue", "orders", "units", "aov", "units_per_order",
    "sessions", "page_views", "conversion_rate", "unit_session_pct", "bounce_rate", "buy_box_pct",
    "gross_profit", "margin", "return_rate", "cancel_rate",
    "customers", "repurchase_rate", "returning_revenue_share",
    "ad_spend", "ad_sales", "roas", "acos", "tacos", "break_even_acos",
)
# True: higher is better; False: lower is better; None: neither
HIGHER_IS_BETTER: dict[str, bool | None] = {
    "revenue": True, "orders": True, "units": True, "aov": True, "units_per_order": True,
    "sessions": True, "page_views": True, "conversion_rate": True, "unit_session_pct": True,
    "bounce_rate": False, "buy_box_pct": True, "gross_profit": True, "margin": True,
    "return_rate": False, "cancel_rate": False, "customers": True, "repurchase_rate": True,
    "returning_revenue_share": True, "ad_spend": None, "ad_sales": True, "roas": True, "acos": False,
    "tacos": False, "break_even_acos": True,
}
MONEY_KPIS = frozenset({"revenue", "aov", "gross_profit", "ad_spend", "ad_sales"})
"""KPIs in the reporting currency (the others are counts or ratios)."""
RATIO_KPIS = frozenset({"conversion_rate", "unit_session_pct", "bounce_rate", "buy_box_pct", "margin",
                        "return_rate", "cancel_rate", "repurchase_rate", "returning_revenue_share",
                        "acos", "tacos", "break_even_acos"})


@dataclass(frozen=True)
class Kpis:
    """KPIs for one date range and slice. ``values[k]`` is a float or ``None`` (not available, with a
    catalog key in ``reasons[k]``); ``notes`` are catalog keys about how numbers were obtained."""

    start: pd.Timestamp
    end: pd.Timestamp
    values: Mapping[str, float | None]
    reasons: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def get(self, name: str) -> float | None:
        return self.values.get(name)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "kpi": list(KPI_ORDER),
            "value": [self.values.get(k) for k in KPI_ORDER],
            "reason": [self.reasons.get(k) for k in KPI_ORDER],
        }).astype({"value": "float64"})


def _traffic_window(st: Store, start: pd.Timestamp, end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The part of ``start..end`` the traffic covers (the whole range when it covers it all or there
    is no traffic in it): conversion compares orders and sessions over the same days."""
    if st.traffic is None or not len(st.traffic):
        return start, end
    lo, hi = st.traffic["date"].min(), st.traffic["date"].max()
    t0, t1 = max(start, lo), min(end, hi)
    return (start, end) if t0 > t1 else (t0, t1)


def kpis_for(st: Store, start, end) -> Kpis:
    """KPIs of a prepared store over ``start..end`` (inclusive dates)."""
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    v: dict[str, float | None] = dict.fromkeys(KPI_ORDER)
    r: dict[str, str] = {}
    notes: list[str] = list(st.notes)
    covered = pd.notna(st.first_date) and not (end < st.first_date or start > st.last_date)
    if not covered:
        return Kpis(start, end, dict(v), dict(dict.fromkeys(KPI_ORDER, "diag.na.no_data")),
                    tuple(notes))
    if start < st.first_date or end > st.last_date:
        notes.append("diag.note.partial_period")
    sd = _in(st.sku_day, start, end)
    revenue = float(sd["revenue"].sum())
    units = float(sd["units"].sum())
    if st.day is not None:
        dd = _in(st.day, start, end)
        orders = float(dd["orders"].sum())
        all_orders = float(dd["all_orders"].sum())
        v["cancel_rate"] = _ratio(float(dd["cancelled_orders"].sum()), all_orders)
    else:
        orders = float(sd["orders"].sum())
        r["cancel_rate"] = "diag.na.slice_table"
    v.update(revenue=revenue, units=units, orders=orders, aov=_ratio(revenue, orders),
             units_per_order=_ratio(units, orders))
    rt = _in(st.returns, start, end)
    v["return_rate"] = _ratio(float(rt["return_units"].sum()), units) if st.slice_dim != "source" else None
    if st.slice_dim == "source":
        r["return_rate"] = "diag.na.slice_table"
    # profit
    if st.flags["cost"] and int(sd["cost_missing"].sum()) == 0:
        gp = revenue - float(sd["cost"].sum()) - float(sd["fees"].sum()) - float(sd["shipping"].sum())
        v["gross_profit"] = gp
        v["margin"] = _ratio(gp, revenue)
        v["break_even_acos"] = v["margin"]
    else:
        key = "diag.na.no_cost" if not st.flags["cost"] else "diag.na.cost_partial"
        for k in ("gross_profit", "margin", "break_even_acos"):
            r[k] = key
    # traffic
    if st.traffic is not None:
        tr = _in(st.traffic, start, end)
        if len(tr) == 0:
            for k in ("sessions", "page_views", "conversion_rate", "unit_session_pct", "bounce_rate",
                      "buy_box_pct"):
                r[k] = "diag.na.no_traffic_period"
        else:
            sessions = float(tr["sessions"].sum())
            v["sessions"] = sessions
            t0, t1 = _traffic_window(st, start, end)
            if (t0, t1) != (start, end):  # traffic covers part of the range: compare like with like
                notes.append("diag.note.traffic_partial")
                w = _in(st.sku_day, t0, t1)
                o_t = (float(_in(st.day, t0, t1)["orders"].sum()) if st.day is not None
                       else float(w["orders"].sum()))
                u_t = float(w["units"].sum())
            else:
                o_t, u_t = orders, units
            v["conversion_rate"] = _ratio(o_t, sessions)
            v["unit_session_pct"] = _ratio(u_t, sessions)
            if st.flags["page_views"]:
                v["page_views"] = float(np.nansum(tr["page_views"].to_numpy(dtype=float, na_value=np.nan)))
            else:
                r["page_views"] = "diag.na.no_column"
            if st.flags["bounces"]:
                v["bounce_rate"] = _ratio(float(np.nansum(tr["bounces"].to_numpy(dtype=float))),
                                          float(tr["b_sessions"].sum()))
            else:
                r["bounce_rate"] = "diag.na.no_column"
            if st.flags["buy_box"]:
                v["buy_box_pct"] = _ratio(float(tr["bb_w"].sum()), float(tr["bb_s"].sum()))
            else:
                r["buy_box_pct"] = "diag.na.no_column"
    else:
        for k in ("sessions", "page_views", "conversion_rate", "unit_session_pct", "bounce_rate",
                  "buy_box_pct"):
            r[k] = st.reasons.get("traffic", "diag.na.no_traffic")
    # customers
    if st.cust_orders is not None:
        co = st.cust_orders
        s0, s1 = (int(np.datetime64(start, "D").astype(np.int64)),
                  int(np.datetime64(end, "D").astype(np.int64)))
        cday = co["day"].to_numpy()
        m = (cday >= s0) & (cday <= s1)
        buyers = np.bincount(co["cust"].to_numpy()[m], minlength=len(st.second_day)) > 0
        n_buyers = float(buyers.sum())
        v["customers"] = n_buyers
        v["repurchase_rate"] = _ratio(float((buyers & (st.second_day <= s1)).sum()), n_buyers)
        crev = co["rev"].to_numpy()
        v["returning_revenue_share"] = _ratio(float(crev[m & ~co["first"].to_numpy()].sum()),
                                              float(crev[m].sum()))
    else:
        for k in ("customers", "repurchase_rate", "returning_revenue_share"):
            r[k] = st.reasons.get("customers", "diag.na.no_customers")
    # ads
    if st.ads is not None and not len(_in(st.ads, start, end)):
        for k in ("ad_spend", "ad_sales", "roas", "acos", "tacos"):
            r[k] = "diag.na.no_ads_period"
    elif st.ads is not None:
        ad = _in(st.ads, start, end)
        spend, ad_sales = float(ad["spend"].sum()), float(ad["ad_sales"].sum())
        v.update(ad_spend=spend, ad_sales=ad_sales, roas=_ratio(ad_sales, spend),
                 acos=_ratio(spend, ad_sales), tacos=_ratio(spend, revenue))
    else:
        for k in ("ad_spend", "ad_sales", "roas", "acos", "tacos"):
            r[k] = st.reasons.get("ads", "diag.na.no_ads")
    for k in KPI_ORDER:
        if v[k] is None and k not in r:
            r[k] = "diag.na.zero_base"
    return Kpis(start, end, dict(v), dict(r), tuple(dict.fromkeys(notes)))


def kpis(orders, traffic=None, ads=None, products=None, *, start=None, end=None, slice_dim=None,
         slice_value=None) -> Kpis:
    """KPIs for ``start..end`` (default: the whole orders range) and an optional slice
    (``slice_dim`` one of :data:`SLICE_DIMS`)."""
    st = prepare(orders, traffic, ads, products, slice_dim=slice_dim, slice_value=slice_value)
    start, end = _range(st, start, end)
    return kpis_for(st, start, end)


def _range(st: Store, start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    if pd.isna(st.first_date) and (start is None or end is None):
        raise DataError("err.diag.no_sales")
    start = st.first_date if start is None else pd.Timestamp(start).normalize()
    end = st.last_date if end is None else pd.Timestamp(end).normalize()
    if end < start:
        raise DataError("err.diag.bad_range", start=start.strftime("%Y-%m-%d"), end=end.strftime("%Y-%m-%d"))
    return start, end


def kpis_json(k: Kpis) -> dict[str, object]:
    """KPIs as a JSON-ready dict: values (None = not available) and the reasons."""
    return {
        "start": k.start.strftime("%Y-%m-%d"), "end": k.end.strftime("%Y-%m-%d"),
        "values": {name: _py(k.values.get(name)) for name in KPI_ORDER},
        "not_available": dict(k.reasons),
    }
