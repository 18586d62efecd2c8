"""Charts and tables of the Ads & keywords page: the answer cards, the terms table, spend against ACoS
with the break-even line, bid changes and listing coverage. Aggregated and capped before drawing; data
shown in Markdown-rendering elements is escaped; money carries its currency."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from cbe_core.ads import explain
from ui import charts
from ui.markdown import escape_markdown

Translate = Callable[..., str]
DECISION_COLORS = {"harvest": "#1a9850", "negate": "#d73027", "watch": "#fdae61", "keep": "#9aa4b2"}
DIRECTION_COLORS = {"up": "#1a9850", "down": "#d73027"}
ACOS_CAP = 2.0          # ACoS above 200% (and "no sales") drawn at the top of the scatter
MAX_POINTS = 600
MAX_ROWS = 1000
# "per" choices of the terms tab: the decisions (one row per term, targeting, ad group...) or sums per key
GROUPINGS = ("decision", "search_term", "targeting", "ad_group", "campaign", "sku")


def esc(text: str) -> str:
    return escape_markdown(pd.Series([text])).iloc[0]


def currency(res, t: Translate) -> str:
    return res.currency or t("ads.currency.unknown")


def money(value: float, res, t: Translate) -> str:
    return explain.money(value, currency(res, t))


def answer_cards(res, t: Translate) -> None:
    """The four headline figures, money with its currency."""
    k1, k2, k3, k4 = st.columns(4)
    k1.metric(t("ads.kpi.wasted_30d"), money(res.wasted_30d, res, t),
              t("ads.kpi.terms", n=len(res.negate)), delta_color="off", delta_arrow="off",
              help=t("ads.kpi.wasted_help"))
    k2.metric(t("ads.kpi.saving"), money(res.monthly_saving, res, t))
    k3.metric(t("ads.kpi.harvest_orders"), f"{res.harvest_orders:,}", t("ads.kpi.terms", n=len(res.harvest)),
              delta_color="off", delta_arrow="off")
    k4.metric(t("ads.kpi.bid_changes"), f"{len(res.bid_changes):,}")


def top_actions(res, t: Translate, lang: str) -> list[tuple[str, str]]:
    """(kind, Markdown text) of the top actions: the largest harvest and negative, and the bid change
    with most money behind it. Names from the data are escaped."""
    cur = currency(res, t)
    out = []
    if len(res.harvest):   # one that can go into the bulk file first (it has an exact ad group)
        ready = res.harvest.loc[res.harvest["dest_campaign"] != ""]
        h = (ready if len(ready) else res.harvest).head(1)
        why = explain.harvest_reasons(h, cur, lang)[0]
        out.append(("harvest", f"**{t('ads.action.harvest', term=esc(h['term'].iloc[0]))}** {esc(why)}"))
    if len(res.negate):
        n = res.negate.head(1)
        why = explain.negate_reasons(n, cur, lang, res.settings.rate_ratio)[0]
        out.append(("negate", f"**{t('ads.action.negate', term=esc(n['term'].iloc[0]))}** {esc(why)}"))
    if len(res.bid_changes):
        b = res.bid_changes.head(1)
        why = explain.bid_reasons(b, cur, lang, res.settings.max_change)[0]
        out.append(("bid", f"**{t('ads.action.bid', target=esc(b['targeting'].iloc[0]))}** {esc(why)}"))
    return out


def filter_terms(terms: pd.DataFrame, campaigns, skus, kinds, decisions) -> pd.DataFrame:
    mask = np.ones(len(terms), dtype=bool)
    for col, chosen in (("campaign", campaigns), ("sku", skus), ("match_kind", kinds),
                        ("decision", decisions)):
        if chosen:
            mask &= terms[col].isin(chosen).to_numpy()
    return terms.loc[mask]


def terms_table(view: pd.DataFrame, res, t: Translate, lang: str) -> tuple[pd.DataFrame, dict]:
    """The terms (largest spend first, capped) with translated headers, decisions and reasons."""
    top = view.head(MAX_ROWS)
    cur = currency(res, t)
    c = {k: t(f"ads.col.{k}") for k in ("term", "campaign", "ad_group", "match_kind", "sku", "clicks",
                                        "orders", "ctr", "conversion", "acos", "target_acos", "decision",
                                        "reason")}
    spend, sales, cpc = (f"{t(f'ads.col.{k}')} ({cur})" for k in ("spend", "sales", "cpc"))
    frame = pd.DataFrame({
        c["term"]: top["search_term"], c["campaign"]: top["campaign"], c["ad_group"]: top["ad_group"],
        c["match_kind"]: [t(f"ads.kind.{k}") for k in top["match_kind"]], c["sku"]: top["sku"],
        c["clicks"]: top["clicks"], spend: top["spend"], cpc: top["cpc"], c["orders"]: top["orders"],
        sales: top["sales"], c["ctr"]: top["ctr"] * 100, c["conversion"]: top["conversion"] * 100,
        c["acos"]: top["acos"] * 100, c["target_acos"]: top["target_acos"] * 100,
        c["decision"]: [t(f"ads.decision.{d}") for d in top["decision"]],
        c["reason"]: explain.term_reasons(top, cur, lang),
    })
    pct = st.column_config.NumberColumn(format="%.1f%%")
    cash = st.column_config.NumberColumn(format="%,.2f")
    return frame, {c["ctr"]: pct, c["conversion"]: pct, c["acos"]: pct, c["target_acos"]: pct,
                   spend: cash, sales: cash, cpc: cash}


def filter_summary(sums: pd.DataFrame, per: str, view: pd.DataFrame) -> pd.DataFrame:
    """Keep the groups present in the filtered terms (the filters of the tab apply to the sums too)."""
    keep = set(view[per].str.lower().str.split().str.join(" "))
    return sums.loc[sums[per].str.lower().str.split().str.join(" ").isin(keep)]


def summary_table(sums: pd.DataFrame, per: str, res, t: Translate) -> tuple[pd.DataFrame, dict]:
    """Sums and ratios per ``per`` (``cbe_core.ads.summarise``), largest spend first, capped."""
    top = sums.head(MAX_ROWS)
    cur = currency(res, t)
    spend, sales, cpc = (f"{t(f'ads.col.{k}')} ({cur})" for k in ("spend", "sales", "cpc"))
    c = {k: t(f"ads.col.{k}")
         for k in ("impressions", "clicks", "ctr", "orders", "conversion", "acos", "roas")}
    frame = pd.DataFrame({
        t(f"ads.per.{per}"): top[per], c["impressions"]: top["impressions"], c["clicks"]: top["clicks"],
        c["ctr"]: top["ctr"] * 100, spend: top["spend"], cpc: top["cpc"], c["orders"]: top["orders"],
        sales: top["sales"], c["conversion"]: top["conversion"] * 100, c["acos"]: top["acos"] * 100,
        c["roas"]: top["roas"],
    })
    pct = st.column_config.NumberColumn(format="%.1f%%")
    cash = st.column_config.NumberColumn(format="%,.2f")
    return frame, {c["ctr"]: pct, c["conversion"]: pct, c["acos"]: pct, spend: cash, sales: cash, cpc: cash,
                   c["roas"]: st.column_config.NumberColumn(format="%.2f")}


def spend_acos_chart(view: pd.DataFrame, res, t: Translate) -> alt.LayerChart:
    """Spend against ACoS per term (the largest MAX_POINTS by spend), coloured by decision, with the
    spend-weighted break-even ACoS (solid) and target ACoS (dashed) of the terms drawn."""
    pts = view.loc[view["spend"] > 0].head(MAX_POINTS)
    pts = pts.assign(acos_shown=np.minimum(pts["acos"].fillna(ACOS_CAP), ACOS_CAP),
                     decision_name=[t(f"ads.decision.{d}") for d in pts["decision"]],
                     acos_text=[explain.pct(a) if np.isfinite(a) else t("ads.chart.no_sales")
                                for a in pts["acos"]])
    cur = currency(res, t)
    names = {k: t(f"ads.decision.{k}") for k in DECISION_COLORS}
    scale = charts.scale(DECISION_COLORS, list(DECISION_COLORS), names)
    tips = [alt.Tooltip("search_term:N", title=t("ads.col.term")),
            alt.Tooltip("campaign:N", title=t("ads.col.campaign")),
            alt.Tooltip("spend:Q", title=f"{t('ads.col.spend')} ({cur})", format=",.2f"),
            alt.Tooltip("acos_text:N", title=t("ads.col.acos")),
            alt.Tooltip("orders:Q", title=t("ads.col.orders")),
            alt.Tooltip("decision_name:N", title=t("ads.col.decision"))]
    dots = alt.Chart(pts).mark_circle(size=60, opacity=0.75).encode(
        x=alt.X("spend:Q", title=f"{t('ads.col.spend')} ({cur}, {t('ads.chart.log')})",
                scale=alt.Scale(type="log")),
        y=alt.Y("acos_shown:Q", title=t("ads.chart.acos_axis"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, ACOS_CAP])),
        color=alt.Color("decision_name:N", scale=scale, title=t("ads.col.decision")), tooltip=tips)
    w = pts["spend"].to_numpy()
    lines = pd.DataFrame({
        "value": [np.average(pts["break_even_acos"].fillna(0), weights=w) if w.sum() else np.nan,
                  np.average(pts["target_acos"].fillna(0), weights=w) if w.sum() else np.nan],
        "what": [t("ads.chart.break_even"), t("ads.chart.target")], "dash": [0, 1]})
    lines = lines.dropna()
    rule = alt.Chart(lines).mark_rule(color="#333").encode(
        y="value:Q", strokeDash=alt.StrokeDash("what:N", title=None,
                                               scale=alt.Scale(range=[[1, 0], [6, 4]])),
        tooltip=[alt.Tooltip("what:N", title=" "),
                 alt.Tooltip("value:Q", format=".1%", title=t("ads.col.acos"))])
    return (dots + rule).properties(height=380)


def bids_table(bids: pd.DataFrame, res, t: Translate, lang: str) -> tuple[pd.DataFrame, dict]:
    top = bids.head(MAX_ROWS)
    cur = currency(res, t)
    cpc, bid = f"{t('ads.col.cpc')} ({cur})", f"{t('ads.col.suggested_bid')} ({cur})"
    frame = pd.DataFrame({
        t("ads.col.campaign"): top["campaign"], t("ads.col.ad_group"): top["ad_group"],
        t("ads.col.targeting"): top["targeting"],
        t("ads.col.match_kind"): [t(f"ads.kind.{k}") for k in top["match_kind"]],
        t("ads.col.clicks"): top["clicks"], t("ads.col.acos"): top["acos"] * 100,
        t("ads.col.target_acos"): top["target_acos"] * 100, cpc: top["cpc"], bid: top["suggested_bid"],
        t("ads.col.change"): top["change"] * 100,
        t("ads.col.direction"): [t(f"ads.dir.{d}") for d in top["direction"]],
        t("ads.col.reason"): explain.bid_reasons(top, cur, lang, res.settings.max_change),
    })
    pct = st.column_config.NumberColumn(format="%.1f%%")
    return frame, {t("ads.col.acos"): pct, t("ads.col.target_acos"): pct, t("ads.col.change"): pct,
                   cpc: st.column_config.NumberColumn(format="%.2f"),
                   bid: st.column_config.NumberColumn(format="%.2f")}


def bid_chart(bids: pd.DataFrame, t: Translate) -> alt.Chart:
    """The 15 bid changes with most spend behind them: change in % from the current cost per click."""
    top = bids.head(15).assign(label=lambda d: d["targeting"].str.slice(0, 40) + " · " + d["ad_group"],
                               dir_name=lambda d: [t(f"ads.dir.{x}") for x in d["direction"]])
    names = {k: t(f"ads.dir.{k}") for k in DIRECTION_COLORS}
    scale = charts.scale(DIRECTION_COLORS, list(DIRECTION_COLORS), names)
    return alt.Chart(top).mark_bar().encode(
        y=alt.Y("label:N", sort=None, title=None),
        x=alt.X("change:Q", title=t("ads.col.change"), axis=alt.Axis(format="%")),
        color=alt.Color("dir_name:N", scale=scale, title=t("ads.col.direction")),
        tooltip=[alt.Tooltip("campaign:N", title=t("ads.col.campaign")),
                 alt.Tooltip("targeting:N", title=t("ads.col.targeting")),
                 alt.Tooltip("change:Q", format="+.0%", title=t("ads.col.change"))],
    ).properties(height=max(160, 24 * len(top)))


def gaps_chart(words: pd.DataFrame, t: Translate) -> alt.Chart:
    top = words.head(15).assign(label=lambda d: d["word"] + " · " + d["sku"])
    return alt.Chart(top).mark_bar(color="#1f6feb").encode(
        y=alt.Y("label:N", sort=None, title=None), x=alt.X("orders:Q", title=t("ads.col.orders")),
        tooltip=[alt.Tooltip("word:N", title=t("ads.col.word")),
                 alt.Tooltip("sku:N", title=t("ads.col.sku")),
                 alt.Tooltip("orders:Q", title=t("ads.col.orders")),
                 alt.Tooltip("example:N", title=t("ads.col.example"))],
    ).properties(height=max(120, 24 * len(top)))


def gaps_table(words: pd.DataFrame, res, t: Translate) -> pd.DataFrame:
    cur = currency(res, t)
    return pd.DataFrame({t("ads.col.sku"): words["sku"], t("ads.col.word"): words["word"],
                         t("ads.col.orders"): words["orders"].astype(int),
                         f"{t('ads.col.sales')} ({cur})": words["sales"].round(2),
                         t("ads.col.terms"): words["terms"], t("ads.col.example"): words["example"]})


def unused_table(unused: pd.DataFrame, t: Translate) -> pd.DataFrame:
    fields = [", ".join(t(f"ads.field.{f}") for f in fs.split(", ")) if fs else "" for fs in unused["fields"]]
    return pd.DataFrame({t("ads.col.sku"): unused["sku"], t("ads.col.word"): unused["word"],
                         t("ads.col.fields"): fields})
