"""Evidence charts for diagnostics findings (aggregated tables only, never raw rows)."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd

from cbe_core import diagnostics as dg
from ui import charts

SEV = charts.SEVERITY_COLORS


def fmt_kpi(kpi: str, v) -> str:
    """A KPI value as shown on the cards: ratios as percentages, money and counts with separators."""
    if v is None or v != v:
        return "–"
    if kpi in dg.RATIO_KPIS:
        return f"{v:.1%}"
    return f"{v:,.2f}" if kpi in ("aov", "roas", "units_per_order") else f"{v:,.0f}"


def evidence_chart(f: dg.Finding, res: dg.Diagnosis, t: Callable[..., str]):
    """A small chart that shows the finding's evidence (aggregated tables only)."""
    hi = alt.condition(alt.datum.key == f.slice, alt.value(SEV[f.severity]), alt.value(charts.NEUTRAL_COLOR))
    if f.dimension == "sku" and res.by_sku is not None:
        field = {"high_traffic_low_conversion": "conversion", "high_conversion_low_aov": "aov",
                 "high_bounce": "bounce_rate", "low_buy_box": "buy_box_pct"}.get(f.code, "revenue")
        d = res.by_sku.assign(key=res.by_sku["sku"]).dropna(subset=[field]).nlargest(30, "sessions")
        return alt.Chart(d).mark_bar().encode(
            x=alt.X("sku:N", sort="-y", title=t("diag.col.sku")), y=alt.Y(f"{field}:Q", title=field), color=hi,
            tooltip=["sku", "name", alt.Tooltip(f"{field}:Q", format=".3~f"), alt.Tooltip("sessions:Q", format=",")])
    if f.dimension == "campaign" and f.code == "campaign_below_break_even" and res.by_campaign is not None:
        d = res.by_campaign.assign(key=res.by_campaign["campaign"])
        bars = alt.Chart(d).mark_bar().encode(x=alt.X("campaign:N", title=t("diag.col.campaign")),
                                              y=alt.Y("acos:Q", title=t("diag.col.acos"), axis=alt.Axis(format="%")),
                                              color=hi, tooltip=["campaign", alt.Tooltip("acos:Q", format=".1%"),
                                                                 alt.Tooltip("break_even_acos:Q", format=".1%"),
                                                                 alt.Tooltip("spend:Q", format=",.0f")])
        ticks = alt.Chart(d).mark_tick(color="black", thickness=2).encode(x="campaign:N", y="break_even_acos:Q")
        return bars + ticks
    if f.dimension == "source" and res.by_source is not None:
        d = res.by_source.melt("source", ["sessions_share", "revenue_share"], "share", "v")
        return alt.Chart(d).mark_bar().encode(x=alt.X("v:Q", axis=alt.Axis(format="%"), title=None),
                                              y=alt.Y("source:N", title=t("diag.col.source")), yOffset="share:N",
                                              color=alt.Color("share:N", title=None),
                                              tooltip=["source", "share", alt.Tooltip("v:Q", format=".1%")])
    if "metric" in f.evidence:
        lo = pd.Timestamp(f.evidence["start"]) - pd.Timedelta(days=28)
        hi_ = pd.Timestamp(f.evidence["end"]) + pd.Timedelta(days=28)
        col = "ad_spend" if f.dimension == "campaign" else f.evidence["metric"]
        d = res.daily[(res.daily["date"] >= lo) & (res.daily["date"] <= hi_)][["date", col]]
        band = pd.DataFrame({"a": [pd.Timestamp(f.evidence["start"])], "b": [pd.Timestamp(f.evidence["end"]) + pd.Timedelta(days=1)]})
        return (alt.Chart(band).mark_rect(opacity=0.15, color=SEV[f.severity]).encode(x="a:T", x2="b:T")
                + alt.Chart(d).mark_line(point=True).encode(x=alt.X("date:T", title=t("diag.col.date")),
                                                            y=alt.Y(f"{col}:Q", title=t(f"diag.kpi.{col}")),
                                                            tooltip=["date:T", alt.Tooltip(f"{col}:Q", format=",.3~f")]))
    return None
