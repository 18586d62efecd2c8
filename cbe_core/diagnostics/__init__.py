"""Store diagnostics: what is wrong with the store, why, and what to do about it.

Decides, from the canonical tables (orders required; traffic, ads, products optional): the KPIs of a
period (:mod:`.kpi`) on a prepared store (:mod:`.store`), how they compare with the previous period,
last year and benchmarks (:mod:`.comparison`), the tables per SKU, source and campaign
(:mod:`.breakdown`), what moved revenue (:mod:`.decomposition`, LMDI), abnormal swings
(:mod:`.anomaly`) and the ranked findings with actions (:mod:`.findings`); :func:`run_all`
(:mod:`.diagnosis`) does all of it for one period. :mod:`.abtest` reads an A/B test from counts
(import it as ``from cbe_core.diagnostics import abtest``).

Never: parse a file (``cbe_core.ingest`` does), import streamlit, or format for the screen (results carry
numbers and catalog keys; pages, the CLI and exports turn them into text).
"""

from .anomaly import SENSITIVITY, SWING_METRICS, anomalies, daily, detect_anomalies, robust_z, swing_z
from .breakdown import by_campaign, by_sku, by_source
from .comparison import benchmark_for, compare, last_year_range, load_benchmarks, previous_range
from .decomposition import Decomposition, decompose, lmdi, log_mean, waterfall
from .diagnosis import COMPARISONS, Diagnosis, export_frames, run_all
from .findings import RULES, SEVERITIES, Finding, rank
from .kpi import HIGHER_IS_BETTER, KPI_ORDER, MONEY_KPIS, RATIO_KPIS, Kpis, kpis, kpis_for, kpis_json
from .store import SLICE_DIMS, Store, prepare, slice_values

__all__ = [
    "COMPARISONS", "HIGHER_IS_BETTER", "KPI_ORDER", "RATIO_KPIS", "RULES", "SENSITIVITY", "SEVERITIES",
    "SLICE_DIMS", "SWING_METRICS", "MONEY_KPIS",
    "Decomposition", "Diagnosis", "Finding", "Kpis", "Store",
    "anomalies", "benchmark_for", "by_campaign", "by_source", "by_sku", "compare", "daily", "decompose",
    "detect_anomalies", "export_frames", "kpis", "kpis_for", "kpis_json", "last_year_range", "lmdi",
    "load_benchmarks", "log_mean", "prepare", "previous_range", "robust_z", "run_all", "slice_values",
    "swing_z", "waterfall",
    "rank",
]
