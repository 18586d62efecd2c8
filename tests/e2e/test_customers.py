"""A seller's journey on the Customers (RFM) page in a real browser: load orders, pick two segments,
download the workbook and open it."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from .conftest import exception_text, open_page, shot, wait_idle

pytestmark = pytest.mark.e2e
ORDERS = Path(__file__).resolve().parents[2] / "sample_data" / "orders.csv"


def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def _open_tab(page, label: str) -> None:
    page.get_by_role("tab", name=label).click()
    wait_idle(page)


def _pick(page, label: str, options: list[str]) -> None:
    box = page.locator("[data-testid='stMultiSelect']", has_text=label).first
    for option in options:
        box.locator("input").first.fill(option)  # type to filter, then choose the one match
        page.get_by_role("option", name=option, exact=True).click()
        wait_idle(page)
        box.get_by_text(option, exact=True).first.wait_for()
    page.keyboard.press("Escape")


def test_seller_uploads_orders_picks_two_segments_and_downloads_the_workbook(app_server, browser_page):
    page = browser_page
    open_page(page, app_server, "Data")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(ORDERS))
    wait_idle(page)
    page.get_by_text("Validation report").first.wait_for()
    # follow the menu (same session, so the upload is the data source)
    page.locator("[data-testid='stSidebar'] a", has_text="Customers (RFM)").first.click()
    wait_idle(page)
    page.get_by_text("Which customers should you reward").first.wait_for()
    assert not exception_text(page)
    assert page.locator("[data-testid='stSidebar']").get_by_label("My files").is_checked()
    page.locator("[data-testid='stTabs']").first.wait_for()
    page.get_by_text("Win back first").first.wait_for()
    body = _main_text(page)
    assert "Can't lose them" in body and "Champions" in body
    page.locator("[data-testid='stVegaLiteChart']:visible").first.wait_for()
    shot(page, "customers_segments_en")
    _open_tab(page, "Predicted value")
    page.get_by_text("Calibration/holdout check").first.wait_for()
    shot(page, "customers_value_en")
    _open_tab(page, "R, F, M distributions")
    page.locator("[data-testid='stVegaLiteChart']:visible").first.wait_for()
    shot(page, "customers_distributions_en")
    _open_tab(page, "Clusters")
    page.get_by_text("ordered by average net sales").first.wait_for()
    shot(page, "customers_clusters_en")
    _open_tab(page, "Customer lists & Excel")
    _pick(page, "Segments to export", ["Champions", "Can't lose them"])
    button = page.get_by_role("button", name="Download the workbook (2 segments)")
    button.wait_for()
    shot(page, "customers_export_en")
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert wb.sheetnames == ["Summary", "Champions", "Can't lose them"]
    summary = [row for row in wb["Summary"].iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in summary] == ["Champions", "Can't lose them"]
    champions = wb["Champions"]
    assert champions.freeze_panes == "A2" and champions["A1"].font.b
    assert champions.max_row - 1 == summary[0][1]
    header = [c.value for c in champions[1]]
    assert header[:3] == ["Customer ID", "Email", "Name"]
    assert not exception_text(page)


def test_customers_page_in_chinese(app_server, browser_page):
    page = browser_page
    open_page(page, app_server, "Customers", lang="zh")
    page.get_by_text("该奖励哪些客户").first.wait_for()
    page.get_by_text("优先挽回").first.wait_for()
    page.locator("[data-testid='stVegaLiteChart']:visible").first.wait_for()
    assert not exception_text(page)
    assert "不能失去" in _main_text(page)
    shot(page, "customers_segments_zh")
    _open_tab(page, "分群迁移")
    page.locator("[data-testid='stVegaLiteChart']:visible").first.wait_for()
    shot(page, "customers_migration_zh")
    _open_tab(page, "客户名单与 Excel")
    _pick(page, "要导出的分群", ["冠军客户", "流失风险"])
    page.get_by_role("button", name="下载工作簿（2 个分群）").wait_for()
    shot(page, "customers_export_zh")
    assert not exception_text(page)


@pytest.mark.parametrize("lang,tab,heat,download,value_tab,chosen", [
    ("en", "Cohorts & retention", "Share of each cohort who bought again",
     "Download the cohort tables (Excel)", "Predicted value", "We use"),
    ("zh", "同期群与留存", "各同期群首单后每个周期内的复购比例", "下载同期群表（Excel）", "预测价值",
     "我们采用"),
], ids=["en", "zh"])
def test_cohorts_and_model_choice_in_a_real_browser(app_server, browser_page, lang, tab, heat, download,
                                                    value_tab, chosen):
    page = browser_page
    open_page(page, app_server, "Customers", lang=lang)
    _open_tab(page, tab)
    page.get_by_text(heat).first.wait_for()
    page.locator("[data-testid='stVegaLiteChart']:visible").nth(2).wait_for()  # heat map, curves, CAC
    assert not exception_text(page)
    shot(page, f"customers_cohorts_{lang}")
    with page.expect_download() as info:
        page.get_by_role("button", name=download).click()
    wb = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert len(wb.sheetnames) == 6
    assert wb[wb.sheetnames[0]].max_row == 19  # header + 18 monthly cohorts
    _open_tab(page, value_tab)
    page.get_by_text(chosen).first.wait_for()
    page.locator("[data-testid='stVegaLiteChart']:visible").nth(1).wait_for()
    assert not exception_text(page)
    shot(page, f"customers_value_model_{lang}")
