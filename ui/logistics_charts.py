"""Charts of the logistics page: the cost/time trade-off and the cost breakdown per option."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd

from cbe_core import logistics as lg


def option_tooltips(t: Callable[..., str]) -> list[alt.Tooltip]:
    return [alt.Tooltip("service:N", title=t("logi.col.service")), alt.Tooltip("mode_label:N", title=t("logi.col.mode")),
            alt.Tooltip("expected_cost_per_order:Q", title=t("logi.col.expected"), format="$.2f"),
            alt.Tooltip("p50_days:Q", title=t("logi.col.p50"), format=".1f"),
            alt.Tooltip("p90_days:Q", title=t("logi.col.p90"), format=".1f"),
            alt.Tooltip("on_time_probability:Q", title=t("logi.col.on_time"), format=".0%")]


def tradeoff_chart(feasible: pd.DataFrame, color: alt.Color, t: Callable[..., str]) -> alt.LayerChart:
    """Expected cost against delivery days: P50-P90 band per option, the Pareto front ringed and
    joined, the recommendations labelled."""
    tips = option_tooltips(t)
    y = alt.Y("expected_cost_per_order:Q", title=t("logi.col.expected") + " (USD)")
    base = alt.Chart(feasible)
    band = base.mark_rule(strokeWidth=3, opacity=0.6).encode(
        x=alt.X("p50_days:Q", title=t("logi.col.p50") + " – " + t("logi.col.p90")), x2="p90_days:Q", y=y, color=color,
        tooltip=tips)
    dots = base.mark_circle(size=110, opacity=1).encode(x="p90_days:Q", y=y, color=color, tooltip=tips)
    ring = base.transform_filter("datum.on_pareto").mark_point(size=320, color="black", strokeWidth=1.5).encode(
        x="p90_days:Q", y=y, tooltip=tips)
    front = base.transform_filter("datum.on_pareto").mark_line(color="gray", strokeDash=[4, 3]).encode(
        x="p90_days:Q", y=y, order="p90_days:Q")
    labels = base.transform_filter("datum.rec != ''").mark_text(align="left", dx=10, dy=-16, fontWeight="bold").encode(
        x="p90_days:Q", y=y, text="rec:N")
    return (front + band + dots + ring + labels).properties(height=360)


def breakdown_chart(feasible: pd.DataFrame, t: Callable[..., str]) -> alt.Chart:
    """Stacked cost components per option (VAT is passed on to the buyer: in the table, not here)."""
    parts = list(lg.COST_COLUMNS)  # VAT is passed on to the buyer: in the table, not in the bars
    comp_label = {c: t(f"logi.cost.{c}") for c in parts}
    long = feasible.melt(id_vars=["service"], value_vars=parts, var_name="component", value_name="amount")
    long = long.loc[long["amount"].abs() > 1e-6].assign(component=lambda d: d["component"].map(comp_label))
    bars = alt.Chart(long).mark_bar().encode(
        y=alt.Y("service:N", title=None, sort=list(feasible["service"])),
        x=alt.X("sum(amount):Q", title=t("logi.col.amount")),
        color=alt.Color("component:N", title=t("logi.col.component"), sort=[comp_label[c] for c in parts]),
        tooltip=[alt.Tooltip("service:N", title=t("logi.col.service")),
                 alt.Tooltip("component:N", title=t("logi.col.component")),
                 alt.Tooltip("sum(amount):Q", title=t("logi.col.amount"), format="$.2f")])
    return bars.properties(height=max(160, 34 * len(feasible)))


def days_histogram(hist: pd.DataFrame, mode_label: dict[str, str], color: alt.Color,
                   t: Callable[..., str]) -> alt.Chart:
    """Monte Carlo delivery days: orders per day (already aggregated), stacked by mode."""
    hist = hist.assign(mode_label=lambda d: d["mode"].map(mode_label))
    return alt.Chart(hist).mark_bar().encode(
        x=alt.X("day:O", title=t("logi.col.day")), y=alt.Y("sum(orders):Q", title=t("logi.col.orders")),
        color=color, tooltip=[alt.Tooltip("day:O", title=t("logi.col.day")),
                              alt.Tooltip("mode_label:N", title=t("logi.col.mode")),
                              alt.Tooltip("sum(orders):Q", title=t("logi.col.orders"), format=",")]
    ).properties(height=240)
