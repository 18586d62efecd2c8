"""The workspace as the app's third data source: the seller's stores kept between visits.

Per visitor (session_state): which store is open. Shared (resource cache, keyed on the workspace
file, the store id and the store's version, which goes up with every change): the store's frames, so
reruns and page switches read nothing again, and an import anywhere (another tab, a cron job) shows at
the next rerun. A workspace that cannot be opened (locked, damaged, newer version) gives a message in
the sidebar; the app goes on with uploads and the sample store. The sample store is never written into
a workspace except by the explicit "copy the sample store" button.
"""

from __future__ import annotations

import hashlib
import sys

import pandas as pd
import streamlit as st

from cbe_core.errors import DataError
from cbe_core.i18n import t
from cbe_core.ingest import LoadReport
from cbe_core.workspace import Workspace, WorkspaceError, resolve_path

from .data import SOURCE_KEY, Dataset, Loaded
from .markdown import escape_markdown

STORE_KEY = "cbe_store"
OVERVIEW_KEY = "cbe_ws_overview"
ERROR_KEY = "cbe_ws_error"
WS_SOURCE = "workspace"


def workspace_path() -> str:
    """``streamlit run app.py -- --workspace W``, else ``$CBE_WORKSPACE``, else the user data folder."""
    argv = sys.argv[1:]
    explicit = argv[argv.index("--workspace") + 1] if "--workspace" in argv[:-1] else None
    return str(resolve_path(explicit))


def workspace() -> Workspace:
    return Workspace(workspace_path(), timeout=10)


def md(text: str) -> str:
    """Seller text for a Markdown element."""
    return escape_markdown(pd.Series([str(text)])).iloc[0]


def default_source() -> str:
    """The first source of a new visit: the workspace when it has a store (the app restores the last
    store without any upload), else the sample store."""
    try:
        last = workspace().last_store()
    except DataError as exc:
        st.session_state[ERROR_KEY] = exc
        return "sample"
    if last is None:
        return "sample"
    st.session_state.setdefault(STORE_KEY, last)
    return WS_SOURCE


def current_store(ws: Workspace) -> str | None:
    """The visitor's open store (the workspace's last store on the first visit), or None."""
    return overview(ws).current


def overview(ws: Workspace, fresh: bool = False):
    """The workspace's stores and the open store's summary, read once per run (``load_workspace``
    reads it first; the sidebar and the pages of the same run reuse it)."""
    got = None if fresh else st.session_state.get(OVERVIEW_KEY)
    if got is None:
        got = ws.overview(st.session_state.get(STORE_KEY))
        st.session_state[OVERVIEW_KEY] = got
    st.session_state[STORE_KEY] = got.current
    return got


@st.cache_resource(max_entries=2, show_spinner=False, ttl=6 * 3600)  # a 1M-line store is ~0.5 GB
def _store_frames(path: str, store_id: int, version: int, name: str) -> dict[str, pd.DataFrame]:
    return Workspace(path, timeout=10).load(name)


def _report(table: str, frame: pd.DataFrame, info) -> LoadReport:
    """A load report that says where the table comes from (its import history is on the stores page)."""
    return LoadReport(file=info.last_file or "-", table=table, rows_read=len(frame), rows_loaded=len(frame),
                      notes=(("ws.note.from_store", {"imports": info.imports}),))


def load_workspace() -> Dataset:
    """The open store as a :class:`Dataset` (empty with a sidebar message when it cannot be read)."""
    ds = Dataset(WS_SOURCE)
    try:
        ws = workspace()
        ov = overview(ws, fresh=True)
        if ov.current is None:
            return ds
        info = ov.summary.store
        frames = _store_frames(str(ws.path), info.store_id, info.version, info.name)
    except DataError as exc:
        st.session_state[ERROR_KEY] = exc
        st.session_state.pop(OVERVIEW_KEY, None)
        return ds
    st.session_state.pop(ERROR_KEY, None)
    for table, frame in frames.items():
        key = hashlib.sha256(f"ws|{ws.path}|{info.store_id}|{info.version}|{table}".encode()).hexdigest()[:24]
        ds.tables[table] = Loaded(table, frame, _report(table, frame, ov.summary.table(table)), key)
    return ds


def _on_store_change() -> None:
    name = st.session_state.get("ws_store_select")
    st.session_state[STORE_KEY] = name
    st.session_state.pop(OVERVIEW_KEY, None)
    try:
        workspace().set_last_store(name)
    except DataError as exc:
        st.session_state[ERROR_KEY] = exc


def sidebar(lang: str) -> None:
    """Store selector and what the store holds (tables, rows, date range, last import)."""
    err = st.session_state.get(ERROR_KEY)
    if isinstance(err, DataError):
        show_error(err, lang)
    if st.session_state.get(SOURCE_KEY) != WS_SOURCE:
        return
    try:
        ov = overview(workspace())
    except DataError:
        return
    names, current, summary = [s.name for s in ov.stores], ov.current, ov.summary
    if not names:
        st.caption(t("ws.ui.no_stores", lang))
        return
    st.session_state["ws_store_select"] = current
    st.selectbox(t("ws.ui.store", lang), names, key="ws_store_select", on_change=_on_store_change)
    lines = []
    for tb in summary.tables:
        span = (f" · {tb.first_date:%Y-%m-%d} → {tb.last_date:%Y-%m-%d}" if tb.first_date is not None else "")
        lines.append(f"{t(f'table.{tb.table}', lang)}: {tb.rows:,}{span}")
    st.caption(t("ws.ui.holds", lang, store=md(summary.store.name)))
    st.caption("  \n".join(lines) or t("ws.ui.empty_store", lang))
    if summary.last_import is not None:
        st.caption(t("ws.ui.last_import", lang, when=f"{summary.last_import:%Y-%m-%d %H:%M}"))


def result_table(res, lang: str) -> pd.DataFrame:
    """One import's counts as a small table."""
    return pd.DataFrame([{t("ws.ui.col.table", lang): t(f"table.{res.table}", lang),
                          t("ws.ui.col.file", lang): res.file,
                          t("ws.ui.col.added", lang): res.added, t("ws.ui.col.updated", lang): res.updated,
                          t("ws.ui.col.unchanged", lang): res.unchanged,
                          t("ws.ui.col.duplicates", lang): res.duplicates}])


def summary_table(summary, lang: str) -> pd.DataFrame:
    rows = []
    for tb in summary.tables:
        values = {"table": t(f"table.{tb.table}", lang), "rows": tb.rows, "first": tb.first_date,
                  "last": tb.last_date, "last_import": tb.last_import, "file": tb.last_file,
                  "imports": tb.imports}
        rows.append({t(f"ws.ui.col.{k}", lang): v for k, v in values.items()})
    return pd.DataFrame(rows)


def history_table(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The import history with translated headers and table names."""
    out = history.drop(columns=["import_id"]).copy()
    out["table_name"] = [t(f"table.{n}", lang) if n != "*" else t("ws.ui.backup_row", lang)
                         for n in out["table_name"]]
    names = {"table_name": "table", "file_name": "file", "file_sha256": "sha256"}
    names |= {c: c for c in ("imported_at", "rows_in_file", "added", "updated", "unchanged", "duplicates")}
    return out.rename(columns={c: t(f"ws.ui.col.{k}", lang) for c, k in names.items()})


def show_error(exc: DataError, lang: str) -> None:
    """A workspace error: its message carries store names and paths, so it is escaped."""
    st.error(md(exc.message(lang)), icon=":material/error:")


__all__ = ["ERROR_KEY", "STORE_KEY", "WS_SOURCE", "WorkspaceError", "current_store", "default_source",
           "history_table", "load_workspace", "md", "result_table", "show_error", "sidebar", "summary_table",
           "workspace", "workspace_path"]
