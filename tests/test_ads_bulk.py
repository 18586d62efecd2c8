"""cbe_core.ads.bulk: the Amazon bulk operations file and the decisions workbook open and say the right
thing."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from test_ads import PRODUCTS, _big_pool, _report, _rows

from cbe_core.ads import analyse, bulk
from cbe_core.i18n import t

# the 48-column "Sponsored Products Campaigns" download layout as the research notes quote it
# (layouts_amazon.md 6a), kept as one comma-separated header line
DOCUMENTED = (  # noqa: SIM905
    "Product,Entity,Operation,Campaign ID,Ad Group ID,Portfolio ID,Ad ID,Keyword ID,Product Targeting ID,"
    "Campaign Name,Ad Group Name,Campaign Name (Informational only),Ad Group Name (Informational only),"
    "Portfolio Name (Informational only),Start Date,End Date,Targeting Type,State,"
    "Campaign State (Informational only),Ad Group State (Informational only),Daily Budget,SKU,ASIN,"
    "Eligibility Status (Informational only),Reason for Ineligibility (Informational only),"
    "Ad Group Default Bid,Ad Group Default Bid (Informational only),Bid,Keyword Text,"
    "Native Language Keyword,Native Language Locale,Match Type,Bidding Strategy,Placement,Percentage,"
    "Product Targeting Expression,Resolved Product Targeting Expression (Informational only),Impressions,"
    "Clicks,Click-through Rate,Spend,Sales,Orders,Units,Conversion Rate,ACOS,CPC,ROAS").split(",")


@pytest.fixture(scope="module")
def result():
    auto = {"ad_group": "Auto", "targeting": "loose-match", "match": "-"}
    st = _report(_big_pool(), _rows("handheld milk frother", 40, 6, days=20),
                 _rows("galaxy projector", 120, 0, days=40, **auto),
                 _rows("=HYPERLINK(1)", 120, 0, days=40, **auto))
    return analyse(st, PRODUCTS, settle_days=0)


def test_the_bulk_file_opens_with_the_documented_headers_and_rows(result):
    wb = openpyxl.load_workbook(io.BytesIO(bulk.bulk_workbook(result)))
    assert wb.sheetnames == ["Sponsored Products Campaigns"]
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header == DOCUMENTED and len(header) == 48
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    create = [r for r in rows if r["Entity"] == "Keyword" and r["Operation"] == "Create"]
    assert len(create) == 1
    kw = create[0]
    assert kw["Product"] == "Sponsored Products" and kw["Keyword Text"] == "handheld milk frother"
    assert kw["Match Type"] == "exact" and kw["State"] == "enabled" and kw["Bid"] == pytest.approx(0.6)
    assert kw["Campaign Name (Informational only)"] == "C1"
    assert kw["Ad Group Name (Informational only)"] == "Exact"
    assert kw["Campaign ID"] is None and kw["Keyword ID"] is None       # the report carries no IDs
    negatives = [r for r in rows if r["Entity"] == "Negative Keyword"]
    texts = {(r["Ad Group Name (Informational only)"], r["Keyword Text"]) for r in negatives}
    assert ("Broad", "handheld milk frother") in texts                   # the isolation move
    assert ("Auto", "galaxy projector") in texts
    assert all(r["Match Type"] == "negativeExact" and r["Operation"] == "Create" for r in negatives)
    # formula injection: a term that looks like a formula is written as text, never as a formula
    injected = [r for r in negatives if "HYPERLINK" in r["Keyword Text"]]
    assert injected and injected[0]["Keyword Text"] == "'=HYPERLINK(1)"
    updates = [r for r in rows if r["Operation"] == "Update"]
    assert updates and all(r["Bid"] > 0 for r in updates)
    assert {r["Entity"] for r in updates} <= {"Keyword", "Product Targeting"}


def test_bulk_rows_follow_the_decisions(result):
    frame = bulk.bulk_rows(result)
    assert list(frame.columns) == DOCUMENTED
    n_neg = len(result.negate) + int(result.harvest["negate_in_source"].sum())
    assert (frame["Entity"] == "Negative Keyword").sum() == n_neg
    assert (frame["Operation"] == "Update").sum() == len(result.bid_changes)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_decisions_workbook_has_every_sheet_with_reasons_in_the_sellers_language(result, lang):
    wb = openpyxl.load_workbook(io.BytesIO(bulk.decisions_workbook(result, lang)))
    keys = ("summary", "harvest", "negate", "bids", "gaps", "unused", "terms")
    assert wb.sheetnames == [t(f"ads.sheet.{k}", lang) for k in keys]
    neg = wb[t("ads.sheet.negate", lang)]
    header = [c.value for c in neg[1]]
    assert header[0] == t("ads.col.term", lang) and header[-1] == t("ads.col.reason", lang)
    reasons = [r[-1] for r in neg.iter_rows(min_row=2, values_only=True)]
    assert len(reasons) == len(result.negate) == 2
    word = "negative exact" if lang == "en" else "否定精准"
    assert all(word in r for r in reasons)
    summary = {r[0]: r[1] for r in wb[t("ads.sheet.summary", lang)].iter_rows(min_row=2, values_only=True)}
    assert summary[t("ads.sum.period", lang)] == f"{result.period['start']} .. {result.period['end']}"
    assert t("ads.sum.ids", lang) in summary


def test_bulk_rows_of_asin_terms_are_product_targets():
    st = _report(_big_pool(), _rows("b0abcdef12", 120, 0, days=40, ad_group="Auto", targeting="substitutes",
                                    match="-"))
    res = analyse(st, PRODUCTS, settle_days=0)
    frame = bulk.bulk_rows(res)
    neg = frame.loc[frame["Entity"] == "Negative Product Targeting"]
    assert neg["Product Targeting Expression"].tolist() == ['asin="B0ABCDEF12"']
    assert pd.isna(neg["Keyword Text"]).all()
