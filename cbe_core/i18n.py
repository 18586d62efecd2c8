"""Bilingual catalog (English, Simplified Chinese) for every user-facing string.

Catalog files live in ``cbe_core/locales/*.json``, one per area (``common.json``, ``io.json``,
``diagnostics.json``...), each ``{"key": {"en": "...", "zh": "..."}}`` with ``str.format`` fields.
Keys are unique across files (a duplicate is an error caught by the tests). The core returns keys and
parameters; pages and the command line call :func:`t` with the chosen language.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LANGS = ("en", "zh")
DEFAULT_LANG = "en"
LANG_NAMES = {"en": "English", "zh": "简体中文"}
_DIR = Path(__file__).with_name("locales")


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """All catalog entries merged (static package data, read once)."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(_DIR.glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        for key, texts in entries.items():
            if key in merged:
                raise ValueError(f"duplicate catalog key {key!r} in {path.name}")
            merged[key] = texts
    return merged


def normalise_lang(lang: str | None) -> str:
    if not lang:
        return DEFAULT_LANG
    lang = str(lang).lower()
    if lang.startswith("zh") or lang in ("cn", "中文"):
        return "zh"
    return "en" if lang not in LANGS else lang


def t(key: str, lang: str | None = "en", /, **params: object) -> str:
    """Translate ``key`` into ``lang`` and fill ``params``. Unknown keys come back as the key itself,
    so a missing entry is visible rather than a crash; the tests check every key used exists."""
    entry = catalog().get(key)
    if entry is None:
        return key
    text = entry.get(normalise_lang(lang)) or entry.get(DEFAULT_LANG) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def has(key: str) -> bool:
    return key in catalog()
