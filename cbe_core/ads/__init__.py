"""Ads: which search terms to scale, which to stop paying for, and what the listing misses.

Decides, from Amazon Sponsored Products search term reports (the canonical ``search_terms`` table),
with the products (prices, costs, listing text), orders (fees) and ads (the SKUs of each campaign) when
given: figures per term and any grouping over any period (:mod:`.metrics`), break-even and target ACoS
per SKU (:mod:`.breakeven`), harvest / negate / bid decisions (:mod:`.decide`, statistics in
:mod:`.stats`), listing coverage (:mod:`.listing`) and the Amazon bulk operations file and the
decisions workbook (:mod:`.bulk`).

Never parses a file (``cbe_core.ingest`` does), never converts money (frames arrive in one currency),
never imports streamlit and never formats for the screen: results are frozen dataclasses and frames
with stable column names; :mod:`.explain` turns decisions into sentences in the seller's language.
"""

from . import breakeven, bulk, decide, explain, listing, metrics, stats
from .decide import DECISIONS, AdsResult, Settings, analyse
from .listing import ListingCoverage
from .metrics import summarise

__all__ = ["DECISIONS", "AdsResult", "ListingCoverage", "Settings", "analyse", "breakeven", "bulk", "decide",
           "explain", "listing", "metrics", "stats", "summarise"]
