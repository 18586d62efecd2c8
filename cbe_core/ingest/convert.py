"""Text columns to their schema kinds, once per column: the CSV parser's typed fast path, the per-kind
conversion, float-looking ids, extra columns and the final dtypes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .parse import _pct_scale, _sample, _to_bool, _to_datetime, _to_number

if TYPE_CHECKING:
    from .report import _Acc


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


def _convert(arr: pa.ChunkedArray, kind: str, delimiter, acc: _Acc, name: str, currency_sink=None):
    """Text column -> (values in the schema kind, mask of unreadable non-empty values).

    Money columns whose cells name a currency (``€ 1.234,56``) append ``(codes, strong)`` to
    ``currency_sink`` (see :func:`.parse._to_number`)."""
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
        vals, bad, codes, strong = _to_number(arr, kind, delimiter, acc)
        if codes is not None and kind == "money" and currency_sink is not None:
            currency_sink.append((codes, strong))
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


_ID_LIKE = re.compile(
    r"(?i)(\bid\b|-id\b|_id\b|zip|postal|post code|phone|code|number|no\.?$|编号|号|asin|sku)"
)


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
