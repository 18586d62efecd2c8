"""Marketplace fees estimated from the cited fee table (``cbe_core/data/marketplace_fees.csv``).

Used only where the seller's files do not say what a line paid (no Date Range Report row for the
order and no ``platform_fee`` on the line): every figure from here is an **estimate**.

Rules of a fee row (``rule``), on a base ``p`` (the unit price for ``per = unit``, the order's total
for ``per = order``):

- ``flat``: ``rate * p + fixed``;
- ``threshold`` (whole price): ``rate`` when ``p <= breakpoint``, ``rate_2`` up to ``breakpoint_2``,
  ``rate_3`` above (Amazon Beauty 8% at $10 or less, 15% above; apparel 5% / 10% / 17%);
- ``marginal`` (by portion): ``rate`` on the part up to ``breakpoint``, ``rate_2`` on the rest
  (Amazon Electronics Accessories 15% up to $100, 8% above).

The referral fee is at least ``minimum`` per item. ``refund_admin`` rows say how much of the fee the
marketplace keeps on a refund: the lesser of ``rate`` x the fee and ``cap`` per item (Amazon keeps the
lesser of $5.00 or 20% of the referral fee, sellercentral GDC3U6FWF4JJJJC7); Shopify keeps the whole
payment fee (``rate`` 1). A channel is matched by name (``Amazon.com``, ``amazon`` -> amazon); a
category by the aliases in ``category`` (``|``-separated, case-insensitive), else the ``*`` row.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
CHANNEL_KEYS = ("amazon", "shopify", "tiktok")
_NUM = ("rate", "breakpoint", "rate_2", "breakpoint_2", "rate_3", "fixed", "minimum", "cap")


@lru_cache(maxsize=1)
def _fee_table() -> pd.DataFrame:
    df = pd.read_csv(DATA_DIR / "marketplace_fees.csv", dtype=str, keep_default_na=False, na_values=[""])
    return check_fee_table(df)


def default_fee_table() -> pd.DataFrame:
    """The bundled fee table (a fresh copy; ``source``, ``confidence`` and ``as_of`` per row)."""
    return _fee_table().copy()


def check_fee_table(table: pd.DataFrame) -> pd.DataFrame:
    """A cleaned copy of a fee table (numbers as float, dates as timestamps, names lower case)."""
    from ..errors import DataError

    need = ("channel", "fee", "category", "rule", "rate")
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise DataError("err.profit.fee_columns", columns=", ".join(missing))
    out = table.copy()
    for c in _NUM:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float) if c in out else np.nan
    for c in ("valid_from", "valid_to"):
        out[c] = pd.to_datetime(out[c], errors="coerce") if c in out else pd.NaT
    for c in ("channel", "fee", "category", "rule"):
        out[c] = out[c].astype("str").str.strip().str.lower()
    if "per" not in out:
        out["per"] = "unit"
    out["per"] = out["per"].astype("str").str.strip().str.lower()
    return out


def channel_key(channel) -> np.ndarray:
    """``amazon`` / ``shopify`` / ``tiktok`` / ``""`` per value, from the channel's name."""
    s = pd.Series(channel, dtype="str").fillna("").str.lower().str.replace(" ", "", regex=False)
    out = np.full(len(s), "", dtype=object)
    for key in CHANNEL_KEYS[::-1]:
        out[s.str.contains(key, regex=False).to_numpy()] = key
    return out


def _live(table: pd.DataFrame, on: pd.Timestamp) -> pd.DataFrame:
    vf, vt = table["valid_from"], table["valid_to"]
    return table.loc[(vf.isna() | (vf <= on)) & (vt.isna() | (vt > on))]


def _apply(row, p: np.ndarray) -> np.ndarray:
    """Fee of one row on bases ``p`` (before the minimum)."""
    rate = row.rate
    if row.rule == "threshold":
        r2 = row.rate_2 if np.isfinite(row.rate_2) else rate
        r3 = row.rate_3 if np.isfinite(row.rate_3) else r2
        b2 = row.breakpoint_2 if np.isfinite(row.breakpoint_2) else np.inf
        r = np.where(p <= row.breakpoint, rate, np.where(p <= b2, r2, r3))
        fee = r * p
    elif row.rule == "marginal":
        r2 = row.rate_2 if np.isfinite(row.rate_2) else rate
        fee = rate * np.minimum(p, row.breakpoint) + r2 * np.maximum(p - row.breakpoint, 0.0)
    else:
        fee = rate * p
    return fee + (row.fixed if np.isfinite(row.fixed) else 0.0)


def _rows_for(live: pd.DataFrame, key: str, fee: str) -> pd.DataFrame:
    return live.loc[(live["channel"] == key) & (live["fee"] == fee)]


def _category_rows(rows: pd.DataFrame, cats: np.ndarray) -> list[tuple[object, np.ndarray]]:
    """(row, mask) pairs: each category to its first specific row, the rest to the ``*`` row."""
    done = np.zeros(len(cats), dtype=bool)
    out = []
    for row in rows.itertuples(index=False):
        if row.category == "*":
            continue
        aliases = {a.strip() for a in row.category.split("|")}
        m = ~done & np.isin(cats, list(aliases))
        if m.any():
            out.append((row, m))
            done |= m
    star = rows.loc[rows["category"] == "*"]
    if len(star) and (~done).any():
        out.append((next(star.itertuples(index=False)), ~done))
    return out


def referral_per_unit(
    channel_keys: np.ndarray,
    categories: np.ndarray,
    unit_price: np.ndarray,
    on,
    table: pd.DataFrame | None = None,
) -> np.ndarray:
    """Referral fee per unit (NaN where the channel has no referral row)."""
    table = _fee_table() if table is None else table
    live = _live(table, pd.Timestamp(on))
    cats = pd.Series(categories, dtype="str").fillna("").str.strip().str.lower().to_numpy(dtype=object)
    p = np.asarray(unit_price, dtype=float)
    out = np.full(len(p), np.nan)
    for key in CHANNEL_KEYS:
        ch = channel_keys == key
        rows = _rows_for(live, key, "referral")
        if not ch.any() or rows.empty:
            continue
        for row, m in _category_rows(rows, cats):
            m = m & ch
            fee = _apply(row, p[m])
            out[m] = np.maximum(fee, row.minimum if np.isfinite(row.minimum) else 0.0)
    return out


def payment_per_order(
    channel_keys: np.ndarray, order_total: np.ndarray, on, table: pd.DataFrame | None = None
) -> np.ndarray:
    """Payment processing fee of an order (NaN where the channel has no payment row)."""
    table = _fee_table() if table is None else table
    live = _live(table, pd.Timestamp(on))
    p = np.asarray(order_total, dtype=float)
    out = np.full(len(p), np.nan)
    for key in CHANNEL_KEYS:
        ch = channel_keys == key
        rows = _rows_for(live, key, "payment")
        if ch.any() and len(rows):
            out[ch] = _apply(next(rows.itertuples(index=False)), p[ch])
    return out


def refund_kept(
    channel_keys: np.ndarray,
    fee_refunded: np.ndarray,
    items: np.ndarray,
    on,
    table: pd.DataFrame | None = None,
) -> np.ndarray:
    """What the marketplace keeps of ``fee_refunded`` (the fee on the refunded items) on a refund:
    ``min(rate * fee, cap * items)``; 0 where the channel has no ``refund_admin`` row."""
    table = _fee_table() if table is None else table
    live = _live(table, pd.Timestamp(on))
    fee = np.asarray(fee_refunded, dtype=float)
    n = np.asarray(items, dtype=float)
    out = np.zeros(len(fee))
    for key in CHANNEL_KEYS:
        ch = channel_keys == key
        rows = _rows_for(live, key, "refund_admin")
        if ch.any() and len(rows):
            row = next(rows.itertuples(index=False))
            kept = row.rate * fee[ch]
            if np.isfinite(row.cap):
                kept = np.minimum(kept, row.cap * n[ch])
            out[ch] = kept
    return out
