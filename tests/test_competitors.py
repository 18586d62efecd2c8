"""Competitor comparison, change over time and gap analysis on hand-worked snapshots.

Set "lamps", two weekly snapshots (Mondays 2026-01-05 and 2026-01-12):

=========  =====  ======  =====  ======  ======  ================
listing    price  list    stars  review  units   (week 1 -> week 2)
=========  =====  ======  =====  ======  ======  ================
A (ours)   30     30      3.9    100     150 -> 100   reviews 90 -> 100
B          25->20 25      4.5    400     150 -> 300   on promotion in week 2 (depth 20%)
C          25     (none)  4.3    200     100 -> 100
=========  =====  ======  =====  ======  ======  ================

Latest: competitors' median price = median(20, 25) = 22.5, so A's price index = 30 / 22.5 = 1.333
(lag, high: >= 1.25); competitors' median rating 4.4 -> A is 0.5 stars behind (high); median reviews 300
-> A has 1/3 of it (lag, medium); units 100 / 300 / 100 -> shares 0.2 / 0.6 / 0.2; revenue 3000 / 6000 /
2500 -> A's revenue share 3000 / 11500. Week 1 shares 150/400 = 0.375 for A and B -> A lost 0.175, B
gained 0.225. B promoted in 1 of 2 weeks (0.5), A in none -> promotion lag 0.5 (high).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cbe_core import competitors as cp
from cbe_core.errors import DataError


def snapshots() -> pd.DataFrame:
    w1, w2 = pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-12")
    rows = [
        (w1, "A", "Ours", True, 30.0, 30.0, 3.9, 90, 150, "lamps", "SKU-A", "Our lamp"),
        (w1, "B", "Brite", False, 25.0, 25.0, 4.5, 390, 150, "lamps", None, "Brite lamp"),
        (w1, "C", "Cando", False, 25.0, np.nan, 4.3, 195, 100, "lamps", None, "Cando lamp"),
        (w2, "A", "Ours", True, 30.0, 30.0, 3.9, 100, 100, "lamps", "SKU-A", "Our lamp"),
        (w2, "B", "Brite", False, 20.0, 25.0, 4.5, 400, 300, "lamps", None, "Brite lamp"),
        (w2, "C", "Cando", False, 25.0, np.nan, 4.3, 200, 100, "lamps", None, "Cando lamp"),
    ]
    df = pd.DataFrame(rows, columns=["date", "product_id", "brand", "is_own", "price", "list_price", "rating",
                                     "review_count", "est_monthly_units", "category", "sku", "title"])
    for c in ("product_id", "brand", "category", "sku", "title"):
        df[c] = df[c].astype("str")
    return df


@pytest.fixture(scope="module")
def result() -> cp.CompetitorResult:
    return cp.analyze(snapshots())


def row(frame: pd.DataFrame, **match) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for k, v in match.items():
        mask &= (frame[k] == v).to_numpy()
    assert mask.sum() == 1, match
    return frame.loc[mask].iloc[0]


def test_latest_comparison_matches_the_hand_worked_numbers(result):
    comp = result.comparison.set_index("product_id")
    assert list(result.comparison.columns) == cp.COMPARISON_COLUMNS
    assert comp.loc["A", "set_median_price"] == pytest.approx(22.5)
    assert comp.loc["A", "price_index"] == pytest.approx(30 / 22.5)
    assert comp.loc["B", "price_index"] == pytest.approx(20 / 22.5)
    assert comp.loc[["A", "B", "C"], "share"].tolist() == pytest.approx([0.2, 0.6, 0.2])
    assert comp.loc["A", "revenue_share"] == pytest.approx(3000 / 11500)
    assert comp.loc["A", "est_monthly_revenue"] == pytest.approx(3000)
    assert comp.loc["B", "promo_depth"] == pytest.approx(0.2)
    assert comp.loc["A", "promo_depth"] == 0.0
    assert np.isnan(comp.loc["C", "promo_depth"])  # no list price: unknown, not zero
    assert comp.loc["A", "set_median_rating"] == pytest.approx(4.4)
    assert comp.loc["A", "set_median_reviews"] == pytest.approx(300)
    assert comp.loc["A", "n_competitors"] == 2
    assert result.as_of == pd.Timestamp("2026-01-12")


def test_changes_over_the_window(result):
    ch = result.changes.set_index("product_id")
    assert list(result.changes.columns) == cp.CHANGE_COLUMNS
    assert ch.loc["A", "share_first"] == pytest.approx(0.375)
    assert ch.loc["A", "share_change"] == pytest.approx(-0.175)
    assert ch.loc["B", "share_change"] == pytest.approx(0.6 - 0.375)
    assert ch.loc["B", "price_change"] == pytest.approx(-0.2)
    assert ch.loc["B", "promo_frequency"] == pytest.approx(0.5)
    assert ch.loc["B", "promo_weeks"] == 1
    assert ch.loc["B", "mean_promo_depth"] == pytest.approx(0.2)
    assert ch.loc["A", "review_velocity"] == pytest.approx(10.0)  # 90 -> 100 in one week
    assert ch.loc["A", "weeks"] == 2


def test_biggest_movers_are_named_largest_first(result):
    movers = result.movers
    assert movers["product_id"].tolist()[:2] == ["B", "A"]
    assert movers["direction"].tolist()[:2] == ["gained", "lost"]
    text = cp.describe_movers(movers.head(1), "en")[0]
    assert "Brite" in text and "22.5 points" in text


def test_gap_analysis_grades_each_dimension(result):
    gaps = result.gaps
    assert list(gaps.columns) == cp.GAP_COLUMNS
    price = row(gaps, dimension="price")
    assert (price["status"], price["severity"], price["move"]) == ("lag", "high", "comp.move.match_price")
    assert price["rival"] == "Brite"  # the cheapest competitor
    assert price["gap"] == pytest.approx(30 / 22.5)
    rating = row(gaps, dimension="rating")
    assert (rating["status"], rating["severity"], rating["gap"]) == ("lag", "high", pytest.approx(-0.5))
    reviews = row(gaps, dimension="reviews")
    assert ((reviews["status"], reviews["severity"], reviews["move"])
            == ("lag", "medium", "comp.move.push_reviews"))
    promo = row(gaps, dimension="promotion")
    assert (promo["status"], promo["severity"], promo["rival"]) == ("lag", "high", "Brite")
    assert promo["move"] == "comp.move.test_promotion"
    share = row(gaps, dimension="share")
    assert (share["status"], share["severity"], share["rival"]) == ("lag", "high", "Brite")
    assert share["benchmark"] == pytest.approx(0.225)
    # lags first, the most severe first
    assert gaps["status"].iloc[0] == "lag" and gaps["severity"].iloc[0] == "high"


def test_gap_sentences_exist_in_both_languages(result):
    en = cp.describe(result.gaps, "en")
    zh = cp.describe(result.gaps, "zh")
    assert "33% above" in en[0] or any("33% above" in s for s in en)
    assert all(s and "comp.gap" not in s for s in en + zh)
    assert any("Brite" in s for s in zh)


def test_a_dearer_product_with_a_better_rating_should_differentiate():
    df = snapshots()
    df.loc[df["product_id"] == "A", "rating"] = 4.8
    gaps = cp.analyze(df).gaps
    assert row(gaps, dimension="price")["move"] == "comp.move.differentiate"
    assert row(gaps, dimension="rating")["status"] == "lead"


def test_result_is_frozen(result):
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.gaps = None  # type: ignore[misc]


def test_input_frame_is_not_modified():
    df = snapshots()
    before = df.copy()
    cp.analyze(df)
    pd.testing.assert_frame_equal(df, before)


def test_explicit_mapping_makes_one_set_per_own_product():
    res = cp.analyze(snapshots(), mapping={"A": ["C"]})
    comp = res.comparison
    assert set(comp["set_id"]) == {"A"}
    assert set(comp["product_id"]) == {"A", "C"}
    a = row(comp, product_id="A")
    assert a["price_index"] == pytest.approx(30 / 25)
    assert a["share"] == pytest.approx(0.5)


def test_mapping_frame_needs_its_columns():
    with pytest.raises(DataError, match="own_product_id"):
        cp.analyze(snapshots(), mapping=pd.DataFrame({"own": ["A"], "product_id": ["C"]}))


def test_stale_listing_is_left_out_and_counted():
    df = snapshots()
    old = df.loc[df["product_id"] == "C"].assign(product_id="D", date=pd.Timestamp("2025-10-06"))
    res = cp.analyze(pd.concat([df, old], ignore_index=True))
    assert "D" not in set(res.comparison["product_id"])
    assert ("comp.note.stale", {"count": 1, "days": 35}) in res.notes


def test_bad_rows_and_duplicates_are_counted_not_fatal():
    df = snapshots()
    bad = df.iloc[[0]].assign(price=0.0)
    dup = df.iloc[[5]]
    res = cp.analyze(pd.concat([df, bad, dup], ignore_index=True))
    keys = dict(res.notes)
    assert keys["comp.note.rows_dropped"] == {"count": 1}
    assert keys["comp.note.duplicates"] == {"count": 1}


@pytest.mark.parametrize("drop", ["price", "is_own"], ids=["no-price", "no-own-flag"])
def test_missing_required_column_raises_a_data_error(drop):
    with pytest.raises(DataError, match=drop):
        cp.analyze(snapshots().drop(columns=drop))


def test_empty_frame_raises_a_data_error():
    with pytest.raises(DataError, match="no usable rows"):
        cp.analyze(snapshots().iloc[0:0])


def test_is_own_as_text_and_no_optional_columns_still_work():
    df = snapshots()[["date", "product_id", "brand", "is_own", "price"]]
    df = df.assign(is_own=df["is_own"].map({True: "yes", False: "no"}))
    res = cp.analyze(df)
    assert set(res.comparison["set_id"]) == {"all"}
    assert row(res.comparison, product_id="A")["price_index"] == pytest.approx(30 / 22.5)
    assert ("comp.note.no_units", {}) in res.notes
    assert row(res.gaps, dimension="rating")["status"] == "unknown"


def test_no_own_listing_gives_a_note_and_no_gaps():
    df = snapshots()
    df["is_own"] = False
    res = cp.analyze(df)
    assert res.gaps.empty
    assert ("comp.note.no_own", {}) in res.notes


def test_as_of_limits_the_analysis_to_earlier_snapshots():
    res = cp.analyze(snapshots(), as_of="2026-01-05")
    assert row(res.comparison, product_id="A")["share"] == pytest.approx(0.375)


def test_export_sheets_write_to_a_workbook(result):
    from cbe_core.export import write_workbook

    data = write_workbook(cp.export_sheets(result))
    assert data[:2] == b"PK"


def test_headline_names_a_set_level_feature_once_and_puts_wide_findings_first():
    gaps = pd.DataFrame({
        "set_id": ["s"] * 4, "product_id": ["A", "B", "A", "B"], "sku": ["A", "B", "A", "B"],
        "title": ["Lamp A", "Lamp B", "Lamp A", "Lamp B"],
        "dimension": ["price", "price", "features", "features"], "status": ["lag", "lag", "lag", "lag"],
        "severity": ["high", "medium", "high", "high"], "value": [30.0, 25.0, 0.5, 0.5],
        "benchmark": [20.0, 20.0, 0.1, 0.1], "gap": [1.5, 1.25, 4.5, 4.5],
        "rival": ["X", "X", "Volt", "Volt"],
        "detail": [None, None, "battery life", "battery life"], "move": ["m"] * 4,
    })
    top = cp.headline(gaps, n=5)
    assert top[["dimension", "product_id", "products"]].values.tolist() == [
        ["features", "A", 2], ["price", "A", 1], ["price", "B", 1]]
    assert cp.describe(top.head(1), "en")[0].startswith('s: Volt\'s reviews praise "battery life" 4.5x')


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.floats(1, 100), st.floats(0, 150), st.integers(0, 500)),
                min_size=2, max_size=12))
def test_shares_sum_to_one_per_set_and_promo_depth_stays_in_range(rows):
    df = pd.DataFrame({
        "date": pd.Timestamp("2026-03-02"), "product_id": [f"P{i}" for i in range(len(rows))],
        "brand": [f"B{i}" for i in range(len(rows))], "is_own": [i == 0 for i in range(len(rows))],
        "price": [r[1] for r in rows], "list_price": [r[2] for r in rows],
        "est_monthly_units": [r[3] for r in rows], "category": [f"c{r[0]}" for r in rows],
    })
    comp = cp.analyze(df).comparison
    sums = comp.groupby("set_id")["share"].sum(min_count=1).dropna()
    assert np.allclose(sums, 1.0)
    depth = comp["promo_depth"].dropna()
    assert ((depth >= 0) & (depth < 1)).all()
