"""Excel workbooks (python-calamine): size limits checked before parsing, then cells as text.

A workbook whose parts would inflate beyond :data:`MAX_XLSX_XML` bytes, or at an absurd ratio, is
refused before it is parsed (zip bombs). The sheet named after the table (English or Chinese) is read,
else the first one; cells become the text a CSV export of the sheet would hold, so the rest of the
reader treats workbooks and text files alike. The row limit is :data:`cbe_core.ingest.sniff.MAX_ROWS`.
"""

from __future__ import annotations

import io as _io
import itertools
import math
import zipfile
from datetime import date, datetime, time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import DataError
from ..i18n import t
from . import sniff
from .headers import _dedupe, norm_header
from .parse import _np_bool
from .sniff import _find_header, _mb, _Raw

MAX_XLSX_XML = 1024 * 1024 * 1024
"""Largest total uncompressed size of an XLSX's parts (bytes), checked before parsing."""
MAX_XLSX_RATIO = 250
"""Largest compression ratio of an XLSX part bigger than 32 MB uncompressed (zip bomb guard)."""


def _check_xlsx(data: bytes, name: str) -> None:
    try:
        zf = zipfile.ZipFile(_io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DataError("err.io.corrupt_xlsx", file=name) from None
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 32 * 1024 * 1024 and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1):
            raise DataError("err.io.xlsx_bomb", file=name, size=_mb(info.file_size))
    if total > MAX_XLSX_XML:
        raise DataError("err.io.xlsx_bomb", file=name, size=_mb(total))
    names = {i.filename for i in infos}
    if not any(n.startswith("xl/worksheets/") for n in names):
        raise DataError("err.io.corrupt_xlsx", file=name)


def _cell_str(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isfinite(v) and v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (date, time)):
        return v.isoformat()
    return str(v)


def _xlsx_column(values: list) -> pa.Array:
    """One column of workbook cells -> text (what a CSV export of the sheet would hold); empty -> null.

    Whole columns of one Python type go through Arrow (numbers and timestamps formatted by its casts);
    mixed columns cell by cell."""
    vals = [None if v == "" else v for v in values]
    try:
        arr = pa.array(vals)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError):
        return pa.array([None if v is None else _cell_str(v) for v in vals], type=pa.string())
    typ = arr.type
    if pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_null(typ):
        return arr.cast(pa.string())
    if pa.types.is_floating(typ) or pa.types.is_integer(typ) or pa.types.is_date(typ):
        return pc.cast(arr, pa.string())
    if pa.types.is_timestamp(typ):
        return pc.replace_substring_regex(pc.cast(arr, pa.string()), r"\.0+$", "")
    return pa.array([None if v is None else _cell_str(v) for v in vals], type=pa.string())


_XLSX_BATCH = 50_000


def _read_xlsx(data, name: str, table: str, preview_only: bool = False) -> _Raw:
    if data[:4] == b"PK\x03\x04":
        _check_xlsx(data, name)
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_filelike(_io.BytesIO(data))
        sheet = _pick_sheet(wb, table)
        if sheet.total_height > sniff.MAX_ROWS + 100:
            raise DataError(
                "err.io.too_many_rows", file=name, rows=f"{sheet.total_height:,}", limit=f"{sniff.MAX_ROWS:,}"
            )
        rows_iter = iter(sheet.iter_rows())
        head_raw = list(itertools.islice(rows_iter, 120))
    except DataError:
        raise
    except Exception as exc:  # calamine raises its own error types for corrupt workbooks
        raise DataError("err.io.corrupt_xlsx", file=name) from exc
    # leading blank rows
    skip = 0
    while skip < len(head_raw) and not any(_cell_str(c).strip() for c in head_raw[skip]):
        skip += 1
    if skip >= len(head_raw):
        raise DataError("err.io.empty", file=name)
    head = [[_cell_str(c) for c in r] for r in head_raw[skip : skip + 80]]
    h = _find_header(head, table)
    header_cells = head[h]
    width = len(header_cells)
    while width > 0 and not header_cells[width - 1].strip():
        width -= 1
    if width < 2:
        raise DataError("err.io.not_a_table", file=name)
    headers = _dedupe(header_cells[:width])
    chunks: list[list[pa.Array]] = [[] for _ in headers]
    n = 0

    def add(batch: list) -> None:
        for j in range(len(headers)):
            chunks[j].append(_xlsx_column([r[j] if j < len(r) else None for r in batch]))

    first_batch = head_raw[skip + h + 1 :]
    try:
        batch = first_batch
        while batch:
            n += len(batch)
            if n > sniff.MAX_ROWS:
                raise DataError(
                    "err.io.too_many_rows", file=name, rows=f"{n:,}+", limit=f"{sniff.MAX_ROWS:,}"
                )
            add(batch)
            if preview_only:
                break
            batch = list(itertools.islice(rows_iter, _XLSX_BATCH))
    except DataError:
        raise
    except Exception as exc:
        raise DataError("err.io.corrupt_xlsx", file=name) from exc
    if n == 0:
        raise DataError("err.io.header_only", file=name, headers=", ".join(headers[:12]))
    columns = {hname: pa.chunked_array(chunks[j], type=pa.string()) for j, hname in enumerate(headers)}
    # calamine pads the used range: trailing rows with no value at all are not rows of the table
    any_val = np.zeros(n, dtype=bool)
    for arr in columns.values():
        any_val |= _np_bool(pc.is_valid(arr))
    last = int(np.flatnonzero(any_val)[-1]) + 1 if any_val.any() else 0
    if last == 0:
        raise DataError("err.io.header_only", file=name, headers=", ".join(headers[:12]))
    if last < n:
        columns = {k: v.slice(0, last) for k, v in columns.items()}
        n = last
    first_row = skip + h + 2
    return _Raw(headers, columns, n, first_row, "xlsx", None, {}, [])


def _pick_sheet(wb, table: str):
    names = list(wb.sheet_names)
    if not names:
        raise DataError("err.io.empty", file="")
    for n in names:
        if norm_header(n) in (table, norm_header(t(f"io.table.{table}", "zh"))):
            return wb.get_sheet_by_name(n)
    return wb.get_sheet_by_index(0)
