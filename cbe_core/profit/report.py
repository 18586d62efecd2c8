"""The profit workbook in the seller's words: translated sheet names and headers, money headers naming
the currency, sources as words, and the Excel number formats to use (:func:`export_frames`)."""

from __future__ import annotations

import pandas as pd

from ..i18n import t
from .waterfall import COMPONENTS, FEE_PARTS, ProfitResult

MONEY_FORMAT = "#,##0.00"
PCT_FORMAT = "0.0%"
_SKU_COLS = (
    "sku",
    "units",
    "returned_units",
    *COMPONENTS,
    "net",
    "margin",
    "net_per_unit",
    "avg_price",
    "break_even_price",
    "refund_rate",
    *FEE_PARTS,
)
_MONEY = {*COMPONENTS, *FEE_PARTS, "net", "net_per_unit", "avg_price", "break_even_price", "amount"}
_PCT = {"margin", "refund_rate"}


def _head(col: str, lang: str, currency: str) -> str:
    label = t(f"profit.col.{col}", lang)
    return f"{label} ({currency})" if col in _MONEY else label


def _frame(table: pd.DataFrame, cols, lang: str, currency: str, formats: dict[str, str]) -> pd.DataFrame:
    out = pd.DataFrame(index=range(len(table)))
    for c in cols:
        if c not in table.columns:
            continue
        h = _head(c, lang, currency)
        out[h] = table[c].to_numpy()
        if c in _MONEY:
            formats[h] = MONEY_FORMAT
        elif c in _PCT:
            formats[h] = PCT_FORMAT
    for c in COMPONENTS:
        if f"source_{c}" in table.columns and c in cols:
            h = t("profit.col.source_of", lang, name=t(f"profit.col.{c}", lang))
            out[h] = [t(f"profit.src.{s}", lang) if isinstance(s, str) else "" for s in table[f"source_{c}"]]
    return out


def export_frames(
    res: ProfitResult, lang: str = "en", findings=()
) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """``(sheets, number_formats)`` for :func:`cbe_core.export.write_workbook`: the store waterfall,
    SKUs, channels, findings and notes, in ``lang``, money headers naming the currency."""
    formats: dict[str, str] = {}
    cur = res.currency
    steps = res.waterfall()
    summary = pd.DataFrame(
        {
            t("profit.col.step", lang): [t(f"profit.col.{s}", lang) for s in steps["step"]],
            _head("amount", lang, cur): steps["amount"].to_numpy(),
            t("profit.col.source", lang): [
                t(f"profit.src.{s}", lang) if isinstance(s, str) else "" for s in steps["source"]
            ],
        }
    )
    formats[_head("amount", lang, cur)] = MONEY_FORMAT
    period = t("profit.period", lang, start=res.start.strftime("%Y-%m-%d"), end=res.end.strftime("%Y-%m-%d"))
    summary.loc[len(summary)] = [period, None, ""]
    sheets = {
        t("profit.sheet.summary", lang): summary,
        t("profit.sheet.skus", lang): _frame(res.by_sku, _SKU_COLS, lang, cur, formats),
        t("profit.sheet.channels", lang): _frame(
            res.by_channel, ("channel", *_SKU_COLS[1:]), lang, cur, formats
        ),
    }
    if findings:
        sheets[t("profit.sheet.findings", lang)] = pd.DataFrame(
            {
                t("profit.col.severity", lang): [t(f"diag.sev.{f.severity}", lang) for f in findings],
                t("profit.col.sku", lang): [f.slice for f in findings],
                t("profit.col.finding", lang): [f.message(lang) for f in findings],
                t("profit.col.action", lang): [f.action(lang) for f in findings],
                _head("amount", lang, cur): [round(f.money_at_stake, 2) for f in findings],
            }
        )
    sheets[t("profit.sheet.notes", lang)] = pd.DataFrame({t("profit.col.note", lang): res.note_texts(lang)})
    return sheets, formats
