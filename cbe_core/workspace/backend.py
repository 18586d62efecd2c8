"""What a workspace needs from a database: the small :class:`Backend` interface.

The workspace logic (:mod:`.store`, :mod:`.merge`) is written once against this interface; a backend
only moves rows and runs SQL. :mod:`.duckdb_backend` is the local one (an embedded DuckDB file); a
PostgreSQL backend for teams implements the same methods (``stage`` and ``insert_arrow`` with COPY).

SQL conventions, so one text runs on both (DuckDB and PostgreSQL):

- placeholders are ``?`` (a PostgreSQL backend rewrites them to ``%s``);
- identifiers the workspace makes itself are lower-case ASCII (``s3_orders``, ``x7``) and are always
  quoted with :func:`ident`; names written by sellers (headers, store names) are never identifiers,
  only values;
- only portable statements: ``CREATE TABLE``, ``INSERT ... SELECT``, ``UPDATE ... FROM``,
  ``DELETE ... WHERE ... IN (SELECT ...)``, ``count(*) FILTER (WHERE ...)``, ``IS DISTINCT FROM``,
  ``ALTER TABLE ... ADD COLUMN``;
- column types come from :data:`SQL_TYPES` through :meth:`Backend.sql_type`.

Bulk transfer is Arrow both ways (``query_arrow``, ``stage``, ``insert_arrow``), never row by row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

import pyarrow as pa

from ..errors import DataError

# schema kind (cbe_core.schema.KINDS) -> portable SQL type (a backend may spell it its own way)
SQL_TYPES = {
    "id": "VARCHAR", "text": "VARCHAR", "category": "VARCHAR",
    "datetime": "TIMESTAMP", "date": "TIMESTAMP",
    "int": "BIGINT", "float": "DOUBLE", "money": "DOUBLE", "pct": "DOUBLE", "bool": "BOOLEAN",
}


class WorkspaceError(DataError):
    """A fault of the workspace file or database (locked, corrupt, newer version, missing store...).

    A :class:`~cbe_core.errors.DataError`, so pages and the command line show its catalog message;
    callers that can go on without the workspace (the app on uploads or the sample) catch this type.
    """


def ident(name: str) -> str:
    """``name`` quoted as an SQL identifier (``"x"``; a double quote inside is doubled)."""
    return '"' + str(name).replace('"', '""') + '"'


class Backend(Protocol):
    """One open connection to a workspace database. Not shared between threads."""

    name: str
    """``"duckdb"`` or ``"postgres"``."""
    location: str
    """What the seller sees as the workspace's place (a file path, or a database URL without password)."""

    def sql_type(self, kind: str) -> str:
        """The column type for a schema kind (:data:`SQL_TYPES`)."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement that returns no rows."""

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run one query and return its (small) result as tuples."""

    def query_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run one query and return its result as an Arrow table (bulk reads)."""

    def stage(self, name: str, data: pa.Table) -> None:
        """Make ``data`` queryable as the relation ``name`` until :meth:`unstage` (temporary)."""

    def unstage(self, name: str) -> None:
        """Drop a relation made by :meth:`stage`."""

    def insert_arrow(self, table: str, data: pa.Table) -> None:
        """Append ``data`` to ``table`` (columns matched by name; the table's other columns get NULL)."""

    def transaction(self) -> AbstractContextManager[None]:
        """Everything inside is one transaction: committed at the end, rolled back on any error."""

    def tables(self) -> set[str]:
        """Names of the tables in the database."""

    def close(self) -> None:
        """Release the connection (and, for a file, its lock)."""


def failpoint(where: str, *, block: bool = True) -> None:
    """Fault injection for the crash and concurrency tests; does nothing unless
    ``CBE_WS_FAILPOINT=<where>|<marker>[|<release>]`` names this point. Then the process writes the file
    ``<marker>`` and, when ``block``, waits here (inside the open transaction, holding the lock) until
    the file ``<release>`` exists, or for ever without one: the tests kill -9 it there, or let it go on
    once a second process is known to be waiting. Deterministic, no timing involved."""
    import os

    spec = os.environ.get("CBE_WS_FAILPOINT", "").split("|")
    if len(spec) < 2 or spec[0] != where:
        return
    import threading
    import time
    from pathlib import Path

    Path(spec[1]).write_text(where)
    if not block:
        return
    if len(spec) < 3:
        threading.Event().wait()  # blocks for ever: the test kills this process here
    while not Path(spec[2]).exists():  # the test creates the release file when it is ready
        time.sleep(0.02)


def iter_batches(data: pa.Table, rows: int = 250_000) -> Iterator[pa.RecordBatch]:
    """``data`` in record batches of at most ``rows`` rows (for COPY-style writers)."""
    yield from data.to_batches(max_chunksize=rows)
