"""Helpers shared by the ads modules: checks, term normalisation, match kinds, notes.

Search terms are compared in a *normalised* form: Unicode NFKC (full-width letters and digits become
ASCII), lower case, runs of white space collapsed to one space, trimmed. ``"  Milk  FROTHER"`` and
``"milk frother"`` are one term; the first spelling seen is kept for display.

Match kinds (the ``match_type`` and ``targeting`` columns of Amazon's search term report, several
spellings):

=========  ===================================================================================
kind       rows
=========  ===================================================================================
exact      match type EXACT / exact / 精准 / 精确
phrase     match type PHRASE / phrase / 词组
broad      match type BROAD / broad / 广泛
auto       automatic targeting: targeting close-match, loose-match, substitutes, complements or ``*``,
           or match type TARGETING_EXPRESSION_PREDEFINED
product    product / category targeting: targeting ``asin="B0..."``, ``category=...``, or match type
           TARGETING_EXPRESSION; a ``-`` match type with any other targeting
=========  ===================================================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataError

MATCH_KINDS = ("exact", "phrase", "broad", "auto", "product")
AUTO_TARGETS = ("close-match", "loose-match", "substitutes", "complements", "*")
_MATCH_ALIASES = {
    "exact": "exact", "精准": "exact", "精确": "exact", "精确匹配": "exact", "精准匹配": "exact",
    "phrase": "phrase", "词组": "phrase", "词组匹配": "phrase", "短语": "phrase",
    "broad": "broad", "广泛": "broad", "广泛匹配": "broad",
    "targeting_expression_predefined": "auto", "auto": "auto", "自动": "auto",
    "targeting_expression": "product",
}
_ASIN = re.compile(r"^b0[0-9a-z]{8}$")
_SPACES = re.compile(r"\s+")
# white space as a character class of real characters (RE2-friendly; \s makes pandas use Python's re)
_SPACE_RUN = "[ \t\n\r\f\v\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
REQUIRED = ("date", "campaign", "search_term", "impressions", "clicks", "spend", "orders", "sales")
OPTIONAL_TEXT = ("ad_group", "targeting", "match_type", "sku")
NUMBERS = ("impressions", "clicks", "spend", "orders", "sales")


@dataclass(frozen=True)
class Note:
    """A sentence for the seller: a catalog key and its parameters."""

    key: str
    params: dict = field(default_factory=dict)


def norm_series(values: pd.Series) -> pd.Series:
    """Normalised text of each value (see the module docstring), vectorised; missing values are ""."""
    s = pd.Series(values, dtype="str").fillna("")
    wide = ~s.str.isascii()
    if wide.any():                       # NFKC is a Python loop: only where a row needs it
        s = s.where(~wide, s[wide].str.normalize("NFKC"))
    return s.str.lower().str.replace(_SPACE_RUN, " ", regex=True).str.strip()


def norm_values(values) -> list[str]:
    """Normalised text of each value as a list (see :func:`norm_series`)."""
    return norm_series(pd.Series(np.asarray(values, dtype=object))).tolist()


def encode(values: pd.Series, normalise: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integer codes of ``values`` after normalisation: ``(codes, keys, display)`` where ``keys[c]`` is
    the normalised text of code ``c`` and ``display[c]`` its first spelling in the data (spacing
    tidied). Missing values get the code of ``""``. Each distinct value is normalised once, with
    vectorised string kernels (fast on 1M rows)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    raw = pd.Series(uniques, dtype="str").fillna("")
    raw = pd.concat([raw, pd.Series([""], dtype="str")], ignore_index=True)   # slot for missing values
    keys = norm_series(raw) if normalise else raw.str.strip()
    codes = np.where(codes < 0, len(raw) - 1, codes)
    kcodes, kuniq = pd.factorize(keys.to_numpy(dtype=object))
    _, first = np.unique(kcodes, return_index=True)   # uniques come in order of first appearance
    display = raw.iloc[first].str.replace(_SPACE_RUN, " ", regex=True).str.strip().to_numpy(dtype=object)
    return kcodes[codes].astype(np.int64), np.asarray(kuniq, dtype=object), display


def match_kinds(match_type: np.ndarray, targeting: np.ndarray) -> np.ndarray:
    """The match kind of each (normalised) match type and targeting pair (see the module docstring),
    vectorised."""
    mt = pd.Series(np.asarray(match_type, dtype=object), dtype="str").str.replace(" ", "_", regex=False)
    tg = pd.Series(np.asarray(targeting, dtype=object), dtype="str")
    kind = mt.map(_MATCH_ALIASES).astype(object).to_numpy()
    known = pd.notna(kind)
    dash = mt.isin(["", "-", "--"]).to_numpy()
    auto_tg = tg.isin(AUTO_TARGETS).to_numpy()
    product_tg = tg.str.startswith(("asin=", "asin-expanded=", "category=", "asin =", "brand=")).to_numpy()
    has_tg = (tg != "").to_numpy()
    fallback = np.select([auto_tg, product_tg | (dash & has_tg), dash], ["auto", "product", "auto"],
                         default="broad")   # an unknown spelling: a keyword that can match more than itself
    return np.where(known, kind, fallback).astype(object)


def is_asin(keys: np.ndarray) -> np.ndarray:
    """True for normalised search terms that are ASINs (a shopper's click on a product page ad)."""
    return np.array([bool(_ASIN.match(k)) for k in keys], dtype=bool)


def asin_mask(values: pd.Series) -> pd.Series:
    """:func:`is_asin` of a Series of raw search terms (index kept), each distinct term tested once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    flags = norm_series(pd.Series(uniques, dtype="str")).str.fullmatch(_ASIN.pattern.strip("^$"))
    flags = np.append(flags.fillna(False).to_numpy(dtype=bool), False)
    return pd.Series(flags[np.where(codes < 0, len(flags) - 1, codes)], index=values.index)


def check_search_terms(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns the ads modules use, checked and copied: the required ones of ``search_terms``,
    ``date_end`` (= ``date`` when absent), the optional text columns (empty when absent) and
    ``currency`` when present. Raises :class:`DataError` when a required column is missing or the
    table is empty."""
    if frame is None or len(frame) == 0:
        raise DataError("err.ads.empty")
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise DataError("err.ads.missing_columns", columns=", ".join(missing), found=", ".join(
            map(str, frame.columns[:12])))
    cols = list(REQUIRED) + [c for c in (*OPTIONAL_TEXT, "date_end", "currency") if c in frame.columns]
    out = frame[cols].copy()
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]").dt.normalize()
    if "date_end" in out.columns:
        out["date_end"] = pd.to_datetime(out["date_end"]).astype("datetime64[ns]").dt.normalize()
        out["date_end"] = out["date_end"].fillna(out["date"])
    else:
        out["date_end"] = out["date"]
    for c in NUMBERS:
        out[c] = pd.to_numeric(out[c], errors="coerce").fillna(0.0).astype("float64")
    for c in OPTIONAL_TEXT:
        if c not in out.columns:
            out[c] = ""
    bad = out["date"].isna()
    if bad.all():
        raise DataError("err.ads.no_dates")
    return out.loc[~bad]


def single_currency(*frames: pd.DataFrame | None) -> str | None:
    """The one currency code the frames carry (upper case), None when none says. Raises when two
    currencies are mixed: the decision packages never convert money (cbe_core.ingest does)."""
    codes: set[str] = set()
    for f in frames:
        if f is not None and "currency" in f.columns:
            vals = f["currency"].dropna().astype("str").str.strip().str.upper()
            codes |= {v for v in vals.unique() if v}
    if len(codes) > 1:
        raise DataError("err.ads.mixed_currency", currencies=", ".join(sorted(codes)))
    return codes.pop() if codes else None


def safe_div(a, b) -> np.ndarray:
    """a / b elementwise with NaN where b == 0."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, a / np.where(b != 0, b, 1.0), np.nan)
