"""The reporting currency in the app: the sidebar selector bound to ``?cur=``, money with its code, the
exchange-rate step of the waterfall, the store-currency question and the notes on lines left out."""

from __future__ import annotations

import hashlib

import pytest
from pagetest import run_page

from cbe_core.i18n import catalog, t
from tests.conftest import DATA


def upload(name: str, path) -> dict:
    data = path.read_bytes()
    return {"cbe_source": "upload", "cbe_uploads": {name: {"name": path.name, "data": data,
                                                          "digest": hashlib.sha256(data).hexdigest(),
                                                          "mapping": None, "period": None}}}


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def labels(at) -> list[str]:
    return [m.label for m in at.metric]


def test_the_sample_store_reports_in_usd_and_says_so_on_the_cards():
    at = run_page("2_Diagnostics.py")
    assert at.selectbox(key="cur_select").value == "USD"
    # the code sits in the label (a value with it overflows a card at six cards a row)
    assert {"Revenue (USD)", "Average order value (USD)", "Orders"} <= set(labels(at))
    assert not [w for w in at.warning if "exchange rate" in w.value]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cur_in_the_url_converts_every_amount_and_the_waterfall_shows_the_rate_effect(lang):
    usd = run_page("2_Diagnostics.py", lang)
    eur = run_page("2_Diagnostics.py", lang, query={"cur": "EUR"})
    label = t("diag.kpi.revenue", lang)
    r_usd = float(metric(usd, f"{label} (USD)").replace(",", ""))
    r_eur = float(metric(eur, f"{label} (EUR)").replace(",", ""))
    assert 0.80 < r_eur / r_usd < 0.95  # 1 USD was 0.83-0.90 EUR over the sample's dates (ECB)
    summary = " ".join(m.value for m in eur.markdown)
    assert catalog()["diag.change_summary_fx"][lang].split("{fx}")[0] in summary
    assert any("USD" in c.value and "→" in c.value for c in eur.caption)  # the average rates


def test_the_selector_writes_the_currency_into_the_url_and_a_bad_code_is_ignored():
    at = run_page("5_Customers.py")
    at.selectbox(key="cur_select").set_value("GBP").run()
    assert not at.exception
    assert at.query_params["cur"] == ["GBP"] or at.query_params["cur"] == "GBP"
    bad = run_page("5_Customers.py", query={"cur": "dollars"})
    assert bad.selectbox(key="cur_select").value == "USD"


def test_lines_without_a_rate_are_named_on_the_data_diagnostics_and_customers_pages():
    state = upload("orders", DATA / "currency" / "shopify_markets_orders.csv")
    data = run_page("1_Data.py", state=state, query={"cur": "EUR"})
    report = " ".join(x.value for x in data.text)
    assert "Converted 10 lines into EUR" in report and "TWD (2)" in report
    for page in ("2_Diagnostics.py", "5_Customers.py"):
        at = run_page(page, state=state, query={"cur": "EUR"})
        warnings = " ".join(w.value for w in at.warning).replace("\\", "")  # Markdown escapes off
        assert "TWD (2)" in warnings and "left out of revenue" in warnings, page


def test_files_without_a_currency_ask_for_the_store_currency_once():
    state = upload("orders", DATA / "diagnostics" / "orders.csv")
    at = run_page("2_Diagnostics.py", state=state)
    assert at.selectbox(key="store_currency_select").value == "USD"
    assert any("store currency" in w.value for w in at.warning)
    at.selectbox(key="store_currency_select").set_value("EUR").run()
    assert not at.exception
    assert at.session_state["cbe_store_currency"] == "EUR"
    assert not any("store currency" in w.value for w in at.warning)   # answered: not asked again
    assert "Revenue (EUR)" in labels(at)                                 # its money is now EUR


def test_the_shipping_simulator_keeps_pricing_in_usd_whatever_the_reporting_currency():
    at = run_page("4_Logistics.py", query={"cur": "EUR"})
    at.selectbox(key="logi_sku").set_value("KIT-01").run()
    assert not at.exception
    # sample_data/products.csv: KIT-01 sells at 18.99 USD; converted to EUR for the reports and back
    assert at.number_input(key="logi_v_KIT-01").value == pytest.approx(18.99, abs=1e-6)
