"""Customers: who to reward, who to win back, and what each customer is likely worth.

Decides, from the orders table: recency / frequency / monetary scores, named segments, clusters and
the movement between segments (:mod:`.rfm`), and the predicted purchases, probability alive and
spend per customer from BG/NBD + Gamma-Gamma fits (:mod:`.clv`). Callers use the modules
(``from cbe_core.customers import rfm, clv``); the main entry points are re-exported here.

Never parses a file (``cbe_core.ingest`` does), never imports streamlit and never formats for the
screen: results are frozen dataclasses and frames with stable column names (the segment lists go to
Excel through ``cbe_core.export``).
"""

from . import clv, rfm
from .clv import ClvResult
from .rfm import RfmResult, analyse

__all__ = ["ClvResult", "RfmResult", "analyse", "clv", "rfm"]
