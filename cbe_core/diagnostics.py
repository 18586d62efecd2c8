"""Store diagnostics: KPIs, comparisons, what moved revenue, abnormal swings and findings.

Works on the canonical tables (:mod:`cbe_core.schema`): ``orders`` (required), ``traffic``, ``ads`` and
``products`` (optional). Every KPI a table cannot support is *not available*: ``None`` in
:attr:`Kpis.values` with a catalog key in :attr:`Kpis.reasons`, never a wrong number.

Definitions (all over the chosen date range ``start..end`` inclusive, sales lines only, see
:func:`cbe_core.schema.sales_lines`):

- ``revenue`` = sum(quantity x unit_price); ``orders`` = distinct order ids; ``units`` = sum(quantity);
  ``aov`` = revenue / orders; ``units_per_order`` = units / orders.
- ``sessions``, ``page_views`` from traffic; ``conversion_rate`` = orders / sessions;
  ``unit_session_pct`` = units / sessions (Amazon's "Unit Session Percentage"); ``bounce_rate`` =
  bounces / sessions over the rows that report bounces; ``buy_box_pct`` = sessions-weighted mean of
  the traffic's ``buy_box_pct`` column (Amazon business reports).
- ``gross_profit`` = revenue - units x unit_cost - platform_fee - shipping_cost (fees and shipping where
  the orders carry them; unit cost from the orders or else the products table); ``margin`` =
  gross_profit / revenue. This is the margin *before ads*, hence ``break_even_acos`` = ``margin``
  (an ad sale at ACoS = margin makes zero profit).
- ``return_rate`` = returned units / sold units (negative-quantity lines); ``cancel_rate`` = cancelled
  orders / all orders.
- ``customers`` = distinct customer ids; ``repurchase_rate`` = share of those customers with two or more
  orders up to ``end``; ``returning_revenue_share`` = share of revenue from orders that are not the
  customer's first.
- ``ad_spend``, ``ad_sales``; ``roas`` = ad_sales / ad_spend; ``acos`` = ad_spend / ad_sales;
  ``tacos`` = ad_spend / revenue (total ACoS).

Traffic and ads rows that cover a period (``date_end`` after ``date``) are spread evenly over their
days, so a range that cuts a period takes its share (a note says so); they are left out of the
daily anomaly series, which would otherwise show a flat invented profile.

Revenue change (:func:`lmdi`): revenue = sessions x conversion x AOV, split with the additive
log-mean Divisia index (LMDI-I; Ang, "The LMDI approach to decomposition analysis: a practical
guide", Energy Policy 33, 2005, eq. 3): with L(a, b) = (a - b) / (ln a - ln b) and L(a, a) = a,
the effect of factor x is L(V1, V0) x ln(x1 / x0), and the three effects add up to V1 - V0 exactly
(up to floating-point rounding). Zeros follow Ang & Liu (2007, "Handling zero values in the
decomposition analysis", Energy Policy 35): the limit of the small-value strategy gives the whole
change to the factor that is zero.

Abnormal swings (:func:`detect_anomalies`): expected = local level x weekday profile (median ratio
per weekday), the level being the mean of the medians of the 14 days before and after a 7-day hole
around the day, relative residual = value / expected - 1, robust z = (residual - median) /
(1.4826 x MAD); a day is flagged when its own |z| or the |z| of its centred 7-day mean residual
reaches the sensitivity threshold (low 4, medium 3, high 2.5), so a single wild day and a sustained
week-long shift are both caught while outliers cannot inflate the scale.

Findings carry a stable ``code``, a ``severity``, the ``slice``, the ``evidence`` and an estimated
``money_at_stake`` (how it is estimated is in each rule's docstring; estimates are marked as such in
the catalog); they are ranked by money at stake.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from .errors import DataError
from .i18n import t

SLICE_DIMS = ("sku", "category", "country", "channel", "source")
SENSITIVITY = {"low": 4.0, "medium": 3.0, "high": 2.5}
SEVERITIES = ("high", "medium", "low")
COMPARISONS = ("previous", "last_year")

KPI_ORDER = (
    "revenue", "orders", "units", "aov", "units_per_order",
    "sessions", "page_views", "conversion_rate", "unit_session_pct", "bounce_rate", "buy_box_pct",
    "gross_profit", "margin", "return_rate", "cancel_rate",
    "customers", "repurchase_rate", "returning_revenue_share",
    "ad_spend", "ad_sales", "roas", "acos", "tacos", "break_even_acos",
)
# True: higher is better; False: lower is better; None: neither
HIGHER_IS_BETTER: dict[str, bool | None] = {
    "revenue": True, "orders": True, "units": True, "aov": True, "units_per_order": True,
    "sessions": True, "page_views": True, "conversion_rate": True, "unit_session_pct": True,
    "bounce_rate": False, "buy_box_pct": True, "gross_profit": True, "margin": True,
    "return_rate": False, "cancel_rate": False, "customers": True, "repurchase_rate": True,
    "returning_revenue_share": True, "ad_spend": None, "ad_sales": True, "roas": True, "acos": False,
    "tacos": False, "break_even_acos": True,
}
RATIO_KPIS = frozenset({"conversion_rate", "unit_session_pct", "bounce_rate", "buy_box_pct", "margin",
                        "return_rate", "cancel_rate", "repurchase_rate", "returning_revenue_share",
                        "acos", "tacos", "break_even_acos"})

# Rule thresholds (editable defaults; the docstrings of the rules say how they are used)
RULES = MappingProxyType({  # read-only defaults
    "low_conv_ratio": 0.5,        # D1: conversion at most this share of the category median
    "min_expected_orders": 20,    # D1/D6: enough traffic for the comparison to mean something
    "high_conv_ratio": 1.5,       # D2: conversion at least this multiple of the median SKU
    "low_aov_ratio": 0.6,         # D2: AOV at most this share of the median SKU AOV
    "bundle_attach_rate": 0.10,   # D2: estimated share of orders that would take a bundle
    "source_share": 0.60,         # D5: one source above this share of revenue
    "source_shock": 0.20,         # D5: money at stake = this share of the dominant source's revenue
    "bounce_ratio": 1.5,          # D6: bounce at least this multiple of the median product page
    "bounce_min": 0.60,           # D6: ... and at least this rate
    "repurchase_ratio": 0.5,      # low repurchase: below this share of the benchmark
    "buy_box_min": 0.85,          # buy box held less than this
    "buy_box_target": 0.95,
    "high_share": 0.03,           # severity high when money at stake >= 3% of period revenue
    "medium_share": 0.01,         # medium when >= 1%
    "swing_big": 0.25,            # swings: relative deviation of a big swing
    "swing_min": 0.10,            # swings: smaller deviations are not reported (only charted)
    "swing_days": 3,              # swings: sustained when at least this many days
    "swing_z_high": 4.5,          # swings: the whole swing's z-score for high severity
})

BENCHMARKS_PATH = Path(__file__).with_name("data") / "benchmarks.csv"


# --------------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class Kpis:
    """KPIs for one date range and slice. ``values[k]`` is a float or ``None`` (not available, with a
    catalog key in ``reasons[k]``); ``notes`` are catalog keys about how numbers were obtained."""

    start: pd.Timestamp
    end: pd.Timestamp
    values: Mapping[str, float | None]
    reasons: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def get(self, name: str) -> float | None:
        return self.values.get(name)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "kpi": list(KPI_ORDER),
            "value": [self.values.get(k) for k in KPI_ORDER],
            "reason": [self.reasons.get(k) for k in KPI_ORDER],
        }).astype({"value": "float64"})


@dataclass(frozen=True)
class Decomposition:
    """Revenue change between two periods split into factor effects that add up to ``change``.

    ``factors`` is ``("sessions", "conversion", "aov")`` with traffic, else ``("orders", "aov")``.
    ``by_sku`` / ``by_source``: one row per item with ``revenue_before``, ``revenue_after``,
    ``change`` and ``<factor>_effect`` columns plus ``unattributed`` (revenue recorded without any
    sessions, which no factor can explain); each row's effects add up to its change.
    """

    before: tuple[pd.Timestamp, pd.Timestamp]
    after: tuple[pd.Timestamp, pd.Timestamp]
    revenue_before: float
    revenue_after: float
    factors: tuple[str, ...]
    effects: Mapping[str, float]
    by_sku: pd.DataFrame
    by_source: pd.DataFrame | None

    @property
    def change(self) -> float:
        return self.revenue_after - self.revenue_before

    @property
    def change_pct(self) -> float | None:
        return self.change / self.revenue_before if self.revenue_before else None

    def effect_pct(self) -> dict[str, float | None]:
        """Each effect as a share of the revenue before ("traffic +3%, conversion -14%")."""
        return {k: (v / self.revenue_before if self.revenue_before else None) for k, v in self.effects.items()}


@dataclass(frozen=True)
class Finding:
    """One plain-language finding. ``slice`` is the SKU, campaign, source or ``"store"`` it is about,
    ``dimension`` says which; ``evidence`` holds JSON-ready numbers (and ISO dates for a swing)."""

    code: str
    severity: str
    dimension: str
    slice: str
    evidence: Mapping[str, object]
    money_at_stake: float

    @property
    def message_key(self) -> str:
        return f"diag.f.{self.code}"

    @property
    def action_key(self) -> str:
        return f"diag.a.{self.code}"

    def _params(self, lang: str) -> dict[str, object]:
        params: dict[str, object] = {"slice": self.slice, "money": _fmt_money(self.money_at_stake)}
        ratio_metric = self.evidence.get("metric") in RATIO_KPIS
        for k, v in self.evidence.items():
            if isinstance(v, float):
                pct = k.endswith(("_rate", "_pct", "_share", "acos")) or k in _PCT_FIELDS or (
                    ratio_metric and k in ("actual", "expected"))
                params[k] = (f"{abs(v) * 100:.0f}%" if k == "deviation" else _fmt_pct(v)) if pct else _fmt_num(v)
            else:
                params[k] = v
        if "metric" in self.evidence:
            params["metric_label"] = t(f"diag.kpi.{self.evidence['metric']}", lang)
        return params

    def message(self, lang: str = "en") -> str:
        return t(self.message_key, lang, **self._params(lang))

    def action(self, lang: str = "en") -> str:
        return t(self.action_key, lang, **self._params(lang))

    def to_dict(self, lang: str = "en") -> dict[str, object]:
        return {
            "code": self.code, "severity": self.severity, "dimension": self.dimension,
            "slice": self.slice, "evidence": dict(self.evidence),
            "money_at_stake": round(float(self.money_at_stake), 2),
            "message": self.message(lang), "action": self.action(lang),
        }


@dataclass(frozen=True)
class Diagnosis:
    """Everything the page and the command line show for one period (see :func:`run_all`)."""

    start: pd.Timestamp
    end: pd.Timestamp
    kpis: Kpis
    previous: Kpis
    last_year: Kpis
    comparison: pd.DataFrame
    decomposition: Decomposition
    by_sku: pd.DataFrame
    by_source: pd.DataFrame | None
    by_campaign: pd.DataFrame | None
    daily: pd.DataFrame
    anomalies: pd.DataFrame
    findings: tuple[Finding, ...]
    notes: tuple[str, ...] = ()

    def findings_frame(self, lang: str = "en") -> pd.DataFrame:
        rows = [
            {"code": f.code, "severity": f.severity, "dimension": f.dimension, "slice": f.slice,
             "money_at_stake": f.money_at_stake, "message": f.message(lang), "action": f.action(lang)}
            for f in self.findings
        ]
        cols = ["code", "severity", "dimension", "slice", "money_at_stake", "message", "action"]
        return pd.DataFrame(rows, columns=cols)


_PCT_FIELDS = frozenset({"conversion", "median_conversion", "threshold", "deviation", "margin"})


def _fmt_money(v: float) -> str:
    return f"{v:,.0f}"


def _fmt_pct(v: float) -> str:
    return f"{v * 100:.1f}%"


def _fmt_num(v: float) -> str:
    return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"


def _py(v: object) -> object:
    """A JSON-ready Python value."""
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if math.isnan(f) else f
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return v


# --------------------------------------------------------------------------------------------------
# formulas


def log_mean(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """Logarithmic mean L(a, b) = (a - b) / (ln a - ln b), L(a, a) = a, 0 when either is <= 0."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    pos = (a > 0) & (b > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a - b) / (np.log(a) - np.log(b))
    out = np.where(pos & np.isclose(a, b, rtol=1e-12, atol=0.0), a, out)
    return np.where(pos, out, 0.0)


def lmdi(v0, v1, factors0: Mapping[str, object], factors1: Mapping[str, object]) -> dict[str, np.ndarray]:
    """Additive LMDI effects of each factor for V = prod(factors), vectorised over items.

    ``v0``/``v1`` are the values before/after (arrays or scalars); ``factors0``/``factors1`` map each
    factor name to its values. Returns ``{factor: effect}`` plus ``"unattributed"``: the change of items
    whose value is positive while a factor is zero (the identity does not hold for them, e.g. orders
    recorded without sessions). For every item the effects add up to ``v1 - v0``.

    Zeros (Ang & Liu 2007): when the item is zero before (or after), the whole change goes to the
    first factor that is zero in that period (entry or exit of that factor).
    """
    v0 = np.atleast_1d(np.asarray(v0, dtype=float))
    v1 = np.atleast_1d(np.asarray(v1, dtype=float))
    names = list(factors0)
    f0 = {k: np.broadcast_to(np.asarray(factors0[k], dtype=float), v0.shape) for k in names}
    f1 = {k: np.broadcast_to(np.asarray(factors1[k], dtype=float), v1.shape) for k in names}
    all_pos = (v0 > 0) & (v1 > 0)
    for k in names:
        all_pos &= (f0[k] > 0) & (f1[k] > 0)
    L = log_mean(v1, v0)
    effects: dict[str, np.ndarray] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in names:
            effects[k] = np.where(all_pos, L * np.log(f1[k] / f0[k]), 0.0)
    change = v1 - v0
    rest = ~all_pos & (change != 0)
    unattributed = np.zeros_like(change)
    if rest.any():
        assigned = np.zeros(change.shape, dtype=bool)
        # which period is the zero one: before when v0 == 0, else after
        zero_before = v0 <= 0
        for k in names:
            zk = np.where(zero_before, f0[k] <= 0, f1[k] <= 0)
            take = rest & ~assigned & zk
            effects[k] = np.where(take, change, effects[k])
            assigned |= take
        left = rest & ~assigned
        unattributed = np.where(left, change, 0.0)
    effects["unattributed"] = unattributed
    return effects


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
        # the 7-day statistic sees wild days (|z| >= twice the threshold) at their expected value, so one outlier does not
        # make its neighbours look abnormal
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
    mad = np.nanmedian(np.abs(dev * np.sqrt(wv / wmed) - np.nanmedian(dev * np.sqrt(wv / wmed)))) if np.isfinite(
        dev).any() else np.nan
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


# --------------------------------------------------------------------------------------------------
# benchmarks


@lru_cache(maxsize=4)
def _read_benchmarks(path: str) -> pd.DataFrame:
    return pd.read_csv(path, comment="#", dtype={"metric": "str", "scope": "str", "source": "str"})


def load_benchmarks(path: str | Path | None = None) -> pd.DataFrame:
    """The benchmark table: ``metric, scope, value, source, year, estimate, note`` (scope ``all`` or a
    channel/category). Shipped defaults in ``cbe_core/data/benchmarks.csv``; pass your own file to edit."""
    return _read_benchmarks(str(path or BENCHMARKS_PATH)).copy()


def benchmark_for(metric: str, scope: str | None = None, table: pd.DataFrame | None = None) -> dict | None:
    """The benchmark row for ``metric`` in ``scope`` (falls back to ``all``), as a dict, or None."""
    table = load_benchmarks() if table is None else table
    rows = table[table["metric"] == metric]
    for sc in ([scope] if scope else []) + ["all"]:
        hit = rows[rows["scope"] == sc]
        if len(hit):
            r = hit.iloc[0]
            return {k: _py(r[k]) for k in table.columns}
    return None


# --------------------------------------------------------------------------------------------------
# preparation


@dataclass(frozen=True)
class Store:
    """Daily aggregates built once from the canonical tables (see :func:`prepare`); every KPI for any
    range is a cheap sum over these."""

    sku_day: pd.DataFrame          # date, sku, revenue, units, orders, cost, cost_missing, fees, shipping
    day: pd.DataFrame              # date, orders (distinct), cancelled_orders, all_orders
    cust_orders: pd.DataFrame | None  # sales orders with a customer: day (int days), cust, rev, first
    second_day: np.ndarray | None  # per customer: int day of the second order (int64 max: none)
    returns: pd.DataFrame          # date, sku, return_units
    traffic: pd.DataFrame | None   # date, sku, source, sessions, page_views, bounces, t_orders, bb_w, bb_s
    ads: pd.DataFrame | None       # date, campaign, sku, spend, ad_sales, ad_orders, clicks, impressions
    products: pd.DataFrame | None  # sku, name, category, unit_cost
    first_date: pd.Timestamp
    last_date: pd.Timestamp
    flags: Mapping[str, bool]
    reasons: Mapping[str, str]     # table -> catalog key why it is not usable for this slice
    notes: tuple[str, ...]
    slice_dim: str | None = None
    slice_value: str | None = None


def _check_orders(orders: pd.DataFrame) -> None:
    if orders is None or not isinstance(orders, pd.DataFrame):
        raise DataError("err.diag.no_orders")
    missing = [c for c in ("order_id", "order_date", "sku", "quantity", "unit_price") if c not in orders.columns]
    if missing:
        raise DataError("err.diag.missing_columns", table="orders", columns=", ".join(missing))


def _check_table(frame: pd.DataFrame | None, table: str, cols: tuple[str, ...]) -> None:
    if frame is None:
        return
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise DataError("err.diag.missing_columns", table=table, columns=", ".join(missing))


def _num(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.zeros(len(frame))
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _expand_periods(frame: pd.DataFrame, count_cols: list[str]) -> tuple[pd.DataFrame, bool]:
    """Spread rows with ``date_end`` after ``date`` evenly over their days (counts divided, pcts kept)."""
    frame = frame.copy()
    frame["date"] = pd.to_datetime(frame["date"]).dt.normalize()
    if "date_end" not in frame.columns:
        return frame, False
    end = pd.to_datetime(frame["date_end"]).dt.normalize().fillna(frame["date"])
    n = ((end - frame["date"]).dt.days.fillna(0).to_numpy() + 1).clip(1, None).astype(np.int64)
    frame = frame.drop(columns=["date_end"])
    if not (n > 1).any():
        return frame, False
    if int(n.sum()) > 50_000_000:
        raise DataError("err.diag.period_too_long", rows=int(n.sum()))
    idx = np.repeat(np.arange(len(frame)), n)
    offs = np.arange(idx.size) - np.repeat(np.cumsum(n) - n, n)
    out = frame.iloc[idx].reset_index(drop=True)
    out["date"] = out["date"] + pd.to_timedelta(offs, unit="D")
    div = np.repeat(n, n).astype(float)
    for c in count_cols:
        if c in out.columns:
            out[c] = out[c].to_numpy(dtype=float, na_value=np.nan) / div
    return out, True


def prepare(
    orders: pd.DataFrame,
    traffic: pd.DataFrame | None = None,
    ads: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    *,
    slice_dim: str | None = None,
    slice_value: str | None = None,
) -> Store:
    """Validate the tables, apply the slice, and build the daily aggregates (vectorised, one pass)."""
    _check_orders(orders)
    _check_table(traffic, "traffic", ("date", "sku", "source", "sessions"))
    _check_table(ads, "ads", ("date", "campaign", "spend", "ad_sales"))
    _check_table(products, "products", ("sku",))
    if slice_dim is not None and slice_dim not in SLICE_DIMS:
        raise DataError("err.diag.slice_dim", dim=slice_dim, dims=", ".join(SLICE_DIMS))
    if slice_dim is not None and slice_value is None:
        slice_dim = None
    notes: list[str] = []
    reasons: dict[str, str] = {}

    prod = None
    if products is not None and len(products):
        cols = [c for c in ("sku", "name", "category", "unit_cost") if c in products.columns]
        prod = products[cols].drop_duplicates("sku").copy()
        prod["sku"] = prod["sku"].astype("str")
    cat_map = prod.set_index("sku")["category"] if prod is not None and "category" in prod.columns else None
    if slice_dim == "category" and cat_map is None:
        raise DataError("err.diag.slice_needs", dim="category", table="products")
    if slice_dim in ("country", "channel") and slice_dim not in orders.columns:
        raise DataError("err.diag.slice_needs", dim=slice_dim, table="orders")
    if slice_dim == "source" and traffic is None:
        raise DataError("err.diag.slice_needs", dim="source", table="traffic")

    # ---- orders ------------------------------------------------------------------------------
    # integer codes once (sku, order, day); sums by bincount over (day, sku) keys: no string groupby
    o = orders
    if slice_dim in ("sku", "country", "channel"):
        o = o.loc[(o[slice_dim].astype("str") == str(slice_value)).to_numpy()]
    elif slice_dim == "category":
        o = o.loc[(o["sku"].astype("str").map(cat_map).astype("str") == str(slice_value)).to_numpy()]
    sku_code, sku_uni = pd.factorize(o["sku"].astype("str"))
    sku_uni = np.asarray(sku_uni, dtype=object)
    n_sku = max(len(sku_uni), 1)
    dd = pd.to_datetime(o["order_date"]).to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    valid = ~np.isnat(dd)
    day_no = np.where(valid, dd.astype(np.int64), 0)
    qty = _num(o, "quantity")
    price = _num(o, "unit_price")
    cancelled = o["cancelled"].fillna(False).to_numpy(dtype=bool) if "cancelled" in o.columns else np.zeros(len(o), bool)
    sale = (qty > 0) & (price > 0) & ~cancelled & valid & (sku_code >= 0)
    ret = (qty < 0) & ~cancelled & valid & (sku_code >= 0)
    order_code = pd.factorize(o["order_id"].astype("str"))[0]
    # cost per unit: orders column, else products
    unit_cost = _num(o, "unit_cost") if "unit_cost" in o.columns else np.full(len(o), np.nan)
    if prod is not None and "unit_cost" in prod.columns:
        pc = pd.Series(sku_uni).map(prod.set_index("sku")["unit_cost"]).to_numpy(dtype=float, na_value=np.nan)
        unit_cost = np.where(np.isnan(unit_cost), pc[np.maximum(sku_code, 0)] if len(pc) else np.nan, unit_cost)
    has_cost = bool(np.isfinite(unit_cost[sale]).any()) if sale.any() else bool(np.isfinite(unit_cost).any())
    has_fees = "platform_fee" in o.columns
    has_ship = "shipping_cost" in o.columns
    if not has_fees or not has_ship:
        notes.append("diag.note.no_fees")
    fees = np.nan_to_num(_num(o, "platform_fee")) if has_fees else np.zeros(len(o))
    ship = np.nan_to_num(_num(o, "shipping_cost")) if has_ship else np.zeros(len(o))
    d0 = int(day_no[valid].min()) if valid.any() else 0

    sd, sk, oc, q = day_no[sale], sku_code[sale], order_code[sale], qty[sale]
    rev = (qty * price)[sale]
    cost = (qty * unit_cost)[sale]
    cost_missing = np.isnan(cost)
    first_line = ~pd.Series(oc.astype(np.int64) * n_sku + sk).duplicated().to_numpy()  # (order, sku) once
    key_codes, keys = pd.factorize((sd - d0) * n_sku + sk)
    nk = len(keys)

    def _bc(w):
        return np.bincount(key_codes, weights=w, minlength=nk) if nk else np.zeros(0)

    keys = np.asarray(keys, dtype=np.int64)
    sku_day = pd.DataFrame({
        "date": (keys // n_sku + d0).astype("datetime64[D]").astype("datetime64[ns]"),
        "sku": pd.array(sku_uni[keys % n_sku] if nk else [], dtype="str"),
        "revenue": _bc(rev), "units": _bc(q), "orders": _bc(first_line.astype(float)),
        "cost": _bc(np.nan_to_num(cost)), "cost_missing": _bc(cost_missing.astype(float)),
        "fees": _bc(fees[sale]), "shipping": _bc(ship[sale]),
    })
    # store-level: distinct sales orders per day; all and cancelled orders by the order's first line
    n_days = int(day_no[valid].max()) - d0 + 1 if valid.any() else 0
    sale_first = ~pd.Series(oc).duplicated().to_numpy()
    first_any = ~pd.Series(order_code).duplicated().to_numpy() & valid
    canc_order = np.bincount(order_code, weights=cancelled.astype(float), minlength=int(order_code.max()) + 1 if len(
        order_code) else 0) > 0
    codes_first = order_code[first_any]
    day = pd.DataFrame({
        "date": (np.arange(n_days) + d0).astype("datetime64[D]").astype("datetime64[ns]"),
        "orders": np.bincount(sd[sale_first] - d0, minlength=n_days)[:n_days],
        "all_orders": np.bincount(day_no[first_any] - d0, minlength=n_days)[:n_days],
        "cancelled_orders": np.bincount(day_no[first_any] - d0, weights=canc_order[codes_first].astype(float),
                                        minlength=n_days)[:n_days].astype(np.int64),
    })
    rk_codes, rkeys = pd.factorize((day_no[ret] - d0) * n_sku + sku_code[ret])
    rkeys = np.asarray(rkeys, dtype=np.int64)
    returns = pd.DataFrame({
        "date": (rkeys // n_sku + d0).astype("datetime64[D]").astype("datetime64[ns]"),
        "sku": pd.array(sku_uni[rkeys % n_sku] if len(rkeys) else [], dtype="str"),
        "return_units": np.bincount(rk_codes, weights=-qty[ret], minlength=len(rkeys)) if len(rkeys) else np.zeros(0),
    })

    cust_orders = None
    second_day = None
    has_cust = "customer_id" in o.columns and bool(o["customer_id"].notna().any())
    if has_cust and slice_dim != "source":
        cust_code = pd.factorize(o["customer_id"].astype("str"))[0]  # missing ids -> -1
        cust_orders, second_day = _customer_orders(cust_code[sale], oc, sd, rev)
    elif not has_cust:
        reasons["customers"] = "diag.na.no_customers"
    else:
        reasons["customers"] = "diag.na.slice_table"

    if sale.any():
        first_date = pd.Timestamp(np.datetime64(int(sd.min()), "D"))
        last_date = pd.Timestamp(np.datetime64(int(sd.max()), "D"))
    elif valid.any():
        first_date = pd.Timestamp(np.datetime64(d0, "D"))
        last_date = pd.Timestamp(np.datetime64(int(day_no[valid].max()), "D"))
    else:
        first_date = last_date = pd.NaT

    # ---- traffic -----------------------------------------------------------------------------
    tr = None
    traffic_period = False
    if traffic is None:
        reasons["traffic"] = "diag.na.no_traffic"
    elif slice_dim in ("country", "channel") and slice_dim not in traffic.columns:
        reasons["traffic"] = "diag.na.slice_table"
    else:
        tcols = [c for c in ("date", "date_end", "sku", "source", "sessions", "page_views", "bounces", "orders",
                             "buy_box_pct", slice_dim) if c and c in traffic.columns]
        tr = traffic[list(dict.fromkeys(tcols))].copy()
        tr["sku"] = tr["sku"].astype("str")
        tr["source"] = tr["source"].astype("str")
        if slice_dim in ("sku", "source", "country", "channel"):
            tr = tr[tr[slice_dim].astype("str") == str(slice_value)]
        elif slice_dim == "category":
            tr = tr[tr["sku"].map(cat_map).astype("str") == str(slice_value)]
        tr = tr.rename(columns={"orders": "t_orders"})
        tr, traffic_period = _expand_periods(tr, ["sessions", "page_views", "bounces", "t_orders"])
        tr["sessions"] = _num(tr, "sessions")
        tr["sessions"] = tr["sessions"].fillna(0.0)
        if "bounces" in tr.columns:
            b = _num(tr, "bounces")
            tr["bounces"] = b
            tr["b_sessions"] = np.where(np.isnan(b), 0.0, tr["sessions"].to_numpy())
        if "buy_box_pct" in tr.columns:
            bb = _num(tr, "buy_box_pct")
            ss = tr["sessions"].to_numpy()
            tr["bb_w"] = np.where(np.isnan(bb), 0.0, bb * ss)
            tr["bb_s"] = np.where(np.isnan(bb), 0.0, ss)
            tr = tr.drop(columns=["buy_box_pct"])
        if traffic_period:
            notes.append("diag.note.period_rows")

    # ---- ads ---------------------------------------------------------------------------------
    ad = None
    ads_period = False
    if ads is None:
        reasons["ads"] = "diag.na.no_ads"
    elif slice_dim in ("country", "channel", "source"):
        reasons["ads"] = "diag.na.slice_table"
    elif slice_dim in ("sku", "category") and "sku" not in ads.columns:
        reasons["ads"] = "diag.na.ads_no_sku"
    else:
        acols = [c for c in ("date", "date_end", "campaign", "sku", "spend", "ad_sales", "ad_orders", "clicks",
                             "impressions") if c in ads.columns]
        ad = ads[acols].copy()
        ad["campaign"] = ad["campaign"].astype("str")
        if "sku" in ad.columns:
            ad["sku"] = ad["sku"].astype("str")
        if slice_dim == "sku":
            ad = ad[ad["sku"] == str(slice_value)]
        elif slice_dim == "category":
            ad = ad[ad["sku"].map(cat_map).astype("str") == str(slice_value)]
        ad, ads_period = _expand_periods(ad, ["spend", "ad_sales", "ad_orders", "clicks", "impressions"])
        for c in ("spend", "ad_sales"):
            ad[c] = np.nan_to_num(_num(ad, c))

    if slice_dim == "source" and tr is not None:
        sku_day, notes = _attribute_to_source(sku_day, traffic, str(slice_value), notes)
        day = None

    flags = {
        "traffic": tr is not None, "page_views": tr is not None and "page_views" in tr.columns,
        "bounces": tr is not None and "bounces" in tr.columns,
        "buy_box": tr is not None and "bb_w" in tr.columns,
        "t_orders": tr is not None and "t_orders" in tr.columns,
        "traffic_period": traffic_period, "ads": ad is not None, "ads_period": ads_period,
        "ads_sku": ad is not None and "sku" in ad.columns, "cost": has_cost, "fees": has_fees,
        "shipping": has_ship, "customers": cust_orders is not None,
    }
    return Store(sku_day=sku_day, day=day, cust_orders=cust_orders, second_day=second_day, returns=returns, traffic=tr, ads=ad, products=prod,
                 first_date=first_date, last_date=last_date, flags=dict(flags),
                 reasons=dict(reasons), notes=tuple(dict.fromkeys(notes)), slice_dim=slice_dim,
                 slice_value=None if slice_value is None else str(slice_value))


def _customer_orders(ccode: np.ndarray, order: np.ndarray, day: np.ndarray, rev: np.ndarray):
    """Order-level arrays for the customer KPIs, from sales lines (customer codes, -1 = unknown):
    ``day`` (int days), ``cust`` (code), ``rev``, ``first`` (the customer's first order), and per
    customer the day of the second order (int64 max when none)."""
    ocode, _ = pd.factorize(order)
    first = ~pd.Series(ocode).duplicated().to_numpy()
    n_ord = int(first.sum())
    o_day, o_cust = day[first], ccode[first]
    o_rev = np.bincount(ocode, weights=rev, minlength=n_ord)
    keep = o_cust >= 0
    o_day, o_cust, o_rev = o_day[keep], o_cust[keep], o_rev[keep]
    n_cust = int(o_cust.max()) + 1 if len(o_cust) else 0
    idx = np.lexsort((np.arange(len(o_day)), o_day, o_cust))
    cs = o_cust[idx]
    starts = np.r_[True, cs[1:] != cs[:-1]] if len(cs) else np.zeros(0, dtype=bool)
    is_first = np.zeros(len(o_day), dtype=bool)
    is_first[idx[starts]] = True
    second_day = np.full(n_cust, np.iinfo(np.int64).max, dtype=np.int64)
    pos = np.flatnonzero(starts)
    has_two = pos + 1 < len(cs)
    has_two[has_two] &= cs[pos[has_two] + 1] == cs[pos[has_two]]
    second_day[cs[pos[has_two]]] = o_day[idx[pos[has_two] + 1]]
    frame = pd.DataFrame({"day": o_day, "cust": o_cust, "rev": o_rev, "first": is_first})
    return frame, second_day


def _source_weights(traffic: pd.DataFrame) -> pd.DataFrame:
    """Per (sku, source): the source's share of the SKU's orders in the traffic (or of its sessions
    when the traffic has no orders column). Columns ``sku, source, weight``."""
    tcols = [c for c in ("sku", "source", "sessions", "orders") if c in traffic.columns]
    tw = traffic[tcols].copy()
    tw["sku"] = tw["sku"].astype("str")
    tw["source"] = tw["source"].astype("str")
    basis = "orders" if "orders" in tw.columns and pd.to_numeric(tw["orders"], errors="coerce").fillna(0).sum() > 0 else "sessions"
    tw["b"] = pd.to_numeric(tw[basis], errors="coerce").fillna(0.0).astype(float)
    g = tw.groupby(["sku", "source"], sort=False).agg(b=("b", "sum")).reset_index()
    tot = g.groupby("sku")["b"].transform("sum")
    g["weight"] = np.where(tot > 0, g["b"] / tot.where(tot > 0, 1.0), 0.0)
    return g[["sku", "source", "weight"]]


def _attribute_to_source(sku_day: pd.DataFrame, traffic: pd.DataFrame, source: str, notes: list[str]):
    w = _source_weights(traffic)
    w = w[w["source"] == source].set_index("sku")["weight"]
    f = sku_day["sku"].map(w).fillna(0.0).to_numpy()
    out = sku_day.copy()
    for c in ("revenue", "units", "orders", "cost", "fees", "shipping"):
        out[c] = out[c].to_numpy(dtype=float) * f
    notes = [*notes, "diag.note.attributed"]
    return out, notes


# --------------------------------------------------------------------------------------------------
# KPIs


def _in(frame: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    d = frame["date"]
    return frame.loc[(d >= start) & (d <= end)]


def _traffic_window(st: Store, start: pd.Timestamp, end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The part of ``start..end`` the traffic covers (the whole range when it covers it all or there
    is no traffic in it): conversion compares orders and sessions over the same days."""
    if st.traffic is None or not len(st.traffic):
        return start, end
    lo, hi = st.traffic["date"].min(), st.traffic["date"].max()
    t0, t1 = max(start, lo), min(end, hi)
    return (start, end) if t0 > t1 else (t0, t1)


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not np.isfinite(a) or not np.isfinite(b) or b == 0:
        return None
    return float(a) / float(b)


def kpis_for(st: Store, start, end) -> Kpis:
    """KPIs of a prepared store over ``start..end`` (inclusive dates)."""
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    v: dict[str, float | None] = dict.fromkeys(KPI_ORDER)
    r: dict[str, str] = {}
    notes: list[str] = list(st.notes)
    covered = pd.notna(st.first_date) and not (end < st.first_date or start > st.last_date)
    if not covered:
        return Kpis(start, end, dict(v), dict(dict.fromkeys(KPI_ORDER, "diag.na.no_data")),
                    tuple(notes))
    if start < st.first_date or end > st.last_date:
        notes.append("diag.note.partial_period")
    sd = _in(st.sku_day, start, end)
    revenue = float(sd["revenue"].sum())
    units = float(sd["units"].sum())
    if st.day is not None:
        dd = _in(st.day, start, end)
        orders = float(dd["orders"].sum())
        all_orders = float(dd["all_orders"].sum())
        v["cancel_rate"] = _ratio(float(dd["cancelled_orders"].sum()), all_orders)
    else:
        orders = float(sd["orders"].sum())
        r["cancel_rate"] = "diag.na.slice_table"
    v.update(revenue=revenue, units=units, orders=orders, aov=_ratio(revenue, orders),
             units_per_order=_ratio(units, orders))
    rt = _in(st.returns, start, end)
    v["return_rate"] = _ratio(float(rt["return_units"].sum()), units) if st.slice_dim != "source" else None
    if st.slice_dim == "source":
        r["return_rate"] = "diag.na.slice_table"
    # profit
    if st.flags["cost"] and int(sd["cost_missing"].sum()) == 0:
        gp = revenue - float(sd["cost"].sum()) - float(sd["fees"].sum()) - float(sd["shipping"].sum())
        v["gross_profit"] = gp
        v["margin"] = _ratio(gp, revenue)
        v["break_even_acos"] = v["margin"]
    else:
        key = "diag.na.no_cost" if not st.flags["cost"] else "diag.na.cost_partial"
        for k in ("gross_profit", "margin", "break_even_acos"):
            r[k] = key
    # traffic
    if st.traffic is not None:
        tr = _in(st.traffic, start, end)
        if len(tr) == 0:
            for k in ("sessions", "page_views", "conversion_rate", "unit_session_pct", "bounce_rate", "buy_box_pct"):
                r[k] = "diag.na.no_traffic_period"
        else:
            sessions = float(tr["sessions"].sum())
            v["sessions"] = sessions
            t0, t1 = _traffic_window(st, start, end)
            if (t0, t1) != (start, end):  # traffic covers part of the range: compare like with like
                notes.append("diag.note.traffic_partial")
                w = _in(st.sku_day, t0, t1)
                o_t = float(_in(st.day, t0, t1)["orders"].sum()) if st.day is not None else float(w["orders"].sum())
                u_t = float(w["units"].sum())
            else:
                o_t, u_t = orders, units
            v["conversion_rate"] = _ratio(o_t, sessions)
            v["unit_session_pct"] = _ratio(u_t, sessions)
            if st.flags["page_views"]:
                v["page_views"] = float(np.nansum(tr["page_views"].to_numpy(dtype=float, na_value=np.nan)))
            else:
                r["page_views"] = "diag.na.no_column"
            if st.flags["bounces"]:
                v["bounce_rate"] = _ratio(float(np.nansum(tr["bounces"].to_numpy(dtype=float))),
                                          float(tr["b_sessions"].sum()))
            else:
                r["bounce_rate"] = "diag.na.no_column"
            if st.flags["buy_box"]:
                v["buy_box_pct"] = _ratio(float(tr["bb_w"].sum()), float(tr["bb_s"].sum()))
            else:
                r["buy_box_pct"] = "diag.na.no_column"
    else:
        for k in ("sessions", "page_views", "conversion_rate", "unit_session_pct", "bounce_rate", "buy_box_pct"):
            r[k] = st.reasons.get("traffic", "diag.na.no_traffic")
    # customers
    if st.cust_orders is not None:
        co = st.cust_orders
        s0, s1 = int(np.datetime64(start, "D").astype(np.int64)), int(np.datetime64(end, "D").astype(np.int64))
        cday = co["day"].to_numpy()
        m = (cday >= s0) & (cday <= s1)
        buyers = np.bincount(co["cust"].to_numpy()[m], minlength=len(st.second_day)) > 0
        n_buyers = float(buyers.sum())
        v["customers"] = n_buyers
        v["repurchase_rate"] = _ratio(float((buyers & (st.second_day <= s1)).sum()), n_buyers)
        crev = co["rev"].to_numpy()
        v["returning_revenue_share"] = _ratio(float(crev[m & ~co["first"].to_numpy()].sum()), float(crev[m].sum()))
    else:
        for k in ("customers", "repurchase_rate", "returning_revenue_share"):
            r[k] = st.reasons.get("customers", "diag.na.no_customers")
    # ads
    if st.ads is not None and not len(_in(st.ads, start, end)):
        for k in ("ad_spend", "ad_sales", "roas", "acos", "tacos"):
            r[k] = "diag.na.no_ads_period"
    elif st.ads is not None:
        ad = _in(st.ads, start, end)
        spend, ad_sales = float(ad["spend"].sum()), float(ad["ad_sales"].sum())
        v.update(ad_spend=spend, ad_sales=ad_sales, roas=_ratio(ad_sales, spend), acos=_ratio(spend, ad_sales),
                 tacos=_ratio(spend, revenue))
    else:
        for k in ("ad_spend", "ad_sales", "roas", "acos", "tacos"):
            r[k] = st.reasons.get("ads", "diag.na.no_ads")
    for k in KPI_ORDER:
        if v[k] is None and k not in r:
            r[k] = "diag.na.zero_base"
    return Kpis(start, end, dict(v), dict(r), tuple(dict.fromkeys(notes)))


def kpis(orders, traffic=None, ads=None, products=None, *, start=None, end=None, slice_dim=None,
         slice_value=None) -> Kpis:
    """KPIs for ``start..end`` (default: the whole orders range) and an optional slice
    (``slice_dim`` one of :data:`SLICE_DIMS`)."""
    st = prepare(orders, traffic, ads, products, slice_dim=slice_dim, slice_value=slice_value)
    start, end = _range(st, start, end)
    return kpis_for(st, start, end)


def _range(st: Store, start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    if pd.isna(st.first_date) and (start is None or end is None):
        raise DataError("err.diag.no_sales")
    start = st.first_date if start is None else pd.Timestamp(start).normalize()
    end = st.last_date if end is None else pd.Timestamp(end).normalize()
    if end < start:
        raise DataError("err.diag.bad_range", start=start.strftime("%Y-%m-%d"), end=end.strftime("%Y-%m-%d"))
    return start, end


def previous_range(start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The period of the same length immediately before ``start..end``."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    n = (end - start).days + 1
    return start - pd.Timedelta(days=n), start - pd.Timedelta(days=1)


def last_year_range(start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The same calendar dates one year earlier (29 February falls back to the 28th)."""
    return pd.Timestamp(start) - pd.DateOffset(years=1), pd.Timestamp(end) - pd.DateOffset(years=1)


def compare(current: Kpis, previous: Kpis, last_year: Kpis, *, scope: str | None = None,
            benchmarks: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per KPI: ``kpi, value, previous, change_pct, last_year, yoy_pct, benchmark,
    benchmark_source, benchmark_year, benchmark_estimate, vs_benchmark, higher_is_better, reason``.

    ``change_pct``/``yoy_pct`` are relative changes (0.1 = +10%); for ratio KPIs they are still
    relative (conversion 2.0% -> 2.2% is +10%). ``vs_benchmark`` = value / benchmark - 1.
    """
    bm = load_benchmarks() if benchmarks is None else benchmarks
    rows = []
    for k in KPI_ORDER:
        val, prev, ly = current.values.get(k), previous.values.get(k), last_year.values.get(k)
        b = benchmark_for(k, scope, bm)
        rows.append({
            "kpi": k, "value": val, "previous": prev,
            "change_pct": _ratio(None if val is None or prev is None else val - prev, prev),
            "last_year": ly,
            "yoy_pct": _ratio(None if val is None or ly is None else val - ly, ly),
            "benchmark": b["value"] if b else None,
            "benchmark_source": b["source"] if b else None,
            "benchmark_year": b["year"] if b else None,
            "benchmark_estimate": bool(b["estimate"]) if b else None,
            "vs_benchmark": _ratio(None if val is None or not b else val - b["value"], b["value"] if b else None),
            "higher_is_better": HIGHER_IS_BETTER.get(k),
            "reason": current.reasons.get(k),
        })
    out = pd.DataFrame(rows)
    for c in ("value", "previous", "change_pct", "last_year", "yoy_pct", "benchmark", "vs_benchmark"):
        out[c] = out[c].astype("float64")
    return out


# --------------------------------------------------------------------------------------------------
# tables per sku / source / campaign


def by_sku(st: Store, start, end) -> pd.DataFrame:
    """One row per SKU over the range: ``sku, name, category, sessions, orders, units, revenue,
    conversion, aov, bounce_rate, buy_box_pct, gross_profit, margin, ad_spend, ad_sales, acos,
    return_units, revenue_share, sessions_share``."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    sd = _in(st.sku_day, start, end).groupby("sku").agg(
        revenue=("revenue", "sum"), units=("units", "sum"), orders=("orders", "sum"), cost=("cost", "sum"),
        cost_missing=("cost_missing", "sum"), fees=("fees", "sum"), shipping=("shipping", "sum"))
    frames = [sd]
    if st.traffic is not None:
        tr = _in(st.traffic, start, end)
        aggs = {"sessions": ("sessions", "sum")}
        if st.flags["page_views"]:
            aggs["page_views"] = ("page_views", "sum")
        if st.flags["bounces"]:
            aggs["bounces"] = ("bounces", "sum")
            aggs["b_sessions"] = ("b_sessions", "sum")
        if st.flags["buy_box"]:
            aggs["bb_w"] = ("bb_w", "sum")
            aggs["bb_s"] = ("bb_s", "sum")
        frames.append(tr.groupby("sku").agg(**aggs))
    if st.ads is not None and st.flags["ads_sku"]:
        ad = _in(st.ads, start, end)
        frames.append(ad.groupby("sku").agg(ad_spend=("spend", "sum"), ad_sales=("ad_sales", "sum")))
    rt = _in(st.returns, start, end).groupby("sku").agg(return_units=("return_units", "sum"))
    frames.append(rt)
    out = pd.concat(frames, axis=1, join="outer")
    out.index.name = "sku"
    out = out.reset_index()
    for c in ("revenue", "units", "orders", "fees", "shipping", "cost", "return_units"):
        out[c] = out[c].fillna(0.0).astype(float)
    out["cost_missing"] = out["cost_missing"].fillna(0)
    if "sessions" in out.columns:
        out["sessions"] = out["sessions"].fillna(0.0).astype(float)
        t0, t1 = _traffic_window(st, start, end)
        conv_orders = out["orders"]
        if (t0, t1) != (start, end):  # orders over the days the traffic covers
            ow = _in(st.sku_day, t0, t1).groupby("sku")["orders"].sum()
            conv_orders = out["sku"].map(ow).fillna(0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["conversion"] = np.where(out["sessions"] > 0, conv_orders / out["sessions"], np.nan)
    else:
        out["sessions"] = np.nan
        out["conversion"] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        out["aov"] = np.where(out["orders"] > 0, out["revenue"] / out["orders"], np.nan)
        out["bounce_rate"] = (out["bounces"] / out["b_sessions"]).where(out["b_sessions"] > 0) if "bounces" in out else np.nan
        out["buy_box_pct"] = (out["bb_w"] / out["bb_s"]).where(out["bb_s"] > 0) if "bb_w" in out else np.nan
        gp = out["revenue"] - out["cost"] - out["fees"] - out["shipping"]
        ok = st.flags["cost"] & (out["cost_missing"] == 0)
        out["gross_profit"] = gp.where(ok)
        out["margin"] = (out["gross_profit"] / out["revenue"]).where(out["revenue"] > 0)
        if "ad_spend" in out.columns:
            out["ad_spend"] = out["ad_spend"].fillna(0.0)
            out["ad_sales"] = out["ad_sales"].fillna(0.0)
            out["acos"] = (out["ad_spend"] / out["ad_sales"]).where(out["ad_sales"] > 0)
        else:
            out["ad_spend"] = np.nan
            out["ad_sales"] = np.nan
            out["acos"] = np.nan
        tot_rev, tot_ses = out["revenue"].sum(), np.nansum(out["sessions"])
        out["revenue_share"] = out["revenue"] / tot_rev if tot_rev > 0 else np.nan
        out["sessions_share"] = out["sessions"] / tot_ses if tot_ses > 0 else np.nan
    if st.products is not None:
        out = out.merge(st.products[[c for c in ("sku", "name", "category") if c in st.products.columns]],
                        on="sku", how="left")
    for c in ("name", "category"):
        if c not in out.columns:
            out[c] = pd.Series(pd.NA, index=out.index, dtype="str")
    cols = ["sku", "name", "category", "sessions", "orders", "units", "revenue", "conversion", "aov",
            "bounce_rate", "buy_box_pct", "gross_profit", "margin", "ad_spend", "ad_sales", "acos",
            "return_units", "revenue_share", "sessions_share"]
    for c in cols:
        if c not in out.columns:
            out[c] = np.nan
    return out[cols].sort_values("revenue", ascending=False, kind="stable").reset_index(drop=True)


def by_source(st: Store, start, end, sku_table: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """Traffic structure: ``source, sessions, sessions_share, orders, revenue, revenue_share,
    conversion, bounce_rate, revenue_per_session``. Orders and revenue are attributed to sources in
    proportion to each SKU's orders by source in the traffic (sessions when it has no orders); an
    estimate when the orders themselves carry no source."""
    if st.traffic is None:
        return None
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    tr = _in(st.traffic, start, end)
    aggs = {"sessions": ("sessions", "sum")}
    if st.flags["bounces"]:
        aggs["bounces"] = ("bounces", "sum")
        aggs["b_sessions"] = ("b_sessions", "sum")
    basis = "t_orders" if st.flags["t_orders"] and np.nansum(tr.get("t_orders", pd.Series(dtype=float))) > 0 else "sessions"
    aggs["b"] = (basis, "sum")
    g = tr.groupby(["sku", "source"], sort=False).agg(**aggs).reset_index()
    tot = g.groupby("sku")["b"].transform("sum")
    g["w"] = np.where(tot > 0, g["b"] / tot.where(tot > 0, 1.0), 0.0)
    if sku_table is None:
        sku_table = by_sku(st, start, end)
    sk = sku_table.set_index("sku")
    g["orders"] = g["w"] * g["sku"].map(sk["orders"]).fillna(0.0).to_numpy()
    g["revenue"] = g["w"] * g["sku"].map(sk["revenue"]).fillna(0.0).to_numpy()
    a2 = {"sessions": ("sessions", "sum"), "orders": ("orders", "sum"), "revenue": ("revenue", "sum")}
    if st.flags["bounces"]:
        a2["bounces"] = ("bounces", "sum")
        a2["b_sessions"] = ("b_sessions", "sum")
    out = g.groupby("source").agg(**a2).reset_index()
    # revenue of SKUs that have no traffic rows at all
    un = sk.loc[~sk.index.isin(g["sku"].unique()), "revenue"].sum()
    if un > 0:
        out = pd.concat([out, pd.DataFrame({"source": ["(unattributed)"], "sessions": [0.0], "orders": [
            float(sk.loc[~sk.index.isin(g["sku"].unique()), "orders"].sum())], "revenue": [float(un)]})],
            ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["sessions_share"] = out["sessions"] / out["sessions"].sum() if out["sessions"].sum() > 0 else np.nan
        out["revenue_share"] = out["revenue"] / out["revenue"].sum() if out["revenue"].sum() > 0 else np.nan
        out["conversion"] = (out["orders"] / out["sessions"]).where(out["sessions"] > 0)
        out["revenue_per_session"] = (out["revenue"] / out["sessions"]).where(out["sessions"] > 0)
        out["bounce_rate"] = (out["bounces"] / out["b_sessions"]).where(out["b_sessions"] > 0) if "bounces" in out else np.nan
    out["attribution"] = "orders" if basis == "t_orders" else "sessions"
    cols = ["source", "sessions", "sessions_share", "orders", "revenue", "revenue_share", "conversion",
            "bounce_rate", "revenue_per_session", "attribution"]
    return out[cols].sort_values("revenue", ascending=False, kind="stable").reset_index(drop=True)


def by_campaign(st: Store, start, end, sku_table: pd.DataFrame | None = None,
                store_margin: float | None = None) -> pd.DataFrame | None:
    """One row per campaign: ``campaign, skus, spend, ad_sales, ad_orders, clicks, impressions, roas,
    acos, break_even_acos, profit_after_ads, months, months_below`` where break-even ACoS is the
    ad-sales-weighted margin before ads of the campaign's SKUs (the store margin when the ads carry no
    SKU) and ``profit_after_ads`` = ad_sales x break_even_acos - spend."""
    if st.ads is None:
        return None
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    ad = _in(st.ads, start, end).copy()
    if not len(ad):
        return None
    if sku_table is None:
        sku_table = by_sku(st, start, end)
    margin = sku_table.set_index("sku")["margin"]
    if st.flags["ads_sku"]:
        ad["m"] = ad["sku"].map(margin).astype(float)
    else:
        ad["m"] = np.nan
    if store_margin is not None:
        ad["m"] = ad["m"].fillna(store_margin)
    ad["m_w"] = ad["m"] * ad["ad_sales"]
    ad["m_s"] = np.where(ad["m"].notna(), ad["ad_sales"], 0.0)
    ad["month"] = ad["date"].dt.to_period("M")
    for c in ("ad_orders", "clicks", "impressions"):
        if c not in ad.columns:
            ad[c] = np.nan
    out = ad.groupby("campaign").agg(
        spend=("spend", "sum"), ad_sales=("ad_sales", "sum"), ad_orders=("ad_orders", "sum"),
        clicks=("clicks", "sum"), impressions=("impressions", "sum"), m_w=("m_w", "sum"), m_s=("m_s", "sum"),
        months=("month", "nunique"),
    )
    if st.flags["ads_sku"]:
        out["skus"] = ad.groupby("campaign")["sku"].agg(lambda x: ", ".join(sorted(set(map(str, x.dropna())))[:5]))
    else:
        out["skus"] = ""
    # months below break-even
    cm = ad.groupby(["campaign", "month"]).agg(spend=("spend", "sum"), ad_sales=("ad_sales", "sum"),
                                               m_w=("m_w", "sum"), m_s=("m_s", "sum"))
    be_m = (cm["m_w"] / cm["m_s"]).where(cm["m_s"] > 0)
    below = (cm["spend"] > cm["ad_sales"] * be_m) & be_m.notna() & (cm["spend"] > 0)
    out["months_below"] = below.groupby(level=0).sum().reindex(out.index).fillna(0).astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["roas"] = (out["ad_sales"] / out["spend"]).where(out["spend"] > 0)
        out["acos"] = (out["spend"] / out["ad_sales"]).where(out["ad_sales"] > 0)
        out["break_even_acos"] = (out["m_w"] / out["m_s"]).where(out["m_s"] > 0)
    out["profit_after_ads"] = out["ad_sales"] * out["break_even_acos"] - out["spend"]
    out = out.reset_index()
    cols = ["campaign", "skus", "spend", "ad_sales", "ad_orders", "clicks", "impressions", "roas", "acos",
            "break_even_acos", "profit_after_ads", "months", "months_below"]
    return out[cols].sort_values("spend", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# decomposition


def _decompose_table(before: pd.DataFrame, after: pd.DataFrame, key: str, with_traffic: bool) -> pd.DataFrame:
    cols = ["revenue", "orders"] + (["sessions"] if with_traffic else [])
    b = before.set_index(key)[cols]
    a = after.set_index(key)[cols]
    m = b.add_suffix("_0").join(a.add_suffix("_1"), how="outer").fillna(0.0)
    v0, v1 = m["revenue_0"].to_numpy(), m["revenue_1"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        aov0 = np.where(m["orders_0"] > 0, v0 / m["orders_0"].to_numpy(), 0.0)
        aov1 = np.where(m["orders_1"] > 0, v1 / m["orders_1"].to_numpy(), 0.0)
        if with_traffic:
            s0, s1 = m["sessions_0"].to_numpy(), m["sessions_1"].to_numpy()
            c0 = np.where(s0 > 0, m["orders_0"].to_numpy() / s0, 0.0)
            c1 = np.where(s1 > 0, m["orders_1"].to_numpy() / s1, 0.0)
            eff = lmdi(v0, v1, {"sessions": s0, "conversion": c0, "aov": aov0},
                       {"sessions": s1, "conversion": c1, "aov": aov1})
            # a positive value with zero sessions breaks the identity: report it as unattributed
            broken = ((v0 > 0) & (s0 <= 0)) | ((v1 > 0) & (s1 <= 0))
            if broken.any():
                for k in ("sessions", "conversion", "aov"):
                    eff[k] = np.where(broken, 0.0, eff[k])
                eff["unattributed"] = np.where(broken, v1 - v0, eff["unattributed"])
        else:
            eff = lmdi(v0, v1, {"orders": m["orders_0"].to_numpy(), "aov": aov0},
                       {"orders": m["orders_1"].to_numpy(), "aov": aov1})
    out = pd.DataFrame({key: m.index, "revenue_before": v0, "revenue_after": v1, "change": v1 - v0})
    for k, e in eff.items():
        out[f"{k}_effect" if k != "unattributed" else "unattributed"] = e
    return out.sort_values("change", key=np.abs, ascending=False, kind="stable").reset_index(drop=True)


def decompose(st: Store, before: tuple, after: tuple, *, known: Mapping | None = None) -> Decomposition:
    """Split the revenue change from period ``before`` to ``after`` (each ``(start, end)``) with LMDI,
    overall and per SKU and per source (see the module docstring). ``known`` maps
    ``(start, end, "kpis"|"sku"|"source")`` to results already computed for those periods."""
    b0, b1 = (pd.Timestamp(x) for x in before)
    a0, a1 = (pd.Timestamp(x) for x in after)
    known = dict(known or {})

    def get(p0, p1, what, make):
        if (p0, p1, what) not in known:
            known[(p0, p1, what)] = make()
        return known[(p0, p1, what)]

    kb = get(b0, b1, "kpis", lambda: kpis_for(st, b0, b1))
    ka = get(a0, a1, "kpis", lambda: kpis_for(st, a0, a1))
    with_traffic = st.traffic is not None and kb.get("sessions") is not None and ka.get("sessions") is not None
    vb, va = kb.get("revenue") or 0.0, ka.get("revenue") or 0.0
    ob, oa = kb.get("orders") or 0.0, ka.get("orders") or 0.0
    aovb, aova = (vb / ob if ob else 0.0), (va / oa if oa else 0.0)
    if with_traffic:
        sb, sa = kb.get("sessions") or 0.0, ka.get("sessions") or 0.0
        cb, ca = (ob / sb if sb else 0.0), (oa / sa if sa else 0.0)
        e = lmdi(vb, va, {"sessions": sb, "conversion": cb, "aov": aovb}, {"sessions": sa, "conversion": ca, "aov": aova})
        factors = ("sessions", "conversion", "aov")
    else:
        e = lmdi(vb, va, {"orders": ob, "aov": aovb}, {"orders": oa, "aov": aova})
        factors = ("orders", "aov")
    effects = {k: float(e[k][0]) for k in factors}
    if float(e["unattributed"][0]):
        effects["unattributed"] = float(e["unattributed"][0])
    sk_b = get(b0, b1, "sku", lambda: by_sku(st, b0, b1))
    sk_a = get(a0, a1, "sku", lambda: by_sku(st, a0, a1))
    if not with_traffic:
        sk_b = sk_b.drop(columns="sessions")
        sk_a = sk_a.drop(columns="sessions")
    per_sku = _decompose_table(sk_b, sk_a, "sku", with_traffic)
    per_src = None
    if with_traffic:
        src_b = get(b0, b1, "source", lambda: by_source(st, b0, b1, sk_b))
        src_a = get(a0, a1, "source", lambda: by_source(st, a0, a1, sk_a))
        if src_b is not None and src_a is not None:
            per_src = _decompose_table(src_b, src_a, "source", True)
    return Decomposition((b0, b1), (a0, a1), float(vb), float(va), factors, dict(effects), per_sku, per_src)


# --------------------------------------------------------------------------------------------------
# daily series and anomalies

SWING_METRICS = ("revenue", "sessions", "conversion_rate", "ad_spend", "acos")
BAD_DIRECTION = {"revenue": "drop", "sessions": "drop", "conversion_rate": "drop", "ad_spend": "spike", "acos": "spike"}


def daily(st: Store) -> pd.DataFrame:
    """Daily store series over the whole history: ``date, revenue, orders, units, sessions,
    conversion_rate, ad_spend, ad_sales, acos`` (traffic columns NaN where traffic is missing or comes
    as period rows)."""
    if pd.isna(st.first_date):
        return pd.DataFrame(columns=["date", "revenue", "orders", "units", "sessions", "conversion_rate",
                                     "ad_spend", "ad_sales", "acos"])
    sd = st.sku_day.groupby("date").agg(revenue=("revenue", "sum"), units=("units", "sum"), sku_orders=("orders", "sum"))
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
              metrics: tuple[str, ...] = SWING_METRICS, campaigns: pd.DataFrame | None = None) -> pd.DataFrame:
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
    cols = ["metric", "slice", "date", "value", "expected", "deviation", "z", "z7", "direction", "event", "weight",
            "scale"]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols}).astype(
            {"metric": "str", "slice": "str", "direction": "str", "date": "datetime64[ns]", "event": "int64"})
    out = pd.concat(frames, ignore_index=True)
    gap = (out["date"].diff().dt.days.ne(1) | out["metric"].ne(out["metric"].shift())
           | out["slice"].ne(out["slice"].shift()) | out["direction"].ne(out["direction"].shift()))
    out["event"] = gap.cumsum().astype(int)
    return out[cols]


# --------------------------------------------------------------------------------------------------
# findings


def _severity_by_share(money: float, revenue: float) -> str:
    if revenue <= 0:
        return "low"
    share = money / revenue
    if share >= RULES["high_share"]:
        return "high"
    if share >= RULES["medium_share"]:
        return "medium"
    return "low"


def _cap(sev: str, cap: str) -> str:
    return SEVERITIES[max(SEVERITIES.index(sev), SEVERITIES.index(cap))]


def _ev(**kw) -> dict:
    return dict({k: _py(v) for k, v in kw.items()})


def find_low_conversion(sk: pd.DataFrame, revenue: float) -> list[Finding]:
    """D1 ``high_traffic_low_conversion``: a SKU with sessions at or above the median SKU whose
    conversion is at most ``low_conv_ratio`` of its category's median SKU conversion (store median
    without categories), with at least ``min_expected_orders`` orders expected at that median.
    Money at stake = sessions x (median conversion - conversion) x the SKU's AOV (store AOV when it
    has no orders): the revenue it would add converting like its peers."""
    d = sk[(sk["sessions"] > 0)].copy()
    if len(d) < 3:
        return []
    group = d["category"].fillna("(all)") if d["category"].notna().any() else pd.Series("(all)", index=d.index)
    d["median_conversion"] = d.groupby(group)["conversion"].transform("median")
    store_aov = d["revenue"].sum() / d["orders"].sum() if d["orders"].sum() > 0 else np.nan
    d["aov_used"] = d["aov"].fillna(store_aov)
    sess_med = d["sessions"].median()
    hit = d[(d["sessions"] >= sess_med) & (d["conversion"] <= RULES["low_conv_ratio"] * d["median_conversion"])
            & (d["sessions"] * d["median_conversion"] >= RULES["min_expected_orders"])]
    rank = d["sessions"].rank(ascending=False, method="min")
    out = []
    for r in hit.itertuples(index=False):
        money = float(r.sessions * (r.median_conversion - r.conversion) * r.aov_used)
        out.append(Finding("high_traffic_low_conversion", _severity_by_share(money, revenue), "sku", str(r.sku),
                           _ev(sessions=r.sessions, sessions_rank=int(rank[d["sku"] == r.sku].iloc[0]),
                               conversion=r.conversion, median_conversion=r.median_conversion,
                               category=None if pd.isna(r.category) else r.category, aov=r.aov_used), money))
    return out


def find_low_aov(sk: pd.DataFrame, revenue: float) -> list[Finding]:
    """D2 ``high_conversion_low_aov``: conversion at least ``high_conv_ratio`` x the median SKU
    conversion and AOV at most ``low_aov_ratio`` x the median SKU AOV, with enough orders. Money at
    stake (estimate) = orders x (median AOV - AOV) x ``bundle_attach_rate``: what a bundle or
    cross-sell taken by that share of its buyers would add. Severity at most medium (an opportunity)."""
    d = sk[(sk["sessions"] > 0) & (sk["orders"] > 0)]
    if len(d) < 3:
        return []
    conv_med, aov_med = d["conversion"].median(), d["aov"].median()
    hit = d[(d["conversion"] >= RULES["high_conv_ratio"] * conv_med) & (d["aov"] <= RULES["low_aov_ratio"] * aov_med)
            & (d["orders"] >= RULES["min_expected_orders"])]
    out = []
    for r in hit.itertuples(index=False):
        money = float(r.orders * (aov_med - r.aov) * RULES["bundle_attach_rate"])
        out.append(Finding("high_conversion_low_aov", _cap(_severity_by_share(money, revenue), "medium"), "sku",
                           str(r.sku), _ev(conversion=r.conversion, median_conversion=conv_med, aov=r.aov,
                                           median_aov=aov_med, orders=r.orders), money))
    return out


def find_campaigns_below_break_even(camp: pd.DataFrame | None, revenue: float) -> list[Finding]:
    """D3 ``campaign_below_break_even``: a campaign whose ACoS is above its break-even ACoS (the
    margin before ads of what it advertises) over the period. Money at stake = the loss,
    spend - ad_sales x break_even_acos. High severity needs at least two months below break-even."""
    if camp is None or not len(camp):
        return []
    hit = camp[(camp["profit_after_ads"] < 0) & camp["break_even_acos"].notna()]
    out = []
    for r in hit.itertuples(index=False):
        money = float(-r.profit_after_ads)
        sev = _severity_by_share(money, revenue)
        if r.months_below < 2:
            sev = _cap(sev, "medium")
        out.append(Finding("campaign_below_break_even", sev, "campaign", str(r.campaign),
                           _ev(spend=r.spend, ad_sales=r.ad_sales, acos=r.acos, break_even_acos=r.break_even_acos,
                               roas=r.roas, months_below=int(r.months_below), months=int(r.months), skus=r.skus),
                           money))
    return out


def find_source_concentration(src: pd.DataFrame | None, revenue: float) -> list[Finding]:
    """D5 ``source_concentration``: one traffic source carries more than ``source_share`` of revenue
    (attributed, see :func:`by_source`). Money at stake (estimate) = ``source_shock`` x that source's
    revenue (an algorithm change or account problem cutting it by a fifth). At most medium: a risk."""
    if src is None or not len(src):
        return []
    d = src[src["source"] != "(unattributed)"]
    if (d["sessions"] > 0).sum() < 2 or not np.isfinite(d["revenue_share"]).any():
        return []  # a single source in the data (e.g. one marketplace's report) says nothing
    top = d.sort_values("revenue_share", ascending=False).iloc[0]
    if top["revenue_share"] <= RULES["source_share"]:
        return []
    money = float(RULES["source_shock"] * top["revenue"])
    return [Finding("source_concentration", _cap(_severity_by_share(money, revenue), "medium"), "source",
                    str(top["source"]), _ev(revenue_share=top["revenue_share"], sessions_share=top["sessions_share"],
                                            revenue=top["revenue"], threshold=RULES["source_share"]), money)]


def find_high_bounce(sk: pd.DataFrame, revenue: float, store_conversion: float | None) -> list[Finding]:
    """D6 ``high_bounce``: a product page whose bounce rate is at least ``bounce_ratio`` x the median
    product page and at least ``bounce_min``, with enough sessions. Money at stake = extra bounced
    sessions x store conversion x the SKU's AOV (store AOV when it has no orders)."""
    d = sk[(sk["sessions"] > 0) & sk["bounce_rate"].notna()]
    if len(d) < 3 or not store_conversion:
        return []
    med = d["bounce_rate"].median()
    store_aov = d["revenue"].sum() / d["orders"].sum() if d["orders"].sum() > 0 else 0.0
    hit = d[(d["bounce_rate"] >= RULES["bounce_ratio"] * med) & (d["bounce_rate"] >= RULES["bounce_min"])
            & (d["sessions"] * store_conversion >= RULES["min_expected_orders"])]
    out = []
    for r in hit.itertuples(index=False):
        aov = r.aov if np.isfinite(r.aov) else store_aov
        money = float(r.sessions * (r.bounce_rate - med) * store_conversion * aov)
        out.append(Finding("high_bounce", _severity_by_share(money, revenue), "sku", str(r.sku),
                           _ev(bounce_rate=r.bounce_rate, median_bounce_rate=med, sessions=r.sessions), money))
    return out


def find_low_buy_box(sk: pd.DataFrame, revenue: float) -> list[Finding]:
    """``low_buy_box``: a SKU holding the Buy Box (featured offer) less than ``buy_box_min`` of its
    sessions. Money at stake = revenue x (target / buy_box_pct - 1): the sales it would have at the
    ``buy_box_target`` share, assuming sales proportional to Buy Box time (an estimate)."""
    d = sk[sk["buy_box_pct"].notna() & (sk["buy_box_pct"] > 0) & (sk["buy_box_pct"] < RULES["buy_box_min"])]
    out = []
    for r in d.itertuples(index=False):
        money = float(r.revenue * (RULES["buy_box_target"] / r.buy_box_pct - 1.0))
        out.append(Finding("low_buy_box", _severity_by_share(money, revenue), "sku", str(r.sku),
                           _ev(buy_box_pct=r.buy_box_pct, target_pct=RULES["buy_box_target"], sessions=r.sessions,
                               revenue=r.revenue), money))
    return out


def find_low_repurchase(k: Kpis, bm: pd.DataFrame) -> list[Finding]:
    """``low_repurchase``: repurchase rate below ``repurchase_ratio`` x the benchmark. Money at stake
    (estimate) = customers x (benchmark - rate) x AOV. At most medium."""
    rate, cust, aov = k.get("repurchase_rate"), k.get("customers"), k.get("aov")
    b = benchmark_for("repurchase_rate", None, bm)
    if rate is None or not cust or not aov or b is None or rate >= RULES["repurchase_ratio"] * b["value"]:
        return []
    money = float(cust * (b["value"] - rate) * aov)
    rev = k.get("revenue") or 0.0
    return [Finding("low_repurchase", _cap(_severity_by_share(money, rev), "medium"), "store", "store",
                    _ev(repurchase_rate=rate, benchmark_rate=b["value"], customers=cust,
                        returning_revenue_share=k.get("returning_revenue_share")), money)]


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


def find_swings(an: pd.DataFrame, dly: pd.DataFrame, start, end, aov: float | None,
                sensitivity: str | float = "medium") -> list[Finding]:
    """Abnormal swings in the bad direction (``<metric>_drop`` for revenue, sessions and conversion,
    ``<metric>_spike`` for ad spend, store-wide or per campaign, and ACoS), one finding per run of
    consecutive flagged days that starts in ``start..end``. Money at stake: revenue drop =
    sum(expected - actual); sessions drop = lost sessions x conversion x AOV; conversion drop =
    sessions x lost conversion x AOV; spend spike = spend above expected; ACoS spike = ad_sales x
    (ACoS - expected ACoS). Swings worth less than 5% of an average day's revenue stay in the
    anomaly chart only, except a campaign's spend spike at twice the sensitivity threshold and worth
    1% of a day's revenue.
    ``actual``/``expected`` in the evidence are sums for revenue, sessions and spend, means for ratios;
    ``deviation`` and ``z`` are the whole swing's (:func:`swing_z`); a swing whose z-score stays
    below the sensitivity threshold, or that deviates less than ``swing_min``, is not reported. Severity high when the swing lasts
    ``swing_days`` days or more, deviates ``swing_big`` or more and its z-score reaches
    ``swing_z_high``; medium when it is long or big; low otherwise. A store-wide spend spike on the
    same days as a campaign's is reported once, for the campaign."""
    if an is None or not len(an):
        return []
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    d = an[an["direction"] == an["metric"].map(BAD_DIRECTION)]
    if not len(d):
        return []
    dl = dly.set_index("date")
    g = d.groupby("event").agg(metric=("metric", "first"), slice=("slice", "first"), direction=("direction", "first"),
                               first=("date", "min"), last=("date", "max"), days=("date", "size"),
                               deviation=("deviation", "mean"), value=("value", "sum"), expected=("expected", "sum"),
                               zmax=("z", "max"), zmin=("z", "min"))
    g = g[(g["first"] >= start) & (g["first"] <= end)]
    thr = _threshold(sensitivity)
    camp_days = set(d.loc[(d["metric"] == "ad_spend") & (d["slice"] != "store"), "date"])
    rng = dl.loc[start:end, "revenue"]
    daily_rev = float(rng.mean()) if len(rng) and np.isfinite(rng.mean()) else 0.0
    conv = float(np.nansum(dl["orders"]) / np.nansum(dl["sessions"])) if np.nansum(dl["sessions"]) > 0 else 0.0
    out = []
    for ev_id, r in g.iterrows():
        days = d[d["event"] == ev_id]
        dates = days["date"]
        if r.metric == "revenue":
            money = float(r.expected - r.value)
        elif r.metric == "sessions":
            money = float((r.expected - r.value) * conv * (aov or 0.0))
        elif r.metric == "conversion_rate":
            ses = dl.loc[dates, "sessions"].to_numpy()
            money = float(np.nansum(ses * (days["expected"].to_numpy() - days["value"].to_numpy())) * (aov or 0.0))
        elif r.metric == "ad_spend":
            if r.slice == "store" and set(dates) & camp_days:
                continue
            money = float(r.value - r.expected)
        else:
            sales = dl.loc[dates, "ad_sales"].to_numpy()
            money = float(np.nansum(sales * (days["value"].to_numpy() - days["expected"].to_numpy())))
        wild = r.slice != "store" and max(abs(r.zmax), abs(r.zmin)) >= 2 * thr and money >= 0.01 * daily_rev
        if money < 0.05 * daily_rev and not wild:
            continue
        dev, z = swing_z(days)
        if not (np.isfinite(z) and abs(z) >= thr and abs(dev) >= RULES["swing_min"]) and not wild:
            continue
        strong = np.isfinite(z) and abs(z) >= RULES["swing_z_high"]
        big = np.isfinite(dev) and abs(dev) >= RULES["swing_big"]
        long = r.days >= RULES["swing_days"]
        sev = "high" if strong and big and long else ("medium" if big or long else "low")
        actual, expected = float(r.value), float(r.expected)
        if r.metric in RATIO_WEIGHTS:
            actual, expected = float(dev + 1) * float(r.expected) / r.days, float(r.expected) / r.days
        out.append(Finding(f"{r.metric}_{r.direction}", sev, "store" if r.slice == "store" else "campaign",
                           str(r.slice),
                           _ev(metric=r.metric, start=r["first"], end=r["last"], days=int(r.days),
                               deviation=dev, actual=actual, expected=expected, z=z), max(money, 0.0)))
    return out


# --------------------------------------------------------------------------------------------------
# everything


def run_all(
    orders: pd.DataFrame,
    traffic: pd.DataFrame | None = None,
    ads: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    *,
    start=None,
    end=None,
    compare_to: str = "previous",
    slice_dim: str | None = None,
    slice_value: str | None = None,
    sensitivity: str | float = "medium",
    benchmark_scope: str | None = None,
    benchmarks: pd.DataFrame | None = None,
) -> Diagnosis:
    """KPIs, comparisons, decomposition (against ``compare_to``: ``"previous"`` period or
    ``"last_year"``), per-SKU/source/campaign tables, daily series, anomalies and ranked findings for
    ``start..end`` (default: the whole orders range)."""
    if compare_to not in COMPARISONS:
        raise DataError("err.diag.compare_to", value=compare_to, choices=", ".join(COMPARISONS))
    _threshold(sensitivity)
    st = prepare(orders, traffic, ads, products, slice_dim=slice_dim, slice_value=slice_value)
    start, end = _range(st, start, end)
    bm = load_benchmarks() if benchmarks is None else benchmarks
    cur = kpis_for(st, start, end)
    p0, p1 = previous_range(start, end)
    y0, y1 = last_year_range(start, end)
    prev, ly = kpis_for(st, p0, p1), kpis_for(st, y0, y1)
    comp = compare(cur, prev, ly, scope=benchmark_scope, benchmarks=bm)
    sk = by_sku(st, start, end)
    src = by_source(st, start, end, sk)
    camp = by_campaign(st, start, end, sk, cur.get("margin"))
    before = (p0, p1) if compare_to == "previous" else (y0, y1)
    known = {(start, end, "kpis"): cur, (p0, p1, "kpis"): prev, (y0, y1, "kpis"): ly, (start, end, "sku"): sk,
             (start, end, "source"): src}
    dec = decompose(st, before, (start, end), known=known)
    dly = daily(st)
    an = anomalies(dly, sensitivity, campaigns=campaign_spend(st))
    revenue = cur.get("revenue") or 0.0
    findings: list[Finding] = []
    if st.slice_dim != "sku":
        findings += find_low_conversion(sk, revenue)
        findings += find_low_aov(sk, revenue)
        findings += find_high_bounce(sk, revenue, cur.get("conversion_rate"))
    findings += find_low_buy_box(sk, revenue)
    findings += find_campaigns_below_break_even(camp, revenue)
    if st.slice_dim != "source":
        findings += find_source_concentration(src, revenue)
    findings += find_low_repurchase(cur, bm)
    findings += find_swings(an, dly, start, end, cur.get("aov"), sensitivity)
    findings.sort(key=lambda f: (-f.money_at_stake, SEVERITIES.index(f.severity), f.code, f.slice))
    return Diagnosis(start, end, cur, prev, ly, comp, dec, sk, src, camp, dly, an, tuple(findings), cur.notes)


def kpis_json(k: Kpis) -> dict[str, object]:
    """KPIs as a JSON-ready dict: values (None = not available) and the reasons."""
    return {
        "start": k.start.strftime("%Y-%m-%d"), "end": k.end.strftime("%Y-%m-%d"),
        "values": {name: _py(k.values.get(name)) for name in KPI_ORDER},
        "not_available": dict(k.reasons),
    }


def slice_values(orders: pd.DataFrame, traffic: pd.DataFrame | None = None, products: pd.DataFrame | None = None,
                 *, dim: str) -> list[str]:
    """The values a slice dimension takes in the data (sorted), for a filter's choices."""
    if dim not in SLICE_DIMS:
        raise DataError("err.diag.slice_dim", dim=dim, dims=", ".join(SLICE_DIMS))
    if dim == "source":
        col = None if traffic is None else traffic.get("source")
    elif dim == "category":
        col = None if products is None else products.get("category")
    else:
        col = orders.get(dim)
    if col is None:
        return []
    return sorted(str(v) for v in pd.unique(col.dropna()))


def waterfall(dec: Decomposition) -> pd.DataFrame:
    """Steps of the revenue-change waterfall: ``step`` (before, each factor, after), ``start``,
    ``end``, ``amount`` (the step's size; before/after are totals from zero)."""
    steps = [("before", 0.0, dec.revenue_before, dec.revenue_before)]
    level = dec.revenue_before
    for k, v in dec.effects.items():
        steps.append((k, level, level + v, v))
        level += v
    steps.append(("after", 0.0, dec.revenue_after, dec.revenue_after))
    return pd.DataFrame(steps, columns=["step", "start", "end", "amount"])


def export_frames(res: Diagnosis, lang: str = "en") -> dict[str, pd.DataFrame]:
    """The sheets of the Excel download: KPIs with comparisons, findings (with text in ``lang``),
    products, sources, campaigns and flagged days (sheet names in ``lang``)."""
    kp = res.comparison.copy()
    kp.insert(1, "name", [t(f"diag.kpi.{k}", lang) for k in kp["kpi"]])
    kp["reason"] = [t(r, lang) if isinstance(r, str) else None for r in kp["reason"]]
    sheets = {t("diag.sheet.kpis", lang): kp, t("diag.sheet.findings", lang): res.findings_frame(lang),
              t("diag.sheet.products", lang): res.by_sku}
    if res.by_source is not None:
        sheets[t("diag.sheet.sources", lang)] = res.by_source
    if res.by_campaign is not None:
        sheets[t("diag.sheet.campaigns", lang)] = res.by_campaign
    sheets[t("diag.sheet.anomalies", lang)] = res.anomalies.drop(columns=["weight", "scale"], errors="ignore")
    return sheets
