"""A store selling in several currencies, end to end through the command line.

tests/data/currency/ holds an Amazon US (USD) and an Amazon DE (EUR) "All Orders" report of one store
(September and October 2025), and a Shopify Markets export whose orders are in USD, EUR, GBP and TWD
(the ECB publishes no TWD rate). Expected figures are recomputed here line by line with the
currencyconverter package's own CurrencyConverter (last published rate on days without a fixing), not
with the code under test.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from currency_converter import CurrencyConverter

from cbe_core.__main__ import main
from cbe_core.ingest import read_table
from cbe_core.schema import sales_lines
from tests.conftest import DATA

D = DATA / "currency"
US, DE = str(D / "amazon_us_orders.txt"), str(D / "amazon_de_orders.txt")
SHOP = str(D / "shopify_markets_orders.csv")
CC = CurrencyConverter(fallback_on_missing_rate=True, fallback_on_missing_rate_method="last_known")


def run(capsys, *argv) -> tuple[dict, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out), err


def expected_revenue(paths, reporting: str, start: str, end: str, skip=("TWD",)) -> float:
    total = 0.0
    for path in paths:
        sales = sales_lines(read_table(path, "orders")[0])
        day = sales["order_date"].dt.normalize()
        sales = sales.loc[(day >= start) & (day <= end) & ~sales["currency"].isin(skip)]
        cols = (sales["quantity"], sales["unit_price"], sales["currency"], sales["order_date"])
        for q, p, cur, d in zip(*cols, strict=True):
            total += CC.convert(q * p, cur, reporting, date=d.date())
    return total


@pytest.mark.parametrize("reporting", ["USD", "EUR"])
def test_two_marketplaces_are_diagnosed_in_one_currency_with_a_rate_effect(capsys, reporting):
    out, err = run(capsys, "diagnose", "--orders", US, "--orders", DE, "--from", "2025-10-01", "--to",
                   "2025-10-31", "--currency", reporting, "--json")
    assert out["currency"] == reporting
    assert out["kpis"]["values"]["revenue"] == pytest.approx(
        expected_revenue([US, DE], reporting, "2025-10-01", "2025-10-31"), rel=1e-9)
    dec = out["decomposition"]
    assert dec["revenue_before"] == pytest.approx(
        expected_revenue([US, DE], reporting, "2025-09-01", "2025-09-30"), rel=1e-9)
    assert set(dec["effects"]) == {"orders", "aov", "fx"}
    assert sum(dec["effects"].values()) == pytest.approx(dec["change"], abs=1e-6)
    rates = {r["currency"]: r for r in dec["rates"]}
    other = "EUR" if reporting == "USD" else "USD"
    assert rates[reporting]["rate_before"] == rates[reporting]["rate_after"] == 1.0
    mid_september = CC.convert(1, other, reporting, date=dt.date(2025, 9, 15))
    assert rates[other]["rate_before"] == pytest.approx(mid_september, rel=0.03)  # September's average
    # the rate effect has the sign of the rate's move: the share of sales in the other currency
    # times the change of its average rate, to first order
    move = rates[other]["rate_after"] / rates[other]["rate_before"] - 1
    assert dec["effects"]["fx"] * move > 0
    assert "Converted" in err and f"into {reporting}" in err


def test_text_output_names_the_currency_of_every_money_kpi(capsys):
    assert main(["diagnose", "--orders", US, "--orders", DE, "--currency", "EUR"]) == 0
    out = capsys.readouterr().out
    line = {ln.split(":")[0].strip(): ln for ln in out.splitlines() if ":" in ln}
    assert line["Revenue"].count(" EUR") == 1 and " EUR" in line["Average order value"]
    assert " EUR" not in line["Orders"]


def test_a_currency_without_a_rate_is_left_out_of_customer_values_and_said_so(capsys, tmp_path):
    val, err = run(capsys, "validate", "orders", SHOP, "--currency", "EUR", "--json")
    assert val["currencies"] == {"EUR": 7, "USD": 6, "GBP": 4, "TWD": 2}
    assert val["no_rate"] == {"TWD": 2}
    assert val["revenue"] == pytest.approx(expected_revenue([SHOP], "EUR", "2025-01-01", "2025-12-31"),
                                           abs=0.006)
    assert val["customers"] == 5  # Fay buys in TWD only: no rate, so no customer value
    path = tmp_path / "segments.xlsx"
    rfm, err = run(capsys, "rfm", SHOP, "--currency", "EUR", "--out", str(path), "--json")
    assert rfm["currency"] == "EUR" and rfm["customers"] == 5
    assert sum(s["revenue"] for s in rfm["segments"].values()) == pytest.approx(val["revenue"], abs=0.02)
    assert "TWD (2)" in err and "customer values" in err
    wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    headers = [c.value for c in wb.worksheets[0][1]]
    assert "Revenue (EUR)" in headers


def test_the_sellers_own_rate_table_brings_the_missing_currency_in(capsys, tmp_path):
    rates = tmp_path / "rates.csv"
    rates.write_text("date,currency,rate,base\n2025-09-01,TWD,0.028,EUR\n2025-10-01,TWD,0.0281,EUR\n")
    val, _ = run(capsys, "validate", "orders", SHOP, "--currency", "EUR", "--rates", str(rates), "--json")
    assert val["no_rate"] == {} and val["customers"] == 6
    # Fay: 790 TWD on 15 September (0.028) and 2 x 590 TWD on 18 October (0.0281)
    without = expected_revenue([SHOP], "EUR", "2025-01-01", "2025-12-31")
    assert val["revenue"] == pytest.approx(without + 790 * 0.028 + 1180 * 0.0281, abs=0.006)
