"""Sample: the deterministic sample store, an imaginary cross-border seller (also used by benchmarks).

Owns the bundled store's story: the catalogue, rates, fees and planted situations (:mod:`.catalog`),
the store's own tables and the CSV files (:mod:`.store`; ``python -m cbe_core.sample [DIR]`` rewrites
``sample_data/``), the competitor snapshots and reviews (:mod:`.competitors`) and the rate cards and
shipments (:mod:`.logistics`). The same seed always gives the same frames and the same bytes.

Never parses a seller's file, never imports streamlit, never decides anything for the seller: it
only makes canonical frames (``cbe_core.schema``) for the decision packages and the tests.
"""

from .catalog import (
    CAMPAIGNS,
    CANCEL_RATE,
    CATEGORIES,
    CHANNELS,
    D1_SKU,
    D2_SKU,
    D3_ACOS_TO_MARGIN,
    D3_CAMPAIGN,
    D4_END,
    D4_FACTOR,
    D4_START,
    D5_SOURCE,
    D6_BOUNCE,
    D6_SKU,
    D7_CAMPAIGN,
    D7_DATE,
    D7_FACTOR,
    R1_CUSTOMERS,
    R2_CUSTOMERS,
    REPEAT_CUSTOMERS,
    RETURN_RATE,
    SOURCE_CHANNEL,
    SOURCES,
    STORE_END,
    STORE_START,
    margin_before_ads,
    products_frame,
)
from .store import generate_orders, generate_store, main, write_sample

__all__ = [
    "CAMPAIGNS", "CANCEL_RATE", "CATEGORIES", "CHANNELS", "D1_SKU", "D2_SKU", "D3_ACOS_TO_MARGIN",
    "D3_CAMPAIGN", "D4_END", "D4_FACTOR", "D4_START", "D5_SOURCE", "D6_BOUNCE", "D6_SKU", "D7_CAMPAIGN",
    "D7_DATE", "D7_FACTOR", "R1_CUSTOMERS", "R2_CUSTOMERS", "REPEAT_CUSTOMERS", "RETURN_RATE",
    "SOURCE_CHANNEL", "SOURCES", "STORE_END", "STORE_START", "generate_orders", "generate_store", "main",
    "margin_before_ads", "products_frame", "write_sample",
]
