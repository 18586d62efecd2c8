"""Data & uploads: choose files per table, map unrecognised headers, read the validation report."""

import streamlit as st

from cbe_core.schema import TABLES
from ui.health import health_table
from ui.shell import start_page
from ui.upload import show_report, table_panel

ctx = start_page("data")
st.title(ctx.t("data.title"))
st.write(ctx.t("data.intro"))

if ctx.data.source == "sample":
    st.info(ctx.t("data.using_sample"), icon=":material/storefront:")

tabs = st.tabs([ctx.t(f"table.{name}") for name in TABLES])
for tab, name in zip(tabs, TABLES):
    with tab:
        if ctx.data.source == "sample" and name in ctx.data.tables:
            item = ctx.data.tables[name]
            with st.expander(ctx.t("data.sample_tables") + f": {ctx.t(f'table.{name}')}"):
                show_report(item.report, item.frame, ctx.lang, item.fx)
        table_panel(name, ctx.lang, ctx.data)

st.divider()
st.subheader(ctx.t("home.health"))
st.dataframe(health_table(ctx.data, ctx.lang), hide_index=True, width="stretch")
