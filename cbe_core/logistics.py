"""Logistics simulator: what each way to ship really costs per order, how fast it arrives, what mix to use."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import schema

DATA_DIR = Path(__file__).with_name("data")


def _coerce(frame: pd.DataFrame, table: schema.Table) -> pd.DataFrame:
    """Bring a frame read from a bundled CSV to the canonical kinds of ``table`` (a copy)."""
    out = frame.copy()
    for col in table.columns:
        if col.name not in out.columns:
            continue
        if col.kind in ("float", "money", "pct", "int"):
            out[col.name] = pd.to_numeric(out[col.name], errors="coerce").astype(float)
        elif col.kind in ("date", "datetime"):
            out[col.name] = pd.to_datetime(out[col.name], errors="coerce")
        else:
            out[col.name] = out[col.name].astype("str")
    return out


@lru_cache(maxsize=1)
def _default_cards() -> pd.DataFrame:
    raw = pd.read_csv(DATA_DIR / "rate_cards_default.csv", dtype=str, keep_default_na=False, na_values=[""])
    return _coerce(raw, schema.RATE_CARDS)


def default_rate_cards() -> pd.DataFrame:
    """The bundled rate cards, China to US, DE, GB and JP (a fresh copy each call)."""
    return _default_cards().copy()
