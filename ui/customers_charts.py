"""Charts and tables of the customers (RFM) page: segment map, revenue by segment, R/F/M histograms,
clusters, predicted value, migration, and the customer list. Aggregated tables only, except the
customer list, which is capped by the page."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from ui import charts

Translate = Callable[..., str]
# customer list: columns shown when the data has them, in this order (the segment name follows)
CUSTOMER_COLUMNS = ("customer_id", "email", "customer_name", "last_order", "recency_days", "frequency",
                    "monetary", "r_score", "f_score", "m_score")
LOG_TICKS = (0, 10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000)


def segment_name(key: str, t: Translate) -> str:
    return t(f"rfm.seg.{key}")


def _names(keys: pd.Series, t: Translate) -> pd.Series:
    return keys.map(lambda k: segment_name(k, t))


def segment_scale(segments: pd.Series, t: Translate) -> alt.Scale:
    """Colour scale over translated segment names, one fixed colour per segment (as on every page)."""
    return charts.scale(charts.SEGMENT_COLORS, list(segments), {k: segment_name(k, t) for k in segments})


def segment_map_chart(grid: pd.DataFrame, seg_scale: alt.Scale, t: Translate) -> alt.LayerChart:
    """Customers per R score and FM score, each cell coloured by its segment and labelled with its count."""
    grid = grid.assign(name=lambda d: _names(d["segment"], t))
    color = alt.Color("name:N", scale=seg_scale, title=t("rfm.col.segment"))
    base = alt.Chart(grid).encode(x=alt.X("r_score:O", title=t("rfm.axis.r")),
                                  y=alt.Y("fm_score:O", sort="descending", title=t("rfm.axis.fm")))
    tips = [alt.Tooltip("name:N", title=t("rfm.col.segment")),
            alt.Tooltip("customers:Q", title=t("rfm.col.customers"), format=","),
            alt.Tooltip("revenue:Q", title=t("rfm.col.revenue"), format=",.0f")]
    heat = base.mark_rect(stroke="white").encode(color=color, tooltip=tips)
    text = base.mark_text(fontSize=13).encode(text=alt.Text("customers:Q", format=","), tooltip=tips)
    return (heat + text).properties(height=340)


def segment_revenue_chart(segs: pd.DataFrame, seg_scale: alt.Scale, t: Translate) -> alt.Chart:
    """Revenue per segment, in the segments' order."""
    named = segs.assign(name=_names(segs["segment"], t))
    bars = alt.Chart(named).mark_bar().encode(
        y=alt.Y("name:N", sort=list(named["name"]), title=None),
        x=alt.X("revenue:Q", title=t("rfm.col.revenue")),
        color=alt.Color("name:N", scale=seg_scale, legend=None),
        tooltip=[alt.Tooltip("name:N", title=t("rfm.col.segment")),
                 alt.Tooltip("revenue:Q", format=",.0f", title=t("rfm.col.revenue")),
                 alt.Tooltip("revenue_share:Q", format=".1%", title=t("rfm.col.revenue_share"))])
    return bars.properties(height=340)


def segment_table(segs: pd.DataFrame, t: Translate) -> tuple[pd.DataFrame, dict]:
    """One row per segment: size, revenue, averages and the action to take; and the column formats."""
    frame = pd.DataFrame({
        t("rfm.col.segment"): _names(segs["segment"], t), t("rfm.col.customers"): segs["customers"],
        t("rfm.col.share"): segs["share"] * 100, t("rfm.col.revenue"): segs["revenue"],
        t("rfm.col.revenue_share"): segs["revenue_share"] * 100,
        t("rfm.col.avg_recency_days"): segs["recency_days"], t("rfm.col.avg_frequency"): segs["frequency"],
        t("rfm.col.avg_monetary"): segs["monetary"],
        t("rfm.col.action"): segs["segment"].map(lambda k: t(f"rfm.seg.{k}.action")),
    })
    return frame, {t("rfm.col.share"): st.column_config.NumberColumn(format="%.1f%%"),
                   t("rfm.col.revenue_share"): st.column_config.NumberColumn(format="%.1f%%"),
                   t("rfm.col.revenue"): st.column_config.NumberColumn(format="%,.0f"),
                   t("rfm.col.avg_recency_days"): st.column_config.NumberColumn(format="%.0f"),
                   t("rfm.col.avg_frequency"): st.column_config.NumberColumn(format="%.2f"),
                   t("rfm.col.avg_monetary"): st.column_config.NumberColumn(format="%,.2f")}


def rfm_histogram_chart(h: pd.DataFrame, field: str, log: bool, t: Translate) -> alt.Chart:
    """Customers per bin of ``field`` (bins already counted); ``log`` gives a symlog axis with round ticks."""
    axis = alt.Axis(values=[v for v in LOG_TICKS if v <= h["end"].max()]) if log and len(h) else alt.Undefined
    chart = alt.Chart(h).mark_bar().encode(
        x=alt.X("start:Q", bin="binned", title=t(f"rfm.col.{field}"),
                scale=alt.Scale(type="symlog") if log else alt.Undefined, axis=axis),
        x2="end:Q", y=alt.Y("customers:Q", title=t("rfm.col.customers")),
        tooltip=[alt.Tooltip("start:Q", format=",.0f", title=t("rfm.hist.from")),
                 alt.Tooltip("end:Q", format=",.0f", title=t("rfm.hist.to")),
                 alt.Tooltip("customers:Q", format=",", title=t("rfm.col.customers"))])
    return chart.properties(height=260)


def cluster_caption(k: int, silhouette: dict[int, float], t: Translate) -> str:
    """The number of clusters chosen, with the silhouette score of each k tried."""
    text = t("rfm.page.k_chosen", k=k)
    if silhouette:
        scores = ", ".join(f"k={k}: {v:.2f}" for k, v in silhouette.items())
        text += "  " + t("rfm.page.silhouette", scores=scores)
    return text


def cluster_table(profiles: pd.DataFrame, t: Translate) -> tuple[pd.DataFrame, dict]:
    """One row per cluster: size, averages, the nearest named segment and the segment most found in it."""
    frame = pd.DataFrame({
        t("rfm.col.cluster"): profiles["cluster"], t("rfm.col.customers"): profiles["customers"],
        t("rfm.col.share"): profiles["share"] * 100,
        t("rfm.col.avg_recency_days"): profiles["recency_days"].round(0),
        t("rfm.col.avg_frequency"): profiles["frequency"].round(2),
        t("rfm.col.avg_monetary"): profiles["monetary"].round(2),
        t("rfm.col.nearest_segment"): _names(profiles["nearest_segment"], t),
        t("rfm.col.top_segment"): _names(profiles["top_segment"], t),
        t("rfm.col.top_share"): profiles["top_share"] * 100,
    })
    return frame, {t("rfm.col.share"): st.column_config.NumberColumn(format="%.1f%%"),
                   t("rfm.col.top_share"): st.column_config.NumberColumn(format="%.0f%%")}


def model_caption(fit, t: Translate) -> str:
    """The fitted BG/NBD parameters (and Gamma-Gamma's when it was fitted) of a ``clv.ClvResult``."""
    bg, gg = fit.bgnbd, fit.gamma_gamma
    text = t("rfm.value.params", r=f"{bg.r:.3g}", alpha=f"{bg.alpha:.3g}", a=f"{bg.a:.3g}", b=f"{bg.b:.3g}",
             unit=t(f"clv.unit.{bg.time_unit}"))
    if gg:
        text += "  " + t("rfm.value.gg_params", p=f"{gg.p:.3g}", q=f"{gg.q:.3g}", v=f"{gg.v:.3g}")
    return text


def value_cards(fit, t: Translate) -> None:
    """Three cards of the value forecast: total predicted spend (an estimate), share still active,
    predicted spend per customer."""
    spend = fit.customers["predicted_spend"]
    m1, m2, m3 = st.columns(3)
    m1.metric(t("rfm.value.total"), f"{spend.sum():,.0f}", t("common.estimate"), delta_color="off",
              delta_arrow="off")
    m2.metric(t("rfm.value.active"), f"{fit.customers['p_alive'].mean():.0%}")
    m3.metric(t("rfm.value.avg"), f"{spend.mean():,.2f}")


def holdout_caption(holdout: dict, start: str, end: str, t: Translate) -> str:
    """Repeat purchases the model predicted for the held-out weeks against those that happened."""
    return t("rfm.value.holdout", start=start, end=end, customers=f"{holdout['customers']:,}",
             predicted=f"{holdout['predicted_repeat_purchases']:,.0f}",
             actual=f"{holdout['actual_repeat_purchases']:,}")


def value_by_segment_chart(vbs: pd.DataFrame, seg_scale: alt.Scale, t: Translate) -> alt.Chart:
    """Predicted spend per segment over the horizon, with spend per customer and past revenue."""
    vbs = vbs.assign(name=lambda d: _names(d["segment"], t))
    chart = alt.Chart(vbs).mark_bar().encode(
        y=alt.Y("name:N", sort=list(vbs["name"]), title=None),
        x=alt.X("predicted_spend:Q", title=t("rfm.col.predicted_spend")),
        color=alt.Color("name:N", scale=seg_scale, legend=None),
        tooltip=[alt.Tooltip("name:N", title=t("rfm.col.segment")),
                 alt.Tooltip("predicted_spend:Q", format=",.0f", title=t("rfm.col.predicted_spend")),
                 alt.Tooltip("predicted_per_customer:Q", format=",.2f", title=t("rfm.value.per_customer")),
                 alt.Tooltip("historical:Q", format=",.0f", title=t("rfm.col.revenue"))])
    return chart.properties(height=320)


def top_value_table(customers: pd.DataFrame, t: Translate) -> tuple[pd.DataFrame, dict]:
    """The 200 customers with the highest predicted spend, and the column formats."""
    top = customers.nlargest(200, "predicted_spend")
    frame = pd.DataFrame({t("rfm.col.customer_id"): top["customer_id"],
                          t("rfm.col.p_alive"): top["p_alive"] * 100,
                          t("rfm.col.predicted_purchases"): top["predicted_purchases"].round(2),
                          t("rfm.col.predicted_spend"): top["predicted_spend"]})
    return frame, {t("rfm.col.p_alive"): st.column_config.NumberColumn(format="%.0f%%")}


def migration_chart(mig: pd.DataFrame, from_date: str, to_date: str, t: Translate) -> alt.LayerChart:
    """Customers moving from each segment on ``from_date`` to each segment on ``to_date``."""
    long = mig.stack().rename("customers").reset_index()
    long["from_name"], long["to_name"] = _names(long["from"], t), _names(long["to"], t)
    order_from = [segment_name(s, t) for s in mig.index]
    order_to = [segment_name(s, t) for s in mig.columns]
    base = alt.Chart(long).encode(
        x=alt.X("to_name:N", sort=order_to, title=t("rfm.axis.to", date=to_date)),
        y=alt.Y("from_name:N", sort=order_from, title=t("rfm.axis.from", date=from_date)))
    tips = [alt.Tooltip("from_name:N", title=t("rfm.axis.from", date=from_date)),
            alt.Tooltip("to_name:N", title=t("rfm.axis.to", date=to_date)),
            alt.Tooltip("customers:Q", format=",", title=t("rfm.col.customers"))]
    counts = alt.Scale(scheme="blues", type="symlog")
    rect = base.mark_rect().encode(color=alt.Color("customers:Q", scale=counts, legend=None), tooltip=tips)
    text = base.transform_filter("datum.customers > 0").mark_text(fontSize=11).encode(text="customers:Q",
                                                                                        tooltip=tips)
    return (rect + text).properties(height=420)


def migration_notes(mig: pd.DataFrame, t: Translate) -> list[str]:
    """One line per worrying move that happened (champions or loyal customers slipping to at risk)."""
    moves = (("champions", "at_risk"), ("champions", "cant_lose_them"), ("loyal", "at_risk"))
    return [t("rfm.migration.moved", customers=int(mig.loc[src, dst]), src=segment_name(src, t),
              dst=segment_name(dst, t))
            for src, dst in moves if src in mig.index and dst in mig.columns and mig.loc[src, dst]]


def customer_table(show: pd.DataFrame, t: Translate) -> tuple[pd.DataFrame, dict]:
    """The customer list with translated headers and each customer's segment, and the column formats."""
    cols = [c for c in CUSTOMER_COLUMNS if c in show.columns]
    frame = show.loc[:, cols].rename(columns={c: t(f"rfm.col.{c}") for c in cols})
    frame.insert(len(cols), t("rfm.col.segment"), _names(show["segment"].astype(str), t).to_numpy())
    return frame, {t("rfm.col.last_order"): st.column_config.DateColumn(format="YYYY-MM-DD"),
                   t("rfm.col.monetary"): st.column_config.NumberColumn(format="%,.2f")}
