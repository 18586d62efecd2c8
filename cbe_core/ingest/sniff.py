"""Delimited text files (CSV, TSV, TXT) from bytes to text cells: size limit, encoding, delimiter,
header row, comment metadata.

Bytes are refused above :data:`MAX_BYTES`. The encoding is UTF-8 (with or without BOM) strictly first,
then GB18030 (a superset of GBK), then Windows-1252. The delimiter (comma, semicolon, tab, pipe) comes
from the field counts of the first lines; the header row is the row that names the most known columns
(title rows above it and GA4's ``#`` comment lines are skipped; GA4's ``# Start date`` lines are kept as
metadata). ``pyarrow.csv`` then reads every cell as text, or typed when the caller's ``typer`` says a
column is clean. :data:`TOTAL_RE` recognises the totals rows the reader drops.
"""

from __future__ import annotations

import contextlib
import csv
import mmap
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from .. import schema
from ..errors import DataError
from . import layouts, money
from .headers import _dedupe, base_header, norm_header

MAX_BYTES = 256 * 1024 * 1024
"""Largest file accepted (bytes). About 3M order lines of a typical CSV export."""
MAX_ROWS = 5_000_000
"""Largest number of data rows accepted."""

TOTAL_RE = r"(?i)^\s*(grand\s+total|totals?|sum|合计|总计|小计|汇总|總計|合計)\s*[:：]?\s*$"


def _load_bytes(source, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = filename or "upload"
    elif hasattr(source, "read"):  # file-like, e.g. a Streamlit UploadedFile
        name = filename or Path(str(getattr(source, "name", "upload"))).name
        size = getattr(source, "size", None)
        if size is not None and size > MAX_BYTES:
            raise DataError("err.io.too_large", file=name, size=_mb(size), limit=_mb(MAX_BYTES))
        if hasattr(source, "seek"):  # the same upload may be inspected, then read
            with contextlib.suppress(OSError, ValueError):
                source.seek(0)
        data = source.read(MAX_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    else:
        path = Path(source)
        name = filename or path.name
        try:
            size = path.stat().st_size
        except OSError:
            raise DataError("err.io.not_found", file=str(source)) from None
        if size > MAX_BYTES:
            raise DataError("err.io.too_large", file=name, size=_mb(size), limit=_mb(MAX_BYTES))
        if size > 1 << 20:
            # big files are memory-mapped: the parser reads the pages directly, no copy into Python
            with open(path, "rb") as fh:
                data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            return data, name
        data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise DataError("err.io.too_large", file=name, size=_mb(len(data)), limit=_mb(MAX_BYTES))
    return data, name


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MB"


def _decode(data: bytes, name: str) -> tuple[str, str, bytes]:
    """Return (text, encoding, utf8_bytes) trying utf-8(-sig), gb18030, cp1252 strictly in that order."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError("err.io.encoding", file=name) from None
        return text, "utf-16", text.encode("utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig", data[3:]
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8", data
    except UnicodeDecodeError:
        pass
    for enc in ("gb18030", "cp1252"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "gb18030":
            try:
                alt = data.decode("cp1252")
            except UnicodeDecodeError:
                alt = None
            if alt is not None and not _prefer_gb18030(text, alt):
                return alt, "cp1252", alt.encode("utf-8")
        return text, enc, text.encode("utf-8")
    raise DataError("err.io.encoding", file=name)


_CP1252_ODD = set(chr(c) for c in range(0xA0, 0xC0)) | set(
    "ƒ„†‡ˆ‰Š‹ŒŽ˜™š›œžŸ\x81\x8d\x8f\x90\x9d"
)


def _prefer_gb18030(gb_text: str, cp_text: str) -> bool:
    """Choose between a GB18030 and a Windows-1252 reading of the same bytes (both valid).

    Two accented Latin letters in a row (``ÄÖ``) also form valid GB18030, and GBK Chinese is often valid
    Windows-1252 too. Each reading gets an oddness score. GB18030: an ideograph inside a Latin word
    (``K鰈n`` for ``Köln``) counts 1, touching a Latin letter on one side 0.5 (``SKU编码`` is normal),
    a non-letter symbol outside the Chinese blocks 1. Windows-1252: a symbol such as ``¡..¿`` counts 1,
    an accented letter with no Latin letter beside it (``ÖÐ``, typical of mojibake) 1. The reading
    with the lower score wins; ties go to GB18030."""
    gb, cp = gb_text[:200000], cp_text[:200000]

    def latin(ch: str) -> bool:
        return ch.isascii() and ch.isalpha()

    odd_gb = 0.0
    for i, ch in enumerate(gb):
        if ord(ch) < 128:
            continue
        if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef":
            sides = latin(gb[i - 1] if i else "") + latin(gb[i + 1] if i + 1 < len(gb) else "")
            odd_gb += (0.0, 0.5, 1.0)[sides]
        elif not ch.isalpha():
            odd_gb += 1
    odd_cp = 0.0
    for i, ch in enumerate(cp):
        if ord(ch) < 128:
            continue
        if ch in _CP1252_ODD or not ch.isalpha() or not (
            latin(cp[i - 1] if i else "") or latin(cp[i + 1] if i + 1 < len(cp) else "")
        ):
            odd_cp += 1
    return odd_gb <= odd_cp


_DELIMS = (",", ";", "\t", "|")


def _split_rows(lines: list[str], delim: str) -> list[list[str]]:
    try:
        return list(csv.reader(lines, delimiter=delim, quotechar='"'))
    except csv.Error:
        return [ln.split(delim) for ln in lines]


def _lines_through(lines: list[str], delim: str, h: int) -> int:
    """Physical lines read up to the end of record ``h`` (records may span lines inside quotes)."""
    try:
        reader = csv.reader(lines, delimiter=delim, quotechar='"')
        for i, _row in enumerate(reader):
            if i == h:
                return reader.line_num
    except csv.Error:
        pass
    return h + 1


def _sniff_delimiter(lines: list[str]) -> str | None:
    best, best_score = None, 0.0
    sample = [ln for ln in lines if ln.strip()][:60]
    if not sample:
        return None
    for d in _DELIMS:
        counts = [len(r) for r in _split_rows(sample, d)]
        multi = [c for c in counts if c > 1]
        if not multi:
            continue
        mode = max(set(multi), key=multi.count)
        score = multi.count(mode) / len(counts) * min(mode, 50) ** 0.5
        if score > best_score + 1e-9:
            best, best_score = d, score
    return best


@lru_cache(maxsize=32)
def _known_headers(table: str) -> frozenset[str]:
    """Normalised names of every column the schema and the layouts know for ``table`` (static package
    data, so cached per table name)."""
    tab = schema.get_table(table)
    known = set()
    for c in tab.columns:
        known.add(norm_header(c.name))
        known.update(norm_header(s) for s in c.synonyms)
    known |= layouts.known_headers(table)
    return frozenset(known)


def _find_header(rows: list[list[str]], table: str) -> int:
    """Index of the header row among the first rows: the one naming the most known columns."""
    known = _known_headers(table)
    widths = [sum(1 for c in r if c.strip()) for r in rows]
    if not rows:
        return 0
    top = max(widths)
    best, best_hits = None, 0
    for i, r in enumerate(rows[:40]):
        hits = sum(1 for c in r if c.strip() and (norm_header(c) in known or base_header(c) in known))
        if hits > best_hits:
            best, best_hits = i, hits
    if best is not None and best_hits >= 2:
        return best
    # no recognisable header: the first row as wide as the table
    for i, w in enumerate(widths[:40]):
        if w >= max(2, 0.6 * top):
            return i
    return 0


@dataclass
class _Raw:
    """A file as text cells: headers, one pyarrow string column per header, where the data started."""

    headers: list[str]
    columns: dict[str, pa.ChunkedArray]
    n_rows: int
    first_row: int  # spreadsheet row number of the first data row
    encoding: str
    delimiter: str | None
    meta: dict
    bad_shape_rows: list[int]
    row_numbers: np.ndarray | None = None


def _meta_from_comments(lines: list[str]) -> dict:
    """GA4 exports start with ``# Start date: 20260301`` style comment lines (the Chinese UI's
    ``# 开始日期：`` is read too, though no real export showing it was found)."""
    meta: dict = {}
    for ln in lines:
        m = re.match(r"#\s*(start date|end date|开始日期|结束日期)\s*[:：]\s*(\d{8})", ln.strip(), re.I)
        if m:
            try:
                day = datetime.strptime(m.group(2), "%Y%m%d").date()
            except ValueError:
                continue
            meta["start" if m.group(1).lower() in ("start date", "开始日期") else "end"] = day
    return meta


def _meta_from_preamble(lines: list[str]) -> dict:
    """Lines above the header row that state the amounts' currency (Amazon's Date Range Report:
    ``"All amounts in USD, unless specified"``)."""
    for ln in lines:
        code = money.preamble_currency(ln)
        if code:
            return {"currency": code, "currency_line": ln.strip().strip('"')}
    return {}


_HEAD = 262144
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\x80-\x9f]")


def _utf8_head(data: bytes) -> str | None:
    """The first bytes decoded as UTF-8 (BOM removed), or None when they are not UTF-8."""
    start = 3 if data[:3] == b"\xef\xbb\xbf" else 0
    chunk = data[start : start + _HEAD]
    try:
        return chunk.decode("utf-8")
    except UnicodeDecodeError as exc:
        if len(data) > start + _HEAD and exc.start >= len(chunk) - 3:  # a character cut at the edge
            try:
                return chunk[: exc.start].decode("utf-8")
            except UnicodeDecodeError:
                return None
        return None


def _read_text(data: bytes, name: str, table: str, preview_only: bool = False, typer=None) -> _Raw:
    if b"\x00" in data[:65536]:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            text, encoding, utf8 = _decode(bytes(data), name)
            return _parse_text(utf8, text[:_HEAD], encoding, name, table, preview_only, typer)
        raise DataError("err.io.binary", file=name)
    head = _utf8_head(data)
    if head is not None:
        bom = data[:3] == b"\xef\xbb\xbf"
        encoding = "utf-8-sig" if bom else "utf-8"
        body = memoryview(data)[3:] if bom else memoryview(data)
        try:
            return _parse_text(body, head, encoding, name, table, preview_only, typer)
        except _NotUtf8:
            pass  # invalid UTF-8 further down: decode the whole file the slow way
    text, encoding, utf8 = _decode(bytes(data), name)
    try:
        return _parse_text(memoryview(utf8), text[:_HEAD], encoding, name, table, preview_only, typer)
    except _NotUtf8:  # pragma: no cover - transcoded text is valid UTF-8
        raise DataError("err.io.encoding", file=name) from None


class _NotUtf8(Exception):
    pass


def _parse_text(
    body: memoryview, head_text: str, encoding: str, name: str, table: str, preview_only: bool, typer=None
) -> _Raw:
    if head_text.startswith("\ufeff"):
        head_text = head_text[1:]
    if not head_text.strip():
        raise DataError("err.io.empty", file=name)
    lines = head_text.split("\n")
    if len(body) > _HEAD:
        lines = lines[:-1]  # possibly cut
    lines = [ln.rstrip("\r") for ln in lines]
    # leading comment lines (GA4) and blank lines
    skip = 0
    while skip < len(lines) and (not lines[skip].strip() or lines[skip].lstrip().startswith("#")):
        skip += 1
    meta = _meta_from_comments(lines[:skip])
    rows_text = lines[skip : skip + 80]
    if not [ln for ln in rows_text if ln.strip()]:
        raise DataError("err.io.empty", file=name)
    sample = head_text[:20000]
    if len(_CONTROL.findall(sample)) > 0.05 * len(sample):
        raise DataError("err.io.binary", file=name)
    delim = _sniff_delimiter(rows_text)
    if delim is None:
        raise DataError("err.io.not_a_table", file=name)
    rows = _split_rows(rows_text, delim)
    h = _find_header(rows, table)
    meta.update(_meta_from_preamble(rows_text[:h]))
    header_cells = list(rows[h])
    widths = [len(r) for r in rows[h + 1 :] if any(c.strip() for c in r)]
    if widths:
        # data lines wider than the header (a trailing delimiter on every line): unnamed extra columns
        modal = max(set(widths), key=widths.count)
        header_cells += [""] * max(0, modal - len(header_cells))
    headers = _dedupe(header_cells)
    header_line = skip + h  # 0-based record (spreadsheet row - 1) of the header
    # physical lines up to the end of the header row (a quoted header cell may hold a line break)
    header_end = skip + _lines_through(rows_text, delim, h)
    raw_bytes = body.obj if isinstance(body, memoryview) else body
    offset = len(raw_bytes) - len(body)  # BOM
    pos = offset
    for _ in range(header_end):
        nxt = raw_bytes.find(b"\n", pos)
        if nxt < 0:
            pos = len(raw_bytes)
            break
        pos = nxt + 1
    first_row = header_line + 2
    end = len(raw_bytes)
    if preview_only and end - pos > 200000:
        cut = raw_bytes.rfind(b"\n", pos, pos + 200000)
        end = cut + 1 if cut > pos else pos + 200000
    if end - pos < 65536 and not bytes(raw_bytes[pos:end]).strip():
        raise DataError("err.io.header_only", file=name, headers=", ".join(headers[:12]))
    # row cap before parsing: estimate from the head's line length, count exactly only when close
    head_lines = max(1, head_text.count("\n"))
    if (end - pos) / max(1.0, len(head_text.encode("utf-8")) / head_lines) > 0.8 * MAX_ROWS:
        n_lines = int(np.count_nonzero(np.frombuffer(raw_bytes, dtype=np.uint8)[pos:end] == 10))
        if n_lines > MAX_ROWS:
            raise DataError("err.io.too_many_rows", file=name, rows=f"{n_lines:,}", limit=f"{MAX_ROWS:,}")
    payload = pa.py_buffer(raw_bytes).slice(pos, end - pos)
    bad: list[int] = []

    def on_bad(row) -> str:
        bad.append(int(row.number) if row.number is not None else -1)
        return "skip"

    quoted = raw_bytes.find(b'"', pos, end) >= 0
    n_cols = len(headers)
    # typed parsing of clean numeric/date columns (the head rows decide; a failure re-parses as text)
    types = typer(headers, rows[h + 1 :]) if typer is not None else {}

    def parse(col_types: dict[int, pa.DataType], threads: bool = True) -> pa.Table:
        return pacsv.read_csv(
            pa.BufferReader(payload),
            read_options=pacsv.ReadOptions(
                column_names=[f"c{i}" for i in range(n_cols)], block_size=8 << 20, use_threads=threads
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delim,
                quote_char='"',
                double_quote=True,
                newlines_in_values=quoted,
                invalid_row_handler=on_bad,
                ignore_empty_lines=True,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"c{i}": col_types.get(i, pa.string()) for i in range(n_cols)},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
                check_utf8=True,
            ),
        )

    try:
        try:
            tab = parse(types)
        except pa.ArrowInvalid as exc:
            if not types or "conversion error" not in str(exc).lower() or "utf8" in str(exc).lower():
                raise
            bad.clear()
            types = {}
            tab = parse(types)
        if bad and min(bad) < 0:  # rejected rows without line numbers (parallel parse): number them
            bad.clear()
            tab = parse(types, threads=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError) as exc:
        if "utf8" in str(exc).lower() or "utf-8" in str(exc).lower():
            raise _NotUtf8() from exc
        raise DataError("err.io.not_a_table", file=name) from exc
    if tab.num_rows > MAX_ROWS:
        raise DataError("err.io.too_many_rows", file=name, rows=f"{tab.num_rows:,}", limit=f"{MAX_ROWS:,}")
    columns = {hname: tab.column(i) for i, hname in enumerate(headers)}
    bad_rows = sorted(first_row + b - 1 for b in bad)
    row_numbers = None
    if bad_rows:
        # the spreadsheet row of each parsed record skips the rejected ones
        total = tab.num_rows + len(bad_rows)
        alln = np.arange(first_row, first_row + total)
        row_numbers = np.setdiff1d(alln, np.asarray(bad_rows), assume_unique=True)[: tab.num_rows]
    return _Raw(headers, columns, tab.num_rows, first_row, encoding, delim, meta, bad_rows, row_numbers)
