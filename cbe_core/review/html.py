"""The review as one self-contained HTML page, in English and Chinese, for a cron job or a team mailing.

No script at all and nothing loaded from anywhere: the styles are inline, the charts are inline SVG
drawn here (bars and lines from the review's own figures), and the language switch is two radio
buttons with CSS (``#lang-zh:checked ~ main .en {display: none}``). Every text from the data (store
name, brands, titles, SKUs, campaigns) is HTML-escaped.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

from ..i18n import t
from . import text
from .weekly import Review

BLUE, GREY, ORANGE = "#2563eb", "#9ca3af", "#f59e0b"
STYLE = """
body{font-family:-apple-system,Segoe UI,Roboto,"Noto Sans CJK SC","PingFang SC",sans-serif;margin:0;
color:#111827;background:#f9fafb}
main{max-width:980px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:1.6rem;margin:.4em 0}h2{font-size:1.2rem;margin:1.6em 0 .5em;border-bottom:1px solid #e5e7eb}
table{border-collapse:collapse;width:100%;font-size:.9rem;background:#fff}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef2f7}td.num{text-align:right;white-space:nowrap}
.up{color:#15803d}.down{color:#b91c1c}.muted{color:#6b7280;font-size:.85rem}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 16px;margin:8px 0}
.switch{position:sticky;top:0;background:#111827;color:#fff;padding:6px 24px;font-size:.9rem}
.switch label{margin-right:16px;cursor:pointer}
input[name=lang]{position:absolute;opacity:0}
#lang-en:checked~main .zh,#lang-zh:checked~main .en{display:none}
"""


def _both(key: str, **params) -> str:
    """``key`` in both languages, each in its span (shown by the language switch)."""
    return (f'<span class="en" lang="en">{escape(t(key, "en", **params))}</span>'
            f'<span class="zh" lang="zh">{escape(t(key, "zh", **params))}</span>')


def _per_lang(render) -> str:
    """``render(lang)`` (already-escaped HTML) once per language."""
    return "".join(f'<div class="{lang}" lang="{lang}">{render(lang)}</div>' for lang in ("en", "zh"))


def _table(frame: pd.DataFrame, numeric: tuple[str, ...] = (), good: dict[str, list] | None = None) -> str:
    """``frame`` as an HTML table (every cell escaped). ``good`` maps a column to one flag per row
    (True good, False bad, None neither) that colours its cells green or red."""
    if frame is None or not len(frame):
        return ""
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for i, rec in enumerate(frame.itertuples(index=False)):
        cells = []
        for col, v in zip(frame.columns, rec):
            cls = ' class="num"' if col in numeric else ""
            sval = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
            flag = (good or {}).get(col, [None] * len(frame))[i]
            if flag is not None:
                cls = f' class="num {"up" if flag else "down"}"'
            cells.append(f"<td{cls}>{escape(sval)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def bars_svg(labels: list[str], series: list[tuple[str, list[float], str]], *, width: int = 900,
             height: int = 220, highlight: int | None = None) -> str:
    """Grouped bars (one group per label, one bar per series) as an inline SVG, with a value axis.
    ``highlight`` draws that group's label bold. Missing values (NaN) draw no bar."""
    n, k = len(labels), max(1, len(series))
    values = np.array([[np.nan if v is None else float(v) for v in s[1]] for s in series], dtype=float)
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
    top = top if top > 0 else 1.0
    left, bottom, pad = 64, 40, 8
    plot_w, plot_h = width - left - pad, height - bottom - pad - 18
    group = plot_w / max(n, 1)
    bar = group * 0.8 / k
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'viewBox="0 0 {width} {height}" font-size="11" font-family="sans-serif">']
    for i in range(5):  # value grid
        y = pad + 18 + plot_h * (1 - i / 4)
        parts.append(f'<line x1="{left}" x2="{width - pad}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#6b7280">'
                     f"{top * i / 4:,.0f}</text>")
    for j, (_, vals, color) in enumerate(series):
        for i, v in enumerate(vals):
            if v is None or not np.isfinite(v):
                continue
            h = plot_h * max(float(v), 0.0) / top
            x = left + i * group + group * 0.1 + j * bar
            y = pad + 18 + plot_h - h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{color}">'
                         f"<title>{escape(labels[i])}: {float(v):,.2f}</title></rect>")
    for i, label in enumerate(labels):
        weight = ' font-weight="bold"' if highlight == i else ""
        x = left + i * group + group / 2
        parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle"{weight}>'
                     f"{escape(label)}</text>")
    x = left
    for name, _, color in series:  # legend
        parts.append(f'<rect x="{x}" y="2" width="10" height="10" fill="{color}"/>'
                     f'<text x="{x + 14}" y="11">{escape(name)}</text>')
        x += 14 + 7 * len(name) + 24
    parts.append("</svg>")
    return "".join(parts)


def _daily_chart(r: Review, lang: str) -> str:
    d = r.daily
    this = d.loc[d["date"] >= r.week_start].reset_index(drop=True)
    prev = d.loc[d["date"] < r.week_start].reset_index(drop=True)
    names = t("review.weekdays", lang).split(",")
    labels = [f"{names[x.day_of_week]} {x:%m-%d}" for x in this["date"]]
    series = [(t("review.chart.previous_week", lang), prev["revenue"].tolist()[:len(this)], GREY),
              (t("review.chart.this_week", lang), this["revenue"].tolist(), BLUE)]
    if this["last_year"].notna().any():
        series.append((t("review.chart.last_year", lang), this["last_year"].tolist(), ORANGE))
    return bars_svg(labels, series)


def _weekly_chart(r: Review, lang: str) -> str:
    w = r.weekly
    labels = [x.strftime("%m-%d") for x in w["week_start"]]
    hit = [i for i, x in enumerate(w["week_start"]) if x == r.week_start]
    return bars_svg(labels, [(t("review.chart.weekly_revenue", lang), w["revenue"].tolist(), BLUE)],
                    highlight=hit[0] if hit else None)


def _lines(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>" if lines else ""


def review_html(r: Review) -> str:
    """The whole page (a string of HTML5)."""
    store = escape(r.store or "")
    body = [f"<h1>{_both('review.title')}{(' · ' + store) if store else ''}</h1>",
            '<p class="muted">' + _both("review.generated", week=r.week, start=text.day(r.week_start),
                                        end=text.day(r.week_end), data_end=text.day(r.data_end)) + "</p>",
            _per_lang(lambda lang: f'<div class="card">{escape(text.period_line(r, lang))}</div>')]
    body.append(f"<h2>{_both('review.kpis')}</h2>")
    body.append(_per_lang(lambda lang: _table(
        text.kpi_table(r, lang), numeric=tuple(t(f"review.col.{c}", lang) for c in
                                               ("week", "previous", "change", "last_year", "yoy")),
        good={t("review.col.change", lang): text.goodness(r, "change_pct"),
              t("review.col.yoy", lang): text.goodness(r, "yoy_pct")})))
    body.append(_per_lang(lambda lang: f"<p>{_daily_chart(r, lang)}</p><p>{_weekly_chart(r, lang)}</p>"))
    body.append(f"<h2>{_both('review.findings')}</h2>")
    body.append(_per_lang(lambda lang: _table(text.finding_rows(r, lang),
                                              numeric=(t("review.col.money", lang),))
                          or f"<p>{escape(t('review.no_findings', lang))}</p>"))
    body.append(f"<h2>{_both('review.competitors')}</h2>")
    body.append(_per_lang(lambda lang: _lines(text.competitor_lines(r, lang))
                          or f"<p class='muted'>{escape(t('review.none', lang))}</p>"))
    body.append(f"<h2>{_both('review.customers')}</h2>")
    body.append(_per_lang(lambda lang: _lines(text.segment_lines(r, lang))
                          or f"<p class='muted'>{escape(t('review.none', lang))}</p>"))
    body.append(f"<h2>{_both('review.stock')}</h2>")
    body.append(_per_lang(lambda lang: f"<p class='muted'>{escape(t('review.stock_pending', lang))}</p>"
                          if r.stock_at_risk is None else _table(r.stock_at_risk)))
    notes = [n for n in r.notes if n[0] != "review.note.stock_pending"]
    if notes:
        body.append(_per_lang(lambda lang: _lines([t(k, lang, **p) for k, p in notes])))
    parts = [t("review.title", "en"), t("review.title", "zh"), *([r.store] if r.store else [])]
    title = escape(" · ".join(parts))
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title><style>{STYLE}</style></head><body>"
            '<input type="radio" name="lang" id="lang-en" checked>'
            '<input type="radio" name="lang" id="lang-zh">'
            '<div class="switch"><label for="lang-en">English</label>'
            '<label for="lang-zh">简体中文</label></div>'
            f"<main>{''.join(body)}</main></body></html>\n")
