"""Customers (RFM): who to reward, who to win back, and the lists in Excel."""

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from cbe_core import export
from cbe_core.customers import clv, rfm
from cbe_core.errors import DataError
from ui import charts
from ui.cache import cached
from ui.shell import start_page

ctx = start_page("customers")
t = ctx.t
st.title(t("rfm.page.title"))
ctx.require("orders")
orders = ctx.table("orders")
data_key = ctx.key("orders")
SEG = charts.SEGMENT_COLORS


def seg_name(key: str) -> str:
    return t(f"rfm.seg.{key}")


def stop_with(exc: DataError) -> None:
    st.error(exc.message(ctx.lang), icon=":material/error:")
    st.stop()


# ---------------------------------------------------------------- controls: as-of date and window
last_day = pd.Timestamp(orders["order_date"].max()).date()
first_day = pd.Timestamp(orders["order_date"].min()).date()
WINDOWS = {"all": None, "365": 365, "730": 730, "180": 180}
c1, c2, c3 = st.columns([1, 1, 2])
as_of = c1.date_input(t("rfm.page.as_of"), value=last_day + dt.timedelta(days=1),
                      min_value=first_day + dt.timedelta(days=1), max_value=last_day + dt.timedelta(days=1),
                      key="rfm_as_of", help=t("rfm.page.as_of_help"))
window = c2.selectbox(t("rfm.page.window"), list(WINDOWS), format_func=lambda w: t(f"rfm.window.{w}"),
                      key="rfm_window", bind="query-params")
try:
    res = cached(rfm.analyse, data_key, orders, as_of=as_of.isoformat(), window_days=WINDOWS[window])
except DataError as exc:
    stop_with(exc)
cust, segs = res.customers, res.segments
c3.caption(t("rfm.page.scope", customers=f"{len(cust):,}", as_of=res.as_of.date().isoformat()))
for note in res.notes:
    st.caption(":material/info: " + t(note.key, **note.params))

# ---------------------------------------------------------------- the answer first
by = segs.set_index("segment")
total_rev = float(segs["revenue"].sum()) or 1.0
winback = by.loc[["at_risk", "cant_lose_them"]] if {"at_risk", "cant_lose_them"} <= set(by.index) else by.iloc[:0]
k1, k2, k3, k4 = st.columns(4)
k1.metric(t("rfm.kpi.customers"), f"{len(cust):,}")
if "champions" in by.index:
    k2.metric(t("rfm.kpi.champions"), f"{int(by.loc['champions', 'customers']):,}",
              t("rfm.kpi.revenue_share", share=f"{by.loc['champions', 'revenue'] / total_rev:.0%}"), delta_color="off", delta_arrow="off")
k3.metric(t("rfm.kpi.winback"), f"{int(winback['customers'].sum()):,}",
          t("rfm.kpi.revenue_share", share=f"{winback['revenue'].sum() / total_rev:.0%}"), delta_color="off", delta_arrow="off")
k4.metric(t("rfm.kpi.one_time"), f"{(cust['frequency'] == 1).mean():.0%}")
if "cant_lose_them" in by.index and by.loc["cant_lose_them", "customers"] > 0:
    row = by.loc["cant_lose_them"]
    st.info(t("rfm.answer.winback", customers=f"{int(row['customers']):,}", revenue=f"{row['revenue']:,.0f}",
              days=f"{row['recency_days']:.0f}", action=t("rfm.seg.cant_lose_them.action")), icon=":material/campaign:")
if "champions" in by.index and by.loc["champions", "customers"] > 0:
    st.success(t("rfm.answer.reward", customers=f"{int(by.loc['champions', 'customers']):,}",
                 action=t("rfm.seg.champions.action")), icon=":material/workspace_premium:")

tabs = st.tabs([t(f"rfm.tab.{k}") for k in ("segments", "distributions", "clusters", "value", "migration", "export")])

# ---------------------------------------------------------------- segment map, table, revenue
with tabs[0]:
    grid = rfm.grid_counts(cust).assign(name=lambda d: d["segment"].map(seg_name))
    seg_scale = charts.scale(SEG, list(segs["segment"]), {k: seg_name(k) for k in segs["segment"]})
    color = alt.Color("name:N", scale=seg_scale, title=t("rfm.col.segment"))
    base = alt.Chart(grid).encode(x=alt.X("r_score:O", title=t("rfm.axis.r")),
                                  y=alt.Y("fm_score:O", sort="descending", title=t("rfm.axis.fm")))
    tips = [alt.Tooltip("name:N", title=t("rfm.col.segment")), alt.Tooltip("customers:Q", title=t("rfm.col.customers"), format=","),
            alt.Tooltip("revenue:Q", title=t("rfm.col.revenue"), format=",.0f")]
    heat = base.mark_rect(stroke="white").encode(color=color, tooltip=tips)
    text = base.mark_text(fontSize=13).encode(text=alt.Text("customers:Q", format=","), tooltip=tips)
    left, right = st.columns([3, 2])
    left.subheader(t("rfm.page.map"))
    left.altair_chart((heat + text).properties(height=340), width="stretch")
    right.subheader(t("rfm.page.revenue_by_segment"))
    seg_chart = segs.assign(name=segs["segment"].map(seg_name))
    bars = alt.Chart(seg_chart).mark_bar().encode(
        y=alt.Y("name:N", sort=list(seg_chart["name"]), title=None),
        x=alt.X("revenue:Q", title=t("rfm.col.revenue")), color=alt.Color("name:N", scale=seg_scale, legend=None),
        tooltip=[alt.Tooltip("name:N", title=t("rfm.col.segment")), alt.Tooltip("revenue:Q", format=",.0f", title=t("rfm.col.revenue")),
                 alt.Tooltip("revenue_share:Q", format=".1%", title=t("rfm.col.revenue_share"))])
    right.altair_chart(bars.properties(height=340), width="stretch")
    table = pd.DataFrame({
        t("rfm.col.segment"): seg_chart["name"], t("rfm.col.customers"): segs["customers"],
        t("rfm.col.share"): segs["share"] * 100, t("rfm.col.revenue"): segs["revenue"],
        t("rfm.col.revenue_share"): segs["revenue_share"] * 100,
        t("rfm.col.avg_recency_days"): segs["recency_days"], t("rfm.col.avg_frequency"): segs["frequency"],
        t("rfm.col.avg_monetary"): segs["monetary"],
        t("rfm.col.action"): segs["segment"].map(lambda k: t(f"rfm.seg.{k}.action")),
    })
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        t("rfm.col.share"): st.column_config.NumberColumn(format="%.1f%%"),
        t("rfm.col.revenue_share"): st.column_config.NumberColumn(format="%.1f%%"),
        t("rfm.col.revenue"): st.column_config.NumberColumn(format="%,.0f"),
        t("rfm.col.avg_recency_days"): st.column_config.NumberColumn(format="%.0f"),
        t("rfm.col.avg_frequency"): st.column_config.NumberColumn(format="%.2f"),
        t("rfm.col.avg_monetary"): st.column_config.NumberColumn(format="%,.2f")})
    st.caption(t("rfm.page.rules_source"))

# ---------------------------------------------------------------- R, F, M distributions (aggregated)
with tabs[1]:
    st.caption(t("rfm.page.hist_note"))
    cols = st.columns(3)
    for col, (field, log) in zip(cols, (("recency_days", False), ("frequency", False), ("monetary", True))):
        h = rfm.histogram(cust[field], bins=30, log=log)
        chart = alt.Chart(h).mark_bar().encode(
            x=alt.X("start:Q", bin="binned", title=t(f"rfm.col.{field}"),
                    scale=alt.Scale(type="symlog") if log else alt.Undefined,
                    axis=alt.Axis(values=[v for v in (0, 10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000)
                                          if v <= h["end"].max()]) if log and len(h) else alt.Undefined),
            x2="end:Q", y=alt.Y("customers:Q", title=t("rfm.col.customers")),
            tooltip=[alt.Tooltip("start:Q", format=",.0f", title=t("rfm.hist.from")),
                     alt.Tooltip("end:Q", format=",.0f", title=t("rfm.hist.to")),
                     alt.Tooltip("customers:Q", format=",", title=t("rfm.col.customers"))])
        col.altair_chart(chart.properties(height=260), width="stretch")

# ---------------------------------------------------------------- clustering
with tabs[2]:
    st.write(t("rfm.page.cluster_intro"))
    k_choice = st.selectbox(t("rfm.page.k"), ["auto", 2, 3, 4, 5, 6, 7, 8], key="rfm_k",
                            format_func=lambda k: t("rfm.page.k_auto") if k == "auto" else str(k))
    try:
        cl = cached(rfm.cluster, f"{data_key}|{res.as_of}|{window}", cust, k=None if k_choice == "auto" else int(k_choice))
    except DataError as exc:
        st.warning(exc.message(ctx.lang))
    else:
        prof = cl.profiles.assign(name=cl.profiles["nearest_segment"].map(seg_name))
        st.caption(t("rfm.page.k_chosen", k=cl.k) + (
            "  " + t("rfm.page.silhouette", scores=", ".join(f"k={k}: {v:.2f}" for k, v in cl.silhouette.items())) if cl.silhouette else ""))
        for note in cl.notes:
            st.caption(t(note.key, **note.params))
        st.dataframe(pd.DataFrame({
            t("rfm.col.cluster"): prof["cluster"], t("rfm.col.customers"): prof["customers"],
            t("rfm.col.share"): prof["share"] * 100, t("rfm.col.avg_recency_days"): prof["recency_days"].round(0),
            t("rfm.col.avg_frequency"): prof["frequency"].round(2), t("rfm.col.avg_monetary"): prof["monetary"].round(2),
            t("rfm.col.nearest_segment"): prof["name"], t("rfm.col.top_segment"): prof["top_segment"].map(seg_name),
            t("rfm.col.top_share"): prof["top_share"] * 100,
        }), hide_index=True, width="stretch", column_config={
            t("rfm.col.share"): st.column_config.NumberColumn(format="%.1f%%"),
            t("rfm.col.top_share"): st.column_config.NumberColumn(format="%.0f%%")})

# ---------------------------------------------------------------- predicted value (BG/NBD + Gamma-Gamma)
with tabs[3]:
    st.write(t("rfm.page.value_intro"))
    cal_end = (res.as_of - pd.Timedelta(days=1)).date().isoformat()
    try:
        fit = cached(clv.fit, data_key, orders, calibration_end=cal_end, horizon_days=365)
    except DataError as exc:
        st.warning(exc.message(ctx.lang))
    else:
        bg, gg = fit.bgnbd, fit.gamma_gamma
        m1, m2, m3 = st.columns(3)
        m1.metric(t("rfm.value.total"), f"{fit.customers['predicted_spend'].sum():,.0f}", t("common.estimate"), delta_color="off", delta_arrow="off")
        m2.metric(t("rfm.value.active"), f"{fit.customers['p_alive'].mean():.0%}")
        m3.metric(t("rfm.value.avg"), f"{fit.customers['predicted_spend'].mean():,.2f}")
        st.caption(t("rfm.value.params", r=f"{bg.r:.3g}", alpha=f"{bg.alpha:.3g}", a=f"{bg.a:.3g}", b=f"{bg.b:.3g}",
                     unit=t(f"clv.unit.{bg.time_unit}"))
                   + ("  " + t("rfm.value.gg_params", p=f"{gg.p:.3g}", q=f"{gg.q:.3g}", v=f"{gg.v:.3g}") if gg else ""))
        for note in fit.notes:
            st.caption(t(note.key, **note.params))
        vbs = clv.value_by_segment(fit.customers, cust).assign(name=lambda d: d["segment"].map(seg_name))
        chart = alt.Chart(vbs).mark_bar().encode(
            y=alt.Y("name:N", sort=list(vbs["name"]), title=None), x=alt.X("predicted_spend:Q", title=t("rfm.col.predicted_spend")),
            color=alt.Color("name:N", scale=seg_scale, legend=None),
            tooltip=[alt.Tooltip("name:N", title=t("rfm.col.segment")),
                     alt.Tooltip("predicted_spend:Q", format=",.0f", title=t("rfm.col.predicted_spend")),
                     alt.Tooltip("predicted_per_customer:Q", format=",.2f", title=t("rfm.value.per_customer")),
                     alt.Tooltip("historical:Q", format=",.0f", title=t("rfm.col.revenue"))])
        st.altair_chart(chart.properties(height=320), width="stretch")
        span = (res.as_of - pd.Timestamp(first_day)).days
        hold_days = int(min(182, span // 3))
        if hold_days >= 28:
            hold_cal = (res.as_of - pd.Timedelta(days=hold_days + 1)).date().isoformat()
            try:
                check = cached(clv.fit, data_key, orders, calibration_end=hold_cal, holdout_end=cal_end)
            except DataError as exc:
                st.caption(exc.message(ctx.lang))
            else:
                h = check.holdout
                st.markdown("**" + t("rfm.value.holdout_title") + "**")
                st.caption(t("rfm.value.holdout", start=hold_cal, end=cal_end, customers=f"{h['customers']:,}",
                             predicted=f"{h['predicted_repeat_purchases']:,.0f}", actual=f"{h['actual_repeat_purchases']:,}"))
        top = fit.customers.nlargest(200, "predicted_spend")
        st.dataframe(pd.DataFrame({t("rfm.col.customer_id"): top["customer_id"], t("rfm.col.p_alive"): top["p_alive"] * 100,
                                   t("rfm.col.predicted_purchases"): top["predicted_purchases"].round(2),
                                   t("rfm.col.predicted_spend"): top["predicted_spend"]}),
                     hide_index=True, width="stretch", height=260,
                     column_config={t("rfm.col.p_alive"): st.column_config.NumberColumn(format="%.0f%%")})

# ---------------------------------------------------------------- migration matrix
with tabs[4]:
    default_from = max(pd.Timestamp(first_day) + pd.Timedelta(days=1), res.as_of - pd.Timedelta(days=90)).date()
    from_date = st.date_input(t("rfm.page.from_date"), value=default_from, min_value=first_day + dt.timedelta(days=1),
                              max_value=res.as_of.date(), key="rfm_from")
    try:
        mig = cached(rfm.migration, data_key, orders, from_date=from_date.isoformat(), to_date=res.as_of.isoformat(),
                     window_days=WINDOWS[window])
    except DataError as exc:
        st.warning(exc.message(ctx.lang))
    else:
        long = mig.stack().rename("customers").reset_index()
        long["from_name"], long["to_name"] = long["from"].map(seg_name), long["to"].map(seg_name)
        order_from, order_to = [seg_name(s) for s in mig.index], [seg_name(s) for s in mig.columns]
        mbase = alt.Chart(long).encode(x=alt.X("to_name:N", sort=order_to, title=t("rfm.axis.to", date=res.as_of.date().isoformat())),
                                       y=alt.Y("from_name:N", sort=order_from, title=t("rfm.axis.from", date=from_date.isoformat())))
        mtips = [alt.Tooltip("from_name:N", title=t("rfm.axis.from", date=from_date.isoformat())),
                 alt.Tooltip("to_name:N", title=t("rfm.axis.to", date=res.as_of.date().isoformat())),
                 alt.Tooltip("customers:Q", format=",", title=t("rfm.col.customers"))]
        mrect = mbase.mark_rect().encode(color=alt.Color("customers:Q", scale=alt.Scale(scheme="blues", type="symlog"), legend=None), tooltip=mtips)
        mtext = mbase.transform_filter("datum.customers > 0").mark_text(fontSize=11).encode(text="customers:Q", tooltip=mtips)
        st.altair_chart((mrect + mtext).properties(height=420), width="stretch")
        for src, dst in (("champions", "at_risk"), ("champions", "cant_lose_them"), ("loyal", "at_risk")):
            if src in mig.index and dst in mig.columns and mig.loc[src, dst]:
                st.caption(t("rfm.migration.moved", customers=int(mig.loc[src, dst]), src=seg_name(src), dst=seg_name(dst)))

# ---------------------------------------------------------------- customer lists and the workbook
with tabs[5]:
    present = [s for s in segs["segment"] if by.loc[s, "customers"] > 0]
    chosen = st.multiselect(t("rfm.page.pick_segments"), present, format_func=seg_name, key="rfm_pick",
                            placeholder=t("rfm.page.pick_placeholder"))
    view = cust.loc[cust["segment"].isin(chosen)] if chosen else cust
    show = view.head(1000)
    cols = [c for c in ("customer_id", "email", "customer_name", "last_order", "recency_days", "frequency", "monetary",
                        "r_score", "f_score", "m_score") if c in show.columns]
    frame = show.loc[:, cols].rename(columns={c: t(f"rfm.col.{c}") for c in cols})
    frame.insert(len(cols), t("rfm.col.segment"), show["segment"].astype(str).map(seg_name).to_numpy())
    st.dataframe(frame, hide_index=True, width="stretch", height=360, column_config={
        t("rfm.col.last_order"): st.column_config.DateColumn(format="YYYY-MM-DD"),
        t("rfm.col.monetary"): st.column_config.NumberColumn(format="%,.2f")})
    st.caption(t("rfm.page.table_rows", shown=f"{len(show):,}", total=f"{len(view):,}"))
    if chosen:
        data = cached(export.segments_workbook, f"{data_key}|{res.as_of}|{window}", cust, segments=list(chosen), lang=ctx.lang)
        st.download_button(t("rfm.page.download", n=len(chosen)), data, file_name=f"segments_{res.as_of.date().isoformat()}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", key="rfm_download", on_click="ignore")
    else:
        st.caption(t("rfm.page.pick_hint"))
