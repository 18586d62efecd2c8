"""Profit: what each product really earns, from gross sales to net profit, per SKU, channel and store.

Owns the profit waterfall (:mod:`.waterfall`: gross sales -> discounts -> refunds -> platform fees ->
shipping -> landed cost of goods -> advertising -> other costs -> net profit, in whole cents, every
figure with its source), the cited marketplace fee table used for estimates (:mod:`.fees`), the
profit findings for the ranked list (:mod:`.findings`) and the workbook sheets (:mod:`.report`).

Never parses a file (``cbe_core.ingest`` does), never converts currencies (frames arrive in one
currency), never imports streamlit and never formats for the screen.
"""

from .fees import channel_key, check_fee_table, default_fee_table
from .findings import PROFIT_RULES, profit_findings
from .report import export_frames
from .waterfall import (
    COMPONENTS,
    FEE_PARTS,
    LANDED,
    REFUNDS_BY,
    SOURCES,
    ProfitResult,
    landed_costs,
    profit,
    transaction_kind,
)

__all__ = [
    "COMPONENTS",
    "FEE_PARTS",
    "LANDED",
    "PROFIT_RULES",
    "REFUNDS_BY",
    "SOURCES",
    "ProfitResult",
    "channel_key",
    "check_fee_table",
    "default_fee_table",
    "export_frames",
    "landed_costs",
    "profit",
    "profit_findings",
    "transaction_kind",
]
