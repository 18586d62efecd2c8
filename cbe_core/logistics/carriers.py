"""Carrier scorecard from the shipment history: on-time, loss, stability, speed, customer service, and
flags for a carrier that loses too much, got slower or dropped in on-time rate (with significance tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DataError

SCORE_WEIGHTS = {"on_time": 0.35, "loss": 0.25, "stability": 0.15, "speed": 0.15, "cs": 0.10}


# --------------------------------------------------------------------------------------------------
# Carrier scorecard
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scorecard:
    """``carriers``: one row per carrier (see :func:`carrier_scorecard`); ``flags``: one row per
    flagged carrier and problem (carrier, flag catalog key, value, baseline) for the page and tests."""

    carriers: pd.DataFrame
    flags: pd.DataFrame
    as_of: pd.Timestamp
    recent_days: int
    weights: dict = field(default_factory=dict)


def carrier_scorecard(
    shipments: pd.DataFrame,
    *,
    as_of=None,
    recent_days: int = 60,
    promise_days: float | None = None,
    weights: dict | None = None,
    alpha: float = 0.01,
) -> Scorecard:
    """Carrier scorecard from the shipment history.

    Per carrier: shipments, delivered, lost, ``loss_rate`` = lost / (delivered + lost + returned),
    ``on_time_rate`` (delivered within ``promised_days``, or ``promise_days`` when the column is absent),
    ``median_days``, ``p90_days``, ``spread_days`` (P90 - P10), ``cs_hours`` (median response), and a
    ``score`` 0-100 = 100 x sum of weights x sub-scores: on_time = on-time rate; loss = 1 - loss/5%;
    stability = P10/P90; speed = fastest median / median; cs = 1 - hours/72 (each clipped to 0..1).
    Default weights :data:`SCORE_WEIGHTS`.

    Flags (``alpha`` = significance level):
    - ``logi.flag.high_loss``: loss rate >= 2% and >= 2x the pooled rate of the other carriers, and a
      one-sided binomial test against that pooled rate gives p < alpha;
    - ``logi.flag.slower``: parcels shipped in the last ``recent_days`` (before the newest ship date)
      have a median transit >= 15% and >= 1 day above the earlier ones, Mann-Whitney p < alpha;
    - ``logi.flag.on_time_drop``: recent on-time rate >= 10 points below the earlier rate, two-proportion
      z-test p < alpha.
    Each test uses ``alpha / number of carriers`` (Bonferroni), and the loss test needs >= 100
    resolved parcels. Only delivered parcels have a transit time, so a recent window slightly
    understates slow-downs.
    """
    need = ["carrier", "ship_date", "status"]
    missing = [c for c in need if c not in shipments.columns]
    if missing:
        raise DataError("err.logi.shipment_columns", columns=", ".join(missing))
    weights = dict(SCORE_WEIGHTS if weights is None else weights)
    s = shipments[
        [
            c
            for c in ("carrier", "ship_date", "delivery_date", "status", "promised_days", "cs_response_hours")
            if c in shipments.columns
        ]
    ].copy()
    s["carrier"] = s["carrier"].astype("str")
    status = s["status"].astype("str").str.strip().str.lower()
    s["delivered"] = status.eq("delivered")
    s["lost"] = status.eq("lost")
    s["resolved"] = status.isin(["delivered", "lost", "returned"])
    if "delivery_date" in s.columns:
        s["transit"] = ((s["delivery_date"] - s["ship_date"]).dt.total_seconds() / 86400).where(
            s["delivered"]
        )
    else:
        s["transit"] = np.nan
    promised = s["promised_days"] if "promised_days" in s.columns else pd.Series(np.nan, index=s.index)
    if promise_days is not None:
        promised = promised.fillna(float(promise_days))
    s["on_time"] = (s["transit"] <= promised).astype(float).where(s["transit"].notna() & promised.notna())
    if "cs_response_hours" not in s.columns:
        s["cs_response_hours"] = np.nan
    end = pd.Timestamp(as_of) if as_of is not None else s["ship_date"].max()
    s["recent"] = s["ship_date"] > end - pd.Timedelta(days=recent_days)

    g = s.groupby("carrier", sort=True)
    t = g.agg(
        shipments=("status", "size"),
        delivered=("delivered", "sum"),
        lost=("lost", "sum"),
        resolved=("resolved", "sum"),
        on_time_rate=("on_time", "mean"),
        median_days=("transit", "median"),
        p10_days=("transit", lambda x: x.quantile(0.1)),
        p90_days=("transit", lambda x: x.quantile(0.9)),
        cs_hours=("cs_response_hours", "median"),
    )
    t["loss_rate"] = t["lost"] / t["resolved"].where(t["resolved"] > 0)
    t["spread_days"] = t["p90_days"] - t["p10_days"]
    sub = pd.DataFrame(
        {
            "on_time": t["on_time_rate"].fillna(0),
            "loss": (1 - t["loss_rate"] / 0.05).clip(0, 1).fillna(0),
            "stability": (t["p10_days"] / t["p90_days"]).clip(0, 1).fillna(0),
            "speed": (t["median_days"].min() / t["median_days"]).clip(0, 1).fillna(0),
            "cs": (1 - t["cs_hours"] / 72).clip(0, 1).fillna(0.5),
        }
    )
    total_w = sum(weights.values()) or 1.0
    t["score"] = 100 * sum(sub[k] * w for k, w in weights.items() if k in sub) / total_w

    # flags: high loss against the pooled rate of the others
    lost_all, res_all = t["lost"].sum(), t["resolved"].sum()
    others = ((lost_all - t["lost"]) / (res_all - t["resolved"]).where(res_all - t["resolved"] > 0)).fillna(0)
    p_loss = stats.binom.sf(t["lost"] - 1, t["resolved"], np.clip(others, 1e-6, 1))
    level = alpha / max(len(t), 1)  # Bonferroni over the carriers tested
    t["flag_high_loss"] = (
        (t["resolved"] >= 100) & (t["loss_rate"] >= 0.02) & (t["loss_rate"] >= 2 * others) & (p_loss < level)
    )
    t["loss_baseline"] = others

    # flags: recent vs earlier transit and on-time
    rec = s.loc[s["recent"]].groupby("carrier")
    old = s.loc[~s["recent"]].groupby("carrier")
    t["recent_median_days"] = rec["transit"].median()
    t["before_median_days"] = old["transit"].median()
    t["recent_on_time"] = rec["on_time"].mean()
    t["before_on_time"] = old["on_time"].mean()
    n1, n0 = (
        rec["on_time"].count().reindex(t.index).fillna(0),
        old["on_time"].count().reindex(t.index).fillna(0),
    )
    p_mw = pd.Series(1.0, index=t.index)
    for carrier in t.index:  # one test per carrier (a few carriers)
        a = s.loc[s["recent"] & (s["carrier"] == carrier), "transit"].dropna()
        b = s.loc[~s["recent"] & (s["carrier"] == carrier), "transit"].dropna()
        if len(a) >= 10 and len(b) >= 10:
            p_mw[carrier] = stats.mannwhitneyu(a, b, alternative="greater").pvalue
    change = t["recent_median_days"] / t["before_median_days"] - 1
    t["transit_change"] = change
    t["flag_slower"] = (
        ((change >= 0.15) & (t["recent_median_days"] - t["before_median_days"] >= 1) & (p_mw < level))
        .fillna(False)
        .astype(bool)
    )
    p1, p0 = t["recent_on_time"], t["before_on_time"]
    pool = (p1 * n1 + p0 * n0) / (n1 + n0).where(n1 + n0 > 0)
    se = np.sqrt(pool * (1 - pool) * (1 / n1.where(n1 > 0) + 1 / n0.where(n0 > 0)))
    z = (p0 - p1) / se.where(se > 0)
    p_drop = pd.Series(stats.norm.sf(z.fillna(0)), index=t.index)
    t["flag_on_time_drop"] = ((p0 - p1 >= 0.10) & (p_drop < level)).fillna(False).astype(bool)
    t = t.drop(columns=["resolved", "p10_days"]).reset_index()
    t = t.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)

    flags = []
    for r in t.itertuples(index=False):
        if r.flag_high_loss:
            flags.append((r.carrier, "logi.flag.high_loss", r.loss_rate, r.loss_baseline))
        if r.flag_slower:
            flags.append((r.carrier, "logi.flag.slower", r.recent_median_days, r.before_median_days))
        if r.flag_on_time_drop:
            flags.append((r.carrier, "logi.flag.on_time_drop", r.recent_on_time, r.before_on_time))
    flag_frame = pd.DataFrame(flags, columns=["carrier", "flag", "value", "baseline"])
    flag_frame["carrier"] = flag_frame["carrier"].astype("str")
    flag_frame["flag"] = flag_frame["flag"].astype("str")
    return Scorecard(t, flag_frame, end, int(recent_days), weights)


def describe_flag(carrier: str, key: str, value: float, baseline: float, lang: str = "en") -> str:
    """The translated sentence for a scorecard flag (rates as percentages, days with one decimal)."""
    from ..i18n import t

    if key == "logi.flag.slower":
        v, b = f"{value:.1f}", f"{baseline:.1f}"
    else:
        v, b = f"{value:.1%}", f"{baseline:.1%}"
    return t(key, lang, carrier=carrier, value=v, baseline=b)
