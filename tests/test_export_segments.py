import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from cbe_core import export
from cbe_core.customers import rfm
from cbe_core.errors import DataError


def _orders(with_contacts=True):
    rows = [
        ("A", "2026-01-01", 2, 10.0, "c1"), ("B", "2026-01-20", 1, 40.0, "c1"),
        ("C", "2026-01-31", 3, 10.0, "c2"), ("D", "2026-01-10", 1, 8.0, "c3"),
        ("E", "2026-01-30", 1, 12.0, "c4"), ("F", "2026-01-05", 1, 300.0, "c5"),
        ("G", "2026-01-06", 1, 250.0, "c5"),
    ]
    df = pd.DataFrame(rows, columns=["order_id", "order_date", "quantity", "unit_price", "customer_id"])
    df["order_date"] = pd.to_datetime(df["order_date"])
    df["sku"] = "S1"
    if with_contacts:
        df["email"] = ["a@x.com", "a@x.com", "=HYPERLINK(\"http://evil\")", "c@x.com", "+1 555", "e@x.com",
                       "e@x.com"]
        df["customer_name"] = ["Ann", "Ann", "@SUM(A1)", "Cy", "-Dee", "Eve", "Eve"]
    return df


@pytest.fixture()
def result():
    return rfm.analyse(_orders())


def _book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_workbook_has_summary_then_one_sheet_per_chosen_segment(result):
    segs = result.customers.set_index("customer_id")["segment"].astype(str)
    chosen = sorted({segs["c1"], segs["c2"]})
    wb = _book(export.segments_workbook(result.customers, chosen))
    from cbe_core.i18n import t

    order = [s for s in result.segments["segment"] if s in chosen]
    assert wb.sheetnames == ["Summary"] + [t(f"rfm.seg.{s}", "en") for s in order]
    summary = wb["Summary"]
    header = [c.value for c in summary[1]]
    assert header == ["Segment", "Customers", "Share of customers", "Revenue", "Avg recency (days)",
                      "Avg orders", "Avg net sales", "Suggested action"]
    assert summary.max_row == 1 + len(chosen)
    by_name = {row[0]: row for row in summary.iter_rows(min_row=2, values_only=True)}
    key = segs["c1"]
    row = by_name[t(f"rfm.seg.{key}", "en")]
    members = result.customers.loc[result.customers["segment"].astype(str) == key]
    assert row[1] == len(members)
    assert row[2] == pytest.approx(len(members) / 5)
    assert row[3] == pytest.approx(members["monetary"].sum())
    assert row[7] == t(f"rfm.seg.{key}.action", "en")
    assert summary.cell(2, 3).number_format == "0.0%"


def test_segment_sheet_rows_carry_ids_contacts_values_scores_and_action(result):
    key = result.customers.set_index("customer_id").loc["c1", "segment"]
    wb = _book(export.segments_workbook(result.customers, [key]))
    ws = wb.worksheets[1]
    header = [c.value for c in ws[1]]
    assert header == ["Customer ID", "Email", "Name", "First order", "Last order", "Recency (days)", "Orders",
                      "Net sales", "Average order value", "R score", "F score", "M score", "Segment",
                      "Suggested action"]
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    c1 = rows["c1"]
    assert c1["Email"] == "a@x.com" and c1["Name"] == "Ann"
    assert c1["First order"] == dt.datetime(2026, 1, 1) and c1["Last order"] == dt.datetime(2026, 1, 20)
    assert (c1["Recency (days)"], c1["Orders"], c1["Net sales"], c1["Average order value"]) == (12, 2, 60, 30)
    assert ws.cell(2, 4).number_format == "yyyy-mm-dd"
    assert isinstance(ws.cell(2, 4).value, dt.datetime)


def test_header_is_bold_frozen_and_filtered_with_sensible_widths(result):
    wb = _book(export.segments_workbook(result.customers))
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws["A1"].font.b
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        widths = [ws.column_dimensions[c].width for c in "ABC"]
        assert all(6 <= w <= 62 for w in widths)


def test_text_cells_are_neutralised_against_formula_injection(result):
    wb = _book(export.segments_workbook(result.customers))
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert "'=HYPERLINK(\"http://evil\")" in texts
    assert "'+1 555" in texts and "'@SUM(A1)" in texts and "'-Dee" in texts
    assert not any(v.startswith(("=", "+", "-", "@")) for v in texts)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f"


def test_without_contact_fields_the_columns_are_absent_and_every_segment_is_exported():
    res = rfm.analyse(_orders(with_contacts=False))
    wb = _book(export.segments_workbook(res.customers, lang="zh"))
    present = [s for s, n in zip(res.segments["segment"], res.segments["customers"]) if n]
    assert len(wb.sheetnames) == 1 + len(present)
    assert wb.sheetnames[0] == "汇总"
    header = [c.value for c in wb.worksheets[1][1]]
    assert "邮箱" not in header and header[0] == "客户ID"
    assert sum(ws.max_row - 1 for ws in wb.worksheets[1:]) == 5


def test_unknown_segment_names_are_refused(result):
    with pytest.raises(DataError, match="Unknown segment"):
        export.segments_workbook(result.customers, ["vip"])


def test_workbook_is_saved_to_a_path_too(result, tmp_path):
    path = tmp_path / "segments.xlsx"
    data = export.segments_workbook(result.customers, path=path)
    assert path.read_bytes() == data


def _cells(data: bytes):
    wb = _book(data)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": [[(c.value, c.number_format if c.value is not None else None) for c in row]
                      for row in ws.iter_rows()],
            "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref, "dims": ws.calculate_dimension(),
            "widths": {k: v.width for k, v in ws.column_dimensions.items()},
        }
    return out


def test_bulk_path_for_large_sheets_writes_the_same_workbook_as_the_cell_by_cell_path(monkeypatch):
    frame = pd.DataFrame({
        "id": ["a1", "=cmd()", "  spaced ", None, "x<y & z>\x01", "中文名"],
        "n": [1, 2, -3, 4, 5, 6],
        "x": [0.1, float("nan"), 1e20, -2.5, 3.0, 1 / 3],
        "day": pd.to_datetime(["2026-01-01", None, "1999-12-31", "2026-02-28", "2026-03-01", "2030-12-31"]),
        "at": pd.to_datetime(["2026-01-01 10:30", "2026-01-02 00:00", None, "2026-01-03 23:59",
                              "2026-01-04 00:00", "2026-01-05 00:00"]),
        "ok": [True, False, True, True, False, True],
        "share": [0.5, 0.25, 0.125, 1.0, 0.0, 0.75],
    })
    sheets = {"Big": frame, "Small": frame.head(2)}
    slow = export.write_workbook(sheets, number_formats={"share": "0.0%"})
    monkeypatch.setattr(export, "BULK_ROWS", 3)
    fast = export.write_workbook(sheets, number_formats={"share": "0.0%"})
    assert slow != fast  # the big sheet really went through the bulk path
    a, b = _cells(slow), _cells(fast)
    assert a.keys() == b.keys()
    for title in a:
        for key in ("freeze", "filter", "dims", "widths"):
            assert a[title][key] == b[title][key], (title, key)
        for row_a, row_b in zip(a[title]["cells"], b[title]["cells"], strict=True):
            assert row_a == row_b
    big = _book(fast)["Big"]
    assert big["A3"].value == "'=cmd()" and big["A4"].value == "  spaced "
    assert big["D2"].value == dt.datetime(2026, 1, 1) and big["D2"].number_format == "yyyy-mm-dd"
    assert big["G2"].number_format == "0.0%"


def test_segment_lists_carry_churn_risk_and_next_order_when_the_model_gave_them(result):
    from cbe_core.customers import clv

    pred = pd.DataFrame({"customer_id": ["c1", "c2", "c5"], "churn_risk": [0.25, 0.5, 0.9],
                         "expected_next_order": pd.to_datetime(["2026-02-20", "2026-03-01", None]),
                         "predicted_spend": [12.5, 3.0, 0.4], "p_alive": [0.75, 0.5, 0.1]})
    merged = clv.with_predictions(result.customers, pred)
    assert list(merged["customer_id"]) == list(result.customers["customer_id"])
    assert merged.set_index("customer_id")["churn_risk"].isna().to_dict() == {
        "c1": False, "c2": False, "c3": True, "c4": True, "c5": False}
    segs = merged.set_index("customer_id")["segment"].astype(str)
    wb = _book(export.segments_workbook(merged, [segs["c1"]]))
    sheet = wb[wb.sheetnames[1]]
    header = [c.value for c in sheet[1]]
    assert header[-5:] == ["Churn risk", "Next order expected by (if still active)",
                           "Predicted spend, 12 months", "Segment", "Suggested action"]
    row = {h: c for h, c in zip(header, sheet[2])}
    assert row["Churn risk"].value == 0.25 and row["Churn risk"].number_format == "0%"
    assert row["Next order expected by (if still active)"].value == dt.datetime(2026, 2, 20)
    # a list without the model's columns is unchanged
    plain = [c.value for c in _book(export.segments_workbook(result.customers, [segs["c1"]]))[
        wb.sheetnames[1]][1]]
    assert "Churn risk" not in plain
