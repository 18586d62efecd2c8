"""AppTest of pages/2_Diagnostics.py on the bundled sample store, in both languages."""

import io
import re

import openpyxl
import pytest
from pagetest import run_page

from cbe_core import sample
from cbe_core.i18n import t


def _run(lang: str = "en", **params):
    return run_page("2_Diagnostics.py", lang, query=params)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_answers_first_with_kpis_and_all_panels(lang):
    at = _run(lang)
    assert at.title[0].value == t("diag.title", lang)
    labels = [m.label for m in at.metric]
    for k in ("revenue", "orders", "aov", "sessions", "conversion_rate", "margin", "roas", "acos"):
        money = " (USD)" if k in ("revenue", "aov") else ""  # money cards name the reporting currency
        assert t(f"diag.kpi.{k}", lang) + money in labels
    assert [tab.label for tab in at.tabs] == [t(k, lang) for k in (
        "diag.section.findings", "profit.tab", "diag.section.traffic", "diag.section.quadrant",
        "diag.section.waterfall", "diag.section.anomalies", "diag.ab.title", "diag.section.download")]
    # the default period (last 90 days) holds the planted D1 SKU and the D4 week as high findings
    top = " ".join(e.value for e in at.error)
    assert sample.D1_SKU in top
    assert "2026-09-1" in top
    if lang == "zh":
        assert re.search("[\u4e00-\u9fff]", top)
    expanders = [e.label for e in at.expander]
    assert any(sample.D6_SKU in x for x in expanders)
    assert any(sample.D3_CAMPAIGN in x for x in expanders)


def test_kpi_cards_show_deltas_and_benchmark_markers():
    at = _run("en")
    conv = next(m for m in at.metric if m.label == "Conversion rate")
    assert conv.delta and conv.delta.endswith("%")
    assert conv.help and "Benchmark" in conv.help
    assert any("▲" in c.value or "▼" in c.value for c in at.caption)


def test_slice_by_category_updates_the_numbers():
    at = _run("en")
    total = next(m.value for m in at.metric if m.label == "Revenue (USD)")
    at.selectbox(key="diag_dim").set_value("category").run()
    assert not at.exception
    at.selectbox(key="diag_value_category").set_value("home").run()
    assert not at.exception
    home = next(m.value for m in at.metric if m.label == "Revenue (USD)")
    assert float(home.replace(",", "")) < float(total.replace(",", ""))


def test_experiment_reader_gives_a_verdict():
    at = _run("en")
    at.number_input(key="ab_as").set_value(20000)
    at.number_input(key="ab_ao").set_value(400)
    at.number_input(key="ab_bs").set_value(20000)
    at.number_input(key="ab_bo").set_value(520).run()
    assert not at.exception
    assert any("Ship B" in s.value for s in at.success)


def test_last_year_comparison_and_high_sensitivity_run():
    at = _run("en")
    at.selectbox(key="diag_compare").set_value("last_year").run()
    assert not at.exception
    conv = next(m for m in at.metric if m.label == "Revenue (USD)")
    assert conv.delta  # the same months a year earlier are in the sample store
    at.select_slider(key="diag_sens").set_value("high").run()
    assert not at.exception


def test_excel_download_has_kpis_and_findings():
    at = _run("zh")
    button = at.get("download_button")[0]
    data = button.proto.url  # media url; the bytes come from the core export
    assert data
    from cbe_core import diagnostics as dg
    from cbe_core.export import write_workbook

    s = sample.generate_store()
    res = dg.run_all(s["orders"], s["traffic"], s["ads"], s["products"], start="2026-08-03", end="2026-10-31")
    wb = openpyxl.load_workbook(io.BytesIO(write_workbook(dg.export_frames(res, "zh"))))
    assert wb.sheetnames[:2] == [t("diag.sheet.kpis", "zh"), t("diag.sheet.findings", "zh")]
    assert wb[t("diag.sheet.findings", "zh")].max_row == len(res.findings) + 1
