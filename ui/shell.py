"""The page frame every page starts with: page config, language, the shared sidebar and the data.

Navigation is Streamlit's file-based ``pages/`` with ``client.showSidebarNavigation = false``; this
module draws the translated menu with ``st.page_link`` and carries the language in the URL
(``?lang=zh``), so a shared link keeps it. ``st.navigation`` is deliberately not used.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from cbe_core.i18n import LANG_NAMES, LANGS, normalise_lang
from cbe_core.i18n import t as translate

from . import money
from .data import SOURCE_KEY, Dataset, current_dataset, current_source
from .workspace import sidebar as workspace_sidebar

ROOT = Path(__file__).resolve().parents[1]

# page id -> (script path relative to the app root, icon, catalog key of its menu label)
PAGES: dict[str, tuple[str, str, str]] = {
    "home": ("app.py", ":material/home:", "nav.home"),
    "data": ("pages/1_Data.py", ":material/upload_file:", "nav.data"),
    "diagnostics": ("pages/2_Diagnostics.py", ":material/monitor_heart:", "nav.diagnostics"),
    "competitors": ("pages/3_Competitors.py", ":material/compare_arrows:", "nav.competitors"),
    "logistics": ("pages/4_Logistics.py", ":material/local_shipping:", "nav.logistics"),
    "customers": ("pages/5_Customers.py", ":material/groups:", "nav.customers"),
    "ads": ("pages/6_Ads.py", ":material/ads_click:", "nav.ads"),
    "workspace": ("pages/7_Workspace.py", ":material/inventory_2:", "nav.workspace"),
}

# which tables each page needs (required, optional) - shown on the landing page and in require()
NEEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "diagnostics": (("orders",), ("traffic", "ads", "products", "transactions")),
    "competitors": (("competitors",), ("reviews", "products")),
    "logistics": ((), ("products", "rate_cards", "shipments", "orders", "inventory")),
    "customers": (("orders",), ("products", "ads")),
    "ads": (("search_terms",), ("products", "orders", "ads")),
}

LANG_KEY = "lang"
LANG_WIDGET = "lang_select"
SOURCE_WIDGET = "source_select"


def current_lang() -> str:
    """The language lives in the URL (``?lang=zh``) so a shared link keeps it; English by default."""
    return normalise_lang(st.query_params.get(LANG_KEY))


def _on_source_change() -> None:
    st.session_state[SOURCE_KEY] = st.session_state[SOURCE_WIDGET]


def _on_language_change() -> None:
    value = st.session_state[LANG_WIDGET]
    if value == "en":
        st.query_params.pop(LANG_KEY, None)
    else:
        st.query_params[LANG_KEY] = value


@dataclass
class PageContext:
    page: str
    lang: str
    data: Dataset

    def t(self, key: str, **params: object) -> str:
        return translate(key, self.lang, **params)

    def table(self, name: str) -> pd.DataFrame | None:
        return self.data.frame(name)

    def key(self, *names: str) -> str:
        return self.data.key(*names)

    def require(self, *names: str) -> None:
        """Stop the page with a translated message when a required table is not loaded."""
        missing = [n for n in names if self.data.frame(n) is None]
        if not missing:
            return
        tables = ", ".join(self.t(f"table.{n}") for n in missing)
        st.warning(self.t("ui.needs_tables", tables=tables), icon=":material/info:")
        for n in missing:
            if n in self.data.errors:
                st.error(self.data.errors[n].message(self.lang))
        page_link(PAGES["data"][0], self.t("nav.data"), PAGES["data"][1], self.lang)
        st.stop()


def link_params(lang: str) -> dict[str, str]:
    params = {LANG_KEY: lang} if lang != "en" else {}
    cur = money.url_currency()
    return params | ({money.CUR_KEY: cur} if cur else {})


def page_link(path: str, label: str, icon: str, lang: str) -> None:
    """``st.page_link`` carrying the language; pages not (yet) present are skipped, and so are links
    when a page script is run as the entry point (``AppTest.from_file("pages/...")``)."""
    if not (ROOT / path).exists():
        return
    with contextlib.suppress(StreamlitPageNotFoundError):
        st.page_link(path, label=label, icon=icon, query_params=link_params(lang))


def start_page(page: str) -> PageContext:
    """Set up a page: config, language, sidebar, data. Call first in every page script."""
    lang = current_lang()
    title = translate(PAGES[page][2], lang) if page != "home" else translate("app.title", lang)
    st.set_page_config(page_title=f"{title} · CBE", page_icon=":material/insights:", layout="wide",
                       initial_sidebar_state="expanded")
    with st.sidebar:
        st.session_state[LANG_WIDGET] = lang  # the URL is the source of truth, the widget mirrors it
        st.selectbox("Language / 语言", LANGS, format_func=LANG_NAMES.get, key=LANG_WIDGET,
                     on_change=_on_language_change)
        st.markdown(f"### {translate('app.title', lang)}")
        for path, icon, label_key in PAGES.values():
            page_link(path, translate(label_key, lang), icon, lang)
        st.divider()
        st.session_state[SOURCE_WIDGET] = current_source()  # mirrors the session's choice on every page
        st.radio(
            translate("ui.source", lang), ("sample", "upload", "workspace"),
            format_func=lambda s: translate(f"ui.source.{s}", lang),
            key=SOURCE_WIDGET, on_change=_on_source_change,
        )
        data = money.apply(current_dataset())
        workspace_sidebar(lang)
        money.sidebar(data, lang)
        if data.source != "workspace":
            _sidebar_health(data, lang)
    return PageContext(page, lang, data)


def _sidebar_health(data: Dataset, lang: str) -> None:
    if not data.tables and not data.errors:
        st.caption(translate("ui.no_uploads", lang))
        return
    lines = []
    for name, item in data.tables.items():
        lines.append(f"- {translate(f'table.{name}', lang)}: {len(item.frame):,}")
    for name in data.errors:
        lines.append(f"- {translate(f'table.{name}', lang)}: {translate('ui.load_failed', lang)}")
    st.caption(translate("ui.loaded_tables", lang))
    st.markdown("\n".join(lines))
