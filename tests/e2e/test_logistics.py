"""Logistics page in a real browser: recommendation, charts, carrier flags, market from the URL, Excel."""

from __future__ import annotations

import pytest

from .conftest import exception_text, open_page, shot, wait_idle

pytestmark = pytest.mark.e2e


def charts(page):
    return page.locator("[data-testid='stVegaLiteChart']")


@pytest.mark.parametrize(
    "lang,title,flag", [("en", "Which way should this product ship", "loses"), ("zh", "该怎么发货", "丢件率")]
)
def test_logistics_page_in_both_languages(app_server, browser_page, lang, title, flag):
    page = browser_page
    open_page(page, app_server, "Logistics", lang)
    page.locator("[data-testid='stMetric']").nth(2).wait_for()
    page.locator("[data-testid='stAlert']", has_text="LineOne").first.wait_for()
    charts(page).nth(4).wait_for()
    wait_idle(page)
    assert exception_text(page) == ""
    assert title in page.locator("h1").first.inner_text()
    alerts = " ".join(page.locator("[data-testid='stAlert']").all_inner_texts())
    assert flag in alerts and "RapidLine" in alerts
    shot(page, f"logistics_{lang}")


def test_market_comes_from_the_url_and_the_comparison_downloads(app_server, browser_page, tmp_path):
    page = browser_page
    page.goto(f"{app_server}/Logistics?dest=JP")
    page.locator("[data-testid='stMetric']").nth(2).wait_for()
    wait_idle(page)
    assert exception_text(page) == ""
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the comparison (Excel)").click()
    path = tmp_path / "out.xlsx"
    info.value.save_as(path)
    assert path.read_bytes()[:2] == b"PK" and info.value.suggested_filename == "shipping_JP.xlsx"
    shot(page, "logistics_jp")
