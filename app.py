"""Home: what the dashboard does, what each page needs, and the health of the data loaded now."""

import pandas as pd
import streamlit as st

from ui.health import health_table
from ui.shell import NEEDS, PAGES, page_link, start_page

ctx = start_page("home")
st.title(ctx.t("app.title"))
st.write(ctx.t("app.tagline"))
if ctx.data.source == "workspace":
    from ui.review_charts import review_section
    from ui.workspace import STORE_KEY, md

    st.info(ctx.t("home.source_workspace", store=md(st.session_state.get(STORE_KEY) or "-")),
            icon=":material/storefront:")
    review_section(ctx)
else:
    st.info(ctx.t("home.source_sample" if ctx.data.source == "sample" else "home.source_upload"),
            icon=":material/storefront:")

st.subheader(ctx.t("home.what"))
cols = st.columns(2)
for i, page in enumerate(("diagnostics", "competitors", "logistics", "customers", "ads")):
    required, optional = NEEDS[page]
    with cols[i % 2].container(border=True):
        path, icon, label = PAGES[page]
        st.markdown(f"**{ctx.t(label)}**")
        st.write(ctx.t(f"home.page.{page}"))
        names = lambda ts: ", ".join(ctx.t(f"table.{n}") for n in ts)  # noqa: E731
        if required:
            st.caption(ctx.t("home.needs", required=names(required)))
        else:
            st.caption(ctx.t("home.needs_nothing"))
        if optional:
            st.caption(ctx.t("home.optional", optional=names(optional)))
        page_link(path, ctx.t("home.open"), icon, ctx.lang)

st.subheader(ctx.t("home.health"))
table = health_table(ctx.data, ctx.lang)
st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
