"""Journeys through the app shell in a real browser: language switch and a real file upload."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import exception_text, open_page, shot, wait_idle

pytestmark = pytest.mark.e2e
DATA = Path(__file__).resolve().parents[1] / "data" / "shell"


def _title(page) -> str:
    return page.locator("h1").first.inner_text()


def _choose_language(page, label: str) -> None:
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name=label).click()
    wait_idle(page)


def test_language_switch_changes_the_ui_and_the_url(app_server, browser_page):
    page = browser_page
    open_page(page, app_server)
    assert "CBE Decision Dashboard" in _title(page)
    shot(page, "shell_home_en")
    _choose_language(page, "简体中文")
    page.wait_for_function("() => document.querySelector('h1') "
                           "&& document.querySelector('h1').innerText.includes('跨境电商决策看板')")
    assert "lang=zh" in page.url
    assert page.get_by_text("数据来源").first.is_visible()
    shot(page, "shell_home_zh")
    # the menu link carries the language to the next page
    page.locator("[data-testid='stSidebar'] a", has_text="数据与上传").first.click()
    wait_idle(page)
    page.wait_for_function("() => document.querySelector('h1') "
                           "&& document.querySelector('h1').innerText.includes('你的数据')")
    assert "lang=zh" in page.url
    assert not exception_text(page)


def test_upload_a_gbk_erp_export_through_the_real_uploader(app_server, browser_page):
    page = browser_page
    open_page(page, app_server, "Data")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(
        str(DATA / "erp_orders_gbk.csv"))
    wait_idle(page)
    page.get_by_text("Validation report").first.wait_for()
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "5 rows read, 4 loaded" in body, body[:2000]
    assert "cancelled" in body and "(rows 6)" in body
    assert not exception_text(page)
    shot(page, "shell_upload_report_en")
    # the sidebar now shows the uploaded orders as the data source
    assert page.locator("[data-testid='stSidebar']").get_by_text("Orders:").first.is_visible()


def _choose(page, label: str, option: str) -> None:
    box = page.locator("[data-testid='stSelectbox']", has_text=label).first
    box.click()
    page.get_by_role("option", name=option, exact=True).click()


def test_unrecognised_headers_are_mapped_with_drop_downs(app_server, browser_page):
    page = browser_page
    open_page(page, app_server, "Data")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(
        str(DATA / "odd_headers.csv"))
    wait_idle(page)
    page.get_by_text("Column mapping").first.wait_for()
    assert "order_id" in page.locator("[data-testid='stMain']").inner_text()
    for canonical, header in (("order_id", "Ref"), ("order_date", "When"), ("sku", "Item"),
                              ("quantity", "Pcs"), ("unit_price", "Each")):
        _choose(page, canonical + " *", header)
    shot(page, "shell_mapping_en")
    page.locator("[data-testid='stFormSubmitButton'] button", has_text="Load").first.click()
    wait_idle(page)
    page.get_by_text("3 rows read, 3 loaded").first.wait_for()
    assert not exception_text(page)
    shot(page, "shell_mapping_loaded_en")
