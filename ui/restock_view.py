"""The Restock tab of the Logistics page: when to reorder every SKU, how much, and what sits too long.

Reads the visitor's inventory, orders, products and rate cards; computes the plan with
:func:`cbe_core.logistics.restock_plan` (cached on content) and draws the answer (KPIs and findings),
the days-of-cover timeline against the lead time, one SKU's forecast and projected stock, the plan
table in the seller's words and the workbook.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from cbe_core import logistics as lg
from cbe_core.errors import DataError
from cbe_core.export import write_workbook
from cbe_core.logistics import restock as rs
from ui.cache import cached
from ui.markdown import escape_markdown

Translate = Callable[..., str]
STATUS_COLORS = {
    "stockout_risk": "#d73027",
    "reorder_now": "#fc8d59",
    "overstock": "#4575b4",
    "ok": "#1a9850",
    "no_demand": "#bababa",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOW_DAYS = 240  # the timeline's axis: cover beyond this is drawn at the edge


def _text(s: str) -> str:
    return escape_markdown(pd.Series([s])).iloc[0]


def timeline_chart(plan: pd.DataFrame, lead: float, t: Translate) -> alt.LayerChart:
    """Days of cover per SKU (bars, colour by status) against the lead time of an order placed today."""
    d = plan[
        ["sku", "status", "days_of_cover", "stockout_date", "reorder_date", "reorder_qty", "position"]
    ].copy()
    d["shown"] = np.minimum(
        np.where(np.isfinite(d["days_of_cover"]), d["days_of_cover"], SHOW_DAYS), SHOW_DAYS
    )
    d["status_label"] = [t(f"restock.status.{s}") for s in d["status"]]
    d["stockout"] = d["stockout_date"].dt.strftime("%Y-%m-%d").fillna("—")
    d["reorder"] = d["reorder_date"].dt.strftime("%Y-%m-%d").fillna("—")
    labels = {k: t(f"restock.status.{k}") for k in STATUS_COLORS}
    color = alt.Color(
        "status_label:N",
        title=t("restock.col.status"),
        scale=alt.Scale(domain=list(labels.values()), range=list(STATUS_COLORS.values())),
    )
    bars = (
        alt.Chart(d)
        .mark_bar()
        .encode(
            y=alt.Y("sku:N", sort=alt.EncodingSortField("shown", order="ascending"), title=None),
            x=alt.X("shown:Q", title=t("restock.axis.days"), scale=alt.Scale(domain=[0, SHOW_DAYS])),
            color=color,
            tooltip=[
                alt.Tooltip("sku:N", title=t("restock.col.sku")),
                alt.Tooltip("status_label:N", title=t("restock.col.status")),
                alt.Tooltip("days_of_cover:Q", title=t("restock.col.days_of_cover"), format=".0f"),
                alt.Tooltip("stockout:N", title=t("restock.col.stockout_date")),
                alt.Tooltip("reorder:N", title=t("restock.col.reorder_date")),
                alt.Tooltip("reorder_qty:Q", title=t("restock.col.reorder_qty")),
                alt.Tooltip("position:Q", title=t("restock.col.position")),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"lead": [lead]}))
        .mark_rule(color="#333", strokeDash=[5, 3], size=2)
        .encode(x="lead:Q", tooltip=[alt.Tooltip("lead:Q", title=t("restock.col.lead_days"), format=".0f")])
    )
    return (bars + rule).properties(height=max(240, 18 * len(d)))


def sku_chart(orders: pd.DataFrame, res: lg.RestockResult, sku: str, t: Translate) -> alt.LayerChart:
    """Weekly units sold over the last 26 weeks, the weekly forecast with its 80% band, and the stock
    projected at the forecast (position minus cumulative demand)."""
    from cbe_core.logistics.forecast import daily_sales

    _, y, _, _ = daily_sales(orders, res.as_of, 182, [sku])
    # whole weeks: 26 back from the plan date, 52 forward from the day after it
    starts = res.as_of - pd.to_timedelta(np.arange(26, 0, -1) * 7 - 1, unit="D")
    hist = pd.DataFrame({"date": starts, "units": y[0].reshape(26, 7).sum(axis=1)})
    fc = res.forecast.frame(sku)
    weeks = min(len(fc) // 7, 52)
    lo, _ = res.forecast.band()
    i = int(np.flatnonzero(res.forecast.skus == sku)[0])
    var = ((res.forecast.mean[i] - lo[i]) / 1.2815515655446004) ** 2  # daily variance of the band
    mean_w = fc["mean"].to_numpy()[: weeks * 7].reshape(weeks, 7).sum(axis=1)
    half = 1.2815515655446004 * np.sqrt(var[: weeks * 7].reshape(weeks, 7).sum(axis=1))
    weekly = pd.DataFrame(
        {
            "date": fc["date"].to_numpy()[: weeks * 7 : 7],
            "mean": mean_w,
            "lower": np.maximum(mean_w - half, 0.0),
            "upper": mean_w + half,
        }
    )
    pos = float(res.plan.set_index("sku").loc[sku, "position"])
    stock = fc.assign(stock=np.maximum(pos - fc["mean"].cumsum(), 0.0)).iloc[: weeks * 7 : 7]
    week = alt.X("date:T", title=t("restock.axis.week"))
    units = t("restock.axis.units")
    sold = (
        alt.Chart(hist)
        .mark_bar(color="#9aa4b2")
        .encode(
            x=week,
            y=alt.Y("units:Q", title=units),
            tooltip=[alt.Tooltip("date:T"), alt.Tooltip("units:Q", title=t("restock.forecast.sales"))],
        )
    )
    band = (
        alt.Chart(weekly).mark_area(opacity=0.25, color="#1f77b4").encode(x=week, y="lower:Q", y2="upper:Q")
    )
    mean = (
        alt.Chart(weekly)
        .mark_line(color="#1f77b4")
        .encode(
            x=week,
            y="mean:Q",
            tooltip=[
                alt.Tooltip("date:T"),
                alt.Tooltip("mean:Q", title=t("restock.forecast.mean"), format=".1f"),
            ],
        )
    )
    left = (
        alt.Chart(stock)
        .mark_line(color="#d62728", strokeDash=[4, 2])
        .encode(
            x=week,
            y=alt.Y("stock:Q", title=t("restock.forecast.stock")),
            tooltip=[
                alt.Tooltip("date:T"),
                alt.Tooltip("stock:Q", title=t("restock.forecast.stock"), format=".0f"),
            ],
        )
    )
    return alt.layer(alt.layer(sold, band, mean), left).resolve_scale(y="independent").properties(height=280)


def render(ctx, orders, inventory, products, cards) -> None:
    t = ctx.t
    st.subheader(t("restock.title"))
    st.caption(t("restock.intro"))
    if inventory is None or orders is None:
        st.info(t("restock.needs"), icon=":material/inventory_2:")
        return
    dests = sorted(cards["dest"].astype(str).str.upper().unique())
    latest = pd.Timestamp(pd.to_datetime(inventory["date"]).max()).date()
    a1, a2, a3, a4 = st.columns(4)
    dest = a1.selectbox(
        t("logi.in.dest"), dests, index=dests.index("US") if "US" in dests else 0, key="restock_dest"
    )
    routes = lg.routes(cards, dest)
    stock_routes = [r.service for r in routes if r.mode in lg.STOCK_MODES] or [r.service for r in routes]
    if not stock_routes:
        st.warning(t("err.restock.no_route", dest=dest))
        return
    route = a2.selectbox(t("restock.route"), stock_routes, key=f"restock_route_{dest}")
    as_of = a3.date_input(t("restock.as_of"), value=latest, max_value=latest, key="restock_as_of")
    production = a4.number_input(t("restock.production_days"), 0, 365, 0, key="restock_production")
    b1, b2, b3 = st.columns(3)
    level = b1.slider(t("restock.service_level"), 80, 99, 95, key="restock_level")
    cover = b2.number_input(t("restock.cover_days"), 7, 365, 60, key="restock_cover")
    over_days = b3.number_input(t("restock.overstock_days"), 30, 365, 180, key="restock_over")
    with st.expander(t("restock.storage")):
        storage = st.data_editor(
            lg.default_storage_fees(), key="restock_storage", hide_index=True, width="stretch"
        )
    try:
        res = cached(
            lg.restock_plan,
            ctx.key("orders", "inventory", "products"),
            orders,
            inventory,
            products=products,
            as_of=str(as_of),
            cards=cards,
            dest=dest,
            route=route,
            service_level=level / 100,
            cover_days=float(cover),
            overstock_days=float(over_days),
            production_days=float(production),
            storage=storage,
        )
    except DataError as exc:
        st.error(exc.message(ctx.lang))
        return
    findings = lg.restock_findings(res)
    plan, cur = res.plan, res.currency
    top_cost = float(np.nansum(plan["top_up_cost"]))
    for col, key, value in zip(
        st.columns(4),
        ("risk", "reorder", "overstock", "top_up"),
        (
            int((plan["status"] == "stockout_risk").sum()),
            int((plan["status"] == "reorder_now").sum()),
            f"{np.nansum(plan['overstock_cash']):,.2f} {cur}",
            f"{top_cost:,.2f} {cur}",
        ),
    ):
        col.metric(t(f"restock.kpi.{key}"), value)
    if not findings:
        st.success(t("restock.all_ok"), icon=":material/check_circle:")
    for f in findings:
        box = st.error if f.severity == "high" else st.warning
        box(
            _text(f"{f.message(ctx.lang)}  \n{t('diag.action')}: {f.action(ctx.lang)}"),
            icon=":material/inventory:",
        )
    st.subheader(t("restock.timeline"))
    st.caption(t("restock.timeline_help"))
    st.altair_chart(timeline_chart(plan, float(plan["lead_days"].iloc[0]), t), width="stretch")
    st.subheader(t("restock.forecast"))
    order = plan.sort_values(
        ["status", "days_of_cover"],
        key=lambda c: c.map({s: i for i, s in enumerate(lg.STATUSES)}) if c.name == "status" else c,
    )
    sku = st.selectbox(t("restock.forecast_sku"), list(order["sku"]), key="restock_sku")
    st.altair_chart(sku_chart(orders, res, sku, t), width="stretch")
    st.subheader(t("restock.plan"))
    sheets, formats = rs.export_frames(res, ctx.lang, findings)
    st.dataframe(next(iter(sheets.values())), hide_index=True, width="stretch")
    for note in res.note_texts(ctx.lang):
        st.caption(_text(note))
    st.download_button(
        t("restock.download"),
        write_workbook(sheets, number_formats=formats),
        file_name=f"restock_{res.as_of:%Y-%m-%d}.xlsx",
        mime=XLSX,
        key="restock_xlsx",
    )
