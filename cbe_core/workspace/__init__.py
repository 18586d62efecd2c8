"""Workspace: the seller's stores kept between visits, with their history.

One database holds several named stores ("Amazon US", "Shopify EU"); each store keeps its canonical
tables (:mod:`cbe_core.schema`) with the load reports, file names and SHA-256 of the files they came
from, and the weekly review marks. Importing appends with de-duplication (:mod:`.keys` says which
row is which); every change is one transaction (:mod:`.store`). A store can be written to a folder
of Parquet files and read back (:mod:`.backup`).

Backends (:mod:`.backend` is the interface): an embedded DuckDB file locally
(:mod:`.duckdb_backend`; ``CBE_WORKSPACE`` or an explicit path picks the file, default under the
user's data folder, :mod:`.paths`). A PostgreSQL backend for teams implements the same interface.

Never: parses a file itself (``cbe_core.ingest`` does), decides anything for the seller (the decision
packages do), imports streamlit, or writes the bundled sample store into a workspace unless asked.
"""

from .backend import SQL_TYPES, Backend, WorkspaceError
from .keys import KEEP_EXACT_REPEATS, KEYS
from .paths import ENV, default_path, resolve_path
from .store import ImportResult, StoreInfo, StoreSummary, TableInfo, Workspace, check_store_name

__all__ = [
    "ENV", "KEEP_EXACT_REPEATS", "KEYS", "SQL_TYPES",
    "Backend", "ImportResult", "StoreInfo", "StoreSummary", "TableInfo", "Workspace", "WorkspaceError",
    "check_store_name", "default_path", "resolve_path",
]
