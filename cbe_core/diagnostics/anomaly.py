"""Abnormal swings: daily store series, flagged days and the size of a whole swing.

Abnormal swings (:func:`detect_anomalies`): expected = local level x weekday profile (median ratio
per weekday), the level being the mean of the medians of the 14 days before and after a 7-day hole
around the day, relative residual = value / expected - 1, robust z = (residual - median) /
(1.4826 x MAD); a day is flagged when its own |z| or the |z| of its centred 7-day mean residual
reaches the sensitivity threshold (low 4, medium 3, high 2.5), so a single wild day and a sustained
week-long shift are both caught while outliers cannot inflate the scale.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import DataError
from .store import Store

SENSITIVITY = {"low": 4.0, "medium": 3.0, "high": 2.5}


def robust_z(x: np.ndarray) -> np.ndarray:
    """(x - median) / (1.4826 x MAD), NaN-aware; all-NaN when the MAD is zero."""
    x = np.asarray(x, dtype=float)
    med = np.nanmedian(x) if np.isfinite(x).any() else np.nan
    mad = np.nanmedian(np.abs(x - med)) if np.isfinite(x).any() else np.nan
    scale = 1.4826 * mad
    if not np.isfinite(scale) or scale <= 0:
        return np.full_like(x, np.nan)
    return (x - med) / scale


def _level(s: pd.Series, half: int = 14, gap: int = 4) -> pd.Series:
    """Local level that ignores the days around t: the mean of the median of the ``half`` days ending
    ``gap`` days before t and the median of the ``half`` days starting ``gap`` days after t. A swing of
    up to ``2 * gap - 1`` days cannot drag its own baseline along."""
    trail = s.rolling(half, min_periods=7).median().shift(gap)
    lead = s[::-1].rolling(half, min_periods=7).median().shift(gap)[::-1]
    return pd.concat([trail, lead], axis=1).mean(axis=1)


def detect_anomalies(series: pd.Series, sensitivity: str | float = "medium", *, fill_zero: bool = True,
                     weights: pd.Series | None = None) -> pd.DataFrame:
    """Flag abnormal days in a daily series (index: dates). See the module docstring for the method.

    ``fill_zero``: missing days count as 0 (revenue, spend) instead of unknown (ratios).
    ``weights`` (ratios only): the denominator's daily volume (sessions for conversion, ad sales for
    ACoS). Daily deviations are then scaled by sqrt(volume / median volume), as the noise of a ratio
    shrinks with its volume, and the 7-day statistic is the ratio of sums.
    Returns columns ``date, value, expected, deviation, z, z7, flag, direction`` ("drop"/"spike"),
    ``weight`` and ``scale`` (the robust scale of a day's relative deviation at weight 1, used to
    test a whole swing: see :func:`swing_z`).
    """
    thr = _threshold(sensitivity)
    cols = ["date", "value", "expected", "deviation", "z", "z7", "flag", "direction", "weight", "scale"]
    s = series.astype(float).sort_index()
    if s.empty:
        return pd.DataFrame(columns=cols)
    full = pd.date_range(s.index.min(), s.index.max(), freq="D")
    s = s.groupby(level=0).sum().reindex(full)
    if fill_zero:
        s = s.fillna(0.0)
    if weights is not None:
        w = weights.astype(float).groupby(level=0).sum().reindex(full).fillna(0.0)
        w = w.where(s.notna(), 0.0)
    else:
        w = pd.Series(np.where(s.notna(), 1.0, 0.0), index=full)
    y = s.to_numpy()
    level = _level(s).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(level > 0, y / level, np.nan)
    wd = full.day_of_week.to_numpy()
    prof = pd.Series(ratio).groupby(wd).median().reindex(range(7)).fillna(1.0).to_numpy()
    expected = level * prof[wd]
    wv = w.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = np.where(expected > 0, y / expected - 1.0, np.nan)
        wmed = np.median(wv[wv > 0]) if (wv > 0).any() else 1.0
        z = robust_z(dev * np.sqrt(wv / wmed))
        # the 7-day statistic sees wild days (|z| >= twice the threshold) at their expected value, so one
        # outlier does not make its neighbours look abnormal
        y7 = np.where(np.abs(np.nan_to_num(z)) >= 2 * thr, expected, y)
        num = pd.Series(np.nan_to_num(y7) * wv).rolling(7, center=True, min_periods=7).sum().to_numpy()
        den = pd.Series(np.nan_to_num(expected) * wv).rolling(7, center=True, min_periods=7).sum().to_numpy()
        dev7 = np.where(den > 0, num / den - 1.0, np.nan)
    z7 = robust_z(dev7)
    zf, z7f, devf = np.nan_to_num(z), np.nan_to_num(z7), np.nan_to_num(dev)
    seed = (np.abs(zf) >= thr) | ((np.abs(z7f) >= thr) & (np.sign(devf) == np.sign(z7f)))
    seed &= np.isfinite(dev)
    direction = np.where(seed, np.sign(np.where(np.abs(zf) >= thr, zf, z7f)), np.sign(z7f))
    # hysteresis: a flagged day extends to neighbours whose 7-day statistic still points the same way
    # at half the threshold, so a sustained swing is reported over its whole length
    weak = (np.abs(z7f) >= thr / 2) & np.isfinite(dev)
    flag = seed.copy()
    for _ in range(7):
        grown = flag.copy()
        grown[1:] |= flag[:-1] & weak[1:] & (direction[1:] == direction[:-1])
        grown[:-1] |= flag[1:] & weak[:-1] & (direction[:-1] == direction[1:])
        if (grown == flag).all():
            break
        flag = grown
    mad = (np.nanmedian(np.abs(dev * np.sqrt(wv / wmed) - np.nanmedian(dev * np.sqrt(wv / wmed))))
           if np.isfinite(dev).any() else np.nan)
    return pd.DataFrame({
        "date": full, "value": y, "expected": expected, "deviation": dev, "z": z, "z7": z7,
        "flag": flag, "direction": np.where(direction < 0, "drop", "spike"),
        "weight": wv, "scale": 1.4826 * mad * math.sqrt(wmed),
    })


def _threshold(sensitivity: str | float) -> float:
    if isinstance(sensitivity, (int, float)) and not isinstance(sensitivity, bool):
        if sensitivity <= 0:
            raise DataError("err.diag.sensitivity", value=sensitivity, choices=", ".join(SENSITIVITY))
        return float(sensitivity)
    try:
        return SENSITIVITY[str(sensitivity)]
    except KeyError:
        raise DataError("err.diag.sensitivity", value=sensitivity, choices=", ".join(SENSITIVITY)) from None


SWING_METRICS = ("revenue", "sessions", "conversion_rate", "ad_spend", "acos")
BAD_DIRECTION = {"revenue": "drop", "sessions": "drop", "conversion_rate": "drop", "ad_spend": "spike",
                 "acos": "spike"}


def daily(st: Store) -> pd.DataFrame:
    """Daily store series over the whole history: ``date, revenue, orders, units, sessions,
    conversion_rate, ad_spend, ad_sales, acos`` (traffic columns NaN where traffic is missing or comes
    as period rows)."""
    if pd.isna(st.first_date):
        return pd.DataFrame(columns=["date", "revenue", "orders", "units", "sessions", "conversion_rate",
                                     "ad_spend", "ad_sales", "acos"])
    sd = st.sku_day.groupby("date").agg(revenue=("revenue", "sum"), units=("units", "sum"),
                                        sku_orders=("orders", "sum"))
    lo, hi = st.first_date, st.last_date
    if st.traffic is not None and len(st.traffic):
        lo, hi = min(lo, st.traffic["date"].min()), max(hi, st.traffic["date"].max())
    if st.ads is not None and len(st.ads):
        lo, hi = min(lo, st.ads["date"].min()), max(hi, st.ads["date"].max())
    idx = pd.date_range(lo, hi, freq="D", name="date")
    out = pd.DataFrame(index=idx)
    ocov = (idx >= st.first_date) & (idx <= st.last_date)
    out["revenue"] = sd["revenue"].reindex(idx).fillna(0.0).where(ocov)
    out["units"] = sd["units"].reindex(idx).fillna(0.0).where(ocov)
    if st.day is not None:
        out["orders"] = st.day.set_index("date")["orders"].reindex(idx).fillna(0.0).astype(float).where(ocov)
    else:
        out["orders"] = sd["sku_orders"].reindex(idx).fillna(0.0).where(ocov)
    if st.traffic is not None and not st.flags["traffic_period"] and len(st.traffic):
        ts = st.traffic.groupby("date")["sessions"].sum()
        tcov = (idx >= st.traffic["date"].min()) & (idx <= st.traffic["date"].max())
        out["sessions"] = ts.reindex(idx).fillna(0.0).where(tcov)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["conversion_rate"] = (out["orders"] / out["sessions"]).where(out["sessions"] > 0)
    else:
        out["sessions"] = np.nan
        out["conversion_rate"] = np.nan
    if st.ads is not None and not st.flags["ads_period"] and len(st.ads):
        ag = st.ads.groupby("date").agg(ad_spend=("spend", "sum"), ad_sales=("ad_sales", "sum"))
        acov = (idx >= st.ads["date"].min()) & (idx <= st.ads["date"].max())
        out["ad_spend"] = ag["ad_spend"].reindex(idx).fillna(0.0).where(acov)
        out["ad_sales"] = ag["ad_sales"].reindex(idx).fillna(0.0).where(acov)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["acos"] = (out["ad_spend"] / out["ad_sales"]).where(out["ad_sales"] > 0)
    else:
        out["ad_spend"] = np.nan
        out["ad_sales"] = np.nan
        out["acos"] = np.nan
    return out.reset_index()


RATIO_WEIGHTS = {"conversion_rate": "sessions", "acos": "ad_sales"}
MAX_CAMPAIGNS = 50


def campaign_spend(st: Store) -> pd.DataFrame | None:
    """Daily spend per campaign (``date, campaign, spend``) for the campaign-level swing check;
    None without daily ads."""
    if st.ads is None or st.flags["ads_period"] or not len(st.ads):
        return None
    return st.ads.groupby(["campaign", "date"], sort=False).agg(spend=("spend", "sum")).reset_index()


def anomalies(daily_frame: pd.DataFrame, sensitivity: str | float = "medium",
              metrics: tuple[str, ...] = SWING_METRICS,
              campaigns: pd.DataFrame | None = None) -> pd.DataFrame:
    """Flagged days of each daily store metric and of each campaign's spend (the
    :data:`MAX_CAMPAIGNS` biggest): ``metric, slice, date, value, expected, deviation, z, z7,
    direction, event`` where ``event`` numbers runs of consecutive flagged days of one metric, slice
    and direction. ``slice`` is ``"store"`` or the campaign."""
    frames = []
    dl = daily_frame.set_index("date")
    for m in metrics:
        if m not in dl.columns:
            continue
        s = dl[m].dropna()
        if len(s) < 28:
            continue
        w = dl[RATIO_WEIGHTS[m]] if m in RATIO_WEIGHTS and RATIO_WEIGHTS[m] in dl.columns else None
        res = detect_anomalies(s, sensitivity, fill_zero=m not in RATIO_WEIGHTS, weights=w)
        res = res[res["flag"]].copy()
        if len(res):
            res["metric"], res["slice"] = m, "store"
            frames.append(res)
    if campaigns is not None and len(campaigns):
        top = campaigns.groupby("campaign")["spend"].sum().nlargest(MAX_CAMPAIGNS).index
        for name, g in campaigns[campaigns["campaign"].isin(top)].groupby("campaign", sort=True):
            s = g.set_index("date")["spend"]
            if s.index.nunique() < 28:
                continue
            res = detect_anomalies(s, sensitivity, fill_zero=True)
            res = res[res["flag"]].copy()
            if len(res):
                res["metric"], res["slice"] = "ad_spend", str(name)
                frames.append(res)
    cols = ["metric", "slice", "date", "value", "expected", "deviation", "z", "z7", "direction", "event",
            "weight", "scale"]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols}).astype(
            {"metric": "str", "slice": "str", "direction": "str", "date": "datetime64[ns]", "event": "int64"})
    out = pd.concat(frames, ignore_index=True)
    gap = (out["date"].diff().dt.days.ne(1) | out["metric"].ne(out["metric"].shift())
           | out["slice"].ne(out["slice"].shift()) | out["direction"].ne(out["direction"].shift()))
    out["event"] = gap.cumsum().astype(int)
    return out[cols]


def swing_z(days: pd.DataFrame) -> tuple[float, float]:
    """Relative deviation of a whole swing and its z-score: dev = sum(w y) / sum(w e) - 1 with
    var(dev) = scale^2 sum(a^2 / w) / (sum a)^2, a = w e (days independent, a day's relative deviation
    having variance scale^2 / w). Returns ``(dev, z)``."""
    w = days["weight"].to_numpy(dtype=float)
    e = days["expected"].to_numpy(dtype=float)
    y = days["value"].to_numpy(dtype=float)
    a = w * e
    if a.sum() <= 0 or not np.isfinite(days["scale"].iloc[0]) or days["scale"].iloc[0] <= 0:
        return float("nan"), float("nan")
    dev = float((w * y).sum() / a.sum() - 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = float(days["scale"].iloc[0] ** 2 * np.nansum(np.where(w > 0, a * a / w, 0.0)) / a.sum() ** 2)
    return dev, (dev / math.sqrt(var) if var > 0 else float("nan"))
