"""Header normalisation: the lowest layer of :mod:`cbe_core.ingest` (imports nothing of the package).

Every module that compares headers (finding the header row, recognising layouts, mapping columns) goes
through :func:`norm_header`; :func:`_dedupe` gives a file's raw header cells unique, non-empty names.
"""

from __future__ import annotations

import re
import unicodedata


def norm_header(h: object) -> str:
    """Normalised header for matching: NFKC, lower case, ``_`` and runs of spaces as one space."""
    s = unicodedata.normalize("NFKC", str(h)).replace("\ufeff", "").strip().strip('"').strip()
    if s.startswith("=") and len(s) > 1:
        s = s.lstrip("=").strip('"')
    return re.sub(r"[\s_]+", " ", s.lower()).strip()


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
