"""Data health rows for the landing page and the data page (one row per canonical table)."""

from __future__ import annotations

from cbe_core.i18n import t
from cbe_core.schema import TABLES

from .data import Dataset


def _period(frame) -> str:
    for col in ("order_date", "date", "ship_date"):
        if col in frame.columns and len(frame):
            s = frame[col].dropna()
            if len(s):
                return f"{s.min():%Y-%m-%d} → {s.max():%Y-%m-%d}"
    return ""


def health_table(data: Dataset, lang: str) -> list[dict]:
    rows = []
    for name in TABLES:
        col = {k: t(f"home.col.{k}", lang) for k in ("table", "status", "rows_read", "rows_loaded", "dropped",
                                                     "fixed", "period")}
        row = {col["table"]: t(f"table.{name}", lang)}
        if name in data.tables:
            item = data.tables[name]
            rep = item.report
            row |= {
                col["status"]: t("home.status.ok", lang),
                col["rows_read"]: int(rep.rows_read),
                col["rows_loaded"]: int(rep.rows_loaded),
                col["dropped"]: int(sum(rep.dropped.values())),
                col["fixed"]: int(sum(rep.fixed.values())),
                col["period"]: _period(item.frame),
            }
        elif name in data.errors:
            row |= {col["status"]: t("home.status.error", lang) + ": " + data.errors[name].message(lang)}
        else:
            row |= {col["status"]: t("home.status.missing", lang)}
        rows.append(row)
    return rows
