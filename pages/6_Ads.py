"""Ads & keywords: which search terms to scale, which to stop paying for, and what the listing misses."""

import streamlit as st

from cbe_core import ads as core
from cbe_core.ads import bulk
from cbe_core.errors import DataError
from ui import ads_charts as ac
from ui.cache import cached
from ui.shell import start_page

ctx = start_page("ads")
t = ctx.t
st.title(t("ads.page.title"))
ctx.require("search_terms")
frames = [ctx.table(n) for n in ("search_terms", "products", "orders", "ads")]
data_key = ctx.key("search_terms", "products", "orders", "ads")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WINDOWS = {"30": 30, "60": 60, "90": 90, "all": None}

# ---------------------------------------------------------------- the seller's settings
c1, c2, c3, c4 = st.columns([1, 1, 1.2, 1.2])
window = c1.selectbox(t("ads.page.window"), list(WINDOWS), index=1, key="ads_window", bind="query-params",
                      format_func=lambda w: t(f"ads.window.{w}"))
settle = c2.number_input(t("ads.page.settle"), min_value=0, max_value=14, value=3, step=1, key="ads_settle",
                         help=t("ads.page.settle_help"))
no_costs = frames[1] is None and frames[2] is None      # no products, no orders: no break-even to work from
mode = c3.radio(t("ads.page.target_mode"), ("break_even", "flat"), key="ads_target_mode", horizontal=True,
                index=1 if no_costs else 0, format_func=lambda m: t(f"ads.target_mode.{m}"))
if mode == "flat":
    target = c4.number_input(t("ads.page.target"), min_value=1.0, max_value=200.0, value=25.0, step=1.0,
                             key="ads_target", format="%.0f") / 100
    margin = core.breakeven.DEFAULT_SAFETY_MARGIN
else:
    target = None
    margin = c4.slider(t("ads.page.margin"), 0, 30, 5, key="ads_margin", help=t("ads.page.margin_help")) / 100
with st.expander(t("ads.page.more")):
    m1, m2, m3, m4 = st.columns(4)
    min_orders = m1.number_input(t("ads.page.min_orders"), 1, 20, 3, key="ads_min_orders")
    alpha = m2.select_slider(t("ads.page.alpha"), [0.01, 0.025, 0.05, 0.1], value=0.05, key="ads_alpha",
                             help=t("ads.page.alpha_help"))
    step = m3.slider(t("ads.page.max_change"), 5, 50, 20, key="ads_max_change") / 100
    isolate = m4.checkbox(t("ads.page.isolate"), value=True, key="ads_isolate",
                          help=t("ads.page.isolate_help"))
try:
    with st.spinner(t("ui.computing")):
        res = cached(core.analyse, data_key, *frames, window_days=WINDOWS[window], settle_days=int(settle),
                     target_acos=target, safety_margin=margin, min_orders=int(min_orders), alpha=alpha,
                     max_change=step, isolate=isolate)
except DataError as exc:
    st.error(ac.esc(exc.message(ctx.lang)), icon=":material/error:")   # it may quote the file's headers
    st.stop()
p = res.period
st.caption(t("ads.page.scope", start=p["start"], end=p["end"], days=p["settle_days"],
             report_end=p["report_end"], terms=f"{res.terms['search_term'].nunique():,}",
             currency=ac.currency(res, t)))

# ---------------------------------------------------------------- the answer first
ac.answer_cards(res, t)
box = {"harvest": st.success, "negate": st.error, "bid": st.info}
icons = {"harvest": ":material/add_circle:", "negate": ":material/block:", "bid": ":material/tune:"}
actions = ac.top_actions(res, t, ctx.lang)
if not actions:
    st.success(t("ads.page.nothing"), icon=":material/check_circle:")
for kind, text in actions:
    box[kind](text, icon=icons[kind])
for note in res.notes:
    st.caption(":material/info: " + ac.esc(t(note.key, **note.params)))

TABS = ("terms", "scatter", "bids", "listing", "download")
tabs = st.tabs([t(f"ads.tab.{k}") for k in TABS])
terms = res.terms

# ---------------------------------------------------------------- terms with filters
with tabs[0]:
    f1, f2, f3, f4 = st.columns(4)
    camps = f1.multiselect(t("ads.col.campaign"), sorted(terms["campaign"].unique()), key="ads_f_campaign",
                           placeholder=t("ads.page.all"))
    skus = f2.multiselect(t("ads.col.sku"), sorted(s for s in terms["sku"].unique() if s), key="ads_f_sku",
                          placeholder=t("ads.page.all"))
    kinds = f3.multiselect(t("ads.col.match_kind"), [k for k in core.decide.MATCH_KINDS
                                                     if k in set(terms["match_kind"])],
                           format_func=lambda k: t(f"ads.kind.{k}"), key="ads_f_kind",
                           placeholder=t("ads.page.all"))
    decisions = f4.multiselect(t("ads.col.decision"), list(core.DECISIONS), key="ads_f_decision",
                               format_func=lambda d: t(f"ads.decision.{d}"), placeholder=t("ads.page.all"))
    view = ac.filter_terms(terms, camps, skus, kinds, decisions)
    per = st.segmented_control(t("ads.page.per"), ac.GROUPINGS, default="decision", key="ads_per",
                               format_func=lambda g: t(f"ads.per.{g}"))
    if per in (None, "decision"):
        table, config = ac.terms_table(view, res, t, ctx.lang)
        shown = len(view)
    else:   # the same figures summed per the chosen grouping over the decision period (filters apply)
        sums = cached(core.summarise, f"{data_key}|{p['start']}|{p['end']}|{per}", frames[0],
                      by=[per], start=p["start"], end=p["end"])
        table, config = ac.summary_table(ac.filter_summary(sums, per, view), per, res, t)
        shown = len(table)
    st.dataframe(table, hide_index=True, width="stretch", height=420, column_config=config)
    st.caption(t("ads.page.rows", shown=f"{min(shown, ac.MAX_ROWS):,}", total=f"{shown:,}"))

# ---------------------------------------------------------------- spend against ACoS
with tabs[1]:
    st.caption(t("ads.chart.help"))
    if (view["spend"] > 0).any():
        st.altair_chart(ac.spend_acos_chart(view, res, t), width="stretch")
    else:
        st.info(t("ads.page.no_spend"))

# ---------------------------------------------------------------- bid changes
with tabs[2]:
    changes = res.bid_changes
    st.caption(t("ads.page.bids_help", limit=f"{res.settings.max_change:.0%}"))
    if changes.empty:
        st.info(t("ads.page.no_bids"))
    else:
        st.altair_chart(ac.bid_chart(changes, t), width="stretch")
        table, config = ac.bids_table(changes, res, t, ctx.lang)
        st.dataframe(table, hide_index=True, width="stretch", height=360, column_config=config)

# ---------------------------------------------------------------- listing coverage
with tabs[3]:
    cov = res.coverage
    if cov is None:
        st.info(t("ads.page.no_listing"), icon=":material/info:")
    else:
        fields = ", ".join(t(f"ads.field.{f}") for f in cov.fields)
        st.caption(t("ads.page.listing_help", fields=fields))
        left, right = st.columns([3, 2])
        left.subheader(t("ads.page.gaps"))
        if cov.words.empty:
            left.success(t("ads.page.no_gaps"), icon=":material/check_circle:")
        else:
            left.altair_chart(ac.gaps_chart(cov.words, t), width="stretch")
            left.dataframe(ac.gaps_table(cov.words, res, t), hide_index=True, width="stretch")
        right.subheader(t("ads.page.unused"))
        right.caption(t("ads.page.unused_help"))
        right.dataframe(ac.unused_table(cov.unused, t), hide_index=True, width="stretch", height=420)

# ---------------------------------------------------------------- downloads
with tabs[4]:
    key = f"{data_key}|{window}|{settle}|{target}|{margin}|{min_orders}|{alpha}|{step}|{isolate}"
    st.write(t("ads.page.download_intro"))
    st.download_button(t("ads.page.download_bulk"), cached(bulk.bulk_workbook, key, res),
                       file_name=f"sp_bulk_{p['end']}.xlsx", mime=XLSX, icon=":material/download:",
                       key="ads_bulk", on_click="ignore")
    st.caption(t("ads.page.bulk_help"))
    workbook = cached(bulk.decisions_workbook, key, res, lang=ctx.lang)
    st.download_button(t("ads.page.download_workbook"), workbook,
                       file_name=f"ads_decisions_{p['end']}.xlsx", mime=XLSX, icon=":material/download:",
                       key="ads_workbook", on_click="ignore")
