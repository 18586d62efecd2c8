"""The ``rfm`` and ``clv`` commands, run through the real dispatcher on files in tmp_path."""

import io
import json

import openpyxl
import pandas as pd
import pytest

from cbe_core.__main__ import main
from tests.test_clv import CAL_END, HOLD_END, cdnow_orders

ORDERS_CSV = """order_id,order_date,sku,quantity,unit_price,customer_id,email,status
A,2026-01-01,S1,2,10.00,c1,a@x.com,paid
B,2026-01-20,S1,1,40.00,c1,a@x.com,paid
R,2026-01-25,S1,-1,10.00,c1,a@x.com,paid
C,2026-01-31,S1,3,10.00,c2,=cmd|' /C calc'!A0,paid
D,2026-01-31,S1,1,100.00,c2,b@x.com,cancelled
E,2026-01-10,S1,1,8.00,c3,c@x.com,paid
F,2026-01-15,S1,1,99.00,,,paid
G,2026-01-30,S1,1,12.00,c4,d@x.com,paid
H,2026-01-05,S1,1,300.00,c5,e@x.com,paid
"""


@pytest.fixture()
def orders_csv(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS_CSV, encoding="utf-8")
    return path


def test_rfm_json_prints_counts_and_revenue_per_segment(orders_csv, capsys):
    assert main(["rfm", str(orders_csv), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2026-02-01" and out["customers"] == 5
    assert len(out["segments"]) == 11
    assert sum(s["customers"] for s in out["segments"].values()) == 5
    # c1: 20 + 40 - 10 = 50, c2: 30 (cancelled D excluded), c3: 8, c4: 12, c5: 300
    assert sum(s["revenue"] for s in out["segments"].values()) == pytest.approx(400.0)
    assert any("no customer id" in n for n in out["notes"])


def test_rfm_writes_the_chosen_segments_to_a_workbook(orders_csv, tmp_path, capsys):
    main(["rfm", str(orders_csv), "--json"])
    segs = json.loads(capsys.readouterr().out)["segments"]
    present = [k for k, v in segs.items() if v["customers"]]
    out = tmp_path / "segments.xlsx"
    two = present[:2]
    assert main(["rfm", str(orders_csv), "--segments", two[0], segs[two[1]]["name"], "--out", str(out)]) == 0
    assert "Workbook written" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary"] + [segs[k]["name"] for k in two]
    everything = tmp_path / "all.xlsx"
    assert main(["rfm", str(orders_csv), "--out", str(everything), "--lang", "zh",
                 "--as-of", "2026-02-01"]) == 0
    wb = openpyxl.load_workbook(everything)
    assert wb.sheetnames[0] == "汇总" and len(wb.sheetnames) == 1 + len(present)
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert "'=cmd|' /C calc'!A0" in texts


def test_rfm_unknown_segment_exits_2_with_a_message(orders_csv, capsys):
    assert main(["rfm", str(orders_csv), "--segments", "vip", "--out", "x.xlsx"]) == 2
    assert "Unknown segment(s): vip" in capsys.readouterr().err


def test_rfm_on_orders_without_customers_says_which_file_is_needed(tmp_path, capsys):
    path = tmp_path / "amazon.csv"
    path.write_text("order_id,order_date,sku,quantity,unit_price\nA,2026-01-01,S1,1,10\n", encoding="utf-8")
    assert main(["rfm", str(path), "--lang", "zh"]) == 2
    assert "亚马逊订单报告不含买家信息" in capsys.readouterr().err


def test_rfm_text_output_lists_every_segment(orders_csv, capsys):
    assert main(["rfm", str(orders_csv)]) == 0
    out = capsys.readouterr().out
    assert "5 customers" in out and "Champions" in out and "Lost" in out


@pytest.fixture(scope="module")
def cdnow_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("cdnow") / "cdnow.csv"
    orders = cdnow_orders().drop(columns="cancelled")
    orders["order_date"] = orders["order_date"].dt.strftime("%Y-%m-%d")
    orders.to_csv(path, index=False)
    return path


def test_clv_json_has_the_documented_shape_and_the_published_fit(cdnow_csv, capsys):
    assert main(["clv", str(cdnow_csv), "--calibration-end", CAL_END, "--holdout-end", HOLD_END,
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"bgnbd", "gamma_gamma", "holdout", "currency"}
    assert out["currency"] == "USD"  # the file names no currency: the store currency defaults to USD
    assert set(out["bgnbd"]) == {"r", "alpha", "a", "b", "time_unit"}
    assert set(out["gamma_gamma"]) == {"p", "q", "v"}
    assert set(out["holdout"]) == {"customers", "predicted_repeat_purchases", "actual_repeat_purchases"}
    assert out["bgnbd"]["time_unit"] == "week"
    assert out["bgnbd"]["r"] == pytest.approx(0.243, rel=0.01)
    assert out["bgnbd"]["alpha"] == pytest.approx(4.414, rel=0.01)
    assert out["gamma_gamma"]["p"] == pytest.approx(6.25, rel=0.01)
    assert out["holdout"]["customers"] == 2349  # 8 customers only ever bought $0 lines: not sales
    assert out["holdout"]["actual_repeat_purchases"] > 0


def test_clv_without_holdout_prints_null_and_text_mode_is_translated(cdnow_csv, capsys):
    assert main(["clv", str(cdnow_csv), "--calibration-end", CAL_END, "--json", "--time-unit", "day"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["holdout"] is None and out["bgnbd"]["time_unit"] == "day"
    assert main(["clv", str(cdnow_csv), "--calibration-end", CAL_END, "--lang", "zh"]) == 0
    assert "BG/NBD" in capsys.readouterr().out


def test_clv_bad_dates_exit_2(cdnow_csv, capsys):
    assert main(["clv", str(cdnow_csv), "--calibration-end", CAL_END, "--holdout-end", "1997-01-01"]) == 2
    assert "must be after" in capsys.readouterr().err


def test_csv_and_frame_give_the_same_segments(orders_csv, capsys):
    from cbe_core.customers import rfm
    from cbe_core.ingest import read_table

    frame, _ = read_table(io.BytesIO(ORDERS_CSV.encode()), "orders", filename="orders.csv")
    direct = rfm.analyse(frame).segments.set_index("segment")["customers"]
    main(["rfm", str(orders_csv), "--json"])
    via_cli = pd.Series({k: v["customers"]
                         for k, v in json.loads(capsys.readouterr().out)["segments"].items()})
    assert direct.to_dict() == via_cli.to_dict()
