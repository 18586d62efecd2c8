"""Workspace: stores, append with de-duplication, history, backup, faults.

Every test takes the ``ws`` fixture, parametrised over backends (DuckDB today; a PostgreSQL backend
adds its own ``param`` with a connection to a throw-away server), so each behaviour is checked on each.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cbe_core.ingest import read_table
from cbe_core.workspace import KEYS, Workspace, WorkspaceError, check_store_name
from cbe_core.workspace.duckdb_backend import classify

ORDERS_HEADER = "order_id,order_date,sku,quantity,unit_price,customer_id,status\n"


@pytest.fixture(params=["duckdb"])
def ws(request, tmp_path) -> Workspace:
    if request.param == "duckdb":
        return Workspace(tmp_path / "ws.duckdb", timeout=30)
    raise AssertionError(request.param)  # pragma: no cover - other backends add their own branch


def orders_csv(lines: list[str]) -> bytes:
    return (ORDERS_HEADER + "\n".join(lines) + "\n").encode()


JAN = [
    "A1,2026-01-05 10:00,SKU-1,1,10.00,C1,paid",
    "A1,2026-01-05 10:00,SKU-2,2,5.00,C1,paid",
    "A2,2026-01-06 11:00,SKU-1,1,10.00,C2,paid",
    "A3,2026-01-07 12:00,SKU-3,1,20.00,C3,paid",
]
# the next export overlaps: A1 unchanged, A2 was refunded later, A3 unchanged, A4 and A5 are new,
# and A5's line is listed twice (an export artefact)
FEB = [
    "A1,2026-01-05 10:00,SKU-1,1,10.00,C1,paid",
    "A1,2026-01-05 10:00,SKU-2,2,5.00,C1,paid",
    "A2,2026-01-06 11:00,SKU-1,1,10.00,C2,refunded",
    "A3,2026-01-07 12:00,SKU-3,1,20.00,C3,paid",
    "A4,2026-02-01 09:00,SKU-1,3,10.00,C1,paid",
    "A5,2026-02-02 09:00,SKU-2,1,5.00,C4,paid",
    "A5,2026-02-02 09:00,SKU-2,1,5.00,C4,paid",
]


def counts(res) -> tuple[int, int, int, int]:
    return res.added, res.updated, res.unchanged, res.duplicates


# ----------------------------------------------------------------------------------- merging
def test_first_import_adds_every_line(ws):
    res = ws.import_file("Shop", "orders", orders_csv(JAN), filename="jan.csv")
    assert counts(res) == (4, 0, 0, 0)
    assert res.rows_in_file == 4 and res.file == "jan.csv" and len(res.sha256) == 64


def test_overlapping_export_adds_new_lines_updates_changed_and_counts_duplicates(ws):
    ws.import_file("Shop", "orders", orders_csv(JAN), filename="jan.csv")
    res = ws.import_file("Shop", "orders", orders_csv(FEB), filename="feb.csv")
    # 7 rows: A4 and A5 added, A2 updated (refunded), A1 x2 and A3 unchanged, A5's repeat a duplicate
    assert counts(res) == (2, 1, 3, 1)
    assert res.added + res.updated + res.unchanged + res.duplicates == res.rows_in_file
    orders = ws.load("Shop")["orders"]
    assert len(orders) == 6
    a2 = orders.loc[orders["order_id"] == "A2"].iloc[0]
    assert a2["status"] == "refunded" and bool(a2["cancelled"]) is True


def test_reimporting_the_same_file_changes_nothing(ws):
    ws.import_file("Shop", "orders", orders_csv(FEB), filename="feb.csv")
    before = ws.load("Shop")["orders"]
    res = ws.import_file("Shop", "orders", orders_csv(FEB), filename="feb.csv")
    assert counts(res) == (0, 0, 6, 1)
    pd.testing.assert_frame_equal(ws.load("Shop")["orders"], before)


def test_two_lines_of_one_order_with_the_same_sku_are_two_lines(ws):
    lines = ["B1,2026-03-01,SKU-1,1,10.00,C1,paid", "B1,2026-03-01,SKU-1,1,0.00,C1,paid"]  # gift line
    assert counts(ws.import_file("Shop", "orders", orders_csv(lines), filename="a.csv")) == (2, 0, 0, 0)
    assert counts(ws.import_file("Shop", "orders", orders_csv(lines), filename="a.csv")) == (0, 0, 2, 0)


def test_a_return_line_under_the_sales_order_id_stays_its_own_line(ws):
    sale = "R1,2026-03-01,SKU-1,1,10.00,C1,completed"
    ret = "R1,2026-03-09,SKU-1,-1,10.00,C1,returned"
    ws.import_file("Shop", "orders", orders_csv([sale]), filename="march-1.csv")
    # the next export starts after the sale: it holds only the return line
    assert counts(ws.import_file("Shop", "orders", orders_csv([ret]), filename="march-2.csv")) == (1, 0, 0, 0)
    assert counts(ws.import_file("Shop", "orders", orders_csv([sale, ret]), filename="m.csv")) == (0, 0, 2, 0)
    assert sorted(ws.load("Shop")["orders"]["quantity"]) == [-1, 1]


def test_a_poorer_export_does_not_erase_stored_columns(ws):
    rich = b"order_id,order_date,sku,quantity,unit_price,unit_cost\nA1,2026-01-05,S,1,10,4\n"
    poor = b"order_id,order_date,sku,quantity,unit_price\nA1,2026-01-05,S,1,10\n"
    ws.import_file("Shop", "orders", rich, filename="rich.csv")
    assert counts(ws.import_file("Shop", "orders", poor, filename="poor.csv")) == (0, 0, 1, 0)
    assert ws.load("Shop")["orders"]["unit_cost"].tolist() == [4.0]


def test_transactions_keep_identical_ledger_lines(ws):
    csv = (b"date,type,total,order_id,sku\n2026-01-05 10:00,Service Fee,-1.5,,\n"
           b"2026-01-05 10:00,Service Fee,-1.5,,\n")
    res = ws.import_file("Shop", "transactions", csv, filename="t.csv")
    assert counts(res) == (2, 0, 0, 0)
    assert counts(ws.import_file("Shop", "transactions", csv, filename="t.csv")) == (0, 0, 2, 0)


def test_snapshots_for_new_dates_extend_the_history(ws):
    head = "date,product_id,brand,is_own,price\n"
    week1 = head + "2026-01-05,P1,Us,yes,10\n2026-01-05,P2,Them,no,12\n"
    week2 = head + "2026-01-05,P1,Us,yes,10\n2026-01-12,P1,Us,yes,9.5\n2026-01-12,P2,Them,no,12\n"
    ws.import_file("Shop", "competitors", week1.encode(), filename="w1.csv")
    res = ws.import_file("Shop", "competitors", week2.encode(), filename="w2.csv")
    assert counts(res) == (2, 0, 1, 0)
    assert ws.summary("Shop").table("competitors").rows == 4


@pytest.mark.parametrize("table", sorted(KEYS))
def test_every_sample_table_comes_back_exactly_as_read(ws, root, table):
    path = root / "sample_data" / f"{table}.csv"
    if not path.exists():
        pytest.skip(f"the sample store has no {table} table")
    frame, _ = read_table(path, table)
    res = ws.import_file("Sample copy", table, path)
    assert res.added + res.duplicates == len(frame)
    pd.testing.assert_frame_equal(ws.load("Sample copy")[table], frame)


def test_extra_columns_keep_their_header_and_widen_when_a_later_file_has_text(ws):
    a = b"order_id,order_date,sku,quantity,unit_price,Gift note\nA1,2026-01-05,S,1,10,12\n"
    b = b"order_id,order_date,sku,quantity,unit_price,Gift note\nA2,2026-01-06,S,1,10,thank you\n"
    ws.import_file("Shop", "orders", a, filename="a.csv")
    ws.import_file("Shop", "orders", b, filename="b.csv")
    notes = ws.load("Shop")["orders"].set_index("order_id")["Gift note"]
    assert notes.to_dict() == {"A1": "12", "A2": "thank you"}


def test_import_history_keeps_files_hashes_counts_and_load_reports(ws):
    ws.import_file("Shop", "orders", orders_csv(JAN), filename="jan.csv")
    ws.import_file("Shop", "orders", orders_csv(FEB), filename="feb.csv")
    hist = ws.imports("Shop")
    assert hist["file_name"].tolist() == ["feb.csv", "jan.csv"]
    assert hist[["added", "updated", "unchanged", "duplicates"]].iloc[0].tolist() == [2, 1, 3, 1]
    assert hist["file_sha256"].str.len().eq(64).all()
    info = ws.summary("Shop").table("orders")
    assert (info.rows, info.imports, info.last_file) == (6, 2, "feb.csv")
    assert info.first_date == pd.Timestamp("2026-01-05 10:00")
    assert info.last_date == pd.Timestamp("2026-02-02 09:00")


# ----------------------------------------------------------------------------------- stores
def test_create_rename_delete_stores_and_delete_one_table(ws):
    assert ws.stores() == [] and ws.last_store() is None
    ws.create_store("Amazon US")
    ws.import_file("Shopify EU", "orders", orders_csv(JAN), filename="jan.csv")
    ws.import_file("Shopify EU", "traffic", b"date,sku,source,sessions\n2026-01-05,SKU-1,google,10\n",
                   filename="t.csv")
    assert [s.name for s in ws.stores()] == ["Amazon US", "Shopify EU"]
    assert ws.last_store() == "Shopify EU"
    with pytest.raises(WorkspaceError, match="already exists"):
        ws.create_store("amazon us")
    ws.rename_store("Shopify EU", "Shopify Europe")
    ws.delete_table("Shopify Europe", "traffic")
    assert list(ws.load("Shopify Europe")) == ["orders"]
    ws.delete_store("Amazon US")
    assert [s.name for s in ws.stores()] == ["Shopify Europe"]
    with pytest.raises(WorkspaceError, match="no store named 'Amazon US'"):
        ws.load("Amazon US")


def test_version_changes_with_every_change(ws):
    ws.create_store("S")
    v0 = ws.version("S")
    ws.import_file("S", "orders", orders_csv(JAN), filename="jan.csv")
    assert ws.version("S") > v0


@pytest.mark.parametrize("name", ["", "   ", "x" * 81, "two\nlines"],
                         ids=["empty", "blank", "long", "newline"])
def test_bad_store_names_are_refused_with_a_message(name):
    with pytest.raises(WorkspaceError, match="cannot be a store name"):
        check_store_name(name)


def test_store_names_are_data_not_sql(ws):
    name = "Bob's \"shop\"; DROP TABLE cbe_stores; --"
    ws.import_file(name, "orders", orders_csv(JAN), filename="x.csv")
    assert [s.name for s in ws.stores()] == [name]


# ----------------------------------------------------------------------------------- backup
def test_export_and_import_store_round_trip_and_keep_deduplicating(ws, tmp_path):
    ws.import_file("Shop", "orders", orders_csv(JAN), filename="jan.csv")
    ws.record_review("Shop", week="2026-W02", period_start="2026-01-05", period_end="2026-01-11",
                     findings=[{"code": "x", "slice": "store", "money_at_stake": 1.0}],
                     summary={"revenue": 50})
    manifest = ws.export_store("Shop", tmp_path / "backup")
    assert manifest["tables"]["orders"]["rows"] == 4
    assert json.loads((tmp_path / "backup" / "manifest.json").read_text())["format"] == "cbe-store"
    other = Workspace(tmp_path / "other.duckdb")
    other.import_store(tmp_path / "backup")
    pd.testing.assert_frame_equal(other.load("Shop")["orders"], ws.load("Shop")["orders"])
    assert other.last_review("Shop")["week"] == "2026-W02"
    # the restored store recognises its rows: the overlapping export gives the same counts as before
    assert counts(other.import_file("Shop", "orders", orders_csv(FEB), filename="feb.csv")) == (2, 1, 3, 1)


def test_import_store_refuses_an_existing_name_a_damaged_file_and_a_folder_without_manifest(ws, tmp_path):
    ws.import_file("Shop", "orders", orders_csv(JAN), filename="jan.csv")
    ws.export_store("Shop", tmp_path / "b")
    with pytest.raises(WorkspaceError, match="already exists"):
        ws.import_store(tmp_path / "b")
    with pytest.raises(WorkspaceError, match="not empty"):
        ws.export_store("Shop", tmp_path / "b")
    (tmp_path / "b" / "orders.parquet").write_bytes(b"garbage")
    with pytest.raises(WorkspaceError, match="damaged"):
        ws.import_store(tmp_path / "b", "Copy")
    (tmp_path / "empty").mkdir()
    with pytest.raises(WorkspaceError, match="no exported store"):
        ws.import_store(tmp_path / "empty", "Copy")
    assert [s.name for s in ws.stores()] == ["Shop"]


# ----------------------------------------------------------------------------------- reviews
def test_review_marks_are_kept_newest_first(ws):
    ws.create_store("Shop")
    ws.record_review("Shop", week="2026-W02", period_start="2026-01-05", period_end="2026-01-11",
                     findings=[], summary={})
    ws.record_review("Shop", week="2026-W03", period_start="2026-01-12", period_end="2026-01-18",
                     findings=[{"code": "a"}], summary={"n": 1})
    last = ws.last_review("Shop")
    assert last["week"] == "2026-W03" and last["period_end"] == pd.Timestamp("2026-01-18")
    assert last["findings"] == [{"code": "a"}] and len(ws.reviews("Shop")) == 2


# ----------------------------------------------------------------------------------- faults
def test_a_missing_workspace_has_no_stores_and_is_not_created_by_reading(tmp_path):
    ws = Workspace(tmp_path / "none.duckdb")
    assert ws.stores() == [] and ws.last_store() is None
    ws.check()
    assert not ws.path.exists()


@pytest.mark.parametrize("content", [b"", b"not a database " * 500], ids=["empty", "garbage"])
def test_a_corrupt_file_gets_a_clear_message_in_both_languages(tmp_path, content):
    path = tmp_path / "bad.duckdb"
    path.write_bytes(content)
    with pytest.raises(WorkspaceError, match="damaged") as err:
        Workspace(path).stores()
    assert str(path) in err.value.message("en")
    assert "已损坏" in err.value.message("zh")
    assert path.read_bytes() == content  # never overwritten


def test_a_workspace_from_a_newer_app_is_refused(tmp_path):
    ws = Workspace(tmp_path / "w.duckdb")
    ws.create_store("Shop")
    import duckdb

    con = duckdb.connect(str(ws.path))
    con.execute("UPDATE cbe_meta SET value = '99' WHERE name = 'schema_version'")
    con.close()
    with pytest.raises(WorkspaceError, match="newer version of this app"):
        ws.stores()


def test_a_newer_database_engine_file_is_named_as_such():
    import duckdb

    exc = duckdb.IOException("IO Error: Trying to read a database file with version number 70, but we can "
                             "only read version 69.")
    assert classify(exc, "w.duckdb").key == "ws.err.newer_duckdb"


def test_a_duckdb_file_that_is_not_a_workspace_is_refused(tmp_path):
    import duckdb

    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE accounts (x INTEGER)")
    con.close()
    with pytest.raises(WorkspaceError, match="not a CBE workspace"):
        Workspace(path).stores()


def test_a_failed_import_leaves_the_store_as_it_was(ws):
    ws.import_file("Shop", "orders", orders_csv(JAN), filename="jan.csv")
    before = ws.load("Shop")["orders"]
    bad = read_table(orders_csv(FEB), "orders", filename="feb.csv")[0]
    bad["quantity"] = bad["quantity"].astype("str") + "x"  # cannot be stored in the BIGINT column
    with pytest.raises(Exception):  # noqa: B017 - any engine error; the point is what is left behind
        ws.import_frame("Shop", "orders", bad, file_name="bad.csv")
    pd.testing.assert_frame_equal(ws.load("Shop")["orders"], before)
    assert len(ws.imports("Shop")) == 1


def test_line_keys_do_not_depend_on_dtype_details(ws):
    frame = read_table(orders_csv(JAN), "orders", filename="a.csv")[0]
    ws.import_frame("Shop", "orders", frame, file_name="a.csv")
    again = frame.assign(quantity=frame["quantity"].astype("Int64"),
                         unit_price=frame["unit_price"].astype(float))
    assert counts(ws.import_frame("Shop", "orders", again, file_name="a.csv")) == (0, 0, 4, 0)
    assert np.array_equal(ws.load("Shop")["orders"]["quantity"].to_numpy(), frame["quantity"].to_numpy())
