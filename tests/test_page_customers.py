"""AppTest of pages/5_Customers.py on the bundled sample store, in both languages."""

import io
import re

import openpyxl
import pytest
from pagetest import run_page
from streamlit.testing.v1 import AppTest

from cbe_core.i18n import t

PAGE = "../pages/5_Customers.py"


def _run(lang: str):
    return run_page("5_Customers.py", lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_answers_first_and_shows_every_panel(lang):
    at = _run(lang)
    assert at.title[0].value == t("rfm.page.title", lang)
    labels = [m.label for m in at.metric]
    for key in ("rfm.kpi.customers", "rfm.kpi.champions", "rfm.kpi.winback", "rfm.kpi.one_time",
                "rfm.value.total"):
        assert t(key, lang) in labels
    customers = int(at.metric[0].value.replace(",", ""))
    assert customers > 1000
    # the planted dormant big spenders (R1) are called out for win-back, champions for rewards (R2)
    info = " ".join(i.value for i in at.info)
    assert t("rfm.seg.cant_lose_them.action", lang) in info
    assert any(t("rfm.seg.champions.action", lang) in s.value for s in at.success)
    assert [tab.label for tab in at.tabs] == [
        t(f"rfm.tab.{k}", lang)
        for k in ("segments", "distributions", "clusters", "value", "migration", "export")
    ]
    captions = " ".join(c.value for c in at.caption)
    holdout = t("rfm.value.holdout", lang, start="X", end="X", customers="X", predicted="X",
                actual="X").split("X")[1]
    assert holdout.strip() and holdout.strip() in captions
    if lang == "zh":
        assert re.search("[\u4e00-\u9fff]", at.dataframe[0].value.columns[0])


def test_segment_table_lists_eleven_segments_with_shares_summing_to_one():
    at = _run("en")
    table = at.dataframe[0].value
    assert len(table) == 11
    assert table["Share of customers"].sum() == pytest.approx(100.0)
    champions = table.set_index("Segment").loc["Champions"]
    assert champions["Customers"] > 100


def test_seller_picks_two_segments_and_gets_their_workbook():
    at = _run("en")
    pick = at.multiselect(key="rfm_pick")
    assert "Can't lose them" in pick.options and "Champions" in pick.options
    pick.set_value(["champions", "cant_lose_them"]).run()
    assert not at.exception
    buttons = at.get("download_button")
    assert len(buttons) == 1
    caption = " ".join(c.value for c in at.caption)
    assert "Showing" in caption
    # the workbook the button serves is the core export of those segments (checked through openpyxl)
    from cbe_core import export
    from cbe_core.customers import rfm
    from cbe_core.ingest import read_table

    orders, _ = read_table(at_root() / "sample_data" / "orders.csv", "orders")
    result = rfm.analyse(orders)
    wb = openpyxl.load_workbook(
        io.BytesIO(export.segments_workbook(result.customers, ["champions", "cant_lose_them"])))
    assert wb.sheetnames == ["Summary", "Champions", "Can't lose them"]
    header = [c.value for c in wb["Champions"][1]]
    assert "Email" in header and "Name" in header


def test_page_without_customer_ids_says_which_file_it_needs():
    import hashlib

    import pandas as pd

    from ui.data import SOURCE_KEY, UPLOADS_KEY

    at = AppTest.from_file(PAGE, default_timeout=180)
    at.session_state[SOURCE_KEY] = "upload"
    csv = pd.DataFrame({"order_id": ["A", "B"], "order_date": ["2026-01-01", "2026-01-02"], "sku": ["S", "S"],
                        "quantity": [1, 1], "unit_price": [10.0, 12.0]}).to_csv(index=False).encode()
    at.session_state[UPLOADS_KEY] = {"orders": {"name": "amazon.csv", "data": csv,
                                                  "digest": hashlib.sha256(csv).hexdigest(), "mapping": None,
                                                  "period": None}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert "Amazon order reports do not carry buyers" in errors


def at_root():
    from pathlib import Path

    return Path(__file__).resolve().parents[1]
