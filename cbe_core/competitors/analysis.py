"""The whole competitor comparison in one call (:func:`analyze`) and its Excel export.

Input: competitor snapshots (``cbe_core.schema.COMPETITORS``: one row per listing and date, own listings
flagged ``is_own``) and, optionally, reviews (``schema.REVIEWS``). :func:`analyze` returns a
:class:`CompetitorResult`; the definitions are in :mod:`.snapshots` (comparison, change over time),
:mod:`.gaps` (gap analysis) and :mod:`.reviews` (review mining).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from ..errors import DataError
from .gaps import GAP_RULES, gap_analysis
from .snapshots import (
    _weekly,
    biggest_movers,
    changes_over_time,
    check_competitors,
    compare_latest,
    competitor_sets,
    share_trend,
)


@dataclass(frozen=True)
class CompetitorResult:
    """Everything the page, the command line and the export need.

    ``comparison`` (latest snapshot, one row per set and listing; :data:`COMPARISON_COLUMNS`),
    ``changes`` (per set and listing over the window; :data:`CHANGE_COLUMNS`), ``movers`` (the
    ``changes`` rows with the largest absolute ``share_change``, plus ``direction`` "gained"/"lost"),
    ``trend`` (weekly rows per set and listing; :data:`TREND_COLUMNS`), ``gaps`` (per own product and
    dimension, most severe first; :data:`GAP_COLUMNS`), ``reviews`` (a ``reviews.ReviewResult``
    or None), ``as_of`` and ``window_start`` (first day of the window), ``notes`` (catalog key, params).
    """

    comparison: pd.DataFrame
    changes: pd.DataFrame
    movers: pd.DataFrame
    trend: pd.DataFrame
    gaps: pd.DataFrame
    as_of: pd.Timestamp
    window_start: pd.Timestamp
    reviews: object = None
    notes: tuple[tuple[str, dict], ...] = field(default=())


def analyze(competitors: pd.DataFrame, reviews: pd.DataFrame | None = None, *,
            mapping: pd.DataFrame | Mapping | None = None, as_of=None, window_weeks: int = 26,
            promo_min: float = 0.05, stale_days: int = 35, movers: int = 10,
            rules: Mapping[str, Mapping[str, float]] = GAP_RULES) -> CompetitorResult:
    """Latest comparison, change over time, biggest movers, gap analysis and (with ``reviews``) review
    mining, for every own product; see the module docstring for each definition."""
    df, notes = check_competitors(competitors)
    as_of = pd.Timestamp(as_of).normalize() if as_of is not None else df["date"].max()
    df = df.loc[df["date"] <= as_of]
    if df.empty:
        raise DataError("err.comp.empty", table="competitors")
    sets = competitor_sets(df, mapping)
    comparison, more = compare_latest(df, sets, as_of, stale_days)
    notes += more
    weekly = _weekly(df, promo_min)
    trend = share_trend(weekly, sets)
    last_week = as_of - pd.Timedelta(days=as_of.day_of_week)
    window_start = last_week - pd.Timedelta(weeks=window_weeks - 1)
    changes = changes_over_time(trend, weekly, window_start)
    review_result = None
    features = None
    if reviews is not None:
        from .reviews import mine

        latest = df.drop_duplicates("product_id", keep="last")
        listings = sets.merge(latest[["product_id", "brand", "is_own"]], on="product_id")
        review_result = mine(reviews, listings)
        features = review_result.features
        notes += list(review_result.notes)
    gaps = gap_analysis(comparison, changes, features, rules)
    return CompetitorResult(comparison, changes, biggest_movers(changes, movers), trend, gaps, as_of,
                            window_start, review_result, tuple(notes))


def export_sheets(result: CompetitorResult) -> dict[str, pd.DataFrame]:
    """The sheets of the Excel download (stable English column names)."""
    sheets = {"gaps": result.gaps, "comparison": result.comparison, "changes": result.changes,
              "movers": result.movers}
    if result.reviews is not None:
        sheets["review_features"] = result.reviews.features
        sheets["review_phrases"] = result.reviews.phrases
    return sheets


def export_workbook(result: CompetitorResult) -> bytes:
    """The comparison as an Excel workbook (:func:`export_sheets`), via ``cbe_core.export``."""
    from ..export import write_workbook

    return write_workbook(export_sheets(result), number_formats={
        "share": "0.0%", "revenue_share": "0.0%", "promo_depth": "0.0%", "price_change": "0.0%",
        "promo_frequency": "0%", "share_change": "0.0%", "comp_rate": "0%", "own_rate": "0%",
        "price_index": "0.00", "mean_promo_depth": "0.0%"})
