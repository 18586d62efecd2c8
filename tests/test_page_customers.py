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


def _run_tab(lang: str, tab: str, **query):
    return run_page("5_Customers.py", lang, state={"rfm_tab": t(f"rfm.tab.{tab}", lang)}, query=query or None)


TAB_KEYS = ("segments", "cohorts", "distributions", "clusters", "value", "migration", "export")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_answers_first_and_shows_every_panel(lang):
    at = _run(lang)
    assert at.title[0].value == t("rfm.page.title", lang)
    labels = [m.label for m in at.metric]
    for key in ("rfm.kpi.customers", "rfm.kpi.champions", "rfm.kpi.winback", "rfm.kpi.one_time"):
        assert t(key, lang) in labels
    customers = int(at.metric[0].value.replace(",", ""))
    assert customers > 1000
    # the planted dormant big spenders (R1) are called out for win-back, champions for rewards (R2)
    info = " ".join(i.value for i in at.info)
    assert t("rfm.seg.cant_lose_them.action", lang) in info
    assert any(t("rfm.seg.champions.action", lang) in s.value for s in at.success)
    assert [tab.label for tab in at.tabs] == [t(f"rfm.tab.{k}", lang) for k in TAB_KEYS]
    if lang == "zh":
        assert re.search("[\u4e00-\u9fff]", at.dataframe[0].value.columns[0])


def test_only_the_open_tab_does_its_work():
    at = _run("en")
    # the first tab is open; the value model, cohorts and lists are not drawn (nor computed: each
    # tab's work sits under `if tab.open`)
    assert [tab.label for tab in at.tabs if tab.proto is not None]
    labels = [m.label for m in at.metric]
    assert t("rfm.value.total", "en") not in labels
    assert not at.get("download_button") and not at.expander
    assert len(at.get("vega_lite_chart")) == 2  # segment map and revenue by segment only


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_value_tab_names_the_model_it_chose_and_checks_it_on_a_holdout(lang):
    at = _run_tab(lang, "value")
    labels = [m.label for m in at.metric]
    for key in ("rfm.value.total", "clv.kpi.active", "clv.kpi.one_time_active"):
        assert t(key, lang) in labels
    info = " ".join(i.value for i in at.info)
    assert ("We use" if lang == "en" else "我们采用") in info
    assert "MBG/NBD" in info or "Pareto/NBD" in info
    one_time = next(m for m in at.metric if m.label == t("clv.kpi.one_time_active", lang))
    assert 0 < float(one_time.value.rstrip("%")) < 100  # not every one-time buyer counts as active
    assert [e.label for e in at.expander] == [t("clv.page.technical", lang)]
    comparison = at.dataframe[0].value
    assert len(comparison) == 3 and comparison[t("clv.col.chosen", lang)].sum() == 1
    captions = " ".join(c.value for c in at.caption)
    assert t("clv.page.check_caption", lang, start="X", end="X", customers="X").split("X")[0] in captions


def test_choosing_bg_nbd_warns_about_one_time_buyers():
    at = _run_tab("en", "value", clv_model="bgnbd")
    assert any("counts every customer who bought once" in w.value for w in at.warning)
    one_time = next(m for m in at.metric if m.label == t("clv.kpi.one_time_active", "en"))
    assert one_time.value == "100%"
    assert "You chose BG/NBD" in " ".join(i.value for i in at.info)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cohorts_tab_draws_the_heat_map_curves_cac_and_the_workbook(lang):
    import json

    at = _run_tab(lang, "cohorts")
    charts = at.get("vega_lite_chart")
    assert len(charts) == 3  # retention heat map, value curves, CAC against value
    heat = json.loads(charts[0].proto.spec)
    assert heat["layer"][0]["encoding"]["color"]["scale"]["scheme"] == "blues"
    assert [s.value for s in at.subheader][-3:] == [t("cohorts.page.heat_title", lang),
                                                   t("cohorts.page.curve_title", lang),
                                                   t("cohorts.page.cac_title", lang)]
    acq = at.dataframe[-1].value
    assert len(acq) == 18 and acq[t("cohorts.col.customers", lang)].sum() == 5708
    assert [b.label for b in at.get("download_button")] == [t("cohorts.page.download", lang)]
    captions = " ".join(c.value for c in at.caption)
    assert t("cohorts.note.projected", lang, model="X").split("X")[0] in captions


def test_heat_map_colours_are_the_same_in_both_languages():
    import json

    def colour(lang):
        spec = json.loads(_run_tab(lang, "cohorts").get("vega_lite_chart")[0].proto.spec)
        return spec["layer"][0]["encoding"]["color"]

    en, zh = colour("en"), colour("zh")
    # one numeric scale on the retention values: nothing language-dependent decides a colour
    assert en["field"] == zh["field"] == "retention" and en["type"] == "quantitative"
    assert en["scale"] == zh["scale"]


def test_cohorts_split_by_first_sku_warns_about_small_cohorts():
    at = _run_tab("en", "cohorts", cohort_by="quarter", cohort_split="first_sku")
    assert at.selectbox(key="cohort_group").options
    assert any("Small cohorts" in w.value for w in at.warning)


def test_export_tab_lists_carry_churn_risk_and_next_order():
    at = _run_tab("en", "export")
    columns = list(at.dataframe[0].value.columns)
    assert t("rfm.col.churn_risk", "en") in columns and t("rfm.col.expected_next_order", "en") in columns


def test_segment_table_lists_eleven_segments_with_shares_summing_to_one():
    at = _run("en")
    table = at.dataframe[0].value
    assert len(table) == 11
    assert table["Share of customers"].sum() == pytest.approx(100.0)
    champions = table.set_index("Segment").loc["Champions"]
    assert champions["Customers"] > 100


def test_seller_picks_two_segments_and_gets_their_workbook():
    at = _run_tab("en", "export")
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


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_filters_in_the_url_are_option_keys_so_links_work_in_both_languages(lang):
    at = _run_tab(lang, "value", clv_model="bgnbd", rfm_window="365")
    assert at.selectbox(key="clv_model_box").value == "bgnbd"
    assert at.selectbox(key="rfm_window_box").value == "365"
    assert at.warning and t("clv.page.bgnbd_warning", lang) in [w.value for w in at.warning]
    at.selectbox(key="clv_model_box").set_value("mbg").run()
    assert at.query_params["clv_model"] in ("mbg", ["mbg"])  # AppTest may hold URL values as lists
