"""The current period against the previous period, the same dates last year and benchmarks."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from ._common import _py, _ratio
from .kpi import HIGHER_IS_BETTER, KPI_ORDER, Kpis

BENCHMARKS_PATH = Path(__file__).parents[1] / "data" / "benchmarks.csv"


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
            "vs_benchmark": _ratio(None if val is None or not b else val - b["value"],
                                   b["value"] if b else None),
            "higher_is_better": HIGHER_IS_BETTER.get(k),
            "reason": current.reasons.get(k),
        })
    out = pd.DataFrame(rows)
    for c in ("value", "previous", "change_pct", "last_year", "yoy_pct", "benchmark", "vs_benchmark"):
        out[c] = out[c].astype("float64")
    return out
