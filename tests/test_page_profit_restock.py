"""AppTest of the Profit tab (Diagnostics page) and the Restock tab (Logistics page), both languages."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from pagetest import run_page

HAN = re.compile("[\u4e00-\u9fff]")


def _texts(at) -> str:
    return " ".join(
        [e.value for e in at.error]
        + [w.value for w in at.warning]
        + [c.value for c in at.caption]
        + [s.value for s in at.subheader]
        + [m.label for m in at.metric]
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_profit_tab_shows_the_waterfall_and_finds_the_money_losing_sku(lang):
    at = run_page("2_Diagnostics.py", lang)
    labels = {m.label: m.value for m in at.metric}
    net = labels["Net profit" if lang == "en" else "净利润"]
    assert net.endswith("USD") and float(net.split()[0].replace(",", "")) > 0
    assert labels["SKUs losing money" if lang == "en" else "亏损 SKU"] == "1"
    losing = [e.value for e in at.error if "OUT\\-06" in e.value]
    assert losing and ("break" in losing[0] if lang == "en" else "盈亏平衡" in losing[0])
    # the profit findings join the page's ranked findings
    assert any("OUT-06" in e.label for e in at.expander)
    tables = [d.value for d in at.dataframe]
    sku_table = next(
        t for t in tables if ("SKU" in t.columns and any("USD" not in c for c in t.columns) and len(t) == 30)
    )
    assert sku_table.iloc[0]["SKU"] == "OUT-06"  # worst first
    assert any(
        b.label.startswith("Download the profit" if lang == "en" else "下载利润")
        for b in at.get("download_button")
    )
    if lang == "zh":
        assert HAN.search(_texts(at))


def test_profit_settings_change_the_answer():
    base = run_page("2_Diagnostics.py", "en")
    landed = run_page("2_Diagnostics.py", "en", state={"profit_landed": True})
    by_refund = run_page("2_Diagnostics.py", "en", state={"profit_refunds_by": "refund_date"})

    def net(at):
        return float(next(m.value for m in at.metric if m.label == "Net profit").split()[0].replace(",", ""))

    assert net(landed) > net(base)  # first leg and duty no longer added to the unit cost
    assert net(by_refund) != net(base)


def test_other_costs_editor_state_is_applied_before_the_editor_is_drawn():
    """Streamlit records a data editor's changes as edits to the original rows, added rows and deleted
    original rows, applied in that order."""
    from ui.profit_view import _apply_editor, _other_base

    added = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [{"month": "2026-09", "label": "software", "amount": 300.0}],
    }
    assert _apply_editor(_other_base(), added)["amount"].tolist() == [300.0]
    base = pd.DataFrame(
        {
            "month": ["2026-08", "2026-09"],
            "label": ["a", "b"],
            "amount": [10.0, 20.0],
            "sku": [None, "KIT-01"],
        }
    )
    state = {
        "edited_rows": {1: {"amount": 60.0}},
        "deleted_rows": [0],
        "added_rows": [{"month": "2026-10", "label": "rent", "amount": 90.0}],
    }
    frame = _apply_editor(base, state)
    assert frame["amount"].tolist() == [60.0, 90.0] and frame["sku"].tolist()[0] == "KIT-01"
    assert _apply_editor(base, None).equals(base)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_restock_tab_plans_every_sku_and_flags_the_planted_ones(lang):
    at = run_page("4_Logistics.py", lang, timeout=120)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Stock-out before an order lands" if lang == "en" else "到货前断货"] == "1"
    assert metrics["Cash tied up in overstock" if lang == "en" else "积压占用资金"].endswith("USD")
    errors = " ".join(e.value for e in at.error)
    warnings = " ".join(w.value for w in at.warning)
    assert "KIT\\-07" in errors and "HOM\\-07" in warnings
    plan = next(d.value for d in at.dataframe if len(d.value) == 30)
    assert ("Reorder quantity" if lang == "en" else "补货数量") in plan.columns
    assert any(
        b.label.startswith("Download the restock" if lang == "en" else "下载补货")
        for b in at.get("download_button")
    )
    assert len(at.get("vega_lite_chart")) >= 7  # the shipping tab's 5 + timeline + one SKU's forecast


def test_restock_settings_change_the_plan():
    at = run_page("4_Logistics.py", "en", state={"restock_production": 30, "restock_level": 99}, timeout=120)
    risky = int(next(m.value for m in at.metric if m.label == "Stock-out before an order lands"))
    assert risky > 1  # 30 more days of production: more SKUs cannot be restocked in time
