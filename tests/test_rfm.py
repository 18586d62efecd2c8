import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cbe_core.customers import rfm
from cbe_core.errors import DataError


def _orders(rows, **extra):
    """rows: (order_id, date, qty, price, customer, cancelled)."""
    df = pd.DataFrame(rows, columns=["order_id", "order_date", "quantity", "unit_price", "customer_id",
                                     "cancelled"])
    df["order_date"] = pd.to_datetime(df["order_date"])
    df["sku"] = "S1"
    df["customer_id"] = df["customer_id"].astype("str")
    for k, v in extra.items():
        df[k] = v
    return df


# Hand-worked store, as of 2026-02-01 (the day after the last sale):
#   c1: order A (2 lines: 2x10 + 1x5 = 25) on 01-01, order B (1x40) on 01-20, a return of one A unit
#       (-1 x 10) on 01-25 -> F = 2, M = 25 + 40 - 10 = 55, last purchase 01-20, R = 12 days, first 01-01
#   c2: order C (3x10 = 30) on 01-31 and order D cancelled (100) on 01-31 -> F = 1, M = 30, R = 1
#   c3: order E (1x8) on 01-10 -> F = 1, M = 8, R = 22
#   no id: order F (1x99) on 01-15 -> reported, not attributed
HAND = [
    ("A", "2026-01-01 09:00", 2, 10.0, "c1", False),
    ("A", "2026-01-01 09:00", 1, 5.0, "c1", False),
    ("B", "2026-01-20 18:30", 1, 40.0, "c1", False),
    ("R1", "2026-01-25 10:00", -1, 10.0, "c1", False),
    ("C", "2026-01-31 23:59", 3, 10.0, "c2", False),
    ("D", "2026-01-31 12:00", 1, 100.0, "c2", True),
    ("E", "2026-01-10 08:00", 1, 8.0, "c3", False),
    ("F", "2026-01-15 08:00", 1, 99.0, None, False),
]


def test_rfm_values_match_the_hand_worked_example():
    table, as_of, notes = rfm.customer_table(_orders(HAND))
    assert as_of == pd.Timestamp("2026-02-01")
    expected = pd.DataFrame({
        "customer_id": pd.Series(["c1", "c2", "c3"], dtype="str"),
        "first_order": pd.to_datetime(["2026-01-01", "2026-01-31", "2026-01-10"]),
        "last_order": pd.to_datetime(["2026-01-20", "2026-01-31", "2026-01-10"]),
        "recency_days": np.array([12, 1, 22], dtype="int64"),
        "frequency": np.array([2, 1, 1], dtype="int64"),
        "monetary": [55.0, 30.0, 8.0],
        "aov": [27.5, 30.0, 8.0],
        "tenure_days": np.array([31, 1, 22], dtype="int64"),
    })
    got = table.sort_values("customer_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got["recency_days"].dtype == "int64"


def test_return_lines_are_not_orders_but_are_deducted_from_monetary():
    table, _, _ = rfm.customer_table(_orders(HAND))
    c1 = table.set_index("customer_id").loc["c1"]
    assert c1["frequency"] == 2
    assert c1["monetary"] == pytest.approx(55.0)


def test_cancelled_orders_count_for_nothing():
    table, _, _ = rfm.customer_table(_orders(HAND))
    c2 = table.set_index("customer_id").loc["c2"]
    assert (c2["frequency"], c2["monetary"]) == (1, 30.0)


def test_lines_without_customer_id_are_counted_in_a_note():
    _, _, notes = rfm.customer_table(_orders(HAND))
    note = next(n for n in notes if n.key == "rfm.note.no_customer_id")
    assert note.params == {"lines": 1, "orders": 1, "revenue": 99.0}


def test_as_of_is_exclusive_and_window_keeps_recent_orders_only():
    table, as_of, _ = rfm.customer_table(_orders(HAND), as_of="2026-01-20")
    got = table.set_index("customer_id")
    assert as_of == pd.Timestamp("2026-01-20")
    assert sorted(got.index) == ["c1", "c3"]  # order B on 01-20 is not yet in
    assert got.loc["c1", "frequency"] == 1 and got.loc["c1", "recency_days"] == 19
    windowed, _, _ = rfm.customer_table(_orders(HAND), as_of="2026-02-01", window_days=14)
    # window 01-18 .. 01-31: c1 has order B and the return, c3's order is outside
    w = windowed.set_index("customer_id")
    assert sorted(w.index) == ["c1", "c2"]
    assert w.loc["c1", "monetary"] == pytest.approx(30.0)


def test_contact_fields_take_the_latest_non_empty_value():
    orders = _orders(HAND, email=["old@x.com", "old@x.com", "", "", "b@x.com", "b@x.com", None, None])
    table, _, _ = rfm.customer_table(orders)
    emails = table.set_index("customer_id")["email"]
    assert emails["c1"] == "old@x.com" and emails["c2"] == "b@x.com" and emails["c3"] == ""


def test_orders_without_customer_ids_name_the_file_needed():
    orders = _orders(HAND).drop(columns="customer_id")
    with pytest.raises(DataError, match="Amazon order reports do not carry buyers") as err:
        rfm.analyse(orders)
    assert "客户" in err.value.message("zh")
    no_ids = _orders(HAND)
    no_ids["customer_id"] = pd.Series([None] * len(no_ids), dtype="str")
    with pytest.raises(DataError, match="customer_id or email"):
        rfm.analyse(no_ids)


def test_missing_columns_and_empty_windows_raise_clear_errors():
    with pytest.raises(DataError, match="unit_price"):
        rfm.analyse(_orders(HAND).drop(columns="unit_price"))
    with pytest.raises(DataError, match="No sales before 2025-01-01"):
        rfm.analyse(_orders(HAND), as_of="2025-01-01")
    with pytest.raises(DataError, match="positive number of days"):
        rfm.analyse(_orders(HAND), window_days=0)
    with pytest.raises(DataError, match="not a date"):
        rfm.analyse(_orders(HAND), as_of="soon")


# ------------------------------------------------------------------------------------------- scores
@pytest.mark.parametrize(
    "values,higher,expected",
    [
        (list(range(10)), True, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),
        (list(range(10)), False, [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]),
        ([1] * 7 + [2, 2, 3], True, [1] * 7 + [4, 4, 5]),
        ([5, 5, 5, 5], True, [3, 3, 3, 3]),
        ([10, 20, 20, 30, 40], True, [1, 2, 2, 4, 5]),
    ],
    ids=["distinct", "lower-is-better", "most-buy-once", "constant", "tie-in-middle"],
)
def test_quintile_scores_follow_the_min_rank_rule(values, higher, expected):
    assert rfm.quintile_scores(values, higher).tolist() == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=200))
def test_equal_values_get_equal_scores_and_scores_are_monotone(values):
    s = rfm.quintile_scores(values)
    v = np.asarray(values)
    assert s.min() >= 1 and s.max() <= 5
    for value in np.unique(v):
        assert len(set(s[v == value])) == 1
    order = np.argsort(v, kind="stable")
    assert (np.diff(s[order]) >= 0).all()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=10, max_size=300,
                unique=True))
def test_distinct_values_fill_each_quintile_evenly(values):
    s = rfm.quintile_scores(values)
    counts = np.bincount(s, minlength=6)[1:]
    assert counts.max() - counts.min() <= 1


# ----------------------------------------------------------------------------------------- segments
@pytest.mark.parametrize(
    "r,f,m,segment",
    [
        (5, 5, 5, "champions"), (5, 4, 3, "champions"), (4, 5, 5, "loyal"), (3, 4, 4, "loyal"),
        (5, 1, 3, "potential_loyalist"), (4, 3, 2, "potential_loyalist"), (5, 1, 1, "new"),
        (4, 1, 1, "promising"), (3, 3, 3, "need_attention"), (3, 1, 2, "about_to_sleep"),
        (2, 4, 3, "at_risk"), (1, 3, 3, "at_risk"), (1, 5, 5, "cant_lose_them"), (2, 5, 4, "cant_lose_them"),
        (2, 1, 2, "hibernating"), (1, 1, 1, "lost"), (1, 2, 2, "lost"),
    ],
)
def test_segment_grid_assigns_the_documented_cells(r, f, m, segment):
    assert list(rfm.assign_segments([r], [f], [m])) == [segment]


def test_default_rules_cover_every_cell_exactly_once_and_list_eleven_segments():
    rules = rfm.default_rules()
    assert len(rules) == 11
    grid = rfm.grid_of(rules)
    assert (grid >= 0).all()


def test_segment_rules_are_editable_data():
    rules = pd.DataFrame({"segment": ["active", "lapsed"], "r_min": [3, 1], "r_max": [5, 2],
                          "fm_min": [1, 1], "fm_max": [5, 5]})
    assert list(rfm.assign_segments([5, 1], [1, 5], [1, 5], rules)) == ["active", "lapsed"]
    result = rfm.analyse(_orders(HAND), rules=rules)
    assert list(result.segments["segment"]) == ["active", "lapsed"]


@pytest.mark.parametrize(
    "rules,match",
    [
        (pd.DataFrame({"segment": ["a"], "r_min": [1], "r_max": [5], "fm_min": [1]}),
         "lack the columns fm_max"),
        (pd.DataFrame({"segment": ["a", "b"], "r_min": [1, 3], "r_max": [3, 5], "fm_min": [1, 1],
                       "fm_max": [5, 5]}), "'b' overlaps"),
        (pd.DataFrame({"segment": ["a"], "r_min": [1], "r_max": [4], "fm_min": [1], "fm_max": [5]}),
         "R = 5, F/M = 1"),
        (pd.DataFrame({"segment": ["a"], "r_min": [0], "r_max": [5], "fm_min": [1], "fm_max": [5]}),
         "1 to 5"),
    ],
    ids=["missing-column", "overlap", "gap", "out-of-range"],
)
def test_bad_rules_are_refused_with_a_message(rules, match):
    with pytest.raises(DataError, match=match):
        rfm.check_rules(rules)


def test_analyse_returns_scores_segments_and_a_complete_summary():
    result = rfm.analyse(_orders(HAND))
    c = result.customers.set_index("customer_id")
    # n = 3, score = 1 + (5 * below) // 3 for below = 0, 1, 2 -> 1, 2, 4.
    # R: recency 12, 1, 22 -> c2 4, c1 2, c3 1; F: 2, 1, 1 -> c1 4, the tied others 1;
    # M: 55, 30, 8 -> 4, 2, 1; FM = round half up of (F + M) / 2 -> c1 4, c2 2 (1.5), c3 1
    assert c.loc["c1", ["r_score", "f_score", "m_score", "fm_score"]].tolist() == [2, 4, 4, 4]
    assert c.loc["c2", ["r_score", "f_score", "m_score", "fm_score"]].tolist() == [4, 1, 2, 2]
    assert c.loc["c3", ["r_score", "f_score", "m_score", "fm_score"]].tolist() == [1, 1, 1, 1]
    assert c["segment"].astype(str).to_dict() == {"c1": "at_risk", "c2": "potential_loyalist", "c3": "lost"}
    seg = result.segments.set_index("segment")
    assert len(seg) == 11 and seg["customers"].sum() == 3
    assert seg.loc["at_risk", "revenue"] == pytest.approx(55.0)
    assert seg["share"].sum() == pytest.approx(1.0)
    assert seg.loc["champions", "customers"] == 0
    assert any(n.key == "rfm.note.few_customers" for n in result.notes)


def test_heavily_tied_store_still_separates_repeat_buyers():
    # 80 one-order customers and 20 repeat customers, all bought on distinct days
    rows = []
    for i in range(100):
        n_orders = 1 if i < 80 else 3
        for j in range(n_orders):
            rows.append((f"O{i}-{j}", pd.Timestamp("2026-01-01") + pd.Timedelta(days=i + j), 1, 10.0,
                         f"c{i:03d}", False))
    result = rfm.analyse(_orders(rows))
    c = result.customers.set_index("customer_id")
    assert set(c.loc[[f"c{i:03d}" for i in range(80)], "f_score"]) == {1}
    assert set(c.loc[[f"c{i:03d}" for i in range(80, 100)], "f_score"]) == {5}


# ---------------------------------------------------------------------------------------- migration
def test_migration_matrix_counts_moves_between_two_dates():
    rows = [
        ("A", "2026-01-01", 1, 10.0, "c1", False),
        ("B", "2026-01-02", 1, 10.0, "c2", False),
        ("C", "2026-01-03", 1, 10.0, "c3", False),
        ("D", "2026-03-01", 1, 10.0, "c4", False),
        ("E", "2026-03-02", 1, 10.0, "c3", False),
    ]
    orders = _orders(rows)
    m = rfm.migration(orders, "2026-01-04", "2026-03-03")
    before = rfm.analyse(orders, "2026-01-04").customers.set_index("customer_id")["segment"].astype(str)
    after = rfm.analyse(orders, "2026-03-03").customers.set_index("customer_id")["segment"].astype(str)
    assert int(m.to_numpy().sum()) == 4
    assert m.loc["(new)", after["c4"]] == 1
    for cid in ("c1", "c2", "c3"):
        assert m.loc[before[cid], after[cid]] >= 1
    assert m.index[-1] == "(new)" and "(gone)" not in m.columns


# --------------------------------------------------------------------------------------- clustering
def _three_groups():
    rng = np.random.default_rng(1)
    n = 60
    frame = pd.DataFrame({
        "customer_id": [f"c{i}" for i in range(3 * n)],
        "recency_days": np.r_[rng.integers(1, 10, n), rng.integers(300, 400, n), rng.integers(100, 150, n)],
        "frequency": np.r_[rng.integers(8, 12, n), rng.integers(6, 9, n), np.ones(n, dtype=int)],
        "monetary": np.r_[rng.uniform(900, 1100, n), rng.uniform(500, 700, n), rng.uniform(10, 20, n)],
    })
    scored, _ = rfm.score_customers(frame)
    return scored


def test_clustering_finds_well_separated_groups_and_names_them():
    scored = _three_groups()
    res = rfm.cluster(scored)
    assert res.k == 3
    assert set(res.silhouette) >= {2, 3} and max(res.silhouette, key=res.silhouette.get) == 3
    prof = res.profiles.set_index("cluster")
    assert prof["customers"].tolist() == [60, 60, 60]
    assert prof["monetary"].is_monotonic_decreasing  # cluster 1 is the most valuable
    assert prof.loc[1, "nearest_segment"] in ("champions", "loyal")
    assert prof.loc[2, "nearest_segment"] in ("at_risk", "cant_lose_them")
    assert len(res.labels) == len(scored)


def test_clustering_with_a_fixed_k_skips_the_search():
    res = rfm.cluster(_three_groups(), k=2)
    assert res.k == 2 and res.silhouette == {}


def test_clustering_refuses_fewer_than_three_customers():
    with pytest.raises(DataError, match="at least 3 customers"):
        rfm.cluster(_three_groups().head(2))


# ---------------------------------------------------------------------------------- chart aggregates
def test_grid_counts_has_25_cells_matching_the_customers():
    result = rfm.analyse(_orders(HAND))
    grid = rfm.grid_counts(result.customers)
    assert len(grid) == 25 and grid["customers"].sum() == 3
    cell = grid.set_index(["r_score", "fm_score"]).loc[(2, 4)]
    assert cell["segment"] == "at_risk" and cell["customers"] == 1 and cell["revenue"] == pytest.approx(55.0)
    assert grid.set_index(["r_score", "fm_score"]).loc[(5, 5), "segment"] == "champions"


def test_histogram_aggregates_and_keeps_every_customer():
    small = rfm.histogram([1, 1, 2, 5])
    assert small["customers"].tolist() == [2, 1, 0, 0, 1]
    assert small["start"].tolist() == [0.5, 1.5, 2.5, 3.5, 4.5]
    big = rfm.histogram(np.random.default_rng(0).lognormal(3, 1, 10_000), bins=30, log=True)
    assert len(big) == 30 and big["customers"].sum() == 10_000
    assert rfm.histogram([]).empty


def test_documented_grid_matches_the_rules_file():
    lines = [ln.split("|")[1].split() for ln in rfm.__doc__.splitlines()
             if ln.strip().startswith("FM ") and "|" in ln]
    documented = {(r + 1, 5 - i): seg for i, row in enumerate(lines) for r, seg in enumerate(row)}
    rules = rfm.default_rules()
    grid = rfm.grid_of(rules)
    actual = {(r, fm): rules["segment"][grid[r - 1, fm - 1]] for r in range(1, 6) for fm in range(1, 6)}
    assert documented == actual
