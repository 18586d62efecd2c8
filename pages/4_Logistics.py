"""Logistics simulator: every way to ship, best mix, carriers, reorder point; the restock plan."""

import pandas as pd
import streamlit as st

from cbe_core import logistics as lg
from cbe_core.export import write_workbook
from ui import charts, restock_view
from ui import logistics_charts as lc
from ui import money as currency_ui
from ui.cache import cached, content_digest
from ui.shell import start_page

ctx = start_page("logistics")
t = ctx.t
st.title(t("logi.title"))
st.caption(t("logi.intro"))

# the simulator prices in USD (its rate cards are in USD): products' money back into USD
products = currency_ui.table_in(ctx.data, "products", "USD")
orders, shipments = ctx.table("orders"), ctx.table("shipments")
base_cards = ctx.table("rate_cards")
if base_cards is None:
    base_cards = lg.default_rate_cards()
dests = sorted(base_cards["dest"].astype(str).str.upper().unique())
mode_label = {m: t(f"logi.mode.{m}") for m in charts.MODE_COLORS}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ship_tab, restock_tab = st.tabs([t("logi.tab.ship"), t("restock.tab")])
with restock_tab:  # drawn first: the shipping tab may stop the script
    restock_view.render(ctx, orders, ctx.table("inventory"), products, base_cards)

with ship_tab:

    # ---- inputs -------------------------------------------------------------------------------------
    c1, c2, c3, c4 = st.columns(4)
    skus = [""] + (sorted(products["sku"].astype(str)) if products is not None else [])
    sku = c1.selectbox(t("logi.in.sku"), skus, key="logi_sku", format_func=lambda s: s or t("logi.in.custom"))
    prefill = lc.parcel_defaults(products.loc[products["sku"].astype(str) == sku].iloc[0] if sku else None)
    dest = c2.selectbox(t("logi.in.dest"), dests, index=dests.index("US") if "US" in dests else 0, key="dest",
                        bind="query-params")
    volume = c3.number_input(t("logi.in.volume"), 1, 1_000_000, 300, step=50, key="logi_volume")
    promise = c4.number_input(t("logi.in.promise"), 1, 90, 10, key="logi_promise")
    d1, d2, d3, d4, d5 = st.columns(5)
    weight = d1.number_input(t("logi.in.weight"), 0.01, 500.0, prefill["weight_kg"], key=f"logi_w_{sku}")
    length = d2.number_input(t("logi.in.length"), 0.1, 400.0, prefill["length_cm"], key=f"logi_l_{sku}")
    width = d3.number_input(t("logi.in.width"), 0.1, 400.0, prefill["width_cm"], key=f"logi_wd_{sku}")
    height = d4.number_input(t("logi.in.height"), 0.1, 400.0, prefill["height_cm"], key=f"logi_h_{sku}")
    value = d5.number_input(t("logi.in.value"), 0.0, 100_000.0, prefill["price"], key=f"logi_v_{sku}")
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
        dest_rules = all_rules.loc[all_rules["dest"] == dest].reset_index(drop=True)
        rules = st.data_editor(dest_rules, num_rows="dynamic", key=f"logi_rules_{dest}", hide_index=True,
                               width="stretch")
    cards = cards.loc[cards["mode"].astype(str).isin(modes)] if modes else cards
    if cards.empty:
        answer.warning(t("err.logi.no_cards"))
        st.stop()

    params = dict(cards=cards, weight_kg=weight, dims=(length, width, height), value=value, dest=dest,
                  promise_days=float(promise), units_per_month=float(volume), on=str(on), late_cost=late_cost,
                  base_duty_rate=duty_pct / 100, preference=1 - preference / 100,
                  min_on_time=min_on_time / 100, cost_cap=cost_cap if cost_cap > 0 else float("inf"),
                  rules=rules)
    key = ctx.key("shipments")
    q = cached(lg.quote_with_history, key, shipments, **params)
    opts = q.options
    feasible = opts.loc[opts["feasible"]].copy()
    feasible["mode_label"] = feasible["mode"].map(mode_label)

    # ---- answer first ---------------------------------------------------------------------------------
    with answer:
        if q.best_value is None:
            st.warning(t("logi.kpi.none"))
        for col, kind in zip(st.columns(3), lc.RECOMMENDATIONS):
            lc.recommendation_card(col, kind, q, t)
        for note in q.notes:
            st.caption(t(note))

    # ---- evidence -------------------------------------------------------------------------------------
    color = lc.mode_color(mode_label, t)
    feasible["rec"] = feasible["service"].map(lc.recommendation_labels(q, t)).fillna("")
    with evidence:
        st.subheader(t("logi.h.tradeoff"))
        st.caption(t("logi.h.tradeoff_help"))
        st.altair_chart(lc.tradeoff_chart(feasible, color, t), width="stretch")

        st.subheader(t("logi.h.breakdown"))
        st.altair_chart(lc.breakdown_chart(feasible, t), width="stretch")

        with st.expander(t("logi.h.options")):
            export_options = lc.options_table(opts, mode_label, ctx.lang, t)
            st.dataframe(export_options, hide_index=True, width="stretch")

        # ---- mix and Monte Carlo
        st.subheader(t("logi.h.mix"))
        g1, g2 = st.columns(2)
        target = g1.slider(t("logi.mix.target"), 50, 99, 90, key="logi_target")
        stock_share = g2.slider(t("logi.mix.stock_share"), 0, 100, 50, key="logi_stock_share",
                                help=t("logi.mix.stock_help"))
        mkey = content_digest({k: v for k, v in params.items() if k not in ("cards", "rules")}, cards, rules)
        mix, sim = cached(lg.mix_and_simulate, key + mkey, opts, target=target / 100, volume=float(volume),
                          promise_days=float(promise), late_cost=late_cost, goods_cost=value,
                          stock_max_share=stock_share / 100)
        m1, m2 = st.columns(2)
        with m1:
            lc.mix_result(mix, mode_label, color, t)
        with m2:
            st.caption(t("logi.mix.curve"))
            st.altair_chart(lc.mix_curve_chart(mix.curve, t), width="stretch")

        if sim is not None:
            st.subheader(t("logi.h.montecarlo"))
            st.caption(lc.simulation_summary(sim, t))
            st.altair_chart(lc.days_histogram(sim.days_histogram, mode_label, color, t), width="stretch")

        # ---- carrier scorecard
        st.subheader(t("logi.h.scorecard"))
        scorecard = None
        if shipments is None:
            st.info(t("logi.sc.none"))
        else:
            scorecard = cached(lg.carrier_scorecard, key, shipments)
            for f in scorecard.flags.itertuples(index=False):
                st.warning(lg.describe_flag(f.carrier, f.flag, f.value, f.baseline, ctx.lang),
                           icon=":material/warning:")
            if scorecard.flags.empty:
                st.success(t("logi.sc.ok"))
            table, config = lc.scorecard_table(scorecard.carriers, t)
            st.dataframe(table, hide_index=True, width="stretch", column_config=config)
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
            own_demand = bool(sku) and orders is not None
            if own_demand:
                d, sd = lg.demand_stats(orders, sku, dest)
            else:
                d, sd = float(volume) / lg.DAYS_PER_MONTH, (float(volume) / lg.DAYS_PER_MONTH) ** 0.5
            if d <= 0:
                st.info(t("logi.ro.no_demand"))
            else:
                rate = cards.loc[cards["service"] == service].iloc[0].get("storage_per_cbm_month")
                ro = lg.reorder_point(d, sd, lead, lead_sd, service_level=level / 100, on_hand=on_hand,
                                      on_order=on_order, unit_volume_cbm=length * width * height / 1e6,
                                      storage_per_cbm_month=float(rate) if pd.notna(rate) else 0.0)
                demand = t("logi.ro.demand" if own_demand else "logi.ro.demand_assumed", d=f"{d:.1f}",
                           sd=f"{sd:.1f}", sku=sku, dest=dest, L=f"{lead:.0f}", sL=f"{lead_sd:.1f}")
                lc.reorder_result(ro, demand, t)

        sheets = {t("logi.sheet.options"): export_options, t("logi.sheet.cards"): cards}
        if mix.feasible:
            sheets[t("logi.sheet.mix")] = mix.shares
        if scorecard is not None:
            sheets[t("logi.sheet.scorecard")] = scorecard.carriers
        st.download_button(t("logi.download"), write_workbook(sheets), file_name=f"shipping_{dest}.xlsx",
                           mime=XLSX, key="logi_xlsx")
