"""AppTest of pages/6_Ads.py on the bundled sample store, in both languages."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest
from pagetest import run_page
from streamlit.testing.v1 import AppTest

from cbe_core.i18n import t
from cbe_core.sample import ads as sa

PAGE = "6_Ads.py"


@pytest.fixture(scope="module", params=["en", "zh"])
def page(request):
    return request.param, run_page(PAGE, request.param)


def test_the_answer_comes_first_with_money_in_its_currency(page):
    lang, at = page
    assert at.title[0].value == t("ads.page.title", lang)
    metrics = {m.label: m.value for m in at.metric}
    for key in ("ads.kpi.wasted_30d", "ads.kpi.saving", "ads.kpi.harvest_orders", "ads.kpi.bid_changes"):
        assert t(key, lang) in metrics
    assert metrics[t("ads.kpi.wasted_30d", lang)].startswith("USD ")
    assert float(metrics[t("ads.kpi.wasted_30d", lang)].split()[1]) > 0
    # the planted terms are the top actions: S1 to add as exact, S2 to stop paying for
    assert sa.S1_TERM in at.success[0].value
    assert sa.S2_TERM in at.error[0].value
    assert at.info, "the bid change with most money behind it is shown"
    assert [tab.label for tab in at.tabs] == [t(f"ads.tab.{k}", lang)
                                              for k in ("terms", "scatter", "bids", "listing", "download")]
    captions = " ".join(c.value for c in at.caption)
    assert t("ads.note.settle", lang, days=3, start="X", end="Y").split("X")[0][:8] in captions
    if lang == "zh":
        assert re.search("[\u4e00-\u9fff]", at.dataframe[0].value.columns[0])


def test_terms_table_filters_by_decision(page):
    lang, at = page
    table = at.dataframe[0].value
    decision = t("ads.col.decision", lang)
    assert set(table[decision]) >= {t("ads.decision.negate", lang), t("ads.decision.watch", lang)}
    at.multiselect(key="ads_f_decision").set_value(["negate"]).run()
    assert not at.exception
    only = at.dataframe[0].value
    assert set(only[decision]) == {t("ads.decision.negate", lang)}
    assert only[t("ads.col.term", lang)].tolist() == [sa.S2_TERM]
    at.multiselect(key="ads_f_decision").set_value([]).run()


def test_listing_coverage_shows_the_planted_gap_and_downloads_are_offered(page):
    lang, at = page
    frames = [d.value for d in at.dataframe]
    word_col = t("ads.col.word", lang)
    gaps = next(f for f in frames if word_col in f.columns and t("ads.col.example", lang) in f.columns)
    assert set(gaps[word_col]) == set(sa.S4_MISSING)
    buttons = at.get("download_button")
    assert len(buttons) == 2


def test_a_flat_target_changes_the_decisions():
    at = run_page(PAGE, "en", state={"ads_target_mode": "flat", "ads_target": 5.0})
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("ads.kpi.harvest_orders", "en")] == "0"      # nothing converts under a 5% ACoS


def test_without_search_terms_the_page_says_which_file_it_needs():
    from ui.data import SOURCE_KEY, UPLOADS_KEY

    at = AppTest.from_file("../pages/6_Ads.py", default_timeout=180)
    at.session_state[SOURCE_KEY] = "upload"
    csv = pd.DataFrame({"order_id": ["A"], "order_date": ["2026-01-01"], "sku": ["S"], "quantity": [1],
                        "unit_price": [10.0]}).to_csv(index=False).encode()
    digest = hashlib.sha256(csv).hexdigest()
    at.session_state[UPLOADS_KEY] = {"orders": {"name": "o.csv", "data": csv, "digest": digest,
                                                "mapping": None, "period": None}}
    at.run()
    assert not at.exception
    assert t("table.search_terms", "en") in " ".join(w.value for w in at.warning)


def test_terms_with_markdown_in_their_names_are_escaped():
    from ui.data import SOURCE_KEY, UPLOADS_KEY

    days = pd.date_range("2026-09-01", periods=40, freq="D")
    rows = pd.DataFrame({"date": days.repeat(2), "campaign": "C*1*", "ad_group": "Auto",
                         "targeting": "loose-match", "match_type": "-",
                         "search_term": ["**bold** [link](http://x)", "good term"] * 40,
                         "impressions": 100, "clicks": [3, 3] * 40, "spend": [2.0, 2.0] * 40,
                         "orders": [0, 1] * 40, "sales": [0.0, 30.0] * 40})
    csv = rows.to_csv(index=False).encode()
    at = AppTest.from_file("../pages/6_Ads.py", default_timeout=180)
    at.session_state[SOURCE_KEY] = "upload"
    digest = hashlib.sha256(csv).hexdigest()
    at.session_state[UPLOADS_KEY] = {"search_terms": {"name": "st.csv", "data": csv, "digest": digest,
                                                      "mapping": None, "period": None}}
    at.session_state["ads_target_mode"] = "flat"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(e.value for e in at.error)
    assert "\\*\\*bold\\*\\* \\[link\\]\\(http://x\\)" in shown


def test_the_same_figures_per_campaign_add_up_to_the_decision_rows():
    at = run_page(PAGE, "en")
    decisions = at.dataframe[0].value
    at.segmented_control(key="ads_per").set_value("campaign").run()
    assert not at.exception, [e.value for e in at.exception]
    per = at.dataframe[0].value
    assert list(per.columns[:2]) == [t("ads.per.campaign", "en"), t("ads.col.impressions", "en")]
    clicks = t("ads.col.clicks", "en")
    assert per[clicks].sum() == decisions[clicks].sum()
    assert len(per) == 6                                   # the sample store's six campaigns


def test_without_costs_the_page_starts_on_one_target_figure():
    from ui.data import SOURCE_KEY, UPLOADS_KEY

    root = Path(__file__).resolve().parents[1]
    csv = pd.read_csv(root / "sample_data" / "search_terms.csv").head(3000).to_csv(index=False).encode()
    at = AppTest.from_file("../pages/6_Ads.py", default_timeout=180)
    at.session_state[SOURCE_KEY] = "upload"
    at.session_state[UPLOADS_KEY] = {"search_terms": {"name": "st.csv", "data": csv,
                                                      "digest": hashlib.sha256(csv).hexdigest(),
                                                      "mapping": None, "period": None}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="ads_target_mode").value == "flat"
    assert not at.error
    assert t("ads.kpi.bid_changes", "en") in [m.label for m in at.metric]
