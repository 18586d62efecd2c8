"""Diagnostics: what is wrong with the store, why, and what to do."""

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from cbe_core import diagnostics as dg
from cbe_core import export
from cbe_core.diagnostics import abtest
from cbe_core.errors import DataError
from ui import charts
from ui.cache import cached
from ui.diagnostics_charts import evidence_chart
from ui.diagnostics_charts import fmt_kpi as fmt
from ui.shell import start_page

ctx = start_page("diagnostics")
t = ctx.t
st.title(t("diag.title"))
ctx.require("orders")
orders, traffic, ads, products = (ctx.table(n) for n in ("orders", "traffic", "ads", "products"))
data_key = ctx.key("orders", "traffic", "ads", "products")
SEV = charts.SEVERITY_COLORS


def stop_with(exc: DataError) -> None:
    st.error(exc.message(ctx.lang), icon=":material/error:")
    st.stop()


# ---------------------------------------------------------------- filters
last = pd.Timestamp(orders["order_date"].max()).date()
first = pd.Timestamp(orders["order_date"].min()).date()
c1, c2, c3, c4, c5 = st.columns([2, 1.2, 1.2, 1.6, 1.2])
period = c1.date_input(t("diag.period"), value=(max(first, last - dt.timedelta(days=89)), last), min_value=first,
                       max_value=last, key="diag_period", help=t("diag.period_help"))
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

# ---------------------------------------------------------------- the answer first
st.subheader(t("diag.section.answer"))
if not res.findings:
    st.success(t("diag.no_findings"), icon=":material/check_circle:")
box = {"high": st.error, "medium": st.warning, "low": st.info}
for f in sorted(res.findings, key=lambda f: dg.SEVERITIES.index(f.severity))[:3]:  # stable: money within
    box[f.severity](f"**{f.message(ctx.lang)}**  \n{t('diag.action')}: {f.action(ctx.lang)}",
                    icon=":material/priority_high:" if f.severity == "high" else ":material/lightbulb:")

# ---------------------------------------------------------------- KPI cards with deltas and benchmarks
st.subheader(t("diag.section.kpis"))
CARDS = ["revenue", "orders", "aov", "sessions", "conversion_rate", "bounce_rate", "margin", "repurchase_rate",
         "roas", "acos", "tacos", "buy_box_pct"]
cards = [k for k in CARDS if res.kpis.get(k) is not None][:12]
for row in range(0, len(cards), 6):
    cols = st.columns(6)
    for col, k in zip(cols, cards[row:row + 6]):
        r = comp.loc[k]
        ref = r["previous"] if compare_to == "previous" else r["last_year"]
        delta = None if ref != ref or not ref else f"{(r['value'] - ref) / abs(ref):+.1%}"
        good = dg.HIGHER_IS_BETTER.get(k)
        help_ = None
        if r["benchmark"] == r["benchmark"]:
            key = "diag.benchmark_est" if r["benchmark_estimate"] else "diag.benchmark"
            help_ = t(key, value=fmt(k, r["benchmark"]), source=r["benchmark_source"], year=int(r["benchmark_year"]))
        col.metric(t(f"diag.kpi.{k}"), fmt(k, r["value"]), delta,
                   delta_color="off" if good is None else ("normal" if good else "inverse"), help=help_)
        if help_:
            above = r["value"] >= r["benchmark"]
            mark = "▲" if above else "▼"
            ok = above == bool(good)
            col.caption(f":{'green' if ok else 'red'}[{mark}] {t('diag.benchmark_short', value=fmt(k, r['benchmark']))}")
missing = [k for k in ("sessions", "margin", "repurchase_rate", "roas") if res.kpis.get(k) is None]
if missing:
    st.caption(" · ".join(f"{t(f'diag.kpi.{k}')}: {t('diag.not_available', reason=t(res.kpis.reasons.get(k, 'diag.na.no_data')))}"
                          for k in missing))

tabs = st.tabs([t(k) for k in ("diag.section.findings", "diag.section.traffic", "diag.section.quadrant",
                               "diag.section.waterfall", "diag.section.anomalies", "diag.ab.title",
                               "diag.section.download")])


with tabs[0]:
    if not res.findings:
        st.write(t("diag.no_findings"))
    for i, f in enumerate(res.findings):
        with st.expander(f"{t(f'diag.sev.{f.severity}')} · {f.message(ctx.lang)}", expanded=i == 0):
            st.markdown(f"**{t('diag.action')}:** {f.action(ctx.lang)}")
            st.caption(t("diag.money_at_stake", money=f"{f.money_at_stake:,.0f}") + f" · {t(f'diag.dim.{f.dimension}')}: {f.slice}")
            chart = evidence_chart(f, res, t) if i < 12 else None
            if chart is not None:
                st.altair_chart(chart.properties(height=220), width="stretch")

with tabs[1]:
    src = res.by_source
    if src is None:
        st.info(t("diag.not_available", reason=t(res.kpis.reasons.get("sessions", "diag.na.no_traffic"))))
    else:
        d = src.melt("source", ["sessions_share", "revenue_share"], "share", "v")
        d["share"] = d["share"].map({"sessions_share": t("diag.col.sessions_share"), "revenue_share": t("diag.col.revenue_share")})
        st.altair_chart(alt.Chart(d).mark_bar().encode(
            y=alt.Y("source:N", sort=list(src["source"]), title=t("diag.col.source")), yOffset="share:N",
            x=alt.X("v:Q", axis=alt.Axis(format="%"), title=None), color=alt.Color("share:N", title=None),
            tooltip=[alt.Tooltip("source:N", title=t("diag.col.source")), "share:N", alt.Tooltip("v:Q", format=".1%")]
        ).properties(height=60 + 40 * len(src)), width="stretch")
        cols = ["source", "sessions", "sessions_share", "revenue", "revenue_share", "conversion", "bounce_rate",
                "revenue_per_session"]
        st.dataframe(src[cols].rename(columns={c: t(f"diag.col.{c}") for c in cols}), hide_index=True, width="stretch",
                     column_config={**{t(f"diag.col.{c}"): st.column_config.NumberColumn(format="percent")
                                       for c in ("sessions_share", "revenue_share", "conversion", "bounce_rate")},
                                    t("diag.col.revenue"): st.column_config.NumberColumn(format="%,.0f"),
                                    t("diag.col.sessions"): st.column_config.NumberColumn(format="%,.0f"),
                                    t("diag.col.revenue_per_session"): st.column_config.NumberColumn(format="%.2f")})

with tabs[2]:
    sk = res.by_sku.dropna(subset=["conversion"])
    sk = sk[sk["sessions"] > 0]
    if sk.empty:
        st.info(t("diag.not_available", reason=t(res.kpis.reasons.get("sessions", "diag.na.no_traffic"))))
    else:
        st.caption(t("diag.quadrant.help"))
        pts = alt.Chart(sk).mark_circle(opacity=0.75, stroke="white").encode(
            x=alt.X("sessions:Q", scale=alt.Scale(type="log"), title=t("diag.col.sessions")),
            y=alt.Y("conversion:Q", axis=alt.Axis(format="%"), title=t("diag.col.conversion")),
            size=alt.Size("revenue:Q", title=t("diag.col.revenue")),
            color=alt.Color("category:N", title=t("diag.col.category")),
            tooltip=["sku", "name", "category", alt.Tooltip("sessions:Q", format=","),
                     alt.Tooltip("conversion:Q", format=".2%"), alt.Tooltip("aov:Q", format=",.2f"),
                     alt.Tooltip("revenue:Q", format=",.0f")])
        med = pd.DataFrame({"s": [sk["sessions"].median()], "c": [sk["conversion"].median()]})
        rules = (alt.Chart(med).mark_rule(strokeDash=[4, 4]).encode(x="s:Q")
                 + alt.Chart(med).mark_rule(strokeDash=[4, 4]).encode(y="c:Q"))
        named = {f.slice for f in res.findings if f.dimension == "sku"} | set(sk.nlargest(5, "revenue")["sku"])
        labels = alt.Chart(sk[sk["sku"].isin(named)]).mark_text(dy=-10, fontSize=11).encode(
            x="sessions:Q", y="conversion:Q", text="sku:N")
        st.altair_chart((pts + rules + labels).properties(height=420), width="stretch")

with tabs[3]:
    dec = res.decomposition
    if not dec.revenue_before:
        st.info(t("diag.no_comparison"))
    else:
        eff = dec.effect_pct()
        period_name = t(f"diag.compare.{compare_to}")
        if dec.factors[0] == "sessions":
            st.markdown(t("diag.change_summary", change=f"{dec.change_pct:+.1%}", period=period_name,
                          sessions=f"{eff['sessions']:+.1%}", conversion=f"{eff['conversion']:+.1%}", aov=f"{eff['aov']:+.1%}"))
        else:
            st.markdown(t("diag.change_summary_orders", change=f"{dec.change_pct:+.1%}", period=period_name,
                          orders=f"{eff['orders']:+.1%}", aov=f"{eff['aov']:+.1%}"))
        wf = dg.waterfall(dec)
        wf["label"] = [t(f"diag.wf.{s}") for s in wf["step"]]
        wf["kind"] = ["total" if s in ("before", "after") else ("up" if a >= 0 else "down") for s, a in zip(wf["step"], wf["amount"])]
        wf["text"] = [f"{a:,.0f}" if k == "total" else f"{a:+,.0f}" for k, a in zip(wf["kind"], wf["amount"])]
        inner = wf.iloc[1:-1]
        lo = float(min(inner[["start", "end"]].min().min(), dec.revenue_before, dec.revenue_after))
        hi = float(max(inner[["start", "end"]].max().max(), dec.revenue_before, dec.revenue_after))
        pad = max((hi - lo) * 0.6, abs(hi) * 0.01)
        y = alt.Y("start:Q", title=t("diag.col.revenue"), scale=alt.Scale(domain=[lo - pad, hi + pad], zero=False))
        base = alt.Chart(wf).encode(x=alt.X("label:N", sort=list(wf["label"]), title=None, axis=alt.Axis(labelAngle=0)))
        bars = base.mark_bar(clip=True).encode(
            y=y, y2="end:Q",
            color=alt.Color("kind:N", scale=alt.Scale(domain=["total", "up", "down"], range=["#4575b4", charts.LEAD_COLOR, charts.LAG_COLOR]), legend=None),
            tooltip=[alt.Tooltip("label:N", title=t("diag.col.factor")), alt.Tooltip("amount:Q", format=",.0f", title=t("diag.col.effect"))])
        text = base.mark_text(dy=-8).encode(y=alt.Y("end:Q", scale=alt.Scale(domain=[lo - pad, hi + pad], zero=False)),
                                            text="text:N")
        st.altair_chart((bars + text).properties(height=320), width="stretch")
        st.caption(t("diag.wf.drivers"))
        top = dec.by_sku.head(10)
        st.dataframe(top.rename(columns=lambda c: t(f"diag.col.{c}")), hide_index=True, width="stretch",
                     column_config={t(f"diag.col.{c}"): st.column_config.NumberColumn(format="%,.0f") for c in top.columns if c != "sku"})

with tabs[4]:
    metrics = [m for m in dg.SWING_METRICS if res.daily[m].notna().any()]
    m = st.radio(t("diag.anomaly_metric"), metrics, horizontal=True, format_func=lambda k: t(f"diag.kpi.{k}"), key="diag_anom")
    d = res.daily[["date", m]].dropna()
    flags = res.anomalies[(res.anomalies["metric"] == m) & (res.anomalies["slice"] == "store")].copy()
    flags["direction"] = flags["direction"].map(lambda d: t(f"diag.dir.{d}"))
    line = alt.Chart(d).mark_line(color="#4575b4").encode(x=alt.X("date:T", title=t("diag.col.date")), y=alt.Y(f"{m}:Q", title=t(f"diag.kpi.{m}")),
                                                          tooltip=["date:T", alt.Tooltip(f"{m}:Q", format=",.3~f")])
    dots = alt.Chart(flags).mark_point(size=70, filled=True).encode(
        x="date:T", y="value:Q", color=alt.Color("direction:N", scale=alt.Scale(domain=[t("diag.dir.drop"), t("diag.dir.spike")], range=[charts.LAG_COLOR, "#fc8d59"]), title=None),
        tooltip=["date:T", alt.Tooltip("value:Q", format=",.3~f", title=t("diag.col.value")),
                 alt.Tooltip("expected:Q", format=",.3~f", title=t("diag.col.expected")), alt.Tooltip("z:Q", format=".1f")])
    st.altair_chart((line + dots).properties(height=320), width="stretch")
    if flags.empty:
        st.caption(t("diag.no_anomalies"))

with tabs[5]:
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
        verdict_box = {"ship_b": st.success, "keep_a": st.warning, "keep_testing": st.info}[ab.verdict]
        verdict_box(f"**{t(f'diag.ab.verdict.{ab.verdict}')}** · {t(f'diag.ab.verdict_help.{ab.verdict}')}")
        m1, m2, m3, m4, m5 = st.columns(5)
        m1.metric(t("diag.ab.rate_a"), f"{ab.rate_a:.2%}")
        m2.metric(t("diag.ab.rate_b"), f"{ab.rate_b:.2%}")
        m3.metric(t("diag.ab.lift"), "–" if ab.relative_lift is None else f"{ab.relative_lift:+.1%}")
        m4.metric(t("diag.ab.p_value"), f"{ab.p_value:.3f}")
        m5.metric(t("diag.ab.prob"), f"{ab.prob_b_beats_a:.1%}")
        if ab.ci_low is not None:
            st.write(t("diag.ab.ci", low=f"{ab.ci_low:+.1%}", high=f"{ab.ci_high:+.1%}"))
        if ab.sessions_needed is not None:
            st.write(t("diag.ab.needed", lift=f"{lift:.0%}", needed=f"{ab.sessions_needed:,}", more=f"{ab.more_sessions_needed:,}"))
        for n in ab.notes:
            st.caption(t(n))
        st.caption(t("diag.ab.method"))

with tabs[6]:
    data = export.write_workbook(dg.export_frames(res, ctx.lang))
    st.download_button(t("diag.download_label"), data, file_name=f"diagnostics_{start}_{end}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="diag_xlsx")

if res.notes:
    with st.expander(t("diag.notes")):
        for n in res.notes:
            st.caption(t(n))
