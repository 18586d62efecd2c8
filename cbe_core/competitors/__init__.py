"""Competitors: own products against their competitor sets, where we lead, where we lag, what to do.

Decides, from competitor snapshots and (optionally) reviews: the competitor sets and the latest
comparison, weekly share and the change over a window (:mod:`.snapshots`), the lead/par/lag grade,
severity and suggested move per own product and dimension (:mod:`.gaps`), and which phrases separate
praise from complaints and what competitors are praised for (:mod:`.reviews`). :func:`analyze`
(:mod:`.analysis`) runs all of it and returns a :class:`CompetitorResult`.

Never parses a file (``cbe_core.ingest`` does), never imports streamlit and never formats for the
screen: results are frames with documented columns; the only text is catalog sentences
(:func:`describe`, :func:`describe_movers`).
"""

from .analysis import CompetitorResult, analyze, export_sheets, export_workbook
from .gaps import DIMENSIONS, GAP_COLUMNS, GAP_RULES, describe, gap_analysis, headline
from .reviews import ReviewResult, mine
from .snapshots import (
    CHANGE_COLUMNS,
    COMPARISON_COLUMNS,
    TREND_COLUMNS,
    biggest_movers,
    changes_over_time,
    check_competitors,
    compare_latest,
    competitor_sets,
    describe_movers,
    promo_depth,
    share_trend,
)

__all__ = [
    "CHANGE_COLUMNS", "COMPARISON_COLUMNS", "DIMENSIONS", "GAP_COLUMNS", "GAP_RULES", "TREND_COLUMNS",
    "CompetitorResult", "ReviewResult", "analyze", "biggest_movers", "changes_over_time", "check_competitors",
    "compare_latest", "competitor_sets", "describe", "describe_movers", "export_sheets", "export_workbook",
    "gap_analysis", "headline", "mine", "promo_depth", "share_trend",
]
