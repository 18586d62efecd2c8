"""Whole-cent arithmetic shared by the profit modules (imports none of them): money is summed per
cell in float, rounded once to integer cents, and every spread is allocated with the largest-remainder
method, so parts add up to totals exactly."""

from __future__ import annotations

import numpy as np


def to_cents(x) -> np.ndarray:
    """Round money to whole cents (int64), half away from zero."""
    a = np.asarray(x, dtype=float)
    return (np.sign(a) * np.floor(np.abs(a) * 100 + 0.5 + 1e-9)).astype(np.int64)


def allocate(total: np.ndarray, group: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Split each group's ``total`` (int cents, one per group) over its items in proportion to
    ``weight`` (equal shares when a group's weights are all zero), in whole cents that add up to the
    total exactly (largest remainder; ties go to the earlier item)."""
    total = np.asarray(total, dtype=np.int64)
    group = np.asarray(group, dtype=np.int64)
    w = np.maximum(np.asarray(weight, dtype=float), 0.0)
    n_groups = len(total)
    if len(group) == 0:
        return np.zeros(0, dtype=np.int64)
    wsum = np.bincount(group, weights=w, minlength=n_groups)
    count = np.bincount(group, minlength=n_groups).astype(float)
    share = np.where(
        wsum[group] > 0, w / np.where(wsum[group] > 0, wsum[group], 1.0), 1.0 / np.maximum(count[group], 1.0)
    )
    sign = np.sign(total)[group]
    raw = np.abs(total)[group] * share
    base = np.floor(raw + 1e-9)
    rem = raw - base
    deficit = np.abs(total) - np.bincount(group, weights=base, minlength=n_groups).round().astype(np.int64)
    order = np.lexsort((np.arange(len(group)), -rem, group))
    g_sorted = group[order]
    starts = np.searchsorted(g_sorted, np.arange(n_groups))
    rank = np.arange(len(group)) - starts[g_sorted]
    extra = np.zeros(len(group), dtype=np.int64)
    extra[order] = (rank < deficit[g_sorted]).astype(np.int64)
    return (sign * (base.astype(np.int64) + extra)).astype(np.int64)
