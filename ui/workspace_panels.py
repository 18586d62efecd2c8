"""The panels of the stores page: import, stores, backup. Every change goes through
``cbe_core.workspace``; results are kept in the visitor's session and shown after the rerun that
refreshes the sidebar."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from cbe_core.errors import DataError
from cbe_core.i18n import t
from cbe_core.schema import TABLES

from .data import SOURCE_KEY, load_sample, read_bytes, uploads
from .upload import UPLOAD_TYPES, show_report
from .workspace import OVERVIEW_KEY, STORE_KEY, WS_SOURCE, md, result_table, show_error, workspace

RESULTS_KEY = "ws_results"
NOTICE_KEY = "ws_notice"
MAX_ZIP_BYTES = 2 * 1024**3   # uncompressed size of an uploaded store backup
MAX_ZIP_FILES = 64


def _done(store: str | None, results=None, notice: tuple | None = None) -> None:
    """After a change: open ``store``, keep what to show, rerun so the sidebar shows the new state."""
    if store is not None:
        st.session_state[STORE_KEY] = store
        st.session_state[SOURCE_KEY] = WS_SOURCE
    st.session_state.pop(OVERVIEW_KEY, None)
    st.session_state[RESULTS_KEY] = results or []
    st.session_state[NOTICE_KEY] = notice
    st.rerun()


def show_results(lang: str) -> None:
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:  # the notice names a store: seller text, escaped
        st.success(md(t(notice[0], lang, **notice[1])), icon=":material/check_circle:")
    for res in st.session_state.pop(RESULTS_KEY, None) or []:
        st.success(t("ws.ui.imported", lang, table=t(f"table.{res.table}", lang), added=f"{res.added:,}",
                      updated=f"{res.updated:,}", unchanged=f"{res.unchanged:,}",
                      duplicates=f"{res.duplicates:,}"), icon=":material/check_circle:")
        st.dataframe(result_table(res, lang), hide_index=True, width="stretch")
        if res.report is not None:
            with st.expander(t("ws.ui.load_report", lang)):
                show_report(res.report, None, lang)


def import_panel(store: str | None, lang: str) -> None:
    """Import a file into the open store (or a new store named here)."""
    st.subheader(t("ws.ui.import", lang))
    st.caption(t("ws.ui.import_help", lang))
    names = list(TABLES)
    c1, c2 = st.columns([1, 2])
    table = c1.selectbox(t("ws.ui.table", lang), names, format_func=lambda n: t(f"table.{n}", lang),
                         key="ws_import_table")
    target = c1.text_input(t("ws.ui.into_store", lang), value=store or "", key="ws_import_store")
    file = c2.file_uploader(t("ws.ui.file", lang), type=UPLOAD_TYPES, key="ws_import_file")
    if st.button(t("ws.ui.import_button", lang), type="primary", disabled=file is None or not target.strip(),
                 key="ws_import_go"):
        try:
            res = workspace().import_file(target, table, file.getvalue(), filename=file.name)
        except DataError as exc:
            show_error(exc, lang)
            return
        _done(res.store, [res])
    if uploads() and st.button(t("ws.ui.import_uploads", lang, n=len(uploads())),
                               disabled=not target.strip(), key="ws_import_uploads"):
        results = []
        try:
            for name, item in uploads().items():
                frame, report = read_bytes(item["data"], name, item["name"], item.get("mapping"),
                                           item.get("period"), item["digest"])
                results.append(workspace().import_frame(target, name, frame, file_name=item["name"],
                                                        sha256=item["digest"], report=report))
        except DataError as exc:
            show_error(exc, lang)
            return
        _done(results[-1].store if results else None, results)


def sample_panel(lang: str) -> None:
    """Copy the bundled sample store into the workspace: only when the seller asks."""
    with st.expander(t("ws.ui.sample", lang)):
        st.caption(t("ws.ui.sample_help", lang))
        name = st.text_input(t("ws.ui.new_name", lang), value=t("ui.source.sample", lang),
                             key="ws_sample_name")
        if st.button(t("ws.ui.sample_button", lang), key="ws_sample_go"):
            ws = workspace()
            try:
                ws.create_store(name)
                for table, item in load_sample().tables.items():
                    ws.import_frame(name, table, item.frame, file_name=f"sample_data/{table}.csv")
            except DataError as exc:
                show_error(exc, lang)
                return
            _done(name.strip(), notice=("ws.ui.sample_done", {"store": name.strip()}))


def stores_panel(store: str | None, summary, lang: str) -> None:
    """Create, rename, delete a store; delete one table."""
    ws = workspace()
    with st.expander(t("ws.ui.manage", lang)):
        with st.form("ws_create"):
            new = st.text_input(t("ws.ui.new_store", lang), key="ws_new_store")
            if st.form_submit_button(t("ws.ui.create", lang)):
                try:
                    info = ws.create_store(new)
                except DataError as exc:
                    show_error(exc, lang)
                else:
                    _done(info.name, notice=("ws.ui.created", {"store": info.name}))
        if store is None:
            return
        with st.form("ws_rename"):
            renamed = st.text_input(t("ws.ui.rename_to", lang), value=store, key="ws_rename_to")
            if st.form_submit_button(t("ws.ui.rename", lang)):
                try:
                    info = ws.rename_store(store, renamed)
                except DataError as exc:
                    show_error(exc, lang)
                else:
                    _done(info.name, notice=("ws.ui.renamed", {"store": info.name}))
        tables = [tb.table for tb in summary.tables]
        if tables:
            c1, c2 = st.columns([2, 1])
            victim = c1.selectbox(t("ws.ui.delete_table", lang), tables, key="ws_del_table",
                                  format_func=lambda n: t(f"table.{n}", lang))
            sure_t = c2.checkbox(t("ws.ui.sure", lang), key="ws_del_table_sure")
            if c2.button(t("ws.ui.delete", lang), disabled=not sure_t, key="ws_del_table_go"):
                ws.delete_table(store, victim)
                _done(store, notice=("ws.ui.table_deleted", {"table": t(f"table.{victim}", lang)}))
        sure = st.checkbox(t("ws.ui.delete_store_sure", lang, store=store), key="ws_del_store_sure")
        if st.button(t("ws.ui.delete_store", lang), disabled=not sure, key="ws_del_store_go"):
            ws.delete_store(store)
            st.session_state.pop(STORE_KEY, None)
            _done(None, notice=("ws.ui.store_deleted", {"store": store}))


def backup_panel(store: str | None, lang: str) -> None:
    """Download the open store as a zip (Parquet + manifest); add a store from such a zip."""
    ws = workspace()
    with st.expander(t("ws.ui.backup", lang)):
        st.caption(t("ws.ui.backup_help", lang))
        if store is not None and st.button(t("ws.ui.prepare_export", lang), key="ws_export"):
            with tempfile.TemporaryDirectory() as tmp:
                ws.export_store(store, Path(tmp) / "store")
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
                    for f in sorted((Path(tmp) / "store").iterdir()):
                        zf.write(f, f.name)
            st.download_button(t("ws.ui.download_export", lang), buf.getvalue(), file_name="store.zip",
                               mime="application/zip", key="ws_export_dl", icon=":material/download:")
        up = st.file_uploader(t("ws.ui.restore", lang), type=["zip"], key="ws_restore_file")
        name = st.text_input(t("ws.ui.restore_name", lang), key="ws_restore_name")
        if up is not None and st.button(t("ws.ui.restore_button", lang), key="ws_restore_go"):
            try:
                info = _restore(ws, up.getvalue(), name or None)
            except DataError as exc:
                show_error(exc, lang)
                return
            _done(info.name, notice=("ws.ui.restored", {"store": info.name}))


def _restore(ws, data: bytes, name: str | None):
    from cbe_core.workspace import WorkspaceError

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except zipfile.BadZipFile:
        raise WorkspaceError("ws.err.no_manifest", folder="zip") from None
    if len(infos) > MAX_ZIP_FILES or sum(i.file_size for i in infos) > MAX_ZIP_BYTES:
        raise WorkspaceError("ws.err.no_manifest", folder="zip")
    with tempfile.TemporaryDirectory() as tmp:
        for i in infos:
            safe = Path(i.filename).name  # no folders, no '..': files land in tmp only
            if safe:
                (Path(tmp) / safe).write_bytes(zf.read(i))
        return ws.import_store(tmp, name)
