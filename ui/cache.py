"""Caches shared by all visitors, keyed on content only.

- :func:`cached` runs a core function once per (function, data content key, parameters). Frames are
  passed positionally and are *not* hashed (hashing a 1M-row frame each rerun would cost more than
  the work); the caller passes the content key of the data instead (``ctx.key("orders")``).
- Loaded input frames are held by :mod:`ui.data` in a resource cache keyed on the file's SHA-256, so
  two visitors with the same file share one read-only copy and nobody sees anybody else's data.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from typing import Any

import streamlit as st


@st.cache_data(max_entries=64, show_spinner=False, ttl=6 * 3600)
def _run(fn_path: str, data_key: str, params: tuple, _frames: tuple, _kwargs: dict) -> Any:
    module, _, name = fn_path.rpartition(".")
    fn = getattr(importlib.import_module(module), name)
    return fn(*_frames, **_kwargs)


def _freeze(value: Any) -> Any:
    """A hashable, stable stand-in for a parameter value (lists, dicts, dates, frames by content)."""
    import pandas as pd

    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_freeze(v) for v in value]
        return tuple(sorted(items, key=repr)) if isinstance(value, (set, frozenset)) else tuple(items)
    if isinstance(value, pd.DataFrame):  # small editable tables (rate cards, benchmarks): hash content
        digest = int(pd.util.hash_pandas_object(value, index=True).sum())
        return ("frame", digest, tuple(map(str, value.columns)))
    return repr(value)


def cached(fn: Callable, data_key: str, *frames: Any, **params: Any) -> Any:
    """``fn(*frames, **params)``, cached on ``fn``'s import path, ``data_key`` and ``params``.

    ``fn`` must be a module-level function of ``cbe_core`` (so the cache can find it by name).
    """
    fn_path = f"{fn.__module__}.{fn.__qualname__}"
    return _run(fn_path, data_key, _freeze(params), frames, params)


def content_digest(params: dict[str, Any], *frames: Any) -> str:
    """SHA-256 of plain parameters (by ``repr``, sorted by name) and of frames by content (not index):
    a cache key for a call whose frames are passed positionally to :func:`cached`."""
    import pandas as pd

    digest = hashlib.sha256(repr(sorted((k, repr(v)) for k, v in params.items())).encode())
    for frame in frames:
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()
