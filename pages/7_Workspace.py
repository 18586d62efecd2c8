"""My stores: which stores are kept between visits, what each holds, importing, backups."""

import streamlit as st

from cbe_core.errors import DataError
from ui import workspace_panels as wp
from ui.shell import start_page
from ui.workspace import history_table, md, overview, show_error, summary_table, workspace

ctx = start_page("workspace")
t = ctx.t
st.title(t("ws.page.title"))
st.write(t("ws.page.intro"))
ws = workspace()
st.caption(t("ws.ui.path", path=md(ws.path)))
wp.show_results(ctx.lang)
try:
    ov = overview(ws, fresh=True)
    store, summary = ov.current, ov.summary
except DataError as exc:
    show_error(exc, ctx.lang)
    st.stop()

if store is None:
    st.info(t("ws.ui.start"), icon=":material/inventory_2:")
else:
    st.subheader(t("ws.ui.open_store", store=md(store)))
    if summary.tables:
        st.dataframe(summary_table(summary, ctx.lang), hide_index=True, width="stretch")
    else:
        st.caption(t("ws.ui.empty_store"))

wp.import_panel(store, ctx.lang)
wp.stores_panel(store, summary, ctx.lang)
wp.backup_panel(store, ctx.lang)
wp.sample_panel(ctx.lang)

if store is not None:
    history = ws.imports(store)
    if len(history):
        with st.expander(t("ws.ui.history", n=len(history))):
            st.dataframe(history_table(history, ctx.lang), hide_index=True, width="stretch")
