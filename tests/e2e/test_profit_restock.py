"""The Profit tab (Diagnostics) and the Restock tab (Logistics) in a real browser, English and Chinese:
read the answer, look at the charts, change a setting, download the workbooks."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from cbe_core.i18n import t

from .conftest import exception_text, open_page, shot, wait_idle

pytestmark = pytest.mark.e2e


def _open_tab(page, label: str) -> None:
    page.get_by_role("tab", name=label).click()
    wait_idle(page)


def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def _workbook(page, button: str):
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    return openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_seller_reads_profit_per_product_and_downloads_it(app_server, browser_page, lang):
    page = browser_page
    open_page(page, app_server, "Diagnostics", lang)
    _open_tab(page, t("profit.tab", lang))
    page.get_by_text(t("profit.waterfall", lang), exact=True).wait_for()
    chart = page.locator("[data-testid='stVegaLiteChart']:visible").first
    chart.wait_for()
    assert not exception_text(page)
    body = _main_text(page)
    assert "OUT-06" in body and "USD" in body
    assert t("profit.kpi.losing", lang) in body and t("profit.findings", lang) in body
    chart.scroll_into_view_if_needed()
    shot(page, f"profit_{lang}")
    page.get_by_text(t("profit.skus", lang), exact=True).scroll_into_view_if_needed()
    shot(page, f"profit_tables_{lang}")
    # count refunds by their own date: the tab recomputes without an error
    page.get_by_text(t("profit.refunds_by.refund_date", lang), exact=True).click()
    wait_idle(page)
    assert not exception_text(page)
    wb = _workbook(page, t("profit.download", lang))
    assert t("profit.sheet.skus", lang) in wb.sheetnames
    sheet = wb[t("profit.sheet.skus", lang)]
    headers = [c.value for c in sheet[1]]
    assert f"{t('profit.col.net', lang)} (USD)" in headers
    net_col = headers.index(f"{t('profit.col.net', lang)} (USD)") + 1
    assert sheet.cell(row=2, column=net_col).number_format == "#,##0.00"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_seller_plans_restocking_and_downloads_the_plan(app_server, browser_page, lang):
    page = browser_page
    open_page(page, app_server, "Logistics", lang)
    _open_tab(page, t("restock.tab", lang))
    page.get_by_text(t("restock.timeline", lang), exact=True).wait_for()
    page.locator("[data-testid='stVegaLiteChart']:visible").nth(1).wait_for()
    wait_idle(page)
    assert not exception_text(page)
    body = _main_text(page)
    assert "KIT-07" in body and "HOM-07" in body
    assert t("restock.kpi.risk", lang) in body
    shot(page, f"restock_{lang}")
    page.get_by_text(t("restock.timeline", lang), exact=True).scroll_into_view_if_needed()
    shot(page, f"restock_timeline_{lang}")
    page.get_by_text(t("restock.forecast", lang), exact=True).scroll_into_view_if_needed()
    shot(page, f"restock_forecast_{lang}")
    wb = _workbook(page, t("restock.download", lang))
    plan = wb[t("restock.sheet.plan", lang)]
    headers = [c.value for c in plan[1]]
    assert t("restock.col.reorder_qty", lang) in headers and t("restock.col.status", lang) in headers
