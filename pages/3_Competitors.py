"""Competitors: where do competitors beat us, and why? (price, rating, reviews, promotions, share, praise)"""

import streamlit as st

from cbe_core import competitors as cp
from cbe_core.errors import DataError
from ui import competitors_charts as cc
from ui.cache import cached
from ui.markdown import escape_markdown
from ui.shell import start_page

ctx = start_page("competitors")
t = ctx.t
st.title(t("comp.title"))
ctx.require("competitors")
snapshots, reviews = ctx.table("competitors"), ctx.table("reviews")
data_key = ctx.key("competitors", "reviews")
ALL = "__all__"
SELLER_TEXT = ("title", "rival", "detail", "set_id")  # goes into Markdown boxes: escaped, never HTML
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# ---------------------------------------------------------------- filters
f1, f2, f3 = st.columns([1, 2, 1])
window = f3.selectbox(t("comp.filter.window"), [13, 26, 52], index=1, key="comp_window", bind="query-params")
try:
    res = cached(cp.analyze, data_key, snapshots, reviews, window_weeks=int(window))
except DataError as exc:
    st.error(exc.message(ctx.lang), icon=":material/error:")
    st.stop()
sets = sorted(res.comparison["set_id"].unique())
set_choice = f1.selectbox(t("comp.filter.set"), [ALL, *sets], key="comp_set", bind="query-params",
                          format_func=lambda s: t("comp.filter.all") if s == ALL else s)
chosen_sets = sets if set_choice == ALL else [set_choice]
comparison = res.comparison.loc[res.comparison["set_id"].isin(chosen_sets)]
own = comparison.loc[comparison["is_own"]].drop_duplicates("product_id")
titles = dict(zip(own["product_id"], own["title"], strict=True))
product = f2.selectbox(t("comp.filter.product"), [ALL, *titles], key="comp_product",
                       format_func=lambda p: t("comp.filter.all") if p == ALL else titles.get(p, p))
gaps = res.gaps.loc[res.gaps["set_id"].isin(chosen_sets)]
if product != ALL:
    gaps = gaps.loc[gaps["product_id"] == product]
trend = res.trend.loc[res.trend["set_id"].isin(chosen_sets)]
st.caption(t("comp.caption", as_of=res.as_of.date().isoformat(), weeks=window))

# ---------------------------------------------------------------- the answer first
units = comparison.drop_duplicates(["set_id", "product_id"])
total_units = float(units["est_monthly_units"].sum())
own_units = units.loc[units["is_own"], "est_monthly_units"].sum()
high_lags = int(((gaps["status"] == "lag") & (gaps["severity"] == "high")).sum())
k1, k2, k3, k4 = st.columns(4)
k1.metric(t("comp.kpi.products"), f"{len(own):,}")
k2.metric(t("comp.kpi.high_lags"), f"{high_lags:,}")
k3.metric(t("comp.kpi.price_index"),
          f"{own['price_index'].median():.2f}" if own["price_index"].notna().any() else "–",
          help=t("comp.kpi.price_index.help"))
k4.metric(t("comp.kpi.share"), f"{own_units / total_units:.0%}" if total_units > 0 else "–",
          help=t("comp.kpi.share.help"))
st.subheader(t("comp.answer"))
top = cp.headline(gaps, n=4)
safe = top.assign(**{c: escape_markdown(top[c]) for c in SELLER_TEXT})
if top.empty:
    st.success(t("comp.answer.none"), icon=":material/check_circle:")
for row, text in zip(top.to_dict("records"), cp.describe(safe, ctx.lang), strict=True):
    extra = t("comp.gap.products", count=row["products"]) if row["products"] > 1 else ""
    box = st.error if row["severity"] == "high" else st.warning
    box(f"{text}{extra}  \n→ {t(row['move'])}", icon=":material/priority_high:")
for key, params in res.notes:
    st.caption(":material/info: " + t(key, **params))

# ---------------------------------------------------------------- price positioning map and share trend
left, right = st.columns(2)
with left:
    st.subheader(t("comp.section.map"))
    st.caption(t("comp.section.map.help"))
    selected = units["product_id"].eq(product) if product != ALL else units["is_own"]
    st.altair_chart(cc.price_map_chart(units, selected, t), width="stretch")
with right:
    st.subheader(t("comp.section.share"))
    st.altair_chart(cc.share_trend_chart(trend, t), width="stretch")

# ---------------------------------------------------------------- gap table, colour-coded
st.subheader(t("comp.section.gaps"))
st.dataframe(cc.gap_table(gaps, t), hide_index=True, width="stretch", height=min(420, 38 + 35 * len(gaps)))

# ---------------------------------------------------------------- movers and promotion timeline
left, right = st.columns([2, 3])
with left:
    st.subheader(t("comp.section.movers"))
    table, config = cc.movers_table(res.changes.loc[res.changes["set_id"].isin(chosen_sets)], t)
    st.dataframe(table, hide_index=True, width="stretch", column_config=config)
with right:
    st.subheader(t("comp.section.promo"))
    st.caption(t("comp.section.promo.help"))
    st.altair_chart(cc.promo_timeline_chart(trend, t), width="stretch")

# ---------------------------------------------------------------- reviews: praise gaps, phrases (tables only)
st.subheader(t("comp.section.reviews"))
if res.reviews is None:
    st.info(t("comp.reviews.missing"), icon=":material/reviews:")
else:
    st.markdown(f"**{t('comp.section.features')}**")
    feats = res.reviews.features.loc[res.reviews.features["set_id"].isin(chosen_sets)]
    if feats.empty:
        st.caption(t("comp.features.none"))
    else:
        table, config = cc.features_table(feats, t)
        st.dataframe(table, hide_index=True, width="stretch", column_config=config)
    st.markdown(f"**{t('comp.section.phrases')}**")
    ph = res.reviews.phrases
    listed = units.loc[units["product_id"].isin(ph["product_id"])].drop_duplicates("product_id")
    if listed.empty:
        st.caption(t("comp.phrases.none"))
    else:
        names = dict(zip(listed["product_id"], listed["brand"] + " · " + listed["title"], strict=True))
        order = list(listed.sort_values("is_own", ascending=False, kind="stable")["product_id"])
        default = order.index(product) if product in order else 0
        pick = st.selectbox(t("comp.col.product"), order, index=default, format_func=names.get,
                            key="comp_review_product")
        mine = ph.loc[ph["product_id"] == pick]
        for col, pol in zip(st.columns(2), ("positive", "negative"), strict=True):
            part = mine.loc[mine["polarity"] == pol]
            col.markdown(f"*{t('comp.polarity.' + pol)}*")
            if part.empty:
                col.caption(t("comp.phrases.none"))
                continue
            table, config = cc.phrases_table(part, pol, t)
            col.dataframe(table, hide_index=True, width="stretch", column_config=config)

# ---------------------------------------------------------------- download
st.download_button(t("comp.download"), data=cached(cp.export_workbook, f"{data_key}|{window}", res),
                   file_name=f"competitors_{res.as_of.date().isoformat()}.xlsx", icon=":material/download:",
                   mime=XLSX)
