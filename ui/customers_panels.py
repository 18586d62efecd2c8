"""The heavier tabs of the Customers page (cohorts, predicted value), drawn from core results; the page
script calls them only when their tab is open. Charts and tables come from ``ui.customers_charts``."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from cbe_core import export
from cbe_core.customers import clv, cohorts
from cbe_core.errors import DataError
from ui import customers_charts as cc
from ui.cache import cached, content_digest
from ui.markdown import escape_markdown

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def url_select(container, label: str, options: list[str], key: str, format_func: Callable, **kwargs) -> str:
    """A select box whose choice lives in the URL as the option's key (``?key=value``), not as its
    translated label: a shared link works in both languages, and the choice survives the box not
    being drawn (lazy tabs). The first option is the default and is left out of the URL."""
    wanted = st.query_params.get(key)
    index = options.index(wanted) if wanted in options else 0

    def remember() -> None:
        value = st.session_state[f"{key}_box"]
        if value == options[0]:
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = value

    return container.selectbox(label, options, index=index, key=f"{key}_box", format_func=format_func,
                               on_change=remember, **kwargs)


def cohorts_panel(ctx, fit, key: str, cur: str) -> None:
    """Cohort heat map, value curves (projections dashed), CAC and payback, and the workbook. ``fit``:
    the customer-value model fitted up to the last day (it projects young cohorts); ``key``: the cache
    key of the orders, products and model."""
    t = ctx.t
    orders, products, ads = ctx.table("orders"), ctx.table("products"), ctx.table("ads")
    splits = ["none", "channel", "country", "first_sku"]
    splits += ["traffic_source"] if "traffic_source" in orders.columns else []
    b1, b2, b3 = st.columns([1, 1, 2])
    period = url_select(b1, t("cohorts.page.by"), ["month", "week", "quarter"], "cohort_by",
                        lambda b: t(f"cohorts.by.{b}"))
    chosen = url_select(b2, t("cohorts.page.split"), splits, "cohort_split",
                        lambda s: t(f"cohorts.split.{s}"))
    split = None if chosen == "none" else chosen
    if "traffic_source" not in orders.columns:
        b2.caption(t("cohorts.page.no_traffic_source"))
    co = cached(cohorts.build, key, orders, products, fit, by=period, split=split)
    group = None
    if split is not None:
        sizes = co.cohorts.groupby("group")["customers"].sum().sort_values(ascending=False)
        group = b3.selectbox(t("cohorts.page.group"), list(sizes.index), key="cohort_group",
                             format_func=lambda g: g or t("cohorts.group.unknown"))
    cells = cc.cohort_cells(co.cells, group)
    small = co.cohorts.loc[co.cohorts["small"] & ((co.cohorts["group"] == group) | (group is None))]
    if len(small):
        st.warning(t("cohorts.page.small", cohorts=", ".join(escape_markdown(small["cohort"])),
                     min=co.min_customers), icon=":material/warning:")
    st.subheader(t("cohorts.page.heat_title"))
    st.altair_chart(cc.retention_heatmap(cc.cohort_cells(co.lived(), group), period, t), width="stretch")
    st.caption(t("cohorts.page.heat_caption"))
    measure = "cum_gross_profit_per_customer" if co.has_profit else "cum_net_sales_per_customer"
    st.subheader(t("cohorts.page.curve_title"))
    st.altair_chart(cc.value_curve_chart(cells, measure, period, cur, t), width="stretch")
    for note in co.notes:
        if note.key != "cohorts.note.small":
            st.caption(":material/info: " + t(note.key, **note.params))
    st.subheader(t("cohorts.page.cac_title"))
    with st.expander(t("cohorts.page.other_spend")):
        st.caption(t("cohorts.page.other_spend_help"))
        other = cc.spend_editor(t)
    try:
        acq = cached(cohorts.acquisition, f"{key}|{period}|{split}|{ctx.key('ads')}", co, ads,
                     other_spend=other)
    except DataError as exc:
        st.warning(exc.message(ctx.lang))
        acq = cohorts.acquisition(co)
    if len(acq):
        st.altair_chart(cc.acquisition_chart(acq, cur, t), width="stretch")
        table, config = cc.acquisition_table(acq, period, cur, t)
        st.dataframe(table, hide_index=True, width="stretch", column_config=config)
        st.caption(t("cohorts.page.cac_caption"))
    else:
        st.info(t("cohorts.page.no_spend"), icon=":material/info:")
    book = cached(export.cohorts_workbook, f"{key}|{period}|{split}|{content_digest({}, acq)}", co, acq,
                  lang=ctx.lang)
    st.download_button(t("cohorts.page.download"), book, file_name=f"cohorts_{period}.xlsx", mime=XLSX,
                       icon=":material/download:", key="cohort_download", on_click="ignore")


def value_panel(ctx, value_fit: Callable, model_name: str, rfm_customers: pd.DataFrame, seg_scale, cur: str
                ) -> None:
    """Predicted value with the model in use and why (seller's words), the holdout check of every
    model, the technical detail in an expander, and the customers worth most."""
    t = ctx.t
    st.write(t("clv.page.intro"))
    fit, auto = value_fit(model_name), value_fit("auto")
    st.info(cc.choice_text(fit, model_name != "auto", t), icon=":material/model_training:")
    if model_name == "bgnbd":
        st.warning(t("clv.page.bgnbd_warning"), icon=":material/warning:")
    cc.value_cards(fit, t, cur)
    for note in fit.notes:
        st.caption(t(note.key, **note.params))
    vbs = clv.value_by_segment(fit.customers, rfm_customers)
    st.altair_chart(cc.value_by_segment_chart(vbs, seg_scale, t), width="stretch")
    sel = auto.selection
    st.markdown("**" + t("rfm.value.holdout_title") + "**")
    if sel.holdout_end is not None:
        st.caption(t("clv.page.check_caption", start=sel.calibration_end.date().isoformat(),
                     end=sel.holdout_end.date().isoformat(), customers=f"{sel.customers:,}"))
        st.altair_chart(cc.comparison_chart(sel.table, t), width="stretch")
    else:
        st.caption(t("clv.page.no_check"))
    with st.expander(t("clv.page.technical")):
        table, config = cc.comparison_table(sel.table, t)
        st.dataframe(table, hide_index=True, width="stretch", column_config=config)
        st.caption(cc.model_caption(fit, t))
        st.caption(t("clv.page.rmse_help"))
    table, config = cc.top_value_table(fit.customers, t, cur)
    st.dataframe(table, hide_index=True, width="stretch", height=260, column_config=config)
