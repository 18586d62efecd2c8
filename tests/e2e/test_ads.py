"""A seller's journey on the Ads & keywords page in a real browser, in English and Chinese: read the
answer, filter the terms, look at spend against ACoS, the bid changes and the listing gaps, and download
the Amazon bulk file and the decisions workbook."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from cbe_core.ads import bulk
from cbe_core.i18n import t
from cbe_core.sample import ads as sa

from .conftest import exception_text, open_page, shot, wait_idle

pytestmark = pytest.mark.e2e


def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def _open_tab(page, label: str) -> None:
    page.get_by_role("tab", name=label).click()
    wait_idle(page)


def _show_chart(page) -> None:
    chart = page.locator("[data-testid='stVegaLiteChart']:visible").first
    chart.wait_for()
    chart.scroll_into_view_if_needed()


def _download(page, label: str) -> bytes:
    button = page.get_by_role("button", name=label)
    button.wait_for()
    with page.expect_download() as info:
        button.click()
    return Path(info.value.path()).read_bytes()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_seller_reads_the_ads_decisions_and_downloads_the_bulk_file(app_server, browser_page, lang):
    page = browser_page
    open_page(page, app_server, "Ads", lang)
    page.get_by_text(t("ads.kpi.wasted_30d", lang)).first.wait_for()
    wait_idle(page)
    assert not exception_text(page)
    body = _main_text(page)
    assert sa.S1_TERM in body and sa.S2_TERM in body           # the top actions name the planted terms
    assert "USD" in body
    shot(page, f"ads_answer_{lang}")

    _open_tab(page, t("ads.tab.scatter", lang))
    _show_chart(page)
    shot(page, f"ads_scatter_{lang}")

    _open_tab(page, t("ads.tab.bids", lang))
    _show_chart(page)
    shot(page, f"ads_bids_{lang}")

    _open_tab(page, t("ads.tab.listing", lang))
    _show_chart(page)
    text = _main_text(page)
    assert all(word in text for word in sa.S4_MISSING)
    shot(page, f"ads_listing_{lang}")

    _open_tab(page, t("ads.tab.download", lang))
    data = _download(page, t("ads.page.download_bulk", lang))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [bulk.SHEET]
    header = [c.value for c in wb.active[1]]
    assert header == list(bulk.BULK_COLUMNS)
    rows = [dict(zip(header, r)) for r in wb.active.iter_rows(min_row=2, values_only=True)]
    assert any(r["Entity"] == "Keyword" and r["Keyword Text"] == sa.S1_TERM and r["Match Type"] == "exact"
               for r in rows)
    assert any(r["Entity"] == "Negative Keyword" and r["Keyword Text"] == sa.S2_TERM for r in rows)
    book = openpyxl.load_workbook(io.BytesIO(_download(page, t("ads.page.download_workbook", lang))))
    assert t("ads.sheet.negate", lang) in book.sheetnames
    shot(page, f"ads_download_{lang}")
    assert not exception_text(page)


def test_seller_filters_the_terms_to_the_ones_to_negate(app_server, browser_page):
    page = browser_page
    open_page(page, app_server, "Ads")
    box = page.locator("[data-testid='stMultiSelect']", has_text=t("ads.col.decision", "en")).first
    box.locator("input").first.click()
    box.locator("input").first.fill(t("ads.decision.negate", "en")[:3])   # type to filter, then pick
    page.get_by_role("option", name=t("ads.decision.negate", "en"), exact=True).click()
    wait_idle(page)
    page.keyboard.press("Escape")
    page.get_by_text("Showing 1 of 1 rows").first.wait_for()
    shot(page, "ads_terms_filtered_en")
    assert not exception_text(page)
