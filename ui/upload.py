"""Upload, map and check one table (the data page's panel). Parsing happens in ``cbe_core.ingest``."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from cbe_core.errors import DataError
from cbe_core.i18n import t
from cbe_core.schema import get_table

from .data import SOURCE_KEY, sha256, uploads

UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "xlsm"]


@st.cache_data(max_entries=32, show_spinner=False)
def _inspect(digest: str, table: str, filename: str, _data: bytes):
    from cbe_core import ingest

    return ingest.inspect_file(_data, table, filename=filename)


@st.cache_data(show_spinner=False)
def _template(table: str) -> bytes:
    from cbe_core import ingest

    return ingest.template_csv(table)


def _on_upload(table: str) -> None:
    """Widget callback (runs before the script): register the file so this very run loads it."""
    f = st.session_state.get(f"up_{table}")
    store = uploads()
    if f is None:
        store.pop(table, None)
        return
    data = f.getvalue()
    store[table] = {"name": f.name, "data": data, "digest": sha256(data), "mapping": None, "period": None}
    st.session_state[SOURCE_KEY] = "upload"


def _remove(table: str) -> None:
    uploads().pop(table, None)
    st.session_state.pop(f"up_{table}", None)


def _reason_rows(report, lang: str) -> pd.DataFrame:
    rows = []
    for kind in ("dropped", "fixed", "excluded"):
        for reason, count in (getattr(report, kind, None) or {}).items():
            examples = ", ".join(str(r) for r in (report.examples.get(reason) or [])[:5])
            rows.append({
                t("data.kind", lang): t(f"data.kind.{kind}", lang),
                t("data.reason", lang): t(reason, lang),
                t("data.rows", lang): int(count),
                t("data.examples", lang): examples,
            })
    return pd.DataFrame(rows)


def show_report(report, frame: pd.DataFrame | None, lang: str, fx=None) -> None:
    """The load report; ``fx`` (the table's FxReport) adds what the currency conversion did."""
    st.markdown(f"**{t('data.report', lang)}**")
    # describe() repeats file names and headers from the file: plain text, never markdown or HTML
    st.text("\n".join(report.describe(lang) + (fx.describe(lang) if fx is not None else [])))
    reasons = _reason_rows(report, lang)
    if reasons.empty:
        st.success(t("data.clean", lang), icon=":material/check_circle:")
    else:
        st.dataframe(reasons, hide_index=True, width="stretch")
    if frame is not None:
        with st.expander(t("data.preview", lang)):
            st.dataframe(frame.head(20), hide_index=True, width="stretch")


def table_panel(table: str, lang: str, loaded) -> None:
    """One tab of the data page: help, template, uploader, mapping, period and the report."""
    st.caption(t(f"table.{table}.help", lang))
    c1, c2 = st.columns([3, 1])
    with c2:
        st.download_button(t("data.template", lang), _template(table), file_name=f"{table}_template.csv",
                           mime="text/csv", key=f"tpl_{table}", icon=":material/download:")
    with c1:
        st.file_uploader(t("data.upload", lang, table=t(f"table.{table}", lang)), type=UPLOAD_TYPES,
                         key=f"up_{table}", on_change=_on_upload, args=(table,))
    entry = uploads().get(table)
    if entry is None:
        return
    spec = get_table(table)
    try:
        inspection = _inspect(entry["digest"], table, entry["name"], entry["data"])
    except DataError as exc:
        st.error(exc.message(lang), icon=":material/error:")
        st.button(t("data.remove", lang), key=f"rm_{table}", on_click=_remove, args=(table,))
        return

    error = loaded.errors.get(table)
    needs_period = error is not None and "period" in error.key
    if inspection.missing_required or entry.get("mapping") or (error is not None and "missing" in error.key):
        _mapping_form(table, spec, inspection, entry, lang)
    if needs_period or entry.get("period"):
        _period_form(table, entry, lang)
    if error is not None and not needs_period:
        st.error(error.message(lang), icon=":material/error:")
    if table in loaded.tables:
        item = loaded.tables[table]
        show_report(item.report, item.frame, lang, item.fx)
    st.button(t("data.remove", lang), key=f"rm_{table}", on_click=_remove, args=(table,))


def _mapping_form(table, spec, inspection, entry, lang) -> None:
    st.markdown(f"**{t('data.mapping', lang)}**")
    st.caption(t("data.mapping_help", lang))
    none = t("data.not_mapped", lang)
    options = [none, *inspection.headers]
    current = dict(inspection.mapping) | dict(entry.get("mapping") or {})
    with st.form(f"map_{table}"):
        cols = st.columns(3)
        chosen = {}
        for i, col in enumerate(spec.columns):
            default = current.get(col.name)
            index = options.index(default) if default in options else 0
            label = col.name + (" *" if col.required else "")
            chosen[col.name] = cols[i % 3].selectbox(label, options, index=index,
                                                     key=f"map_{table}_{col.name}")
        if st.form_submit_button(t("data.load", lang), type="primary"):
            entry["mapping"] = {k: v for k, v in chosen.items() if v != none}
            st.rerun()


def _period_form(table, entry, lang) -> None:
    st.markdown(f"**{t('data.period', lang)}**")
    st.caption(t("data.period_help", lang))
    today = date.today()
    default = entry.get("period") or (today - timedelta(days=30), today - timedelta(days=1))
    with st.form(f"period_{table}"):
        value = st.date_input(t("data.period", lang), value=default, key=f"period_{table}_in")
        submitted = st.form_submit_button(t("data.load", lang), type="primary")
        if submitted and isinstance(value, tuple) and len(value) == 2:
            entry["period"] = (value[0], value[1])
            st.rerun()
