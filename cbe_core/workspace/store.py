"""A seller's workspace: named stores, their canonical tables, import history and review marks.

:class:`Workspace` is the whole public surface. Every method opens the database, does one thing and
closes it (see :mod:`.duckdb_backend` for why); every change is one transaction, so a crash half-way
leaves the workspace as it was. Writers inside one process are serialised by a lock per file; writers
in different processes by the database's own lock (DuckDB: one writing process at a time, the others
wait up to ``timeout`` seconds and then get ``ws.err.locked``).

Tables of the database (all names made here; seller text is only ever a value):

- ``cbe_meta(name, value)``: ``schema_version``, ``created_at``, ``last_store``;
- ``cbe_stores(store_id, name, created_at, version)``: ``version`` goes up with every change, so
  caches can key on it;
- ``cbe_columns(store_id, table_name, position, name, sql_name, kind)``: the columns of each stored
  table; canonical columns keep their names, a file's own extra columns become ``x1, x2...`` (their
  header is the ``name``);
- ``cbe_imports(import_id, store_id, table_name, file_name, file_sha256, imported_at, rows_in_file,
  added, updated, unchanged, duplicates, report_json)``: one row per import, with its load report;
- ``cbe_reviews(review_id, store_id, done_at, week, period_start, period_end, findings_json,
  summary_json)``: the weekly review marks;
- ``s<store_id>_<table>``: the rows, in canonical form, plus ``_key`` and ``_rh`` (the row's key and
  the hash of its content, :mod:`.keys`) and ``_import_id`` (the import that last added or changed
  the row).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from .. import schema
from . import keys
from .backend import Backend, WorkspaceError, failpoint, ident
from .paths import resolve_path

SCHEMA_VERSION = 1
DERIVED = {"cancelled": "bool", "date_end": "date"}  # columns the reader adds beyond the schema
DATE_COLUMNS = {"orders": ("order_date", "order_date"), "traffic": ("date", "date_end"),
                "ads": ("date", "date_end"), "search_terms": ("date", "date_end"),
                "competitors": ("date", "date"), "reviews": ("date", "date"), "inventory": ("date", "date"),
                "transactions": ("date", "date"), "shipments": ("ship_date", "ship_date")}
MAX_NAME = 80
INTERNAL_COLUMNS = "_key BIGINT NOT NULL, _rh BIGINT, _import_id BIGINT"  # first columns of a data table
_ARROW = {"id": pa.large_string(), "text": pa.large_string(), "category": pa.large_string(),
          "datetime": pa.timestamp("ns"), "date": pa.timestamp("ns"), "int": pa.int64(),
          "float": pa.float64(), "money": pa.float64(), "pct": pa.float64(), "bool": pa.bool_()}
_WRITE_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()

_DDL = (
    "CREATE TABLE cbe_meta (name VARCHAR PRIMARY KEY, value VARCHAR)",
    "CREATE TABLE cbe_stores (store_id BIGINT PRIMARY KEY, name VARCHAR NOT NULL, created_at TIMESTAMP, "
    "version BIGINT NOT NULL)",
    "CREATE TABLE cbe_columns (store_id BIGINT, table_name VARCHAR, position BIGINT, name VARCHAR, "
    "sql_name VARCHAR, kind VARCHAR)",
    "CREATE TABLE cbe_imports (import_id BIGINT PRIMARY KEY, store_id BIGINT, table_name VARCHAR, "
    "file_name VARCHAR, file_sha256 VARCHAR, imported_at TIMESTAMP, rows_in_file BIGINT, added BIGINT, "
    "updated BIGINT, unchanged BIGINT, duplicates BIGINT, report_json VARCHAR)",
    "CREATE TABLE cbe_reviews (review_id BIGINT PRIMARY KEY, store_id BIGINT, done_at TIMESTAMP, "
    "week VARCHAR, period_start TIMESTAMP, period_end TIMESTAMP, findings_json VARCHAR, "
    "summary_json VARCHAR)",
)


@dataclass(frozen=True)
class StoreInfo:
    store_id: int
    name: str
    created_at: datetime | None
    version: int


@dataclass(frozen=True)
class TableInfo:
    """One stored table: rows, first/last day (None for undated tables), last import time and file."""

    table: str
    rows: int
    first_date: pd.Timestamp | None
    last_date: pd.Timestamp | None
    last_import: datetime | None
    last_file: str | None
    imports: int


@dataclass(frozen=True)
class StoreSummary:
    store: StoreInfo
    tables: tuple[TableInfo, ...]

    @property
    def last_import(self) -> datetime | None:
        times = [t.last_import for t in self.tables if t.last_import is not None]
        return max(times) if times else None

    def table(self, name: str) -> TableInfo | None:
        return next((t for t in self.tables if t.table == name), None)


@dataclass(frozen=True)
class Overview:
    """Everything a page shows about the workspace, read in one go: the stores, the last store,
    the store in use (``wanted`` when it exists, else the last store) and its summary."""

    stores: tuple[StoreInfo, ...]
    last_store: str | None
    current: str | None
    summary: StoreSummary | None


@dataclass(frozen=True)
class ImportResult:
    """What an import did. ``rows_in_file`` = rows the reader loaded; ``added + updated + unchanged +
    duplicates == rows_in_file``."""

    store: str
    table: str
    file: str
    sha256: str | None
    rows_in_file: int
    added: int
    updated: int
    unchanged: int
    duplicates: int
    import_id: int
    report: object = field(default=None, compare=False)  # cbe_core.ingest.LoadReport or None

    def to_dict(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if k != "report"}
        if self.report is not None:
            d["load_report"] = self.report.to_dict()
        return d


def _write_lock(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(str(path.resolve()), threading.Lock())


def _kind_of(name: str, table: str, arrow_type: pa.DataType) -> str:
    tab = schema.get_table(table)
    if name in tab.names:
        return tab.column(name).kind
    if name in DERIVED:
        return DERIVED[name]
    if pa.types.is_boolean(arrow_type):
        return "bool"
    if pa.types.is_integer(arrow_type):
        return "int"
    if pa.types.is_floating(arrow_type):
        return "float"
    if pa.types.is_timestamp(arrow_type) or pa.types.is_date(arrow_type):
        return "datetime"
    return "text"


def _widen(old: str, new: str) -> str:
    """The kind that holds both: numbers widen to float, anything else to text."""
    if old == new or (old in ("float", "money", "pct") and new in ("int", "float", "money", "pct", "bool")):
        return old
    numeric = {"int", "float", "money", "pct", "bool"}
    return "float" if old in numeric and new in numeric else "text"


def restore_types(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    """The canonical dtypes of :mod:`cbe_core.schema` for a frame read back from the database."""
    for c, kind in kinds.items():
        if c not in frame.columns:
            continue
        s = frame[c]
        if kind == "int":
            if s.isna().any():
                if s.dtype != "Int64":
                    frame[c] = s.astype("Int64")
            elif s.dtype != "int64":
                frame[c] = s.astype("int64")
        elif kind in ("float", "money", "pct") and s.dtype != "float64":
            frame[c] = s.astype("float64")
        elif kind in ("date", "datetime") and s.dtype != "datetime64[ns]":
            frame[c] = s.astype("datetime64[ns]")
        elif kind in ("id", "text", "category") and s.dtype != "str":
            frame[c] = s.astype("str")
        elif kind == "bool" and s.dtype != bool and not s.isna().any():
            frame[c] = s.astype(bool)
    return frame


def check_store_name(name: str) -> str:
    """A store name trimmed; refused when empty, longer than 80 characters or with control characters."""
    clean = " ".join(str(name or "").split())
    if not clean or len(clean) > MAX_NAME or any(ord(ch) < 32 for ch in str(name or "").strip("\n\r\t ")):
        raise WorkspaceError("ws.err.bad_name", name=str(name)[:100], max=MAX_NAME)
    return clean


class Workspace:
    """The seller's stores in one database (see the module docstring).

    ``path``: the workspace file (default: :func:`~cbe_core.workspace.paths.resolve_path`);
    ``timeout``: seconds to wait for another process's lock; ``connect``: a function
    ``(path, create=bool, timeout=float) -> Backend`` (default: the DuckDB backend).
    """

    def __init__(self, path: str | Path | None = None, *, timeout: float | None = None, connect=None) -> None:
        self.path = resolve_path(path)
        self.timeout = timeout
        if connect is None:
            from .duckdb_backend import connect as _duck

            connect = _duck
        self._connect = connect

    # ------------------------------------------------------------------------------ connection
    @property
    def exists(self) -> bool:
        return self.path.exists()

    @contextlib.contextmanager
    def _db(self, write: bool) -> Iterator[Backend]:
        guard = _write_lock(self.path) if write else contextlib.nullcontext()
        with guard:
            db = self._connect(self.path, create=write, timeout=self.timeout)
            try:
                self._check_schema(db, write)
                yield db
            finally:
                db.close()

    def _check_schema(self, db: Backend, write: bool) -> None:
        tables = db.tables()
        if "cbe_meta" not in tables:
            if tables:
                raise WorkspaceError("ws.err.foreign", path=str(self.path))
            if write:
                with db.transaction():
                    for stmt in _DDL:
                        db.execute(stmt)
                    db.execute("INSERT INTO cbe_meta VALUES (?, ?), (?, ?)",
                               ["schema_version", str(SCHEMA_VERSION), "created_at", _now().isoformat()])
            return
        rows = db.query("SELECT value FROM cbe_meta WHERE name = 'schema_version'")
        found = int(rows[0][0]) if rows else 0
        if found > SCHEMA_VERSION:
            raise WorkspaceError("ws.err.newer_app", path=str(self.path), found=found,
                                 supported=SCHEMA_VERSION)

    def check(self) -> None:
        """Open the workspace once (read-only use) and raise its fault, if any. A missing file is fine."""
        if self.exists:
            with self._db(write=False):
                pass

    # ------------------------------------------------------------------------------ stores
    @staticmethod
    def _stores(db: Backend) -> list[StoreInfo]:
        if "cbe_stores" not in db.tables():
            return []
        rows = db.query("SELECT store_id, name, created_at, version FROM cbe_stores ORDER BY store_id")
        return [StoreInfo(int(r[0]), r[1], r[2], int(r[3])) for r in rows]

    def _store(self, db: Backend, name: str, *, create: bool = False) -> StoreInfo:
        wanted = " ".join(str(name or "").split()).casefold()
        for s in self._stores(db):
            if s.name.casefold() == wanted:
                return s
        if not create:
            raise WorkspaceError("ws.err.no_store", store=str(name), stores=", ".join(
                s.name for s in self._stores(db)) or "-")
        clean = check_store_name(name)
        sid = _next_id(db, "cbe_stores", "store_id")
        db.execute("INSERT INTO cbe_stores VALUES (?, ?, ?, ?)", [sid, clean, _now(), 1])
        return StoreInfo(sid, clean, _now(), 1)

    def stores(self) -> list[StoreInfo]:
        """The stores, oldest first ([] when the workspace file does not exist yet)."""
        if not self.exists:
            return []
        with self._db(write=False) as db:
            return self._stores(db)

    def store(self, name: str) -> StoreInfo:
        with self._db(write=False) as db:
            return self._store(db, name)

    def create_store(self, name: str) -> StoreInfo:
        clean = check_store_name(name)
        with self._db(write=True) as db, db.transaction():
            if any(s.name.casefold() == clean.casefold() for s in self._stores(db)):
                raise WorkspaceError("ws.err.store_exists", store=clean)
            info = self._store(db, clean, create=True)
            _set_meta(db, "last_store", str(info.store_id))
            return info

    def rename_store(self, name: str, new_name: str) -> StoreInfo:
        clean = check_store_name(new_name)
        with self._db(write=True) as db, db.transaction():
            info = self._store(db, name)
            if any(s.name.casefold() == clean.casefold() and s.store_id != info.store_id
                   for s in self._stores(db)):
                raise WorkspaceError("ws.err.store_exists", store=clean)
            db.execute("UPDATE cbe_stores SET name = ?, version = version + 1 WHERE store_id = ?",
                       [clean, info.store_id])
            return StoreInfo(info.store_id, clean, info.created_at, info.version + 1)

    def delete_store(self, name: str) -> None:
        with self._db(write=True) as db, db.transaction():
            info = self._store(db, name)
            for table in self._tables_of(db, info.store_id):
                db.execute(f"DROP TABLE {ident(_sql_table(info.store_id, table))}")
            for meta in ("cbe_columns", "cbe_imports", "cbe_reviews", "cbe_stores"):
                db.execute(f"DELETE FROM {meta} WHERE store_id = ?", [info.store_id])
            if _get_meta(db, "last_store") == str(info.store_id):
                db.execute("DELETE FROM cbe_meta WHERE name = 'last_store'")

    def delete_table(self, name: str, table: str) -> None:
        """Remove one table of a store (its rows, columns and import history)."""
        schema.get_table(table)
        with self._db(write=True) as db, db.transaction():
            info = self._store(db, name)
            if table not in self._tables_of(db, info.store_id):
                raise WorkspaceError("ws.err.no_table", store=info.name, table=table)
            db.execute(f"DROP TABLE {ident(_sql_table(info.store_id, table))}")
            for meta in ("cbe_columns", "cbe_imports"):
                db.execute(f"DELETE FROM {meta} WHERE store_id = ? AND table_name = ?",
                           [info.store_id, table])
            _bump(db, info.store_id)

    def last_store(self) -> str | None:
        """The store opened or changed last (the app restores it), or None."""
        if not self.exists:
            return None
        with self._db(write=False) as db:
            if "cbe_meta" not in db.tables():
                return None
            sid = _get_meta(db, "last_store")
            stores = self._stores(db)
            hit = [s.name for s in stores if str(s.store_id) == sid]
            return hit[0] if hit else (stores[-1].name if stores else None)

    def set_last_store(self, name: str) -> None:
        with self._db(write=True) as db, db.transaction():
            _set_meta(db, "last_store", str(self._store(db, name).store_id))

    # ------------------------------------------------------------------------------ reading
    @staticmethod
    def _tables_of(db: Backend, store_id: int) -> list[str]:
        rows = db.query("SELECT DISTINCT table_name FROM cbe_columns WHERE store_id = ?", [store_id])
        present = db.tables()
        return [t for t in schema.TABLES if (t,) in rows and _sql_table(store_id, t) in present]

    @staticmethod
    def _columns(db: Backend, store_id: int, table: str) -> list[tuple[str, str, str]]:
        """(name, sql_name, kind) of a stored table, in order."""
        rows = db.query("SELECT name, sql_name, kind FROM cbe_columns WHERE store_id = ? AND table_name = ? "
                        "ORDER BY position", [store_id, table])
        return [(r[0], r[1], r[2]) for r in rows]

    def overview(self, wanted: str | None = None) -> Overview:
        """The stores, the last store and the summary of ``wanted`` (else the last store), with one
        opening of the database (pages call this once per run)."""
        if not self.exists:
            return Overview((), None, None, None)
        with self._db(write=False) as db:
            stores = tuple(self._stores(db))
            sid = _get_meta(db, "last_store") if "cbe_meta" in db.tables() else None
            fallback = stores[-1].name if stores else None
            last = next((s.name for s in stores if str(s.store_id) == sid), fallback)
            names = {s.name for s in stores}
            current = wanted if wanted in names else last
            summary = self._summary(db, self._store(db, current)) if current else None
        return Overview(stores, last, current, summary)

    def summary(self, name: str) -> StoreSummary:
        """What a store holds: per table rows, date range and last import."""
        with self._db(write=False) as db:
            return self._summary(db, self._store(db, name))

    def _summary(self, db: Backend, info: StoreInfo) -> StoreSummary:
        out = []
        for table in self._tables_of(db, info.store_id):
            tbl = ident(_sql_table(info.store_id, table))
            cols = {c[0] for c in self._columns(db, info.store_id, table)}
            d0, d1 = DATE_COLUMNS.get(table, (None, None))
            if d0 in cols:
                d1 = d1 if d1 in cols else d0
                n, lo, hi = db.query(f"SELECT count(*), min({ident(d0)}), max({ident(d1)}) FROM {tbl}")[0]
            else:
                n, lo, hi = db.query(f"SELECT count(*) FROM {tbl}")[0][0], None, None
            last = db.query("SELECT imported_at, file_name, n FROM (SELECT imported_at, file_name, "
                            "import_id, count(*) OVER () AS n FROM cbe_imports WHERE store_id = ? "
                            "AND table_name = ?) AS i ORDER BY import_id DESC LIMIT 1",
                            [info.store_id, table])
            out.append(TableInfo(table, int(n), _ts(lo), _ts(hi), last[0][0] if last else None,
                                 last[0][1] if last else None, int(last[0][2]) if last else 0))
        return StoreSummary(info, tuple(out))

    def version(self, name: str) -> int:
        """A number that changes whenever the store changes (for cache keys)."""
        return self.store(name).version

    def load(self, name: str, tables: tuple[str, ...] | None = None) -> dict[str, pd.DataFrame]:
        """The store's tables as canonical frames (table -> frame), optionally only ``tables``."""
        with self._db(write=False) as db:
            info = self._store(db, name)
            out = {}
            for table in self._tables_of(db, info.store_id):
                if tables is not None and table not in tables:
                    continue
                out[table] = self._read(db, info.store_id, table)
            return out

    def _read(self, db: Backend, store_id: int, table: str, with_key: bool = False) -> pd.DataFrame:
        cols = self._columns(db, store_id, table)
        select = ", ".join(ident(c[1]) for c in cols) + (", _key" if with_key else "")
        data = db.query_arrow(f"SELECT {select} FROM {ident(_sql_table(store_id, table))}")
        data = data.rename_columns([c[0] for c in cols] + (["_key"] if with_key else []))
        frame = data.to_pandas(coerce_temporal_nanoseconds=True)
        return restore_types(frame, {c[0]: c[2] for c in cols})

    def imports(self, name: str) -> pd.DataFrame:
        """The store's import history, newest first."""
        with self._db(write=False) as db:
            info = self._store(db, name)
            data = db.query_arrow(
                "SELECT import_id, table_name, file_name, file_sha256, imported_at, rows_in_file, added, "
                "updated, unchanged, duplicates FROM cbe_imports WHERE store_id = ? ORDER BY import_id DESC",
                [info.store_id])
            return data.to_pandas(coerce_temporal_nanoseconds=True)

    # ------------------------------------------------------------------------------ importing
    def import_file(self, name: str, table: str, source, *, filename: str | None = None,
                    mapping: dict | None = None, period=None) -> ImportResult:
        """Read ``source`` (path or bytes) with :func:`cbe_core.ingest.read_table` and import it."""
        from ..ingest import read_table

        if isinstance(source, (bytes, bytearray)):
            data = bytes(source)
            fname = filename or "upload"
        else:
            data = Path(source).read_bytes()
            fname = filename or Path(source).name
        frame, report = read_table(data, table, filename=fname, mapping=mapping, period=period)
        return self.import_frame(name, table, frame, file_name=fname,
                                 sha256=hashlib.sha256(data).hexdigest(), report=report)

    def import_frame(self, name: str, table: str, frame: pd.DataFrame, *, file_name: str,
                     sha256: str | None = None, report=None) -> ImportResult:
        """Append a canonical ``frame`` to the store's ``table`` with de-duplication (:mod:`.keys`):
        new rows are added, rows whose content changed are updated, the rest are unchanged; exact
        repeats inside the frame are counted as duplicates. One transaction; the store is created
        when it does not exist."""
        schema.get_table(table)
        prep = keys.prepare(frame, table)
        with self._db(write=True) as db, db.transaction():
            info = self._store(db, name, create=True)
            import_id = _next_id(db, "cbe_imports", "import_id")
            data, content = self._conform(db, info.store_id, table, prep.data)
            data = data.append_column("_import_id", pa.array(np.full(data.num_rows, import_id), pa.int64()))
            added, updated = self._merge(db, info.store_id, table, data, content)
            failpoint("before_commit")
            unchanged = prep.rows_in - prep.duplicates - added - updated
            db.execute("INSERT INTO cbe_imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [import_id, info.store_id, table, str(file_name), sha256, _now(), prep.rows_in, added,
                        updated, unchanged, prep.duplicates,
                        json.dumps(report.to_dict(), default=str) if report is not None else None])
            _bump(db, info.store_id)
            _set_meta(db, "last_store", str(info.store_id))
        return ImportResult(info.name, table, str(file_name), sha256, prep.rows_in, added, updated, unchanged,
                            prep.duplicates, import_id, report)

    def _conform(self, db: Backend, store_id: int, table: str, data: pa.Table) -> tuple[pa.Table, list[str]]:
        """Rename ``data``'s columns to their SQL names, registering new columns (and widening a
        column whose values no longer fit its type); returns the table and its content columns."""
        known = {c[0]: (c[1], c[2]) for c in self._columns(db, store_id, table)}
        sql_table = _sql_table(store_id, table)
        exists = sql_table in db.tables()
        canon = set(schema.get_table(table).names) | set(DERIVED)
        position = len(known)
        arrays, names = [], []
        for fld in data.schema:
            if fld.name in ("_key", "_rh"):
                continue
            kind = _kind_of(fld.name, table, fld.type)
            if fld.name in known:
                sql_name, old = known[fld.name]
                wide = _widen(old, kind)
                if wide != old:
                    db.execute(f"ALTER TABLE {ident(sql_table)} ALTER COLUMN {ident(sql_name)} TYPE "
                               f"{db.sql_type(wide)}")
                    db.execute("UPDATE cbe_columns SET kind = ? WHERE store_id = ? AND table_name = ? "
                               "AND sql_name = ?", [wide, store_id, table, sql_name])
                kind = wide
            else:
                position += 1
                sql_name = fld.name if fld.name in canon else f"x{position}"
                db.execute("INSERT INTO cbe_columns VALUES (?, ?, ?, ?, ?, ?)",
                           [store_id, table, position, fld.name, sql_name, kind])
                if exists:
                    db.execute(f"ALTER TABLE {ident(sql_table)} ADD COLUMN {ident(sql_name)} "
                               f"{db.sql_type(kind)}")
                known[fld.name] = (sql_name, kind)
            arrays.append(_cast(data.column(fld.name), _ARROW[kind]))
            names.append(sql_name)
        content = list(names)
        for internal in ("_key", "_rh"):
            arrays.append(data.column(internal))
            names.append(internal)
        return pa.Table.from_arrays(arrays, names=names), content

    def _merge(self, db: Backend, store_id: int, table: str, data: pa.Table,
               content: list[str]) -> tuple[int, int]:
        sql_table = ident(_sql_table(store_id, table))
        if _sql_table(store_id, table) not in db.tables():
            cols = ", ".join(f"{ident(c)} {db.sql_type(k)}" for _, c, k in self._columns(db, store_id, table))
            db.execute(f"CREATE TABLE {sql_table} ({INTERNAL_COLUMNS}, {cols})")
            db.insert_arrow(_sql_table(store_id, table), data)
            return data.num_rows, 0
        db.stage("cbe_incoming", data)
        try:
            # equal row hashes: certainly unchanged; otherwise compare the file's columns one by one
            # (a row stored from a file with other columns has another hash but may be the same)
            full = " OR ".join(f"t.{ident(c)} IS DISTINCT FROM s.{ident(c)}" for c in content) or "FALSE"
            diff = f"t._rh IS DISTINCT FROM s._rh AND ({full})"
            added, updated = db.query(
                f"SELECT count(*) FILTER (WHERE t._key IS NULL), "
                f"count(*) FILTER (WHERE t._key IS NOT NULL AND ({diff})) "
                f"FROM cbe_incoming AS s LEFT JOIN {sql_table} AS t ON t._key = s._key")[0]
            if updated:
                sets = ", ".join(f"{ident(c)} = s.{ident(c)}" for c in [*content, "_rh", "_import_id"])
                db.execute(f"UPDATE {sql_table} AS t SET {sets} FROM cbe_incoming AS s "
                           f"WHERE t._key = s._key AND ({diff})")
            if added:
                cols = ", ".join(ident(c) for c in data.column_names)
                db.execute(f"INSERT INTO {sql_table} ({cols}) SELECT {cols} FROM cbe_incoming AS s "
                           f"WHERE NOT EXISTS (SELECT 1 FROM {sql_table} AS t WHERE t._key = s._key)")
        finally:
            db.unstage("cbe_incoming")
        return int(added), int(updated)

    # ------------------------------------------------------------------------------ reviews
    def record_review(self, name: str, *, week: str, period_start, period_end, findings: list[dict],
                      summary: dict, done_at: datetime | None = None) -> int:
        """Mark a weekly review done: stored with its date, period and findings; returns its id."""
        with self._db(write=True) as db, db.transaction():
            info = self._store(db, name)
            rid = _next_id(db, "cbe_reviews", "review_id")
            db.execute("INSERT INTO cbe_reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [rid, info.store_id, done_at or _now(), week,
                        pd.Timestamp(period_start).to_pydatetime(), pd.Timestamp(period_end).to_pydatetime(),
                        json.dumps(findings, default=str),
                        json.dumps(summary, default=str)])
            return rid  # the store's data did not change: its version (cache key) stays

    def reviews(self, name: str) -> list[dict]:
        """The store's review marks, newest first: ``review_id, done_at, week, period_start,
        period_end, findings (list of dicts), summary (dict)``."""
        with self._db(write=False) as db:
            info = self._store(db, name)
            rows = db.query("SELECT review_id, done_at, week, period_start, period_end, findings_json, "
                            "summary_json FROM cbe_reviews WHERE store_id = ? ORDER BY review_id DESC",
                            [info.store_id])
        return [{"review_id": int(r[0]), "done_at": r[1], "week": r[2], "period_start": pd.Timestamp(r[3]),
                 "period_end": pd.Timestamp(r[4]), "findings": json.loads(r[5] or "[]"),
                 "summary": json.loads(r[6] or "{}")} for r in rows]

    def last_review(self, name: str) -> dict | None:
        found = self.reviews(name)
        return found[0] if found else None

    # ------------------------------------------------------------------------------ backup
    def export_store(self, name: str, folder: str | Path) -> dict:
        """Write the store to ``folder``: one Parquet file per table and ``manifest.json``."""
        from .backup import export_store

        return export_store(self, name, folder)

    def import_store(self, folder: str | Path, name: str | None = None) -> StoreInfo:
        """Add the store saved in ``folder`` by :meth:`export_store` (as ``name`` when given)."""
        from .backup import import_store

        return import_store(self, folder, name)


# ---------------------------------------------------------------------------------------- helpers
def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _ts(value) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value)


def _sql_table(store_id: int, table: str) -> str:
    return f"s{int(store_id)}_{table}"


def _next_id(db: Backend, table: str, column: str) -> int:
    return int(db.query(f"SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}")[0][0])


def _bump(db: Backend, store_id: int) -> None:
    db.execute("UPDATE cbe_stores SET version = version + 1 WHERE store_id = ?", [store_id])


def _get_meta(db: Backend, key: str) -> str | None:
    rows = db.query("SELECT value FROM cbe_meta WHERE name = ?", [key])
    return rows[0][0] if rows else None


def _set_meta(db: Backend, key: str, value: str) -> None:
    db.execute("DELETE FROM cbe_meta WHERE name = ?", [key])
    db.execute("INSERT INTO cbe_meta VALUES (?, ?)", [key, value])


def _cast(column: pa.ChunkedArray, target: pa.DataType) -> pa.ChunkedArray:
    if column.type == target:
        return column
    if pa.types.is_timestamp(column.type) and pa.types.is_timestamp(target):
        return column.cast(target, safe=False)
    return column.cast(target)
