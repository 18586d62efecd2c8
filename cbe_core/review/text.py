"""Sentences and tables of a review in one language (catalog keys ``review.*``): shared by the HTML
page, the workbook and the app's home page, so they say the same thing."""

from __future__ import annotations

import pandas as pd

from ..diagnostics import RATIO_KPIS
from ..i18n import t
from .weekly import HEADLINE_KPIS, Review

COUNT_KPIS = frozenset({"orders", "units", "sessions", "page_views", "customers"})


def day(ts) -> str:
    return pd.Timestamp(ts).strftime("%Y-%m-%d")


def money(value: float | None, currency: str | None, lang: str) -> str:
    if value is None or pd.isna(value):
        return t("common.not_available", lang)
    return f"{value:,.2f} {currency or t('review.store_currency', lang)}"


def kpi_value(kpi: str, value, currency: str | None, lang: str) -> str:
    if value is None or pd.isna(value):
        return t("common.not_available", lang)
    if kpi in RATIO_KPIS:
        return f"{value * 100:.1f}%"
    if kpi in COUNT_KPIS:
        return f"{value:,.0f}"
    return money(value, currency, lang)


def change(value) -> str:
    return "" if value is None or pd.isna(value) else f"{value * 100:+.1f}%"


def period_line(r: Review, lang: str) -> str:
    """"Since your last review ..." or "first review" or "up to date"."""
    if r.up_to_date:
        nxt = r.last_review["period_end"] + pd.Timedelta(days=1)
        return t("review.up_to_date", lang, done=str(r.last_review["done_at"])[:16],
                 end=day(r.last_review["period_end"]), next=day(nxt), data_end=day(r.data_end))
    if r.last_review is None:
        return t("review.first", lang, week=r.week, start=day(r.period_start), end=day(r.period_end))
    return t("review.since", lang, done=str(r.last_review["done_at"])[:16], start=day(r.period_start),
             end=day(r.period_end), week=r.week)


def kpi_table(r: Review, lang: str) -> pd.DataFrame:
    """The headline KPIs of the week: value, previous week, change, same week last year, change."""
    rows = r.kpis.set_index("kpi")
    out = []
    for k in HEADLINE_KPIS:
        if k not in rows.index or pd.isna(rows.loc[k, "value"]):
            continue
        x = rows.loc[k]
        out.append({
            t("review.col.kpi", lang): t(f"diag.kpi.{k}", lang),
            t("review.col.week", lang): kpi_value(k, x["value"], r.currency, lang),
            t("review.col.previous", lang): kpi_value(k, x["previous"], r.currency, lang),
            t("review.col.change", lang): change(x["change_pct"]),
            t("review.col.last_year", lang): kpi_value(k, x["last_year"], r.currency, lang),
            t("review.col.yoy", lang): change(x["yoy_pct"]),
        })
    return pd.DataFrame(out)


def goodness(r: Review, column: str) -> list[bool | None]:
    """Per row of :func:`kpi_table`: is the change in ``column`` good (True), bad (False) or neither
    (None: no change, or a KPI where neither direction is better), from ``HIGHER_IS_BETTER``."""
    from ..diagnostics import HIGHER_IS_BETTER

    rows = r.kpis.set_index("kpi")
    out = []
    for k in HEADLINE_KPIS:
        if k not in rows.index or pd.isna(rows.loc[k, "value"]):
            continue
        v, better = rows.loc[k, column], HIGHER_IS_BETTER.get(k)
        out.append(None if better is None or pd.isna(v) or v == 0 else bool((v > 0) == better))
    return out


def finding_rows(r: Review, lang: str) -> pd.DataFrame:
    """One row per finding: status, severity, what, action, money at stake (now, then)."""
    out = []
    for c in r.changes:
        f = c.finding
        out.append({
            t("review.col.status", lang): t(f"review.status.{c.status}", lang),
            t("review.col.severity", lang): t(f"diag.sev.{f.severity}", lang),
            t("review.col.finding", lang): f.message(lang),
            t("review.col.action", lang): f.action(lang),
            t("review.col.money", lang): money(f.money_at_stake, r.currency, lang),
        })
    return pd.DataFrame(out)


def competitor_lines(r: Review, lang: str) -> list[str]:
    if r.competitor_moves is None or not len(r.competitor_moves):
        return []
    lines = []
    for m in r.competitor_moves.to_dict("records"):
        if m["share_change"] == m["share_change"] and abs(m["share_change"]) >= 0.005:
            key = "comp.mover.gained" if m["share_change"] >= 0 else "comp.mover.lost"
            lines.append(t(key, lang, brand=m["brand"], title=m["title"], set=m["set_id"],
                           pp=f"{abs(m['share_change']) * 100:.1f}"))
        if not m["is_own"] and m["price_change"] == m["price_change"] and abs(m["price_change"]) >= 0.05:
            lines.append(t("review.comp.price", lang, brand=m["brand"], title=m["title"],
                           before=f"{m['price_first']:,.2f}", after=f"{m['price_last']:,.2f}",
                           change=change(m["price_change"])))
    return lines


def segment_lines(r: Review, lang: str, n: int = 6) -> list[str]:
    if r.segment_moves is None:
        return []
    lines = [t("review.seg.summary", lang, changed=f"{r.customers_changed:,}", new=f"{r.new_customers:,}")]
    for m in r.segment_moves.head(n).to_dict("records"):
        lines.append(t("review.seg.move", lang, count=f"{m['customers']:,}", src=_seg(m["from"], lang),
                       dst=_seg(m["to"], lang)))
    return lines


def _seg(name: str, lang: str) -> str:
    return t("review.seg.gone", lang) if name == "(gone)" else t(f"rfm.seg.{name}", lang)


def note_lines(r: Review, lang: str) -> list[str]:
    return [t(k, lang, **p) for k, p in r.notes]


def review_sheets(r: Review, lang: str = "en") -> dict[str, pd.DataFrame]:
    """The workbook's sheets: KPIs of the week, findings, competitor moves, segment moves, daily."""
    sheets = {t("review.sheet.kpis", lang): kpi_table(r, lang),
              t("review.sheet.findings", lang): finding_rows(r, lang)}
    if r.competitor_moves is not None:
        sheets[t("review.sheet.competitors", lang)] = r.competitor_moves
    if r.segment_moves is not None:
        sheets[t("review.sheet.segments", lang)] = r.segment_moves
    sheets[t("review.sheet.daily", lang)] = r.daily
    return sheets


def review_workbook(r: Review, path=None) -> bytes:
    """The review as an Excel workbook in both languages: the English sheets, then the Chinese ones."""
    from ..export import write_workbook

    sheets = {**review_sheets(r, "en"), **review_sheets(r, "zh")}
    return write_workbook(sheets, path, number_formats={"share_change": "0.0%", "price_change": "0.0%"})
