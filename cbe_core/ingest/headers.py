"""Header normalisation: the lowest layer of :mod:`cbe_core.ingest` (imports nothing of the package).

Every module that compares headers (finding the header row, recognising layouts, mapping columns) goes
through :func:`norm_header`, so typographic variants are normalised once, here: Unicode NFKC (full-width
brackets and colons ``（ ）：`` become ``( ) :``, non-breaking spaces become spaces; a label's trailing
colon goes), en and em dashes
and the minus sign become ``-`` (Amazon's Business Report writes ``Sessions – Total``), curly quotes
become straight ones, case is folded, ``_`` and runs of spaces become one space, outer spaces go.
Matching stays exact after that: ``Sessions – Total`` never matches ``Sessions – Total – B2B``.

:func:`base_header` also drops one trailing bracketed unit (``14 Day Total Sales (₹)``,
``Spend (USD)``, ``Sales(£)``, ``7 Day Total Orders (#)``, ``Quantity (- Refund)``): the reader matches
on the full header first and on the base only for columns still unmatched. :func:`header_unit` gives
that unit's text as written (the currency of the column, when it names one).
:func:`_dedupe` gives a file's raw header cells unique, non-empty names.
"""

from __future__ import annotations

import re
import unicodedata

_TYPO = str.maketrans(
    {
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
        "\u201d": '"', "\u00a0": " ", "\u202f": " ", "\u3000": " ",
    }
)
_UNIT_RE = re.compile(r"^(?P<base>.*?\S)\s*\((?P<unit>[^()]{1,24})\)\s*\*?$")


def _clean(h: object) -> str:
    s = unicodedata.normalize("NFKC", str(h)).replace("\ufeff", "").translate(_TYPO)
    s = s.strip().strip('"').strip()
    if s.startswith("=") and len(s) > 1:
        s = s.lstrip("=").strip('"')
    return s.rstrip(":").rstrip() if len(s) > 1 else s  # a label's colon: "订单号：", "Data/Ora:"


def norm_header(h: object) -> str:
    """Normalised header for matching (see the module docstring)."""
    return re.sub(r"[\s_]+", " ", _clean(h).lower()).strip()


def base_header(h: object) -> str:
    """:func:`norm_header` without one trailing bracketed unit: ``Spend (USD)`` -> ``spend``.

    A header that is only a bracketed word, or has none, is returned normalised as it is."""
    s = _clean(h)
    m = _UNIT_RE.match(s)
    if m is None:
        return norm_header(s.rstrip("*"))
    return norm_header(m.group("base"))


def header_unit(h: object) -> str | None:
    """The trailing bracketed unit as written (``₹``, ``USD``, ``#``), or None."""
    m = _UNIT_RE.match(_clean(h))
    return m.group("unit").strip() if m else None


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
