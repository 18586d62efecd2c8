"""Weekly review: weeks and periods, KPIs from the diagnostics package, findings new / open / resolved
against the last mark, the HTML page, the workbook and the command line."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout

import pandas as pd
import pytest

from cbe_core import diagnostics
from cbe_core.__main__ import main
from cbe_core.errors import DataError
from cbe_core.ingest import read_table
from cbe_core.review import default_week_end, finding_record, parse_week, weekly_review
from cbe_core.review.html import review_html
from cbe_core.review.text import kpi_table, review_workbook
from cbe_core.workspace import Workspace

TABLES = ("orders", "traffic", "ads", "products", "competitors")


@pytest.fixture(scope="module")
def sample(root) -> dict[str, pd.DataFrame]:
    return {n: read_table(root / "sample_data" / f"{n}.csv", n)[0] for n in TABLES}


@pytest.fixture(scope="module")
def first(sample):
    return weekly_review(sample, store="Demo")


@pytest.mark.parametrize("week,monday", [("2026-W43", "2026-10-19"), ("2025W01", "2024-12-30"),
                                         ("2026-w1", "2025-12-29")])
def test_iso_weeks_are_parsed(week, monday):
    start, end = parse_week(week)
    assert start == pd.Timestamp(monday) and end - start == pd.Timedelta(days=6)


@pytest.mark.parametrize("week", ["2026-W54", "last week", "", "2026-10-19"])
def test_a_bad_week_is_refused_with_a_message(week):
    with pytest.raises(DataError, match="is not an ISO week"):
        parse_week(week)


@pytest.mark.parametrize("data_end,sunday", [("2026-10-31", "2026-10-25"), ("2026-10-25", "2026-10-25"),
                                             ("2026-10-26 13:00", "2026-10-25")])
def test_the_default_week_is_the_last_complete_one(data_end, sunday):
    assert default_week_end(pd.Timestamp(data_end)) == pd.Timestamp(sunday)


def test_first_review_covers_the_last_complete_week(first):
    assert (first.week, first.period_start, first.period_end) == ("2026-W43", pd.Timestamp("2026-10-19"),
                                                                  pd.Timestamp("2026-10-25"))
    assert not first.up_to_date and first.last_review is None and first.currency == "USD"
    assert {c.status for c in first.changes} == {"new"}


def test_kpis_are_the_diagnostics_figures_for_the_week_previous_week_and_last_year(first, sample):
    ref = diagnostics.run_all(sample["orders"], sample["traffic"], sample["ads"], sample["products"],
                              start="2026-10-19", end="2026-10-25")
    got = first.kpis.set_index("kpi")
    for k in ("revenue", "orders", "conversion_rate", "acos"):
        assert got.loc[k, "value"] == pytest.approx(ref.kpis.get(k))
        assert got.loc[k, "previous"] == pytest.approx(ref.previous.get(k))
        assert got.loc[k, "last_year"] == pytest.approx(ref.last_year.get(k))
    revenue_by_day = first.daily.set_index("date")["revenue"]
    assert revenue_by_day.loc["2026-10-19":"2026-10-25"].sum() == pytest.approx(ref.kpis.get("revenue"))


def test_findings_are_new_open_or_resolved_against_the_last_mark(first, sample):
    now = first.findings
    assert len(now) >= 2
    gone = {"code": "low_repurchase", "severity": "low", "dimension": "store", "slice": "store",
            "evidence": {}, "money_at_stake": 123.0}
    mark = {"done_at": "2026-10-19 09:00", "period_end": pd.Timestamp("2026-10-11"),
            "findings": [finding_record(now[0]), gone]}
    again = weekly_review(sample, last_review=mark)
    status = {(c.finding.code, c.finding.slice): c.status for c in again.changes}
    assert status[(now[0].code, now[0].slice)] == "open"
    assert status[("low_repurchase", "store")] == "resolved"
    assert again.period_start == pd.Timestamp("2026-10-12")  # the day after the marked period
    new = [c for c in again.changes if c.status == "new"]
    money = [c.finding.money_at_stake for c in new]
    assert money == sorted(money, reverse=True)


def test_a_review_marked_done_is_up_to_date_until_newer_data(sample):
    mark = {"done_at": "2026-10-26 09:00", "period_end": pd.Timestamp("2026-10-25"), "findings": []}
    upto = {**sample, "orders": sample["orders"].loc[sample["orders"]["order_date"] < "2026-10-26"]}
    r = weekly_review(upto, last_review=mark)
    assert r.up_to_date
    # a week of newer orders arrives: the next review starts the day after the marked period
    newer = {**sample, "orders": sample["orders"].loc[sample["orders"]["order_date"] < "2026-11-02"]}
    mark_before = {**mark, "period_end": pd.Timestamp("2026-10-18")}
    r = weekly_review(newer, last_review=mark_before)
    assert not r.up_to_date and r.period_start == pd.Timestamp("2026-10-19")


def test_competitor_moves_and_segment_changes_come_from_their_packages(first):
    moves = first.competitor_moves
    assert moves is not None and len(moves)
    assert ((moves["share_change"].abs() >= 0.005) | (moves["price_change"].abs() >= 0.05)).all()
    seg = first.segment_moves
    assert (seg["from"] != seg["to"]).all() and first.customers_changed == int(seg["customers"].sum())
    assert first.stock_at_risk is None and ("review.note.stock_pending", {}) in first.notes


def test_a_store_without_customer_ids_or_competitors_says_so(sample):
    orders = sample["orders"].drop(columns=["customer_id"])
    r = weekly_review({"orders": orders})
    keys = {k for k, _ in r.notes}
    assert {"review.note.no_customers", "review.note.no_competitors"} <= keys
    assert r.segment_moves is None and r.competitor_moves is None


def test_a_store_without_orders_is_refused():
    with pytest.raises(DataError, match="needs the store's orders"):
        weekly_review({})


def test_html_page_is_self_contained_bilingual_and_escapes_data(sample):
    r = weekly_review(sample, store="<script>alert(1)</script> & co")
    page = review_html(r)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert set(re.findall(r"https?://[^\"' )]+", page)) <= {"http://www.w3.org/2000/svg"}
    assert "<svg" in page and "Weekly review" in page and "每周复盘" in page
    assert "Revenue" in page and "销售额" in page


def test_kpi_table_shows_money_with_its_currency(first):
    table = kpi_table(first, "en")
    assert table.iloc[0, 1].endswith(" USD")


def test_workbook_has_english_and_chinese_sheets(first):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(review_workbook(first)))
    assert {"KPIs", "Findings", "关键指标", "问题"} <= set(book.sheetnames)


def test_cli_review_writes_html_xlsx_json_and_marks_done(tmp_path, root):
    ws = Workspace(tmp_path / "ws.duckdb")
    for name in TABLES:
        ws.import_file("Demo", name, root / "sample_data" / f"{name}.csv")
    out, xlsx = tmp_path / "review.html", tmp_path / "review.xlsx"
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(["review", "--workspace", str(ws.path), "--store", "Demo", "--out", str(out),
                     "--xlsx", str(xlsx), "--json", "--mark-done"])
    assert code == 0
    payload = json.loads(buf.getvalue())
    assert payload["week"] == "2026-W43" and payload["marked_done"] is True
    assert payload["kpis"]["revenue"]["value"] > 0 and payload["findings"]
    assert out.read_text().startswith("<!doctype html>") and xlsx.stat().st_size > 0
    mark = ws.last_review("Demo")
    assert mark["period_end"] == pd.Timestamp("2026-10-25")
    assert len(mark["findings"]) == len(payload["findings"])
    buf = io.StringIO()
    with redirect_stdout(buf):
        main(["review", "--workspace", str(ws.path), "--store", "Demo", "--json"])
    assert json.loads(buf.getvalue())["up_to_date"] is True
