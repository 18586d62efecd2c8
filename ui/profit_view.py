"""The Profit tab of the Diagnostics page: what each product really earns over the page's period.

The page calls :func:`compute` early (its findings join the page's ranked list) and :func:`render`
inside the tab. The tab's own settings (refunds by order or refund date, whether the unit cost is
already landed, the seller's monthly costs) live in ``st.session_state`` under their widget keys, so
:func:`compute` reads them before the widgets are drawn; the other-costs editor's edits are applied
to its base frame the way Streamlit records them (edited, added and deleted rows).
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from cbe_core import profit as pf
from cbe_core.export import write_workbook
from ui.cache import cached, content_digest
from ui.markdown import escape_markdown

Translate = Callable[..., str]
REFUNDS_KEY, LANDED_KEY, OTHER_KEY, VIEW_KEY = (
    "profit_refunds_by",
    "profit_landed",
    "profit_other",
    "profit_view",
)
SOURCE_COLORS = {"report": "#1f77b4", "computed": "#9467bd", "estimate": "#ff7f0e", "net": "#2ca02c"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _other_base() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": pd.Series(dtype="str"),
            "label": pd.Series(dtype="str"),
            "amount": pd.Series(dtype="float"),
            "sku": pd.Series(dtype="str"),
        }
    )


def _apply_editor(base: pd.DataFrame, state) -> pd.DataFrame:
    """The data editor's frame from its recorded edits (``edited_rows``, ``added_rows``,
    ``deleted_rows``), so the edits count before the editor is drawn again."""
    if not isinstance(state, dict):
        return base
    out = base.copy()
    for i, changes in state.get("edited_rows", {}).items():
        for col, v in changes.items():
            out.loc[int(i), col] = v
    added = pd.DataFrame(state.get("added_rows", []), columns=base.columns)
    out = pd.concat([out, added], ignore_index=True) if len(added) else out
    deleted = [int(i) for i in state.get("deleted_rows", [])]
    return out.drop(index=[i for i in deleted if i in out.index]).reset_index(drop=True)


def _other_costs() -> pd.DataFrame | None:
    frame = _apply_editor(_other_base(), st.session_state.get(OTHER_KEY))
    frame = frame.dropna(subset=["month", "amount"])
    frame = frame.loc[frame["month"].astype("str").str.match(r"^\d{4}-\d{2}")]
    return frame.reset_index(drop=True) if len(frame) else None


def compute(ctx, orders, ads, products, transactions, start, end):
    """(result, findings) for the page's period with the tab's settings (cached on content)."""
    other = _other_costs()
    key = ctx.key("orders", "ads", "products", "transactions") + content_digest(
        {}, *(() if other is None else (other,))
    )
    res = cached(
        pf.profit,
        key,
        orders,
        ads,
        products,
        transactions,
        other,
        start=str(start),
        end=str(end),
        refunds_by=st.session_state.get(REFUNDS_KEY, "order_date"),
        landed="unit_cost" if st.session_state.get(LANDED_KEY, False) else "auto",
    )
    return res, pf.profit_findings(res)


def _money(v: float, cur: str) -> str:
    """Money for a KPI card: whole units from 1,000 up (cards are narrow), cents below."""
    return f"{v:,.0f} {cur}" if abs(v) >= 1000 else f"{v:,.2f} {cur}"


def waterfall_chart(steps: pd.DataFrame, currency: str, t: Translate) -> alt.LayerChart:
    """Bars from each step's start to end (costs go down), coloured by where the figure came from."""
    d = steps.copy()
    d["label"] = [t(f"profit.col.{s}") for s in d["step"]]
    d["kind"] = [("net" if s == "net" else (src or "computed")) for s, src in zip(d["step"], d["source"])]
    d["kind_label"] = [t("profit.col.net") if k == "net" else t(f"profit.src.{k}") for k in d["kind"]]
    d["text"] = [f"{a:,.0f}" for a in d["amount"]]
    order = list(d["label"])
    kinds = [k for k in SOURCE_COLORS if k in set(d["kind"])]
    labels = {k: (t("profit.col.net") if k == "net" else t(f"profit.src.{k}")) for k in kinds}
    color = alt.Color(
        "kind_label:N",
        title=t("profit.legend.source"),
        scale=alt.Scale(domain=[labels[k] for k in kinds], range=[SOURCE_COLORS[k] for k in kinds]),
    )
    base = alt.Chart(d).encode(
        x=alt.X(
            "label:N",
            sort=order,
            title=None,
            axis=alt.Axis(labelAngle=-30, labelOverlap=False, labelLimit=180),
        )
    )
    bars = base.mark_bar().encode(
        y=alt.Y("start:Q", title=f"{t('profit.axis.amount')} ({currency})"),
        y2="end:Q",
        color=color,
        tooltip=[
            alt.Tooltip("label:N", title=t("profit.col.step")),
            alt.Tooltip("amount:Q", title=f"{t('profit.col.amount')} ({currency})", format=",.2f"),
            alt.Tooltip("kind_label:N", title=t("profit.col.source")),
        ],
    )
    text = base.mark_text(dy=-6).encode(y=alt.Y("end:Q"), text="text:N")
    return (bars + text).properties(height=320)


def sku_table(by_sku: pd.DataFrame, currency: str, t: Translate) -> tuple[pd.DataFrame, dict]:
    cols = (
        "sku",
        "units",
        "gross_sales",
        "refunds",
        "fees",
        "shipping",
        "cogs",
        "ads",
        "other",
        "net",
        "margin",
        "net_per_unit",
        "avg_price",
        "break_even_price",
        "refund_rate",
    )
    d = by_sku.sort_values("net")[list(cols)].copy()
    d["margin"] = d["margin"] * 100
    d["refund_rate"] = d["refund_rate"] * 100
    for c in ("gross_sales", "refunds", "fees", "cogs", "ads"):
        d[f"src_{c}"] = [
            t(f"profit.src.{s}") if isinstance(s, str) else "" for s in by_sku.loc[d.index, f"source_{c}"]
        ]
    names = {c: t(f"profit.col.{c}") for c in cols}
    names.update(
        {
            f"src_{c}": t("profit.col.source_of", name=t(f"profit.col.{c}"))
            for c in ("gross_sales", "refunds", "fees", "cogs", "ads")
        }
    )
    money = f"%.2f {currency}"
    config = {
        names[c]: st.column_config.NumberColumn(format=money)
        for c in cols
        if c not in ("sku", "units", "margin", "refund_rate")
    }
    config[names["margin"]] = st.column_config.NumberColumn(format="%.1f%%")
    config[names["refund_rate"]] = st.column_config.NumberColumn(format="%.1f%%")
    return d.rename(columns=names), config


def render(ctx, res: pf.ProfitResult, findings: list, has_report: bool) -> None:
    """The tab's body: settings, the answer (KPIs), the waterfall, tables, findings, notes, download."""
    t = ctx.t
    cur = res.currency
    st.caption(t("profit.intro"))
    c1, c2, c3 = st.columns([1.3, 1.6, 1.6])
    c1.radio(
        t("profit.refunds_by"),
        pf.REFUNDS_BY,
        key=REFUNDS_KEY,
        horizontal=True,
        format_func=lambda k: t(f"profit.refunds_by.{k}"),
    )
    c2.toggle(t("profit.landed_toggle"), key=LANDED_KEY, help=t("profit.landed_help"))
    views = [
        "store",
        *[f"channel:{c}" for c in res.by_channel["channel"]],
        *[f"sku:{s}" for s in res.by_sku["sku"]],
    ]
    view = c3.selectbox(
        t("profit.view"),
        views,
        key=VIEW_KEY,
        format_func=lambda v: t("profit.view.store") if v == "store" else v.split(":", 1)[1] or "—",
    )
    with st.expander(t("profit.other_costs")):
        st.caption(t("profit.other_costs_help"))
        st.data_editor(_other_base(), num_rows="dynamic", key=OTHER_KEY, width="stretch", hide_index=True)
    if not has_report:
        st.info(t("profit.no_report"), icon=":material/info:")
    s = res.store
    losing = int((res.by_sku["net"] < 0).sum())
    for col, label, value in zip(
        st.columns(5),
        ("net", "margin", "net_per_unit", "refunds", "losing"),
        (
            _money(s["net"], cur),
            "—" if s["margin"] != s["margin"] else f"{s['margin'] * 100:.1f}%",
            "—" if s["net_per_unit"] != s["net_per_unit"] else _money(s["net_per_unit"], cur),
            _money(s["refunds"], cur),
            f"{losing}",
        ),
    ):
        col.metric(t(f"profit.kpi.{label}"), value)
    kind, _, name = view.partition(":")
    steps = res.waterfall(sku=name if kind == "sku" else None, channel=name if kind == "channel" else None)
    st.subheader(t("profit.waterfall"))
    st.altair_chart(waterfall_chart(steps, cur, t), width="stretch")
    st.caption(t("profit.sources"))
    st.subheader(t("profit.findings"))
    if not findings:
        st.success(t("profit.no_findings"), icon=":material/check_circle:")
    for f in findings:
        box = st.error if f.code == "sku_loses_money" else st.warning
        box(escape_markdown(pd.Series([f.message(ctx.lang)])).iloc[0], icon=":material/paid:")
    st.subheader(t("profit.skus"))
    table, config = sku_table(res.by_sku, cur, t)
    st.dataframe(table, hide_index=True, width="stretch", column_config=config)
    st.subheader(t("profit.channels"))
    ch = res.by_channel[
        ["channel", "units", "gross_sales", "refunds", "fees", "shipping", "cogs", "ads", "other", "net"]
    ]
    st.dataframe(
        ch.rename(columns={c: t(f"profit.col.{c}") for c in ch.columns}),
        hide_index=True,
        width="stretch",
        column_config={
            t(f"profit.col.{c}"): st.column_config.NumberColumn(format=f"%.2f {cur}")
            for c in ch.columns
            if c not in ("channel", "units")
        },
    )
    for note in res.note_texts(ctx.lang):
        st.caption(escape_markdown(pd.Series([note])).iloc[0])
    sheets, formats = pf.export_frames(res, ctx.lang, findings)
    st.download_button(
        t("profit.download"),
        write_workbook(sheets, number_formats=formats),
        file_name=f"profit_{res.start:%Y-%m-%d}_{res.end:%Y-%m-%d}.xlsx",
        mime=XLSX,
        key="profit_xlsx",
    )
