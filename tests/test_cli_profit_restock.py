"""``python -m cbe_core profit`` and ``restock`` on the sample store: JSON shape, text in both languages,
clear errors."""

from __future__ import annotations

import json

import pytest

from cbe_core.__main__ import main

S = "sample_data"
PROFIT = [
    "profit",
    "--orders",
    f"{S}/orders.csv",
    "--ads",
    f"{S}/ads.csv",
    "--products",
    f"{S}/products.csv",
    "--transactions",
    f"{S}/transactions.csv",
    "--from",
    "2026-08-01",
    "--to",
    "2026-10-31",
]
RESTOCK = [
    "restock",
    "--orders",
    f"{S}/orders.csv",
    "--inventory",
    f"{S}/inventory.csv",
    "--products",
    f"{S}/products.csv",
]


@pytest.fixture(autouse=True)
def _in_root(root, monkeypatch):
    monkeypatch.chdir(root)


def test_profit_json_names_every_figure_and_finds_p1(capsys):
    assert main([*PROFIT, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["period"] == {"start": "2026-08-01", "end": "2026-10-31"} and out["currency"] == "USD"
    store = out["store"]
    parts = store["gross_sales"] - sum(
        store[k] for k in ("discounts", "refunds", "fees", "shipping", "cogs", "ads", "other")
    )
    assert parts == pytest.approx(store["net"], abs=0.005)
    assert sum(s["net"] for s in out["skus"]) == pytest.approx(store["net"], abs=0.005)
    worst = min(out["skus"], key=lambda s: s["net"])
    assert worst["sku"] == "OUT-06" and worst["net"] < 0 and worst["source"]["refunds"] == "report"
    assert {f["code"] for f in out["findings"] if f["slice"] == "OUT-06"} == {
        "sku_loses_money",
        "refunds_eat_sales",
    }


def test_profit_text_in_chinese(capsys):
    assert main([*PROFIT, "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "净利润" in out and "OUT-06" in out and "盈亏平衡" in out


def test_profit_refunds_by_refund_date_and_unit_cost_only(capsys):
    assert main([*PROFIT, "--refunds-by", "refund_date", "--landed", "unit_cost", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["refunds_by"] == "refund_date" and out["store"]["source"]["cogs"] == "computed"


def test_restock_json_has_the_issue_fields(capsys):
    assert main([*RESTOCK, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    fields = {
        "sku",
        "on_hand",
        "inbound",
        "daily_demand",
        "days_of_cover",
        "stockout_date",
        "reorder_date",
        "reorder_qty",
        "overstock_units",
        "status",
    }
    assert all(fields <= set(r) for r in out["skus"])
    status = {r["sku"]: r["status"] for r in out["skus"]}
    assert status["KIT-07"] == "stockout_risk" and status["HOM-07"] == "overstock"
    assert {f["code"] for f in out["findings"]} == {"stockout_before_reorder", "overstock"}


def test_restock_text_and_as_of(capsys):
    assert main([*RESTOCK, "--as-of", "2026-10-31", "--production-days", "15", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "补货计划" in out and "到货前会断货" in out and "生产 15 天" in out


def test_restock_without_inventory_columns_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "inv.csv"
    bad.write_text("date,sku\n2026-10-31,KIT-01\n", encoding="utf-8")
    code = main(["restock", "--orders", f"{S}/orders.csv", "--inventory", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and "on_hand" in err and "Traceback" not in err
