"""Customers: who to reward, who to win back, how each cohort holds up, and the lists in Excel."""

import datetime as dt

import pandas as pd
import streamlit as st

from cbe_core import export
from cbe_core.customers import clv, rfm
from cbe_core.errors import DataError
from ui import customers_charts as cc
from ui import customers_panels as cp
from ui import money as currency_ui
from ui.cache import cached
from ui.shell import start_page

ctx = start_page("customers")
t = ctx.t
st.title(t("rfm.page.title"))
ctx.require("orders")
orders = ctx.table("orders")
data_key = ctx.key("orders")
cur = ctx.data.reporting
currency_ui.show_exclusions(ctx.data, ctx.lang, "orders")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def stop_with(exc: DataError) -> None:
    st.error(exc.message(ctx.lang), icon=":material/error:")
    st.stop()


# ---------------------------------------------------------------- controls: as-of date, window, model
last_day = pd.Timestamp(orders["order_date"].max()).date()
first_day = pd.Timestamp(orders["order_date"].min()).date()
WINDOWS = {"all": None, "365": 365, "730": 730, "180": 180}
c1, c2, c3, c4 = st.columns([1, 1, 1.3, 1.7])
as_of = c1.date_input(t("rfm.page.as_of"), value=last_day + dt.timedelta(days=1),
                      min_value=first_day + dt.timedelta(days=1), max_value=last_day + dt.timedelta(days=1),
                      key="rfm_as_of", help=t("rfm.page.as_of_help"))
window = cp.url_select(c2, t("rfm.page.window"), list(WINDOWS), "rfm_window", lambda w: t(f"rfm.window.{w}"))
model_name = cp.url_select(c3, t("clv.page.model"), ["auto", "pareto", "mbg", "bgnbd"], "clv_model",
                           lambda m: t(f"clv.model.{m}"), help=t("clv.page.model_help"))
try:
    res = cached(rfm.analyse, data_key, orders, as_of=as_of.isoformat(), window_days=WINDOWS[window])
except DataError as exc:
    stop_with(exc)
cust, segs = res.customers, res.segments
c4.caption(t("rfm.page.scope", customers=f"{len(cust):,}", as_of=res.as_of.date().isoformat()))
for note in res.notes:
    st.caption(":material/info: " + t(note.key, **note.params))
cal_end = (res.as_of - pd.Timedelta(days=1)).date().isoformat()


def value_fit(name: str):
    """The customer-value model fitted up to the as-of date (cached; only tabs that show it call it)."""
    return cached(clv.fit, data_key, orders, calibration_end=cal_end, horizon_days=365, model=name)


# ---------------------------------------------------------------- the answer first
by = segs.set_index("segment")
total_rev = float(segs["revenue"].sum()) or 1.0
WINBACK = ["at_risk", "cant_lose_them"]
winback = by.loc[WINBACK] if set(WINBACK) <= set(by.index) else by.iloc[:0]
k1, k2, k3, k4 = st.columns(4)
k1.metric(t("rfm.kpi.customers"), f"{len(cust):,}")
if "champions" in by.index:
    share = t("rfm.kpi.revenue_share", share=f"{by.loc['champions', 'revenue'] / total_rev:.0%}")
    k2.metric(t("rfm.kpi.champions"), f"{int(by.loc['champions', 'customers']):,}", share,
              delta_color="off", delta_arrow="off")
share = t("rfm.kpi.revenue_share", share=f"{winback['revenue'].sum() / total_rev:.0%}")
k3.metric(t("rfm.kpi.winback"), f"{int(winback['customers'].sum()):,}", share, delta_color="off",
          delta_arrow="off")
k4.metric(t("rfm.kpi.one_time"), f"{(cust['frequency'] == 1).mean():.0%}")
if "cant_lose_them" in by.index and by.loc["cant_lose_them", "customers"] > 0:
    row = by.loc["cant_lose_them"]
    st.info(t("rfm.answer.winback", customers=f"{int(row['customers']):,}",
              revenue=currency_ui.money(row["revenue"], cur), days=f"{row['recency_days']:.0f}",
              action=t("rfm.seg.cant_lose_them.action")),
            icon=":material/campaign:")
if "champions" in by.index and by.loc["champions", "customers"] > 0:
    st.success(t("rfm.answer.reward", customers=f"{int(by.loc['champions', 'customers']):,}",
                 action=t("rfm.seg.champions.action")), icon=":material/workspace_premium:")

# tabs run lazily: only the open tab's work is done on each run
TABS = ("segments", "cohorts", "distributions", "clusters", "value", "migration", "export")
tab = dict(zip(TABS, st.tabs([t(f"rfm.tab.{k}") for k in TABS], key="rfm_tab", on_change="rerun")))
seg_scale = cc.segment_scale(segs["segment"], t)

if tab["segments"].open:
    with tab["segments"]:
        left, right = st.columns([3, 2])
        left.subheader(t("rfm.page.map"))
        left.altair_chart(cc.segment_map_chart(rfm.grid_counts(cust), seg_scale, t), width="stretch")
        right.subheader(t("rfm.page.revenue_by_segment"))
        right.altair_chart(cc.segment_revenue_chart(segs, seg_scale, t), width="stretch")
        table, config = cc.segment_table(segs, t)
        st.dataframe(table, hide_index=True, width="stretch", column_config=config)
        st.caption(t("rfm.page.rules_source"))

if tab["cohorts"].open:
    with tab["cohorts"]:
        try:
            key = f"{ctx.key('orders', 'products')}|{cal_end}|{model_name}"
            cp.cohorts_panel(ctx, value_fit(model_name), key, cur)
        except DataError as exc:
            stop_with(exc)

if tab["distributions"].open:
    with tab["distributions"]:
        st.caption(t("rfm.page.hist_note"))
        fields = (("recency_days", False), ("frequency", False), ("monetary", True))  # (field, log axis)
        for col, (field, log) in zip(st.columns(3), fields):
            h = rfm.histogram(cust[field], bins=30, log=log)
            col.altair_chart(cc.rfm_histogram_chart(h, field, log, t), width="stretch")

if tab["clusters"].open:
    with tab["clusters"]:
        st.write(t("rfm.page.cluster_intro"))
        k_choice = st.selectbox(t("rfm.page.k"), ["auto", 2, 3, 4, 5, 6, 7, 8], key="rfm_k",
                                format_func=lambda k: t("rfm.page.k_auto") if k == "auto" else str(k))
        try:
            cl = cached(rfm.cluster, f"{data_key}|{res.as_of}|{window}", cust,
                        k=None if k_choice == "auto" else int(k_choice))
        except DataError as exc:
            st.warning(exc.message(ctx.lang))
        else:
            st.caption(cc.cluster_caption(cl.k, cl.silhouette, t))
            for note in cl.notes:
                st.caption(t(note.key, **note.params))
            table, config = cc.cluster_table(cl.profiles, t)
            st.dataframe(table, hide_index=True, width="stretch", column_config=config)

if tab["value"].open:
    with tab["value"]:
        try:
            cp.value_panel(ctx, value_fit, model_name, cust, seg_scale, cur)
        except DataError as exc:
            stop_with(exc)

if tab["migration"].open:
    with tab["migration"]:
        first_as_of = first_day + dt.timedelta(days=1)
        default_from = max(pd.Timestamp(first_as_of), res.as_of - pd.Timedelta(days=90)).date()
        from_date = st.date_input(t("rfm.page.from_date"), value=default_from, min_value=first_as_of,
                                  max_value=res.as_of.date(), key="rfm_from")
        try:
            mig = cached(rfm.migration, data_key, orders, from_date=from_date.isoformat(),
                         to_date=res.as_of.isoformat(), window_days=WINDOWS[window])
        except DataError as exc:
            st.warning(exc.message(ctx.lang))
        else:
            chart = cc.migration_chart(mig, from_date.isoformat(), res.as_of.date().isoformat(), t)
            st.altair_chart(chart, width="stretch")
            for line in cc.migration_notes(mig, t):
                st.caption(line)

if tab["export"].open:
    with tab["export"]:
        try:  # the lists carry each customer's churn risk and next order from the value model
            lists = clv.with_predictions(cust, value_fit(model_name).customers)
        except DataError as exc:
            st.caption(exc.message(ctx.lang))
            lists = cust
        present = [s for s in segs["segment"] if by.loc[s, "customers"] > 0]
        chosen = st.multiselect(t("rfm.page.pick_segments"), present, key="rfm_pick",
                                format_func=lambda k: cc.segment_name(k, t),
                                placeholder=t("rfm.page.pick_placeholder"))
        view = lists.loc[lists["segment"].isin(chosen)] if chosen else lists
        show = view.head(1000)
        table, config = cc.customer_table(show, t)
        st.dataframe(table, hide_index=True, width="stretch", height=360, column_config=config)
        st.caption(t("rfm.page.table_rows", shown=f"{len(show):,}", total=f"{len(view):,}"))
        if chosen:
            data = cached(export.segments_workbook, f"{data_key}|{res.as_of}|{window}|{model_name}", lists,
                          segments=list(chosen), lang=ctx.lang, currency=cur)
            st.download_button(t("rfm.page.download", n=len(chosen)), data,
                               file_name=f"segments_{res.as_of.date().isoformat()}.xlsx", mime=XLSX,
                               icon=":material/download:", key="rfm_download", on_click="ignore")
        else:
            st.caption(t("rfm.page.pick_hint"))
