"""The visitor's data: the bundled sample store or their own uploads, kept in ``st.session_state``.

Per visitor (session_state): which source is chosen, and for each uploaded table the file's bytes,
name, SHA-256, column mapping and period. Shared (resource cache, keyed on content): the parsed
canonical frame and its load report, so a rerun or a page switch never parses a file again, and two
visitors only ever share a frame when their files are byte-identical. Frames from the cache are
read-only by convention (core functions copy what they change).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from cbe_core.errors import DataError
from cbe_core.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "sample_data"
SOURCE_KEY = "cbe_source"
UPLOADS_KEY = "cbe_uploads"


@dataclass(frozen=True)
class Loaded:
    table: str
    frame: pd.DataFrame
    report: object  # cbe_core.ingest.LoadReport
    key: str        # content key for caches
    fx: object = None  # cbe_core.ingest.currency.FxReport once converted (ui.money.apply)


@dataclass
class Dataset:
    source: str                                          # "sample" | "upload"
    tables: dict[str, Loaded] = field(default_factory=dict)
    errors: dict[str, DataError] = field(default_factory=dict)
    reporting: str | None = None        # every money column is in this currency (ui.money.apply)
    store_currency: str | None = None   # currency of amounts whose file names none
    store_asked: bool = False           # some uploaded money names no currency: the sidebar asks
    store_confirmed: bool = False       # the seller chose the store currency (or the sample's USD)

    def frame(self, name: str) -> pd.DataFrame | None:
        item = self.tables.get(name)
        return None if item is None else item.frame

    def key(self, *names: str) -> str:
        parts = [f"{n}:{self.tables[n].key if n in self.tables else '-'}" for n in names]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@st.cache_resource(max_entries=32, show_spinner=False, ttl=6 * 3600)
def _read_cached(content_key: str, table: str, filename: str, mapping: tuple, period: tuple | None,
                 _data: bytes):
    from cbe_core import ingest

    return ingest.read_table(_data, table, filename=filename, mapping=dict(mapping) or None,
                             period=tuple(date.fromisoformat(p) for p in period) if period else None)


def read_bytes(data: bytes, table: str, filename: str, mapping: dict | None = None,
               period: tuple[date, date] | None = None, digest: str | None = None):
    """(frame, report) for an uploaded file; parsed once per content, mapping and period."""
    digest = digest or sha256(data)
    frozen_map = tuple(sorted((mapping or {}).items()))
    frozen_period = tuple(p.isoformat() for p in period) if period else None
    return _read_cached(digest, table, filename, frozen_map, frozen_period, data)


def content_key(digest: str, table: str, mapping: dict | None, period) -> str:
    raw = f"{digest}|{table}|{sorted((mapping or {}).items())}|{period}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def sample_files() -> dict[str, Path]:
    return {name: SAMPLE_DIR / f"{name}.csv" for name in TABLES if (SAMPLE_DIR / f"{name}.csv").exists()}


@st.cache_resource(show_spinner=False)
def _sample_digests(stamp: tuple) -> dict[str, str]:
    return {name: sha256(path.read_bytes()) for name, path in sample_files().items()}


@st.cache_resource(max_entries=16, show_spinner=False)
def _read_sample(name: str, path: str, digest: str):
    """A bundled table read once per file content (the digest is the cache key; the file is read
    only on a miss, not on every rerun)."""
    from cbe_core import ingest

    return ingest.read_table(path, name)


def load_sample() -> Dataset:
    files = sample_files()
    stamp = tuple((n, p.stat().st_mtime_ns, p.stat().st_size) for n, p in files.items())
    digests = _sample_digests(stamp)
    ds = Dataset("sample")
    for name, path in files.items():
        digest = digests[name]
        try:
            frame, report = _read_sample(name, str(path), digest)
        except DataError as exc:  # a broken bundled file is a bug, but say so instead of crashing
            ds.errors[name] = exc
            continue
        ds.tables[name] = Loaded(name, frame, report, content_key(digest, name, None, None))
    return ds


def uploads() -> dict[str, dict]:
    """The visitor's uploaded files: table -> {name, data, digest, mapping, period}."""
    return st.session_state.setdefault(UPLOADS_KEY, {})


def load_uploads() -> Dataset:
    ds = Dataset("upload")
    for name, item in uploads().items():
        try:
            frame, report = read_bytes(item["data"], name, item["name"], item.get("mapping"),
                                       item.get("period"), item["digest"])
        except DataError as exc:
            ds.errors[name] = exc
            continue
        ds.tables[name] = Loaded(name, frame, report,
                                 content_key(item["digest"], name, item.get("mapping"), item.get("period")))
    return ds


def current_source() -> str:
    source = st.session_state.get(SOURCE_KEY)
    if source is None:  # a new visit: the workspace's last store when there is one, else the sample
        from .workspace import default_source

        source = st.session_state[SOURCE_KEY] = default_source()
    return source


def current_dataset() -> Dataset:
    if current_source() == "workspace":
        from .workspace import load_workspace

        return load_workspace()
    return load_uploads() if current_source() == "upload" else load_sample()
