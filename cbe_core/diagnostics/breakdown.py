"""Tables per SKU, traffic source and ad campaign for a date range of a prepared store."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import _in
from .kpi import _traffic_window
from .store import Store


def by_sku(st: Store, start, end) -> pd.DataFrame:
    """One row per SKU over the range: ``sku, name, category, sessions, orders, units, revenue,
    conversion, aov, bounce_rate, buy_box_pct, gross_profit, margin, ad_spend, ad_sales, acos,
    return_units, revenue_share, sessions_share``."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    sd = _in(st.sku_day, start, end).groupby("sku").agg(
        revenue=("revenue", "sum"), units=("units", "sum"), orders=("orders", "sum"), cost=("cost", "sum"),
        cost_missing=("cost_missing", "sum"), fees=("fees", "sum"), shipping=("shipping", "sum"))
    frames = [sd]
    if st.traffic is not None:
        tr = _in(st.traffic, start, end)
        aggs = {"sessions": ("sessions", "sum")}
        if st.flags["page_views"]:
            aggs["page_views"] = ("page_views", "sum")
        if st.flags["bounces"]:
            aggs["bounces"] = ("bounces", "sum")
            aggs["b_sessions"] = ("b_sessions", "sum")
        if st.flags["buy_box"]:
            aggs["bb_w"] = ("bb_w", "sum")
            aggs["bb_s"] = ("bb_s", "sum")
        frames.append(tr.groupby("sku").agg(**aggs))
    if st.ads is not None and st.flags["ads_sku"]:
        ad = _in(st.ads, start, end)
        frames.append(ad.groupby("sku").agg(ad_spend=("spend", "sum"), ad_sales=("ad_sales", "sum")))
    rt = _in(st.returns, start, end).groupby("sku").agg(return_units=("return_units", "sum"))
    frames.append(rt)
    out = pd.concat(frames, axis=1, join="outer")
    out.index.name = "sku"
    out = out.reset_index()
    for c in ("revenue", "units", "orders", "fees", "shipping", "cost", "return_units"):
        out[c] = out[c].fillna(0.0).astype(float)
    out["cost_missing"] = out["cost_missing"].fillna(0)
    if "sessions" in out.columns:
        out["sessions"] = out["sessions"].fillna(0.0).astype(float)
        t0, t1 = _traffic_window(st, start, end)
        conv_orders = out["orders"]
        if (t0, t1) != (start, end):  # orders over the days the traffic covers
            ow = _in(st.sku_day, t0, t1).groupby("sku")["orders"].sum()
            conv_orders = out["sku"].map(ow).fillna(0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["conversion"] = np.where(out["sessions"] > 0, conv_orders / out["sessions"], np.nan)
    else:
        out["sessions"] = np.nan
        out["conversion"] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        out["aov"] = np.where(out["orders"] > 0, out["revenue"] / out["orders"], np.nan)
        out["bounce_rate"] = ((out["bounces"] / out["b_sessions"]).where(out["b_sessions"] > 0)
                              if "bounces" in out else np.nan)
        out["buy_box_pct"] = (out["bb_w"] / out["bb_s"]).where(out["bb_s"] > 0) if "bb_w" in out else np.nan
        gp = out["revenue"] - out["cost"] - out["fees"] - out["shipping"]
        ok = st.flags["cost"] & (out["cost_missing"] == 0)
        out["gross_profit"] = gp.where(ok)
        out["margin"] = (out["gross_profit"] / out["revenue"]).where(out["revenue"] > 0)
        if "ad_spend" in out.columns:
            out["ad_spend"] = out["ad_spend"].fillna(0.0)
            out["ad_sales"] = out["ad_sales"].fillna(0.0)
            out["acos"] = (out["ad_spend"] / out["ad_sales"]).where(out["ad_sales"] > 0)
        else:
            out["ad_spend"] = np.nan
            out["ad_sales"] = np.nan
            out["acos"] = np.nan
        tot_rev, tot_ses = out["revenue"].sum(), np.nansum(out["sessions"])
        out["revenue_share"] = out["revenue"] / tot_rev if tot_rev > 0 else np.nan
        out["sessions_share"] = out["sessions"] / tot_ses if tot_ses > 0 else np.nan
    if st.products is not None:
        out = out.merge(st.products[[c for c in ("sku", "name", "category") if c in st.products.columns]],
                        on="sku", how="left")
    for c in ("name", "category"):
        if c not in out.columns:
            out[c] = pd.Series(pd.NA, index=out.index, dtype="str")
    cols = ["sku", "name", "category", "sessions", "orders", "units", "revenue", "conversion", "aov",
            "bounce_rate", "buy_box_pct", "gross_profit", "margin", "ad_spend", "ad_sales", "acos",
            "return_units", "revenue_share", "sessions_share"]
    for c in cols:
        if c not in out.columns:
            out[c] = np.nan
    return out[cols].sort_values("revenue", ascending=False, kind="stable").reset_index(drop=True)


def by_source(st: Store, start, end, sku_table: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """Traffic structure: ``source, sessions, sessions_share, orders, revenue, revenue_share,
    conversion, bounce_rate, revenue_per_session``. Orders and revenue are attributed to sources in
    proportion to each SKU's orders by source in the traffic (sessions when it has no orders); an
    estimate when the orders themselves carry no source. ``None`` without traffic, or when no traffic
    row falls in the range (the KPIs then say why sessions are not available)."""
    if st.traffic is None:
        return None
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    tr = _in(st.traffic, start, end)
    if not len(tr):
        return None
    aggs = {"sessions": ("sessions", "sum")}
    if st.flags["bounces"]:
        aggs["bounces"] = ("bounces", "sum")
        aggs["b_sessions"] = ("b_sessions", "sum")
    basis = ("t_orders" if st.flags["t_orders"] and np.nansum(tr.get("t_orders", pd.Series(dtype=float))) > 0
             else "sessions")
    aggs["b"] = (basis, "sum")
    g = tr.groupby(["sku", "source"], sort=False).agg(**aggs).reset_index()
    tot = g.groupby("sku")["b"].transform("sum")
    g["w"] = np.where(tot > 0, g["b"] / tot.where(tot > 0, 1.0), 0.0)
    if sku_table is None:
        sku_table = by_sku(st, start, end)
    sk = sku_table.set_index("sku")
    g["orders"] = g["w"] * g["sku"].map(sk["orders"]).fillna(0.0).to_numpy()
    g["revenue"] = g["w"] * g["sku"].map(sk["revenue"]).fillna(0.0).to_numpy()
    a2 = {"sessions": ("sessions", "sum"), "orders": ("orders", "sum"), "revenue": ("revenue", "sum")}
    if st.flags["bounces"]:
        a2["bounces"] = ("bounces", "sum")
        a2["b_sessions"] = ("b_sessions", "sum")
    out = g.groupby("source").agg(**a2).reset_index()
    # revenue of SKUs that have no traffic rows at all
    un = sk.loc[~sk.index.isin(g["sku"].unique()), "revenue"].sum()
    if un > 0:
        out = pd.concat([out, pd.DataFrame({"source": ["(unattributed)"], "sessions": [0.0], "orders": [
            float(sk.loc[~sk.index.isin(g["sku"].unique()), "orders"].sum())], "revenue": [float(un)]})],
            ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["sessions_share"] = (out["sessions"] / out["sessions"].sum() if out["sessions"].sum() > 0
                                 else np.nan)
        out["revenue_share"] = out["revenue"] / out["revenue"].sum() if out["revenue"].sum() > 0 else np.nan
        out["conversion"] = (out["orders"] / out["sessions"]).where(out["sessions"] > 0)
        out["revenue_per_session"] = (out["revenue"] / out["sessions"]).where(out["sessions"] > 0)
        out["bounce_rate"] = ((out["bounces"] / out["b_sessions"]).where(out["b_sessions"] > 0)
                              if "bounces" in out else np.nan)
    out["attribution"] = "orders" if basis == "t_orders" else "sessions"
    cols = ["source", "sessions", "sessions_share", "orders", "revenue", "revenue_share", "conversion",
            "bounce_rate", "revenue_per_session", "attribution"]
    return out[cols].sort_values("revenue", ascending=False, kind="stable").reset_index(drop=True)


def by_campaign(st: Store, start, end, sku_table: pd.DataFrame | None = None,
                store_margin: float | None = None) -> pd.DataFrame | None:
    """One row per campaign: ``campaign, skus, spend, ad_sales, ad_orders, clicks, impressions, roas,
    acos, break_even_acos, profit_after_ads, months, months_below`` where break-even ACoS is the
    ad-sales-weighted margin before ads of the campaign's SKUs (the store margin when the ads carry no
    SKU) and ``profit_after_ads`` = ad_sales x break_even_acos - spend."""
    if st.ads is None:
        return None
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    ad = _in(st.ads, start, end).copy()
    if not len(ad):
        return None
    if sku_table is None:
        sku_table = by_sku(st, start, end)
    margin = sku_table.set_index("sku")["margin"]
    if st.flags["ads_sku"]:
        ad["m"] = ad["sku"].map(margin).astype(float)
    else:
        ad["m"] = np.nan
    if store_margin is not None:
        ad["m"] = ad["m"].fillna(store_margin)
    ad["m_w"] = ad["m"] * ad["ad_sales"]
    ad["m_s"] = np.where(ad["m"].notna(), ad["ad_sales"], 0.0)
    ad["month"] = ad["date"].dt.to_period("M")
    for c in ("ad_orders", "clicks", "impressions"):
        if c not in ad.columns:
            ad[c] = np.nan
    out = ad.groupby("campaign").agg(
        spend=("spend", "sum"), ad_sales=("ad_sales", "sum"), ad_orders=("ad_orders", "sum"),
        clicks=("clicks", "sum"), impressions=("impressions", "sum"), m_w=("m_w", "sum"), m_s=("m_s", "sum"),
        months=("month", "nunique"),
    )
    if st.flags["ads_sku"]:
        out["skus"] = ad.groupby("campaign")["sku"].agg(
            lambda x: ", ".join(sorted(set(map(str, x.dropna())))[:5]))
    else:
        out["skus"] = ""
    # months below break-even
    cm = ad.groupby(["campaign", "month"]).agg(spend=("spend", "sum"), ad_sales=("ad_sales", "sum"),
                                               m_w=("m_w", "sum"), m_s=("m_s", "sum"))
    be_m = (cm["m_w"] / cm["m_s"]).where(cm["m_s"] > 0)
    below = (cm["spend"] > cm["ad_sales"] * be_m) & be_m.notna() & (cm["spend"] > 0)
    out["months_below"] = below.groupby(level=0).sum().reindex(out.index).fillna(0).astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["roas"] = (out["ad_sales"] / out["spend"]).where(out["spend"] > 0)
        out["acos"] = (out["spend"] / out["ad_sales"]).where(out["ad_sales"] > 0)
        out["break_even_acos"] = (out["m_w"] / out["m_s"]).where(out["m_s"] > 0)
    out["profit_after_ads"] = out["ad_sales"] * out["break_even_acos"] - out["spend"]
    out = out.reset_index()
    cols = ["campaign", "skus", "spend", "ad_sales", "ad_orders", "clicks", "impressions", "roas", "acos",
            "break_even_acos", "profit_after_ads", "months", "months_below"]
    return out[cols].sort_values("spend", ascending=False, kind="stable").reset_index(drop=True)
