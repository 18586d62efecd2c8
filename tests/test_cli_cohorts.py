"""The ``cohorts`` command and ``clv --model``, run through the real dispatcher on files in tmp_path."""

import json

import openpyxl
import pytest

from cbe_core.__main__ import main
from tests.test_clv import CAL_END, HOLD_END, cdnow_orders
from tests.test_cohorts import hand_orders


@pytest.fixture()
def hand_csv(tmp_path):
    path = tmp_path / "orders.csv"
    df = hand_orders()
    df["status"] = df.pop("cancelled").map({True: "cancelled", False: "paid"})
    df.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def cdnow_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("cdnow") / "cdnow.csv"
    orders = cdnow_orders().drop(columns="cancelled")
    orders["order_date"] = orders["order_date"].dt.strftime("%Y-%m-%d")
    orders.to_csv(path, index=False)
    return path


def test_cohorts_json_has_the_documented_shape_and_the_hand_worked_figures(hand_csv, capsys):
    assert main(["cohorts", str(hand_csv), "--json", "--min-customers", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"by", "split", "last_day", "currency", "model", "has_profit", "cohorts", "acquisition", "notes",
            "workbook"} <= set(out)
    assert out["by"] == "month" and out["last_day"] == "2026-04-02" and out["model"] is None
    jan, feb = out["cohorts"]
    assert set(jan) == {"cohort", "customers", "small", "retention", "orders_per_customer",
                        "cum_net_sales_per_customer", "cum_gross_profit_per_customer", "projected_from"}
    assert jan["cohort"] == "2026-01" and jan["customers"] == 2 and not jan["small"] and feb["small"]
    assert jan["retention"] == [0.5, 0.5, 0.5, 0.0]
    assert jan["cum_net_sales_per_customer"] == [32.5, 47.5, 47.5, 47.5]
    assert jan["cum_gross_profit_per_customer"] == [19.0, 29.5, 26.0, 26.0]
    assert jan["projected_from"] is None and out["acquisition"] is None


def test_cohorts_split_model_ads_and_workbook(hand_csv, tmp_path, capsys):
    ads = tmp_path / "ads.csv"
    ads.write_text("date,campaign,spend,clicks,impressions,ad_orders,ad_sales\n"
                   "2026-01-03,SP,80,10,100,1,30\n2026-02-05,SP,40,5,50,0,0\n", encoding="utf-8")
    out_path = tmp_path / "cohorts.xlsx"
    # three customers are too few for any customer-value model: refused with the reason, no traceback
    assert main(["cohorts", str(hand_csv), "--model", "auto", "--lang", "zh"]) == 2
    assert "无法拟合任何客户价值模型" in capsys.readouterr().err
    assert main(["cohorts", str(hand_csv), "--split", "channel", "--ads", str(ads), "--out", str(out_path),
                 "--json", "--lang", "zh"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert {c["group"] for c in out["cohorts"]} == {"amazon", "shopify"}
    assert [a["cac"] for a in out["acquisition"]] == [40.0, 40.0]
    wb = openpyxl.load_workbook(out_path)
    assert wb.sheetnames[0] == "同期群" and "全部明细" in wb.sheetnames
    matrix = wb["复购率"]
    assert [c.value for c in matrix[1]][:3] == ["同期群", "分组", "第 0 月"]
    assert matrix["C2"].number_format == "0.0%"


def test_cohorts_on_a_real_model_projects_young_cohorts(capsys, root, monkeypatch):
    monkeypatch.chdir(root)
    assert main(["cohorts", "sample_data/orders.csv", "--model", "auto", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"] in ("pareto", "mbg")
    young = out["cohorts"][-1]
    assert young["projected_from"] == 1 and len(young["retention"]) == 18
    oldest = out["cohorts"][0]
    assert oldest["projected_from"] is None and len(oldest["retention"]) == 18


def test_clv_model_auto_json_names_the_chosen_model_and_its_holdout_check(cdnow_csv, capsys):
    assert main(["clv", str(cdnow_csv), "--calibration-end", CAL_END, "--holdout-end", HOLD_END,
                 "--model", "auto", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"] in ("pareto", "mbg") and out["model"] in out
    sel = out["selection"]
    assert sel["chosen"] == out["model"] and sel["holdout_end"] == HOLD_END
    assert [m["model"] for m in sel["models"]] == ["pareto", "mbg", "bgnbd"]
    assert [m["eligible"] for m in sel["models"]] == [True, True, False]
    assert "We use" in sel["reason"]
    assert out["holdout"]["predicted_repeat_purchases"] == pytest.approx(
        next(m["predicted"] for m in sel["models"] if m["chosen"]), abs=0.01)


def test_clv_model_pareto_reproduces_the_published_fit_through_the_cli(cdnow_csv, capsys):
    assert main(["clv", str(cdnow_csv), "--calibration-end", CAL_END, "--model", "pareto", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"model", "pareto", "gamma_gamma", "holdout", "currency"}
    # 2,349 customers here (8 CDNOW customers only ever bought $0 lines, which are not sales)
    assert out["pareto"]["r"] == pytest.approx(0.553, rel=0.02)
    assert out["pareto"]["s"] == pytest.approx(0.606, rel=0.02)
    assert main(["clv", str(cdnow_csv), "--calibration-end", CAL_END, "--model", "mbg", "--lang", "zh"]) == 0
    assert "MBG/NBD" in capsys.readouterr().out
