"""Logistics simulator: cost against delivery time for every way to ship, best mix, carriers, reorder point."""

import hashlib

import altair as alt
import pandas as pd
import streamlit as st

from cbe_core import logistics as lg
from cbe_core.export import write_workbook
from ui import charts
from ui.cache import cached
from ui.logistics_charts import breakdown_chart, days_histogram, tradeoff_chart
from ui.shell import start_page

ctx = start_page("logistics")
t = ctx.t
st.title(t("logi.title"))
st.caption(t("logi.intro"))

products, orders, shipments = ctx.table("products"), ctx.table("orders"), ctx.table("shipments")
base_cards = ctx.table("rate_cards")
if base_cards is None:
    base_cards = lg.default_rate_cards()
dests = sorted(base_cards["dest"].astype(str).str.upper().unique())
mode_label = {m: t(f"logi.mode.{m}") for m in charts.MODE_COLORS}

# ---- inputs -----------------------------------------------------------------------------------------
c1, c2, c3, c4 = st.columns(4)
skus = [""] + (sorted(products["sku"].astype(str)) if products is not None else [])
sku = c1.selectbox(t("logi.in.sku"), skus, key="logi_sku", format_func=lambda s: s or t("logi.in.custom"))
row = products.loc[products["sku"].astype(str) == sku].iloc[0] if sku else None


def _default(col, fallback):
    value = row.get(col) if row is not None else None
    return float(value) if value is not None and pd.notna(value) and float(value) > 0 else fallback


dest = c2.selectbox(t("logi.in.dest"), dests, index=dests.index("US") if "US" in dests else 0, key="dest",
                    bind="query-params")
volume = c3.number_input(t("logi.in.volume"), 1, 1_000_000, 300, step=50, key="logi_volume")
promise = c4.number_input(t("logi.in.promise"), 1, 90, 10, key="logi_promise")
d1, d2, d3, d4, d5 = st.columns(5)
weight = d1.number_input(t("logi.in.weight"), 0.01, 500.0, _default("weight_kg", 0.8), key=f"logi_w_{sku}")
length = d2.number_input(t("logi.in.length"), 0.1, 400.0, _default("length_cm", 30.0), key=f"logi_l_{sku}")
width = d3.number_input(t("logi.in.width"), 0.1, 400.0, _default("width_cm", 20.0), key=f"logi_wd_{sku}")
height = d4.number_input(t("logi.in.height"), 0.1, 400.0, _default("height_cm", 10.0), key=f"logi_h_{sku}")
value = d5.number_input(t("logi.in.value"), 0.0, 100_000.0, _default("price", 25.0), key=f"logi_v_{sku}")
with st.expander(t("logi.in.settings")):
    e1, e2, e3, e4 = st.columns(4)
    late_cost = e1.number_input(t("logi.in.late_cost"), 0.0, 1000.0, 2.0, key="logi_late")
    duty_pct = e2.number_input(t("logi.in.duty_rate"), 0.0, 200.0, 0.0, key="logi_duty")
    min_on_time = e3.slider(t("logi.in.min_on_time"), 0, 100, 0, key="logi_min_on_time")
    cost_cap = e4.number_input(t("logi.in.cost_cap"), 0.0, 10_000.0, 0.0, key="logi_cap")
    f1, f2, f3 = st.columns([2, 1, 2])
    preference = f1.slider(t("logi.in.preference"), 0, 100, 50, key="logi_pref")
    on = f2.date_input(t("logi.in.date"), value=pd.Timestamp.today().date(), key="logi_date")
    modes = f3.multiselect(t("logi.in.modes"), list(mode_label), default=list(mode_label),
                           format_func=mode_label.get, key="logi_modes")

answer, evidence, cards_box = st.container(), st.container(), st.container()
with cards_box:
    st.subheader(t("logi.h.cards"))
    st.caption(t("logi.cards.help"))
    dest_cards = base_cards.loc[base_cards["dest"].astype(str).str.upper() == dest].reset_index(drop=True)
    cards = st.data_editor(dest_cards, num_rows="dynamic", key=f"logi_cards_{dest}", hide_index=True,
                           height=260, width="stretch")
    st.subheader(t("logi.h.duties"))
    st.caption(t("logi.note.estimate"))
    all_rules = lg.default_duty_rules()
    rules = st.data_editor(all_rules.loc[all_rules["dest"] == dest].reset_index(drop=True), num_rows="dynamic",
                           key=f"logi_rules_{dest}", hide_index=True, width="stretch")
cards = cards.loc[cards["mode"].astype(str).isin(modes)] if modes else cards
if cards.empty:
    answer.warning(t("err.logi.no_cards"))
    st.stop()

params = dict(cards=cards, weight_kg=weight, dims=(length, width, height), value=value, dest=dest,
              promise_days=float(promise), units_per_month=float(volume), on=str(on), late_cost=late_cost,
              base_duty_rate=duty_pct / 100, preference=1 - preference / 100, min_on_time=min_on_time / 100,
              cost_cap=cost_cap if cost_cap > 0 else float("inf"), rules=rules)
key = ctx.key("shipments")
q = cached(lg.quote_with_history, key, shipments, **params)
opts = q.options
feasible = opts.loc[opts["feasible"]].copy()
feasible["mode_label"] = feasible["mode"].map(mode_label)

# ---- answer first -------------------------------------------------------------------------------------
with answer:
    if q.best_value is None:
        st.warning(t("logi.kpi.none"))
    cols = st.columns(3)
    for col, kind in zip(cols, ("best_value", "cheapest", "fastest")):
        service = getattr(q, kind)
        if service is None:
            col.metric(t(f"logi.rec.{kind}"), "—")
            continue
        r = opts.loc[opts["service"] == service].iloc[0]
        col.metric(t(f"logi.rec.{kind}"), service)
        col.caption(t("logi.kpi.cost_days", cost=f"${r.expected_cost_per_order:,.2f}", days=f"{r.p90_days:.1f}",
                      on_time=f"{r.on_time_probability:.0%}"))
    for note in q.notes:
        st.caption(t(note))

# ---- evidence -----------------------------------------------------------------------------------------
color = alt.Color("mode_label:N", title=t("logi.col.mode"),
                  scale=charts.scale(charts.MODE_COLORS, labels=mode_label))
rec_label: dict[str, str] = {}
for k in ("best_value", "cheapest", "fastest"):
    if getattr(q, k):
        rec_label[getattr(q, k)] = " · ".join(filter(None, [rec_label.get(getattr(q, k)), t(f"logi.rec.{k}")]))
feasible["rec"] = feasible["service"].map(rec_label).fillna("")
with evidence:
    st.subheader(t("logi.h.tradeoff"))
    st.caption(t("logi.h.tradeoff_help"))
    st.altair_chart(tradeoff_chart(feasible, color, t), width="stretch")

    st.subheader(t("logi.h.breakdown"))
    st.altair_chart(breakdown_chart(feasible, t), width="stretch")

    with st.expander(t("logi.h.options")):
        table = opts.assign(
            mode=opts["mode"].map(mode_label),
            reason=[lg.describe_reason(r, a, lim, ctx.lang) for r, a, lim in
                    zip(opts["reason"], opts["reason_actual"], opts["reason_limit"])],
            time_source=opts["time_source"].map(lambda s: t(f"logi.time.{s}")))
        show = ["service", "mode", "chargeable_weight_kg", "cost_per_order", "duty", "vat", "expected_cost_per_order",
                "landed_cost", "p50_days", "p90_days", "on_time_probability", "time_source", "duty_rule", "reason",
                "confidence", "source"]
        names = {"service": "logi.col.service", "mode": "logi.col.mode", "chargeable_weight_kg": "logi.col.chargeable",
                 "cost_per_order": "logi.col.cost", "duty": "logi.cost.duty", "vat": "logi.cost.vat",
                 "expected_cost_per_order": "logi.col.expected", "landed_cost": "logi.col.landed",
                 "p50_days": "logi.col.p50", "p90_days": "logi.col.p90", "on_time_probability": "logi.col.on_time",
                 "time_source": "logi.col.time_source", "duty_rule": "logi.col.duty", "reason": "logi.col.reason",
                 "confidence": "logi.col.confidence", "source": "logi.col.source"}
        export_options = table[show].rename(columns={c: t(k) for c, k in names.items()})
        st.dataframe(export_options, hide_index=True, width="stretch")

    # ---- mix and Monte Carlo
    st.subheader(t("logi.h.mix"))
    g1, g2 = st.columns(2)
    target = g1.slider(t("logi.mix.target"), 50, 99, 90, key="logi_target")
    stock_share = g2.slider(t("logi.mix.stock_share"), 0, 100, 50, key="logi_stock_share", help=t("logi.mix.stock_help"))
    mkey = hashlib.sha256(repr(sorted((k, repr(v)) for k, v in params.items() if k not in ("cards", "rules"))).encode()
                          + pd.util.hash_pandas_object(cards, index=False).to_numpy().tobytes()
                          + pd.util.hash_pandas_object(rules, index=False).to_numpy().tobytes()).hexdigest()
    mix, sim = cached(lg.mix_and_simulate, key + mkey, opts, target=target / 100, volume=float(volume),
                      promise_days=float(promise), late_cost=late_cost, goods_cost=value,
                      stock_max_share=stock_share / 100)
    m1, m2 = st.columns(2)
    with m1:
        if mix.feasible:
            st.success(t("logi.mix.result", cost=f"${mix.cost_per_order:,.2f}", monthly=f"${mix.monthly_cost:,.0f}",
                         on_time=f"{mix.on_time:.1%}"))
            st.caption(t("logi.mix.marginal", cost=f"${mix.marginal_cost_per_pp:,.3f}"))
            if mix.cheapest_single:
                st.caption(t("logi.mix.single", service=mix.cheapest_single, cost=f"${mix.cheapest_single_cost:,.2f}"))
            shares = mix.shares.assign(mode_label=mix.shares["mode"].map(mode_label))
            st.altair_chart(alt.Chart(shares).mark_bar().encode(
                y=alt.Y("service:N", title=None), x=alt.X("share:Q", title=t("logi.col.share"), axis=alt.Axis(format="%")),
                color=color, tooltip=[alt.Tooltip("service:N", title=t("logi.col.service")),
                                      alt.Tooltip("share:Q", title=t("logi.col.share"), format=".1%"),
                                      alt.Tooltip("orders:Q", title=t("logi.col.orders"), format=",.0f")]
            ).properties(height=max(80, 40 * len(shares))), width="stretch")
        else:
            st.warning(t("logi.note.mix_infeasible"))
    with m2:
        st.caption(t("logi.mix.curve"))
        curve = mix.curve.loc[mix.curve["feasible"]]
        st.altair_chart(alt.Chart(curve).mark_line(point=True).encode(
            x=alt.X("target:Q", title=t("logi.col.target"), axis=alt.Axis(format="%"), scale=alt.Scale(zero=False)),
            y=alt.Y("cost_per_order:Q", title=t("logi.col.cost_per_order"), scale=alt.Scale(zero=False)),
            tooltip=[alt.Tooltip("target:Q", title=t("logi.col.target"), format=".1%"),
                     alt.Tooltip("cost_per_order:Q", title=t("logi.col.cost_per_order"), format="$.2f")]
        ).properties(height=220), width="stretch")

    if sim is not None:
        st.subheader(t("logi.h.montecarlo"))
        st.caption(t("logi.mc.summary", runs=sim.runs, orders=f"{sim.orders:,}", p05=f"${sim.cost_p05:,.0f}",
                     p50=f"${sim.cost_p50:,.0f}", p95=f"${sim.cost_p95:,.0f}", on_time=f"{sim.on_time_rate:.1%}",
                     lost=f"{sim.loss_rate:.2%}"))
        st.altair_chart(days_histogram(sim.days_histogram, mode_label, color, t), width="stretch")

    # ---- carrier scorecard
    st.subheader(t("logi.h.scorecard"))
    scorecard = None
    if shipments is None:
        st.info(t("logi.sc.none"))
    else:
        scorecard = cached(lg.carrier_scorecard, key, shipments)
        for f in scorecard.flags.itertuples(index=False):
            st.warning(lg.describe_flag(f.carrier, f.flag, f.value, f.baseline, ctx.lang), icon=":material/warning:")
        if scorecard.flags.empty:
            st.success(t("logi.sc.ok"))
        sc_cols = {"carrier": "logi.col.carrier", "shipments": "logi.col.shipments", "score": "logi.col.score",
                   "on_time_rate": "logi.col.on_time", "loss_rate": "logi.col.loss_rate",
                   "median_days": "logi.col.median_days", "p90_days": "logi.col.p90",
                   "spread_days": "logi.col.spread_days", "cs_hours": "logi.col.cs_hours"}
        sc = scorecard.carriers[list(sc_cols)].rename(columns={c: t(k) for c, k in sc_cols.items()})
        st.dataframe(sc, hide_index=True, width="stretch", column_config={
            t("logi.col.score"): st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.0f"),
            t("logi.col.on_time"): st.column_config.NumberColumn(format="percent"),
            t("logi.col.loss_rate"): st.column_config.NumberColumn(format="percent")})
        st.caption(t("logi.sc.weights", days=scorecard.recent_days))

    # ---- reorder panel
    st.subheader(t("logi.h.reorder"))
    stock = opts.loc[opts["mode"].isin(lg.STOCK_MODES) & opts["lead_days_min"].notna()]
    if stock.empty:
        st.info(t("logi.ro.no_stock_modes"))
    else:
        r1, r2, r3, r4 = st.columns(4)
        service = r1.selectbox(t("logi.ro.service"), list(stock["service"]), key="logi_ro_service")
        on_hand = r2.number_input(t("logi.ro.on_hand"), 0, 10_000_000, 500, step=50, key="logi_on_hand")
        on_order = r3.number_input(t("logi.ro.on_order"), 0, 10_000_000, 0, step=50, key="logi_on_order")
        level = r4.slider(t("logi.ro.level"), 80, 99, 95, key="logi_level")
        s_row = stock.loc[stock["service"] == service].iloc[0]
        lead, lead_sd = lg.lead_time_stats(s_row["lead_days_min"], s_row["lead_days_max"])
        if sku and orders is not None:
            d, sd = lg.demand_stats(orders, sku, dest)
        else:
            d, sd = float(volume) / lg.DAYS_PER_MONTH, (float(volume) / lg.DAYS_PER_MONTH) ** 0.5
        if d <= 0:
            st.info(t("logi.ro.no_demand"))
        else:
            card_row = cards.loc[cards["service"] == service].iloc[0]
            rate = card_row.get("storage_per_cbm_month")
            ro = lg.reorder_point(d, sd, lead, lead_sd, service_level=level / 100, on_hand=on_hand, on_order=on_order,
                                  unit_volume_cbm=length * width * height / 1e6,
                                  storage_per_cbm_month=float(rate) if pd.notna(rate) else 0.0)
            st.caption(t("logi.ro.demand" if sku and orders is not None else "logi.ro.demand_assumed", d=f"{d:.1f}",
                         sd=f"{sd:.1f}", sku=sku, dest=dest, L=f"{lead:.0f}", sL=f"{lead_sd:.1f}"))
            k = st.columns(5)
            k[0].metric(t("logi.ro.safety_stock"), f"{ro.safety_stock:,.0f}")
            k[1].metric(t("logi.ro.rop"), f"{ro.reorder_point:,.0f}")
            k[2].metric(t("logi.ro.cover"), f"{ro.days_of_cover:,.0f}")
            k[3].metric(t("logi.ro.risk"), f"{ro.stockout_risk:.0%}")
            k[4].metric(t("logi.ro.overstock"), f"${ro.overstock_storage_per_month:,.2f}")
            if ro.reorder_now:
                st.warning(t("logi.ro.reorder_now"))
            st.caption(t("logi.ro.formula"))

    sheets = {t("logi.sheet.options"): export_options, t("logi.sheet.cards"): cards}
    if mix.feasible:
        sheets[t("logi.sheet.mix")] = mix.shares
    if scorecard is not None:
        sheets[t("logi.sheet.scorecard")] = scorecard.carriers
    st.download_button(t("logi.download"), write_workbook(sheets), file_name=f"shipping_{dest}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="logi_xlsx")
