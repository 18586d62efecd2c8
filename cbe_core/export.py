"""Excel workbooks: the only place in the project that writes them.

Every workbook gets a bold, frozen header row with filters, column widths fitted to the content,
dates written as real Excel dates, and every text cell neutralised against formula injection: a text
value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with an apostrophe
(OWASP "CSV Injection" guidance, https://owasp.org/www-community/attacks/CSV_Injection, checked
2026-11), so Excel, LibreOffice or Google Sheets show it as text and never evaluate it. Numbers stay
numbers (a negative number is not text and is safe).

Written with xlsxwriter, which streams rows and is several times faster than openpyxl for writing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

INJECTION_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
MAX_WIDTH = 60


def neutralise(value: str) -> str:
    """Return ``value`` safe to put in a spreadsheet cell as text."""
    if value and value.startswith(INJECTION_PREFIXES):
        return "'" + value
    return value


def safe_sheet_name(name: str, taken: set[str] | None = None) -> str:
    """Excel sheet names: at most 31 characters, none of ``[]:*?/\\``, unique (case-insensitive)."""
    base = _SHEET_BAD.sub("_", str(name)).strip("'") or "Sheet"
    base = base[:31]
    taken = taken if taken is not None else set()
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


def _column_kind(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "datetime"
    if pd.api.types.is_numeric_dtype(s):
        return "number"
    return "text"


def write_workbook(
    sheets: Mapping[str, pd.DataFrame],
    path: str | Path | None = None,
    *,
    number_formats: Mapping[str, str] | None = None,
) -> bytes:
    """Write ``sheets`` (sheet name -> frame) to one workbook; return its bytes (and save to ``path``).

    ``number_formats`` maps a column name to an Excel number format (e.g. ``{"share": "0.0%"}``).
    Date columns without a time part get ``yyyy-mm-dd``, others ``yyyy-mm-dd hh:mm``.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False,
                                        "nan_inf_to_errors": False})
    header_fmt = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True,
                                  "valign": "top"})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    datetime_fmt = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    custom_fmts: dict[str, object] = {}
    taken: set[str] = set()
    number_formats = dict(number_formats or {})
    for raw_name, frame in sheets.items():
        ws = book.add_worksheet(safe_sheet_name(raw_name, taken))
        frame = frame.reset_index(drop=True)
        n_rows = len(frame)
        for j, col in enumerate(frame.columns):
            header = neutralise(str(col))
            ws.write_string(0, j, header, header_fmt)
            s = frame[col]
            kind = _column_kind(s)
            width = len(header)
            fmt = None
            if str(col) in number_formats:
                key = number_formats[str(col)]
                fmt = custom_fmts.get(key) or custom_fmts.setdefault(key, book.add_format({"num_format": key}))
            if kind == "datetime":
                values = pd.to_datetime(s)
                has_time = bool((values.dropna() != values.dropna().dt.normalize()).any())
                fmt = datetime_fmt if has_time else date_fmt
                width = max(width, 16 if has_time else 10)
                py = values.dt.to_pydatetime() if n_rows else []
                for i, v in enumerate(py):
                    if v is not None and not pd.isna(v):
                        ws.write_datetime(i + 1, j, v, fmt)
            elif kind in ("number", "bool"):
                arr = s.to_numpy(dtype=float, na_value=np.nan) if kind == "number" else s.to_numpy()
                if kind == "bool":
                    for i, v in enumerate(arr):
                        if not pd.isna(v):
                            ws.write_boolean(i + 1, j, bool(v))
                else:
                    finite = np.isfinite(arr)
                    for i in np.flatnonzero(finite):
                        ws.write_number(int(i) + 1, j, float(arr[i]), fmt)
                    if n_rows:
                        sample = arr[finite][:1000]
                        if sample.size:
                            width = max(width, min(MAX_WIDTH, max(len(f"{x:,.2f}") for x in sample)))
            else:
                texts = s.astype("string").fillna("").to_numpy(dtype=object)
                longest = 0
                for i, v in enumerate(texts):
                    if v:
                        v = neutralise(v)
                        ws.write_string(i + 1, j, v)
                        if i < 2000:
                            longest = max(longest, len(v) + sum(1 for ch in v[:60] if ord(ch) > 0x2E80))
                width = max(width, min(MAX_WIDTH, longest))
            ws.set_column(j, j, min(MAX_WIDTH, width + 2))
        ws.freeze_panes(1, 0)
        if len(frame.columns):
            ws.autofilter(0, 0, max(n_rows, 1), len(frame.columns) - 1)
        ws.set_row(0, None, header_fmt)
    book.close()
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


# RFM segment lists (issue 5) -----------------------------------------------------------------------
SEGMENT_SHEET_COLUMNS = (
    "customer_id", "email", "customer_name", "first_order", "last_order", "recency_days", "frequency",
    "monetary", "aov", "r_score", "f_score", "m_score", "segment", "action",
)


def segments_workbook(
    customers: pd.DataFrame,
    segments: list[str] | None = None,
    *,
    lang: str = "en",
    path: str | Path | None = None,
) -> bytes:
    """Segment customer lists for campaigns: a Summary sheet (segment, customers, share of all customers,
    revenue, average R/F/M, suggested action) and one sheet per chosen segment with the customer rows
    (id, the contact fields the orders carry, RFM values, scores, segment, action), headers and segment
    names in ``lang``. ``customers`` is :attr:`cbe_core.rfm.RfmResult.customers`; ``segments`` are
    segment keys (None = every segment that has customers). Built on :func:`write_workbook`."""
    from .errors import DataError
    from .i18n import t
    from .rfm import segment_summary

    known = [str(c) for c in customers["segment"].cat.categories]
    if segments is None:
        present = set(customers["segment"].astype("str"))
        segments = [s for s in known if s in present]
    unknown = [s for s in segments if s not in known]
    if unknown:
        raise DataError("err.rfm.unknown_segments", unknown=", ".join(unknown), known=", ".join(known))
    chosen = [s for s in known if s in set(segments)]

    def head(col: str) -> str:
        return t(f"rfm.col.{col}", lang)

    summ = segment_summary(customers)
    summ = summ.loc[summ["segment"].isin(chosen)]
    summary = pd.DataFrame({
        head("segment"): [t(f"rfm.seg.{s}", lang) for s in summ["segment"]],
        head("customers"): summ["customers"].to_numpy(),
        head("share"): summ["share"].to_numpy(),
        head("revenue"): summ["revenue"].to_numpy(),
        head("avg_recency_days"): summ["recency_days"].round(1).to_numpy(),
        head("avg_frequency"): summ["frequency"].round(2).to_numpy(),
        head("avg_monetary"): summ["monetary"].round(2).to_numpy(),
        head("action"): [t(f"rfm.seg.{s}.action", lang) for s in summ["segment"]],
    })
    sheets: dict[str, pd.DataFrame] = {t("rfm.sheet.summary", lang): summary}
    seg_text = customers["segment"].astype("str")
    for s in chosen:
        rows = customers.loc[seg_text == s]
        frame = pd.DataFrame(index=range(len(rows)))
        for col in SEGMENT_SHEET_COLUMNS:
            if col == "segment":
                frame[head(col)] = t(f"rfm.seg.{s}", lang)
            elif col == "action":
                frame[head(col)] = t(f"rfm.seg.{s}.action", lang)
            elif col in rows.columns:
                frame[head(col)] = rows[col].to_numpy()
        sheets[t(f"rfm.seg.{s}", lang)] = frame
    money = "#,##0.00"
    formats = {head("share"): "0.0%", head("revenue"): money, head("monetary"): money, head("aov"): money,
               head("avg_monetary"): money}
    return write_workbook(sheets, path, number_formats=formats)
