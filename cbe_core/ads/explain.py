"""Sentences for the ads decisions in the seller's language (the catalog keys ``ads.reason.*``).

Used by the page, the command line and the decisions workbook, so all three say the same thing.
Money is written with its currency code (``USD 12.50``); without one, as a bare amount.
"""

from __future__ import annotations

import math

import pandas as pd

from ..i18n import t


def money(value: float, currency: str | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{currency} {value:,.2f}" if currency else f"{value:,.2f}"


def pct(value: float) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{value:.0%}" if abs(value) >= 0.1 else f"{value:.1%}"


def p_text(p: float) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "-"
    return f"{p:.3f}" if p >= 0.001 else "<0.001"


def kind_name(kind: str, lang: str) -> str:
    return t(f"ads.kind.{kind}", lang)


def harvest_reasons(h: pd.DataFrame, currency: str | None, lang: str = "en") -> list[str]:
    out = []
    for r in h.to_dict("records"):
        text = t("ads.reason.harvest", lang, orders=int(r["orders"]), acos=pct(r["acos"]),
                 target=pct(r["target_acos"]), kind=kind_name(r["source_kind"], lang),
                 bid=money(r["suggested_bid"], currency))
        if r["dest_campaign"]:
            text += " " + t("ads.reason.harvest_dest", lang, campaign=r["dest_campaign"],
                            ad_group=r["dest_ad_group"])
        else:
            text += " " + t("ads.reason.harvest_no_dest", lang)
        if r["negate_in_source"]:
            text += " " + t("ads.reason.isolate", lang, campaign=r["campaign"], ad_group=r["ad_group"])
        out.append(text)
    return out


def negate_reasons(n: pd.DataFrame, currency: str | None, lang: str = "en", ratio: float = 0.5) -> list[str]:
    out = []
    for r in n.to_dict("records"):
        out.append(t("ads.reason.negate", lang, clicks=int(r["clicks"]), orders=int(r["orders"]),
                     spend=money(r["spend"], currency), pool=t(f"ads.pool.{r['pool']}", lang),
                     rate=pct(r["pool_conversion"]), ratio=pct(ratio), p=p_text(r["p_value"]),
                     saving=money(r["monthly_saving"], currency)))
    return out


def bid_reasons(b: pd.DataFrame, currency: str | None, lang: str = "en", limit: float = 0.2) -> list[str]:
    out = []
    for r in b.to_dict("records"):
        params = dict(acos=pct(r["acos"]), target=pct(r["target_acos"]), clicks=int(r["clicks"]),
                      spc=money(r["spc_shrunk"], currency), ideal=money(r["ideal_bid"], currency),
                      cpc=money(r["cpc"], currency), bid=money(r["suggested_bid"], currency))
        if r["direction"] == "up":
            text = t("ads.reason.bid_up", lang, **params)
        elif r["direction"] == "down" and r["sales"] <= 0:
            text = t("ads.reason.bid_down_no_sales", lang, **params)
        elif r["direction"] == "down":
            text = t("ads.reason.bid_down", lang, **params)
        else:
            text = t("ads.reason.bid_hold", lang, **params)
        if r["capped"] and r["direction"] != "hold":
            text += " " + t("ads.reason.capped", lang, limit=pct(limit))
        out.append(text)
    return out


def term_reasons(terms: pd.DataFrame, currency: str | None, lang: str = "en") -> list[str]:
    """One short sentence per row of the terms table, by its decision."""
    out = []
    for r in terms.to_dict("records"):
        d = r["decision"]
        params = dict(clicks=int(r["clicks"]), orders=int(r["orders"]), acos=pct(r["acos"]),
                      target=pct(r["target_acos"]), p=p_text(r["p_value"]), spend=money(r["spend"], currency))
        if d == "keep":
            key = ("ads.reason.keep_over" if r["sales"] > 0 and r["acos"] > r["target_acos"]
                   else "ads.reason.keep_no_sales" if r["sales"] <= 0 else "ads.reason.keep")
        else:
            key = f"ads.reason.short_{d}"
        out.append(t(key, lang, **params))
    return out
