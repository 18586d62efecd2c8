"""Charts and tables of the competitors page: price map, share trend, gaps, movers, promotions, reviews.

Review phrases and snippets are seller data: they go into tables only, never into Markdown.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from ui import charts

Translate = Callable[..., str]
RIVAL_COLORS = ["#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"]
STATUS_BACKGROUND = {"lag": "#f8d7da", "lead": "#d4edda"}


def _sides(t: Translate) -> tuple[str, str, str]:
    """Legend labels: our products, competitors, and the rest of the market."""
    return t("comp.legend.own"), t("comp.legend.competitor"), t("comp.legend.others")


def _side_scale(t: Translate) -> alt.Scale:
    own_label, comp_label, _ = _sides(t)
    return alt.Scale(domain=[own_label, comp_label], range=[charts.OWN_COLOR, charts.OTHER_COLOR])


def price_map_chart(units: pd.DataFrame, selected: pd.Series, t: Translate) -> alt.Chart:
    """Price against rating per listing, sized by estimated revenue; ``selected`` listings stand out."""
    own_label, comp_label, _ = _sides(t)
    pts = units.assign(side=units["is_own"].map({True: own_label, False: comp_label}), selected=selected)
    tips = [alt.Tooltip("title:N", title=t("comp.col.product")),
            alt.Tooltip("brand:N", title=t("comp.col.brand")),
            alt.Tooltip("set_id:N", title=t("comp.col.set")),
            alt.Tooltip("price:Q", format=",.2f", title=t("comp.col.price")),
            alt.Tooltip("rating:Q", format=".1f", title=t("comp.col.rating")),
            alt.Tooltip("price_index:Q", format=".2f", title=t("comp.col.price_index")),
            alt.Tooltip("est_monthly_revenue:Q", format=",.0f", title=t("comp.col.revenue")),
            alt.Tooltip("share:Q", format=".1%", title=t("comp.col.share"))]
    bubbles = alt.Chart(pts).mark_circle(stroke="black").encode(
        x=alt.X("price:Q", title=t("comp.col.price"), scale=alt.Scale(zero=False)),
        y=alt.Y("rating:Q", title=t("comp.col.rating"), scale=alt.Scale(zero=False)),
        size=alt.Size("est_monthly_revenue:Q", title=t("comp.col.revenue"), legend=None),
        color=alt.Color("side:N", scale=_side_scale(t), title=None, legend=alt.Legend(orient="bottom")),
        opacity=alt.condition("datum.selected", alt.value(0.95), alt.value(0.45)),
        strokeWidth=alt.condition("datum.selected", alt.value(1.5), alt.value(0)), tooltip=tips)
    return bubbles.properties(height=380)


def share_trend_chart(trend: pd.DataFrame, t: Translate) -> alt.Chart:
    """Weekly share of estimated units: us (thick), the five biggest rival brands, everybody else."""
    own_label, _, other_label = _sides(t)
    last = trend.loc[trend["week"] == trend["week"].max()]
    rivals = last.loc[~last["is_own"]].groupby("brand")["est_monthly_units"].sum().nlargest(5).index
    group = trend["brand"].where(trend["brand"].isin(rivals), other_label).where(~trend["is_own"], own_label)
    weekly = trend.assign(group=group).groupby(["week", "group"], as_index=False)["est_monthly_units"].sum()
    week_total = weekly.groupby("week")["est_monthly_units"].transform("sum")
    weekly["share"] = weekly["est_monthly_units"] / week_total
    domain = [own_label, *rivals, other_label]
    colors = [charts.OWN_COLOR, *RIVAL_COLORS[: len(rivals)], charts.NEUTRAL_COLOR]
    lines = alt.Chart(weekly).mark_line(point=False).encode(
        x=alt.X("week:T", title=t("comp.col.week")),
        y=alt.Y("share:Q", axis=alt.Axis(format="%"), title=t("comp.col.share")),
        color=alt.Color("group:N", scale=alt.Scale(domain=domain, range=colors), title=None,
                        legend=alt.Legend(orient="bottom", columns=4)),
        strokeWidth=alt.condition(alt.datum.group == own_label, alt.value(3.5), alt.value(1.5)),
        tooltip=[alt.Tooltip("week:T", title=t("comp.col.week")),
                 alt.Tooltip("group:N", title=t("comp.col.brand")),
                 alt.Tooltip("share:Q", format=".1%", title=t("comp.col.share"))])
    return lines.properties(height=380)


def fmt_value(dim: str, v: float) -> str:
    """A gap's value or benchmark in the unit of its dimension."""
    if pd.isna(v):
        return "–"
    return {"price": f"{v:,.2f}", "rating": f"{v:.1f}", "reviews": f"{v:,.0f}", "promotion": f"{v:.0%}",
            "share": f"{v * 100:+.1f} pt", "features": f"{v:.0%}"}.get(dim, f"{v:,.2f}")


def gap_table(gaps: pd.DataFrame, t: Translate) -> Styler:
    """One row per own product and dimension, translated, the status cell red (lag) or green (lead)."""
    rows = gaps.to_dict("records")  # one row per own product and dimension: small
    view = pd.DataFrame({
        t("comp.col.product"): gaps["title"],
        t("comp.col.dimension"): [t(f"comp.dim.{d}") for d in gaps["dimension"]],
        t("comp.col.status"): [t(f"comp.status.{s}") for s in gaps["status"]],
        t("comp.col.severity"): [t(f"comp.severity.{s}") for s in gaps["severity"]],
        t("comp.col.value"): [fmt_value(r["dimension"], r["value"]) for r in rows],
        t("comp.col.benchmark"): [fmt_value(r["dimension"], r["benchmark"]) for r in rows],
        t("comp.col.rival"): gaps["rival"].fillna(""), t("comp.col.detail"): gaps["detail"].fillna(""),
        t("comp.col.move"): [t(m) for m in gaps["move"]],
    })
    palette = {t(f"comp.status.{s}"): color for s, color in STATUS_BACKGROUND.items()}
    return view.style.map(lambda v: f"background-color: {palette[v]}" if v in palette else "",
                          subset=[t("comp.col.status")])


def movers_table(changes: pd.DataFrame, t: Translate) -> tuple[pd.DataFrame, dict]:
    """The ten listings whose share moved most (percentage points), and the column formats."""
    mv = changes.dropna(subset=["share_change"])
    mv = mv.reindex(mv["share_change"].abs().sort_values(ascending=False).index).head(10)
    frame = pd.DataFrame({
        t("comp.col.product"): mv["title"], t("comp.col.share_change"): mv["share_change"] * 100,
        t("comp.col.share"): mv["share_last"] * 100,
        t("comp.col.promo_frequency"): mv["promo_frequency"] * 100,
    })
    return frame, {t("comp.col.share_change"): st.column_config.NumberColumn(format="%+.1f"),
                   t("comp.col.share"): st.column_config.NumberColumn(format="%.1f%%"),
                   t("comp.col.promo_frequency"): st.column_config.NumberColumn(format="%.0f%%")}


def promo_timeline_chart(trend: pd.DataFrame, t: Translate) -> alt.Chart:
    """Weeks on promotion of the 15 busiest listings, shaded by discount depth."""
    own_label, comp_label, _ = _sides(t)
    promo = trend.loc[trend["on_promo"]].drop_duplicates(["product_id", "week"])
    busiest = promo.groupby("product_id").size().nlargest(15).index
    promo = promo.loc[promo["product_id"].isin(busiest)]
    promo = promo.assign(listing=promo["title"].str.slice(0, 28),
                         side=promo["is_own"].map({True: own_label, False: comp_label}))
    depth = alt.Scale(scheme="oranges", domain=[0, 0.4])
    timeline = alt.Chart(promo).mark_tick(thickness=3).encode(
        x=alt.X("week:T", title=t("comp.col.week")),
        y=alt.Y("listing:N", title=None, axis=alt.Axis(labelLimit=220)),
        color=alt.Color("promo_depth:Q", scale=depth, title=t("comp.col.promo_depth"),
                        legend=alt.Legend(format="%")),
        tooltip=[alt.Tooltip("listing:N", title=t("comp.col.product")),
                 alt.Tooltip("week:T", title=t("comp.col.week")),
                 alt.Tooltip("price:Q", format=",.2f", title=t("comp.col.price")),
                 alt.Tooltip("promo_depth:Q", format=".0%", title=t("comp.col.promo_depth"))])
    return timeline.properties(height=max(160, 24 * len(busiest)))


def features_table(feats: pd.DataFrame, t: Translate) -> tuple[pd.DataFrame, dict]:
    """What reviews praise in competitors more than in ours (phrase, ratio, rates, snippets)."""
    frame = pd.DataFrame({
        t("comp.col.set"): feats["set_id"], t("comp.col.brand"): feats["brand"],
        t("comp.col.phrase"): feats["phrase"], t("comp.col.ratio"): feats["ratio"],
        t("comp.col.comp_rate"): feats["comp_rate"] * 100, t("comp.col.own_rate"): feats["own_rate"] * 100,
        t("comp.col.snippet"): feats["snippet"], t("comp.col.own_snippet"): feats["own_snippet"],
    })
    return frame, {t("comp.col.ratio"): st.column_config.NumberColumn(format="%.1f×"),
                   t("comp.col.comp_rate"): st.column_config.NumberColumn(format="%.0f%%"),
                   t("comp.col.own_rate"): st.column_config.NumberColumn(format="%.0f%%")}


def phrases_table(part: pd.DataFrame, polarity: str, t: Translate) -> tuple[pd.DataFrame, dict]:
    """A listing's praised (``positive``) or criticised (``negative``) phrases, and the column formats."""
    mentions = part["positive_reviews"] if polarity == "positive" else part["negative_reviews"]
    frame = pd.DataFrame({t("comp.col.phrase"): part["phrase"], t("comp.col.z"): part["z"],
                          t("comp.col.mentions"): mentions, t("comp.col.snippet"): part["snippet"]})
    return frame, {t("comp.col.z"): st.column_config.NumberColumn(format="%.1f")}
