"""Rows that cover a week, a month or an offset from the report's start: each row gets its own period
(``date`` .. ``date_end``, both inclusive).

Reports break a period down by a time column whose *name* says the granularity:

=============================  ===========================================================================
header (normalised)            values and the period of a row
=============================  ===========================================================================
``week``                       a date (Shopify Analytics: the week's first day, ``2024-01-01``) -> that day
                               + 6; or GA4's week of the year ``01`` .. ``53``: weeks start on Sunday and
                               January 1st is always in week 01, so the first and last weeks are short
                               (GA4 Data API, dimension ``week``)
``month``                      a date (Shopify: the first of the month) -> the month; or GA4's ``01`` ..
                               ``12``
``iso week of the year``       GA4's ``isoWeek``: ISO 8601 weeks (Monday to Sunday)
``year month`` / ``year week``  GA4's ``202504`` / ``202501`` (``year week`` in GA4 weeks)
``iso week of iso year``       GA4's ``isoYearIsoWeek`` ``202501``
``nth day`` / ``nth week`` /   GA4's zero-padded offsets from the report's start date (``0000``,
``nth month``                  ``0001``...)
=============================  ===========================================================================

GA4 numbers carry no year: it comes from the report's ``# Start date`` / ``# End date`` lines (or the
period the seller gives); a week or month number that falls in two years of that period cannot be
placed and its rows are counted as unreadable dates. Every period is clipped to the report's period
when one is known (GA4's first and last weeks are partial).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .headers import base_header, norm_header

UNITS = {
    "week": "week", "周": "week", "週": "week",
    "month": "month", "月": "month", "月份": "month",
    "iso week of the year": "isoweek", "iso week": "isoweek",
    "year month": "yearmonth", "年月": "yearmonth",
    "year week": "yearweek",
    "iso week of iso year": "isoyearweek",
    "nth day": "nthday", "nth week": "nthweek", "nth month": "nthmonth",
}
"""Normalised time-column headers whose rows cover more than a day (or an offset), by unit."""


def unit_of(header: str) -> str | None:
    """The period unit a time column's header names (None: daily dates)."""
    return UNITS.get(norm_header(header)) or UNITS.get(base_header(header))


def _ga4_week_start(year: int, week: int) -> date:
    """First day of GA4 week ``week`` of ``year`` (Sunday weeks, January 1st in week 01), unclipped."""
    jan1 = date(year, 1, 1)
    first_sunday = jan1 - timedelta(days=(jan1.weekday() + 1) % 7)
    return first_sunday + timedelta(days=7 * (week - 1))


def _span(unit: str, year: int, num: int) -> tuple[date, date] | None:
    try:
        if unit in ("week", "yearweek"):
            if not 1 <= num <= 54:  # a leap year starting on Saturday ends with a Sunday week 54
                return None
            start = _ga4_week_start(year, num)
            end = start + timedelta(days=6)
            start, end = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
            return (start, end) if start <= end else None
        if unit in ("isoweek", "isoyearweek"):
            start = date.fromisocalendar(year, num, 1)
            return start, start + timedelta(days=6)
        if unit in ("month", "yearmonth"):
            start = date(year, num, 1)
            return start, (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
    except ValueError:
        return None
    return None


def expand(
    values: pa.ChunkedArray, unit: str, start: date | None, end: date | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """``(first days, last days, unreadable mask, needs_year)`` for a time column of ``unit``.

    ``values`` are the column's cells (text, or timestamps the CSV parser already read); ``start`` and
    ``end`` the report's period if known. ``needs_year`` is True when the column holds GA4 numbers and
    no period gives their year (the caller then asks for the period)."""
    n = len(values)
    nat = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    lo_out, hi_out, bad = nat.copy(), nat.copy(), np.zeros(n, dtype=bool)
    if pa.types.is_timestamp(values.type):
        days = pd.Series(values.to_numpy(), copy=False).dt.normalize()
        return (*_calendar(days, unit, start, end), bad, False)
    text = pd.Series(pc.utf8_trim_whitespace(values).to_pandas(), copy=False).astype("str")
    present = text.notna().to_numpy() & (text.fillna("") != "").to_numpy()
    numeric = text.str.fullmatch(r"\d{1,6}", na=False).to_numpy()
    if present.any() and not numeric[present].all():
        # dates (Shopify's week start / first of the month): read them as dates
        from .parse import _to_datetime

        parsed, bad = _to_datetime(values, "date", "", None)
        lo, hi = _calendar(pd.Series(parsed), unit, start, end)
        return lo, hi, bad, False
    if unit in ("nthday", "nthweek", "nthmonth"):
        if start is None:
            return lo_out, hi_out, np.zeros(n, dtype=bool), bool(present.any())
        k = pd.to_numeric(text.where(numeric), errors="coerce").to_numpy()
        ok = ~np.isnan(k)
        base = np.datetime64(start, "D")
        ki = np.where(ok, k, 0).astype("int64")
        if unit == "nthday":
            lo = base + ki.astype("timedelta64[D]")
            hi = lo
        elif unit == "nthweek":
            lo = base + (7 * ki).astype("timedelta64[D]")
            hi = lo + np.timedelta64(6, "D")
        else:
            m0 = np.datetime64(start, "M")
            months = m0 + ki.astype("timedelta64[M]")
            lo = np.maximum(months.astype("datetime64[D]"), base)
            hi = (months + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
        lo, hi = _clip(lo.astype("datetime64[ns]"), hi.astype("datetime64[ns]"), start, end)
        lo_out[ok], hi_out[ok] = lo[ok], hi[ok]
        return lo_out, hi_out, present & ~ok, False
    # GA4 numbers: week / month of the year, year month, year week
    if unit in ("yearmonth", "yearweek", "isoyearweek"):
        spans = {}
        for v in pd.unique(text[present & numeric]):
            y, num = (int(v[:4]), int(v[4:])) if len(v) == 6 else (None, None)
            spans[v] = _span(unit, y, num) if y else None
    else:
        if start is None or end is None:
            return lo_out, hi_out, np.zeros(n, dtype=bool), bool(present.any())
        spans = {}
        for v in pd.unique(text[present & numeric]):
            hits = []
            for y in range(start.year - (unit == "isoweek"), end.year + 1):
                sp = _span(unit, y, int(v))
                if sp is not None and sp[0] <= end and sp[1] >= start:
                    hits.append(sp)
            spans[v] = hits[0] if len(hits) == 1 else None
    lo_map = {k: np.datetime64(v[0], "ns") for k, v in spans.items() if v}
    hi_map = {k: np.datetime64(v[1], "ns") for k, v in spans.items() if v}
    lo = text.map(lo_map).to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT"))
    hi = text.map(hi_map).to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT"))
    lo, hi = _clip(lo, hi, start, end)
    return lo, hi, present & np.isnat(lo), False


def _calendar(days: pd.Series, unit: str, start, end) -> tuple[np.ndarray, np.ndarray]:
    """Week (start + 6 days) or month (to its last day) of real dates, clipped to the period."""
    lo = days.to_numpy(dtype="datetime64[ns]")
    if unit in ("month", "yearmonth"):
        hi = (days + pd.offsets.MonthEnd(0)).to_numpy(dtype="datetime64[ns]")
    elif unit in ("week", "isoweek", "yearweek", "isoyearweek", "nthweek"):
        hi = lo + np.timedelta64(6, "D")
    else:
        hi = lo.copy()
    return _clip(lo, hi, start, end)


def _clip(lo: np.ndarray, hi: np.ndarray, start, end) -> tuple[np.ndarray, np.ndarray]:
    if start is not None:
        s = np.datetime64(start, "ns")
        lo = np.where(np.isnat(lo), lo, np.maximum(lo, s))
    if end is not None:
        e = np.datetime64(end, "ns")
        hi = np.where(np.isnat(hi), hi, np.minimum(hi, e))
    return lo, hi
