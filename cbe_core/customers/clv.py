"""Customer lifetime value: BG/NBD purchase counts with Gamma-Gamma spend, fitted by maximum likelihood.

Models and equations:
- BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way: An Alternative to the
  Pareto/NBD Model", Marketing Science 24(2)): log-likelihood eq. 6, conditional expectation of the
  number of purchases in the next ``t`` periods eq. 10, probability alive from the same paper's
  appendix (also in Fader & Hardie's note "Computing P(alive) using the BG/NBD model", 2008).
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
from scipy import optimize, special

from ..errors import DataError
from .rfm import Note, _as_day, check_orders

UNIT_DAYS = {"day": 1.0, "week": 7.0}
MIN_CUSTOMERS = 10


@dataclass(frozen=True)
class BgNbdFit:
    r: float
    alpha: float
    a: float
    b: float
    time_unit: str
    log_likelihood: float
    customers: int
    converged: bool

    def params(self) -> dict:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b, "time_unit": self.time_unit}


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
    """``customers``: one row per calibration customer with ``customer_id, frequency, recency, T,
    monetary_value, has_returns, p_alive, predicted_purchases, predicted_avg_value, predicted_spend``
    (the last three over ``horizon_days`` after ``calibration_end``) and, with a holdout,
    ``holdout_frequency`` and ``predicted_holdout``. ``holdout``: None or ``{"customers",
    "predicted_repeat_purchases", "actual_repeat_purchases"}`` summed over the calibration customers."""

    bgnbd: BgNbdFit
    gamma_gamma: GammaGammaFit | None
    customers: pd.DataFrame
    calibration_end: pd.Timestamp
    holdout_end: pd.Timestamp | None
    horizon_days: int
    holdout: dict | None
    notes: tuple[Note, ...]


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


# ----------------------------------------------------------------------------------------- BG/NBD
def bgnbd_log_likelihood(params, x, t_x, T, weights=None) -> float:
    """Sum of the BG/NBD log-likelihood (FHL 2005 eq. 6) for ``params = (r, alpha, a, b)``:

    L = B(a, b+x)/B(a, b) * G(r+x) a^r / (G(r) (alpha+T)^(r+x))
        + [x > 0] B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))
    """
    r, alpha, a, b = params
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    T = np.asarray(T, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * np.log(alpha + T)
    with np.errstate(invalid="ignore", divide="ignore"):
        a3 = np.where(x > 0, special.betaln(a + 1, np.maximum(b + x - 1, 1e-300)) - special.betaln(a, b)
                      - (r + x) * np.log(alpha + t_x), -np.inf)
    return float(np.sum(w * (a1 + np.logaddexp(a2, a3))))


def _aggregate(*cols: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    frame = pd.DataFrame({f"c{i}": np.round(c, 9) for i, c in enumerate(cols)})
    g = frame.groupby(list(frame.columns), sort=False).size().reset_index()
    return [g[f"c{i}"].to_numpy(dtype=float) for i in range(len(cols))], g[0].to_numpy(dtype=float)


def _minimise(nll, x0: np.ndarray):
    best = None
    for method in ("L-BFGS-B", "Nelder-Mead"):
        res = optimize.minimize(nll, x0 if best is None else best.x, method=method,
                                options={"maxiter": 5000} if method == "Nelder-Mead" else {"maxiter": 2000})
        if best is None or (np.isfinite(res.fun) and res.fun <= best.fun):
            best = res
        if res.success:
            break
    return best


def fit_bgnbd(frequency, recency, T, time_unit: str = "week") -> BgNbdFit:
    """Maximum-likelihood BG/NBD fit (eq. 6) on per-customer ``x, t_x, T`` arrays."""
    x = np.asarray(frequency, dtype=float)
    n, repeat = int(x.size), int((x > 0).sum())
    if n < MIN_CUSTOMERS or repeat == 0:
        raise DataError("err.clv.too_few", need=MIN_CUSTOMERS, customers=n, repeat=repeat)
    (xa, ta, Ta), w = _aggregate(x, np.asarray(recency, dtype=float), np.asarray(T, dtype=float))
    scale = float(np.mean(Ta)) or 1.0  # fit alpha on a data-free scale, then convert back

    def nll(theta):
        p = np.exp(np.clip(theta, -30, 30))
        value = -bgnbd_log_likelihood((p[0], p[1], p[2], p[3]), xa, ta / scale, Ta / scale, w)
        return value if np.isfinite(value) else 1e300

    res = _minimise(nll, np.zeros(4))
    r, alpha_s, a, b = np.exp(res.x)
    ll = -float(res.fun) - float(np.sum(w * (xa * np.log(scale))))  # change of time scale
    return BgNbdFit(float(r), float(alpha_s * scale), float(a), float(b), time_unit, ll, n, bool(res.success))


def expected_purchases(fit: BgNbdFit, t, frequency, recency, T) -> np.ndarray:
    """Expected purchases in the next ``t`` periods given ``x, t_x, T`` (FHL 2005 eq. 10)."""
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    x = np.asarray(frequency, dtype=float)
    t_x = np.asarray(recency, dtype=float)
    T = np.asarray(T, dtype=float)
    t = float(t)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    first = (a + b + x - 1) / (a - 1)
    second = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp
    with np.errstate(divide="ignore", invalid="ignore"):
        third = 1 + np.where(x > 0,
                             a / np.maximum(b + x - 1, 1e-300) * ((alpha + T) / (alpha + t_x)) ** (r + x),
                             0.0)
    return first * second / third


def probability_alive(fit: BgNbdFit, frequency, recency, T) -> np.ndarray:
    """P(alive | x, t_x, T) = 1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))."""
    x = np.asarray(frequency, dtype=float)
    ratio = ((fit.alpha + np.asarray(T, dtype=float))
             / (fit.alpha + np.asarray(recency, dtype=float))) ** (fit.r + x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1.0 / (1.0 + np.where(x > 0, fit.a / np.maximum(fit.b + x - 1, 1e-300) * ratio, 0.0))


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

    res = _minimise(nll, np.zeros(3))
    p, q, v_s = np.exp(res.x)
    ll = -float(res.fun) - float(np.sum(np.log(scale) * np.ones_like(m)))
    return GammaGammaFit(float(p), float(q), float(v_s * scale), ll, int(x.size), bool(res.success))


def expected_average_value(fit: GammaGammaFit, frequency, monetary_value) -> np.ndarray:
    """E[M | p, q, v, x, m_x] = p (v + x m_x) / (p x + q - 1); the population mean when x = 0."""
    x = np.asarray(frequency, dtype=float)
    m = np.where(x > 0, np.asarray(monetary_value, dtype=float), 0.0)
    return fit.p * (fit.v + x * m) / (fit.p * x + fit.q - 1)


# --------------------------------------------------------------------------------------- pipeline
def fit(orders: pd.DataFrame, calibration_end, holdout_end=None, time_unit: str = "week",
        horizon_days: int = 365) -> ClvResult:
    """Fit BG/NBD and Gamma-Gamma on the orders up to ``calibration_end`` (inclusive), predict each
    calibration customer's purchases and spend over ``horizon_days`` after it, and (with
    ``holdout_end``) compare predicted with actual repeat purchases in the holdout period."""
    summ, notes = summary(orders, calibration_end, holdout_end, time_unit)
    unit = UNIT_DAYS[time_unit]
    bg = fit_bgnbd(summ["frequency"], summ["recency"], summ["T"], time_unit)
    if not bg.converged:
        notes.append(Note("clv.note.not_converged", {"model": "BG/NBD"}))
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
    out["p_alive"] = probability_alive(bg, x, out["recency"], out["T"])
    out["predicted_purchases"] = expected_purchases(bg, horizon_days / unit, x, out["recency"], out["T"])
    if gg is not None and np.isfinite(gg.mean_value()):
        avg = np.where(usable, expected_average_value(gg, x, m), gg.mean_value())
    else:
        fallback = float(np.mean(m[usable])) if usable.any() else 0.0
        avg = np.where(usable, m, fallback)
    out["predicted_avg_value"] = np.round(avg, 2)
    out["predicted_spend"] = np.round(out["predicted_purchases"] * avg, 2)
    holdout = None
    hold_end = None
    if holdout_end is not None:
        cal_end = _as_day(calibration_end, "calibration_end")
        hold_end = _as_day(holdout_end, "holdout_end")
        t = (hold_end - cal_end).days / unit
        out["predicted_holdout"] = expected_purchases(bg, t, x, out["recency"], out["T"])
        holdout = {"customers": int(len(out)),
                   "predicted_repeat_purchases": round(float(out["predicted_holdout"].sum()), 2),
                   "actual_repeat_purchases": int(out["holdout_frequency"].sum())}
    return ClvResult(bg, gg, out, _as_day(calibration_end, "calibration_end"), hold_end, int(horizon_days),
                     holdout, tuple(notes))


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
