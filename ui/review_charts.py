"""Home: "since your last review", for a store kept in the workspace (cbe_core.review builds it).

KPI cards for the week against the previous week (same week last year in the caption), the daily
chart, findings new / resolved / still open ranked by money, competitor moves, customers who changed
segment, the stock-at-risk hook, the button that marks the review done and the downloads (the same
self-contained HTML page and workbook as ``python -m cbe_core review``)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from cbe_core.diagnostics import HIGHER_IS_BETTER
from cbe_core.errors import DataError
from cbe_core.i18n import t
from cbe_core.review import review_of
from cbe_core.review import text as rtext

from .cache import cached
from .markdown import escape_markdown
from .workspace import current_store, workspace

CARDS = ("revenue", "orders", "conversion_rate", "ad_spend", "acos", "customers")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _daily_chart(r, lang: str) -> alt.Chart:
    d = r.daily
    this = d.loc[d["date"] >= r.week_start].assign(series=t("review.chart.this_week", lang))
    prev = d.loc[d["date"] < r.week_start].assign(series=t("review.chart.previous_week", lang))
    prev = prev.assign(date=prev["date"] + pd.Timedelta(days=7))
    ly = this.assign(revenue=this["last_year"], series=t("review.chart.last_year", lang))
    ly = ly.dropna(subset=["revenue"])
    data = pd.concat([prev, this, ly])[["date", "revenue", "series"]]
    names = t("review.weekdays", lang).split(",")
    data["day"] = [f"{names[x.day_of_week]} {x:%m-%d}" for x in data["date"]]
    series = [t(f"review.chart.{k}", lang) for k in ("previous_week", "this_week", "last_year")]
    colors = alt.Scale(domain=series, range=["#9ca3af", "#2563eb", "#f59e0b"])
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("day:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("series:N", sort=series),
        y=alt.Y("revenue:Q", title=t("diag.kpi.revenue", lang)),
        color=alt.Color("series:N", scale=colors, title=None, legend=alt.Legend(orient="top")),
        tooltip=["day", "series", alt.Tooltip("revenue:Q", format=",.2f")],
    ).properties(height=260)


def _cards(r, lang: str) -> None:
    rows = r.kpis.set_index("kpi")
    shown = [k for k in CARDS if k in rows.index and pd.notna(rows.loc[k, "value"])]
    for col, k in zip(st.columns(len(shown) or 1), shown):
        x = rows.loc[k]
        better = HIGHER_IS_BETTER.get(k)
        col.metric(t(f"diag.kpi.{k}", lang), rtext.kpi_value(k, x["value"], r.currency, lang),
                   delta=rtext.change(x["change_pct"]) or None,
                   delta_color="normal" if better is not False else "inverse",
                   help=t("review.ui.card_help", lang,
                          previous=rtext.kpi_value(k, x["previous"], r.currency, lang),
                          last_year=rtext.kpi_value(k, x["last_year"], r.currency, lang),
                          yoy=rtext.change(x["yoy_pct"]) or "-"))


def _lines(lines: list[str], lang: str) -> None:
    """Sentences that carry seller text (brands, titles), escaped for Markdown."""
    if lines:
        st.markdown("\n".join("- " + s for s in escape_markdown(pd.Series(lines))))
    else:
        st.caption(t("review.none", lang))


def review_section(ctx) -> None:
    """The weekly review on the home page (only for a store from the workspace with orders)."""
    lang = ctx.lang
    if ctx.data.source != "workspace" or ctx.table("orders") is None:
        return
    try:
        ws = workspace()
        store = current_store(ws)
        last = ws.last_review(store)
    except DataError as exc:
        st.error(exc.message(lang), icon=":material/error:")
        return
    frames = [ctx.table(n) for n in ("orders", "traffic", "ads", "products", "competitors")]
    key = ctx.key("orders", "traffic", "ads", "products", "competitors")
    mark = None if last is None else {k: last[k] for k in ("done_at", "period_end", "findings", "week")}
    try:
        with st.spinner(t("ui.computing", lang)):
            r = cached(review_of, key, *frames, last_review=mark, store=store)
    except DataError as exc:
        st.error(exc.message(lang), icon=":material/error:")
        return
    st.header(t("review.ui.title", lang))
    st.info(escape_markdown(pd.Series([rtext.period_line(r, lang)])).iloc[0], icon=":material/event_repeat:")
    _cards(r, lang)
    st.altair_chart(_daily_chart(r, lang), width="stretch")
    st.subheader(t("review.findings", lang))
    rows = rtext.finding_rows(r, lang)
    if len(rows):
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.caption(t("review.no_findings", lang))
    c1, c2 = st.columns(2)
    notes = dict(r.notes)
    with c1:
        st.subheader(t("review.competitors", lang))
        if "review.note.no_competitors" in notes:
            st.caption(t("review.note.no_competitors", lang))
        else:
            _lines(rtext.competitor_lines(r, lang), lang)
    with c2:
        st.subheader(t("review.customers", lang))
        if "review.note.no_customers" in notes:
            st.caption(t("review.note.no_customers", lang))
        else:
            _lines(rtext.segment_lines(r, lang), lang)
    st.subheader(t("review.stock", lang))
    st.caption(t("review.stock_pending", lang))
    shown = {"review.note.stock_pending", "review.note.no_competitors", "review.note.no_customers"}
    for k, p in r.notes:
        if k not in shown:
            st.caption(escape_markdown(pd.Series([t(k, lang, **p)])).iloc[0])
    _actions(ws, store, r, lang)


def _actions(ws, store: str, r, lang: str) -> None:
    from cbe_core.review.html import review_html

    c1, c2, c3 = st.columns(3)
    if c1.button(t("review.ui.mark_done", lang), type="primary", disabled=r.up_to_date,
                 key="review_done", icon=":material/task_alt:"):
        ws.record_review(store, **r.mark())
        st.rerun()
    c2.download_button(t("review.ui.download_html", lang), review_html(r).encode("utf-8"),
                       file_name=f"review-{r.week}.html", mime="text/html", key="review_html",
                       icon=":material/download:")
    c3.download_button(t("review.ui.download_xlsx", lang), rtext.review_workbook(r),
                       file_name=f"review-{r.week}.xlsx", mime=XLSX, key="review_xlsx",
                       icon=":material/download:")
