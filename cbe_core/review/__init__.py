"""Weekly review: since the last review, what moved and what to act on (定期的数据复盘).

Puts together, for one ISO week and the period since the last review mark, the results of the
decision packages: KPIs against the previous week and last year and the findings
(:mod:`cbe_core.diagnostics`), competitor moves (:mod:`cbe_core.competitors`), customers who changed
segment (:mod:`cbe_core.customers.rfm`), stock at risk (a hook for the restock planner). :mod:`.weekly`
builds the :class:`Review`; :mod:`.html` writes it as a self-contained bilingual page with inline SVG
charts; :func:`review_sheets` gives the workbook's sheets (written by :mod:`cbe_core.export`).

Never recomputes a KPI, finding or segment itself, never parses a file, never imports streamlit; review
marks are stored by :mod:`cbe_core.workspace`.
"""

from .weekly import (
    HEADLINE_KPIS,
    FindingChange,
    Review,
    default_week_end,
    finding_from_record,
    finding_record,
    parse_week,
    review_of,
    stock_at_risk,
    week_name,
    weekly_review,
)

__all__ = [
    "HEADLINE_KPIS", "FindingChange", "Review", "default_week_end", "finding_from_record", "finding_record",
    "parse_week", "review_of", "stock_at_risk", "week_name", "weekly_review",
]
