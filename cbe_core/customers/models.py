"""Which purchase model to trust for a store: fit the candidates on a calibration period and keep the
one that predicted the held-out period best.

Candidates: Pareto/NBD (:mod:`.pareto`), MBG/NBD (:mod:`.mbg`) and BG/NBD (:mod:`.bgnbd`). ``auto``
chooses only between the models in which a customer can leave without buying again
(:data:`AUTO_CANDIDATES`: Pareto/NBD and MBG/NBD). BG/NBD is fitted and shown for comparison but never
chosen automatically: it gives every one-time buyer P(alive) = 1, which inflates "active customers"
and empties the win-back lists of exactly the customers most likely gone; the seller can still pick
it by name.

Holdout error. Each model is fitted on the customers' purchases up to the calibration end and predicts
each customer's repeat purchases (purchase days) from then to the holdout end. The error is the
root-mean-square error per customer (RMSE) between predicted and actual counts: the models predict
each customer's *expected* count, and the mean squared error is the loss an expectation minimises
(the mean absolute error would favour predicting zero for everybody). The total predicted against the
total actual is reported too. The model with the lowest RMSE wins; without enough history for a
holdout (:func:`holdout_split`), the one with the higher calibration log-likelihood wins (all three
have four parameters, so this is the AIC comparison).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataError
from . import bgnbd, mbg, pareto
from ._fitting import UNIT_DAYS
from .rfm import Note

FITTERS = {"pareto": pareto.fit, "mbg": mbg.fit, "bgnbd": bgnbd.fit}
LABELS = {"pareto": "Pareto/NBD", "mbg": "MBG/NBD", "bgnbd": "BG/NBD"}
MODEL_NAMES = tuple(FITTERS)
AUTO_CANDIDATES = ("pareto", "mbg")
# holdout: the last quarter of the history, at most 26 weeks; none below 4 weeks
HOLDOUT_SHARE, HOLDOUT_MAX_DAYS, HOLDOUT_MIN_DAYS = 0.25, 182, 28
TABLE_COLUMNS = ("model", "log_likelihood", "predicted", "actual", "total_error", "rmse", "eligible",
                 "chosen", "converged")


@dataclass(frozen=True)
class ModelChoice:
    """``table``: one row per model fitted, columns :data:`TABLE_COLUMNS` (``predicted``/``actual``:
    repeat purchases summed over the calibration customers in the holdout; ``total_error`` =
    predicted / actual - 1; ``rmse`` per customer; ``eligible``: may be chosen automatically). ``fits``:
    the calibration fits by name. ``reason``: why the chosen model won, for the seller."""

    chosen: str
    table: pd.DataFrame
    fits: dict
    calibration_end: pd.Timestamp
    holdout_end: pd.Timestamp | None
    customers: int
    reason: Note
    notes: tuple[Note, ...] = field(default_factory=tuple)

    @property
    def fit(self):
        return self.fits[self.chosen]

    def row(self, name: str) -> dict:
        return self.table.set_index("model").loc[name].to_dict()


def check_model(name: str) -> str:
    if name not in (*MODEL_NAMES, "auto"):
        raise DataError("err.clv.bad_model", model=name, models=", ".join((*MODEL_NAMES, "auto")))
    return name


def fit_model(name: str, frequency, recency, T, time_unit: str = "week", start=None):
    """Fit the named purchase model (``pareto``, ``mbg`` or ``bgnbd``)."""
    return FITTERS[check_model(name)](frequency, recency, T, time_unit, start=start)


def holdout_split(first_day, last_day) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """``(calibration_end, holdout_end)`` for a model check inside ``first_day .. last_day``: the last
    quarter of the history, at most 26 weeks; None when that is shorter than 4 weeks."""
    first, last = pd.Timestamp(first_day).normalize(), pd.Timestamp(last_day).normalize()
    days = int(min(HOLDOUT_MAX_DAYS, ((last - first).days + 1) * HOLDOUT_SHARE))
    if days < HOLDOUT_MIN_DAYS:
        return None
    return last - pd.Timedelta(days=days), last


def compare(summary: pd.DataFrame, calibration_end, holdout_end=None, time_unit: str = "week",
            candidates=MODEL_NAMES, eligible=AUTO_CANDIDATES) -> ModelChoice:
    """Fit each candidate on a calibration summary (:func:`cbe_core.customers.clv.summary`, with
    ``holdout_frequency`` when ``holdout_end`` is given) and choose among ``eligible`` (see the
    module docstring). A model that cannot be fitted is left out with a note."""
    cal_end = pd.Timestamp(calibration_end).normalize()
    hold_end = None if holdout_end is None else pd.Timestamp(holdout_end).normalize()
    x = summary["frequency"].to_numpy(dtype=float)
    t_x = summary["recency"].to_numpy(dtype=float)
    T = summary["T"].to_numpy(dtype=float)
    fits, rows, notes = {}, [], []
    t_hold = None if hold_end is None else (hold_end - cal_end).days / UNIT_DAYS[time_unit]
    actual = None if hold_end is None else summary["holdout_frequency"].to_numpy(dtype=float)
    for name in candidates:
        try:
            f = fit_model(name, x, t_x, T, time_unit)
        except DataError:
            notes.append(Note("clv.note.model_failed", {"model": LABELS[name]}))
            continue
        if not np.isfinite(f.log_likelihood):
            notes.append(Note("clv.note.model_failed", {"model": LABELS[name]}))
            continue
        fits[name] = f
        row = {"model": name, "log_likelihood": f.log_likelihood, "predicted": np.nan, "actual": np.nan,
               "total_error": np.nan, "rmse": np.nan, "eligible": name in eligible, "chosen": False,
               "converged": f.converged}
        if t_hold is not None:
            pred = f.expected(t_hold, x, t_x, T)
            row.update(predicted=float(pred.sum()), actual=float(actual.sum()),
                       rmse=float(np.sqrt(np.mean((pred - actual) ** 2))))
            row["total_error"] = row["predicted"] / row["actual"] - 1 if row["actual"] > 0 else np.nan
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    if table.empty:
        raise DataError("err.clv.no_model")
    pool = table.loc[table["eligible"]]
    if pool.empty:
        pool = table
        notes.append(Note("clv.note.no_eligible", {"model": LABELS[str(table["model"].iloc[0])]}))
    by_holdout = t_hold is not None and pool["rmse"].notna().all()
    best = pool.loc[pool["rmse"].idxmin()] if by_holdout else pool.loc[pool["log_likelihood"].idxmax()]
    chosen = str(best["model"])
    table.loc[table["model"] == chosen, "chosen"] = True
    reason = _reason(table, chosen, by_holdout, time_unit)
    rest = table.loc[~table["eligible"]]
    if by_holdout and len(rest) and (rest["rmse"] < best["rmse"]).any():
        notes.append(Note("clv.note.bgnbd_better", {"model": LABELS[chosen]}))
    return ModelChoice(chosen, table, fits, cal_end, hold_end, int(len(summary)), reason, tuple(notes))


def _reason(table: pd.DataFrame, chosen: str, by_holdout: bool, time_unit: str) -> Note:
    best = table.set_index("model").loc[chosen]
    others = table.loc[table["eligible"] & (table["model"] != chosen)]
    other = others.iloc[0] if len(others) else None
    if not by_holdout:
        return Note("clv.choice.by_fit", {"model": LABELS[chosen]})
    params = {"model": LABELS[chosen], "rmse": f"{best['rmse']:.3f}",
              "predicted": f"{best['predicted']:,.0f}", "actual": f"{best['actual']:,.0f}"}
    if other is None:
        return Note("clv.choice.only", params)
    return Note("clv.choice.by_holdout", {**params, "other": LABELS[str(other["model"])],
                                          "other_rmse": f"{other['rmse']:.3f}",
                                          "other_predicted": f"{other['predicted']:,.0f}"})


def next_order_days(fit, frequency, T, unit_days: float) -> np.ndarray:
    """Median days from the end of the data to the next order of a customer *still active*: with the
    purchase rate ``lambda ~ Gamma(R, A)`` (R = r+x, A = alpha+T, as in all three models) the time to
    the next purchase is exponential given lambda, so P(no purchase by t) = (A / (A + t))^R and the
    median is ``A (2^(1/R) - 1)`` periods."""
    R, A = fit.rate_posterior(frequency, T)
    return A * np.expm1(np.log(2.0) / R) * unit_days
