"""Plain-language findings with actions, ranked by the money at stake.

Findings carry a stable ``code``, a ``severity``, the ``slice``, the ``evidence`` and an estimated
``money_at_stake`` (how it is estimated is in each rule's docstring; estimates are marked as such in
the catalog); they are ranked by money at stake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from ..i18n import t
from ._common import _py
from .anomaly import BAD_DIRECTION, RATIO_WEIGHTS, _threshold, swing_z
from .comparison import benchmark_for
from .kpi import RATIO_KPIS, Kpis

SEVERITIES = ("high", "medium", "low")


# Rule thresholds (editable defaults; the docstrings of the rules say how they are used)
RULES = MappingProxyType({  # read-only defaults
    "low_conv_ratio": 0.5,        # D1: conversion at most this share of the category median
    "min_expected_orders": 20,    # D1/D6: enough traffic for the comparison to mean something
    "high_conv_ratio": 1.5,       # D2: conversion at least this multiple of the median SKU
    "low_aov_ratio": 0.6,         # D2: AOV at most this share of the median SKU AOV
    "bundle_attach_rate": 0.10,   # D2: estimated share of orders that would take a bundle
    "source_share": 0.60,         # D5: one source above this share of revenue
    "source_shock": 0.20,         # D5: money at stake = this share of the dominant source's revenue
    "bounce_ratio": 1.5,          # D6: bounce at least this multiple of the median product page
    "bounce_min": 0.60,           # D6: ... and at least this rate
    "repurchase_ratio": 0.5,      # low repurchase: below this share of the benchmark
    "buy_box_min": 0.85,          # buy box held less than this
    "buy_box_target": 0.95,
    "high_share": 0.03,           # severity high when money at stake >= 3% of period revenue
    "medium_share": 0.01,         # medium when >= 1%
    "swing_big": 0.25,            # swings: relative deviation of a big swing
    "swing_min": 0.10,            # swings: smaller deviations are not reported (only charted)
    "swing_days": 3,              # swings: sustained when at least this many days
    "swing_z_high": 4.5,          # swings: the whole swing's z-score for high severity
})


@dataclass(frozen=True)
class Finding:
    """One plain-language finding. ``slice`` is the SKU, campaign, source or ``"store"`` it is about,
    ``dimension`` says which; ``evidence`` holds JSON-ready numbers (and ISO dates for a swing)."""

    code: str
    severity: str
    dimension: str
    slice: str
    evidence: Mapping[str, object]
    money_at_stake: float

    @property
    def message_key(self) -> str:
        return f"diag.f.{self.code}"

    @property
    def action_key(self) -> str:
        return f"diag.a.{self.code}"

    def _params(self, lang: str) -> dict[str, object]:
        params: dict[str, object] = {"slice": self.slice, "money": _fmt_money(self.money_at_stake)}
        ratio_metric = self.evidence.get("metric") in RATIO_KPIS
        for k, v in self.evidence.items():
            if isinstance(v, float):
                pct = k.endswith(("_rate", "_pct", "_share", "acos")) or k in _PCT_FIELDS or (
                    ratio_metric and k in ("actual", "expected"))
                params[k] = ((f"{abs(v) * 100:.0f}%" if k == "deviation" else _fmt_pct(v)) if pct
                             else _fmt_num(v))
            else:
                params[k] = v
        if "metric" in self.evidence:
            params["metric_label"] = t(f"diag.kpi.{self.evidence['metric']}", lang)
        return params

    def message(self, lang: str = "en") -> str:
        return t(self.message_key, lang, **self._params(lang))

    def action(self, lang: str = "en") -> str:
        return t(self.action_key, lang, **self._params(lang))

    def to_dict(self, lang: str = "en") -> dict[str, object]:
        return {
            "code": self.code, "severity": self.severity, "dimension": self.dimension,
            "slice": self.slice, "evidence": dict(self.evidence),
            "money_at_stake": round(float(self.money_at_stake), 2),
            "message": self.message(lang), "action": self.action(lang),
        }


_PCT_FIELDS = frozenset({"conversion", "median_conversion", "threshold", "deviation", "margin"})


def rank(findings) -> tuple[Finding, ...]:
    """Findings ranked as in :func:`cbe_core.diagnostics.run_all`: money at stake (largest first), then
    severity, code and slice; used to merge the findings of other packages (profit, restock)."""
    return tuple(sorted(findings, key=lambda f: (-f.money_at_stake, SEVERITIES.index(f.severity), f.code,
                                                 f.slice)))


def _fmt_money(v: float) -> str:
    return f"{v:,.0f}"


def _fmt_pct(v: float) -> str:
    return f"{v * 100:.1f}%"


def _fmt_num(v: float) -> str:
    return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"


def _severity_by_share(money: float, revenue: float) -> str:
    if revenue <= 0:
        return "low"
    share = money / revenue
    if share >= RULES["high_share"]:
        return "high"
    if share >= RULES["medium_share"]:
        return "medium"
    return "low"


def _cap(sev: str, cap: str) -> str:
    return SEVERITIES[max(SEVERITIES.index(sev), SEVERITIES.index(cap))]


def _ev(**kw) -> dict:
    return dict({k: _py(v) for k, v in kw.items()})


def find_low_conversion(sk: pd.DataFrame, revenue: float) -> list[Finding]:
    """D1 ``high_traffic_low_conversion``: a SKU with sessions at or above the median SKU whose
    conversion is at most ``low_conv_ratio`` of its category's median SKU conversion (store median
    without categories), with at least ``min_expected_orders`` orders expected at that median.
    Money at stake = sessions x (median conversion - conversion) x the SKU's AOV (store AOV when it
    has no orders): the revenue it would add converting like its peers."""
    d = sk[(sk["sessions"] > 0)].copy()
    if len(d) < 3:
        return []
    group = (d["category"].fillna("(all)") if d["category"].notna().any()
             else pd.Series("(all)", index=d.index))
    d["median_conversion"] = d.groupby(group)["conversion"].transform("median")
    store_aov = d["revenue"].sum() / d["orders"].sum() if d["orders"].sum() > 0 else np.nan
    d["aov_used"] = d["aov"].fillna(store_aov)
    sess_med = d["sessions"].median()
    hit = d[(d["sessions"] >= sess_med)
            & (d["conversion"] <= RULES["low_conv_ratio"] * d["median_conversion"])
            & (d["sessions"] * d["median_conversion"] >= RULES["min_expected_orders"])]
    rank = d["sessions"].rank(ascending=False, method="min")
    out = []
    for r in hit.itertuples(index=False):
        money = float(r.sessions * (r.median_conversion - r.conversion) * r.aov_used)
        out.append(Finding("high_traffic_low_conversion", _severity_by_share(money, revenue), "sku",
                           str(r.sku),
                           _ev(sessions=r.sessions, sessions_rank=int(rank[d["sku"] == r.sku].iloc[0]),
                               conversion=r.conversion, median_conversion=r.median_conversion,
                               category=None if pd.isna(r.category) else r.category, aov=r.aov_used), money))
    return out


def find_low_aov(sk: pd.DataFrame, revenue: float) -> list[Finding]:
    """D2 ``high_conversion_low_aov``: conversion at least ``high_conv_ratio`` x the median SKU
    conversion and AOV at most ``low_aov_ratio`` x the median SKU AOV, with enough orders. Money at
    stake (estimate) = orders x (median AOV - AOV) x ``bundle_attach_rate``: what a bundle or
    cross-sell taken by that share of its buyers would add. Severity at most medium (an opportunity)."""
    d = sk[(sk["sessions"] > 0) & (sk["orders"] > 0)]
    if len(d) < 3:
        return []
    conv_med, aov_med = d["conversion"].median(), d["aov"].median()
    hit = d[(d["conversion"] >= RULES["high_conv_ratio"] * conv_med)
            & (d["aov"] <= RULES["low_aov_ratio"] * aov_med)
            & (d["orders"] >= RULES["min_expected_orders"])]
    out = []
    for r in hit.itertuples(index=False):
        money = float(r.orders * (aov_med - r.aov) * RULES["bundle_attach_rate"])
        out.append(Finding("high_conversion_low_aov", _cap(_severity_by_share(money, revenue), "medium"),
                           "sku", str(r.sku),
                           _ev(conversion=r.conversion, median_conversion=conv_med, aov=r.aov,
                               median_aov=aov_med, orders=r.orders), money))
    return out


def find_campaigns_below_break_even(camp: pd.DataFrame | None, revenue: float) -> list[Finding]:
    """D3 ``campaign_below_break_even``: a campaign whose ACoS is above its break-even ACoS (the
    margin before ads of what it advertises) over the period. Money at stake = the loss,
    spend - ad_sales x break_even_acos. High severity needs at least two months below break-even."""
    if camp is None or not len(camp):
        return []
    hit = camp[(camp["profit_after_ads"] < 0) & camp["break_even_acos"].notna()]
    out = []
    for r in hit.itertuples(index=False):
        money = float(-r.profit_after_ads)
        sev = _severity_by_share(money, revenue)
        if r.months_below < 2:
            sev = _cap(sev, "medium")
        out.append(Finding("campaign_below_break_even", sev, "campaign", str(r.campaign),
                           _ev(spend=r.spend, ad_sales=r.ad_sales, acos=r.acos,
                               break_even_acos=r.break_even_acos, roas=r.roas,
                               months_below=int(r.months_below), months=int(r.months), skus=r.skus),
                           money))
    return out


def find_source_concentration(src: pd.DataFrame | None, revenue: float) -> list[Finding]:
    """D5 ``source_concentration``: one traffic source carries more than ``source_share`` of revenue
    (attributed, see :func:`by_source`). Money at stake (estimate) = ``source_shock`` x that source's
    revenue (an algorithm change or account problem cutting it by a fifth). At most medium: a risk."""
    if src is None or not len(src):
        return []
    d = src[src["source"] != "(unattributed)"]
    if (d["sessions"] > 0).sum() < 2 or not np.isfinite(d["revenue_share"]).any():
        return []  # a single source in the data (e.g. one marketplace's report) says nothing
    top = d.sort_values("revenue_share", ascending=False).iloc[0]
    if top["revenue_share"] <= RULES["source_share"]:
        return []
    money = float(RULES["source_shock"] * top["revenue"])
    return [Finding("source_concentration", _cap(_severity_by_share(money, revenue), "medium"), "source",
                    str(top["source"]),
                    _ev(revenue_share=top["revenue_share"], sessions_share=top["sessions_share"],
                        revenue=top["revenue"], threshold=RULES["source_share"]), money)]


def find_high_bounce(sk: pd.DataFrame, revenue: float, store_conversion: float | None) -> list[Finding]:
    """D6 ``high_bounce``: a product page whose bounce rate is at least ``bounce_ratio`` x the median
    product page and at least ``bounce_min``, with enough sessions. Money at stake = extra bounced
    sessions x store conversion x the SKU's AOV (store AOV when it has no orders)."""
    d = sk[(sk["sessions"] > 0) & sk["bounce_rate"].notna()]
    if len(d) < 3 or not store_conversion:
        return []
    med = d["bounce_rate"].median()
    store_aov = d["revenue"].sum() / d["orders"].sum() if d["orders"].sum() > 0 else 0.0
    hit = d[(d["bounce_rate"] >= RULES["bounce_ratio"] * med) & (d["bounce_rate"] >= RULES["bounce_min"])
            & (d["sessions"] * store_conversion >= RULES["min_expected_orders"])]
    out = []
    for r in hit.itertuples(index=False):
        aov = r.aov if np.isfinite(r.aov) else store_aov
        money = float(r.sessions * (r.bounce_rate - med) * store_conversion * aov)
        out.append(Finding("high_bounce", _severity_by_share(money, revenue), "sku", str(r.sku),
                           _ev(bounce_rate=r.bounce_rate, median_bounce_rate=med, sessions=r.sessions),
                           money))
    return out


def find_low_buy_box(sk: pd.DataFrame, revenue: float) -> list[Finding]:
    """``low_buy_box``: a SKU holding the Buy Box (featured offer) less than ``buy_box_min`` of its
    sessions. Money at stake = revenue x (target / buy_box_pct - 1): the sales it would have at the
    ``buy_box_target`` share, assuming sales proportional to Buy Box time (an estimate)."""
    d = sk[sk["buy_box_pct"].notna() & (sk["buy_box_pct"] > 0) & (sk["buy_box_pct"] < RULES["buy_box_min"])]
    out = []
    for r in d.itertuples(index=False):
        money = float(r.revenue * (RULES["buy_box_target"] / r.buy_box_pct - 1.0))
        out.append(Finding("low_buy_box", _severity_by_share(money, revenue), "sku", str(r.sku),
                           _ev(buy_box_pct=r.buy_box_pct, target_pct=RULES["buy_box_target"],
                               sessions=r.sessions, revenue=r.revenue), money))
    return out


def find_low_repurchase(k: Kpis, bm: pd.DataFrame) -> list[Finding]:
    """``low_repurchase``: repurchase rate below ``repurchase_ratio`` x the benchmark. Money at stake
    (estimate) = customers x (benchmark - rate) x AOV. At most medium."""
    rate, cust, aov = k.get("repurchase_rate"), k.get("customers"), k.get("aov")
    b = benchmark_for("repurchase_rate", None, bm)
    if rate is None or not cust or not aov or b is None or rate >= RULES["repurchase_ratio"] * b["value"]:
        return []
    money = float(cust * (b["value"] - rate) * aov)
    rev = k.get("revenue") or 0.0
    return [Finding("low_repurchase", _cap(_severity_by_share(money, rev), "medium"), "store", "store",
                    _ev(repurchase_rate=rate, benchmark_rate=b["value"], customers=cust,
                        returning_revenue_share=k.get("returning_revenue_share")), money)]


def find_swings(an: pd.DataFrame, dly: pd.DataFrame, start, end, aov: float | None,
                sensitivity: str | float = "medium") -> list[Finding]:
    """Abnormal swings in the bad direction (``<metric>_drop`` for revenue, sessions and conversion,
    ``<metric>_spike`` for ad spend, store-wide or per campaign, and ACoS), one finding per run of
    consecutive flagged days that starts in ``start..end``. Money at stake: revenue drop =
    sum(expected - actual); sessions drop = lost sessions x conversion x AOV; conversion drop =
    sessions x lost conversion x AOV; spend spike = spend above expected; ACoS spike = ad_sales x
    (ACoS - expected ACoS). Swings worth less than 5% of an average day's revenue stay in the
    anomaly chart only, except a campaign's spend spike at twice the sensitivity threshold and worth
    1% of a day's revenue.
    ``actual``/``expected`` in the evidence are sums for revenue, sessions and spend, means for ratios;
    ``deviation`` and ``z`` are the whole swing's (:func:`swing_z`); a swing whose z-score stays
    below the sensitivity threshold, or that deviates less than ``swing_min``, is not reported. Severity
    high when the swing lasts ``swing_days`` days or more, deviates ``swing_big`` or more and its
    z-score reaches ``swing_z_high``; medium when it is long or big; low otherwise. A store-wide spend
    spike on the same days as a campaign's is reported once, for the campaign."""
    if an is None or not len(an):
        return []
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    d = an[an["direction"] == an["metric"].map(BAD_DIRECTION)]
    if not len(d):
        return []
    dl = dly.set_index("date")
    g = d.groupby("event").agg(metric=("metric", "first"), slice=("slice", "first"),
                               direction=("direction", "first"),
                               first=("date", "min"), last=("date", "max"), days=("date", "size"),
                               deviation=("deviation", "mean"), value=("value", "sum"),
                               expected=("expected", "sum"),
                               zmax=("z", "max"), zmin=("z", "min"))
    g = g[(g["first"] >= start) & (g["first"] <= end)]
    thr = _threshold(sensitivity)
    camp_days = set(d.loc[(d["metric"] == "ad_spend") & (d["slice"] != "store"), "date"])
    rng = dl.loc[start:end, "revenue"]
    daily_rev = float(rng.mean()) if len(rng) and np.isfinite(rng.mean()) else 0.0
    conv = (float(np.nansum(dl["orders"]) / np.nansum(dl["sessions"])) if np.nansum(dl["sessions"]) > 0
            else 0.0)
    out = []
    for ev_id, r in g.iterrows():
        days = d[d["event"] == ev_id]
        dates = days["date"]
        if r.metric == "revenue":
            money = float(r.expected - r.value)
        elif r.metric == "sessions":
            money = float((r.expected - r.value) * conv * (aov or 0.0))
        elif r.metric == "conversion_rate":
            ses = dl.loc[dates, "sessions"].to_numpy()
            money = float(np.nansum(ses * (days["expected"].to_numpy() - days["value"].to_numpy()))
                          * (aov or 0.0))
        elif r.metric == "ad_spend":
            if r.slice == "store" and set(dates) & camp_days:
                continue
            money = float(r.value - r.expected)
        else:
            sales = dl.loc[dates, "ad_sales"].to_numpy()
            money = float(np.nansum(sales * (days["value"].to_numpy() - days["expected"].to_numpy())))
        wild = r.slice != "store" and max(abs(r.zmax), abs(r.zmin)) >= 2 * thr and money >= 0.01 * daily_rev
        if money < 0.05 * daily_rev and not wild:
            continue
        dev, z = swing_z(days)
        if not (np.isfinite(z) and abs(z) >= thr and abs(dev) >= RULES["swing_min"]) and not wild:
            continue
        strong = np.isfinite(z) and abs(z) >= RULES["swing_z_high"]
        big = np.isfinite(dev) and abs(dev) >= RULES["swing_big"]
        long = r.days >= RULES["swing_days"]
        sev = "high" if strong and big and long else ("medium" if big or long else "low")
        actual, expected = float(r.value), float(r.expected)
        if r.metric in RATIO_WEIGHTS:
            actual, expected = float(dev + 1) * float(r.expected) / r.days, float(r.expected) / r.days
        out.append(Finding(f"{r.metric}_{r.direction}", sev, "store" if r.slice == "store" else "campaign",
                           str(r.slice),
                           _ev(metric=r.metric, start=r["first"], end=r["last"], days=int(r.days),
                               deviation=dev, actual=actual, expected=expected, z=z), max(money, 0.0)))
    return out
