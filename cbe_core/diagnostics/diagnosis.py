"""Everything for one period in one call (:func:`run_all`) and the sheets of its Excel download."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import DataError
from ..i18n import t
from .anomaly import _threshold, anomalies, campaign_spend, daily
from .breakdown import by_campaign, by_sku, by_source
from .comparison import compare, last_year_range, load_benchmarks, previous_range
from .decomposition import Decomposition, decompose
from .findings import (
    SEVERITIES,
    Finding,
    find_campaigns_below_break_even,
    find_high_bounce,
    find_low_aov,
    find_low_buy_box,
    find_low_conversion,
    find_low_repurchase,
    find_source_concentration,
    find_swings,
)
from .kpi import MONEY_KPIS, Kpis, _range, kpis_for
from .store import prepare

COMPARISONS = ("previous", "last_year")


@dataclass(frozen=True)
class Diagnosis:
    """Everything the page and the command line show for one period (see :func:`run_all`)."""

    start: pd.Timestamp
    end: pd.Timestamp
    kpis: Kpis
    previous: Kpis
    last_year: Kpis
    comparison: pd.DataFrame
    decomposition: Decomposition
    by_sku: pd.DataFrame
    by_source: pd.DataFrame | None
    by_campaign: pd.DataFrame | None
    daily: pd.DataFrame
    anomalies: pd.DataFrame
    findings: tuple[Finding, ...]
    notes: tuple[str, ...] = ()

    def findings_frame(self, lang: str = "en") -> pd.DataFrame:
        rows = [
            {"code": f.code, "severity": f.severity, "dimension": f.dimension, "slice": f.slice,
             "money_at_stake": f.money_at_stake, "message": f.message(lang), "action": f.action(lang)}
            for f in self.findings
        ]
        cols = ["code", "severity", "dimension", "slice", "money_at_stake", "message", "action"]
        return pd.DataFrame(rows, columns=cols)


def run_all(
    orders: pd.DataFrame,
    traffic: pd.DataFrame | None = None,
    ads: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    *,
    start=None,
    end=None,
    compare_to: str = "previous",
    slice_dim: str | None = None,
    slice_value: str | None = None,
    sensitivity: str | float = "medium",
    benchmark_scope: str | None = None,
    benchmarks: pd.DataFrame | None = None,
) -> Diagnosis:
    """KPIs, comparisons, decomposition (against ``compare_to``: ``"previous"`` period or
    ``"last_year"``), per-SKU/source/campaign tables, daily series, anomalies and ranked findings for
    ``start..end`` (default: the whole orders range)."""
    if compare_to not in COMPARISONS:
        raise DataError("err.diag.compare_to", value=compare_to, choices=", ".join(COMPARISONS))
    _threshold(sensitivity)
    st = prepare(orders, traffic, ads, products, slice_dim=slice_dim, slice_value=slice_value)
    start, end = _range(st, start, end)
    bm = load_benchmarks() if benchmarks is None else benchmarks
    cur = kpis_for(st, start, end)
    p0, p1 = previous_range(start, end)
    y0, y1 = last_year_range(start, end)
    prev, ly = kpis_for(st, p0, p1), kpis_for(st, y0, y1)
    comp = compare(cur, prev, ly, scope=benchmark_scope, benchmarks=bm)
    sk = by_sku(st, start, end)
    src = by_source(st, start, end, sk)
    camp = by_campaign(st, start, end, sk, cur.get("margin"))
    before = (p0, p1) if compare_to == "previous" else (y0, y1)
    known = {(start, end, "kpis"): cur, (p0, p1, "kpis"): prev, (y0, y1, "kpis"): ly, (start, end, "sku"): sk,
             (start, end, "source"): src}
    dec = decompose(st, before, (start, end), known=known)
    dly = daily(st)
    an = anomalies(dly, sensitivity, campaigns=campaign_spend(st))
    revenue = cur.get("revenue") or 0.0
    findings: list[Finding] = []
    if st.slice_dim != "sku":
        findings += find_low_conversion(sk, revenue)
        findings += find_low_aov(sk, revenue)
        findings += find_high_bounce(sk, revenue, cur.get("conversion_rate"))
    findings += find_low_buy_box(sk, revenue)
    findings += find_campaigns_below_break_even(camp, revenue)
    if st.slice_dim != "source":
        findings += find_source_concentration(src, revenue)
    findings += find_low_repurchase(cur, bm)
    findings += find_swings(an, dly, start, end, cur.get("aov"), sensitivity)
    findings.sort(key=lambda f: (-f.money_at_stake, SEVERITIES.index(f.severity), f.code, f.slice))
    return Diagnosis(start, end, cur, prev, ly, comp, dec, sk, src, camp, dly, an, tuple(findings), cur.notes)


def export_frames(res: Diagnosis, lang: str = "en", currency: str | None = None) -> dict[str, pd.DataFrame]:
    """The sheets of the Excel download: KPIs with comparisons, findings (with text in ``lang``),
    products, sources, campaigns and flagged days (sheet names in ``lang``). With ``currency`` (the
    reporting currency) money columns carry it in their header (``revenue (EUR)``) and the KPI sheet
    gains a ``currency`` column naming it on the money KPIs."""
    kp = res.comparison.copy()
    kp.insert(1, "name", [t(f"diag.kpi.{k}", lang) for k in kp["kpi"]])
    kp["reason"] = [t(r, lang) if isinstance(r, str) else None for r in kp["reason"]]
    if currency:
        kp.insert(2, "currency", [currency if k in MONEY_KPIS else None for k in kp["kpi"]])
    sheets = {t("diag.sheet.kpis", lang): kp, t("diag.sheet.findings", lang): res.findings_frame(lang),
              t("diag.sheet.products", lang): res.by_sku}
    if res.by_source is not None:
        sheets[t("diag.sheet.sources", lang)] = res.by_source
    if res.by_campaign is not None:
        sheets[t("diag.sheet.campaigns", lang)] = res.by_campaign
    sheets[t("diag.sheet.anomalies", lang)] = res.anomalies.drop(columns=["weight", "scale"], errors="ignore")
    if currency:
        sheets = {name: frame.rename(columns={c: f"{c} ({currency})" for c in frame.columns
                                              if c in MONEY_COLUMNS})
                  for name, frame in sheets.items()}
    return sheets


MONEY_COLUMNS = frozenset({"revenue", "aov", "gross_profit", "ad_spend", "ad_sales", "spend",
                           "profit_after_ads", "money_at_stake", "revenue_per_session"})
"""Columns of the export tables that hold money (in the reporting currency)."""
