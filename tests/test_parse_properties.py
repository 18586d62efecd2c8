"""Property tests for the number, money, date and period parsers of :mod:`cbe_core.ingest`: random money
strings with ISO codes, symbols, prefixes, separators and decimal commas; random dates in the formats real
exports use; GA4 week numbers against an independent day-by-day count."""

from __future__ import annotations

import csv
import io as _io
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cbe_core import ingest
from cbe_core.errors import DataError
from cbe_core.ingest import periods
from cbe_core.ingest.parse import _to_datetime, _to_number

# (token, currency, zero-decimal) as written in real exports
TOKENS = [
    ("$", "USD"), ("US$", "USD"), ("€", "EUR"), ("£", "GBP"), ("₹", "INR"), ("Rs.", "INR"), ("HK$", "HKD"),
    ("MX$", "MXN"), ("R$", "BRL"), ("zł", "PLN"), ("JP¥", "JPY"), ("₩", "KRW"), ("USD", "USD"),
    ("EUR", "EUR"), ("INR", "INR"), ("BRL", "BRL"), ("GBP", "GBP"), ("JPY", "JPY"), ("CNY", "CNY"),
    ("CHF", "CHF"), ("PLN", "PLN"), ("元", "CNY"), ("RMB", "CNY"),
]
ZERO_DECIMAL = {"JPY", "KRW"}
# (thousands separator, decimal separator); "indian" groups 1,44,957.78
CONVENTIONS = [(",", "."), ("", "."), ("'", "."), (" ", "."), ("indian", "."), (".", ","), (" ", ","),
               ("\u00a0", ","), ("\u202f", ","), ("", ",")]


def _group(digits: str, sep: str) -> str:
    if sep == "indian":
        if len(digits) <= 3:
            return digits
        head, tail = digits[:-3], digits[-3:]
        parts = []
        while len(head) > 2:
            parts.insert(0, head[-2:])
            head = head[:-2]
        return ",".join([head, *parts, tail]) if head else ",".join([*parts, tail])
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    return sep.join([digits, *out])


def money_text(
    cents: int, token: str, code: str, conv, prefix: bool, space: str, negative: str
) -> tuple[str, float]:
    thousands, decimal = conv
    if code in ZERO_DECIMAL:  # whole numbers; a decimal-comma locale groups with dots or spaces
        units = cents // 100
        sep = {"indian": ","}.get(thousands, thousands)
        if decimal == ",":
            sep = thousands or "."
        number, value = _group(str(units), sep), float(units)
    else:
        whole, frac = divmod(cents, 100)
        number = f"{_group(str(whole), thousands)}{decimal}{frac:02d}"
        value = cents / 100
    body = f"{token}{space}{number}" if prefix else f"{number}{space}{token}"
    if negative == "minus":
        return f"-{body}", -value
    if negative == "parens":
        return f"({body})", -value
    return body, value


money_columns = st.tuples(
    st.lists(st.integers(0, 10**11), min_size=1, max_size=12),
    st.sampled_from(TOKENS),
    st.sampled_from(CONVENTIONS),
    st.booleans(),
    st.sampled_from(["", " ", "\u00a0"]),
    st.lists(st.sampled_from(["", "", "minus", "parens"]), min_size=12, max_size=12),
)


@settings(max_examples=400, deadline=None)
@given(money_columns)
def test_money_strings_read_their_number_and_currency(column):
    amounts, (token, code), conv, prefix, space, signs = column
    pairs = [money_text(c, token, code, conv, prefix, space, signs[i]) for i, c in enumerate(amounts)]
    cells, expected = [p[0] for p in pairs], [p[1] for p in pairs]
    vals, bad, codes, _strong = _to_number(pa.chunked_array([pa.array(cells)]), "money", ",", None)
    assert not bad.any(), cells
    np.testing.assert_allclose(vals, expected, rtol=1e-12, atol=1e-9, err_msg=str(cells))
    assert codes is not None and list(codes) == [code] * len(cells), cells


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 10**9), min_size=1, max_size=6),
    st.lists(st.integers(0, 10**9), min_size=1, max_size=6),
)
def test_a_column_mixing_currencies_reads_each_in_its_own_convention(dollars, euros):
    cells = [money_text(c, "US$", "USD", (",", "."), True, "", "")[0] for c in dollars]
    cells += [money_text(c, "€", "EUR", (".", ","), True, " ", "")[0] for c in euros]
    vals, bad, codes, _ = _to_number(pa.chunked_array([pa.array(cells)]), "money", None, None)
    assert not bad.any()
    np.testing.assert_allclose(vals, [c / 100 for c in [*dollars, *euros]], rtol=1e-12)
    assert list(codes) == ["USD"] * len(dollars) + ["EUR"] * len(euros)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789.,- ()$€£¥abcXYZ%'元")), min_size=1, max_size=14))
def test_any_text_is_a_number_or_unreadable_never_an_error(text):
    vals, bad, codes, _ = _to_number(pa.chunked_array([pa.array([text])]), "money", ",", None)
    assert bad[0] or np.isnan(vals[0]) or np.isfinite(vals[0])
    if codes is not None and codes[0] is not None:
        assert len(codes[0]) == 3 and codes[0].isupper()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(money_columns, st.sampled_from([",", ";", "\t"]))
def test_money_columns_round_trip_through_the_reader(column, delim):
    amounts, (token, code), conv, prefix, space, signs = column
    buf = _io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator="\n")
    w.writerow(["order_id", "order_date", "sku", "quantity", "unit_price"])
    expected = []
    for i, c in enumerate(amounts):
        text, value = money_text(c, token, code, conv, prefix, space, "")
        w.writerow([f"A{i}", "2026-03-01", "SKU-1", "1", text])
        expected.append(value)
    frame, rep = ingest.read_table(buf.getvalue().encode("utf-8"), "orders", filename="m.csv")
    assert rep.rows_loaded == len(amounts) and rep.dropped == {}
    np.testing.assert_allclose(frame["unit_price"].to_numpy(), expected, rtol=1e-12, atol=1e-9)
    assert frame["currency"].tolist() == [code] * len(amounts) and rep.currencies == {code: len(amounts)}


# --------------------------------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------------------------------
MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _h12(t: datetime) -> tuple[int, str]:
    h = t.hour % 12 or 12
    return h, "AM" if t.hour < 12 else "PM"


def date_text(t: datetime, style: str) -> str:
    h12, ampm = _h12(t)
    hms = f"{t:%H:%M:%S}"
    return {
        "iso": f"{t:%Y-%m-%d %H:%M:%S}",
        "iso-offset": f"{t:%Y-%m-%dT%H:%M:%S}+08:00",
        "amazon-us": f"{MON[t.month - 1]} {t.day}, {t.year} {h12}:{t:%M:%S} {ampm} PST",
        "amazon-ca": f"{MON[t.month - 1]} {t.day}, {t.year} {h12}:{t:%M:%S} {ampm[0].lower()}.m. PST",
        "amazon-in": f"{t.day} {MON[t.month - 1]} {t.year} {h12}:{t:%M:%S} {ampm.lower()} UTC",
        "amazon-de": f"{t:%d.%m.%Y} {hms} UTC",
        "amazon-jp": f"{t:%Y/%m/%d} {hms} JST",
        "tiktok-us": f"{t:%m/%d/%Y} {h12}:{t:%M:%S} {ampm}",
        "tiktok-sea": f"{t:%d/%m/%Y} {hms}",
        "shopee": f"{t:%Y-%m-%d %H:%M}",
    }[style]


STYLES = ["iso", "iso-offset", "amazon-us", "amazon-ca", "amazon-in", "amazon-de", "amazon-jp", "tiktok-us",
          "tiktok-sea", "shopee"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31)), min_size=1,
             max_size=8),
    st.sampled_from(STYLES),
)
def test_dates_in_the_formats_of_real_exports(stamps, style):
    stamps = [s.replace(microsecond=0) for s in stamps]
    if style == "shopee":
        stamps = [s.replace(second=0) for s in stamps]
    stamps.append(datetime(2026, 3, 25, 13, 5, 0))  # a day above 12 settles day-first vs month-first
    cells = [date_text(s, style) for s in stamps]
    vals, bad = _to_datetime(pa.chunked_array([pa.array(cells)]), "datetime", "d.csv", None)
    assert not bad.any(), cells
    assert list(vals) == [np.datetime64(s, "ns") for s in stamps], cells


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31)), min_size=1, max_size=8))
def test_sponsored_products_short_dates(days):
    cells = [f"{MON[d.month - 1]} {d.day}, {d.year}" for d in days]
    cells += [f"{MON[d.month - 1]} {d.day:02d}, {d.year}" for d in days]
    vals, bad = _to_datetime(pa.chunked_array([pa.array(cells)]), "date", "d.csv", None)
    assert not bad.any()
    assert list(vals) == [np.datetime64(d, "ns") for d in [*days, *days]]


# --------------------------------------------------------------------------------------------------
# GA4 weeks and months
# --------------------------------------------------------------------------------------------------
def ga4_week(d: date) -> int:
    """GA4's week of the year, counted day by day: weeks start on Sunday, January 1st is in week 01."""
    jan1 = date(d.year, 1, 1)
    week, day = 1, jan1
    while day < d:
        day += timedelta(days=1)
        if day.weekday() == 6:  # Sunday starts a new week
            week += 1
    return week


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 300))
def test_ga4_week_numbers_cover_exactly_their_days(start, length):
    end = min(start + timedelta(days=length), date(start.year, 12, 31))  # one calendar year: no ambiguity
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    by_week: dict[int, list[date]] = {}
    for d in days:
        by_week.setdefault(ga4_week(d), []).append(d)
    weeks = sorted(by_week)
    values = pa.chunked_array([pa.array([f"{w:02d}" for w in weeks])])
    lo, hi, bad, needs_year = periods.expand(values, "week", start, end)
    assert not bad.any() and not needs_year
    assert list(lo) == [np.datetime64(min(by_week[w]), "ns") for w in weeks]
    assert list(hi) == [np.datetime64(max(by_week[w]), "ns") for w in weeks]


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 6, 30)), st.integers(0, 330))
def test_month_numbers_cover_exactly_their_days(start, length):
    end = start + timedelta(days=length)
    days = [start + timedelta(days=i) for i in range(length + 1)]
    by_month: dict[str, list[date]] = {}
    for d in days:
        by_month.setdefault(f"{d.month:02d}", []).append(d)
    keys = list(by_month)
    lo, hi, bad, _ = periods.expand(pa.chunked_array([pa.array(keys)]), "month", start, end)
    assert not bad.any()
    assert list(lo) == [np.datetime64(min(by_month[k]), "ns") for k in keys]
    assert list(hi) == [np.datetime64(max(by_month[k]), "ns") for k in keys]


def test_a_week_number_found_in_two_years_of_the_period_is_not_guessed():
    values = pa.chunked_array([pa.array(["10", "30"])])
    lo, hi, bad, _ = periods.expand(values, "week", date(2024, 1, 1), date(2025, 6, 30))
    assert bad.tolist() == [True, False]  # week 10 exists in 2024 and 2025; week 30 only in 2024
    assert hi[1] == np.datetime64("2024-07-27", "ns")


@pytest.mark.parametrize("unit,value,first,last", [
    ("yearmonth", "202502", "2025-02-01", "2025-02-28"),
    ("yearweek", "202601", "2026-01-01", "2026-01-03"),
    ("isoyearweek", "202501", "2024-12-30", "2025-01-05"),
])
def test_year_and_week_codes(unit, value, first, last):
    lo, hi, bad, _ = periods.expand(pa.chunked_array([pa.array([value])]), unit, None, None)
    assert (lo[0], hi[0]) == (np.datetime64(first, "ns"), np.datetime64(last, "ns")) and not bad.any()


# --------------------------------------------------------------------------------------------------
# random cells under every real header: a message or a frame, never a traceback
# --------------------------------------------------------------------------------------------------
LAYOUT_FILES = Path(__file__).resolve().parent / "data" / "layouts"
TABLE_OF = {"orders": "orders", "traffic": "traffic", "ads": "ads", "search": "search_terms",
            "fba": "inventory", "restock": "inventory", "BusinessReport": "traffic", "Sessions": "traffic"}


def _header_lines(path: Path) -> tuple[str, str, bytes]:
    raw = path.read_bytes()
    table = next((v for k, v in TABLE_OF.items() if path.name.startswith(k)), "transactions")
    text = raw.decode("utf-8-sig")
    delim = "\t" if path.suffix == ".txt" else ","
    lines = text.splitlines(keepends=True)
    # everything up to the header row (preamble lines included)
    first = next(i for i, ln in enumerate(lines) if ln.count(delim) >= 2 and not ln.startswith("#"))
    return table, delim, "".join(lines[: first + 1]).encode("utf-8")


HEADERS = sorted(p for p in LAYOUT_FILES.iterdir() if p.suffix in (".csv", ".txt"))
cell = st.text(alphabet=st.sampled_from(list("0123456789.,-/: $€£¥₹()%abcAMPMUTCJan元@")), max_size=14)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(HEADERS), st.lists(st.lists(cell, min_size=1, max_size=40), min_size=1, max_size=6),
       st.booleans())
def test_random_cells_under_real_headers_never_crash(path, rows, with_period):
    table, delim, head = _header_lines(path)
    body = "".join(delim.join(c.replace(delim, " ").replace('"', "") for c in r) + "\n" for r in rows)
    period = (date(2026, 3, 1), date(2026, 3, 31)) if with_period else None
    try:
        frame, rep = ingest.read_table(head + body.encode("utf-8"), table, filename=path.name, period=period)
    except DataError:
        return
    assert rep.rows_loaded == len(frame)
    if "currency" in frame.columns:
        assert all(c is None or (isinstance(c, str) and len(c) == 3) for c in frame["currency"].dropna())
