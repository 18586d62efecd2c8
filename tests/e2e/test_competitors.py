"""A seller's journey on the Competitors page in a real browser, in English and Chinese: the answer
names the planted competitor, a category filter narrows it, and the Excel download opens."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from .conftest import exception_text, open_page, shot, wait_idle

pytestmark = pytest.mark.e2e


def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def _choose(page, label: str, option: str) -> None:
    page.locator("[data-testid='stSelectbox']", has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def test_competitors_page_in_english_filters_and_downloads(app_server, browser_page):
    page = browser_page
    open_page(page, app_server, "Competitors")
    page.get_by_text("Where do competitors beat us").first.wait_for()
    page.locator("[data-testid='stVegaLiteChart']:visible").first.wait_for()
    assert not exception_text(page)
    body = _main_text(page)
    assert "VoltPeak's reviews praise \"battery life\"" in body
    assert "What to do first" in body and "Promotion timeline" in body
    shot(page, "competitors_all_en")
    _choose(page, "Category / competitor set", "home")
    page.wait_for_function("() => location.search.includes('comp_set=home')")
    body = _main_text(page)
    assert "Zestro" in body and "VoltPeak's reviews praise" not in body
    assert not exception_text(page)
    shot(page, "competitors_home_en")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the comparison (Excel)").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()), read_only=True)
    assert {"gaps", "comparison", "changes", "movers", "review_features"} <= set(book.sheetnames)


def test_competitors_page_in_chinese(app_server, browser_page):
    page = browser_page
    open_page(page, app_server, "Competitors", lang="zh")
    page.get_by_text("竞品在哪些方面领先我们").first.wait_for()
    page.locator("[data-testid='stVegaLiteChart']:visible").first.wait_for()
    assert not exception_text(page)
    body = _main_text(page)
    assert "优先行动" in body and "促销时间线" in body and "VoltPeak 的好评提到“battery life”" in body
    shot(page, "competitors_all_zh")
    _choose(page, "类目 / 竞品组", "outdoor")
    assert "VoltPeak" in _main_text(page)
    assert not exception_text(page)
    shot(page, "competitors_outdoor_zh")
