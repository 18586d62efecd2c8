"""``python -m cbe_core workspace ...``: import, list, export, import-store, rename, delete."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout

from cbe_core.__main__ import main

JAN = b"order_id,order_date,sku,quantity,unit_price\nA1,2026-01-05,S1,1,10\nA2,2026-01-06,S2,2,5\n"
FEB = (b"order_id,order_date,sku,quantity,unit_price,status\nA2,2026-01-06,S2,2,5,refunded\n"
       b"A3,2026-02-01,S1,1,10,paid\n")


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_import_prints_the_counts_as_json_and_as_text(tmp_path):
    ws = str(tmp_path / "ws.duckdb")
    (tmp_path / "jan.csv").write_bytes(JAN)
    (tmp_path / "feb.csv").write_bytes(FEB)
    code, out, _ = cli("workspace", "import", "orders", str(tmp_path / "jan.csv"), "--store", "Shop",
                       "--workspace", ws, "--json")
    assert code == 0
    res = json.loads(out)
    assert (res["added"], res["updated"], res["unchanged"], res["duplicates"]) == (2, 0, 0, 0)
    assert res["load_report"]["rows_loaded"] == 2 and res["file"] == "jan.csv"
    code, out, _ = cli("workspace", "import", "orders", str(tmp_path / "feb.csv"), "--store", "Shop",
                       "--workspace", ws)
    assert code == 0
    assert "1 added, 1 updated, 0 unchanged, 0 duplicates" in out
    code, out, _ = cli("workspace", "import", "orders", str(tmp_path / "feb.csv"), "--store", "Shop",
                       "--workspace", ws, "--lang", "zh")
    assert "新增 0，更新 0，未变 2，重复 0" in out


def test_list_export_import_store_rename_and_delete(tmp_path):
    ws = str(tmp_path / "ws.duckdb")
    (tmp_path / "jan.csv").write_bytes(JAN)
    cli("workspace", "import", "orders", str(tmp_path / "jan.csv"), "--store", "Shop", "--workspace", ws)
    code, out, _ = cli("workspace", "list", "--workspace", ws, "--json")
    listing = json.loads(out)["stores"]
    assert code == 0 and listing[0]["store"] == "Shop"
    assert listing[0]["tables"]["orders"] | {"last_import": None} == {
        "rows": 2, "first_date": "2026-01-05", "last_date": "2026-01-06", "last_import": None,
        "last_file": "jan.csv", "imports": 1}
    assert cli("workspace", "export", "Shop", str(tmp_path / "backup"), "--workspace", ws)[0] == 0
    code, out, _ = cli("workspace", "import-store", str(tmp_path / "backup"), "--name", "Copy",
                       "--workspace", ws)
    assert code == 0 and "Copy" in out
    assert cli("workspace", "rename", "Copy", "Copy 2", "--workspace", ws)[0] == 0
    assert cli("workspace", "delete-table", "Copy 2", "orders", "--workspace", ws)[0] == 0
    assert cli("workspace", "delete", "Copy 2", "--workspace", ws)[0] == 0
    code, out, _ = cli("workspace", "list", "--workspace", ws)
    assert "Shop" in out and "Copy" not in out


def test_errors_are_messages_with_exit_code_2(tmp_path):
    ws = str(tmp_path / "ws.duckdb")
    code, _, err = cli("review", "--store", "Nope", "--workspace", ws)
    assert code == 2 and "no workspace at" in err
    (tmp_path / "jan.csv").write_bytes(JAN)
    cli("workspace", "import", "orders", str(tmp_path / "jan.csv"), "--store", "Shop", "--workspace", ws)
    code, _, err = cli("workspace", "export", "Nope", str(tmp_path / "b"), "--workspace", ws)
    assert code == 2 and "no store named 'Nope'" in err
    code, _, err = cli("workspace", "import", "bogus", str(tmp_path / "jan.csv"), "--store", "Shop",
                       "--workspace", ws)
    assert code == 2 and "bogus" in err
