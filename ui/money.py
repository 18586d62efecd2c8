"""Money in one currency on every page: the reporting-currency selector, the store-currency question and
the notes saying which totals leave lines out.

The reporting currency lives in the URL (``?cur=EUR``) like the language, so a shared link keeps it;
without it the currency of most of the revenue is used. The store currency (for amounts whose file
names none) is asked once in the sidebar when uploaded files need it and remembered in the session
(``st.session_state["cbe_store_currency"]``); the bundled sample store is in USD. Conversion is
:func:`cbe_core.ingest.currency.convert_all`, cached on the data's content and the two currencies.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import streamlit as st

from cbe_core.i18n import t
from cbe_core.ingest import currency as fx

from .data import Dataset
from .markdown import escape_markdown

CUR_KEY = "cur"
CUR_WIDGET = "cur_select"
STORE_KEY = "cbe_store_currency"
STORE_WIDGET = "store_currency_select"
SAMPLE_CURRENCY = "USD"  # sample_data/README.md: the bundled store's money is in USD


def url_currency() -> str | None:
    """The reporting currency of the URL, if it is a valid code (anything else is ignored)."""
    raw = st.query_params.get(CUR_KEY)
    try:
        return fx.check_code(raw) if raw else None
    except ValueError:
        return None


@st.cache_resource(max_entries=16, show_spinner=False, ttl=6 * 3600)
def _convert(data_key: str, reporting: str | None, store: str | None, _frames: dict) -> fx.Converted:
    return fx.convert_all(_frames, reporting, store_currency=store)


def apply(ds: Dataset) -> Dataset:
    """``ds`` with every money table in the reporting currency, its FX reports and the currencies."""
    if not ds.tables:
        return ds
    chosen = st.session_state.get(STORE_KEY)
    store = SAMPLE_CURRENCY if ds.source == "sample" else chosen
    frames = {name: item.frame for name, item in ds.tables.items()}
    conv = _convert(ds.key(*sorted(ds.tables)), url_currency(), store, frames)
    tables = {}
    for name, item in ds.tables.items():
        key = hashlib.sha256(f"{item.key}|{conv.reporting}|{conv.store_currency}".encode()).hexdigest()[:24]
        tables[name] = replace(item, frame=conv.frames[name], key=key, fx=conv.reports.get(name))
    return replace(ds, tables=tables, reporting=conv.reporting, store_currency=conv.store_currency,
                   store_asked=ds.source == "upload" and fx.needs_store_currency(frames),
                   store_confirmed=ds.source == "sample" or chosen is not None)


@st.cache_resource(max_entries=16, show_spinner=False, ttl=6 * 3600)
def _reconvert(key: str, table: str, currency: str, store: str | None, _frame, _as_of):
    return fx.convert(_frame, table, currency, store_currency=store, as_of=_as_of)[0]


def table_in(ds: Dataset, name: str, currency: str):
    """Table ``name`` with its money in ``currency`` instead of the reporting one (the shipping simulator
    prices in USD); ``None`` when the table is not loaded."""
    item = ds.tables.get(name)
    if item is None or ds.reporting is None or currency == ds.reporting:
        return None if item is None else item.frame
    orders = ds.tables.get("orders")
    as_of = orders.frame["order_date"].max() if orders is not None and len(orders.frame) else None
    return _reconvert(item.key, name, currency, ds.reporting, item.frame, as_of)


def _on_currency_change() -> None:
    st.query_params[CUR_KEY] = st.session_state[CUR_WIDGET]


def _on_store_change() -> None:
    st.session_state[STORE_KEY] = st.session_state[STORE_WIDGET]


def choices(ds: Dataset) -> list[str]:
    present = {c for item in ds.tables.values() if item.fx is not None for c in item.fx.lines}
    return sorted(set(fx.ecb_currencies()) | {c for c in present if fx.CODE_RE.match(c)}
                  | {ds.reporting or SAMPLE_CURRENCY})


def sidebar(ds: Dataset, lang: str) -> None:
    """The reporting-currency selector and, when uploads need it, the store-currency question."""
    if not ds.tables or ds.reporting is None:
        return
    options = choices(ds)
    st.session_state[CUR_WIDGET] = ds.reporting  # the URL (or the default) is the truth
    st.selectbox(t("fx.reporting", lang), options, key=CUR_WIDGET, on_change=_on_currency_change,
                 help=t("fx.reporting.help", lang))
    if ds.store_asked:
        st.session_state[STORE_WIDGET] = ds.store_currency
        st.selectbox(t("fx.store", lang), options, key=STORE_WIDGET, on_change=_on_store_change,
                     help=t("fx.store.help", lang))
        if not ds.store_confirmed:
            st.warning(t("fx.store.question", lang, currency=ds.store_currency), icon=":material/help:")


def money(value: float | None, currency: str | None, digits: int = 0) -> str:
    """``1,234 USD``; ``–`` when there is no value."""
    if value is None or value != value:
        return "–"
    return f"{value:,.{digits}f} {currency}".strip() if currency else f"{value:,.{digits}f}"


def exclusions(ds: Dataset, lang: str, *tables: str) -> list[str]:
    """Sentences saying which totals leave lines out for want of an exchange rate (escaped Markdown:
    the currency names come from the files)."""
    out = []
    for name in tables:
        item = ds.tables.get(name)
        if item is not None and item.fx is not None and item.fx.no_rate:
            out.append(escape_markdown_text(item.fx.exclusion(lang)))
    return out


def show_exclusions(ds: Dataset, lang: str, *tables: str) -> None:
    for text in exclusions(ds, lang, *tables):
        st.warning(text, icon=":material/currency_exchange:")


def escape_markdown_text(text: str) -> str:
    import pandas as pd

    return str(escape_markdown(pd.Series([text])).iloc[0])

