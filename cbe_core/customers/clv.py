"""Customer lifetime value: purchase counts (Pareto/NBD, MBG/NBD or BG/NBD) with Gamma-Gamma spend,
fitted by maximum likelihood.

Models and equations:
- Purchase counts: :mod:`.pareto` (Pareto/NBD), :mod:`.mbg` (MBG/NBD) and :mod:`.bgnbd` (BG/NBD), each
  with its likelihood, P(alive) and conditional expectation (equations cited there). ``model="auto"``
  fits all three and keeps the one that predicted a held-out period best among the models in which a
  one-time buyer can have left (:mod:`.models`). The default stays BG/NBD for the command line's
  JSON; the Customers page uses ``auto``.
- Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves for
  Customer Base Analysis", Journal of Marketing Research 42(4), and Fader & Hardie's note "The
  Gamma-Gamma Model of Monetary Value", 2013): likelihood of a customer's average repeat-transaction
  value, and its conditional expectation ``E[M | p, q, v, x, m_x] = (p (v + x m_x)) / (p x + q - 1)``.

Parameters are fitted with :func:`scipy.optimize.minimize` on the logarithms of the parameters (so
they stay positive), customers with identical ``(x, t_x, T)`` aggregated with weights.

Data conventions (as in the published CDNOW fits): purchases are counted per customer per *day*
(several lines or orders on one day are one transaction); a transaction's value is the sum of that
day's sales lines (:func:`cbe_core.schema.sales_lines`). Per customer, in the calibration period
(first purchase .. ``calibration_end``, inclusive):

- ``frequency`` ``x``: repeat transactions (purchase days - 1);
- ``recency`` ``t_x``: time from the first to the last purchase day (BG/NBD recency, *not* the RFM
  recency of :mod:`cbe_core.customers.rfm`, which counts back from the end);
- ``T``: time from the first purchase day to ``calibration_end``;
- ``monetary_value`` ``m_x``: average value of the repeat transactions (first one excluded).

Times are in ``time_unit`` ("week" = 7 days, as in the published fits, or "day"). Customers with a
return line, or no positive repeat spend, are left out of the Gamma-Gamma fit (its likelihood needs
positive values) and a note says how many; they are predicted with the population mean value.
Predicted spend is undiscounted and is an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from ..errors import DataError
from . import models
from ._fitting import MIN_CUSTOMERS, UNIT_DAYS, minimise
from .bgnbd import BgNbdFit, expected_purchases, probability_alive
from .bgnbd import fit as fit_bgnbd
from .bgnbd import log_likelihood as bgnbd_log_likelihood
from .rfm import Note, _as_day, check_orders

__all__ = ["BgNbdFit", "ClvResult", "GammaGammaFit", "MIN_CUSTOMERS", "UNIT_DAYS", "bgnbd_log_likelihood",
           "expected_average_value", "expected_purchases", "fit", "fit_bgnbd", "fit_gamma_gamma",
           "gamma_gamma_log_likelihood", "probability_alive", "summary", "transactions", "value_by_segment",
           "with_predictions"]
NEXT_ORDER_CAP_DAYS = 730  # an expected next order further away than this is shown as "not expected"


@dataclass(frozen=True)
class GammaGammaFit:
    p: float
    q: float
    v: float
    log_likelihood: float
    customers: int
    converged: bool

    def params(self) -> dict:
        return {"p": self.p, "q": self.q, "v": self.v}

    def mean_value(self) -> float:
        """Population mean transaction value ``p v / (q - 1)`` (infinite when q <= 1)."""
        return self.p * self.v / (self.q - 1.0) if self.q > 1 else float("inf")


@dataclass(frozen=True)
class ClvResult:
    """``model``: the fitted purchase model (``.name`` pareto/mbg/bgnbd, ``.label``, ``.params()``).
    ``customers``: one row per calibration customer with ``customer_id, frequency, recency, T,
    monetary_value, has_returns, first_purchase, p_alive, churn_risk, predicted_purchases,
    predicted_avg_value, predicted_spend, next_order_days, expected_next_order`` (predictions over
    ``horizon_days`` after ``calibration_end``; ``next_order_days`` is the median wait for the next
    order of a customer still active, ``expected_next_order`` that date, NaT beyond
    :data:`NEXT_ORDER_CAP_DAYS`) and, with a holdout, ``holdout_frequency`` and ``predicted_holdout``.
    ``holdout``: None or ``{"customers", "predicted_repeat_purchases", "actual_repeat_purchases"}``
    summed over the calibration customers. ``selection``: the model comparison (``model="auto"``)."""

    model: object
    gamma_gamma: GammaGammaFit | None
    customers: pd.DataFrame
    calibration_end: pd.Timestamp
    holdout_end: pd.Timestamp | None
    horizon_days: int
    holdout: dict | None
    notes: tuple[Note, ...]
    selection: models.ModelChoice | None = None

    @property
    def bgnbd(self) -> BgNbdFit | None:
        """The BG/NBD fit when it is the model used (kept for callers written before the choice)."""
        return self.model if isinstance(self.model, BgNbdFit) else None


# --------------------------------------------------------------------------------------- summaries
def transactions(orders: pd.DataFrame) -> pd.DataFrame:
    """Per customer and day: ``customer_id, day, value`` (sum of sales lines) and ``returns`` (bool:
    a return line that day). Cancelled lines and lines without a customer id are ignored."""
    check_orders(orders, who="clv")
    df = orders.loc[:, [c for c in ("customer_id", "order_date", "quantity", "unit_price", "cancelled")
                        if c in orders.columns]]
    ok = (df["customer_id"].notna() & df["order_date"].notna() & df["quantity"].notna()
          & df["unit_price"].notna())
    if "cancelled" in df.columns:
        ok &= ~df["cancelled"].fillna(False).astype(bool)
    sale = ok & (df["quantity"] > 0) & (df["unit_price"] > 0)
    ret = ok & (df["quantity"] < 0)
    df = df.loc[sale | ret]
    value = (df["quantity"] * df["unit_price"]).where(sale[sale | ret], 0.0)
    out = pd.DataFrame({"customer_id": df["customer_id"], "day": df["order_date"].dt.normalize(),
                        "value": value, "returns": ret[sale | ret], "sale": sale[sale | ret]})
    g = out.groupby(["customer_id", "day"], sort=True, observed=True)
    agg = g.agg(value=("value", "sum"), returns=("returns", "any"), sale=("sale", "any")).reset_index()
    return agg


def summary(orders: pd.DataFrame, calibration_end, holdout_end=None, time_unit: str = "week"
            ) -> tuple[pd.DataFrame, list[Note]]:
    """Per-customer ``frequency, recency, T, monetary_value, has_returns, first_purchase`` for the
    calibration period (and ``holdout_frequency``: repeat purchase days in (calibration_end,
    holdout_end]). See the module docstring for the definitions."""
    if time_unit not in UNIT_DAYS:
        raise DataError("err.clv.bad_time_unit", unit=time_unit)
    unit = UNIT_DAYS[time_unit]
    cal_end = _as_day(calibration_end, "calibration_end")
    hold_end = None if holdout_end is None else _as_day(holdout_end, "holdout_end")
    if hold_end is not None and hold_end <= cal_end:
        raise DataError("err.clv.bad_holdout", holdout=hold_end.date().isoformat(),
                        calibration=cal_end.date().isoformat())
    tx = transactions(orders)
    notes: list[Note] = []
    buys = tx.loc[tx["sale"]]
    cal = buys.loc[buys["day"] <= cal_end]
    if cal.empty:
        raise DataError("err.clv.no_calibration", date=cal_end.date().isoformat())
    first_ever = buys.groupby("customer_id", sort=False)["day"].min()
    n_late = int((first_ever > cal_end).sum())
    if n_late:
        notes.append(Note("clv.note.late_customers", {"customers": n_late}))
    g = cal.groupby("customer_id", sort=True)
    first = g["day"].min()
    last = g["day"].max()
    n_days = g.size()
    total = g["value"].sum()
    first_value = cal.loc[cal["day"].eq(cal["customer_id"].map(first)), ["customer_id", "value"]]
    first_value = first_value.groupby("customer_id")["value"].sum().reindex(first.index)
    x = (n_days - 1).astype("int64")
    repeat_value = (total - first_value).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(x.to_numpy() > 0, repeat_value / np.maximum(x.to_numpy(), 1), 0.0)
    cal_returns = tx.loc[(tx["day"] <= cal_end) & tx["returns"]].groupby("customer_id").size()
    out = pd.DataFrame({
        "customer_id": first.index.astype("str"),
        "frequency": x.to_numpy(),
        "recency": ((last - first).dt.days / unit).to_numpy(),
        "T": ((cal_end - first).dt.days / unit).to_numpy(),
        "monetary_value": m,
        "has_returns": first.index.isin(cal_returns.index),
        "first_purchase": first.to_numpy(),
    })
    if hold_end is not None:
        hold = buys.loc[(buys["day"] > cal_end) & (buys["day"] <= hold_end)]
        counts = hold.groupby("customer_id").size()
        out["holdout_frequency"] = counts.reindex(first.index, fill_value=0).to_numpy().astype("int64")
    return out, notes


# ------------------------------------------------------------------------------------ Gamma-Gamma
def gamma_gamma_log_likelihood(params, frequency, monetary_value) -> float:
    """Sum over customers (x > 0, m_x > 0) of the Gamma-Gamma log-likelihood of the average value:

    f(m_x | p, q, v, x) = G(p x + q) / (G(p x) G(q)) * v^q m_x^(p x - 1) x^(p x) / (v + m_x x)^(p x + q)
    """
    p, q, v = params
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    px = p * x
    ll = (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(v)
          + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(v + m * x))
    return float(np.sum(ll))


def fit_gamma_gamma(frequency, monetary_value) -> GammaGammaFit:
    """Maximum-likelihood Gamma-Gamma fit on repeat customers with positive average value."""
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    keep = (x > 0) & (m > 0) & np.isfinite(m)
    x, m = x[keep], m[keep]
    if x.size < MIN_CUSTOMERS:
        raise DataError("err.clv.too_few", need=MIN_CUSTOMERS, customers=int(x.size), repeat=int(x.size))
    scale = float(np.mean(m))  # fit v on a unit-free scale

    def nll(theta):
        p, q, v = np.exp(np.clip(theta, -30, 30))
        value = -gamma_gamma_log_likelihood((p, q, v), x, m / scale)
        return value if np.isfinite(value) else 1e300

    res = minimise(nll, np.zeros(3))
    p, q, v_s = np.exp(res.x)
    ll = -float(res.fun) - float(np.sum(np.log(scale) * np.ones_like(m)))
    return GammaGammaFit(float(p), float(q), float(v_s * scale), ll, int(x.size), bool(res.success))


def expected_average_value(fit: GammaGammaFit, frequency, monetary_value) -> np.ndarray:
    """E[M | p, q, v, x, m_x] = p (v + x m_x) / (p x + q - 1); the population mean when x = 0."""
    x = np.asarray(frequency, dtype=float)
    m = np.where(x > 0, np.asarray(monetary_value, dtype=float), 0.0)
    return fit.p * (fit.v + x * m) / (fit.p * x + fit.q - 1)


# --------------------------------------------------------------------------------------- pipeline
def _choose(orders, summ, cal_end, hold_end, time_unit: str):
    """The model comparison for ``model="auto"``: on the given holdout, or else on the last part of
    the calibration period (:func:`models.holdout_split`). Returns ``(choice, fit)`` where ``fit`` is
    the chosen model fitted on the whole calibration period."""
    if hold_end is not None:
        choice = models.compare(summ, cal_end, hold_end, time_unit)
        return choice, choice.fit
    split = models.holdout_split(summ["first_purchase"].min(), cal_end)
    if split is None:
        choice = models.compare(summ, cal_end, None, time_unit)
        return choice, choice.fit
    inner, _ = summary(orders, split[0], split[1], time_unit)
    choice = models.compare(inner, split[0], split[1], time_unit)
    start = [v for k, v in choice.fit.params().items() if k != "time_unit"]
    final = models.fit_model(choice.chosen, summ["frequency"], summ["recency"], summ["T"], time_unit,
                             start=start)
    return choice, final


def fit(orders: pd.DataFrame, calibration_end, holdout_end=None, time_unit: str = "week",
        horizon_days: int = 365, model: str = "bgnbd") -> ClvResult:
    """Fit a purchase model (``model``: ``bgnbd``, ``pareto``, ``mbg`` or ``auto``, see
    :mod:`.models`) and Gamma-Gamma on the orders up to ``calibration_end`` (inclusive), predict each
    calibration customer's purchases and spend over ``horizon_days`` after it, and (with
    ``holdout_end``) compare predicted with actual repeat purchases in the holdout period."""
    models.check_model(model)
    summ, notes = summary(orders, calibration_end, holdout_end, time_unit)
    unit = UNIT_DAYS[time_unit]
    cal_end = _as_day(calibration_end, "calibration_end")
    hold_end = None if holdout_end is None else _as_day(holdout_end, "holdout_end")
    selection = None
    if model == "auto":
        selection, pm = _choose(orders, summ, cal_end, hold_end, time_unit)
        notes.extend(selection.notes)
    else:
        pm = models.fit_model(model, summ["frequency"], summ["recency"], summ["T"], time_unit)
    if not pm.converged:
        notes.append(Note("clv.note.not_converged", {"model": pm.label}))
    x = summ["frequency"].to_numpy(dtype=float)
    m = summ["monetary_value"].to_numpy(dtype=float)
    usable = (x > 0) & (m > 0) & ~summ["has_returns"].to_numpy()
    excluded = int(((x > 0) & ~usable).sum())
    gg: GammaGammaFit | None
    try:
        gg = fit_gamma_gamma(x[usable], m[usable])
    except DataError:
        gg = None
        notes.append(Note("clv.note.gg_unavailable", {"customers": int(usable.sum())}))
    if excluded and gg is not None:
        notes.append(Note("clv.note.gg_excluded", {"customers": excluded}))
    if gg is not None and not gg.converged:
        notes.append(Note("clv.note.not_converged", {"model": "Gamma-Gamma"}))
    out = summ.copy()
    t_x, T = out["recency"].to_numpy(dtype=float), out["T"].to_numpy(dtype=float)
    alive = pm.p_alive(x, t_x, T)
    out["p_alive"] = alive
    out["churn_risk"] = 1.0 - alive
    out["predicted_purchases"] = alive * pm.expected_if_alive(horizon_days / unit, x, T)
    if gg is not None and np.isfinite(gg.mean_value()):
        avg = np.where(usable, expected_average_value(gg, x, m), gg.mean_value())
    else:
        fallback = float(np.mean(m[usable])) if usable.any() else 0.0
        avg = np.where(usable, m, fallback)
    out["predicted_avg_value"] = np.round(avg, 2)
    out["predicted_spend"] = np.round(out["predicted_purchases"] * avg, 2)
    wait = models.next_order_days(pm, x, T, unit)
    out["next_order_days"] = np.round(wait, 1)
    days = np.where(wait <= NEXT_ORDER_CAP_DAYS, np.ceil(wait), np.nan)
    out["expected_next_order"] = cal_end + pd.to_timedelta(days, unit="D")
    holdout = None
    if hold_end is not None:
        t = (hold_end - cal_end).days / unit
        out["predicted_holdout"] = alive * pm.expected_if_alive(t, x, T)
        holdout = {"customers": int(len(out)),
                   "predicted_repeat_purchases": round(float(out["predicted_holdout"].sum()), 2),
                   "actual_repeat_purchases": int(out["holdout_frequency"].sum())}
    return ClvResult(pm, gg, out, cal_end, hold_end, int(horizon_days), holdout, tuple(notes), selection)


PREDICTION_COLUMNS = ("churn_risk", "expected_next_order", "predicted_spend")


def with_predictions(rfm_customers: pd.DataFrame, clv_customers: pd.DataFrame) -> pd.DataFrame:
    """The RFM customer list with each customer's ``churn_risk``, ``expected_next_order`` and
    ``predicted_spend`` from a :class:`ClvResult` (customers outside the fit get NaN / NaT), for the
    segment lists and their workbook. The rows and their order are the RFM list's."""
    pred = clv_customers.loc[:, ["customer_id", *PREDICTION_COLUMNS]]
    return rfm_customers.drop(columns=[c for c in PREDICTION_COLUMNS if c in rfm_customers.columns]).merge(
        pred, on="customer_id", how="left", validate="one_to_one")


def value_by_segment(clv_customers: pd.DataFrame, rfm_customers: pd.DataFrame) -> pd.DataFrame:
    """Historical and predicted value per RFM segment: ``segment, customers, historical,
    predicted_spend, predicted_per_customer, p_alive`` (mean), segments in rule order. Customers of
    the RFM table missing from the fit count with zero predicted spend."""
    merged = rfm_customers.loc[:, ["customer_id", "segment", "monetary"]].merge(
        clv_customers.loc[:, ["customer_id", "predicted_spend", "p_alive"]], on="customer_id", how="left")
    merged["predicted_spend"] = merged["predicted_spend"].fillna(0.0)
    out = merged.groupby("segment", observed=False).agg(
        customers=("customer_id", "size"), historical=("monetary", "sum"),
        predicted_spend=("predicted_spend", "sum"), p_alive=("p_alive", "mean")).reset_index()
    out["segment"] = out["segment"].astype("str")
    out["predicted_per_customer"] = np.where(out["customers"] > 0,
                                             out["predicted_spend"] / out["customers"].clip(lower=1), 0.0)
    return out.loc[:, ["segment", "customers", "historical", "predicted_spend", "predicted_per_customer",
                       "p_alive"]]
