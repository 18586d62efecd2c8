"""A seller's journey on the Diagnostics page in a real browser, in English and Chinese: read the
answer, open the evidence, look at the swings, read an A/B test and download the Excel."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from cbe_core import sample
from cbe_core.i18n import t

from .conftest import exception_text, open_page, shot, wait_idle

pytestmark = pytest.mark.e2e


def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def _open_tab(page, label: str) -> None:
    page.get_by_role("tab", name=label).click()
    wait_idle(page)


def _show_chart(page) -> None:
    """Scroll the visible tab's first chart into view, so the screenshot shows it."""
    chart = page.locator("[data-testid='stVegaLiteChart']:visible").first
    chart.wait_for()
    chart.scroll_into_view_if_needed()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_seller_reads_the_diagnosis_and_downloads_it(app_server, browser_page, lang):
    page = browser_page
    open_page(page, app_server, "Diagnostics", lang)
    page.get_by_text(t("diag.section.kpis", lang), exact=True).first.wait_for()
    wait_idle(page)
    assert not exception_text(page)
    body = _main_text(page)
    assert sample.D1_SKU in body  # the planted high-traffic, low-conversion SKU leads the answer
    assert t("diag.kpi.conversion_rate", lang) in body
    page.locator("[data-testid='stVegaLiteChart']:visible").first.wait_for()
    shot(page, f"diagnostics_answer_{lang}")

    _open_tab(page, t("diag.section.quadrant", lang))
    _show_chart(page)
    shot(page, f"diagnostics_quadrant_{lang}")

    _open_tab(page, t("diag.section.waterfall", lang))
    _show_chart(page)
    shot(page, f"diagnostics_waterfall_{lang}")

    _open_tab(page, t("diag.section.anomalies", lang))
    page.get_by_text(t("diag.kpi.conversion_rate", lang), exact=True).last.click()
    wait_idle(page)
    _show_chart(page)
    # the redrawn chart's axis title names the chosen series
    page.locator("[data-testid='stVegaLiteChart']:visible text",
                 has_text=t("diag.kpi.conversion_rate", lang)).first.wait_for()
    shot(page, f"diagnostics_anomalies_{lang}")

    _open_tab(page, t("diag.section.traffic", lang))
    _show_chart(page)
    assert sample.D5_SOURCE in _main_text(page)
    shot(page, f"diagnostics_traffic_{lang}")

    _open_tab(page, t("diag.ab.title", lang))
    page.get_by_text(t("diag.ab.verdict.keep_testing", lang)).first.scroll_into_view_if_needed()
    shot(page, f"diagnostics_abtest_{lang}")

    _open_tab(page, t("diag.section.download", lang))
    button = page.get_by_role("button", name=t("diag.download_label", lang))
    with page.expect_download() as info:
        button.click()
    wb = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert t("diag.sheet.findings", lang) in wb.sheetnames
    assert not exception_text(page)
