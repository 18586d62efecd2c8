"""Diagnostics: what is wrong with the store, why, and what to do."""

import dataclasses
import datetime as dt

import pandas as pd
import streamlit as st

from cbe_core import diagnostics as dg
from cbe_core import export
from cbe_core.diagnostics import abtest
from cbe_core.errors import DataError
from ui import diagnostics_charts as dc
from ui import money as currency_ui
from ui import profit_view
from ui.cache import cached
from ui.shell import start_page

ctx = start_page("diagnostics")
t = ctx.t
st.title(t("diag.title"))
ctx.require("orders")
orders, traffic, ads, products = (ctx.table(n) for n in ("orders", "traffic", "ads", "products"))
data_key = ctx.key("orders", "traffic", "ads", "products")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def stop_with(exc: DataError) -> None:
    st.error(exc.message(ctx.lang), icon=":material/error:")
    st.stop()


# ---------------------------------------------------------------- filters
last = pd.Timestamp(orders["order_date"].max()).date()
first = pd.Timestamp(orders["order_date"].min()).date()
c1, c2, c3, c4, c5 = st.columns([2, 1.2, 1.2, 1.6, 1.2])
period = c1.date_input(t("diag.period"), value=(max(first, last - dt.timedelta(days=89)), last),
                       min_value=first, max_value=last, key="diag_period", help=t("diag.period_help"))
start, end = (period[0], period[-1]) if isinstance(period, (tuple, list)) and period else (first, last)
compare_to = c2.selectbox(t("diag.compare"), dg.COMPARISONS, format_func=lambda k: t(f"diag.compare.{k}"),
                          key="diag_compare", bind="query-params")
dims = ["all", *dg.SLICE_DIMS]
dim = c3.selectbox(t("diag.slice_dim"), dims, key="diag_dim", bind="query-params",
                   format_func=lambda d: t("diag.slice.all") if d == "all" else t(f"diag.dim.{d}"))
value = None
if dim != "all":
    values = cached(dg.slice_values, data_key, orders, traffic, products, dim=dim)
    value = c4.selectbox(t("diag.slice_value"), values, key=f"diag_value_{dim}") if values else None
sens = c5.select_slider(t("diag.sensitivity"), list(dg.SENSITIVITY), value="medium",
                        format_func=lambda s: t(f"diag.sens.{s}"), key="diag_sens")
try:
    with st.spinner(t("diag.loading")):
        res = cached(dg.run_all, data_key, orders, traffic, ads, products, start=str(start), end=str(end),
                     compare_to=compare_to, slice_dim=None if value is None else dim, slice_value=value,
                     sensitivity=sens)
except DataError as exc:
    stop_with(exc)
comp = res.comparison.set_index("kpi")
transactions = ctx.table("transactions")
profit_error = None
try:  # profit per product: its findings join the ranked list (whole store only)
    profit, profit_findings = profit_view.compute(ctx, orders, ads, products, transactions, start, end)
    if value is None:
        res = dataclasses.replace(res, findings=dg.rank([*res.findings, *profit_findings]))
except DataError as exc:
    profit_error = exc
cur = ctx.data.reporting
currency_ui.show_exclusions(ctx.data, ctx.lang, "orders", "ads")

# ---------------------------------------------------------------- the answer first
st.subheader(t("diag.section.answer"))
if not res.findings:
    st.success(t("diag.no_findings"), icon=":material/check_circle:")
box = {"high": st.error, "medium": st.warning, "low": st.info}
for f in sorted(res.findings, key=lambda f: dg.SEVERITIES.index(f.severity))[:3]:  # stable: money within
    icon = ":material/priority_high:" if f.severity == "high" else ":material/lightbulb:"
    box[f.severity](f"**{f.message(ctx.lang)}**  \n{t('diag.action')}: {f.action(ctx.lang)}", icon=icon)

# ---------------------------------------------------------------- KPI cards with deltas and benchmarks
st.subheader(t("diag.section.kpis"))
cards = [k for k in dc.KPI_CARDS if res.kpis.get(k) is not None][:12]
for row in range(0, len(cards), 6):
    for col, k in zip(st.columns(6), cards[row:row + 6]):
        dc.kpi_card(col, k, comp.loc[k], compare_to, t, cur)
if unavailable := dc.unavailable_kpis(res, t):
    st.caption(unavailable)

tabs = st.tabs([t(k) for k in ("diag.section.findings", "profit.tab", "diag.section.traffic",
                               "diag.section.quadrant", "diag.section.waterfall", "diag.section.anomalies",
                               "diag.ab.title", "diag.section.download")])

with tabs[0]:
    if not res.findings:
        st.write(t("diag.no_findings"))
    for i, f in enumerate(res.findings):
        with st.expander(f"{t(f'diag.sev.{f.severity}')} · {f.message(ctx.lang)}", expanded=i == 0):
            st.markdown(f"**{t('diag.action')}:** {f.action(ctx.lang)}")
            money = t("diag.money_at_stake", money=currency_ui.money(f.money_at_stake, cur))
            st.caption(f"{money} · {t(f'diag.dim.{f.dimension}')}: {f.slice}")
            chart = dc.evidence_chart(f, res, t) if i < 12 else None
            if chart is not None:
                st.altair_chart(chart.properties(height=220), width="stretch")

with tabs[1]:
    st.subheader(t("profit.title"))
    if profit_error is not None:
        st.info(profit_error.message(ctx.lang), icon=":material/info:")
    else:
        profit_view.render(ctx, profit, profit_findings, transactions is not None)

with tabs[2]:
    if res.by_source is None:
        st.info(t("diag.not_available", reason=t(res.kpis.reasons.get("sessions", "diag.na.no_traffic"))))
    else:
        st.altair_chart(dc.source_share_chart(res.by_source, t), width="stretch")
        table, config = dc.source_table(res.by_source, t)
        st.dataframe(table, hide_index=True, width="stretch", column_config=config)

with tabs[3]:
    sk = res.by_sku.dropna(subset=["conversion"])
    sk = sk[sk["sessions"] > 0]
    if sk.empty:
        st.info(t("diag.not_available", reason=t(res.kpis.reasons.get("sessions", "diag.na.no_traffic"))))
    else:
        st.caption(t("diag.quadrant.help"))
        st.altair_chart(dc.quadrant_chart(sk, res.findings, t), width="stretch")

with tabs[4]:
    dec = res.decomposition
    if not dec.revenue_before:
        st.info(t("diag.no_comparison"))
    else:
        st.markdown(dc.change_summary(dec, t(f"diag.compare.{compare_to}"), t))
        st.altair_chart(dc.waterfall_chart(dg.waterfall(dec), dec, t, cur), width="stretch")
        if rates := dc.fx_rates_caption(dec, cur, t):
            st.caption(rates)
        st.caption(t("diag.wf.drivers"))
        table, config = dc.drivers_table(dec.by_sku.head(10), t)
        st.dataframe(table, hide_index=True, width="stretch", column_config=config)

with tabs[5]:
    metrics = [m for m in dg.SWING_METRICS if res.daily[m].notna().any()]
    m = st.radio(t("diag.anomaly_metric"), metrics, horizontal=True, format_func=lambda k: t(f"diag.kpi.{k}"),
                 key="diag_anom")
    flags = res.anomalies[(res.anomalies["metric"] == m) & (res.anomalies["slice"] == "store")]
    st.altair_chart(dc.anomaly_chart(res.daily, flags, m, t), width="stretch")
    if flags.empty:
        st.caption(t("diag.no_anomalies"))

with tabs[6]:
    st.caption(t("diag.ab.intro"))
    a1, a2, b1, b2, ml = st.columns(5)
    a_s = a1.number_input(t("diag.ab.a_sessions"), min_value=1, value=1000, step=100, key="ab_as")
    a_o = a2.number_input(t("diag.ab.a_orders"), min_value=0, value=50, step=1, key="ab_ao")
    b_s = b1.number_input(t("diag.ab.b_sessions"), min_value=1, value=1000, step=100, key="ab_bs")
    b_o = b2.number_input(t("diag.ab.b_orders"), min_value=0, value=70, step=1, key="ab_bo")
    lift = ml.slider(t("diag.ab.min_lift"), 0.02, 0.5, 0.10, 0.01, format="%.2f", key="ab_lift")
    try:
        ab = abtest.read_test(a_s, a_o, b_s, b_o, min_lift=lift)
    except DataError as exc:
        st.error(exc.message(ctx.lang))
    else:
        dc.ab_result(ab, lift, t)

with tabs[7]:
    data = export.write_workbook(dg.export_frames(res, ctx.lang, cur))
    st.download_button(t("diag.download_label"), data, file_name=f"diagnostics_{start}_{end}.xlsx",
                       mime=XLSX, key="diag_xlsx")

if res.notes:
    with st.expander(t("diag.notes")):
        for n in res.notes:
            st.caption(t(n))
