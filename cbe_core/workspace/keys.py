"""Which stored row an imported row is: the key of each table, line numbers and duplicates.

An import appends with de-duplication. Every row of a canonical table is identified by its table's
**natural key** (:data:`KEYS`) plus its **line number**: its position among the rows of the same file
that share the natural key (1 for almost every row). The line number keeps apart rows a file lists
separately under one key: two lines of one order with the same SKU (a variant or a gift line),
two GA4 rows of one day, page and source split by a dimension the canonical table drops. A later
export of the same data lists them in the same order, so they meet their stored selves again.

Per table (columns missing from a file count as empty):

=============  =========================================================================================
table          natural key
=============  =========================================================================================
orders         order_id, sku, whether the line is a return (quantity < 0) (+ line number). Status,
               quantity, prices and costs are *content*: a later export where a line turned
               cancelled or refunded updates that line; a return line listed under the sale's order
               id stays a line of its own even in an export that no longer holds the sale.
traffic        date, date_end, sku, source (a period row and a daily row are different rows)
ads            date, date_end, campaign, sku
search_terms   date, date_end, campaign, ad_group, targeting, match_type, search_term, sku
products       sku
competitors    date, product_id (one snapshot per listing and day)
reviews        product_id, date, text (the text itself, hashed; a changed rating updates the review)
inventory      date, sku, warehouse
transactions   date, type, order_id, sku, description, total, settlement_id (a ledger line never
               changes; a corrected line is a new line)
rate_cards     service, mode, dest, band_max_kg
shipments      shipment_id (status and delivery date are content: a parcel delivered later updates)
=============  =========================================================================================

Duplicates: a row equal in every column (extra columns included) to an earlier row of the same
file is a **duplicate**: counted in the import report and stored once. Platforms merge identical
items into one line with a quantity, so an exact repeat is an export artefact (a file exported
twice into one sheet, two overlapping exports pasted together). Exception: ``transactions``, where
two identical ledger lines are two charges; they are kept (with line numbers 1 and 2). Note that
reading the same file as an upload keeps exact repeats, so a file with such rows gives slightly
different totals as an upload than from the workspace; the import report says how many.

Hashes are DuckDB's 64-bit ``hash()`` over the values (numbers compared as doubles, times as
timestamps), computed in a private in-memory DuckDB whatever the workspace's backend, so keys are the
same for the DuckDB file and a PostgreSQL team store. The key of a row is
``hash(natural key) XOR line_number_mix`` as a signed 64-bit integer (two different rows share a key
with probability about n^2 / 2^65: 3e-8 for a million rows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

KEYS: dict[str, tuple[str, ...]] = {
    "orders": ("order_id", "sku"),
    "traffic": ("date", "date_end", "sku", "source"),
    "ads": ("date", "date_end", "campaign", "sku"),
    "search_terms": ("date", "date_end", "campaign", "ad_group", "targeting", "match_type", "search_term",
                     "sku"),
    "products": ("sku",),
    "competitors": ("date", "product_id"),
    "reviews": ("product_id", "date", "text"),
    "inventory": ("date", "sku", "warehouse"),
    "transactions": ("date", "type", "order_id", "sku", "description", "total", "settlement_id"),
    "rate_cards": ("service", "mode", "dest", "band_max_kg"),
    "shipments": ("shipment_id",),
}
KEEP_EXACT_REPEATS = frozenset({"transactions"})
# key parts computed from a row (name -> function of the frame), hashed with the natural key
DERIVED_KEYS = {"orders": {"__return_line": lambda f: f["quantity"].fillna(0) < 0}}
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio constant: spreads line numbers over 64 bits


@dataclass(frozen=True)
class Prepared:
    """An incoming frame ready to merge: ``data`` (Arrow, the kept rows plus ``_key``),
    ``rows_in`` (rows of the frame) and ``duplicates`` (exact repeats left out)."""

    data: pa.Table
    rows_in: int
    duplicates: int


def _hash_expr(name: str | None, arrow_type: pa.DataType | None) -> str:
    """SQL for one value in a hash: numbers as DOUBLE, times as TIMESTAMP, the rest as they are."""
    if name is None:
        return "NULL::VARCHAR"
    col = '"' + name.replace('"', '""') + '"'
    if arrow_type is not None and (pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type)
                                   or pa.types.is_boolean(arrow_type)):
        return f"CAST({col} AS DOUBLE)"
    if arrow_type is not None and pa.types.is_timestamp(arrow_type):
        return f"CAST({col} AS TIMESTAMP)"
    if arrow_type is not None and pa.types.is_date(arrow_type):
        return f"CAST({col} AS TIMESTAMP)"
    return col


def row_hashes(data: pa.Table, key_columns: tuple[str, ...],
               derived: dict[str, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(hash of the natural key and ``derived`` parts, hash of the whole row) per row, as uint64
    arrays in row order."""
    import duckdb

    types = {f.name: f.type for f in data.schema}
    row_sql = ", ".join(_hash_expr(c, types[c]) for c in sorted(types))
    for name, values in (derived or {}).items():
        data = data.append_column(name, pa.array(values))
        types[name] = data.schema.field(name).type
    key_sql = ", ".join(_hash_expr(c if c in types else None, types.get(c))
                        for c in (*key_columns, *(derived or {})))
    con = duckdb.connect()
    try:
        con.register("incoming", data)
        out = con.sql(f"SELECT hash({key_sql}) AS nk, hash({row_sql}) AS rh FROM incoming").to_arrow_table()
    finally:
        con.close()
    nk = out.column("nk").to_numpy().astype(np.uint64, copy=False)
    rh = out.column("rh").to_numpy().astype(np.uint64, copy=False)
    return nk, rh


def occurrence(values: np.ndarray) -> np.ndarray:
    """For each element, how many equal elements come before it (0 for the first of each value), in
    array order: one stable sort, no Python loop."""
    n = len(values)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    idx = np.arange(n)
    starts = np.ones(n, dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    run_start = np.maximum.accumulate(np.where(starts, idx, 0))
    out = np.empty(n, dtype=np.int64)
    out[order] = idx - run_start
    return out


def prepare(frame: pd.DataFrame, table: str) -> Prepared:
    """Drop exact repeats (except :data:`KEEP_EXACT_REPEATS`), number the lines within each natural
    key and add the signed 64-bit ``_key`` and ``_rh`` (hash of the whole row) columns (see the
    module docstring)."""
    data = pa.Table.from_pandas(frame, preserve_index=False)
    data = data.replace_schema_metadata(None)
    n = data.num_rows
    if n == 0:
        empty = pa.array([], pa.int64())
        return Prepared(data.append_column("_key", empty).append_column("_rh", empty), 0, 0)
    derived = {name: np.asarray(fn(frame), dtype=bool) for name, fn in DERIVED_KEYS.get(table, {}).items()}
    nk, rh = row_hashes(data, KEYS[table], derived)
    # the row hash covers every column (the key's too), so equal row hashes are exact repeats
    dup = np.zeros(n, dtype=bool) if table in KEEP_EXACT_REPEATS else occurrence(rh) > 0
    if dup.any():
        keep = ~dup
        data = data.filter(pa.array(keep))
        nk, rh = nk[keep], rh[keep]
    line = occurrence(nk).astype(np.uint64)
    with np.errstate(over="ignore"):
        key = (nk ^ (line * _MIX)).view(np.int64)
    data = data.append_column("_key", pa.array(key, pa.int64()))
    data = data.append_column("_rh", pa.array(rh.view(np.int64), pa.int64()))
    return Prepared(data, n, int(dup.sum()))
