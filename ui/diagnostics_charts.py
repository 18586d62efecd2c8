"""Charts, cards and tables of the diagnostics page (aggregated tables only, never raw rows)."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from cbe_core import diagnostics as dg
from ui import charts

SEV = charts.SEVERITY_COLORS
Translate = Callable[..., str]

# the KPI cards, in the order they are drawn (those without data are left out)
KPI_CARDS = ["revenue", "orders", "aov", "sessions", "conversion_rate", "bounce_rate", "margin",
             "repurchase_rate", "roas", "acos", "tacos", "buy_box_pct"]
SHARE_COLUMNS = ("sessions_share", "revenue_share", "conversion", "bounce_rate")


def fmt_kpi(kpi: str, v, currency: str | None = None) -> str:
    """A KPI value as shown on the cards: ratios as percentages, money and counts with separators; money
    KPIs carry ``currency`` (the reporting currency) when given."""
    if v is None or v != v:
        return "–"
    if kpi in dg.RATIO_KPIS:
        return f"{v:.1%}"
    text = f"{v:,.2f}" if kpi in ("aov", "roas", "units_per_order") else f"{v:,.0f}"
    return f"{text} {currency}" if currency and kpi in dg.MONEY_KPIS else text


def kpi_card(col, kpi: str, r: pd.Series, compare_to: str, t: Translate, currency: str | None = None) -> None:
    """One KPI card in ``col``: the value (money KPIs name ``currency`` in their label), its change
    against the comparison period, and the benchmark (in the help and as a green/red ▲/▼ caption under
    the card)."""
    ref = r["previous"] if compare_to == "previous" else r["last_year"]
    delta = None if ref != ref or not ref else f"{(r['value'] - ref) / abs(ref):+.1%}"
    good = dg.HIGHER_IS_BETTER.get(kpi)
    help_ = None
    if r["benchmark"] == r["benchmark"]:
        key = "diag.benchmark_est" if r["benchmark_estimate"] else "diag.benchmark"
        help_ = t(key, value=fmt_kpi(kpi, r["benchmark"]), source=r["benchmark_source"],
                  year=int(r["benchmark_year"]))
    label = t(f"diag.kpi.{kpi}")
    if currency and kpi in dg.MONEY_KPIS:  # the code in the label: a value with it overflows the card
        label = f"{label} ({currency})"
    col.metric(label, fmt_kpi(kpi, r["value"]), delta,
               delta_color="off" if good is None else ("normal" if good else "inverse"), help=help_)
    if help_:
        above = r["value"] >= r["benchmark"]
        mark = "▲" if above else "▼"
        ok = above == bool(good)
        benchmark = t("diag.benchmark_short", value=fmt_kpi(kpi, r["benchmark"]))
        col.caption(f":{'green' if ok else 'red'}[{mark}] {benchmark}")


def unavailable_kpis(res: dg.Diagnosis, t: Translate) -> str:
    """One line naming the headline KPIs the data cannot give, each with its reason ('' if none)."""
    missing = [k for k in ("sessions", "margin", "repurchase_rate", "roas") if res.kpis.get(k) is None]
    reasons = {k: t(res.kpis.reasons.get(k, "diag.na.no_data")) for k in missing}
    return " · ".join(f"{t(f'diag.kpi.{k}')}: {t('diag.not_available', reason=reasons[k])}" for k in missing)


def evidence_chart(f: dg.Finding, res: dg.Diagnosis, t: Translate):
    """A small chart that shows the finding's evidence (aggregated tables only)."""
    hi = alt.condition(alt.datum.key == f.slice, alt.value(SEV[f.severity]), alt.value(charts.NEUTRAL_COLOR))
    if f.dimension == "sku" and res.by_sku is not None:
        field = {"high_traffic_low_conversion": "conversion", "high_conversion_low_aov": "aov",
                 "high_bounce": "bounce_rate", "low_buy_box": "buy_box_pct"}.get(f.code, "revenue")
        d = res.by_sku.assign(key=res.by_sku["sku"]).dropna(subset=[field]).nlargest(30, "sessions")
        return alt.Chart(d).mark_bar().encode(
            x=alt.X("sku:N", sort="-y", title=t("diag.col.sku")), y=alt.Y(f"{field}:Q", title=field),
            color=hi,
            tooltip=["sku", "name", alt.Tooltip(f"{field}:Q", format=".3~f"),
                     alt.Tooltip("sessions:Q", format=",")])
    if f.dimension == "campaign" and f.code == "campaign_below_break_even" and res.by_campaign is not None:
        d = res.by_campaign.assign(key=res.by_campaign["campaign"])
        bars = alt.Chart(d).mark_bar().encode(
            x=alt.X("campaign:N", title=t("diag.col.campaign")),
            y=alt.Y("acos:Q", title=t("diag.col.acos"), axis=alt.Axis(format="%")),
            color=hi, tooltip=["campaign", alt.Tooltip("acos:Q", format=".1%"),
                               alt.Tooltip("break_even_acos:Q", format=".1%"),
                               alt.Tooltip("spend:Q", format=",.0f")])
        ticks = alt.Chart(d).mark_tick(color="black", thickness=2).encode(x="campaign:N",
                                                                          y="break_even_acos:Q")
        return bars + ticks
    if f.dimension == "source" and res.by_source is not None:
        d = res.by_source.melt("source", ["sessions_share", "revenue_share"], "share", "v")
        return alt.Chart(d).mark_bar().encode(
            x=alt.X("v:Q", axis=alt.Axis(format="%"), title=None),
            y=alt.Y("source:N", title=t("diag.col.source")), yOffset="share:N",
            color=alt.Color("share:N", title=None),
            tooltip=["source", "share", alt.Tooltip("v:Q", format=".1%")])
    if "metric" in f.evidence:
        lo = pd.Timestamp(f.evidence["start"]) - pd.Timedelta(days=28)
        hi_ = pd.Timestamp(f.evidence["end"]) + pd.Timedelta(days=28)
        col = "ad_spend" if f.dimension == "campaign" else f.evidence["metric"]
        d = res.daily[(res.daily["date"] >= lo) & (res.daily["date"] <= hi_)][["date", col]]
        band = pd.DataFrame({"a": [pd.Timestamp(f.evidence["start"])],
                             "b": [pd.Timestamp(f.evidence["end"]) + pd.Timedelta(days=1)]})
        line = alt.Chart(d).mark_line(point=True).encode(
            x=alt.X("date:T", title=t("diag.col.date")), y=alt.Y(f"{col}:Q", title=t(f"diag.kpi.{col}")),
            tooltip=["date:T", alt.Tooltip(f"{col}:Q", format=",.3~f")])
        return alt.Chart(band).mark_rect(opacity=0.15, color=SEV[f.severity]).encode(x="a:T", x2="b:T") + line
    return None


def source_share_chart(src: pd.DataFrame, t: Translate) -> alt.Chart:
    """Share of sessions against share of revenue per traffic source, side by side."""
    d = src.melt("source", ["sessions_share", "revenue_share"], "share", "v")
    d["share"] = d["share"].map({"sessions_share": t("diag.col.sessions_share"),
                                 "revenue_share": t("diag.col.revenue_share")})
    return alt.Chart(d).mark_bar().encode(
        y=alt.Y("source:N", sort=list(src["source"]), title=t("diag.col.source")), yOffset="share:N",
        x=alt.X("v:Q", axis=alt.Axis(format="%"), title=None), color=alt.Color("share:N", title=None),
        tooltip=[alt.Tooltip("source:N", title=t("diag.col.source")), "share:N",
                 alt.Tooltip("v:Q", format=".1%")]
    ).properties(height=60 + 40 * len(src))


def source_table(src: pd.DataFrame, t: Translate) -> tuple[pd.DataFrame, dict]:
    """The traffic-source table with translated headers, and its column formats."""
    cols = ["source", "sessions", "sessions_share", "revenue", "revenue_share", "conversion", "bounce_rate",
            "revenue_per_session"]
    config = {**{t(f"diag.col.{c}"): st.column_config.NumberColumn(format="percent") for c in SHARE_COLUMNS},
              t("diag.col.revenue"): st.column_config.NumberColumn(format="%,.0f"),
              t("diag.col.sessions"): st.column_config.NumberColumn(format="%,.0f"),
              t("diag.col.revenue_per_session"): st.column_config.NumberColumn(format="%.2f")}
    return src[cols].rename(columns={c: t(f"diag.col.{c}") for c in cols}), config


def quadrant_chart(sk: pd.DataFrame, findings: list[dg.Finding], t: Translate) -> alt.LayerChart:
    """Sessions (log) against conversion per SKU, sized by revenue, with median rules; the SKUs named
    in findings and the top five by revenue are labelled."""
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
    named = {f.slice for f in findings if f.dimension == "sku"} | set(sk.nlargest(5, "revenue")["sku"])
    labels = alt.Chart(sk[sk["sku"].isin(named)]).mark_text(dy=-10, fontSize=11).encode(
        x="sessions:Q", y="conversion:Q", text="sku:N")
    return (pts + rules + labels).properties(height=420)


def change_summary(dec: dg.Decomposition, period_name: str, t: Translate) -> str:
    """The revenue change against ``period_name`` in one sentence, split into its factors (and the
    exchange-rate effect when sales were converted from other currencies)."""
    eff = dec.effect_pct()
    if dec.factors[0] == "sessions":
        text = t("diag.change_summary", change=f"{dec.change_pct:+.1%}", period=period_name,
                 sessions=f"{eff['sessions']:+.1%}", conversion=f"{eff['conversion']:+.1%}",
                 aov=f"{eff['aov']:+.1%}")
    else:
        text = t("diag.change_summary_orders", change=f"{dec.change_pct:+.1%}", period=period_name,
                 orders=f"{eff['orders']:+.1%}", aov=f"{eff['aov']:+.1%}")
    if "fx" in eff:
        text += " " + t("diag.change_summary_fx", fx=f"{eff['fx']:+.1%}")
    return text


def fx_rates_caption(dec: dg.Decomposition, currency: str, t: Translate) -> str | None:
    """The average rate of each other currency before and after ("EUR 1.0813 → 1.1172 USD"), or None."""
    if dec.rates is None:
        return None
    rows = dec.rates.loc[dec.rates["currency"] != currency]
    parts = [f"{r.currency} {r.rate_before:.4g} → {r.rate_after:.4g}" for r in rows.itertuples()
             if r.rate_before == r.rate_before and r.rate_after == r.rate_after]
    return t("diag.fx_rates", rates="; ".join(parts), currency=currency) if parts else None


def waterfall_chart(wf: pd.DataFrame, dec: dg.Decomposition, t: Translate,
                    currency: str | None = None) -> alt.LayerChart:
    """Revenue before, each factor's effect (green up, red down; the exchange-rate effect among them when
    sales were converted) and revenue after, on a zoomed axis; the axis names ``currency``."""
    wf = wf.assign(label=[t(f"diag.wf.{s}") for s in wf["step"]])
    wf["kind"] = ["total" if s in ("before", "after") else ("up" if a >= 0 else "down")
                  for s, a in zip(wf["step"], wf["amount"])]
    wf["text"] = [f"{a:,.0f}" if k == "total" else f"{a:+,.0f}"
                  for k, a in zip(wf["kind"], wf["amount"])]
    inner = wf.iloc[1:-1]
    lo = float(min(inner[["start", "end"]].min().min(), dec.revenue_before, dec.revenue_after))
    hi = float(max(inner[["start", "end"]].max().max(), dec.revenue_before, dec.revenue_after))
    pad = max((hi - lo) * 0.6, abs(hi) * 0.01)
    y = alt.Y("start:Q", title=t("diag.col.revenue") + (f" ({currency})" if currency else ""),
              scale=alt.Scale(domain=[lo - pad, hi + pad], zero=False))
    base = alt.Chart(wf).encode(x=alt.X("label:N", sort=list(wf["label"]), title=None,
                                        axis=alt.Axis(labelAngle=0)))
    kinds = alt.Scale(domain=["total", "up", "down"], range=["#4575b4", charts.LEAD_COLOR, charts.LAG_COLOR])
    bars = base.mark_bar(clip=True).encode(
        y=y, y2="end:Q", color=alt.Color("kind:N", scale=kinds, legend=None),
        tooltip=[alt.Tooltip("label:N", title=t("diag.col.factor")),
                 alt.Tooltip("amount:Q", format=",.0f", title=t("diag.col.effect"))])
    text = base.mark_text(dy=-8).encode(
        y=alt.Y("end:Q", scale=alt.Scale(domain=[lo - pad, hi + pad], zero=False)), text="text:N")
    return (bars + text).properties(height=320)


def drivers_table(top: pd.DataFrame, t: Translate) -> tuple[pd.DataFrame, dict]:
    """The SKUs that moved revenue most, with translated headers, and their column formats."""
    config = {t(f"diag.col.{c}"): st.column_config.NumberColumn(format="%,.0f")
              for c in top.columns if c != "sku"}
    return top.rename(columns=lambda c: t(f"diag.col.{c}")), config


def anomaly_chart(daily: pd.DataFrame, flags: pd.DataFrame, metric: str, t: Translate) -> alt.LayerChart:
    """The daily ``metric`` as a line with the flagged drops and spikes as dots."""
    d = daily[["date", metric]].dropna()
    flags = flags.assign(direction=flags["direction"].map(lambda d: t(f"diag.dir.{d}")))
    line = alt.Chart(d).mark_line(color="#4575b4").encode(
        x=alt.X("date:T", title=t("diag.col.date")), y=alt.Y(f"{metric}:Q", title=t(f"diag.kpi.{metric}")),
        tooltip=["date:T", alt.Tooltip(f"{metric}:Q", format=",.3~f")])
    directions = alt.Scale(domain=[t("diag.dir.drop"), t("diag.dir.spike")],
                           range=[charts.LAG_COLOR, "#fc8d59"])
    dots = alt.Chart(flags).mark_point(size=70, filled=True).encode(
        x="date:T", y="value:Q", color=alt.Color("direction:N", scale=directions, title=None),
        tooltip=["date:T", alt.Tooltip("value:Q", format=",.3~f", title=t("diag.col.value")),
                 alt.Tooltip("expected:Q", format=",.3~f", title=t("diag.col.expected")),
                 alt.Tooltip("z:Q", format=".1f")])
    return (line + dots).properties(height=320)


def ab_result(ab, lift: float, t: Translate) -> None:
    """The verdict of an ``abtest.AbResult``, its five numbers, the interval and the sessions still needed."""
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
        st.write(t("diag.ab.needed", lift=f"{lift:.0%}", needed=f"{ab.sessions_needed:,}",
                   more=f"{ab.more_sessions_needed:,}"))
    for n in ab.notes:
        st.caption(t(n))
    st.caption(t("diag.ab.method"))
