"""The reporting currency in a real browser: pick EUR in the sidebar, the URL keeps it, every money KPI
and the waterfall say EUR, and the menu links carry it to the next page (English and Chinese)."""

from __future__ import annotations

import pytest

from cbe_core.i18n import t

from .conftest import exception_text, open_page, shot, wait_idle

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_seller_switches_the_reporting_currency_and_it_follows_them(app_server, browser_page, lang):
    page = browser_page
    open_page(page, app_server, "Diagnostics", lang)
    sidebar = page.locator("[data-testid='stSidebar']")
    revenue = page.locator("[data-testid='stMetric']").filter(has_text=t("diag.kpi.revenue", lang)).first
    assert "(USD)" in revenue.inner_text()
    sidebar.get_by_text(t("fx.reporting", lang), exact=True).wait_for()
    sidebar.locator("[data-testid='stSelectbox']", has_text=t("fx.reporting", lang)).first.click()
    page.keyboard.type("EUR")  # the option list is virtualised: filter it so the option is drawn
    page.get_by_role("option", name="EUR", exact=True).click()
    wait_idle(page)
    # the rerun the choice starts may begin after the first idle frame: wait for its result
    metrics = page.locator("[data-testid='stMetric']")
    metrics.filter(has_text=t("diag.kpi.revenue", lang)).filter(has_text="(EUR)").first.wait_for()
    wait_idle(page)
    assert "cur=EUR" in page.url
    page.get_by_role("tab", name=t("diag.section.waterfall", lang)).click()
    wait_idle(page)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text(t("diag.fx_rates", lang, currency="EUR", rates="").split(":")[0].split("：")[0],
                     exact=False).first.wait_for()
    chart = page.locator("[data-testid='stVegaLiteChart']:visible").first
    chart.scroll_into_view_if_needed()
    assert not exception_text(page)
    shot(page, f"currency_diagnostics_eur_{lang}")
    # the menu carries the currency to the next page
    sidebar.get_by_role("link", name=t("nav.customers", lang)).click()
    wait_idle(page)
    assert "cur=EUR" in page.url
    # the win-back answer names its money in EUR (the select's value is not part of its inner text)
    page.locator("[data-testid='stMain'] [data-testid='stAlert']", has_text=" EUR").first.wait_for()
    assert not exception_text(page)
    shot(page, f"currency_customers_eur_{lang}")
