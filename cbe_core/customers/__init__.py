"""Customers: who to reward, who to win back, what each customer is likely worth, and how each
acquisition cohort holds up.

Decides, from the orders table: recency / frequency / monetary scores, named segments, clusters and
the movement between segments (:mod:`.rfm`); the purchase models (:mod:`.pareto` Pareto/NBD,
:mod:`.mbg` MBG/NBD, :mod:`.bgnbd` BG/NBD), the choice between them on a held-out period
(:mod:`.models`) and the predicted purchases, probability alive, churn risk, next order and spend per
customer with Gamma-Gamma (:mod:`.clv`); cohorts by first-order period with retention, value curves,
projections of young cohorts and acquisition cost (:mod:`.cohorts`). Callers use the modules
(``from cbe_core.customers import rfm, clv, cohorts``); the main entry points are re-exported here.

Never parses a file (``cbe_core.ingest`` does), never imports streamlit and never formats for the
screen: results are frozen dataclasses and frames with stable column names (the segment lists and
cohort tables go to Excel through ``cbe_core.export``).
"""

from . import bgnbd, clv, cohorts, mbg, models, pareto, rfm
from .clv import ClvResult
from .cohorts import CohortResult
from .rfm import RfmResult, analyse

__all__ = ["ClvResult", "CohortResult", "RfmResult", "analyse", "bgnbd", "clv", "cohorts", "mbg", "models",
           "pareto", "rfm"]
