"""Seasonal demand forecast per SKU, vectorised over every SKU at once (numpy).

For each SKU, units per day over the next ``horizon`` days:

``mean[h] = level x weekly[weekday(h)] x annual[h]``

- ``level``: mean units per day over the last ``level_days`` (28: four whole weeks, so the weekly
  pattern averages out; fewer days for a SKU that started selling inside them);
- ``weekly``: the SKU's weekday index over the last 26 weeks, shrunk toward the store's index by
  ``units / (units + 100)`` (a slow seller's weekdays are mostly noise), normalised to mean 1;
- ``annual``: last year's shape when the data reach back a year and ``base_days`` (56) before
  ``as_of``: the category's units on day ``as_of - 365 + h``, smoothed by a centred 28-day mean, over
  its mean in the ``base_days`` up to ``as_of - 365``; shrunk toward the store's shape by
  ``units / (units + pool_units)`` (one year of one category is noisy) and clipped to 0.25-4. This
  carries the Q4 peak (and a summer season) into the forecast; without a year of history
  ``annual = 1`` (a note says so). Backtested on the sample store (5 forecasts from June to
  September 2026, 31-92 days ahead, absolute error of each SKU's total): 2,430 units against 2,527
  for the flat level; a 28-day base without pooling did worse than flat (2,663), hence these values.

Uncertainty: ``sd`` is the root mean square of the last 56 days' residuals around ``level x weekly``
(at least ``sqrt(level)``, the Poisson floor), used as the daily demand sd of the safety-stock formula;
:meth:`DemandForecast.band` scales it with the square root of the forecast (Poisson-like) for an 80%
band per day. We measured ``statsforecast`` for this job: it needs pandas < 3 (the project is on
pandas 3.1), its import alone takes ~3.2 s, and AutoETS over 1,000 SKUs x 365 days takes ~200 s;
this model takes milliseconds (see ``bench/profit.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import schema

Z80 = 1.2815515655446004  # Phi^-1(0.9): an 80% two-sided band
LEVEL_DAYS = 28
WEEKLY_WEEKS = 26
SHRINK_UNITS = 100.0
YEAR = 365


@dataclass(frozen=True)
class DemandForecast:
    """Daily forecast per SKU: ``mean`` (SKUs x horizon, units per day) for ``dates`` (the days after
    ``as_of``), ``sd`` (daily sd per SKU), ``level``, ``weekly`` (SKUs x 7, Monday first), ``annual``
    (SKUs x horizon) and ``seasonal`` (True where last year's shape was used)."""

    as_of: pd.Timestamp
    skus: np.ndarray
    dates: pd.DatetimeIndex
    mean: np.ndarray
    sd: np.ndarray
    level: np.ndarray
    weekly: np.ndarray
    annual: np.ndarray
    seasonal: np.ndarray
    history_days: int

    def cumulative(self) -> np.ndarray:
        """Cumulative expected units after 1..horizon days (SKUs x horizon)."""
        return np.cumsum(self.mean, axis=1)

    def band(self) -> tuple[np.ndarray, np.ndarray]:
        """80% band per day (lower, upper), clipped at 0."""
        scale = np.sqrt(np.maximum(self.mean, 1e-9) / np.maximum(self.level, 1e-9)[:, None])
        half = Z80 * self.sd[:, None] * scale
        return np.maximum(self.mean - half, 0.0), self.mean + half

    def frame(self, sku: str) -> pd.DataFrame:
        """One SKU's forecast: ``date, mean, lower, upper`` (80% band)."""
        i = int(np.flatnonzero(self.skus == str(sku))[0])
        lo, hi = self.band()
        return pd.DataFrame({"date": self.dates, "mean": self.mean[i], "lower": lo[i], "upper": hi[i]})


def _smooth(x: np.ndarray, window: int) -> np.ndarray:
    """Centred moving mean along the last axis (shorter windows at the edges)."""
    n = x.shape[-1]
    c = np.concatenate([np.zeros(x.shape[:-1] + (1,)), np.cumsum(x, axis=-1)], axis=-1)
    half = window // 2
    lo = np.clip(np.arange(n) - half, 0, n)
    hi = np.clip(np.arange(n) + window - half, 0, n)
    return (c[..., hi] - c[..., lo]) / (hi - lo)


def daily_sales(orders: pd.DataFrame, as_of: pd.Timestamp, days: int, skus=None):
    """Units sold per day and SKU over the ``days`` days ending ``as_of`` (sales lines only).
    Returns ``(skus, matrix SKUs x days, first sales day of each SKU as a day offset, first day of
    the store's sales as an offset)`` with offsets relative to the matrix's first day."""
    q = pd.to_numeric(orders["quantity"], errors="coerce").to_numpy(dtype=float, na_value=0.0)
    p = pd.to_numeric(orders["unit_price"], errors="coerce").to_numpy(dtype=float, na_value=0.0)
    sale = (q > 0) & (p > 0)  # schema.sales_lines, on arrays (no copy of the frame)
    if "cancelled" in orders.columns:
        sale &= ~orders["cancelled"].fillna(False).to_numpy(dtype=bool)
    d = pd.to_datetime(orders["order_date"]).to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    d = d.astype(np.int64)
    end = int(np.datetime64(pd.Timestamp(as_of).normalize(), "D").astype(np.int64))
    start = end - days + 1
    keep = sale & (d <= end)
    d = d[keep]
    q = q[keep]
    code0, uni0 = pd.factorize(orders["sku"].astype("str"))  # once over the lines, then on distinct SKUs
    code0 = np.asarray(code0)[keep]
    uni0 = np.asarray(uni0, dtype=object)
    if skus is None:
        present = np.unique(code0[code0 >= 0])
        order = np.argsort(uni0[present].astype(str), kind="stable")
        uni = uni0[present][order]
    else:
        uni = np.asarray(list(skus), dtype=object)
    remap = np.append(pd.Index(uni).get_indexer(uni0), -1)
    codes = remap[np.where(code0 >= 0, code0, len(uni0))]
    n = len(uni)
    ok = codes >= 0
    first = np.full(n, np.iinfo(np.int64).max)
    if ok.any():
        np.minimum.at(first, codes[ok], d[ok])
    win = ok & (d >= start)
    flat = codes[win] * days + (d[win] - start)
    y = np.bincount(flat, weights=q[win], minlength=n * days).reshape(n, days) if n else np.zeros((0, days))
    store_first = int(d[ok].min()) - start if ok.any() else days
    first_off = np.where(first == np.iinfo(np.int64).max, days, first - start)
    return uni, y, first_off, store_first


def forecast_demand(
    orders: pd.DataFrame,
    *,
    as_of=None,
    horizon: int = 365,
    skus=None,
    groups: pd.Series | None = None,
    level_days: int = LEVEL_DAYS,
    base_days: int = 56,
    pool_units: float = 300.0,
) -> DemandForecast:
    """Daily demand forecast for every SKU (or ``skus``, in that order) for ``horizon`` days after
    ``as_of`` (default: the last order day). ``groups`` maps SKU -> category for the annual shape
    (the store's shape when absent). See the module docstring for the model."""
    horizon = int(horizon)
    if not 1 <= horizon <= YEAR:
        raise ValueError("horizon must be 1..365 days")
    if as_of is None:
        as_of = pd.to_datetime(schema.sales_lines(orders)["order_date"]).max()
    as_of = pd.Timestamp(as_of).normalize()
    span = YEAR + max(level_days, base_days) + 14
    uni, y, first, store_first = daily_sales(orders, as_of, span, skus)
    n = len(uni)
    T = span
    # level: last level_days (or since the SKU's first sale)
    days_live = np.clip(T - first, 1, level_days)
    level = y[:, T - level_days :].sum(axis=1) / days_live
    # weekly index, shrunk toward the store's
    wk = min(WEEKLY_WEEKS * 7, T)
    recent = y[:, T - wk :]
    dow = pd.date_range(end=as_of, periods=wk, freq="D").day_of_week.to_numpy()
    sums = np.stack([recent[:, dow == k].sum(axis=1) for k in range(7)], axis=1)
    counts = np.array([(dow == k).sum() for k in range(7)], dtype=float)
    per_day = sums / counts
    tot = per_day.mean(axis=1, keepdims=True)
    idx_sku = np.where(tot > 0, per_day / np.where(tot > 0, tot, 1), 1.0)
    store_pd = per_day.sum(axis=0)
    idx_store = store_pd / store_pd.mean() if store_pd.mean() > 0 else np.ones(7)
    units = recent.sum(axis=1, keepdims=True)
    w = units / (units + SHRINK_UNITS)
    weekly = w * idx_sku + (1 - w) * idx_store[None, :]
    weekly = weekly / weekly.mean(axis=1, keepdims=True)
    # annual shape from last year
    dates = pd.date_range(as_of + pd.Timedelta(days=1), periods=horizon, freq="D")
    annual = np.ones((n, horizon))
    seasonal = np.zeros(n, dtype=bool)
    ly_base_start = T - 1 - YEAR - base_days + 1
    if store_first <= ly_base_start and n:
        if groups is not None:
            g = pd.Series(uni).map(groups).fillna("").astype("str")
            gcode, guni = pd.factorize(g)
        else:
            gcode, guni = np.zeros(n, dtype=np.int64), np.array([""])
        G = np.zeros((len(guni) + 1, T))
        np.add.at(G, gcode, y)
        G[-1] = y.sum(axis=0)  # the store
        S = _smooth(G, 28)
        base = G[:, ly_base_start : T - YEAR].mean(axis=1)
        t_idx = T - 1 - YEAR + np.arange(1, horizon + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(base[:, None] > 0, S[:, t_idx] / np.where(base > 0, base, 1)[:, None], 1.0)
        ratio = np.clip(ratio, 0.25, 4.0)
        # a category's one-year shape is noisy: shrink it toward the store's by its volume
        vol = G[:, ly_base_start : T - YEAR].sum(axis=1)
        w = vol[:-1] / (vol[:-1] + pool_units)
        shape = w[:, None] * ratio[:-1] + (1 - w[:, None]) * ratio[-1][None, :]
        annual = shape[gcode]
        seasonal = base[gcode] > 0
    wd = dates.day_of_week.to_numpy()
    mean = level[:, None] * weekly[:, wd] * annual
    # residual sd over the last 56 days around level x weekly
    k = 56
    dk = pd.date_range(end=as_of, periods=k, freq="D").day_of_week.to_numpy()
    resid = y[:, T - k :] - level[:, None] * weekly[:, dk]
    sd = np.sqrt(np.mean(resid**2, axis=1))
    sd = np.maximum(sd, np.sqrt(level))
    history = int(T - store_first) if store_first < T else 0
    return DemandForecast(
        as_of,
        np.asarray(uni, dtype=object).astype(str),
        dates,
        mean,
        sd,
        level,
        weekly,
        annual,
        seasonal,
        min(history, T),
    )
