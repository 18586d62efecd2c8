"""Constants and the numeric helper that the logistics modules share (imports none of them).

Money is in USD, weights in kg, sizes in cm, times in days (the unit the rate card quotes: most Chinese
cards quote working days).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

Z90 = float(stats.norm.ppf(0.9))  # 1.2816
DAYS_PER_MONTH = 365.25 / 12
CM3_PER_CBM = 1_000_000.0
MIN_HISTORY = 30
PARCEL_MODES = ("postal", "dedicated_line", "express")
STOCK_MODES = ("overseas_warehouse", "fba")
COST_COLUMNS = (
    "shipping",
    "first_leg",
    "storage",
    "holding",
    "pick_pack",
    "last_mile",
    "fulfilment",
    "duty",
    "loss_cost",
    "late_cost",
)


def _nz(x, default=0.0):
    a = np.asarray(x, dtype=float)
    return np.where(np.isfinite(a), a, default)
