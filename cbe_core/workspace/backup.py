"""A store as a folder: one Parquet file per table plus ``manifest.json`` (backup, moving machines,
sending to a colleague), and back.

``manifest.json``::

    {"format": "cbe-store", "format_version": 1, "store": "Amazon US", "exported_at": "...",
     "tables": {"orders": {"file": "orders.parquet", "rows": 1234, "sha256": "...",
                           "columns": [{"name": "order_id", "kind": "id"}, ...]}, ...},
     "imports": [{"table_name": ..., "file_name": ..., "file_sha256": ..., "imported_at": ..., ...}],
     "reviews": [{"done_at": ..., "week": ..., "period_start": ..., "findings": [...], ...}]}

Each Parquet file keeps the rows' ``_key`` (and ``_rh``) column, so de-duplication goes on exactly
as before after the move (keys depend on the files the rows came from, not only on the rows). The
manifest is written last: a folder without one is an unfinished export and is refused; a file whose
SHA-256 differs from the manifest is refused too (``ws.err.backup_corrupt``). Importing is one
transaction.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .backend import WorkspaceError, ident

FORMAT = "cbe-store"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def export_store(ws, name: str, folder) -> dict:
    from .store import _sql_table

    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise WorkspaceError("ws.err.export_not_empty", folder=str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    manifest: dict = {"format": FORMAT, "format_version": FORMAT_VERSION, "exported_at":
                      datetime.now().replace(microsecond=0).isoformat(), "tables": {}}
    with ws._db(write=False) as db:
        info = ws._store(db, name)
        manifest["store"] = info.name
        for table in ws._tables_of(db, info.store_id):
            cols = ws._columns(db, info.store_id, table)
            select = ", ".join(ident(c[1]) for c in cols)
            source = ident(_sql_table(info.store_id, table))
            data = db.query_arrow(f"SELECT _key, _rh, {select} FROM {source}")
            data = data.rename_columns(["_key", "_rh"] + [c[0] for c in cols])
            path = folder / f"{table}.parquet"
            pq.write_table(data, path, compression="zstd")
            manifest["tables"][table] = {"file": path.name, "rows": data.num_rows, "sha256": _sha256(path),
                                         "columns": [{"name": c[0], "kind": c[2]} for c in cols]}
        imports = db.query_arrow(
            "SELECT table_name, file_name, file_sha256, imported_at, rows_in_file, added, updated, "
            "unchanged, duplicates, report_json FROM cbe_imports WHERE store_id = ? ORDER BY import_id",
            [info.store_id]).to_pylist()
    manifest["imports"] = imports
    manifest["reviews"] = [{**r, "review_id": None} for r in reversed(ws.reviews(info.name))]
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, default=str),
                                   encoding="utf-8")
    return manifest


def read_manifest(folder) -> dict:
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise WorkspaceError("ws.err.no_manifest", folder=str(folder))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WorkspaceError("ws.err.backup_corrupt", folder=str(folder), file=MANIFEST) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise WorkspaceError("ws.err.no_manifest", folder=str(folder))
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise WorkspaceError("ws.err.backup_newer", folder=str(folder),
                             found=manifest.get("format_version"), supported=FORMAT_VERSION)
    for table, entry in manifest.get("tables", {}).items():
        file = folder / str(entry.get("file", ""))
        if not file.is_file() or _sha256(file) != entry.get("sha256"):
            raise WorkspaceError("ws.err.backup_corrupt", folder=str(folder),
                                 file=str(entry.get("file", table)))
    return manifest


def import_store(ws, folder, name: str | None = None):
    from .. import schema
    from .store import (
        _ARROW,
        DERIVED,
        INTERNAL_COLUMNS,
        _bump,
        _cast,
        _next_id,
        _now,
        _set_meta,
        _sql_table,
        check_store_name,
    )

    folder = Path(folder)
    manifest = read_manifest(folder)
    target = check_store_name(name or manifest.get("store") or folder.name)
    with ws._db(write=True) as db, db.transaction():
        if any(s.name.casefold() == target.casefold() for s in ws._stores(db)):
            raise WorkspaceError("ws.err.store_exists", store=target)
        info = ws._store(db, target, create=True)
        history = manifest.get("imports", [])
        first_id = _next_id(db, "cbe_imports", "import_id")
        for i, imp in enumerate(history):
            db.execute("INSERT INTO cbe_imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [first_id + i, info.store_id, imp["table_name"], imp["file_name"],
                        imp.get("file_sha256"), pd.Timestamp(imp["imported_at"]).to_pydatetime(),
                        imp["rows_in_file"], imp["added"], imp["updated"], imp["unchanged"],
                        imp["duplicates"], imp.get("report_json")])
        restore_id = first_id + len(history)
        for table, entry in manifest.get("tables", {}).items():
            schema.get_table(table)
            data = pq.read_table(folder / entry["file"])
            arrays, names, defs = [data.column("_key").cast(pa.int64())], ["_key"], []
            if "_rh" in data.column_names:
                arrays.append(data.column("_rh").cast(pa.int64()))
                names.append("_rh")
            for pos, col in enumerate(entry["columns"], start=1):
                canon = col["name"] in schema.get_table(table).names or col["name"] in DERIVED
                sql_name = col["name"] if canon else f"x{pos}"
                kind = col["kind"]
                db.execute("INSERT INTO cbe_columns VALUES (?, ?, ?, ?, ?, ?)",
                           [info.store_id, table, pos, col["name"], sql_name, kind])
                arrays.append(_cast(data.column(col["name"]), _ARROW[kind]))
                names.append(sql_name)
                defs.append(f"{ident(sql_name)} {db.sql_type(kind)}")
            arrays.append(pa.array(np.full(data.num_rows, restore_id), pa.int64()))
            names.append("_import_id")
            db.execute(f"CREATE TABLE {ident(_sql_table(info.store_id, table))} "
                       f"({INTERNAL_COLUMNS}, {', '.join(defs)})")
            db.insert_arrow(_sql_table(info.store_id, table), pa.Table.from_arrays(arrays, names=names))
        rows = sum(int(e.get("rows", 0)) for e in manifest.get("tables", {}).values())
        db.execute("INSERT INTO cbe_imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [restore_id, info.store_id, "*", f"{folder.name}/{MANIFEST}", _sha256(folder / MANIFEST),
                    _now(), rows, rows, 0, 0, 0, None])
        rid = _next_id(db, "cbe_reviews", "review_id")
        for i, rev in enumerate(manifest.get("reviews", [])):
            db.execute("INSERT INTO cbe_reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [rid + i, info.store_id, pd.Timestamp(rev["done_at"]).to_pydatetime(), rev.get("week"),
                        pd.Timestamp(rev["period_start"]).to_pydatetime(),
                        pd.Timestamp(rev["period_end"]).to_pydatetime(),
                        json.dumps(rev.get("findings", []), default=str),
                        json.dumps(rev.get("summary", {}), default=str)])
        _bump(db, info.store_id)
        _set_meta(db, "last_store", str(info.store_id))
    return ws.store(target)
