import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from cbe_core import export, rfm
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
        df["email"] = ["a@x.com", "a@x.com", "=HYPERLINK(\"http://evil\")", "c@x.com", "+1 555", "e@x.com", "e@x.com"]
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
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
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
