"""The bundled reference tables: rate cards, duty rules, FBA fees and FX (``cbe_core/data/*.csv``).

Each is read once per process (``lru_cache``) and handed out as a fresh copy; they are editable data
with their ``source`` and ``confidence`` (or ``status``) columns, never user data.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from .. import schema

DATA_DIR = Path(__file__).parent.with_name("data")


# --------------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------------
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


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / name, dtype=str, keep_default_na=False, na_values=[""])


@lru_cache(maxsize=1)
def _default_cards() -> pd.DataFrame:
    return _coerce(_read("rate_cards_default.csv"), schema.RATE_CARDS)


@lru_cache(maxsize=1)
def _default_duty_rules() -> pd.DataFrame:
    df = _read("duty_rules.csv")
    for c in ("value_min", "value_max", "duty_rate", "duty_per_item_category", "vat_rate"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    for c in ("valid_from", "valid_to"):
        df[c] = pd.to_datetime(df[c], errors="coerce")
    df["adds_base_duty"] = df["adds_base_duty"].str.lower().eq("true")
    return df


@lru_cache(maxsize=1)
def _default_fba_fees() -> pd.DataFrame:
    df = _read("fba_fees.csv")
    for c in (
        "max_weight_lb",
        "fee_lt10",
        "fee_10_50",
        "fee_gt50",
        "base_weight_lb",
        "extra_step_lb",
        "extra_fee",
        "surcharge_rate",
    ):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    for c in ("valid_from", "valid_to"):
        df[c] = pd.to_datetime(df[c], errors="coerce")
    return df


@lru_cache(maxsize=1)
def _default_fx() -> pd.DataFrame:
    df = _read("fx_rates.csv")
    df["per_usd"] = pd.to_numeric(df["per_usd"], errors="coerce").astype(float)
    return df


def default_rate_cards() -> pd.DataFrame:
    """The bundled rate cards, China to US, DE, GB and JP (a fresh copy; ``source`` and
    ``confidence`` say which figures are sourced and which are illustrative)."""
    return _default_cards().copy()


def default_duty_rules() -> pd.DataFrame:
    """The bundled duty / VAT / de minimis rules with the date each applies from (a copy)."""
    return _default_duty_rules().copy()


def default_fba_fees() -> pd.DataFrame:
    """Amazon US FBA fulfilment fees per size tier and period (a copy; weak source, see ``source``)."""
    return _default_fba_fees().copy()


def default_fx() -> pd.DataFrame:
    """Units of each currency per USD (illustrative round figures: set your own)."""
    return _default_fx().copy()


def _fx_map(fx: pd.DataFrame | None) -> dict[str, float]:
    fx = _default_fx() if fx is None else fx
    return dict(zip(fx["currency"].astype(str), fx["per_usd"].astype(float)))
