"""Which currency an amount is in, as far as the file says: ISO 4217 codes, symbols and prefixes in cells
and header units, Amazon marketplaces and report preambles.

Reading only: nothing here converts an amount (that is :mod:`cbe_core.ingest.currency`'s job). A
currency is an upper-case ISO 4217 code; ``None`` means the file does not say (the seller's store
currency applies).

Symbols that several currencies share are treated as follows: ``$`` alone is USD, but *weak*: a layout's
marketplace or the report's preamble overrides it (Amazon.ca writes ``$`` for CAD); ``¥``/``￥`` alone
and ``kr`` are left unknown (JPY or CNY; SEK, NOK or DKK), while ``JP¥``, ``CN¥``, ``RMB``, ``元`` say it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

ISO_CODES = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
    BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP
    GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD
    KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK
    NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD
    SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD
    XOF XPF YER ZAR ZMW ZWL""".split()  # noqa: SIM905
)
"""Active ISO 4217 currency codes (list of 2024)."""

NO_MINOR_UNIT = frozenset(
    ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF",
     "XPF")
)
"""Currencies whose ISO 4217 minor unit is 0 (amounts are whole numbers)."""

# Symbols and prefixes -> (code, strong). Keys are compared case-folded, without dots and spaces.
_SYMBOLS: dict[str, tuple[str | None, bool]] = {
    "$": ("USD", False),
    "us$": ("USD", True), "usd$": ("USD", True), "u$s": ("USD", True),
    "ca$": ("CAD", True), "c$": ("CAD", True), "cad$": ("CAD", True), "can$": ("CAD", True),
    "au$": ("AUD", True), "a$": ("AUD", True), "aud$": ("AUD", True),
    "nz$": ("NZD", True), "hk$": ("HKD", True), "s$": ("SGD", True), "sg$": ("SGD", True),
    "nt$": ("TWD", True), "mx$": ("MXN", True), "r$": ("BRL", True),
    "€": ("EUR", True), "£": ("GBP", True), "₹": ("INR", True), "rs": ("INR", True),
    "₩": ("KRW", True), "₽": ("RUB", True), "฿": ("THB", True), "₫": ("VND", True), "₺": ("TRY", True),
    "₱": ("PHP", True), "₪": ("ILS", True), "₴": ("UAH", True), "₦": ("NGN", True),
    "zł": ("PLN", True), "kč": ("CZK", True), "ft": ("HUF", True), "lei": ("RON", True),
    "rm": ("MYR", True), "rp": ("IDR", True), "fr": ("CHF", True),
    "jp¥": ("JPY", True), "円": ("JPY", True), "日元": ("JPY", True),
    "cn¥": ("CNY", True), "rmb": ("CNY", True), "元": ("CNY", True), "人民币": ("CNY", True),
    "美元": ("USD", True), "欧元": ("EUR", True), "英镑": ("GBP", True),
    "¥": (None, False), "￥": (None, False), "＄": ("USD", False), "kr": (None, False),
}

# what a money cell may carry besides the number (RE2 syntax, for pyarrow): longest first
_LITERALS = sorted((k for k in _SYMBOLS if k not in ("rs", "fr")), key=len, reverse=True)
_TOKENS = [re.escape(k) for k in _LITERALS]
_TOKENS += [r"rs\.?", r"fr\.?", "[a-z]{3}"]
TOKEN_RE = "(?i)(" + "|".join(_TOKENS) + ")"
"""A currency token anywhere in a cell (``US$``, ``Rs.``, ``zł``, ``EUR``...)."""

RESIDUE_RE = "\\d[eE][+-]?\\d|[\\d\\s.,'+\\-()%\u00a0\u202f\u2212]"
"""What a money cell is made of besides its currency token: removing it leaves the token."""


def token_currency(token: str | None) -> tuple[str | None, bool, bool]:
    """``(code, strong, known)`` for the currency token left in a cell (see :data:`RESIDUE_RE`).

    ``known`` is False when the text is not a currency at all (the cell is then unreadable); an
    empty token is known and has no currency."""
    if not token:
        return None, False, True
    key = token.strip().casefold().replace(".", "").replace(" ", "")
    if key in _SYMBOLS:
        code, strong = _SYMBOLS[key]
        return code, strong, True
    up = key.upper()
    if len(up) == 3 and up in ISO_CODES:
        return up, True, True
    return None, False, False


def unit_currency(unit: str | None) -> str | None:
    """Currency named by a header unit: ``(USD)``, ``(₹)``, ``(£)``, ``(PHP)``; None for ``(#)``,
    ``(ACoS)``, ``(Default Channel Group)``. Codes count only in upper case (``(ALL)`` never does)."""
    if not unit:
        return None
    u = unit.strip()
    if len(u) == 3 and u.isupper() and u in ISO_CODES and u != "ALL":
        return u
    key = u.casefold().replace(".", "").replace(" ", "")
    if key in _SYMBOLS and key not in ("fr", "rm", "rp", "ft", "lei", "rs"):
        return _SYMBOLS[key][0]
    return None


_AMAZON_DOMAINS = {
    "com": "USD", "ca": "CAD", "com.mx": "MXN", "com.br": "BRL", "co.uk": "GBP", "de": "EUR",
    "fr": "EUR", "it": "EUR", "es": "EUR", "nl": "EUR", "com.be": "EUR", "ie": "EUR", "se": "SEK",
    "pl": "PLN", "com.tr": "TRY", "ae": "AED", "sa": "SAR", "eg": "EGP", "in": "INR", "co.jp": "JPY",
    "jp": "JPY", "com.au": "AUD", "sg": "SGD", "co.za": "ZAR",
}
_DOMAIN_RE = re.compile(r"(?i)^\s*(?:www\.)?amazon\.([a-z.]+?)\s*$")


def marketplace_currency(value: object) -> str | None:
    """The currency of an Amazon marketplace written as its domain (``amazon.de`` -> EUR,
    ``Amazon.co.uk`` -> GBP); None for anything else (``Non-Amazon``, country names)."""
    if not isinstance(value, str):
        return None
    m = _DOMAIN_RE.match(value)
    return _AMAZON_DOMAINS.get(m.group(1).lower()) if m else None


_PREAMBLE = (
    (re.compile(r"(?i)amounts? (?:are )?in ([A-Z]{3})\b"), None),  # "All amounts in USD, unless specified"
    (re.compile(r"(?i)montants sont en ([A-Z]{3})\b"), None),
    (re.compile(r"(?i)importi sono espressi in ([A-Z]{3})\b"), None),
    (re.compile(r"(?i)importes en ([A-Z]{3})\b"), None),
    (re.compile(r"(?i)bedragen in ([A-Z]{3})\b"), None),
    (re.compile(r"(?i)betr(?:ä|ae)ge in euro"), "EUR"),  # "Alle Beträge in Euro sofern nicht anders ..."
    (re.compile(r"単位は円"), "JPY"),  # "指定のない場合、単位は円"
)


def preamble_currency(line: str) -> str | None:
    """Currency stated by a report's preamble line (Amazon's Date Range Report writes "All amounts in
    USD, unless specified" and its translations); None when the line states none."""
    for rx, fixed in _PREAMBLE:
        m = rx.search(line)
        if m:
            if fixed:
                return fixed
            code = m.group(1).upper()
            return code if code in ISO_CODES else None
    return None


def fill_currency(
    n: int,
    column,
    header_units: list[tuple[str, str]],
    cells: list[tuple[np.ndarray, np.ndarray]],
    preamble: str | None,
    marketplaces,
    platform: str | None,
) -> tuple[np.ndarray | None, dict[str, object]]:
    """The currency of each row, from the strongest source that names one (the contract of
    :mod:`cbe_core.schema`): the file's currency column; a currency in a money column's header
    (``Spend (USD)``, first such column); a code or unambiguous symbol in a money cell; the report's
    preamble ("All amounts in USD"); the Amazon marketplace of the row (``amazon.de``); the platform's
    own currency; last, a bare ``$`` in a cell (USD).

    ``column`` is the currency column's values (None: no such column); ``header_units`` pairs of
    (header, code); ``cells`` the (codes, strong) arrays of money columns, in column order;
    ``marketplaces`` the rows' marketplace or sales channel, or a function giving them (called only
    when needed). Returns the codes (object array, None where unknown; None when no source names a
    currency) and what each source supplied: ``{"column": unknown_mask, "header": (header, code),
    "cells": [codes], "preamble": code, "marketplace": [codes], "platform": code}`` for the sources
    used by at least one row. Work is done once per distinct value, not per row."""
    out = np.full(n, None, dtype=object)
    used: dict[str, object] = {}
    if column is not None:
        uniq, inv = _factorize(column)
        mapped = np.array([_code_of(u) for u in uniq] + [None], dtype=object)
        out = mapped[inv]
        bad_value = np.array([_code_of(u) is None for u in uniq] + [False], dtype=bool)
        if bad_value.any():
            used["column"] = bad_value[inv]
    todo = _isnull(out)

    def take(source: str, codes: np.ndarray, mask: np.ndarray | None = None, label=None) -> None:
        nonlocal todo
        have = todo & ~_isnull(codes)
        if mask is not None:
            have &= mask
        if have.any():
            out[have] = codes[have]
            todo = todo & ~have
            if source in ("cells", "marketplace"):
                used[source] = sorted({str(c) for c in pd.unique(codes[have])})
            else:
                used[source] = label

    if todo.any() and header_units:
        header, code = header_units[0]
        take("header", np.full(n, code, dtype=object), label=(header, code))
    for codes, strong in cells:
        if todo.any():
            take("cells", codes, strong)
    if todo.any() and preamble:
        take("preamble", np.full(n, preamble, dtype=object), label=preamble)
    if todo.any() and marketplaces is not None:
        market = marketplaces() if callable(marketplaces) else marketplaces
        uniq, inv = _factorize(market)
        take("marketplace", np.array([marketplace_currency(u) for u in uniq] + [None], dtype=object)[inv])
    if todo.any() and platform:
        take("platform", np.full(n, platform, dtype=object), label=platform)
    for codes, strong in cells:
        if todo.any():
            take("cells", codes, ~strong)
    if column is None and not used:
        return None, used
    return out, used


def _factorize(values) -> tuple[list, np.ndarray]:
    """Distinct values and, per row, the index of its value (missing -> the extra last slot)."""
    codes, uniq = pd.factorize(pd.Series(values, copy=False), use_na_sentinel=True)
    inv = np.where(codes < 0, len(uniq), codes)
    return list(uniq), inv


def _isnull(values: np.ndarray) -> np.ndarray:
    return np.asarray(pd.isna(values), dtype=bool)


def _code_of(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    v = value.strip()
    if v.upper() in ISO_CODES:
        return v.upper()
    code, _strong, _known = token_currency(v)
    return code
