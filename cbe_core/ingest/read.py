"""Read sellers' CSV/TSV/XLSX exports into canonical frames, with a load report.

The top of :mod:`cbe_core.ingest`. ``read_table(source, table)`` takes a path or bytes and
returns ``(frame, LoadReport)``: the frame has the columns and kinds of :mod:`cbe_core.schema`; the
report counts every row read, loaded, dropped (by reason, with example row numbers), every value fixed
and every line kept but excluded from sales.

How a file is read
------------------
1. Bytes (:mod:`.sniff`, :mod:`.xlsx`): refused above ``MAX_BYTES``; an XLSX whose sheet XML would
   inflate beyond ``MAX_XLSX_XML`` bytes (or at an absurd ratio) is refused before it is parsed (zip
   bombs).
2. Text encoding (:mod:`.sniff`): UTF-8 (with or without BOM) strictly first, then GB18030 (a superset
   of GBK), then Windows-1252.
3. Layout of the text (:mod:`.sniff`): delimiter (comma, semicolon, tab, pipe) from the field counts of
   the first lines; the header row is the row that names the most known columns (so title rows above it
   and GA4's ``#`` comment lines are skipped); a totals row (``Total``, ``合计``...) below the data is
   dropped and counted.
4. Parsing: ``pyarrow.csv`` reads every cell as text (multi-threaded); XLSX goes through
   ``python-calamine`` (:mod:`.xlsx`). Each column is then converted once, vectorised, to its schema
   kind (:mod:`.convert`, :mod:`.parse`): Excel ``="..."`` guards removed; currency symbols, thousands
   separators and decimal commas (decided per column from all its values); dates in any common order,
   with the day-first/month-first order decided from the whole column, never per row; UTC offsets
   dropped to keep the local wall clock; Excel serial dates.
5. Platform layouts (:mod:`.layouts`) are recognised from the headers (compared after
   :func:`~.headers.norm_header`: dashes, NBSP, full-width brackets, case, a bracketed unit) and read
   as the platform means them (Amazon's ``item-price`` is a line total, Shopify fills order columns on
   the first line only, AliExpress holds every product of an order in one cell...).
6. Meaning common to every file: money cells keep their currency and each row of a money-bearing
   table gets ``currency`` (:func:`.money.fill_currency`); a ``Week``/``Month``/``Nth day`` column
   gives each row its own period (:mod:`.periods`); a report without time column takes the seller's
   period, else its own (GA4's header lines, two dates in the file name), and a stock report an as-of
   day; order lines without SKU keep their product name as key; customer e-mails are case-folded and
   the merged ids counted.

Rows whose required values are missing or unreadable are dropped and counted; unreadable optional values
become missing and are counted as fixed. Structural faults raise :class:`~cbe_core.errors.DataError`.
Extra columns the schema does not know are kept under their original header (so a seller's own columns
survive to the exports): as ``int64``/``float64`` when every value is a plain number and the header does
not name an id or code, else as ``str``; columns a layout knows are typed.

Row numbers in reports are the ones a seller sees in a spreadsheet: the header is row 1 when it is on
the first line (title rows above it shift every number down accordingly).

Speed: clean numeric and ISO date columns (judged on the first rows) are converted by the CSV parser
itself; if a later value does not fit, the file is parsed again as text and cleaned. Text columns are
checked for stray spaces and Excel guards on a sample of ``SAMPLE_ROWS`` rows spread over the file
(id columns in full) before the whole column is cleaned. Totals rows are looked for in the first three
and last five rows.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import schema
from ..errors import DataError
from ..i18n import t
from . import layouts, money, periods
from .convert import _convert, _finalise_types, _fix_float_ids, _maybe_numeric, _reason_for, _typed_columns
from .headers import header_unit, norm_header
from .layouts import ALL
from .mapping import _final_mapping, _required, auto_mapping
from .parse import _clean_text, _np_bool
from .report import EXAMPLES, Inspection, LoadReport, _Acc
from .sniff import TOTAL_RE, _load_bytes, _Raw, _read_text
from .xlsx import _read_xlsx

Source = str | Path | bytes

CANCEL_RE = r"(?i)(?:cancel|void|refund|fail|取消|退款|交易关闭|已关闭|ยกเลิก)"
PARTIAL_RE = r"(?i)(?:partial|部分)"


def _read_raw(data: bytes, name: str, table: str, preview_only: bool = False, typer=None) -> _Raw:
    if not data or not data[:65536].strip():
        raise DataError("err.io.empty", file=name)
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _read_xlsx(data, name, table, preview_only)
    if name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise DataError("err.io.corrupt_xlsx", file=name)
    return _read_text(data, name, table, preview_only, typer)


def _layout_for(raw: _Raw, table: str):
    return layouts.detect(table, raw.headers)


def _file_period(raw: _Raw, name: str) -> tuple[date, date] | None:
    """The report's own period: GA4's ``# Start date`` / ``# End date`` lines, else two dates in the
    file name (Shopify Analytics names its downloads ``Sessions by location - 2025-11-29 -
    2025-12-06.csv``)."""
    if raw.meta.get("start") and raw.meta.get("end"):
        return raw.meta["start"], raw.meta["end"]
    days = _dates_in_name(name)
    if len(days) == 2 and days[0] <= days[1]:
        return days[0], days[1]
    return None


_NAME_DATE = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")


def _dates_in_name(name: str) -> list[date]:
    out = []
    for y, m, d in _NAME_DATE.findall(Path(name).stem):
        try:
            day = date(int(y), int(m), int(d))
        except ValueError:
            continue
        if 2000 <= day.year <= 2100:
            out.append(day)
    return out


def inspect_file(source: Source, table: str, *, filename: str | None = None) -> Inspection:
    """Headers, automatic mapping, missing required columns and a preview of the first rows."""
    schema.get_table(table)
    data, name = _load_bytes(source, filename)
    raw = _read_raw(data, name, table, preview_only=True)
    layout = _layout_for(raw, table)
    mapping = auto_mapping(raw.headers, table, layout)
    required = _required(table, layout)
    missing = [c for c in required if c not in mapping]
    n = min(raw.n_rows, 20)
    preview = pd.DataFrame({h: raw.columns[h].slice(0, n).to_pandas() for h in raw.headers})
    has_own = _file_period(raw, name) is not None or (table == "inventory" and _dates_in_name(name))
    needs = "date" in schema.get_table(table).names and "date" not in mapping and not has_own
    dh = mapping.get("date")
    if dh is not None and not has_own and periods.unit_of(dh) not in (None, "yearmonth", "yearweek",
                                                                        "isoyearweek"):
        head = raw.columns[dh].slice(0, 50)
        # GA4 week/month numbers carry no year: the period gives it
        needs = head.type == pa.string() and bool(
            pc.all(pc.fill_null(pc.match_substring_regex(head, r"^\s*\d{1,4}\s*$"), True)).as_py()
        )
    return Inspection(
        headers=list(raw.headers),
        mapping=mapping,
        missing_required=missing,
        layout=layout.name if layout else None,
        preview=preview,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        needs_period=needs,
    )


def read_table(
    source: Source,
    table: str,
    *,
    filename: str | None = None,
    mapping: dict[str, str] | None = None,
    period: tuple[date, date] | None = None,
) -> tuple[pd.DataFrame, LoadReport]:
    """Read ``source`` (path, bytes or file-like) as canonical ``table``; see the module docstring.

    ``mapping`` (canonical column -> header) overrides the automatic mapping. ``period`` (first, last
    day, inclusive) is required by reports without a date column (Amazon's Business Report by child
    item) unless the file states its own period, and filters dated rows to that period otherwise (rows
    outside are dropped and counted). A stock report without a date takes the period's last day as
    its as-of day.
    """
    tab = schema.get_table(table)
    if period is not None:
        period = (pd.Timestamp(period[0]).date(), pd.Timestamp(period[1]).date())
        if period[0] > period[1]:
            raise DataError("err.io.bad_period", start=period[0].isoformat(), end=period[1].isoformat())
    data, name = _load_bytes(source, filename)
    plan: dict = {}

    def typer(headers: list[str], head_rows: list[list[str]]) -> dict[int, pa.DataType]:
        lay = layouts.detect(table, headers)
        fmap = _final_mapping(headers, table, lay, mapping, name)
        plan.update(layout=lay, mapping=fmap)
        return _typed_columns(headers, head_rows, fmap, tab, lay)

    raw = _read_raw(data, name, table, typer=typer)
    if plan:
        layout, final_map = plan["layout"], plan["mapping"]
    else:  # workbooks: cells are already separated
        layout = _layout_for(raw, table)
        final_map = _final_mapping(raw.headers, table, layout, mapping, name)
    acc = _Acc(raw.first_row)
    acc.row_numbers = raw.row_numbers
    if raw.bad_shape_rows:
        acc.dropped["io.reason.bad_shape"] = len(raw.bad_shape_rows)
        acc.examples["io.reason.bad_shape"] = raw.bad_shape_rows[:EXAMPLES]
    rows_read = raw.n_rows + len(raw.bad_shape_rows)
    if raw.n_rows == 0:
        raise DataError("err.io.header_only", file=name, headers=", ".join(raw.headers[:12]))
    source_cols = dict(raw.columns)

    # 0. rows holding several order lines (AliExpress) become one row per line
    if layout is not None and layout.split is not None:
        split_cols, idx, added = layout.split(dict(raw.columns), list(raw.headers), acc)
        if idx is not None:
            rows = raw.row_numbers if raw.row_numbers is not None else np.arange(raw.n_rows) + raw.first_row
            raw.columns, raw.n_rows = split_cols, len(idx)
            raw.row_numbers = acc.row_numbers = np.asarray(rows)[idx]
            raw.headers = list(raw.headers) + [h for h in split_cols if h not in raw.headers]
            source_cols = dict(split_cols)
            for canon, h in added.items():
                final_map.setdefault(canon, h)
            order = {c: i for i, c in enumerate(tab.names)}
            final_map = dict(sorted(final_map.items(), key=lambda kv: order.get(kv[0], 999)))

    # periodless reports: the seller's period, else the file's own period (GA4 header lines, the
    # file name); a stock report takes one as-of day
    file_period = _file_period(raw, name)
    assigned: tuple[date, date] | None = None
    if "date" in tab.names and "date" not in final_map:
        assigned = _assign_period(table, layout, raw, name, period, file_period, acc)

    # 1. text cleaning (id columns checked in full, others on a sample first)
    id_headers = {h for c, h in final_map.items() if c in tab.names and tab.column(c).kind == "id"}
    cols: dict[str, pa.ChunkedArray] = {
        h: _clean_text(raw.columns[h], acc, full=h in id_headers) for h in raw.headers
    }
    cleaned_cols = {h for h in raw.headers if cols[h] is not raw.columns[h]}  # trimmed or unguarded
    _fix_float_ids(cols, final_map, tab, layout)

    # 2. blank rows and totals rows (a totals row sits at the bottom, or at the top in GA4 exports)
    keep = np.ones(raw.n_rows, dtype=bool)
    if all(cols[h].null_count for h in raw.headers):
        any_val = np.zeros(raw.n_rows, dtype=bool)
        for h in raw.headers:
            any_val |= _np_bool(pc.is_valid(cols[h]))
        acc.drop("io.reason.blank_row", ~any_val)
        keep &= any_val
    edge = np.unique(np.r_[np.arange(min(3, raw.n_rows)), np.arange(max(0, raw.n_rows - 5), raw.n_rows)])
    totals = np.zeros(raw.n_rows, dtype=bool)
    for h in raw.headers[:3]:
        if cols[h].type != pa.string():
            continue
        hit = _np_bool(pc.match_substring_regex(cols[h].take(pa.array(edge)), TOTAL_RE))
        totals[edge[hit]] = True
    acc.drop("io.reason.totals_row", totals & keep)
    keep &= ~totals

    # 3. layout pre-processing on text (Shopify fill-down, date ranges...)
    if layout is not None and layout.pre is not None:
        cols = layout.pre(cols, final_map, acc, keep, raw.headers, raw.meta)
    if table == "orders":
        _sku_from_name(cols, final_map, acc, keep)
    pre_bad: dict[str, np.ndarray] = {}
    if "date" in final_map and "date_end" not in final_map and "date_end" in tab.names:
        _row_periods(cols, final_map, pre_bad, file_period or period, name, layout, acc)

    # 4. typed conversion
    kinds = {c.name: c.kind for c in tab.columns}
    if layout is not None:
        kinds.update(layout.kinds)
    required = set(tab.required)
    out: dict[str, object] = {}
    bad_by_reason: dict[str, np.ndarray] = {}
    missing_req = np.zeros(raw.n_rows, dtype=bool)
    cell_currency: list[tuple[np.ndarray, np.ndarray]] = []
    for canon, header in final_map.items():
        kind = kinds.get(canon, "text")
        arr = cols[header]
        values, bad = _convert(arr, kind, raw.delimiter, acc, name, cell_currency)
        if canon in pre_bad:
            bad = bad | pre_bad[canon]
        out[canon] = values
        if canon in required:
            present = _np_bool(pc.is_valid(arr)) if arr.null_count else np.ones(raw.n_rows, dtype=bool)
            reason = _reason_for(kind)
            prev = bad_by_reason.get(reason, np.zeros(raw.n_rows, dtype=bool))
            bad_by_reason[reason] = prev | (bad & keep)
            missing_req |= ~present & ~bad
        elif bad.any():
            acc.fix("io.fix.invalid_blanked", bad & keep)
    frame = pd.DataFrame(out, index=pd.RangeIndex(raw.n_rows))
    if layout is not None:
        for canon, value in layout.constants.items():
            if canon not in frame.columns:
                frame[canon] = value
                if value == ALL:
                    acc.note("io.note.store_level")
        if layout.name in ("ga4_sessions", "shopify_sessions") and "sku" in final_map:
            acc.note("io.note.landing_page_as_sku")
    if assigned is not None:
        frame["date"] = np.datetime64(assigned[0], "ns")
        if "date_end" in tab.names:
            frame["date_end"] = np.datetime64(assigned[1], "ns")

    # 5. layout post-processing on typed values (Amazon item-price is a line total...)
    if layout is not None and layout.post is not None:
        frame = layout.post(frame, acc, keep, period, raw.meta)

    # 6. orders: cancelled flag; cancelled lines keep missing quantity/price as 0
    if table == "orders":
        cancelled = _cancelled(frame, layout)
        frame["cancelled"] = cancelled
        for c in ("quantity", "unit_price"):
            if c in frame.columns:
                fill = cancelled & frame[c].isna().to_numpy()
                if fill.any():
                    frame.loc[fill, c] = 0
                    missing_req &= ~fill
                    for r in bad_by_reason:
                        bad_by_reason[r] &= ~fill

    # 7. drop rows with missing/unreadable required values
    for reason, mask in bad_by_reason.items():
        acc.drop(reason, mask & keep)
        keep &= ~mask
    req_cols = [c for c in required if c in frame.columns]
    still_missing = frame[req_cols].isna().any(axis=1).to_numpy() if req_cols else np.zeros(raw.n_rows, bool)
    acc.drop("io.reason.missing_value", (missing_req | still_missing) & keep)
    keep &= ~(missing_req | still_missing)

    # 8. dated rows are filtered to the period when one is given
    dcol = "order_date" if table == "orders" else "date"
    if period is not None and assigned is None and dcol in frame.columns:
        lo = np.datetime64(pd.Timestamp(period[0]), "ns")
        hi = np.datetime64(pd.Timestamp(period[1]) + pd.Timedelta(days=1), "ns")
        d = frame[dcol].to_numpy()
        outside = keep & ((d < lo) | (d >= hi))
        acc.drop("io.reason.outside_period", outside)
        keep &= ~outside

    # 9. the currency of each row (a currency column, a header unit, the cells, the preamble...)
    currency_kinds = [c for c in final_map if kinds.get(c) == "money"]
    if currency_kinds or "currency" in final_map:
        _fill_currency(frame, final_map, currency_kinds, cell_currency, layout, raw.meta, acc)

    # 10. unmapped columns are kept as text under their header; a layout's ignored columns are not
    ignored = layout.ignored_headers(raw.headers) if layout is not None else set()
    mapped_headers = set(final_map.values())
    extras = {}
    for h in raw.headers:
        if h in mapped_headers or norm_header(h) in ignored:
            continue
        if h.startswith("column_") and cols[h].null_count == len(cols[h]):
            continue  # an unnamed, empty column (trailing delimiters)
        key = h if h not in frame.columns and h not in tab.names else f"{h} (source)"
        extras[key] = cols[h]
    if ignored:
        ign = [h for h in raw.headers if norm_header(h) in ignored and h not in mapped_headers]
        acc.note("io.note.ignored_columns", columns=", ".join(ign))

    if not keep.all():
        frame = frame.loc[keep]
    if extras:
        keep_arr = None if keep.all() else pa.array(keep)
        ext = pd.DataFrame(
            {
                k: _maybe_numeric(v if keep_arr is None else pc.filter(v, keep_arr), k)
                for k, v in extras.items()
            },
            index=frame.index,
        )
        frame = pd.concat([frame, ext], axis=1)
    frame = frame.reset_index(drop=True)
    frame = _finalise_types(frame, kinds)

    dated = ("traffic", "ads", "search_terms")
    if table in dated and "date" in frame.columns and "date_end" not in frame.columns:
        frame["date_end"] = frame["date"]
    if table == "orders":
        _orders_excluded(frame, acc)
        cid = final_map.get("customer_id")
        cleaned = cid is not None and cid in cleaned_cols
        _normalise_customers(frame, final_map, source_cols, keep, acc, cleaned)
        if not schema.has_customers(frame):
            acc.note("io.note.no_customers", file=name)
    if layout is not None and layout.note:
        acc.note(layout.note)
    currencies: dict[str, int] = {}
    if "currency" in frame.columns and len(frame):
        counts = pc.value_counts(_arrow(frame["currency"])).to_pylist()
        currencies = {c["values"]: int(c["counts"]) for c in sorted(counts, key=lambda c: -c["counts"])
                      if c["values"] is not None}

    report = LoadReport(
        file=name,
        table=table,
        rows_read=rows_read,
        rows_loaded=len(frame),
        dropped=dict(acc.dropped),
        fixed=dict(acc.fixed),
        examples={k: list(v) for k, v in acc.examples.items()},
        excluded=dict(acc.excluded),
        mapping=dict(final_map),
        layout=layout.name if layout else None,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        notes=tuple(acc.notes),
        currencies=currencies,
    )
    return frame, report


def _assign_period(table, layout, raw, name, period, file_period, acc) -> tuple[date, date]:
    """The period that rows of a report without a date column cover (an as-of day for stock)."""
    if table == "inventory":
        named = _dates_in_name(name)
        if period is not None:
            acc.note("io.note.as_of_assigned", day=period[1].isoformat())
            return period[1], period[1]
        if file_period is not None and raw.meta.get("end"):
            acc.note("io.note.as_of_assigned", day=file_period[1].isoformat())
            return file_period[1], file_period[1]
        if named:
            acc.note("io.note.as_of_from_name", day=named[-1].isoformat(), file=name)
            return named[-1], named[-1]
        lay = t(f"io.layout.{layout.name}", "en") if layout else table
        raise DataError("err.io.period_required_as_of", file=name, layout=lay)
    if period is not None:
        acc.note("io.note.period_assigned", start=period[0].isoformat(), end=period[1].isoformat())
        return period
    if raw.meta.get("start") and raw.meta.get("end"):
        acc.note("io.note.ga4_period", start=file_period[0].isoformat(), end=file_period[1].isoformat())
        return file_period
    if file_period is not None:
        acc.note("io.note.period_from_name", start=file_period[0].isoformat(),
                 end=file_period[1].isoformat(), file=name)
        return file_period
    lay = t(f"io.layout.{layout.name}", "en") if layout else table
    raise DataError("err.io.period_required", file=name, layout=lay)


def _sku_from_name(cols, final_map, acc, keep) -> None:
    """A sale without SKU (custom item, tip, gift card, freight line) keeps its product name as key."""
    sh, nh = final_map.get("sku"), final_map.get("product_name")
    if sh is None or nh is None:
        return
    if sh == nh:
        acc.note("io.note.sku_is_name", header=nh)
        return
    fill = pc.and_(pc.is_null(cols[sh]), pc.is_valid(cols[nh]))
    mask = _np_bool(fill) & keep
    if mask.any():
        cols[sh] = pc.if_else(fill, cols[nh], cols[sh])
        acc.fix("io.fix.sku_from_name", mask)
        acc.note("io.note.sku_from_name", count=f"{int(mask.sum()):,}")


def _row_periods(cols, final_map, pre_bad, known, name, layout, acc) -> None:
    """A Week/Month/Nth day column: each row covers its own period (see :mod:`.periods`)."""
    h = final_map["date"]
    unit = periods.unit_of(h)
    if unit is None:
        return
    start, end = known if known is not None else (None, None)
    lo, hi, bad, needs_year = periods.expand(cols[h], unit, start, end)
    if needs_year:
        lay = t(f"io.layout.{layout.name}", "en") if layout else h
        raise DataError("err.io.period_required", file=name, layout=lay)
    e_name = f"{h} (end)"
    cols[h] = pa.chunked_array([pa.array(lo, type=pa.timestamp("ns"))])
    cols[e_name] = pa.chunked_array([pa.array(hi, type=pa.timestamp("ns"))])
    final_map["date_end"] = e_name
    pre_bad["date"] = bad
    acc.note("io.note.row_periods", column=h)


def _fill_currency(frame, final_map, money_cols, cell_currency, layout, meta, acc) -> None:
    """Fill ``currency`` per row (see :func:`.money.fill_currency`) and say where it came from."""
    units = []
    for c in money_cols:
        code = money.unit_currency(header_unit(final_map[c]))
        if code:
            units.append((final_map[c], code))
    column = frame["currency"] if "currency" in frame.columns else None
    if column is not None and _valid_codes(column):
        return  # every row already names its currency (the common case, decided on distinct values)
    market_col = next((c for c in ("marketplace", "channel") if c in frame.columns), None)
    codes, used = money.fill_currency(
        len(frame), column, units, cell_currency, meta.get("currency"),
        (lambda: frame[market_col]) if market_col else None,
        layout.currency if layout is not None else None,
    )
    if codes is None:
        return
    if "column" in used:
        acc.fix("io.fix.currency_unknown", used["column"] & column.notna().to_numpy())
    if column is None or not _same_text(column, codes):
        frame["currency"] = pd.array(codes, dtype="str")
    if "header" in used:
        header, code = used["header"]
        acc.note("io.note.currency_header", currency=code, header=header)
    if "cells" in used:
        acc.note("io.note.currency_cells", currencies=", ".join(used["cells"]))
    if "preamble" in used:
        acc.note("io.note.currency_preamble", currency=used["preamble"])
    if "marketplace" in used:
        acc.note("io.note.currency_marketplace", currencies=", ".join(used["marketplace"]))
    if "platform" in used:
        acc.note("io.note.currency_platform", currency=used["platform"])


def _arrow(column: pd.Series) -> pa.ChunkedArray | pa.Array:
    arr = pa.array(column.array) if not isinstance(column.array, np.ndarray) else pa.array(column)
    return arr if arr.type in (pa.string(), pa.large_string()) else arr.cast(pa.string())


def _valid_codes(column: pd.Series) -> bool:
    """True when the currency column has a value on every row and every distinct value is an ISO code
    written as such (nothing to rewrite or fill)."""
    try:
        arr = _arrow(column)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return False
    if arr.null_count:
        return False
    uniq = pc.unique(arr).to_pylist()
    return len(uniq) <= 200 and all(money._code_of(u) == u for u in uniq)


def _same_text(column: pd.Series, codes: np.ndarray) -> bool:
    """True when the currency column already holds exactly these codes (nothing to rewrite)."""
    uniq = pd.unique(column)
    if len(uniq) > 200:
        return False
    return all(isinstance(u, str) and money._code_of(u) == u for u in uniq) and not pd.isna(codes).any()


def _normalise_customers(frame, final_map, source_cols, keep, acc, cleaned: bool) -> None:
    """One buyer, one id: ids are trimmed (when read), e-mail addresses case-folded; other ids stay as
    written. The report says how many ids written differently were merged."""
    if "customer_id" not in frame.columns or not len(frame):
        return
    ids = frame["customer_id"]
    email_like = ids.str.contains("@", regex=False, na=False).to_numpy()
    folded = ids
    changed = np.zeros(len(ids), dtype=bool)
    if email_like.any():
        folded = ids.where(~email_like, ids.str.casefold())
        changed = (folded != ids).fillna(False).to_numpy()
    if not changed.any() and not cleaned:
        return
    raw = source_cols.get(final_map.get("customer_id"))
    if cleaned and raw is not None:
        kept = pc.filter(raw, pa.array(keep)) if not keep.all() else raw
        before = kept.to_pandas().nunique()
    else:
        before = ids.nunique()
    frame["customer_id"] = folded
    after = int(folded.nunique())
    if changed.any():
        full = np.zeros(len(keep), dtype=bool)
        full[np.flatnonzero(keep)[changed]] = True
        acc.fix("io.fix.customer_id_case", full)
    if "email" in frame.columns:
        em = frame["email"]
        frame["email"] = em.where(~em.str.contains("@", regex=False, na=False), em.str.strip().str.casefold())
    merged = int(before) - after
    if merged > 0:
        acc.note("io.note.customers_merged", merged=f"{merged:,}", customers=f"{after:,}")


def _matches(values: pd.Series, pattern: str, exclude: str | None = None) -> np.ndarray:
    """Regex test over a low-cardinality text column, done once per distinct value: rows matching
    ``pattern`` and not ``exclude``."""
    try:
        arr = pa.array(values.array)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        arr = arr.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        arr = pa.array(
            values.astype("str").to_numpy(dtype=object, na_value=None), type=pa.string(), from_pandas=True
        )
    enc = pc.dictionary_encode(arr)
    words = enc.dictionary
    hit = pc.fill_null(pc.match_substring_regex(words, pattern), False)
    if exclude is not None:
        hit = pc.and_(hit, pc.invert(pc.fill_null(pc.match_substring_regex(words, exclude), False)))
    hit_np = np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)
    if not hit_np.any():
        return np.zeros(len(values), dtype=bool)
    idx = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False)
    return np.where(idx >= 0, hit_np[np.clip(idx, 0, None)], False)


def _cancelled(frame: pd.DataFrame, layout) -> np.ndarray:
    """Cancelled/voided/refunded lines: status words (en/zh, not 'partially refunded'), Online-Retail
    ``C`` invoices, Shopify's ``Cancelled at``."""
    n = len(frame)
    out = np.zeros(n, dtype=bool)
    if "status" in frame.columns:
        out |= _matches(frame["status"], CANCEL_RE, PARTIAL_RE)
    if "order_id" in frame.columns and n:
        ids = frame["order_id"]
        if ids.str.startswith(("C", "c"), na=False).any():
            cpref = ids.str.match(r"^[Cc]\d+$", na=False).to_numpy()
            numeric = ids.str.match(r"^\d+$", na=False).to_numpy()
            if (layout is not None and layout.name == "online_retail") or numeric.sum() >= 0.5 * n:
                out |= cpref
    if "cancelled_at" in frame.columns:  # Shopify's Cancelled at
        out |= frame["cancelled_at"].notna().to_numpy()
    return out


def _orders_excluded(frame: pd.DataFrame, acc: _Acc) -> None:
    canc = frame["cancelled"].to_numpy()
    q = frame["quantity"].to_numpy()
    p = frame["unit_price"].to_numpy()
    for key, mask in (
        ("io.excluded.cancelled", canc),
        ("io.excluded.returns", ~canc & (q < 0)),
        ("io.excluded.zero_quantity_or_price", ~canc & (q >= 0) & ~((q > 0) & (p > 0))),
    ):
        k = int(mask.sum())
        if k:
            acc.excluded[key] = k
