"""Delivery-time distributions: a lognormal from the card's range or fitted to the shipment history.

A lognormal whose P10 and P90 are the card's ``transit_days_min`` and ``transit_days_max``
(``mu = (ln a + ln b) / 2``, ``sigma = (ln b - ln a) / (2 * 1.2816)``), or fitted to the seller's
shipment history (mean and sd of log transit days, :func:`fit_history`). On-time probability =
``Phi((ln D - mu) / sigma)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ._common import Z90


# --------------------------------------------------------------------------------------------------
# Delivery-time model
# --------------------------------------------------------------------------------------------------
def lognormal_from_range(days_min, days_max):
    """(mu, sigma) of a lognormal with P10 = ``days_min`` and P90 = ``days_max``."""
    a = np.maximum(np.asarray(days_min, float), 0.1)
    b = np.maximum(np.asarray(days_max, float), a)
    mu = (np.log(a) + np.log(b)) / 2
    sigma = np.maximum((np.log(b) - np.log(a)) / (2 * Z90), 1e-3)
    return mu, sigma


def on_time_probability(promise_days, mu, sigma):
    """P(transit <= promise) under the lognormal: Phi((ln D - mu) / sigma)."""
    d = np.maximum(np.asarray(promise_days, float), 1e-9)
    return stats.norm.cdf((np.log(d) - mu) / sigma)


def fit_history(shipments: pd.DataFrame | None, *, as_of=None, days: int = 120) -> pd.DataFrame:
    """Per service (and dest when given): delivered count, lognormal fit (mean and sd of log transit
    days), lost and resolved counts, from shipments shipped in the last ``days`` before ``as_of``."""
    cols = ["service", "dest", "n_delivered", "mu", "sigma", "n_lost", "n_resolved"]
    if shipments is None or len(shipments) == 0 or "service" not in shipments.columns:
        return pd.DataFrame(columns=cols)
    s = shipments[
        [c for c in ("service", "dest", "ship_date", "delivery_date", "status") if c in shipments]
    ].copy()
    end = pd.Timestamp(as_of) if as_of is not None else s["ship_date"].max()
    s = s.loc[(s["ship_date"] > end - pd.Timedelta(days=days)) & (s["ship_date"] <= end)]
    if "dest" not in s.columns:
        s["dest"] = ""
    status = s["status"].astype("str").str.lower()
    s["transit"] = (
        (s["delivery_date"] - s["ship_date"]).dt.total_seconds() / 86400 if "delivery_date" in s else np.nan
    )
    s["logt"] = np.log(s["transit"].where((status == "delivered") & (s["transit"] > 0)))
    s["lost"] = status.eq("lost")
    s["resolved"] = status.isin(["delivered", "lost", "returned"])
    g = s.groupby(["service", "dest"], sort=True).agg(
        n_delivered=("logt", "count"),
        mu=("logt", "mean"),
        sigma=("logt", "std"),
        n_lost=("lost", "sum"),
        n_resolved=("resolved", "sum"),
    )
    return g.reset_index()[cols]
