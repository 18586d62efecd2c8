"""Excel workbooks: the only place in the project that writes them.

Every workbook gets a bold, frozen header row with filters, column widths fitted to the content,
dates written as real Excel dates, and every text cell neutralised against formula injection: a text
value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with an apostrophe
(OWASP "CSV Injection" guidance, https://owasp.org/www-community/attacks/CSV_Injection, checked
2026-11), so Excel, LibreOffice or Google Sheets show it as text and never evaluate it. Numbers stay
numbers (a negative number is not text and is safe).

Written with xlsxwriter, which streams rows and is several times faster than openpyxl for writing.
Sheets longer than ``BULK_ROWS`` rows keep xlsxwriter for everything but the data rows, which are
serialised in bulk (numbers, dates as serial days with the same formats, booleans, neutralised text as
inline strings): the same cells, several times faster (tests/test_export_segments.py checks the two
paths give identical workbooks).
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
# Sheets with more rows than this get their data rows serialised in bulk (see _with_bulk_rows):
# xlsxwriter costs ~8 microseconds a cell, too slow for 100k-customer lists.
BULK_ROWS = 1_000
_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XML_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f]|^\s|\s$")
_EXCEL_EPOCH_NS = np.datetime64("1899-12-30", "ns").astype("int64")


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


def _column_letter(j: int) -> str:
    letters = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _xml_text(value: str) -> str:
    """Text for an inline-string cell: XML-escaped; control characters written as Excel's _xHHHH_."""
    if not _XML_SPECIAL.search(value):
        return f"<t>{value}</t>"
    text = value.translate(_XML_ESCAPE)
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<t{space}>{text}</t>"


def _bulk_cells(frame: pd.DataFrame, specs: list) -> list[list[str]]:
    """The SpreadsheetML ``<c>`` elements of every data cell, column by column (empty string = no
    cell). Same values and formats as the cell-by-cell path: numbers as numbers, dates as Excel serial
    days with the date format, booleans, and neutralised text as inline strings."""
    n = len(frame)
    rows = [str(i) for i in range(2, n + 2)]
    columns: list[list[str]] = []
    for j, (col, (kind, fmt)) in enumerate(zip(frame.columns, specs)):
        letter = _column_letter(j)
        style = f' s="{fmt.xf_index}"' if fmt is not None and fmt.xf_index else ""
        s = frame[col]
        if kind in ("number", "datetime"):
            if kind == "datetime":
                ns = pd.to_datetime(s).to_numpy(dtype="datetime64[ns]")
                ok = ~np.isnat(ns)
                arr = (ns.astype("int64") - _EXCEL_EPOCH_NS) / 86_400e9
            else:
                arr = s.to_numpy(dtype=float, na_value=np.nan)
                ok = np.isfinite(arr)
            whole = (ok & (arr == np.round(arr)) & (np.abs(arr) < 1e15)).tolist()
            cells = [(f'<c r="{letter}{r}"{style}><v>{int(v) if w else repr(v)}</v></c>' if k else "")
                     for r, v, k, w in zip(rows, arr.tolist(), ok.tolist(), whole)]
        elif kind == "bool":
            vals = s.to_numpy()
            cells = ["" if pd.isna(v) else f'<c r="{letter}{r}"{style} t="b"><v>{int(bool(v))}</v></c>'
                     for r, v in zip(rows, vals)]
        else:
            codes, uniques = pd.factorize(s.astype("string").fillna(""))
            bodies = [_xml_text(neutralise(str(u))) if u else "" for u in uniques] + [""]
            cells = [f'<c r="{letter}{r}"{style} t="inlineStr"><is>{bodies[c]}</is></c>' if bodies[c] else ""
                     for r, c in zip(rows, codes.tolist())]
        columns.append(cells)
    return columns


def _with_bulk_rows(data: bytes, bulk: list) -> bytes:
    """Put the data rows of the bulk sheets into the workbook xlsxwriter wrote (header, styles,
    widths, panes and filters already in place) and fix each sheet's dimension."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    replaced: dict[str, bytes] = {}
    for sheet_no, frame, specs in bulk:
        name = f"xl/worksheets/sheet{sheet_no}.xml"
        xml = src.read(name).decode("utf-8")
        columns = _bulk_cells(frame, specs)
        parts = [f'<row r="{i + 2}">' + "".join(cells) + "</row>" for i, cells in enumerate(zip(*columns))]
        last = f"{_column_letter(max(len(frame.columns) - 1, 0))}{len(frame) + 1}"
        xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', xml, count=1)
        head, sep, tail = xml.partition("</sheetData>")
        replaced[name] = (head + "".join(parts) + sep + tail).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            # level 1: large sheets compress ~3x faster for a slightly larger file
            dst.writestr(info, replaced.get(info.filename, src.read(info.filename)),
                         compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()


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
    number_formats: Mapping[str | tuple[str, str], str] | None = None,
) -> bytes:
    """Write ``sheets`` (sheet name -> frame) to one workbook; return its bytes (and save to ``path``).

    ``number_formats`` maps a column name to an Excel number format (e.g. ``{"share": "0.0%"}``), or a
    ``(sheet name, column name)`` pair for one sheet only.
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
    bulk: list[tuple[int, pd.DataFrame, list]] = []  # (sheet number, frame, [(kind, format)] per column)
    for sheet_no, (raw_name, frame) in enumerate(sheets.items(), start=1):
        ws = book.add_worksheet(safe_sheet_name(raw_name, taken))
        frame = frame.reset_index(drop=True)
        n_rows = len(frame)
        fast = n_rows > BULK_ROWS
        specs: list = []
        for j, col in enumerate(frame.columns):
            header = neutralise(str(col))
            ws.write_string(0, j, header, header_fmt)
            s = frame[col]
            kind = _column_kind(s)
            width = len(header)
            fmt = None
            key = number_formats.get((str(raw_name), str(col)), number_formats.get(str(col)))
            if key is not None:
                fmt = custom_fmts.get(key) or custom_fmts.setdefault(
                    key, book.add_format({"num_format": key}))
            if kind == "datetime":
                values = pd.to_datetime(s)
                has_time = bool((values.dropna() != values.dropna().dt.normalize()).any())
                fmt = datetime_fmt if has_time else date_fmt
                width = max(width, 16 if has_time else 10)
                if not fast:
                    py = values.dt.to_pydatetime() if n_rows else []
                    for i, v in enumerate(py):
                        if v is not None and not pd.isna(v):
                            ws.write_datetime(i + 1, j, v, fmt)
            elif kind in ("number", "bool"):
                arr = s.to_numpy(dtype=float, na_value=np.nan) if kind == "number" else s.to_numpy()
                if kind == "bool":
                    if not fast:
                        for i, v in enumerate(arr):
                            if not pd.isna(v):
                                ws.write_boolean(i + 1, j, bool(v))
                else:
                    finite = np.isfinite(arr)
                    if not fast:
                        for i in np.flatnonzero(finite):
                            ws.write_number(int(i) + 1, j, float(arr[i]), fmt)
                    if n_rows:
                        sample = arr[finite][:1000]
                        if sample.size:
                            width = max(width, min(MAX_WIDTH, max(len(f"{x:,.2f}") for x in sample)))
            else:
                texts = s.astype("string").fillna("").to_numpy(dtype=object)
                longest = 0
                for i, v in enumerate(texts[:2000] if fast else texts):
                    if v:
                        v = neutralise(v)
                        if not fast:
                            ws.write_string(i + 1, j, v)
                        if i < 2000:
                            wide = 0 if v.isascii() else sum(1 for ch in v[:60] if ord(ch) > 0x2E80)
                            longest = max(longest, len(v) + wide)
                width = max(width, min(MAX_WIDTH, longest))
            if fast:
                specs.append((kind, fmt))
                # a column style registers the cell format with the workbook (and is a sane default)
                ws.set_column(j, j, min(MAX_WIDTH, width + 2), fmt)
            else:
                ws.set_column(j, j, min(MAX_WIDTH, width + 2))
        ws.freeze_panes(1, 0)
        if len(frame.columns):
            ws.autofilter(0, 0, max(n_rows, 1), len(frame.columns) - 1)
        ws.set_row(0, None, header_fmt)
        if fast:
            bulk.append((sheet_no, frame, specs))
    book.close()
    data = buffer.getvalue()
    if bulk:
        data = _with_bulk_rows(data, bulk)
    if path is not None:
        Path(path).write_bytes(data)
    return data


# RFM segment lists (issue 5) -----------------------------------------------------------------------
SEGMENT_SHEET_COLUMNS = (
    "customer_id", "email", "customer_name", "first_order", "last_order", "recency_days", "frequency",
    "monetary", "aov", "r_score", "f_score", "m_score",
    # from the customer-value model, when the list carries them (cbe_core.customers.clv.with_predictions)
    "churn_risk", "expected_next_order", "predicted_spend",
    "segment", "action",
)
SEGMENT_MONEY_COLUMNS = frozenset({"revenue", "monetary", "aov", "avg_monetary"})


def segments_workbook(
    customers: pd.DataFrame,
    segments: list[str] | None = None,
    *,
    lang: str = "en",
    path: str | Path | None = None,
    currency: str | None = None,
) -> bytes:
    """Segment customer lists for campaigns: a Summary sheet (segment, customers, share of all customers,
    revenue, average R/F/M, suggested action) and one sheet per chosen segment with the customer rows
    (id, the contact fields the orders carry, RFM values, scores, segment, action), headers and segment
    names in ``lang``; churn risk, expected next order and predicted spend when the list carries them
    (:func:`cbe_core.customers.clv.with_predictions`). ``customers`` is
    :attr:`cbe_core.customers.rfm.RfmResult.customers`;
    ``segments`` are segment keys (None = every segment that has customers); ``currency`` (the
    reporting currency) is written in the money headers (``Revenue (EUR)``). Built on
    :func:`write_workbook`."""
    from .customers.rfm import segment_summary
    from .errors import DataError
    from .i18n import t

    known = [str(c) for c in customers["segment"].cat.categories]
    if segments is None:
        present = set(customers["segment"].astype("str"))
        segments = [s for s in known if s in present]
    unknown = [s for s in segments if s not in known]
    if unknown:
        raise DataError("err.rfm.unknown_segments", unknown=", ".join(unknown), known=", ".join(known))
    chosen = [s for s in known if s in set(segments)]

    def head(col: str) -> str:
        text = t(f"rfm.col.{col}", lang)
        return f"{text} ({currency})" if currency and col in SEGMENT_MONEY_COLUMNS else text

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
               head("avg_monetary"): money, head("churn_risk"): "0%", head("predicted_spend"): money}
    return write_workbook(sheets, path, number_formats=formats)


# Cohort tables (issue 18) --------------------------------------------------------------------------
MAX_AGES = 200
COHORT_MATRICES = ("retention", "orders_per_customer", "cum_net_sales_per_customer",
                   "cum_gross_profit_per_customer")


def _matrix_sheet(measure: str, lang: str, cur: str) -> str:
    from .i18n import t

    return t(f"cohorts.sheet.{measure}", lang) + (cur if measure.startswith("cum_") else "")


def cohorts_workbook(result, acquisition: pd.DataFrame | None = None, *, lang: str = "en",
                     path: str | Path | None = None) -> bytes:
    """The cohort tables of a :class:`cbe_core.customers.cohorts.CohortResult`: a Cohorts sheet (size,
    periods lived, 12-month value, and with ``acquisition`` the spend, CAC, LTV:CAC and payback), one
    cohort x age matrix per measure in :data:`COHORT_MATRICES` (lived periods only, the one in progress
    with its figures so far; gross profit when
    the orders carry costs) and an All cells sheet with every row, projected ones marked. Headers in
    ``lang``; money columns name the currency when the orders carry one."""
    from .i18n import t

    cur = f" ({result.currency})" if result.currency else ""
    by = result.by

    def head(col: str, money: bool = False) -> str:
        return t(f"cohorts.col.{col}", lang) + (cur if money else "")

    split = result.split is not None
    summary = pd.DataFrame({head("cohort"): result.cohorts["cohort"].to_numpy()})
    if split:
        summary[head("group")] = result.cohorts["group"].to_numpy()
    summary[head("start")] = result.cohorts["start"].to_numpy()
    summary[head("customers")] = result.cohorts["customers"].to_numpy()
    summary[head("small")] = result.cohorts["small"].to_numpy()
    summary[head("observed_ages")] = result.cohorts["observed_ages"].to_numpy()
    summary[head("ltv", True)] = result.cohorts["ltv"].round(2).to_numpy()
    summary[head("ltv_projected")] = result.cohorts["ltv_projected"].to_numpy()
    if acquisition is not None and len(acquisition) and not split:
        acq = acquisition.set_index("cohort").reindex(result.cohorts["cohort"])
        for col in ("ad_spend", "other_spend", "spend", "cac"):
            summary[head(col, True)] = acq[col].round(2).to_numpy()
        summary[head("ltv_cac")] = acq["ltv_cac"].round(2).to_numpy()
        summary[head("payback_age")] = acq["payback_age"].to_numpy()
    sheets: dict[str, pd.DataFrame] = {t("cohorts.sheet.cohorts", lang): summary}
    cells = result.cells
    lived = result.lived()
    index = ["cohort", "group"] if split else ["cohort"]
    for measure in COHORT_MATRICES:
        if measure == "cum_gross_profit_per_customer" and not result.has_profit:
            continue
        wide = lived.pivot_table(index=index, columns="age", values=measure, aggfunc="first", sort=False)
        wide.columns = [t(f"cohorts.age.{by}", lang, n=int(k)) for k in wide.columns]
        wide = wide.reset_index().rename(columns={"cohort": head("cohort"), "group": head("group")})
        sheets[_matrix_sheet(measure, lang, cur)] = wide
    status = cells["status"].map(lambda s: t(f"cohorts.status.{s}", lang))
    money = ("net_sales", "net_sales_per_customer", "gross_profit", "gross_profit_per_customer",
             "cum_net_sales_per_customer", "cum_gross_profit_per_customer")
    long = pd.DataFrame({head(c, c in money): (status if c == "status" else cells[c]).to_numpy()
                         for c in cells.columns if split or c != "group"})
    sheets[t("cohorts.sheet.cells", lang)] = long
    pct, amount = "0.0%", "#,##0.00"
    formats: dict = {head("retention"): pct, **{head(c, True): amount for c in money}}
    for measure, fmt in zip(COHORT_MATRICES, (pct, "0.00", amount, amount)):
        sheet = _matrix_sheet(measure, lang, cur)
        formats.update({(sheet, t(f"cohorts.age.{by}", lang, n=k)): fmt for k in range(MAX_AGES)})
    return write_workbook(sheets, path, number_formats=formats)
