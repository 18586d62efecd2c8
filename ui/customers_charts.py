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
                    "monetary", "r_score", "f_score", "m_score", "churn_risk", "expected_next_order")
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
    """The purchase model's parameters (and Gamma-Gamma's when it was fitted) of a ``clv.ClvResult``."""
    m, gg = fit.model, fit.gamma_gamma
    params = ", ".join(f"{k} = {v:.3g}" for k, v in m.params().items() if k != "time_unit")
    text = t("clv.page.params", model=m.label, params=params, unit=t(f"clv.unit.{m.time_unit}"))
    if gg:
        text += "  " + t("rfm.value.gg_params", p=f"{gg.p:.3g}", q=f"{gg.q:.3g}", v=f"{gg.v:.3g}")
    return text


def money(value: float, cur: str, digits: int = 0) -> str:
    """An amount with its currency code in front (or alone when the currency is unknown)."""
    return f"{cur} {value:,.{digits}f}".strip()


def value_cards(fit, t: Translate, cur: str = "") -> None:
    """Four cards of the value forecast: total predicted spend (an estimate), customers likely still
    active, one-time buyers likely still active, predicted spend per customer."""
    c = fit.customers
    spend = c["predicted_spend"]
    one = c.loc[c["frequency"] == 0, "p_alive"]
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("rfm.value.total"), money(spend.sum(), cur), t("common.estimate"), delta_color="off",
              delta_arrow="off")
    m2.metric(t("clv.kpi.active"), f"{c['p_alive'].sum():,.0f}",
              t("clv.kpi.share_of", share=f"{c['p_alive'].mean():.0%}", n=f"{len(c):,}"), delta_color="off",
              delta_arrow="off")
    if len(one):
        m3.metric(t("clv.kpi.one_time_active"), f"{one.mean():.0%}",
                  t("clv.kpi.one_time_n", n=f"{len(one):,}"), delta_color="off", delta_arrow="off")
    m4.metric(t("rfm.value.avg"), money(spend.mean(), cur, 2))


def choice_text(fit, chosen_by_user: bool, t: Translate) -> str:
    """Which model the page uses and why, in a seller's words."""
    if chosen_by_user or fit.selection is None:
        return t("clv.page.chosen_by_you", model=fit.model.label)
    r = fit.selection.reason
    return t(r.key, **r.params)


def comparison_chart(table: pd.DataFrame, t: Translate) -> alt.LayerChart:
    """Repeat purchases each model predicted for the check period, against what happened (a rule)."""
    from cbe_core.customers.models import LABELS

    data = table.assign(name=table["model"].map(LABELS),
                        pick=table["chosen"].map({True: t("clv.chart.chosen"), False: t("clv.chart.other")}))
    tips = [alt.Tooltip("name:N", title=t("clv.col.model")),
            alt.Tooltip("predicted:Q", format=",.0f", title=t("clv.col.predicted")),
            alt.Tooltip("actual:Q", format=",.0f", title=t("clv.col.actual")),
            alt.Tooltip("rmse:Q", format=".3f", title=t("clv.col.rmse"))]
    picks = [t("clv.chart.chosen"), t("clv.chart.other")]
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("name:N", sort=list(data["name"]), title=None),
        x=alt.X("predicted:Q", title=t("clv.col.predicted")),
        color=alt.Color("pick:N", scale=alt.Scale(domain=picks, range=[charts.OWN_COLOR, charts.OTHER_COLOR]),
                        title=None), tooltip=tips)
    actual = alt.Chart(data.head(1)).mark_rule(color=charts.LAG_COLOR, strokeWidth=2).encode(
        x="actual:Q", tooltip=[alt.Tooltip("actual:Q", format=",.0f", title=t("clv.col.actual"))])
    return (bars + actual).properties(height=150)


def comparison_table(table: pd.DataFrame, t: Translate) -> tuple[pd.DataFrame, dict]:
    """The model comparison with translated headers (technical detail)."""
    from cbe_core.customers.models import LABELS

    frame = pd.DataFrame({
        t("clv.col.model"): table["model"].map(LABELS), t("clv.col.log_likelihood"): table["log_likelihood"],
        t("clv.col.predicted"): table["predicted"], t("clv.col.actual"): table["actual"],
        t("clv.col.total_error"): table["total_error"] * 100, t("clv.col.rmse"): table["rmse"],
        t("clv.col.eligible"): table["eligible"], t("clv.col.chosen"): table["chosen"]})
    return frame, {t("clv.col.log_likelihood"): st.column_config.NumberColumn(format="%.2f"),
                   t("clv.col.predicted"): st.column_config.NumberColumn(format="%,.0f"),
                   t("clv.col.actual"): st.column_config.NumberColumn(format="%,.0f"),
                   t("clv.col.total_error"): st.column_config.NumberColumn(format="%+.1f%%"),
                   t("clv.col.rmse"): st.column_config.NumberColumn(format="%.3f")}


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


def top_value_table(customers: pd.DataFrame, t: Translate, cur: str = "") -> tuple[pd.DataFrame, dict]:
    """The 200 customers with the highest predicted spend (in ``cur``), with churn risk and next order."""
    top = customers.nlargest(200, "predicted_spend")
    spend = t("rfm.col.predicted_spend") + (f" ({cur})" if cur else "")
    frame = pd.DataFrame({t("rfm.col.customer_id"): top["customer_id"],
                          t("rfm.col.p_alive"): top["p_alive"] * 100,
                          t("rfm.col.churn_risk"): top["churn_risk"] * 100,
                          t("rfm.col.expected_next_order"): top["expected_next_order"],
                          t("rfm.col.predicted_purchases"): top["predicted_purchases"].round(2),
                          spend: top["predicted_spend"]})
    return frame, {t("rfm.col.p_alive"): st.column_config.NumberColumn(format="%.0f%%"),
                   t("rfm.col.churn_risk"): st.column_config.NumberColumn(format="%.0f%%"),
                   t("rfm.col.expected_next_order"): st.column_config.DateColumn(format="YYYY-MM-DD")}


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
    if "churn_risk" in cols:
        frame[t("rfm.col.churn_risk")] = frame[t("rfm.col.churn_risk")] * 100
    return frame, {t("rfm.col.last_order"): st.column_config.DateColumn(format="YYYY-MM-DD"),
                   t("rfm.col.monetary"): st.column_config.NumberColumn(format="%,.2f"),
                   t("rfm.col.churn_risk"): st.column_config.NumberColumn(format="%.0f%%"),
                   t("rfm.col.expected_next_order"): st.column_config.DateColumn(format="YYYY-MM-DD")}


# ---------------------------------------------------------------------------------- cohorts
STATUS_ORDER = ("observed", "projected")
RETENTION_SCHEME = "blues"  # one numeric scale: the colours do not depend on the language
MAX_LABELLED_CELLS = 400


def cohort_cells(cells: pd.DataFrame, group: str | None) -> pd.DataFrame:
    """The cells of one split group (or all, unsplit), ready to draw."""
    return cells if group is None else cells.loc[cells["group"] == group]


def retention_heatmap(lived: pd.DataFrame, by: str, t: Translate) -> alt.LayerChart:
    """Share of each cohort who bought again, by period since the first order: lived periods only
    (``CohortResult.lived()``; the model's projections are on the value curves), the period in
    progress faded with a dashed outline."""
    data = lived.assign(state=lived["status"].map(lambda s: t(f"cohorts.status.{s}")),
                        faded=lived["status"] != "observed")
    top = float(data["retention"].max()) if len(data) else 1.0
    base = alt.Chart(data).encode(
        x=alt.X("age:O", title=t(f"cohorts.axis.age.{by}")),
        y=alt.Y("cohort:O", sort="ascending", title=t("cohorts.col.cohort"),
                axis=alt.Axis(labelOverlap=len(data) > MAX_LABELLED_CELLS)))
    tips = [alt.Tooltip("cohort:O", title=t("cohorts.col.cohort")),
            alt.Tooltip("age:O", title=t(f"cohorts.axis.age.{by}")),
            alt.Tooltip("customers:Q", format=",", title=t("cohorts.col.customers")),
            alt.Tooltip("retention:Q", format=".1%", title=t("cohorts.col.retention")),
            alt.Tooltip("state:N", title=t("cohorts.col.status"))]
    rect = base.mark_rect(stroke="#555555").encode(
        color=alt.Color("retention:Q", title=t("cohorts.col.retention"),
                        scale=alt.Scale(scheme=RETENTION_SCHEME, domain=[0, max(top, 0.01)]),
                        legend=alt.Legend(format=".0%")),
        opacity=alt.condition("datum.faded", alt.value(0.45), alt.value(1.0)),
        strokeWidth=alt.condition("datum.faded", alt.value(1), alt.value(0)),
        strokeDash=alt.condition("datum.faded", alt.value([3, 2]), alt.value([1, 0])), tooltip=tips)
    rows = data["cohort"].nunique()
    chart = rect
    if len(data) <= MAX_LABELLED_CELLS:
        text = base.mark_text(fontSize=10).encode(
            text=alt.Text("retention:Q", format=".0%"), tooltip=tips,
            color=alt.condition(f"datum.retention > {top * 0.6}", alt.value("white"), alt.value("#222222")))
        chart = rect + text
    return chart.properties(height=max(160, min(22 * rows, 700)))


def value_curve_chart(cells: pd.DataFrame, measure: str, by: str, cur: str, t: Translate) -> alt.Chart:
    """Cumulative value per customer by period since the first order, one line per cohort; projected
    stretches dashed (they start from the last lived point so each line is continuous)."""
    lived = cells.loc[cells["status"] != "projected"].assign(kind="observed")
    proj = cells.loc[cells["status"] == "projected"]
    last = lived.loc[lived["cohort"].isin(proj["cohort"])].groupby(["cohort", "group"]).tail(1)
    proj = pd.concat([last, proj]).assign(kind="projected")
    data = pd.concat([lived, proj], ignore_index=True)
    data["series"] = data["cohort"] + " " + data["kind"]
    data["kind_label"] = data["kind"].map(lambda s: t(f"cohorts.line.{s}"))
    kinds = [t(f"cohorts.line.{s}") for s in STATUS_ORDER]
    title = t(f"cohorts.col.{measure}") + (f" ({cur})" if cur else "")
    return alt.Chart(data).mark_line(strokeWidth=2).encode(
        x=alt.X("age:Q", title=t(f"cohorts.axis.age.{by}"), axis=alt.Axis(tickMinStep=1)),
        y=alt.Y(f"{measure}:Q", title=title),
        color=alt.Color("cohort:O", scale=alt.Scale(scheme="viridis"), title=t("cohorts.col.cohort"),
                        legend=alt.Legend(columns=2, symbolLimit=0)),
        strokeDash=alt.StrokeDash("kind_label:N", scale=alt.Scale(domain=kinds, range=[[1, 0], [5, 4]]),
                                  title=None, legend=alt.Legend(symbolStrokeColor="#444444",
                                                                symbolStrokeWidth=2)),
        detail="series:N",
        tooltip=[alt.Tooltip("cohort:O", title=t("cohorts.col.cohort")),
                 alt.Tooltip("age:Q", title=t(f"cohorts.axis.age.{by}")),
                 alt.Tooltip(f"{measure}:Q", format=",.2f", title=title),
                 alt.Tooltip("kind_label:N", title=t("cohorts.col.status"))],
    ).properties(height=360)


def age_text(age: float, by: str, projected: bool, t: Translate) -> str:
    if pd.isna(age):
        return t("cohorts.payback.not_yet")
    text = t(f"cohorts.age.{by}", n=int(age))
    return text + (" " + t("cohorts.payback.projected") if projected else "")


def acquisition_table(acq: pd.DataFrame, by: str, cur: str, t: Translate) -> tuple[pd.DataFrame, dict]:
    """CAC, 12-period value, LTV:CAC and payback per cohort, with translated headers."""
    unit = f" ({cur})" if cur else ""
    frame = pd.DataFrame({
        t("cohorts.col.cohort"): acq["cohort"], t("cohorts.col.customers"): acq["customers"],
        t("cohorts.col.spend") + unit: acq["spend"], t("cohorts.col.cac") + unit: acq["cac"],
        t("cohorts.col.ltv") + unit: acq["ltv"], t("cohorts.col.ltv_cac"): acq["ltv_cac"],
        t("cohorts.col.payback_age"): [age_text(a, by, p, t) for a, p in
                                       zip(acq["payback_age"], acq["payback_projected"])],
    })
    fmt = st.column_config.NumberColumn(format="%,.2f")
    return frame, {t("cohorts.col.spend") + unit: fmt, t("cohorts.col.cac") + unit: fmt,
                   t("cohorts.col.ltv") + unit: fmt,
                   t("cohorts.col.ltv_cac"): st.column_config.NumberColumn(format="%.1f")}


def acquisition_chart(acq: pd.DataFrame, cur: str, t: Translate) -> alt.Chart:
    """CAC against 12-period gross profit per customer, per cohort."""
    names = {"cac": t("cohorts.col.cac"), "ltv": t("cohorts.col.ltv")}
    long = acq.melt(id_vars="cohort", value_vars=["cac", "ltv"], var_name="what", value_name="amount")
    long["what"] = long["what"].map(names)
    unit = f" ({cur})" if cur else ""
    return alt.Chart(long.dropna()).mark_bar().encode(
        x=alt.X("cohort:O", title=t("cohorts.col.cohort")), xOffset="what:N",
        y=alt.Y("amount:Q", title=t("cohorts.axis.per_customer") + unit),
        color=alt.Color("what:N", scale=alt.Scale(domain=[names["cac"], names["ltv"]],
                                                  range=[charts.LAG_COLOR, charts.LEAD_COLOR]), title=None,
                        legend=alt.Legend(orient="top", labelLimit=400)),
        tooltip=[alt.Tooltip("cohort:O", title=t("cohorts.col.cohort")), alt.Tooltip("what:N", title=" "),
                 alt.Tooltip("amount:Q", format=",.2f", title=t("cohorts.axis.per_customer") + unit)],
    ).properties(height=260)


SPEND_KEY, SPEND_VERSION = "cohort_other_spend", "cohort_other_spend_version"


def _save_spend(editor_key: str, base: pd.DataFrame) -> None:
    """Apply the editor's changes to the saved table and start a fresh editor on it."""
    delta = st.session_state.get(editor_key) or {}
    frame = base.copy()
    for row, changes in delta.get("edited_rows", {}).items():
        for col, value in changes.items():
            frame.loc[frame.index[int(row)], col] = value
    frame = frame.drop(index=[frame.index[int(i)] for i in delta.get("deleted_rows", [])])
    added = pd.DataFrame(delta.get("added_rows", []), columns=frame.columns)
    st.session_state[SPEND_KEY] = pd.concat([frame, added], ignore_index=True)
    st.session_state[SPEND_VERSION] = st.session_state.get(SPEND_VERSION, 0) + 1


def spend_editor(t: Translate) -> pd.DataFrame:
    """Other marketing spend per month and channel, kept in the visitor's session (it survives tab
    switches: the editor is rebuilt on the saved table after each edit)."""
    base = st.session_state.get(SPEND_KEY)
    if base is None:
        base = pd.DataFrame({"month": pd.Series(dtype="str"), "channel": pd.Series(dtype="str"),
                             "spend": pd.Series(dtype="float")})
    key = f"cohort_spend_editor_{st.session_state.get(SPEND_VERSION, 0)}"
    config = {"month": st.column_config.TextColumn(t("cohorts.spend.month"), help="YYYY-MM"),
              "channel": st.column_config.TextColumn(t("cohorts.spend.channel")),
              "spend": st.column_config.NumberColumn(t("cohorts.spend.amount"), min_value=0)}
    st.data_editor(base, num_rows="dynamic", key=key, on_change=_save_spend, args=(key, base),
                   hide_index=True, width="stretch", column_config=config)
    return base
