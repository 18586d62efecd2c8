"""cbe_core.ingest: encodings, delimiters, number and date formats, row accounting, structural errors."""

from __future__ import annotations

import io as _io
import struct
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cbe_core import ingest, schema
from cbe_core.errors import DataError
from cbe_core.ingest import sniff

DATA = Path(__file__).resolve().parent / "data" / "io"
ROOT = Path(__file__).resolve().parents[1]


def read(name: str, table: str = "orders", **kw):
    return ingest.read_table(DATA / name, table, **kw)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# --------------------------------------------------------------------------------------------------
# The project's own layout
# --------------------------------------------------------------------------------------------------
def test_canonical_orders_csv_gives_the_schema_frame():
    frame, rep = read("orders_canonical.csv")
    expected = pd.DataFrame(
        {
            "order_id": pd.array(["100001", "100002", "100002", "100003", "100004"], dtype="str"),
            "order_date": pd.to_datetime(
                ["2026-03-01 09:15", "2026-03-01 11:40", "2026-03-01 11:40", "2026-03-02 08:05",
                 "2026-03-03 17:30"]
            ).astype("datetime64[ns]"),
            "sku": pd.array(["KIT-001", "HOM-002", "KIT-001", "BEA-003", "KIT-001"], dtype="str"),
            "quantity": np.array([2, 1, 1, 3, -1], dtype="int64"),
            "unit_price": [19.99, 24.50, 19.99, 9.00, 19.99],
            "customer_id": pd.array(["C0001", "C0002", "C0002", "C0001", "C0003"], dtype="str"),
            "country": pd.array(["US", "DE", "DE", "US", "GB"], dtype="str"),
            "channel": pd.array(["amazon", "shopify", "shopify", "amazon", "tiktok"], dtype="str"),
            "status": pd.array(["shipped", "paid", "paid", "cancelled", "returned"], dtype="str"),
            "currency": pd.array(["USD", "EUR", "EUR", "USD", "GBP"], dtype="str"),
            "cancelled": [False, False, False, True, False],
        }
    )
    pd.testing.assert_frame_equal(frame, expected)
    assert rep.rows_read == rep.rows_loaded == 5
    assert rep.dropped == {} and rep.fixed == {}
    assert rep.excluded == {"io.excluded.cancelled": 1, "io.excluded.returns": 1}
    assert rep.layout is None and rep.encoding == "utf-8" and rep.delimiter == ","
    assert rep.mapping["order_date"] == "order_date"


def test_summary_counts_only_sales_lines():
    frame, _ = read("orders_canonical.csv")
    # sales: 2 x 19.99 + 24.50 + 19.99 (the cancelled line and the return are not sales)
    assert ingest.summarize(frame, "orders") == {
        "rows": 5,
        "sales_lines": 3,
        "revenue": 84.47,
        "customers": 2,
        "first_date": "2026-03-01",
        "last_date": "2026-03-01",
    }


def test_path_bytes_and_file_like_read_the_same():
    raw = (DATA / "orders_canonical.csv").read_bytes()
    a, _ = ingest.read_table(DATA / "orders_canonical.csv", "orders")
    b, rb = ingest.read_table(raw, "orders", filename="orders.csv")
    upload = _io.BytesIO(raw)
    upload.name = "orders.csv"  # like Streamlit's UploadedFile
    assert ingest.inspect_file(upload, "orders").missing_required == []
    c, rc = ingest.read_table(upload, "orders")  # read again after the inspection
    assert rc.file == "orders.csv"
    d, _ = ingest.read_table(str(DATA / "orders_canonical.csv"), "orders")
    for other in (b, c, d):
        pd.testing.assert_frame_equal(a, other)
    assert rb.file == "orders.csv"


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_template_reads_back_with_every_column_typed(table):
    blob = ingest.template_csv(table)
    assert blob.startswith(b"\xef\xbb\xbf")
    frame, rep = ingest.read_table(blob, table, filename=f"{table}.csv")
    assert rep.rows_loaded == 2 and rep.dropped == {}
    kinds = {c.name: c.kind for c in schema.get_table(table).columns}
    expected_dtype = {"id": "str", "text": "str", "category": "str", "datetime": "datetime64[ns]",
                      "date": "datetime64[ns]", "int": "int64", "float": "float64", "money": "float64",
                      "pct": "float64", "bool": "bool"}
    for col, kind in kinds.items():
        assert str(frame[col].dtype) == expected_dtype[kind], (table, col)


@pytest.mark.skipif(not (ROOT / "sample_data" / "orders.csv").exists(), reason="sample store not written yet")
@pytest.mark.parametrize("table", list(schema.TABLES))
def test_sample_store_files_load_without_drops(table):
    path = ROOT / "sample_data" / f"{table}.csv"
    if not path.exists():
        pytest.skip(f"{path.name} not in the sample store")
    frame, rep = ingest.read_table(path, table)
    assert rep.rows_loaded == rep.rows_read > 0
    assert rep.dropped == {}
    assert set(schema.get_table(table).required) <= set(frame.columns)


# --------------------------------------------------------------------------------------------------
# Encodings and delimiters
# --------------------------------------------------------------------------------------------------
def test_utf8_bom_semicolons_and_decimal_commas():
    frame, rep = read("orders_semicolon_decimal_comma.csv")
    assert rep.encoding == "utf-8-sig" and rep.delimiter == ";"
    assert frame["unit_price"].tolist() == [19.99, 1249.50, 9.00, 12.50]
    assert frame["order_date"].tolist() == [ts("2026-03-01"), ts("2026-03-02"), ts("2026-03-15"),
                                            ts("2026-03-31")]
    assert rep.fixed == {"io.fix.decimal_comma": 4}
    assert rep.examples["io.fix.decimal_comma"] == [2, 3, 4, 5]


def test_gbk_erp_export_with_title_row_and_totals_row():
    frame, rep = read("orders_erp_gbk.csv")
    assert rep.encoding == "gb18030" and rep.layout == "erp_cn"
    assert rep.mapping["order_id"] == "订单号" and rep.mapping["customer_id"] == "买家ID"
    assert frame["product_name"].tolist() == ["竹砧板", "硅胶铲套装", "面膜,10片", "竹砧板"]
    assert frame["unit_price"].tolist() == [128.0, 56.5, 1020.0, 128.0]
    assert frame["order_date"].iloc[0] == ts("2026-03-01 10:05")
    # 已取消 and 已退款 are cancellations; the 合计 row on spreadsheet row 7 is dropped and counted
    assert frame["cancelled"].tolist() == [False, True, False, True]
    assert rep.dropped == {"io.reason.totals_row": 1}
    assert rep.examples["io.reason.totals_row"] == [7]
    assert rep.rows_read == 5 and rep.rows_loaded == 4


def test_windows_1252_tab_separated_with_pound_signs():
    frame, rep = read("orders_cp1252.tsv")
    assert rep.encoding == "cp1252" and rep.delimiter == "\t"
    assert frame["customer_id"].tolist() == ["Müller GmbH", "José Álvarez", "Françoise"]
    assert frame["unit_price"].tolist() == [19.99, 24.50, 19.99]
    assert frame["order_date"].tolist() == [ts("2026-03-01"), ts("2026-03-13"), ts("2026-03-28")]


def test_latin_text_that_happens_to_be_valid_gbk_is_read_as_windows_1252():
    # 'ÖR', 'öl', 'ür' are valid GBK byte pairs: the bytes decode as GB18030 without error
    blob = ("order_id;order_date;sku;quantity;unit_price;customer_id\n"
            "1;2026-03-01;A;1;2;JÖRG MÜLLER Köln Zürich\n").encode("cp1252")
    blob.decode("gb18030")
    frame, rep = ingest.read_table(blob, "orders", filename="de.csv")
    assert rep.encoding == "cp1252"
    assert frame["customer_id"].tolist() == ["JÖRG MÜLLER Köln Zürich"]


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_delimiter_is_detected(delim):
    text = delim.join(["order_id", "order_date", "sku", "quantity", "unit_price"]) + "\n"
    text += delim.join(["A1", "2026-03-01", "S1", "2", "3.5"]) + "\n"
    frame, rep = ingest.read_table(text.encode(), "orders", filename="x.csv")
    assert rep.delimiter == delim
    assert frame["unit_price"].tolist() == [3.5]


# --------------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------------
def _orders_with_prices(prices: list[str], delim: str = ",") -> pd.DataFrame:
    lines = [delim.join(["order_id", "order_date", "sku", "quantity", "unit_price"])]
    quote = '"' if delim == "," else ""
    for i, p in enumerate(prices):
        lines.append(delim.join([f"o{i}", "2026-03-01", "s", "1", f"{quote}{p}{quote}"]))
    frame, _ = ingest.read_table("\n".join(lines).encode(), "orders", filename="p.csv")
    return frame


@pytest.mark.parametrize(
    "prices,expected,delim",
    [
        (["$1,234.50", "$19.99", "US$ 5"], [1234.5, 19.99, 5.0], ","),
        (["1.234,50 €", "19,99 €", "5 €"], [1234.5, 19.99, 5.0], ";"),
        (["¥128.00", "￥1,020.00", "人民币 56.5"], [128.0, 1020.0, 56.5], ","),
        (["£ 1 234.50", "(12.00)", "0.5"], [1234.5, -12.0, 0.5], ","),
        (["1,5", "2,25", "10"], [1.5, 2.25, 10.0], ";"),
    ],
    ids=["dollar-thousands", "euro-decimal-comma", "yuan", "spaces-and-parentheses", "bare-decimal-comma"],
)
def test_money_formats(prices, expected, delim):
    assert _orders_with_prices(prices, delim)["unit_price"].tolist() == expected


def test_decimal_comma_decided_for_the_whole_column():
    # '1,250' alone could be 1250 or 1.25; '3,5' below proves the column uses decimal commas
    assert _orders_with_prices(["1,250", "3,5"])["unit_price"].tolist() == [1.25, 3.5]
    assert _orders_with_prices(["1,250", "3.50"])["unit_price"].tolist() == [1250.0, 3.5]


def test_unreadable_required_numbers_drop_the_row_with_its_row_number():
    text = ("order_id,order_date,sku,quantity,unit_price\n"
            "A,2026-03-01,s,1,2\n"
            "B,2026-03-01,s,one,2\n"
            "C,2026-03-01,s,1,abc\n")
    frame, rep = ingest.read_table(text.encode(), "orders", filename="o.csv")
    assert frame["order_id"].tolist() == ["A"]
    assert rep.dropped == {"io.reason.bad_number": 2}
    assert rep.examples["io.reason.bad_number"] == [3, 4]
    assert rep.rows_read == 3 and rep.rows_loaded == 1


def test_fractional_quantity_is_not_an_integer():
    text = "order_id,order_date,sku,quantity,unit_price\nA,2026-03-01,s,1.5,2\nB,2026-03-01,s,2,2\n"
    frame, rep = ingest.read_table(text.encode(), "orders", filename="o.csv")
    assert frame["order_id"].tolist() == ["B"] and frame["quantity"].dtype == "int64"
    assert rep.dropped == {"io.reason.bad_number": 1}


def test_unreadable_optional_values_are_blanked_and_counted():
    text = ("order_id,order_date,sku,quantity,unit_price,unit_cost\n"
            "A,2026-03-01,s,1,2,n/a\n"
            "B,2026-03-01,s,2,2,abc\n"
            "C,2026-03-01,s,2,2,1.5\n")
    frame, rep = ingest.read_table(text.encode(), "orders", filename="o.csv")
    assert rep.rows_loaded == 3
    assert frame["unit_cost"].isna().tolist() == [True, True, False]
    assert rep.fixed == {"io.fix.invalid_blanked": 1}  # 'n/a' is a missing value, 'abc' is unreadable
    assert rep.examples["io.fix.invalid_blanked"] == [3]


def test_missing_required_values_and_blank_rows_are_counted():
    text = ("order_id,order_date,sku,quantity,unit_price\n"
            "A,2026-03-01,s,1,2\n"
            ",2026-03-01,s,1,2\n"
            ",,,,\n"
            "B,2026-03-02,s,1,2\n")
    frame, rep = ingest.read_table(text.encode(), "orders", filename="o.csv")
    assert frame["order_id"].tolist() == ["A", "B"]
    assert rep.dropped == {"io.reason.blank_row": 1, "io.reason.missing_value": 1}
    assert rep.examples["io.reason.missing_value"] == [3]
    assert rep.examples["io.reason.blank_row"] == [4]
    assert rep.rows_read == 4


def test_rows_with_the_wrong_number_of_fields_are_counted():
    text = ("order_id,order_date,sku,quantity,unit_price\n"
            "A,2026-03-01,s,1,2\n"
            "B,2026-03-01,s,1,2,extra,more\n"
            "C,2026-03-02,s,1,2\n")
    frame, rep = ingest.read_table(text.encode(), "orders", filename="o.csv")
    assert frame["order_id"].tolist() == ["A", "C"]
    assert rep.dropped == {"io.reason.bad_shape": 1}
    assert rep.examples["io.reason.bad_shape"] == [3]


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------
def test_day_first_is_decided_from_the_whole_column():
    frame, rep = read("orders_dayfirst.csv")
    # 25/04/2026 on the third line proves day-first, so 03/04/2026 is the 3rd of April
    assert frame["order_date"].tolist() == [ts("2026-04-03"), ts("2026-04-05"), ts("2026-04-25"),
                                            ts("2026-05-01")]
    assert not any(k == "io.note.date_order_assumed" for k, _ in rep.notes)


def test_month_first_when_a_value_proves_it():
    text = "order_id,order_date,sku,quantity,unit_price\nA,03/04/2026,s,1,2\nB,12/25/2026,s,1,2\n"
    frame, _ = ingest.read_table(text.encode(), "orders", filename="o.csv")
    assert frame["order_date"].tolist() == [ts("2026-03-04"), ts("2026-12-25")]


def test_ambiguous_slash_dates_are_read_month_first_with_a_note():
    frame, rep = read("orders_monthfirst_ambiguous.csv")
    assert frame["order_date"].tolist() == [ts("2026-03-04"), ts("2026-05-04")]
    assert ("io.note.date_order_assumed", {"order": "MM/DD"}) in rep.notes


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2026-03-01 01:30:00 +0800", "2026-03-01 01:30"),
        ("2026-03-01T01:30:00+08:00", "2026-03-01 01:30"),
        ("2026-02-28T23:59:00-08:00", "2026-02-28 23:59"),
        ("2026-03-01T01:30:00Z", "2026-03-01 01:30"),
        ("2026-03-01 01:30:00 UTC", "2026-03-01 01:30"),
        ("2026/3/1 1:30", "2026-03-01 01:30"),
        ("Mar 1, 2026", "2026-03-01"),
        ("1 March 2026", "2026-03-01"),
        ("20260301", "2026-03-01"),
        ("2026年3月1日", "2026-03-01"),
        ("03/01/2026 1:30 PM", "2026-03-01 13:30"),
    ],
    ids=["shopify-offset", "iso-offset", "negative-offset", "zulu", "utc-word", "slashes", "month-name",
         "day-month-name", "compact", "chinese", "am-pm"],
)
def test_date_formats_keep_the_local_wall_clock(value, expected):
    text = f'order_id,order_date,sku,quantity,unit_price\nA,"{value}",s,1,2\n'
    frame, _ = ingest.read_table(text.encode(), "orders", filename="o.csv")
    assert frame["order_date"].tolist() == [ts(expected)]


def test_excel_serial_dates():
    frame, rep = read("orders_excel_serial.csv")
    assert frame["order_date"].tolist() == [ts("2026-03-01"), ts("2026-03-02 12:00")]
    assert rep.fixed == {"io.fix.excel_serial_date": 2}


def test_unreadable_dates_drop_the_row():
    text = "order_id,order_date,sku,quantity,unit_price\nA,2026-03-01,s,1,2\nB,soon,s,1,2\n"
    frame, rep = ingest.read_table(text.encode(), "orders", filename="o.csv")
    assert frame["order_id"].tolist() == ["A"]
    assert rep.dropped == {"io.reason.bad_date": 1} and rep.examples["io.reason.bad_date"] == [3]


def test_date_kind_is_normalised_to_midnight():
    text = "date,sku,source,sessions\n2026-03-01 13:45,A,google,5\n"
    frame, _ = ingest.read_table(text.encode(), "traffic", filename="t.csv")
    assert frame["date"].tolist() == [ts("2026-03-01")]
    assert frame["date_end"].tolist() == [ts("2026-03-01")]


# --------------------------------------------------------------------------------------------------
# Ids, guards, totals
# --------------------------------------------------------------------------------------------------
def test_excel_guards_keep_leading_zeros():
    frame, rep = read("orders_excel_guards.csv")
    assert frame["order_id"].tolist() == ["00123", "00124"]
    assert frame["sku"].tolist() == ["0042", "0042"]
    assert frame["customer_id"].tolist() == ["000777", "000778"]
    assert rep.fixed == {"io.fix.excel_guard": 6}


def test_totals_row_below_traffic_is_dropped():
    frame, rep = read("traffic_canonical_totals.csv", "traffic")
    assert frame["sessions"].tolist() == [400, 120, 390]
    assert rep.dropped == {"io.reason.totals_row": 1} and rep.examples["io.reason.totals_row"] == [5]


def test_ids_written_as_floats_lose_the_trailing_zero():
    text = ("order_id,order_date,sku,quantity,unit_price,customer_id\n"
            "1.0,2026-03-01,85048,1,2,13085.0\n"
            "2.0,2026-03-01,85049,1,2,\n")
    frame, _ = ingest.read_table(text.encode(), "orders", filename="o.csv")
    assert frame["order_id"].tolist() == ["1", "2"]
    assert frame["customer_id"].iloc[0] == "13085" and pd.isna(frame["customer_id"].iloc[1])


# --------------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------------
def test_xlsx_with_title_row_real_dates_and_totals():
    frame, rep = read("orders_erp_title_row.xlsx")
    assert rep.encoding == "xlsx" and rep.delimiter is None and rep.layout == "erp_cn"
    assert frame["order_id"].tolist() == ["000123", "000124", "000125"]
    assert frame["order_date"].tolist() == [ts("2026-03-01 10:05"), ts("2026-03-01 12:30"),
                                            ts("2026-03-02 08:00")]
    assert frame["unit_price"].tolist() == [128.0, 56.5, 1020.0]
    assert frame["quantity"].dtype == "int64"
    # title on row 1, blank row 2, header row 3: the unreadable date is on spreadsheet row 7, totals on 8
    assert rep.dropped == {"io.reason.bad_date": 1, "io.reason.totals_row": 1}
    assert rep.examples == {"io.reason.bad_date": [7], "io.reason.totals_row": [8]}


def test_xlsx_written_by_the_project_reads_back(tmp_path):
    frame, _ = read("orders_canonical.csv")
    from cbe_core.export import write_workbook

    blob = write_workbook({"orders": frame.drop(columns=["cancelled"])})
    back, rep = ingest.read_table(blob, "orders", filename="orders.xlsx")
    pd.testing.assert_frame_equal(back[frame.columns], frame)


def test_inspect_reports_headers_mapping_and_preview():
    insp = ingest.inspect_file(DATA / "orders_erp_title_row.xlsx", "orders")
    assert insp.headers == ["订单号", "下单时间", "买家ID", "SKU", "数量", "单价", "订单状态", "国家"]
    assert insp.missing_required == [] and insp.layout == "erp_cn"
    assert insp.preview.shape == (5, 8)
    assert insp.preview.iloc[0, 0] == "000123"


def test_inspect_lists_missing_required_columns_for_the_mapping_ui():
    text = "Ref,When,Item,Count,Amount\nA,2026-03-01,s,1,2\n"
    insp = ingest.inspect_file(text.encode(), "orders", filename="odd.csv")
    assert insp.headers == ["Ref", "When", "Item", "Count", "Amount"]
    assert insp.missing_required == ["order_id", "order_date", "sku", "quantity", "unit_price"]
    frame, rep = ingest.read_table(
        text.encode(), "orders", filename="odd.csv",
        mapping={"order_id": "Ref", "order_date": "When", "sku": "Item", "quantity": "Count",
                 "unit_price": "Amount"},
    )
    assert frame["unit_price"].tolist() == [2.0] and rep.mapping["order_id"] == "Ref"


# --------------------------------------------------------------------------------------------------
# Structural errors: one DataError with a specific message
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "blob,pattern",
    [
        (b"", r"x\.csv is empty"),
        (b"   \n\n  ", r"x\.csv is empty"),
        (b"order_id,order_date,sku,quantity,unit_price\n",
         r"x\.csv has a header row \(order_id, order_date.*no data rows"),
        (b"just some words\nwithout any separators\n", r"x\.csv does not look like a table"),
        (b"\x00\x01\x02\x03binary\x00junk" * 50, r"x\.csv is not a text table"),
        (b"PK\x03\x04garbage that is not a zip", r"x\.csv is not a readable Excel workbook"),
    ],
    ids=["empty", "whitespace", "header-only", "not-a-table", "binary", "corrupt-zip"],
)
def test_unusable_files_raise_a_specific_message(blob, pattern):
    with pytest.raises(DataError, match=pattern):
        ingest.read_table(blob, "orders", filename="x.csv")


def test_missing_required_column_lists_what_was_found_and_says_map_it():
    text = b"order_id,sku,quantity,price\nA,s,1,2\n"
    with pytest.raises(DataError, match=r"o\.csv: the orders table needs column\(s\) order_date.*"
                                        r"Columns found: order_id, sku, quantity, price\. Map them") as err:
        ingest.read_table(text, "orders", filename="o.csv")
    assert err.value.key == "err.io.missing_columns"
    assert "订单" in err.value.message("zh") or "映射" in err.value.message("zh")


def test_mapping_to_a_header_that_does_not_exist_is_refused():
    with pytest.raises(DataError, match=r"sends 'Nope' to order_date, but the file has no such header"):
        ingest.read_table(DATA / "orders_canonical.csv", "orders", mapping={"order_date": "Nope"})


def test_oversized_file_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(sniff, "MAX_BYTES", 100)
    with pytest.raises(DataError, match=r"orders_canonical\.csv is 0 MB, above the 0 MB limit"):
        read("orders_canonical.csv")
    with pytest.raises(DataError, match="above the"):
        ingest.read_table(b"x" * 200, "orders", filename="big.csv")


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(sniff, "MAX_ROWS", 3)
    with pytest.raises(DataError, match=r"has 5 rows, above the 3-row limit"):
        read("orders_canonical.csv")


def test_corrupt_xlsx_is_refused():
    blob = (DATA / "orders_erp_title_row.xlsx").read_bytes()
    with pytest.raises(DataError, match=r"bad\.xlsx is not a readable Excel workbook"):
        ingest.read_table(blob[: len(blob) // 2], "orders", filename="bad.xlsx")


def test_xlsx_zip_bomb_is_refused_before_inflating():
    blob = bytearray((DATA / "orders_erp_title_row.xlsx").read_bytes())
    # claim a 4 GB uncompressed sheet in the central directory, as a zip bomb would
    pos = blob.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack("<H", blob[pos + 28 : pos + 30])[0]
        name = bytes(blob[pos + 46 : pos + 46 + name_len])
        if name.startswith(b"xl/worksheets/"):
            blob[pos + 24 : pos + 28] = struct.pack("<I", 0xFFFFFF00)
        pos = blob.find(b"PK\x01\x02", pos + 4)
    with pytest.raises(DataError, match=r"bomb\.xlsx would expand to .* MB when opened"):
        ingest.read_table(bytes(blob), "orders", filename="bomb.xlsx")


def test_periodless_business_report_needs_a_period():
    with pytest.raises(DataError, match=r"traffic_amazon_business_child\.csv is a report "
                                        r"without a date column.*--from and --to"):
        read("traffic_amazon_business_child.csv", "traffic")


def test_unknown_table_is_refused():
    with pytest.raises(DataError, match=r"Unknown table 'nope'"):
        ingest.read_table(b"a,b\n1,2\n", "nope")


def test_inverted_period_is_refused():
    with pytest.raises(DataError, match=r"2026-03-31 to 2026-03-01 is not valid"):
        read("orders_canonical.csv", period=(date(2026, 3, 31), date(2026, 3, 1)))


# --------------------------------------------------------------------------------------------------
# Period filter and the report's text
# --------------------------------------------------------------------------------------------------
def test_period_filters_dated_rows_and_counts_them():
    frame, rep = read("orders_canonical.csv", period=(date(2026, 3, 2), date(2026, 3, 3)))
    assert frame["order_id"].tolist() == ["100003", "100004"]
    assert rep.dropped == {"io.reason.outside_period": 3}


def test_describe_in_both_languages():
    _, rep = read("orders_erp_gbk.csv")
    en = rep.describe("en")
    zh = rep.describe("zh")
    assert en[0] == "orders_erp_gbk.csv (orders): 5 rows read, 4 loaded."
    assert zh[0] == "orders_erp_gbk.csv（订单）：读取 5 行，载入 4 行。"
    assert any("Dropped 1 row(s): totals rows" in line and "rows 7" in line for line in en)
    assert any("国内 ERP 订单导出" in line for line in zh)
    d = rep.to_dict()
    assert d["dropped"] == {"io.reason.totals_row": 1} and d["layout"] == "erp_cn"


def test_every_report_key_is_in_the_catalog():
    from cbe_core import i18n

    for name in sorted(p.name for p in DATA.iterdir()):
        table = name.split("_")[0]
        if table not in schema.TABLES:
            continue
        period = (date(2026, 3, 1), date(2026, 3, 31))
        _, rep = ingest.read_table(DATA / name, table, period=period if "business_child" in name else None)
        for key in [*rep.dropped, *rep.fixed, *rep.excluded, *(k for k, _ in rep.notes)]:
            assert i18n.has(key), key
        if rep.layout:
            assert i18n.has(f"io.layout.{rep.layout}")
        for line in rep.describe("zh"):
            assert "io." not in line.split("：")[0] or line.startswith(name)


def test_big_files_read_through_a_memory_map_match_bytes(tmp_path):
    lines = ["order_id,order_date,sku,quantity,unit_price,customer_id"]
    lines += [f"O{i},2026-03-{1 + i % 28:02d} 10:00:00,S{i % 7},{1 + i % 3},{(i % 50) + 0.99},C{i % 900}"
              for i in range(40_000)]
    lines.append("O-last,2026-03-01 10:00:00 +0800,S1,1,$1.00,C1")  # a messy last line forces the text path
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 1 << 20
    a, ra = ingest.read_table(path, "orders")
    b, rb = ingest.read_table(path.read_bytes(), "orders", filename="big.csv")
    pd.testing.assert_frame_equal(a, b)
    assert ra.rows_loaded == 40_001 and ra.dropped == {}
    assert a["order_date"].iloc[-1] == ts("2026-03-01 10:00") and a["unit_price"].iloc[-1] == 1.0
    assert ra.fixed == {"io.fix.utc_offset": 1, "io.fix.number_format": 1}
    assert ra.examples["io.fix.utc_offset"] == [40_002]


@pytest.mark.parametrize(
    "status,cancelled",
    [("cancelled", True), ("Canceled", True), ("VOIDED", True), ("refunded", True),
     ("Cancelled by buyer", True),
     ("已取消", True), ("取消", True), ("已退款", True), ("退款", True), ("交易关闭", True),
     ("partially_refunded", False), ("部分退款", False), ("shipped", False), ("已发货", False), ("", False)],
)
def test_cancelled_status_words_in_english_and_chinese(status, cancelled):
    text = f"order_id,order_date,sku,quantity,unit_price,status\nA,2026-03-01,s,1,2,{status}\n"
    frame, rep = ingest.read_table(text.encode(), "orders", filename="o.csv")
    assert frame["cancelled"].tolist() == [cancelled]
    assert rep.excluded.get("io.excluded.cancelled", 0) == int(cancelled)


def test_summary_of_a_period_table_spans_date_to_date_end():
    frame, _ = ingest.read_table(DATA / "traffic_amazon_business_child.csv", "traffic",
                                 period=(date(2026, 3, 1), date(2026, 3, 31)))
    assert ingest.summarize(frame, "traffic") == {"rows": 3, "first_date": "2026-03-01",
                                                  "last_date": "2026-03-31"}


def test_trailing_delimiters_on_data_lines_are_not_extra_fields():
    text = "order_id,order_date,sku,quantity,unit_price\nA,2026-03-01,s,1,2,\nB,2026-03-02,s,1,3,\n"
    frame, rep = ingest.read_table(text.encode(), "orders", filename="o.csv")
    assert frame["order_id"].tolist() == ["A", "B"] and rep.dropped == {}
    assert list(frame.columns) == ["order_id", "order_date", "sku", "quantity", "unit_price", "cancelled"]
