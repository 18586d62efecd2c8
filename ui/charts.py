"""Chart conventions shared by every page: one colour per mode, segment and severity, everywhere."""

from __future__ import annotations

import altair as alt

# Shipping modes (logistics page, carrier scorecards, Monte Carlo)
MODE_COLORS = {
    "postal": "#8c6d31",
    "dedicated_line": "#1f77b4",
    "express": "#d62728",
    "overseas_warehouse": "#2ca02c",
    "fba": "#ff7f0e",
}

# RFM segments (map, tables, revenue bars, migration)
SEGMENT_COLORS = {
    "champions": "#1a9850",
    "loyal": "#66bd63",
    "potential_loyalist": "#a6d96a",
    "new": "#4575b4",
    "promising": "#74add1",
    "need_attention": "#fee08b",
    "about_to_sleep": "#fdae61",
    "at_risk": "#f46d43",
    "cant_lose_them": "#d73027",
    "hibernating": "#bababa",
    "lost": "#7f7f7f",
}

SEVERITY_COLORS = {"high": "#d73027", "medium": "#fc8d59", "low": "#91bfdb"}

# Own product vs competitors; lead vs lag
OWN_COLOR = "#1f6feb"
OTHER_COLOR = "#9aa4b2"
LEAD_COLOR = "#1a9850"
LAG_COLOR = "#d73027"
NEUTRAL_COLOR = "#bababa"

MAX_MARKS = 5000


def scale(mapping: dict[str, str], domain: list[str] | None = None,
          labels: dict[str, str] | None = None) -> alt.Scale:
    """An Altair colour scale that fixes each key's colour (keys absent from the data are fine).

    With ``labels`` (key -> translated label) the domain is the labels, for charts whose field holds
    the translated text.
    """
    keys = list(domain) if domain is not None else list(mapping)
    colors = [mapping.get(k, NEUTRAL_COLOR) for k in keys]
    if labels:
        return alt.Scale(domain=[labels.get(k, k) for k in keys], range=colors)
    return alt.Scale(domain=keys, range=colors)
