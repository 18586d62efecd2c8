"""Text cells to values, vectorised over a whole column: text cleaning, numbers, money, percentages,
dates and booleans.

Each function takes a pyarrow string column and returns numpy values (and, where values can be
unreadable, a mask of the non-empty values that could not be read); fixes are counted on the read's
accumulator ``acc`` when one is given. Nothing here knows tables, layouts or files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import money

if TYPE_CHECKING:
    from .report import _Acc


NULL_TOKENS = ("", "-", "--", "—", "n/a", "na", "null", "none", "nan", "nat", "#n/a", "/")

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


def _decimal_vote(s) -> bool | None:
    """Decimal comma (True), decimal point (False) or undecided (None) from the values' shapes."""
    if not pc.any(pc.match_substring(s, ",")).as_py():
        if pc.any(pc.match_substring_regex(s, r"\d\.\d{3}\.\d{3}")).as_py():
            return True  # 1.234.567: dots only as thousands
        return False if pc.any(pc.match_substring(s, ".")).as_py() else None
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
    return None


def _decimal_comma(s: pa.ChunkedArray, delimiter: str | None) -> bool:
    """Whether a column's values use a decimal comma: from their shapes, else from the delimiter
    (a semicolon-separated file is a decimal-comma locale's CSV)."""
    vote = _decimal_vote(s)
    return (delimiter == ";") if vote is None else vote


def _to_float(
    arr: pa.ChunkedArray, kind: str, delimiter: str | None, acc: _Acc | None
) -> tuple[np.ndarray, np.ndarray]:
    """Text -> float64 values and a mask of unreadable (non-empty) values."""
    out, bad, _codes, _strong = _to_number(arr, kind, delimiter, acc)
    return out, bad


def _to_number(
    arr: pa.ChunkedArray, kind: str, delimiter: str | None, acc: _Acc | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Text -> (float64 values, unreadable mask, currency code per row or None, strong mask or None).

    Reads plain numbers, thousands separators (``,`` ``.`` space, NBSP, ``'``, Indian ``1,44,957.78``),
    decimal commas, ``(12.50)`` and trailing-minus negatives, percentages, and a currency written
    before or after the number: an ISO code (``INR 1,000``, ``BRL 35,91``, ``12.50 USD``) or a symbol
    or prefix (``US$12.50``, ``HK$``, ``€ 1.234,56``, ``JP¥1,299``, ``1 299,00 zł``, ``Rs.201.68``; see
    :mod:`.money`). The decimal separator is decided per column from all its values, and per currency
    when a column mixes currencies written in different conventions; amounts in a currency without
    minor unit (JPY, KRW...) written without decimals read every separator as grouping. A cell with
    any other text is unreadable. The currency codes are None when no cell names one; ``strong`` is
    False for a bare ``$``.
    """
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
        return out, bad, None, None
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    s = _nullify_tokens(pc.replace_substring(arr, "\u2212", "-"))
    present = _np_bool(pc.is_valid(s))
    pct_sign = _np_bool(pc.match_substring(s, "%")) if kind == "pct" else np.zeros(n, dtype=bool)
    neg = pc.match_substring_regex(s, r"^\s*[^\d()]*\(.*\)[^\d()]*\s*$")
    # the currency token: what is left once digits, separators and signs are removed
    residue = pc.replace_substring_regex(s, money.RESIDUE_RE, "")
    enc = pc.dictionary_encode(residue)
    words = enc.dictionary.to_pylist()
    idx = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False)
    info = [money.token_currency(w) for w in words]
    codes = strong = None
    token_bad = np.zeros(n, dtype=bool)
    x = s
    if any(words):
        known = np.array([k for _c, _s, k in info] + [True], dtype=bool)
        token_bad = present & ~known[idx]
        x = pc.replace_substring_regex(s, money.TOKEN_RE, "")
        if any(c for c, _s, _k in info):
            codes = np.array([c for c, _s, _k in info] + [None], dtype=object)[idx]
            strong = np.array([st for _c, st, _k in info] + [False], dtype=bool)[idx]
    x = pc.replace_substring_regex(x, "[\\s\u00a0\u202f'()%]", "")
    x = pc.replace_substring_regex(x, r"^(-?)\+?", r"\1")
    x = pc.replace_substring_regex(x, r"^(\d.*)-$", r"-\1")  # trailing minus: 12.50-
    # decimal comma per column, or per currency when the column mixes them
    col_vote = _decimal_vote(x)
    col_dec = (delimiter == ";") if col_vote is None else col_vote
    dec_rows = np.full(n, col_dec, dtype=bool)
    no_minor = np.zeros(n, dtype=bool)
    if any(words):
        for i, (code, _st, _k) in enumerate(info):
            mask = idx == i
            sub = pc.filter(x, pa.array(mask))
            if len(words) > 1:
                vote = _decimal_vote(sub)
                if vote is not None:
                    dec_rows[mask] = vote
            if code in money.NO_MINOR_UNIT and not pc.any(
                pc.match_substring_regex(sub, r"[.,]\d{1,2}$")
            ).as_py():
                no_minor |= mask  # JP¥1.299 / ₩12,000: every separator groups thousands
    if no_minor.any():
        x = pc.if_else(pa.array(no_minor), pc.replace_substring_regex(x, "[.,]", ""), x)
    dec_any = bool((dec_rows & present).any())
    if dec_any:
        x_dec = pc.replace_substring(pc.replace_substring(x, ".", ""), ",", ".")
        x_pt = pc.replace_substring(x, ",", "")
        x = pc.if_else(pa.array(dec_rows), x_dec, x_pt) if not dec_rows.all() else x_dec
    else:
        x = pc.replace_substring(x, ",", "")
    ok = pc.match_substring_regex(x, _NUM_RE)
    x = pc.if_else(ok, x, pa.scalar(None, pa.string()))
    out = pc.cast(x, pa.float64()).to_numpy(zero_copy_only=False)
    out = np.where(_np_bool(neg), -np.abs(out), out)
    okn = _np_bool(ok) & ~token_bad
    out = np.where(token_bad, np.nan, out)
    bad = present & ~okn
    if acc is not None:
        changed = okn & ~_np_bool(pc.match_substring_regex(s, _NUM_RE)) & ~pct_sign
        acc.fix("io.fix.decimal_comma", changed & dec_rows)
        acc.fix("io.fix.number_format", changed & ~dec_rows)
    if kind == "pct":
        out = np.where(pct_sign, out / 100.0, out)
        out = _pct_scale(out, pct_sign, acc)
    if codes is not None:
        codes = np.where(okn, codes, None)
    return out, bad, codes, strong


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
    has_off = pc.match_substring_regex(
        s2,
        r"(\d{1,2}:\d{2}(:\d{2})?(\.\d+)?)(\s*[AaPp]\.?\s?[Mm]\.?)?\s*"
        r"(Z|[+-]\d{2}:?\d{2}|UTC|GMT|[A-Z]{3}|(UTC|GMT)[+-]\d{1,2}(:?\d{2})?)$",
    )
    off_np = _np_bool(has_off)
    if off_np.any():
        s2 = pc.if_else(has_off, pc.replace_substring_regex(s2, _OFFSET_RE, ""), s2)
        if acc is not None:
            acc.fix("io.fix.utc_offset", off_np)
    # "12:02:19 a.m." (Amazon.ca) and "4:24:44 pm" (Amazon.in) read as AM/PM
    if pc.any(pc.match_substring_regex(s2, r"(?i)\d\s*[ap]\.?\s?m\.?$")).as_py():
        s2 = pc.replace_substring_regex(s2, r"(?i)(\d)\s*a\.?\s?m\.?$", r"\1 AM")
        s2 = pc.replace_substring_regex(s2, r"(?i)(\d)\s*p\.?\s?m\.?$", r"\1 PM")
    # Chinese / padded forms
    s2 = pc.replace_substring_regex(s2, r"\s+", " ")
    ser = pd.Series(s2.to_pandas() if isinstance(s2, pa.ChunkedArray) else s2, copy=False)
    result = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    todo = present & ~serial_np
    if serial_np.any():
        vals = pc.cast(pc.if_else(serial, s, pa.scalar(None, pa.string())), pa.float64()).to_numpy()
        inrange = (vals > 20000) & (vals < 80000)
        days = (vals[inrange] * 86400).round().astype("timedelta64[s]")
        conv = (np.datetime64("1899-12-30") + days).astype("datetime64[ns]")
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
    md_read = pd.to_datetime(sub, format=md_equiv if md_equiv in md else md_fmt, errors="coerce")
    md_ok = int(md_read.notna().sum())
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
