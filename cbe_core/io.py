"""Read sellers' CSV/TSV/XLSX exports into canonical frames, with a load report.

This is the only module that parses files. ``read_table(source, table)`` takes a path or bytes and
returns ``(frame, LoadReport)``: the frame has the columns and kinds of :mod:`cbe_core.schema`; the
report counts every row read, loaded, dropped (by reason, with example row numbers), every value fixed
and every line kept but excluded from sales.

How a file is read
------------------
1. Bytes: refused above :data:`MAX_BYTES`; an XLSX whose sheet XML would inflate beyond
   :data:`MAX_XLSX_XML` bytes (or at an absurd ratio) is refused before it is parsed (zip bombs).
2. Text encoding: UTF-8 (with or without BOM) strictly first, then GB18030 (a superset of GBK), then
   Windows-1252.
3. Layout of the text: delimiter (comma, semicolon, tab, pipe) from the field counts of the first lines;
   the header row is the row that names the most known columns (so title rows above it and GA4's
   ``#`` comment lines are skipped); a totals row (``Total``, ``合计``...) below the data is dropped and
   counted.
4. Parsing: ``pyarrow.csv`` reads every cell as text (multi-threaded); XLSX goes through
   ``python-calamine``. Each column is then converted once, vectorised, to its schema kind:
   Excel ``="..."`` guards removed; currency symbols, thousands separators and decimal commas (decided
   per column from all its values); dates in any common order, with the day-first/month-first order
   decided from the whole column, never per row; UTC offsets dropped to keep the local wall clock;
   Excel serial dates.
5. Platform layouts (:mod:`cbe_core.layouts`) are recognised from the headers and read as the platform
   means them (Amazon's ``item-price`` is a line total, Shopify fills order columns on the first line
   only...).

Rows whose required values are missing or unreadable are dropped and counted; unreadable optional values
become missing and are counted as fixed. Structural faults raise :class:`~cbe_core.errors.DataError`.
Extra columns the schema does not know are kept under their original header (so a seller's own columns
survive to the exports): as ``int64``/``float64`` when every value is a plain number and the header does
not name an id or code, else as ``str``; columns a layout knows are typed.

Row numbers in reports are the ones a seller sees in a spreadsheet: the header is row 1 when it is on
the first line (title rows above it shift every number down accordingly).

Speed: clean numeric and ISO date columns (judged on the first rows) are converted by the CSV parser
itself; if a later value does not fit, the file is parsed again as text and cleaned. Text columns are
checked for stray spaces and Excel guards on a sample of :data:`SAMPLE_ROWS` rows spread over the file
(id columns in full) before the whole column is cleaned. Totals rows are looked for in the first three
and last five rows.
"""

from __future__ import annotations

import contextlib
import csv
import io as _io
import itertools
import math
import mmap
import re
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from . import schema
from .errors import DataError
from .i18n import t

Source = str | Path | bytes

MAX_BYTES = 256 * 1024 * 1024
"""Largest file accepted (bytes). About 3M order lines of a typical CSV export."""
MAX_ROWS = 5_000_000
"""Largest number of data rows accepted."""
MAX_XLSX_XML = 1024 * 1024 * 1024
"""Largest total uncompressed size of an XLSX's parts (bytes), checked before parsing."""
MAX_XLSX_RATIO = 250
"""Largest compression ratio of an XLSX part bigger than 32 MB uncompressed (zip bomb guard)."""
EXAMPLES = 5
ALL = "(all)"
"""Value of ``sku`` / ``source`` for store-level rows of reports that have no such column."""

NULL_TOKENS = ("", "-", "--", "—", "n/a", "na", "null", "none", "nan", "nat", "#n/a", "/")
CANCEL_RE = r"(?i)(?:cancel|void|refund|取消|退款|交易关闭|已关闭)"
PARTIAL_RE = r"(?i)(?:partial|部分)"
TOTAL_RE = r"(?i)^\s*(grand\s+total|totals?|sum|合计|总计|小计|汇总|總計|合計)\s*[:：]?\s*$"


# --------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadReport:
    """What happened to a file on its way to a canonical table.

    ``dropped``/``fixed``/``excluded`` map catalog keys (``io.reason.*``, ``io.fix.*``,
    ``io.excluded.*``) to counts; ``examples`` maps the same keys to up to five row numbers as the
    seller sees them in the file (header = row 1 when it is the first line).
    """

    file: str
    table: str
    rows_read: int
    rows_loaded: int
    dropped: dict[str, int] = field(default_factory=dict)
    fixed: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[int]] = field(default_factory=dict)
    excluded: dict[str, int] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)
    layout: str | None = None
    encoding: str = "utf-8"
    delimiter: str | None = None
    notes: tuple[tuple[str, dict], ...] = ()

    def to_dict(self) -> dict:
        d = asdict(self)
        d["notes"] = [{"key": k, "params": dict(p)} for k, p in self.notes]
        return d

    def describe(self, lang: str | None = "en") -> list[str]:
        """Human-readable lines in ``lang`` (en/zh)."""
        lines = [
            t(
                "io.describe.summary",
                lang,
                file=self.file,
                table=t(f"io.table.{self.table}", lang),
                read=f"{self.rows_read:,}",
                loaded=f"{self.rows_loaded:,}",
            )
        ]
        if self.layout:
            lines.append(t("io.describe.layout", lang, layout=t(f"io.layout.{self.layout}", lang)))
        delim = {",": "','", ";": "';'", "\t": "TAB", "|": "'|'"}.get(self.delimiter or "", "")
        if self.encoding == "xlsx":
            lines.append(t("io.describe.workbook", lang))
        else:
            lines.append(t("io.describe.format", lang, encoding=self.encoding, delimiter=delim or "-"))
        for group, key in ((self.dropped, "io.describe.dropped"), (self.fixed, "io.describe.fixed")):
            for reason, n in group.items():
                rows = ", ".join(str(r) for r in self.examples.get(reason, []))
                lines.append(t(key, lang, count=f"{n:,}", reason=t(reason, lang), rows=rows or "-"))
        for reason, n in self.excluded.items():
            lines.append(t("io.describe.excluded", lang, count=f"{n:,}", reason=t(reason, lang)))
        if self.mapping:
            pairs = "; ".join(f"{k} ← {v}" for k, v in self.mapping.items())
            lines.append(t("io.describe.mapping", lang, pairs=pairs))
        for key, params in self.notes:
            lines.append(t(key, lang, **params))
        return lines


@dataclass(frozen=True)
class Inspection:
    """What the mapping UI needs: the headers found, the automatic mapping and what is missing."""

    headers: list[str]
    mapping: dict[str, str]
    missing_required: list[str]
    layout: str | None
    preview: pd.DataFrame
    encoding: str
    delimiter: str | None
    needs_period: bool = False
    """True for reports without a date column (and no period in the file): pass ``period`` to read."""


class _Acc:
    """Counters of one read (local to the call; never shared)."""

    def __init__(self, first_row: int) -> None:
        self.first_row = first_row  # spreadsheet row number of the first data row
        self.dropped: dict[str, int] = {}
        self.fixed: dict[str, int] = {}
        self.examples: dict[str, list[int]] = {}
        self.excluded: dict[str, int] = {}
        self.notes: list[tuple[str, dict]] = []
        self.row_numbers: np.ndarray | None = None  # spreadsheet row of each data row

    def _rows(self, mask: np.ndarray) -> list[int]:
        idx = np.flatnonzero(mask)[:EXAMPLES]
        if self.row_numbers is not None:
            return [int(self.row_numbers[i]) for i in idx]
        return [int(i) + self.first_row for i in idx]

    def _merge(self, key: str, rows: list[int]) -> None:
        self.examples[key] = sorted(set(self.examples.get(key, [])) | set(rows))[:EXAMPLES]

    def drop(self, key: str, mask: np.ndarray) -> None:
        n = int(mask.sum())
        if n:
            self.dropped[key] = self.dropped.get(key, 0) + n
            self._merge(key, self._rows(mask))

    def fix(self, key: str, mask_or_count, rows: list[int] | None = None) -> None:
        if isinstance(mask_or_count, (int, np.integer)):
            n = int(mask_or_count)
            ex = rows or []
        else:
            n = int(mask_or_count.sum())
            ex = self._rows(mask_or_count) if n else []
        if n:
            self.fixed[key] = self.fixed.get(key, 0) + n
            if ex:
                self._merge(key, ex)

    def note(self, key: str, **params) -> None:
        if (key, params) not in self.notes:
            self.notes.append((key, params))


# --------------------------------------------------------------------------------------------------
# Bytes, encoding, delimiter, header row
# --------------------------------------------------------------------------------------------------
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


_CP1252_ODD = set(chr(c) for c in range(0xA0, 0xC0)) | set("ƒ„†‡ˆ‰Š‹ŒŽ˜™š›œžŸ\x81\x8d\x8f\x90\x9d")


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
        if ch in _CP1252_ODD or not ch.isalpha() or not (latin(cp[i - 1] if i else "") or latin(cp[i + 1] if i + 1 < len(cp) else "")):
            odd_cp += 1
    return odd_gb <= odd_cp


_DELIMS = (",", ";", "\t", "|")


def _split_rows(lines: list[str], delim: str) -> list[list[str]]:
    try:
        return list(csv.reader(lines, delimiter=delim, quotechar='"'))
    except csv.Error:
        return [ln.split(delim) for ln in lines]


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


def norm_header(h: object) -> str:
    """Normalised header for matching: NFKC, lower case, ``_`` and runs of spaces as one space."""
    s = unicodedata.normalize("NFKC", str(h)).replace("\ufeff", "").strip().strip('"').strip()
    if s.startswith("=") and len(s) > 1:
        s = s.lstrip("=").strip('"')
    return re.sub(r"[\s_]+", " ", s.lower()).strip()


def _known_headers(table: str) -> set[str]:
    from . import layouts

    tab = schema.get_table(table)
    known = set()
    for c in tab.columns:
        known.add(norm_header(c.name))
        known.update(norm_header(s) for s in c.synonyms)
    known |= layouts.known_headers(table)
    return known


def _find_header(rows: list[list[str]], table: str) -> int:
    """Index of the header row among the first rows: the one naming the most known columns."""
    known = _known_headers(table)
    widths = [sum(1 for c in r if c.strip()) for r in rows]
    if not rows:
        return 0
    top = max(widths)
    best, best_hits = None, 0
    for i, r in enumerate(rows[:40]):
        hits = sum(1 for c in r if c.strip() and norm_header(c) in known)
        if hits > best_hits:
            best, best_hits = i, hits
    if best is not None and best_hits >= 2:
        return best
    # no recognisable header: the first row as wide as the table
    for i, w in enumerate(widths[:40]):
        if w >= max(2, 0.6 * top):
            return i
    return 0


def _dedupe(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(headers):
        h = unicodedata.normalize("NFKC", str(h)).replace("\ufeff", "").strip()
        if h.startswith('="') and h.endswith('"'):
            h = h[2:-1]
        h = h or f"column_{i + 1}"
        if h in seen:
            seen[h] += 1
            h = f"{h}.{seen[h]}"
        else:
            seen[h] = 0
        out.append(h)
    return out


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
    """GA4 exports start with ``# Start date: 20260301`` style comment lines."""
    meta: dict = {}
    for ln in lines:
        m = re.match(r"#\s*(start date|end date)\s*:\s*(\d{8})", ln.strip(), re.I)
        if m:
            meta["start" if m.group(1).lower().startswith("start") else "end"] = datetime.strptime(
                m.group(2), "%Y%m%d"
            ).date()
    return meta


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
    header_cells = list(rows[h])
    widths = [len(r) for r in rows[h + 1 :] if any(c.strip() for c in r)]
    if widths:
        # data lines wider than the header (a trailing delimiter on every line): unnamed extra columns
        modal = max(set(widths), key=widths.count)
        header_cells += [""] * max(0, modal - len(header_cells))
    headers = _dedupe(header_cells)
    header_line = skip + h  # 0-based physical line of the header
    raw_bytes = body.obj if isinstance(body, memoryview) else body
    offset = len(raw_bytes) - len(body)  # BOM
    pos = offset
    for _ in range(header_line + 1):
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


# --------------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------------
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
        if sheet.total_height > MAX_ROWS + 100:
            raise DataError(
                "err.io.too_many_rows", file=name, rows=f"{sheet.total_height:,}", limit=f"{MAX_ROWS:,}"
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
            if n > MAX_ROWS:
                raise DataError("err.io.too_many_rows", file=name, rows=f"{n:,}+", limit=f"{MAX_ROWS:,}")
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


def _read_raw(data: bytes, name: str, table: str, preview_only: bool = False, typer=None) -> _Raw:
    if not data or not data[:65536].strip():
        raise DataError("err.io.empty", file=name)
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _read_xlsx(data, name, table, preview_only)
    if name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise DataError("err.io.corrupt_xlsx", file=name)
    return _read_text(data, name, table, preview_only, typer)


# --------------------------------------------------------------------------------------------------
# Mapping
# --------------------------------------------------------------------------------------------------
def auto_mapping(headers: list[str], table: str, layout=None) -> dict[str, str]:
    """Canonical column -> header, from the layout, the canonical names and the schema synonyms."""
    tab = schema.get_table(table)
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(norm_header(h), h)
    mapping: dict[str, str] = {}
    if layout is not None:
        for canon, cands in layout.columns.items():
            for c in cands:
                if norm_header(c) in by_norm:
                    mapping[canon] = by_norm[norm_header(c)]
                    break
    used = set(mapping.values())
    # exact canonical names first, then synonyms in their listed order
    for col in tab.columns:
        if col.name in mapping or (layout is not None and col.name in layout.skip):
            continue
        key = norm_header(col.name)
        if key in by_norm and by_norm[key] not in used:
            mapping[col.name] = by_norm[key]
            used.add(by_norm[key])
    for col in tab.columns:
        if col.name in mapping or (layout is not None and col.name in layout.skip):
            continue
        for syn in col.synonyms:
            key = norm_header(syn)
            if key in by_norm and by_norm[key] not in used:
                mapping[col.name] = by_norm[key]
                used.add(by_norm[key])
                break
    order = {c.name: i for i, c in enumerate(tab.columns)}
    return dict(sorted(mapping.items(), key=lambda kv: order.get(kv[0], 999)))


# --------------------------------------------------------------------------------------------------
# Vectorised conversion of text columns
# --------------------------------------------------------------------------------------------------
_NULL_SET = pa.array(list(NULL_TOKENS), type=pa.string())


def _np_bool(arr) -> np.ndarray:
    """pyarrow boolean (with nulls as False) -> numpy bool."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


SAMPLE_ROWS = 20_000
"""Columns longer than this are checked for stray whitespace and Excel guards on a sample of rows
(the first and evenly spaced ones) before the whole column is cleaned; id columns always in full."""


def _sample(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """About SAMPLE_ROWS values spread over the column: the head of every parsed block."""
    n = len(arr)
    if n <= SAMPLE_ROWS:
        return arr
    k = max(1, SAMPLE_ROWS // max(1, arr.num_chunks))
    return pa.chunked_array([c.slice(0, k) for c in arr.chunks], type=arr.type)


def _clean_text(arr: pa.ChunkedArray, acc: _Acc | None, full: bool = False) -> pa.ChunkedArray:
    """Trim, remove Excel ``="..."`` guards, whitespace-only -> null."""
    if arr.type != pa.string() or arr.null_count == len(arr):
        return arr
    probe = arr if full else _sample(arr)
    trimmed = pc.utf8_trim_whitespace(probe)
    needs_trim = pc.sum(pc.binary_length(trimmed)).as_py() != pc.sum(pc.binary_length(probe)).as_py()
    has_guard = pc.any(pc.starts_with(trimmed, '="')).as_py()
    if not (needs_trim or has_guard):
        return arr
    if probe is not arr:
        trimmed = pc.utf8_trim_whitespace(arr)
    arr = trimmed
    if has_guard or probe is not arr:
        guard = pc.starts_with(arr, '="')
        if pc.any(guard).as_py():
            arr = pc.replace_substring_regex(arr, r'^="(.*)"$', r"\1")
            if acc is not None:
                acc.fix("io.fix.excel_guard", _np_bool(guard))
    if pc.min(pc.binary_length(arr)).as_py() == 0:
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    return arr


def _nullify_tokens(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    is_tok = pc.is_in(pc.utf8_lower(arr), value_set=_NULL_SET)
    return pc.if_else(is_tok, pa.scalar(None, pa.string()), arr)


_NUM_RE = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_CURRENCY_RE = (
    r"(?i)(US\$|CA\$|AU\$|HK\$|NZ\$|R\$|USD|EUR|GBP|CNY|RMB|JPY|CAD|AUD|HKD|CHF|MXN|SGD|INR|KRW|"
    "人民币|美元|欧元|英镑|日元|元|[$€£¥￥₹₩₽฿₫]|\\s|\u00a0|\u202f|')"
)


def _decimal_comma(s: pa.ChunkedArray, delimiter: str | None) -> bool:
    has_comma = pc.any(pc.match_substring(s, ",")).as_py()
    if not has_comma:
        return False
    thousands = pc.any(pc.match_substring_regex(s, r"\d,\d{3}\.\d|\d,\d{3},\d{3}")).as_py()
    decimal = pc.any(pc.match_substring_regex(s, r"(,\d{1,2}$)|(,\d{4,}$)|(\d\.\d{3},\d)")).as_py()
    if thousands and not decimal:
        return False
    if decimal and not thousands:
        return True
    if decimal and thousands:
        # the separator used last most often wins
        dec_n = pc.sum(pc.match_substring_regex(s, r",\d{1,2}$")).as_py() or 0
        th_n = pc.sum(pc.match_substring_regex(s, r"\.\d{1,2}$")).as_py() or 0
        return dec_n > th_n
    return delimiter == ";"


def _to_float(
    arr: pa.ChunkedArray, kind: str, delimiter: str | None, acc: _Acc | None
) -> tuple[np.ndarray, np.ndarray]:
    """Text -> float64 values and a mask of unreadable (non-empty) values."""
    n = len(arr)
    try:  # fast path: plain numbers
        out = pc.cast(arr, pa.float64()).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    else:
        bad = np.isinf(out)  # 'nan' text reads as missing, 'inf' as unreadable
        out = np.where(bad, np.nan, out)
        if kind == "pct":
            out = _pct_scale(out, np.zeros(n, dtype=bool), acc)
        return out, bad
    s = _nullify_tokens(arr)
    present = _np_bool(pc.is_valid(s))
    pct_sign = _np_bool(pc.match_substring(s, "%")) if kind == "pct" else np.zeros(n, dtype=bool)
    neg = pc.match_substring_regex(s, r"^\s*\(.*\)\s*$")
    x = pc.replace_substring_regex(s, _CURRENCY_RE, "")
    x = pc.replace_substring_regex(x, r"[()%]", "")
    x = pc.replace_substring_regex(x, r"^(-?)\+?", r"\1")
    x = pc.replace_substring_regex(x, r"-$", "")  # trailing minus would be odd; leave invalid otherwise
    dec_comma = _decimal_comma(x, delimiter)
    if dec_comma:
        x = pc.replace_substring(x, ".", "")
        x = pc.replace_substring(x, ",", ".")
    else:
        x = pc.replace_substring(x, ",", "")
    ok = pc.match_substring_regex(x, _NUM_RE)
    x = pc.if_else(ok, x, pa.scalar(None, pa.string()))
    out = pc.cast(x, pa.float64()).to_numpy()
    out = np.where(_np_bool(neg), -np.abs(out), out)
    okn = _np_bool(ok)
    bad = present & ~okn
    if acc is not None:
        changed = okn & ~_np_bool(pc.match_substring_regex(s, _NUM_RE))
        acc.fix("io.fix.decimal_comma" if dec_comma else "io.fix.number_format", changed & ~pct_sign)
    if kind == "pct":
        out = np.where(pct_sign, out / 100.0, out)
        out = _pct_scale(out, pct_sign, acc)
    return out, bad


def _pct_scale(out: np.ndarray, has_sign: np.ndarray, acc: _Acc | None) -> np.ndarray:
    """Bare numbers in a pct column: percentages (12.5 -> 0.125) unless every bare value is within 0..1."""
    bare = ~has_sign & ~np.isnan(out)
    if bare.any() and np.nanmax(np.abs(out[bare])) > 1.0:
        out = np.where(bare, out / 100.0, out)
    return out


_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_YMD = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_DMY = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y", "%d.%m.%y", "%d-%m-%y")
_MDY = ("%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y", "%m/%d/%y", "%m-%d-%y")
_NAMED = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%b-%y", "%b %d %Y", "%d %b, %Y",
          "%B %d %Y", "%a, %b %d, %Y", "%a %b %d %Y")
_OFFSET_RE = r"(?i)\s*(Z|UTC|GMT|[A-Z]{3}|[+-]\d{2}:?\d{2}|(UTC|GMT)[+-]\d{1,2}(:?\d{2})?)$"


def _to_datetime(
    arr: pa.ChunkedArray, kind: str, name: str, acc: _Acc | None
) -> tuple[np.ndarray, np.ndarray]:
    """Text -> datetime64[ns] (NaT where missing/unreadable) and the unreadable mask."""
    n = len(arr)
    try:  # fast path: ISO 8601 without offsets
        result = pc.cast(arr, pa.timestamp("ns")).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    else:
        if kind == "date":
            result = result.astype("datetime64[D]").astype("datetime64[ns]")
        return result, np.zeros(n, dtype=bool)
    s = _nullify_tokens(arr)
    present = _np_bool(pc.is_valid(s))
    if not present.any():
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"), np.zeros(n, dtype=bool)
    # Excel serial numbers (a date column of 5-digit numbers)
    serial = pc.match_substring_regex(s, r"^\d{5}(\.\d+)?$")
    serial_np = _np_bool(serial)
    # ISO 'T' separator and UTC offsets: keep the local wall clock
    s2 = pc.replace_substring_regex(s, r"^(\d{4}-\d{2}-\d{2})T", r"\1 ")
    has_off = pc.match_substring_regex(s2, r"(\d{1,2}:\d{2}(:\d{2})?(\.\d+)?)\s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT|[A-Z]{3}|(UTC|GMT)[+-]\d{1,2}(:?\d{2})?)$")
    off_np = _np_bool(has_off)
    if off_np.any():
        s2 = pc.if_else(has_off, pc.replace_substring_regex(s2, _OFFSET_RE, ""), s2)
        if acc is not None:
            acc.fix("io.fix.utc_offset", off_np)
    # Chinese / padded forms
    s2 = pc.replace_substring_regex(s2, r"\s+", " ")
    ser = pd.Series(s2.to_pandas() if isinstance(s2, pa.ChunkedArray) else s2, copy=False)
    result = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    todo = present & ~serial_np
    if serial_np.any():
        vals = pc.cast(pc.if_else(serial, s, pa.scalar(None, pa.string())), pa.float64()).to_numpy()
        inrange = (vals > 20000) & (vals < 80000)
        conv = (np.datetime64("1899-12-30") + (vals[inrange] * 86400).round().astype("timedelta64[s]")).astype(
            "datetime64[ns]"
        )
        result[np.flatnonzero(serial_np & inrange)] = conv[np.flatnonzero(serial_np)[inrange[serial_np]] >= 0]
        if acc is not None:
            acc.fix("io.fix.excel_serial_date", serial_np & inrange)
    if todo.any():
        sample_idx = np.flatnonzero(todo)
        sample_vals = ser.iloc[sample_idx[:: max(1, len(sample_idx) // 300)][:300]]
        formats = _candidate_formats(sample_vals)
        formats = _resolve_day_order(ser, todo, formats, acc, name)
        for fmt in formats:
            if not todo.any():
                break
            sub = ser[todo]
            parsed = pd.to_datetime(sub, format=fmt, errors="coerce")
            got = parsed.notna().to_numpy()
            if got.any():
                idx = np.flatnonzero(todo)[got]
                result[idx] = parsed[got].to_numpy().astype("datetime64[ns]")
                todo[idx] = False
    bad = present & np.isnat(result)
    if kind == "date":
        result = result.astype("datetime64[D]").astype("datetime64[ns]")
    return result, bad


_TIME_SHAPES = (
    (r"\d{1,2}:\d{2}:\d{2}\.\d+$", (" %H:%M:%S.%f",)),
    (r"(?i)\d{1,2}:\d{2}:\d{2}\s*[ap]\.?m\.?$", (" %I:%M:%S %p", " %I:%M:%S%p")),
    (r"(?i)\d{1,2}:\d{2}\s*[ap]\.?m\.?$", (" %I:%M %p", " %I:%M%p")),
    (r"\d{1,2}:\d{2}:\d{2}$", (" %H:%M:%S",)),
    (r"\d{1,2}:\d{2}$", (" %H:%M",)),
)


def _candidate_formats(sample: pd.Series) -> list[str]:
    """Formats that read at least one sampled value, most successful first.

    Only the shapes present in the sample are tried (separators, month names, time of day)."""
    if sample.empty:
        return []
    sample = sample.astype("str")
    times = [""] if (~sample.str.contains(r"\d:\d{2}", regex=True)).any() else []
    for pattern, fmts in _TIME_SHAPES:
        if sample.str.contains(pattern, regex=True).any():
            times += list(fmts)
    dateparts: list[str] = []
    if sample.str.lower().str.contains(_MONTHS, regex=True).any():
        dateparts += list(_NAMED)
    seps = {sep for sep in "/.-" if sample.str.contains(sep, regex=False).any()}
    if sample.str.match(r"^\d{4}").any():
        dateparts += [f for f in _YMD if not any(x in f for x in "/.-") or any(x in f for x in seps)]
    if sample.str.match(r"^\d{1,2}[./-]").any():
        dateparts += [f for f in (*_DMY, *_MDY) if any(x in f for x in seps)]
    if not dateparts:
        return []
    probe = sample.iloc[: 50] if len(sample) > 50 else sample
    hits = []
    for dp in dateparts:
        for tf in times:
            fmt = dp + tf
            try:
                k = int(pd.to_datetime(probe, format=fmt, errors="coerce").notna().sum())
                if k == 0 and probe is not sample:
                    k = int(pd.to_datetime(sample, format=fmt, errors="coerce").notna().sum())
            except (ValueError, TypeError):
                k = 0
            if k:
                hits.append((k, fmt))
    hits.sort(key=lambda kv: -kv[0])
    return [f for _, f in hits]


def _resolve_day_order(ser: pd.Series, todo: np.ndarray, formats: list[str], acc: _Acc | None, name: str):
    """Decide day-first vs month-first from the whole column and keep only that order's formats."""
    dm = [f for f in formats if f.startswith("%d") and not any(x in f for x in ("%b", "%B"))]
    md = [f for f in formats if f.startswith("%m")]
    if not dm or not md:
        return formats
    sub = ser[todo]
    dm_fmt, md_fmt = dm[0], md[0]
    # the same layout read both ways, over every value of the column
    md_equiv = dm_fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
    dm_ok = int(pd.to_datetime(sub, format=dm_fmt, errors="coerce").notna().sum())
    md_ok = int(pd.to_datetime(sub, format=md_equiv if md_equiv in md else md_fmt, errors="coerce").notna().sum())
    if dm_ok > md_ok:
        keep = "%d"
    elif md_ok > dm_ok:
        keep = "%m"
    else:
        # every value reads both ways: dots and dashes are day-first in practice, slashes month-first
        keep = "%d" if ("." in dm_fmt or "-" in dm_fmt) else "%m"
        if acc is not None:
            acc.note("io.note.date_order_assumed", order="DD/MM" if keep == "%d" else "MM/DD")
    drop = md if keep == "%d" else dm
    return [f for f in formats if f not in drop]


def _to_bool(arr: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Text -> (values, present mask, unreadable mask)."""
    low = pc.utf8_lower(arr)
    true_set = pa.array(["true", "yes", "y", "1", "t", "是", "对", "x", "✓", "1.0"])
    false_set = pa.array(["false", "no", "n", "0", "f", "否", "不是", "0.0"])
    is_t = _np_bool(pc.is_in(low, value_set=true_set))
    is_f = _np_bool(pc.is_in(low, value_set=false_set))
    present = _np_bool(pc.is_valid(arr))
    return is_t, is_t | is_f, present & ~(is_t | is_f)


# --------------------------------------------------------------------------------------------------
# The reader
# --------------------------------------------------------------------------------------------------
def _layout_for(raw: _Raw, table: str):
    from . import layouts

    return layouts.detect(table, raw.headers)


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
    return Inspection(
        headers=list(raw.headers),
        mapping=mapping,
        missing_required=missing,
        layout=layout.name if layout else None,
        preview=preview,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        needs_period="date" in schema.get_table(table).names
        and "date" not in mapping
        and not (raw.meta.get("start") and raw.meta.get("end")),
    )


def _required(table: str, layout) -> list[str]:
    req = list(schema.get_table(table).required)
    if layout is not None:
        req = [c for c in req if c not in layout.provides]
    return req


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
    item) and filters dated rows to that period otherwise (rows outside are dropped and counted).
    """
    tab = schema.get_table(table)
    if period is not None:
        period = (pd.Timestamp(period[0]).date(), pd.Timestamp(period[1]).date())
        if period[0] > period[1]:
            raise DataError("err.io.bad_period", start=period[0].isoformat(), end=period[1].isoformat())
    data, name = _load_bytes(source, filename)
    plan: dict = {}

    def typer(headers: list[str], head_rows: list[list[str]]) -> dict[int, pa.DataType]:
        from . import layouts

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

    # periodless reports: the seller's period, else the file's own header lines (GA4)
    assigned: tuple[date, date] | None = None
    if "date" in tab.names and "date" not in final_map:
        if period is not None:
            assigned = period
            acc.note("io.note.period_assigned", start=period[0].isoformat(), end=period[1].isoformat())
        elif raw.meta.get("start") and raw.meta.get("end"):
            assigned = (raw.meta["start"], raw.meta["end"])
            acc.note("io.note.ga4_period", start=assigned[0].isoformat(), end=assigned[1].isoformat())
        else:
            lay = t(f"io.layout.{layout.name}", "en") if layout else table
            raise DataError("err.io.period_required", file=name, layout=lay)

    # 1. text cleaning (id columns checked in full, others on a sample first)
    id_headers = {h for c, h in final_map.items() if c in tab.names and tab.column(c).kind == "id"}
    cols: dict[str, pa.ChunkedArray] = {
        h: _clean_text(raw.columns[h], acc, full=h in id_headers) for h in raw.headers
    }
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
        cols = layout.pre(cols, final_map, acc, keep, raw.headers)

    # 4. typed conversion
    kinds = {c.name: c.kind for c in tab.columns}
    if layout is not None:
        kinds.update(layout.kinds)
    required = set(tab.required)
    out: dict[str, object] = {}
    bad_by_reason: dict[str, np.ndarray] = {}
    missing_req = np.zeros(raw.n_rows, dtype=bool)
    for canon, header in final_map.items():
        kind = kinds.get(canon, "text")
        arr = cols[header]
        values, bad = _convert(arr, kind, raw.delimiter, acc, name)
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

    # 9. unmapped columns are kept as text under their header; a layout's ignored columns are not
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
            {k: _maybe_numeric(v if keep_arr is None else pc.filter(v, keep_arr), k) for k, v in extras.items()},
            index=frame.index,
        )
        frame = pd.concat([frame, ext], axis=1)
    frame = frame.reset_index(drop=True)
    frame = _finalise_types(frame, kinds)

    if table in ("traffic", "ads") and "date" in frame.columns and "date_end" not in frame.columns:
        frame["date_end"] = frame["date"]
    if table == "orders":
        _orders_excluded(frame, acc)
        if not schema.has_customers(frame):
            acc.note("io.note.no_customers", file=name)
    if layout is not None and layout.note:
        acc.note(layout.note)

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
    )
    return frame, report


_ID_LIKE = re.compile(r"(?i)(\bid\b|-id\b|_id\b|zip|postal|post code|phone|code|number|no\.?$|编号|号|asin|sku)")


def _maybe_numeric(arr: pa.ChunkedArray, header: str):
    """An extra column whose every value is a plain number becomes int64/float64 (ids, codes and
    zero-padded values stay text); anything else stays ``str``."""
    if _ID_LIKE.search(header) or arr.null_count == len(arr):
        return arr.to_pandas()
    if pc.any(pc.match_substring_regex(arr, r"^-?0\d")).as_py():
        return arr.to_pandas()
    try:
        vals = pc.cast(arr, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return arr.to_pandas()
    out = vals.to_numpy(zero_copy_only=False)
    if vals.null_count == 0 and np.all(np.mod(out, 1) == 0) and np.all(np.abs(out) < 2**53):
        return out.astype("int64")
    return out


_PLAIN_INT = re.compile(r"^-?\d{1,15}$")
_PLAIN_FLOAT = re.compile(r"^-?\d{1,15}(\.\d+)?$")
_ISO_TS = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?$")


def _typed_columns(headers, head_rows, fmap, tab, layout) -> dict[int, pa.DataType]:
    """Columns the CSV parser may convert itself: every head value a plain number / ISO timestamp."""
    kinds = {c.name: c.kind for c in tab.columns}
    if layout is not None:
        kinds.update(layout.kinds)
    idx = {h: i for i, h in enumerate(headers)}
    out: dict[int, pa.DataType] = {}
    for canon, header in fmap.items():
        kind = kinds.get(canon)
        i = idx.get(header)
        if i is None or kind not in ("int", "float", "money", "datetime", "date"):
            continue
        if layout is not None and layout.pre is not None and kind in ("datetime", "date"):
            continue
        vals = [r[i].strip() for r in head_rows if i < len(r) and r[i].strip()]
        if not vals:
            continue
        if kind == "int" and all(_PLAIN_INT.match(v) for v in vals):
            out[i] = pa.int64()
        elif kind in ("float", "money") and all(_PLAIN_FLOAT.match(v) for v in vals):
            out[i] = pa.float64()
        elif kind in ("datetime", "date") and all(_ISO_TS.match(v) for v in vals):
            out[i] = pa.timestamp("ns")
    return out


def _final_mapping(headers: list[str], table: str, layout, mapping: dict[str, str] | None, name: str) -> dict[str, str]:
    tab = schema.get_table(table)
    auto = auto_mapping(headers, table, layout)
    if mapping:
        known = set(headers)
        extra_ok = set(layout.kinds) if layout is not None else set()
        for canon, header in mapping.items():
            if canon not in tab.names and canon not in extra_ok:
                raise DataError(
                    "err.io.unknown_column", file=name, column=canon, table=table, columns=", ".join(tab.names)
                )
            if header not in known:
                raise DataError(
                    "err.io.mapping_header_missing",
                    file=name,
                    column=canon,
                    header=header,
                    found=", ".join(headers[:30]),
                )
        auto = {k: v for k, v in auto.items() if k not in mapping}
        auto.update(mapping)
        order = {c: i for i, c in enumerate(tab.names)}
        auto = dict(sorted(auto.items(), key=lambda kv: order.get(kv[0], 999)))
    missing = [c for c in _required(table, layout) if c not in auto]
    if missing:
        raise DataError(
            "err.io.missing_columns", file=name, table=table, columns=", ".join(missing),
            found=", ".join(headers[:30]),
        )
    return auto


def _fix_float_ids(cols, final_map, tab, layout) -> None:
    """Ids saved by Excel as floats ('13085.0' in every row) lose the '.0'."""
    for canon, header in final_map.items():
        kind = tab.column(canon).kind if canon in tab.names else (layout.kinds.get(canon) if layout else None)
        if kind != "id":
            continue
        arr = cols[header]
        valid = pc.is_valid(arr)
        if not pc.any(valid).as_py() or not pc.any(pc.ends_with(_sample(arr), ".0")).as_py():
            continue
        dotzero = pc.match_substring_regex(arr, r"^\d+\.0$")
        if pc.all(pc.or_(dotzero, pc.invert(valid))).as_py():
            cols[header] = pc.replace_substring_regex(arr, r"\.0$", "")


def _reason_for(kind: str) -> str:
    if kind in ("date", "datetime"):
        return "io.reason.bad_date"
    if kind in ("int", "float", "money", "pct"):
        return "io.reason.bad_number"
    if kind == "bool":
        return "io.reason.bad_bool"
    return "io.reason.missing_value"


def _convert(arr: pa.ChunkedArray, kind: str, delimiter, acc: _Acc, name: str):
    """Text column -> (values in the schema kind, mask of unreadable non-empty values)."""
    n = len(arr)
    nobad = np.zeros(n, dtype=bool)
    if arr.type != pa.string():  # converted by the parser
        if pa.types.is_timestamp(arr.type):
            vals = arr.to_numpy()
            if kind == "date":
                vals = vals.astype("datetime64[D]").astype("datetime64[ns]")
            return vals, nobad
        if kind == "int" and pa.types.is_integer(arr.type):
            return arr.to_pandas(), nobad
        vals = arr.to_numpy().astype("float64")
        bad = np.isinf(vals)
        if bad.any():
            vals = np.where(bad, np.nan, vals)
        if kind == "pct":
            vals = _pct_scale(vals, nobad, acc)
        return vals, bad
    if kind in ("id", "text", "category"):
        return arr.to_pandas(), nobad
    if kind == "int":
        try:  # fast path: plain integers
            return pc.cast(arr, pa.int64()).to_pandas(), nobad
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    if kind in ("int", "float", "money", "pct"):
        vals, bad = _to_float(arr, kind, delimiter, acc)
        if kind == "int":
            frac = ~np.isnan(vals) & (np.abs(vals - np.round(vals)) > 1e-9)
            vals = np.where(frac, np.nan, vals)
            bad = bad | frac
        return vals, bad
    if kind in ("date", "datetime"):
        return _to_datetime(arr, kind, name, acc)
    if kind == "bool":
        vals, present, bad = _to_bool(arr)
        out = pd.array(vals, dtype="boolean")
        out[~present] = pd.NA
        return out, bad
    return arr.to_pandas(), nobad


def _finalise_types(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    """Cast every typed column once to its final dtype (no-ops are skipped)."""
    for c in frame.columns:
        kind = kinds.get(c)
        if kind is None:
            continue
        s = frame[c]
        if kind == "int":
            if s.dtype == "int64":
                continue
            if s.isna().any():
                frame[c] = s.round().astype("Int64")
            else:
                frame[c] = s.to_numpy(dtype="float64").round().astype("int64")
        elif kind in ("float", "money", "pct"):
            if s.dtype != "float64":
                frame[c] = s.astype("float64")
        elif kind in ("date", "datetime"):
            if s.dtype != "datetime64[ns]":
                frame[c] = s.astype("datetime64[ns]")
        elif kind in ("id", "text", "category"):
            if s.dtype != "str":
                frame[c] = s.astype("str")
        elif kind == "bool" and not s.isna().any() and s.dtype != bool:
            frame[c] = s.astype(bool)
    return frame


def _matches(values: pd.Series, pattern: str, exclude: str | None = None) -> np.ndarray:
    """Regex test over a low-cardinality text column, done once per distinct value: rows matching
    ``pattern`` and not ``exclude``."""
    try:
        arr = pa.array(values.array)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        arr = arr.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        arr = pa.array(values.astype("str").to_numpy(dtype=object, na_value=None), type=pa.string(), from_pandas=True)
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


# --------------------------------------------------------------------------------------------------
# Summary and templates
# --------------------------------------------------------------------------------------------------
def _iso(ts) -> str | None:
    if ts is None or pd.isna(ts):
        return None
    return pd.Timestamp(ts).strftime("%Y-%m-%d")


def summarize(frame: pd.DataFrame, table: str) -> dict:
    """Headline figures of a canonical frame.

    orders: ``rows``, ``sales_lines`` (not cancelled, quantity and price above zero), ``revenue``
    (sum of quantity x unit_price over them), ``customers`` (distinct ids among them; ``None`` without
    ids), ``first_date``/``last_date`` (``YYYY-MM-DD`` of the first/last sales line). Other tables:
    ``rows`` and, where the table is dated, ``first_date``/``last_date``.
    """
    out: dict = {"rows": int(len(frame))}
    if table == "orders":
        sales = schema.sales_lines(frame)
        out["sales_lines"] = int(len(sales))
        out["revenue"] = round(float((sales["quantity"] * sales["unit_price"]).sum()), 2)
        out["customers"] = int(sales["customer_id"].nunique()) if schema.has_customers(frame) else None
        out["first_date"] = _iso(sales["order_date"].min()) if len(sales) else None
        out["last_date"] = _iso(sales["order_date"].max()) if len(sales) else None
        return out
    for dcol in ("date", "ship_date", "as_of"):
        if dcol in frame.columns and len(frame):
            out["first_date"] = _iso(frame[dcol].min())
            end = "date_end" if "date_end" in frame.columns and dcol == "date" else dcol
            out["last_date"] = _iso(frame[end].max())
            break
    return out


_EXAMPLES = {
    "id": ("A1001", "A1002"),
    "text": ("Bamboo cutting board", "Silicone spatula set"),
    "category": ("kitchen", "home"),
    "datetime": ("2026-03-01 09:30:00", "2026-03-02 14:05:00"),
    "date": ("2026-03-01", "2026-03-02"),
    "int": ("2", "1"),
    "float": ("0.45", "1.2"),
    "money": ("19.99", "24.50"),
    "pct": ("0.8%", "1.2%"),
    "bool": ("no", "yes"),
}
_NAMED_EXAMPLES = {
    "order_id": ("100001", "100002"),
    "customer_id": ("C0001", "C0002"),
    "sku": ("KIT-001", "HOM-002"),
    "country": ("US", "DE"),
    "channel": ("amazon", "shopify"),
    "status": ("paid", "cancelled"),
    "currency": ("USD", "EUR"),
    "source": ("amazon_search", "google"),
    "campaign": ("SP - kitchen - exact", "SP - home - auto"),
    "product_id": ("B0EXAMPLE1", "B0EXAMPLE2"),
    "brand": ("OurBrand", "RivalCo"),
    "is_own": ("yes", "no"),
    "mode": ("postal", "express"),
    "dest": ("US", "DE"),
    "pricing": ("per_kg", "first_extra"),
    "carrier": ("China Post", "DHL"),
    "shipment_id": ("LX123456789CN", "1234567890"),
    "email": ("ann@example.com", "bo@example.com"),
    "customer_name": ("Ann Lee", "Bo Wang"),
    "text": ("Great battery life", "Broke after a week"),
    "rating": ("5", "2"),
    "loss_rate": ("0.8%", "0.3%"),
    "quantity": ("2", "1"),
    "weight_kg": ("0.45", "1.2"),
    "transit_days_min": ("7", "3"),
    "transit_days_max": ("15", "6"),
}


def template_csv(table: str) -> bytes:
    """Header and two example rows for ``table``: UTF-8 with BOM so Excel shows Chinese correctly."""
    tab = schema.get_table(table)
    buf = _io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(tab.names)
    for i in range(2):
        w.writerow([(_NAMED_EXAMPLES.get(c.name) or _EXAMPLES[c.kind])[i] for c in tab.columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
