"""Competitors: where do competitors beat us, and why? (price, rating, reviews, promotions, share, reviews' praise)"""

import altair as alt
import pandas as pd
import streamlit as st

from cbe_core import competitors as cp
from cbe_core.errors import DataError
from ui import charts
from ui.cache import cached
from ui.shell import start_page

ctx = start_page("competitors")
t = ctx.t
st.title(t("comp.title"))
ctx.require("competitors")
snapshots, reviews = ctx.table("competitors"), ctx.table("reviews")
data_key = ctx.key("competitors", "reviews")
ALL = "__all__"
RIVAL_COLORS = ["#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"]

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
st.caption(t("comp.caption", as_of=res.as_of.date().isoformat(), weeks=window))

# ---------------------------------------------------------------- the answer first
units = comparison.drop_duplicates(["set_id", "product_id"])
total_units = float(units["est_monthly_units"].sum())
k1, k2, k3, k4 = st.columns(4)
k1.metric(t("comp.kpi.products"), f"{len(own):,}")
k2.metric(t("comp.kpi.high_lags"), f"{int(((gaps['status'] == 'lag') & (gaps['severity'] == 'high')).sum()):,}")
k3.metric(t("comp.kpi.price_index"), f"{own['price_index'].median():.2f}" if own["price_index"].notna().any() else "–",
          help=t("comp.kpi.price_index.help"))
k4.metric(t("comp.kpi.share"), f"{units.loc[units['is_own'], 'est_monthly_units'].sum() / total_units:.0%}"
          if total_units > 0 else "–", help=t("comp.kpi.share.help"))
st.subheader(t("comp.answer"))
top = cp.headline(gaps, n=4)
md = r"([\\`*_{}\[\]()#+\-.!|<>~$])"  # seller text goes into markdown boxes: escape it, never HTML
safe = top.assign(**{c: top[c].astype("str").str.replace(md, r"\\\1", regex=True) for c in ("title", "rival", "detail", "set_id")})
if top.empty:
    st.success(t("comp.answer.none"), icon=":material/check_circle:")
for row, text in zip(top.to_dict("records"), cp.describe(safe, ctx.lang), strict=True):
    extra = t("comp.gap.products", count=row["products"]) if row["products"] > 1 else ""
    box = st.error if row["severity"] == "high" else st.warning
    box(f"{text}{extra}  \n→ {t(row['move'])}", icon=":material/priority_high:")
for key, params in res.notes:
    st.caption(":material/info: " + t(key, **params))

own_label, comp_label, other_label = t("comp.legend.own"), t("comp.legend.competitor"), t("comp.legend.others")
side_scale = alt.Scale(domain=[own_label, comp_label], range=[charts.OWN_COLOR, charts.OTHER_COLOR])

# ---------------------------------------------------------------- price positioning map and share trend
left, right = st.columns(2)
with left:
    st.subheader(t("comp.section.map"))
    st.caption(t("comp.section.map.help"))
    pts = units.assign(side=units["is_own"].map({True: own_label, False: comp_label}),
                       selected=units["product_id"].eq(product) if product != ALL else units["is_own"])
    tips = [alt.Tooltip("title:N", title=t("comp.col.product")), alt.Tooltip("brand:N", title=t("comp.col.brand")),
            alt.Tooltip("set_id:N", title=t("comp.col.set")), alt.Tooltip("price:Q", format=",.2f", title=t("comp.col.price")),
            alt.Tooltip("rating:Q", format=".1f", title=t("comp.col.rating")),
            alt.Tooltip("price_index:Q", format=".2f", title=t("comp.col.price_index")),
            alt.Tooltip("est_monthly_revenue:Q", format=",.0f", title=t("comp.col.revenue")),
            alt.Tooltip("share:Q", format=".1%", title=t("comp.col.share"))]
    bubbles = alt.Chart(pts).mark_circle(stroke="black").encode(
        x=alt.X("price:Q", title=t("comp.col.price"), scale=alt.Scale(zero=False)),
        y=alt.Y("rating:Q", title=t("comp.col.rating"), scale=alt.Scale(zero=False)),
        size=alt.Size("est_monthly_revenue:Q", title=t("comp.col.revenue"), legend=None),
        color=alt.Color("side:N", scale=side_scale, title=None, legend=alt.Legend(orient="bottom")),
        opacity=alt.condition("datum.selected", alt.value(0.95), alt.value(0.45)),
        strokeWidth=alt.condition("datum.selected", alt.value(1.5), alt.value(0)), tooltip=tips)
    st.altair_chart(bubbles.properties(height=380), width="stretch")
with right:
    st.subheader(t("comp.section.share"))
    tr = res.trend.loc[res.trend["set_id"].isin(chosen_sets)]
    last = tr.loc[tr["week"] == tr["week"].max()]
    rivals = last.loc[~last["is_own"]].groupby("brand")["est_monthly_units"].sum().nlargest(5).index
    group = tr["brand"].where(tr["brand"].isin(rivals), other_label).where(~tr["is_own"], own_label)
    weekly = tr.assign(group=group).groupby(["week", "group"], as_index=False)["est_monthly_units"].sum()
    weekly["share"] = weekly["est_monthly_units"] / weekly.groupby("week")["est_monthly_units"].transform("sum")
    domain = [own_label, *rivals, other_label]
    colors = [charts.OWN_COLOR, *RIVAL_COLORS[: len(rivals)], charts.NEUTRAL_COLOR]
    lines = alt.Chart(weekly).mark_line(point=False).encode(
        x=alt.X("week:T", title=t("comp.col.week")), y=alt.Y("share:Q", axis=alt.Axis(format="%"), title=t("comp.col.share")),
        color=alt.Color("group:N", scale=alt.Scale(domain=domain, range=colors), title=None,
                        legend=alt.Legend(orient="bottom", columns=4)),
        strokeWidth=alt.condition(alt.datum.group == own_label, alt.value(3.5), alt.value(1.5)),
        tooltip=[alt.Tooltip("week:T", title=t("comp.col.week")), alt.Tooltip("group:N", title=t("comp.col.brand")),
                 alt.Tooltip("share:Q", format=".1%", title=t("comp.col.share"))])
    st.altair_chart(lines.properties(height=380), width="stretch")

# ---------------------------------------------------------------- gap table, colour-coded
st.subheader(t("comp.section.gaps"))


def fmt_value(dim: str, v: float) -> str:
    if pd.isna(v):
        return "–"
    return {"price": f"{v:,.2f}", "rating": f"{v:.1f}", "reviews": f"{v:,.0f}", "promotion": f"{v:.0%}",
            "share": f"{v * 100:+.1f} pt", "features": f"{v:.0%}"}.get(dim, f"{v:,.2f}")


rows = gaps.to_dict("records")  # one row per own product and dimension: small
gap_view = pd.DataFrame({
    t("comp.col.product"): gaps["title"], t("comp.col.dimension"): [t(f"comp.dim.{d}") for d in gaps["dimension"]],
    t("comp.col.status"): [t(f"comp.status.{s}") for s in gaps["status"]],
    t("comp.col.severity"): [t(f"comp.severity.{s}") for s in gaps["severity"]],
    t("comp.col.value"): [fmt_value(r["dimension"], r["value"]) for r in rows],
    t("comp.col.benchmark"): [fmt_value(r["dimension"], r["benchmark"]) for r in rows],
    t("comp.col.rival"): gaps["rival"].fillna(""), t("comp.col.detail"): gaps["detail"].fillna(""),
    t("comp.col.move"): [t(m) for m in gaps["move"]],
})
status_col = t("comp.col.status")
palette = {t("comp.status.lag"): "#f8d7da", t("comp.status.lead"): "#d4edda"}
styled = gap_view.style.map(lambda v: f"background-color: {palette[v]}" if v in palette else "", subset=[status_col])
st.dataframe(styled, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(gap_view)))

# ---------------------------------------------------------------- movers and promotion timeline
left, right = st.columns([2, 3])
with left:
    st.subheader(t("comp.section.movers"))
    mv = res.changes.loc[res.changes["set_id"].isin(chosen_sets)].dropna(subset=["share_change"])
    mv = mv.reindex(mv["share_change"].abs().sort_values(ascending=False).index).head(10)
    st.dataframe(pd.DataFrame({
        t("comp.col.product"): mv["title"], t("comp.col.share_change"): mv["share_change"] * 100, t("comp.col.share"): mv["share_last"] * 100,
        t("comp.col.promo_frequency"): mv["promo_frequency"] * 100,
    }), hide_index=True, width="stretch", column_config={
        t("comp.col.share_change"): st.column_config.NumberColumn(format="%+.1f"),
        t("comp.col.share"): st.column_config.NumberColumn(format="%.1f%%"),
        t("comp.col.promo_frequency"): st.column_config.NumberColumn(format="%.0f%%")})
with right:
    st.subheader(t("comp.section.promo"))
    st.caption(t("comp.section.promo.help"))
    promo = res.trend.loc[res.trend["set_id"].isin(chosen_sets) & res.trend["on_promo"]].drop_duplicates(["product_id", "week"])
    busiest = promo.groupby("product_id").size().nlargest(15).index
    promo = promo.loc[promo["product_id"].isin(busiest)]
    promo = promo.assign(listing=promo["title"].str.slice(0, 28),
                         side=promo["is_own"].map({True: own_label, False: comp_label}))
    timeline = alt.Chart(promo).mark_tick(thickness=3).encode(
        x=alt.X("week:T", title=t("comp.col.week")), y=alt.Y("listing:N", title=None, axis=alt.Axis(labelLimit=220)),
        color=alt.Color("promo_depth:Q", scale=alt.Scale(scheme="oranges", domain=[0, 0.4]), title=t("comp.col.promo_depth"),
                        legend=alt.Legend(format="%")),
        tooltip=[alt.Tooltip("listing:N", title=t("comp.col.product")), alt.Tooltip("week:T", title=t("comp.col.week")),
                 alt.Tooltip("price:Q", format=",.2f", title=t("comp.col.price")),
                 alt.Tooltip("promo_depth:Q", format=".0%", title=t("comp.col.promo_depth"))])
    st.altair_chart(timeline.properties(height=max(160, 24 * len(busiest))), width="stretch")

# ---------------------------------------------------------------- reviews: praise gaps and phrases (user text: tables only)
st.subheader(t("comp.section.reviews"))
if res.reviews is None:
    st.info(t("comp.reviews.missing"), icon=":material/reviews:")
else:
    st.markdown(f"**{t('comp.section.features')}**")
    feats = res.reviews.features.loc[res.reviews.features["set_id"].isin(chosen_sets)]
    if feats.empty:
        st.caption(t("comp.features.none"))
    else:
        st.dataframe(pd.DataFrame({
            t("comp.col.set"): feats["set_id"], t("comp.col.brand"): feats["brand"], t("comp.col.phrase"): feats["phrase"],
            t("comp.col.ratio"): feats["ratio"], t("comp.col.comp_rate"): feats["comp_rate"] * 100,
            t("comp.col.own_rate"): feats["own_rate"] * 100, t("comp.col.snippet"): feats["snippet"],
            t("comp.col.own_snippet"): feats["own_snippet"],
        }), hide_index=True, width="stretch", column_config={
            t("comp.col.ratio"): st.column_config.NumberColumn(format="%.1f×"),
            t("comp.col.comp_rate"): st.column_config.NumberColumn(format="%.0f%%"),
            t("comp.col.own_rate"): st.column_config.NumberColumn(format="%.0f%%")})
    st.markdown(f"**{t('comp.section.phrases')}**")
    ph = res.reviews.phrases
    listed = units.loc[units["product_id"].isin(ph["product_id"])].drop_duplicates("product_id")
    if listed.empty:
        st.caption(t("comp.phrases.none"))
    else:
        names = dict(zip(listed["product_id"], listed["brand"] + " · " + listed["title"], strict=True))
        order = list(listed.sort_values("is_own", ascending=False, kind="stable")["product_id"])
        default = order.index(product) if product in order else 0
        pick = st.selectbox(t("comp.col.product"), order, index=default, format_func=names.get, key="comp_review_product")
        mine = ph.loc[ph["product_id"] == pick]
        cols = st.columns(2)
        for col, pol in zip(cols, ("positive", "negative"), strict=True):
            part = mine.loc[mine["polarity"] == pol]
            col.markdown(f"*{t('comp.polarity.' + pol)}*")
            if part.empty:
                col.caption(t("comp.phrases.none"))
                continue
            col.dataframe(pd.DataFrame({
                t("comp.col.phrase"): part["phrase"], t("comp.col.z"): part["z"],
                t("comp.col.mentions"): part["positive_reviews"] if pol == "positive" else part["negative_reviews"],
                t("comp.col.snippet"): part["snippet"]}), hide_index=True, width="stretch",
                column_config={t("comp.col.z"): st.column_config.NumberColumn(format="%.1f")})

# ---------------------------------------------------------------- download
st.download_button(t("comp.download"), data=cached(cp.export_workbook, f"{data_key}|{window}", res),
                   file_name=f"competitors_{res.as_of.date().isoformat()}.xlsx", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
