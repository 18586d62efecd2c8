"""Overseas-warehouse inventory: safety stock and reorder point from demand and lead-time variability.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .. import schema
from ..errors import DataError
from .delivery import lognormal_from_range


# --------------------------------------------------------------------------------------------------
# Overseas-warehouse inventory
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReorderResult:
    """Safety stock and reorder point (units), with the inputs. ``stockout_risk``: probability that
    demand over one lead time exceeds the current inventory position (if you order now);
    ``overstock_units``: position above reorder point + ``cover_days`` of demand, and its storage cost
    per month."""

    z: float
    sigma_ltd: float
    safety_stock: float
    reorder_point: float
    days_of_cover: float
    stockout_risk: float
    reorder_now: bool
    overstock_units: float
    overstock_storage_per_month: float
    demand_per_day: float
    demand_sd: float
    lead_days: float
    lead_sd: float
    service_level: float


def reorder_point(
    demand_per_day: float,
    demand_sd: float,
    lead_days: float,
    lead_sd: float = 0.0,
    *,
    service_level: float = 0.95,
    on_hand: float = 0.0,
    on_order: float = 0.0,
    cover_days: float = 60.0,
    unit_volume_cbm: float = 0.0,
    storage_per_cbm_month: float = 0.0,
) -> ReorderResult:
    """Safety stock and reorder point with demand and lead-time variability:
    ``SS = z * sqrt(L * sd_d**2 + d**2 * sd_L**2)``, ``ROP = d * L + SS`` (Stevenson, *Operations
    Management*, 14th ed., McGraw-Hill, ch. 12, pp. 528-529), d and sd_d per day, L and sd_L in days,
    z = Phi^-1(cycle service level). Lead-time demand is only approximately normal when L varies
    (Chopra, Reinhardt & Dada 2004), so treat the result as a planning figure."""
    if not 0 < service_level < 1:
        raise DataError("err.logi.service_level", level=service_level)
    d, sd, L, sL = float(demand_per_day), float(demand_sd), float(lead_days), float(lead_sd)
    if min(d, sd, L, sL) < 0:
        raise DataError("err.logi.negative_inventory_input")
    z = float(stats.norm.ppf(service_level))
    sigma = float(lead_time_demand_sd(d, sd, L, sL))
    ss = z * sigma
    rop = d * L + ss
    position = float(on_hand) + float(on_order)
    cover = float(on_hand) / d if d > 0 else math.inf
    risk = float(stats.norm.sf((position - d * L) / sigma)) if sigma > 0 else float(position < d * L)
    over = max(0.0, position - (rop + d * cover_days))
    return ReorderResult(
        z,
        sigma,
        ss,
        rop,
        cover,
        risk,
        position <= rop,
        over,
        over * unit_volume_cbm * storage_per_cbm_month,
        d,
        sd,
        L,
        sL,
        float(service_level),
    )


def lead_time_demand_sd(demand_per_day, demand_sd, lead_days, lead_sd=0.0):
    """Sd of demand over the lead time, ``sqrt(L * sd_d**2 + d**2 * sd_L**2)`` (Stevenson, ch. 12,
    "both variable"), vectorised: the one formula behind :func:`reorder_point` and the restock plan
    (safety stock = z x this)."""
    d, sd = np.asarray(demand_per_day, float), np.asarray(demand_sd, float)
    L, sL = np.asarray(lead_days, float), np.asarray(lead_sd, float)
    return np.sqrt(L * sd**2 + d**2 * sL**2)


def lead_time_stats(lead_days_min: float, lead_days_max: float) -> tuple[float, float]:
    """Mean and sd (days) of the lognormal whose P10-P90 is the card's lead-time range."""
    mu, sigma = lognormal_from_range(lead_days_min, lead_days_max)
    mean = float(np.exp(mu + sigma**2 / 2))
    return mean, float(mean * np.sqrt(np.expm1(sigma**2)))


def demand_stats(
    orders: pd.DataFrame, sku: str | None = None, country: str | None = None, *, days: int = 90, as_of=None
) -> tuple[float, float]:
    """Mean and sd of units sold per day over the last ``days`` days (days without sales count as 0)."""
    o = schema.sales_lines(orders)
    if sku is not None:
        o = o.loc[o["sku"].astype(str) == str(sku)]
    if country is not None and "country" in o.columns:
        o = o.loc[o["country"].astype(str) == str(country)]
    end = pd.Timestamp(as_of) if as_of is not None else pd.to_datetime(orders["order_date"]).max()
    end = end.normalize()
    start = end - pd.Timedelta(days=days - 1)
    o = o.loc[(o["order_date"] >= start) & (o["order_date"] < end + pd.Timedelta(days=1))]
    daily = o.groupby(o["order_date"].dt.normalize())["quantity"].sum()
    daily = daily.reindex(pd.date_range(start, end, freq="D"), fill_value=0).astype(float)
    return float(daily.mean()), float(daily.std(ddof=1)) if len(daily) > 1 else 0.0
