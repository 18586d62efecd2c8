"""The decisions as files: Amazon's Sponsored Products bulk operations sheet and a plain workbook.

**Bulk operations file** (bulksheets 2.0), one sheet named ``Sponsored Products Campaigns`` with the 48
columns Amazon's own downloads carry (:data:`BULK_COLUMNS`, in Amazon's order). Sources, as gathered in
the project's research notes (``layouts_amazon.md`` section 6, 2026-11): the same 48 headers in three
independent code bases written against downloaded files (a mock generator's "Column names for Amazon
Bulk file", an ``SP_HEADERS`` list with the first 37, and a 54-column variant that appends six serving
status columns); values from bulk-sheet guides and validators (e.g. bulksheetpro.com, "Adding negative
keywords in bulk"). Amazon Ads' own bulksheet pages were not available to check. Rows written:

=================================  ===========  =========  =============================================
decision                           Entity       Operation  filled
=================================  ===========  =========  =============================================
harvest a term                     Keyword      Create     names, State ``enabled``, Bid, Keyword Text,
                                                           Match Type ``exact``
harvest an ASIN term               Product      Create     names, State, Bid, Product Targeting Expression
                                   Targeting               ``asin="B0..."``
negate a term / isolate a harvest  Negative     Create     names, State, Keyword Text, Match Type
                                   Keyword                 ``negativeExact``
negate an ASIN term                Negative     Create     names, State, Product Targeting Expression
                                   Product
                                   Targeting
change a bid                       Keyword /    Update     names, Bid, Keyword Text + Match Type (or the
                                   Product                 Product Targeting Expression) to find the row
                                   Targeting
=================================  ===========  =========  =============================================

Conflicts between the sources, and the choice made here (change :data:`NEGATIVE_EXACT` /
:data:`EXACT` if your account's download spells them otherwise):

- negative match types are written ``negativeExact`` / ``negativePhrase`` by four sources and the
  bulk-sheet guide, ``Negative Exact`` / ``Negative Phrase`` by five others: **``negativeExact``** is
  used (the Amazon Ads API spelling, which bulksheets 2.0 follow);
- positive match types ``Exact`` vs ``exact``: **``exact``** (the same convention as the negatives, and
  what downloads show);
- ``ASIN`` vs ``ASIN (Informational only)``: the 48-column download's **``ASIN``** is used (empty here);
- the short upload template spells ``Campaign Id`` and ``sku`` and omits the informational columns:
  not used; the download's headers are.

**IDs.** Amazon identifies existing campaigns, ad groups, keywords and targets by ID, and a search term
report carries none: ``Campaign ID``, ``Ad Group ID``, ``Keyword ID`` and ``Product Targeting ID`` are
left empty and the names go in the ``(Informational only)`` columns. Before uploading, copy the IDs
from your own bulk download (match on campaign, ad group and keyword); the decisions workbook says so.
Text cells are neutralised against formula injection by :func:`cbe_core.export.write_workbook` (a
keyword starting with ``=``, ``+``, ``-`` or ``@`` gets a leading apostrophe: check such rows by hand).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..export import write_workbook
from ..i18n import t
from . import explain

SHEET = "Sponsored Products Campaigns"
PRODUCT = "Sponsored Products"
EXACT = "exact"
NEGATIVE_EXACT = "negativeExact"
BULK_COLUMNS = (
    "Product", "Entity", "Operation", "Campaign ID", "Ad Group ID", "Portfolio ID", "Ad ID", "Keyword ID",
    "Product Targeting ID", "Campaign Name", "Ad Group Name", "Campaign Name (Informational only)",
    "Ad Group Name (Informational only)", "Portfolio Name (Informational only)", "Start Date", "End Date",
    "Targeting Type", "State", "Campaign State (Informational only)", "Ad Group State (Informational only)",
    "Daily Budget", "SKU", "ASIN", "Eligibility Status (Informational only)",
    "Reason for Ineligibility (Informational only)", "Ad Group Default Bid",
    "Ad Group Default Bid (Informational only)", "Bid", "Keyword Text", "Native Language Keyword",
    "Native Language Locale", "Match Type", "Bidding Strategy", "Placement", "Percentage",
    "Product Targeting Expression", "Resolved Product Targeting Expression (Informational only)",
    "Impressions", "Clicks", "Click-through Rate", "Spend", "Sales", "Orders", "Units", "Conversion Rate",
    "ACOS", "CPC", "ROAS",
)
_CAMP = "Campaign Name (Informational only)"
_AG = "Ad Group Name (Informational only)"
_KIND_MATCH = {"exact": "exact", "phrase": "phrase", "broad": "broad"}


def _asin_expression(term: str) -> str:
    return f'asin="{term.strip().upper()}"'


def _row(**cells) -> dict:
    return {"Product": PRODUCT, **cells}


def bulk_rows(result) -> pd.DataFrame:
    """The bulk operations rows of an :class:`~cbe_core.ads.decide.AdsResult` (columns
    :data:`BULK_COLUMNS`): harvests (and their isolation negatives), negatives, then bid changes."""
    rows: list[dict] = []
    for r in result.harvest.to_dict("records"):
        if r["dest_campaign"]:
            if r["target_type"] == "product":
                rows.append(_row(Entity="Product Targeting", Operation="Create", **{
                    _CAMP: r["dest_campaign"], _AG: r["dest_ad_group"], "State": "enabled",
                    "Bid": r["suggested_bid"], "Product Targeting Expression": _asin_expression(r["term"])}))
            else:
                rows.append(_row(Entity="Keyword", Operation="Create", **{
                    _CAMP: r["dest_campaign"], _AG: r["dest_ad_group"], "State": "enabled",
                    "Bid": r["suggested_bid"], "Keyword Text": r["term"], "Match Type": EXACT}))
        if r["negate_in_source"]:
            rows.append(_negative(r))
    for r in result.negate.to_dict("records"):
        rows.append(_negative(r))
    for r in result.bid_changes.to_dict("records"):
        cells = {_CAMP: r["campaign"], _AG: r["ad_group"], "Bid": r["suggested_bid"]}
        if r["entity"] == "keyword":
            cells |= {"Keyword Text": r["targeting"], "Match Type": _KIND_MATCH[r["match_kind"]]}
            rows.append(_row(Entity="Keyword", Operation="Update", **cells))
        else:
            cells |= {"Product Targeting Expression": r["targeting"]}
            rows.append(_row(Entity="Product Targeting", Operation="Update", **cells))
    frame = pd.DataFrame(rows, columns=list(BULK_COLUMNS))
    for c in BULK_COLUMNS:
        if c != "Bid":
            frame[c] = frame[c].astype("str").where(frame[c].notna(), None) if len(frame) else frame[c]
    frame["Bid"] = pd.to_numeric(frame["Bid"], errors="coerce").astype("float64")
    return frame


def _negative(r: dict) -> dict:
    names = {_CAMP: r["campaign"], _AG: r["ad_group"], "State": "enabled"}
    if r["target_type"] == "product":
        return _row(Entity="Negative Product Targeting", Operation="Create",
                    **names, **{"Product Targeting Expression": _asin_expression(r["term"])})
    return _row(Entity="Negative Keyword", Operation="Create",
                **names, **{"Keyword Text": r["term"], "Match Type": NEGATIVE_EXACT})


def bulk_workbook(result, path: str | Path | None = None) -> bytes:
    """The bulk operations file (xlsx bytes; also saved to ``path``)."""
    return write_workbook({SHEET: bulk_rows(result)}, path, number_formats={"Bid": "0.00"})


def _col(key: str, lang: str) -> str:
    return t(f"ads.col.{key}", lang)


def decision_sheets(result, lang: str = "en") -> dict[str, pd.DataFrame]:
    """The plain decisions workbook: summary, harvest, negate, bids, listing gaps, unused listing
    words and every search term, headers and reasons in ``lang``."""
    cur = result.currency
    p = result.period
    summary = pd.DataFrame({
        _col("item", lang): [t(f"ads.sum.{k}", lang) for k in (
            "period", "settled", "currency", "wasted", "wasted_30d", "saving", "harvest_terms",
            "harvest_orders", "negate_terms", "bid_changes", "ids")],
        _col("value", lang): [
            f"{p['start']} .. {p['end']}",
            t("ads.sum.settled_value", lang, days=p["settle_days"], end=p["report_end"]),
            cur or t("ads.currency.unknown", lang),
            explain.money(result.wasted_spend, cur), explain.money(result.wasted_30d, cur),
            explain.money(result.monthly_saving, cur), str(len(result.harvest)), str(result.harvest_orders),
            str(len(result.negate)), str(len(result.bid_changes)), t("ads.sum.ids_value", lang)],
    })
    notes = pd.DataFrame({_col("item", lang): t("ads.sum.note", lang),
                          _col("value", lang): [t(n.key, lang, **n.params) for n in result.notes]})
    sheets = {t("ads.sheet.summary", lang): pd.concat([summary, notes], ignore_index=True)}

    h = result.harvest
    sheets[t("ads.sheet.harvest", lang)] = pd.DataFrame({
        _col("term", lang): h["term"], _col("campaign", lang): h["campaign"],
        _col("ad_group", lang): h["ad_group"],
        _col("source_kind", lang): [explain.kind_name(k, lang) for k in h["source_kind"]],
        _col("sku", lang): h["sku"], _col("clicks", lang): h["clicks"], _col("spend", lang): h["spend"],
        _col("orders", lang): h["orders"], _col("sales", lang): h["sales"], _col("acos", lang): h["acos"],
        _col("target_acos", lang): h["target_acos"], _col("suggested_bid", lang): h["suggested_bid"],
        _col("dest_campaign", lang): h["dest_campaign"], _col("dest_ad_group", lang): h["dest_ad_group"],
        _col("negate_in_source", lang): h["negate_in_source"],
        _col("reason", lang): explain.harvest_reasons(h, cur, lang)})
    n = result.negate
    sheets[t("ads.sheet.negate", lang)] = pd.DataFrame({
        _col("term", lang): n["term"], _col("campaign", lang): n["campaign"],
        _col("ad_group", lang): n["ad_group"],
        _col("source_kind", lang): [explain.kind_name(k, lang) for k in n["source_kind"]],
        _col("sku", lang): n["sku"], _col("clicks", lang): n["clicks"], _col("spend", lang): n["spend"],
        _col("orders", lang): n["orders"], _col("p_value", lang): n["p_value"],
        _col("spend_30d", lang): n["spend_30d"], _col("monthly_saving", lang): n["monthly_saving"],
        _col("reason", lang): explain.negate_reasons(n, cur, lang, result.settings.rate_ratio)})
    b = result.bid_changes
    sheets[t("ads.sheet.bids", lang)] = pd.DataFrame({
        _col("campaign", lang): b["campaign"], _col("ad_group", lang): b["ad_group"],
        _col("targeting", lang): b["targeting"],
        _col("match_kind", lang): [explain.kind_name(k, lang) for k in b["match_kind"]],
        _col("clicks", lang): b["clicks"], _col("spend", lang): b["spend"], _col("sales", lang): b["sales"],
        _col("acos", lang): b["acos"], _col("target_acos", lang): b["target_acos"],
        _col("cpc", lang): b["cpc"],
        _col("suggested_bid", lang): b["suggested_bid"], _col("change", lang): b["change"],
        _col("direction", lang): [t(f"ads.dir.{d}", lang) for d in b["direction"]],
        _col("reason", lang): explain.bid_reasons(b, cur, lang, result.settings.max_change)})
    if result.coverage is not None:
        w = result.coverage.words
        sheets[t("ads.sheet.gaps", lang)] = pd.DataFrame({
            _col("sku", lang): w["sku"], _col("word", lang): w["word"], _col("orders", lang): w["orders"],
            _col("sales", lang): w["sales"], _col("terms", lang): w["terms"],
            _col("example", lang): w["example"]})
        u = result.coverage.unused
        sheets[t("ads.sheet.unused", lang)] = pd.DataFrame({
            _col("sku", lang): u["sku"], _col("word", lang): u["word"],
            _col("fields", lang): [", ".join(t(f"ads.field.{f}", lang) for f in fs.split(", ")) if fs else ""
                                   for fs in u["fields"]]})
    tm = result.terms
    sheets[t("ads.sheet.terms", lang)] = pd.DataFrame({
        _col("term", lang): tm["search_term"], _col("campaign", lang): tm["campaign"],
        _col("ad_group", lang): tm["ad_group"], _col("targeting", lang): tm["targeting"],
        _col("match_kind", lang): [explain.kind_name(k, lang) for k in tm["match_kind"]],
        _col("sku", lang): tm["sku"], _col("impressions", lang): tm["impressions"],
        _col("clicks", lang): tm["clicks"], _col("ctr", lang): tm["ctr"], _col("spend", lang): tm["spend"],
        _col("cpc", lang): tm["cpc"], _col("orders", lang): tm["orders"], _col("sales", lang): tm["sales"],
        _col("conversion", lang): tm["conversion"], _col("acos", lang): tm["acos"],
        _col("roas", lang): tm["roas"],
        _col("target_acos", lang): tm["target_acos"],
        _col("decision", lang): [t(f"ads.decision.{d}", lang) for d in tm["decision"]],
        _col("reason", lang): explain.term_reasons(tm, cur, lang)})
    return sheets


def decisions_workbook(result, lang: str = "en", path: str | Path | None = None) -> bytes:
    """The plain workbook of the decisions (xlsx bytes; also saved to ``path``)."""
    pcts = ("acos", "target_acos", "ctr", "conversion", "change")
    money = ("spend", "sales", "suggested_bid", "cpc", "spend_30d", "monthly_saving")
    formats = {_col(k, lang): "0.0%" for k in pcts} | {_col(k, lang): "#,##0.00" for k in money}
    formats[_col("p_value", lang)] = "0.000"
    return write_workbook(decision_sheets(result, lang), path, number_formats=formats)
