"""Seller text shown inside Markdown-rendering elements (``st.error``, ``st.info``, ``st.caption``...):
escaped, so data is never markup. Never pass data through ``unsafe_allow_html``."""

from __future__ import annotations

import pandas as pd

MARKDOWN_SPECIAL = r"([\\`*_{}\[\]()#+\-.!|<>~$])"


def escape_markdown(values: pd.Series) -> pd.Series:
    """``values`` as text with every Markdown special character backslash-escaped."""
    return values.astype("str").str.replace(MARKDOWN_SPECIAL, r"\\\1", regex=True)
