"""Small helpers shared by the diagnostics modules (no imports from the package: the bottom layer)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


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


def _in(frame: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    d = frame["date"]
    return frame.loc[(d >= start) & (d <= end)]


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not np.isfinite(a) or not np.isfinite(b) or b == 0:
        return None
    return float(a) / float(b)
