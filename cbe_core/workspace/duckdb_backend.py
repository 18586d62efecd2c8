"""The local workspace: one embedded DuckDB file, no server.

DuckDB lets one process at a time open a file for writing (it takes an OS lock on the file; another
process gets "Could not set lock on file ... Conflicting lock is held in ... (PID n)"). So a workspace
is opened for each operation and closed right after it, never held open between page runs, and
:func:`connect` waits for a lock held by another process (the app and a cron job importing at the same
time), retrying until ``timeout`` seconds have passed, then raises a clear ``ws.err.locked``. Inside
one process the connections share DuckDB's database instance; :mod:`.store` serialises writers with a
lock per file. A crash or ``kill -9`` in the middle of a transaction leaves the file as it was at the
last commit (DuckDB's write-ahead log replays committed transactions only).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from .backend import SQL_TYPES, WorkspaceError, failpoint, ident

LOCK_TIMEOUT = 20.0  # seconds to wait for another process's lock (CBE_WORKSPACE_TIMEOUT overrides)


def classify(exc: BaseException, path: str) -> WorkspaceError | None:
    """A DuckDB error opening ``path`` as a :class:`WorkspaceError` with a catalog key, or None when
    it is none of the known file faults."""
    text = str(exc)
    low = text.lower()
    if "could not set lock" in low or "conflicting lock" in low:
        return WorkspaceError("ws.err.locked", path=path, detail=_holder(text))
    if "version number" in low or "newer version" in low or "storage version" in low:
        return WorkspaceError("ws.err.newer_duckdb", path=path, detail=text.splitlines()[0][:200])
    if ("not a valid duckdb database" in low or "corrupt" in low or "checksum" in low
            or "serializ" in low or ("invalid" in low and "database file" in low)):
        return WorkspaceError("ws.err.corrupt", path=path, detail=text.splitlines()[0][:200])
    if isinstance(exc, PermissionError) or "permission denied" in low:
        return WorkspaceError("ws.err.permission", path=path)
    return None


def _holder(text: str) -> str:
    """'(PID 123)' from DuckDB's lock message, or ''."""
    import re

    m = re.search(r"\(PID (\d+)\)", text)
    return f"PID {m.group(1)}" if m else ""


class DuckDBBackend:
    """A :class:`~cbe_core.workspace.backend.Backend` over one DuckDB connection."""

    name = "duckdb"

    def __init__(self, con, path: str) -> None:
        self._con = con
        self.location = path
        self._staged: set[str] = set()

    # -- Backend ----------------------------------------------------------------------------------
    def sql_type(self, kind: str) -> str:
        return SQL_TYPES[kind]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._con.execute(sql, list(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self._con.execute(sql, list(params)).fetchall()

    def query_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        return self._con.sql(sql, params=list(params) if params else None).to_arrow_table()

    def stage(self, name: str, data: pa.Table) -> None:
        self._con.register(name, data)
        self._staged.add(name)

    def unstage(self, name: str) -> None:
        if name in self._staged:
            self._con.unregister(name)
            self._staged.discard(name)

    def insert_arrow(self, table: str, data: pa.Table) -> None:
        name = "_cbe_insert"
        self._con.register(name, data)
        try:
            cols = ", ".join(ident(c) for c in data.column_names)
            self._con.execute(f"INSERT INTO {ident(table)} ({cols}) SELECT {cols} FROM {name}")
        finally:
            self._con.unregister(name)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self._con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            with contextlib.suppress(Exception):
                self._con.execute("ROLLBACK")
            raise
        self._con.execute("COMMIT")

    def tables(self) -> set[str]:
        rows = self._con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'").fetchall()
        return {r[0] for r in rows}

    def close(self) -> None:
        for name in list(self._staged):
            self.unstage(name)
        self._con.close()


def connect(path: str | Path, *, create: bool, timeout: float | None = None) -> DuckDBBackend:
    """Open the workspace file at ``path`` (created when ``create`` and missing), waiting up to
    ``timeout`` seconds (default :data:`LOCK_TIMEOUT`, or ``CBE_WORKSPACE_TIMEOUT``) for another
    process's lock. Raises :class:`WorkspaceError` (``ws.err.*``) for a missing, locked, corrupt or
    newer-version file."""
    import os

    import duckdb

    path = Path(path)
    shown = str(path)
    if not path.exists() and not create:
        raise WorkspaceError("ws.err.missing", path=shown)
    if timeout is None:
        timeout = float(os.environ.get("CBE_WORKSPACE_TIMEOUT", LOCK_TIMEOUT))
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceError("ws.err.permission", path=shown) from exc
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except (duckdb.Error, OSError) as exc:
            err = classify(exc, shown)
            if err is None:
                detail = str(exc).splitlines()[0][:200]
                raise WorkspaceError("ws.err.open", path=shown, detail=detail) from exc
            if err.key != "ws.err.locked" or time.monotonic() >= deadline:
                raise err from exc
            failpoint("lock_wait", block=False)
        # another process holds the file: poll until it lets go (bounded by the deadline)
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 0.5)
    return DuckDBBackend(con, shown)
