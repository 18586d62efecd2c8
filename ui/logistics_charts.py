"""Charts and tables of the logistics page: the cost/time trade-off, the cost breakdown per option, the
options table, the best mix, Monte Carlo days, the carrier scorecard and the reorder numbers."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from cbe_core import logistics as lg
from ui import charts

Translate = Callable[..., str]
RECOMMENDATIONS = ("best_value", "cheapest", "fastest")

# options table: column -> catalog key of its header, in the order shown
OPTION_COLUMNS = {
    "service": "logi.col.service", "mode": "logi.col.mode", "chargeable_weight_kg": "logi.col.chargeable",
    "cost_per_order": "logi.col.cost", "duty": "logi.cost.duty", "vat": "logi.cost.vat",
    "expected_cost_per_order": "logi.col.expected", "landed_cost": "logi.col.landed",
    "p50_days": "logi.col.p50", "p90_days": "logi.col.p90", "on_time_probability": "logi.col.on_time",
    "time_source": "logi.col.time_source", "duty_rule": "logi.col.duty", "reason": "logi.col.reason",
    "confidence": "logi.col.confidence", "source": "logi.col.source",
}
# parcel inputs prefilled from the chosen product (column -> value when it has none)
PARCEL_FALLBACKS = {"weight_kg": 0.8, "length_cm": 30.0, "width_cm": 20.0, "height_cm": 10.0, "price": 25.0}
SCORECARD_COLUMNS = {
    "carrier": "logi.col.carrier", "shipments": "logi.col.shipments", "score": "logi.col.score",
    "on_time_rate": "logi.col.on_time", "loss_rate": "logi.col.loss_rate",
    "median_days": "logi.col.median_days", "p90_days": "logi.col.p90", "spread_days": "logi.col.spread_days",
    "cs_hours": "logi.col.cs_hours",
}


def parcel_defaults(product: pd.Series | None) -> dict[str, float]:
    """The parcel inputs' starting values: the product's own positive weight, sizes and price, else
    :data:`PARCEL_FALLBACKS`."""
    def pick(col: str, fallback: float) -> float:
        value = product.get(col) if product is not None else None
        return float(value) if value is not None and pd.notna(value) and float(value) > 0 else fallback

    return {col: pick(col, fallback) for col, fallback in PARCEL_FALLBACKS.items()}


def mode_color(mode_label: dict[str, str], t: Translate) -> alt.Color:
    """Colour by translated mode name, one fixed colour per shipping mode (as on every page)."""
    return alt.Color("mode_label:N", title=t("logi.col.mode"),
                     scale=charts.scale(charts.MODE_COLORS, labels=mode_label))


def option_tooltips(t: Translate) -> list[alt.Tooltip]:
    return [alt.Tooltip("service:N", title=t("logi.col.service")),
            alt.Tooltip("mode_label:N", title=t("logi.col.mode")),
            alt.Tooltip("expected_cost_per_order:Q", title=t("logi.col.expected"), format="$.2f"),
            alt.Tooltip("p50_days:Q", title=t("logi.col.p50"), format=".1f"),
            alt.Tooltip("p90_days:Q", title=t("logi.col.p90"), format=".1f"),
            alt.Tooltip("on_time_probability:Q", title=t("logi.col.on_time"), format=".0%")]


def tradeoff_chart(feasible: pd.DataFrame, color: alt.Color, t: Translate) -> alt.LayerChart:
    """Expected cost against delivery days: P50-P90 band per option, the Pareto front ringed and
    joined, the recommendations labelled."""
    tips = option_tooltips(t)
    y = alt.Y("expected_cost_per_order:Q", title=t("logi.col.expected") + " (USD)")
    base = alt.Chart(feasible)
    band = base.mark_rule(strokeWidth=3, opacity=0.6).encode(
        x=alt.X("p50_days:Q", title=t("logi.col.p50") + " – " + t("logi.col.p90")), x2="p90_days:Q", y=y,
        color=color, tooltip=tips)
    dots = base.mark_circle(size=110, opacity=1).encode(x="p90_days:Q", y=y, color=color, tooltip=tips)
    pareto = base.transform_filter("datum.on_pareto")
    ring = pareto.mark_point(size=320, color="black", strokeWidth=1.5).encode(x="p90_days:Q", y=y,
                                                                              tooltip=tips)
    front = pareto.mark_line(color="gray", strokeDash=[4, 3]).encode(x="p90_days:Q", y=y, order="p90_days:Q")
    labels = base.transform_filter("datum.rec != ''").mark_text(
        align="left", dx=10, dy=-16, fontWeight="bold").encode(x="p90_days:Q", y=y, text="rec:N")
    return (front + band + dots + ring + labels).properties(height=360)


def breakdown_chart(feasible: pd.DataFrame, t: Translate) -> alt.Chart:
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
                   t: Translate) -> alt.Chart:
    """Monte Carlo delivery days: orders per day (already aggregated), stacked by mode."""
    hist = hist.assign(mode_label=lambda d: d["mode"].map(mode_label))
    return alt.Chart(hist).mark_bar().encode(
        x=alt.X("day:O", title=t("logi.col.day")), y=alt.Y("sum(orders):Q", title=t("logi.col.orders")),
        color=color, tooltip=[alt.Tooltip("day:O", title=t("logi.col.day")),
                              alt.Tooltip("mode_label:N", title=t("logi.col.mode")),
                              alt.Tooltip("sum(orders):Q", title=t("logi.col.orders"), format=",")]
    ).properties(height=240)


def recommendation_labels(q: lg.Quote, t: Translate) -> dict[str, str]:
    """Service -> its recommendation labels ("Best value · Cheapest"), for the trade-off chart."""
    labels: dict[str, str] = {}
    for kind in RECOMMENDATIONS:
        service = getattr(q, kind)
        if service:
            labels[service] = " · ".join(filter(None, [labels.get(service), t(f"logi.rec.{kind}")]))
    return labels


def options_table(opts: pd.DataFrame, mode_label: dict[str, str], lang: str, t: Translate) -> pd.DataFrame:
    """Every option with translated headers, mode and time source, and why an option is ruled out
    (also the workbook's options sheet)."""
    table = opts.assign(
        mode=opts["mode"].map(mode_label),
        reason=[lg.describe_reason(r, a, lim, lang) for r, a, lim in
                zip(opts["reason"], opts["reason_actual"], opts["reason_limit"])],
        time_source=opts["time_source"].map(lambda s: t(f"logi.time.{s}")))
    return table[list(OPTION_COLUMNS)].rename(columns={c: t(k) for c, k in OPTION_COLUMNS.items()})


def mix_shares_chart(shares: pd.DataFrame, mode_label: dict[str, str], color: alt.Color,
                     t: Translate) -> alt.Chart:
    """Share of orders per service in the best mix."""
    shares = shares.assign(mode_label=shares["mode"].map(mode_label))
    return alt.Chart(shares).mark_bar().encode(
        y=alt.Y("service:N", title=None),
        x=alt.X("share:Q", title=t("logi.col.share"), axis=alt.Axis(format="%")),
        color=color, tooltip=[alt.Tooltip("service:N", title=t("logi.col.service")),
                              alt.Tooltip("share:Q", title=t("logi.col.share"), format=".1%"),
                              alt.Tooltip("orders:Q", title=t("logi.col.orders"), format=",.0f")]
    ).properties(height=max(80, 40 * len(shares)))


def mix_curve_chart(curve: pd.DataFrame, t: Translate) -> alt.Chart:
    """Cost per order of the best mix against the on-time target (feasible targets only)."""
    curve = curve.loc[curve["feasible"]]
    return alt.Chart(curve).mark_line(point=True).encode(
        x=alt.X("target:Q", title=t("logi.col.target"), axis=alt.Axis(format="%"),
                scale=alt.Scale(zero=False)),
        y=alt.Y("cost_per_order:Q", title=t("logi.col.cost_per_order"), scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("target:Q", title=t("logi.col.target"), format=".1%"),
                 alt.Tooltip("cost_per_order:Q", title=t("logi.col.cost_per_order"), format="$.2f")]
    ).properties(height=220)


def scorecard_table(carriers: pd.DataFrame, t: Translate) -> tuple[pd.DataFrame, dict]:
    """The carrier scorecard with translated headers, and its column formats (score as a bar)."""
    frame = carriers[list(SCORECARD_COLUMNS)].rename(columns={c: t(k) for c, k in SCORECARD_COLUMNS.items()})
    score = st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.0f")
    return frame, {t("logi.col.score"): score,
                   t("logi.col.on_time"): st.column_config.NumberColumn(format="percent"),
                   t("logi.col.loss_rate"): st.column_config.NumberColumn(format="percent")}


def reorder_figures(ro: lg.ReorderResult, t: Translate) -> list[tuple[str, str]]:
    """(label, value) of the five reorder cards: safety stock, reorder point, cover, risk, overstock."""
    return [(t("logi.ro.safety_stock"), f"{ro.safety_stock:,.0f}"),
            (t("logi.ro.rop"), f"{ro.reorder_point:,.0f}"),
            (t("logi.ro.cover"), f"{ro.days_of_cover:,.0f}"),
            (t("logi.ro.risk"), f"{ro.stockout_risk:.0%}"),
            (t("logi.ro.overstock"), f"${ro.overstock_storage_per_month:,.2f}")]


def recommendation_card(col, kind: str, q: lg.Quote, t: Translate) -> None:
    """One recommendation card in ``col``: the service, its expected cost, P90 days and on-time odds."""
    service = getattr(q, kind)
    if service is None:
        col.metric(t(f"logi.rec.{kind}"), "—")
        return
    r = q.options.loc[q.options["service"] == service].iloc[0]
    col.metric(t(f"logi.rec.{kind}"), service)
    col.caption(t("logi.kpi.cost_days", cost=f"${r.expected_cost_per_order:,.2f}", days=f"{r.p90_days:.1f}",
                  on_time=f"{r.on_time_probability:.0%}"))


def mix_result(mix: lg.MixResult, mode_label: dict[str, str], color: alt.Color, t: Translate) -> None:
    """The best mix: its cost and on-time rate, the marginal cost of a point, and the shares chart."""
    if not mix.feasible:
        st.warning(t("logi.note.mix_infeasible"))
        return
    st.success(t("logi.mix.result", cost=f"${mix.cost_per_order:,.2f}", monthly=f"${mix.monthly_cost:,.0f}",
                 on_time=f"{mix.on_time:.1%}"))
    st.caption(t("logi.mix.marginal", cost=f"${mix.marginal_cost_per_pp:,.3f}"))
    if mix.cheapest_single:
        cost = f"${mix.cheapest_single_cost:,.2f}"
        st.caption(t("logi.mix.single", service=mix.cheapest_single, cost=cost))
    st.altair_chart(mix_shares_chart(mix.shares, mode_label, color, t), width="stretch")


def simulation_summary(sim: lg.MonteCarloResult, t: Translate) -> str:
    """The Monte Carlo month in one line: cost percentiles, on-time and loss rates."""
    return t("logi.mc.summary", runs=sim.runs, orders=f"{sim.orders:,}", p05=f"${sim.cost_p05:,.0f}",
             p50=f"${sim.cost_p50:,.0f}", p95=f"${sim.cost_p95:,.0f}", on_time=f"{sim.on_time_rate:.1%}",
             lost=f"{sim.loss_rate:.2%}")


def reorder_result(ro: lg.ReorderResult, demand: str, t: Translate) -> None:
    """The reorder panel's answer: the demand it assumed, five cards, and a warning when it is time."""
    st.caption(demand)
    for col, (label, figure) in zip(st.columns(5), reorder_figures(ro, t)):
        col.metric(label, figure)
    if ro.reorder_now:
        st.warning(t("logi.ro.reorder_now"))
    st.caption(t("logi.ro.formula"))
