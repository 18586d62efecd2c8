"""AppTest: the competitors page on the sample store, in both languages, and its filters."""

from __future__ import annotations

import pytest
from pagetest import run_page


def run(lang: str = "en", **params):
    return run_page("3_Competitors.py", lang, query=params)


@pytest.mark.parametrize("lang,title,feature",
                         [("en", "Where do competitors beat us", "praise \"battery life\""),
                          ("zh", "竞品在哪些方面领先我们", "“battery life”")],
                         ids=["en", "zh"])
def test_page_answers_first_and_finds_the_planted_competitor(lang, title, feature):
    at = run(lang)
    assert title in at.title[0].value
    assert len(at.metric) == 4
    answers = [e.value for e in at.error] + [w.value for w in at.warning]
    assert any(feature in a and "VoltPeak" in a for a in answers), answers
    assert len(at.dataframe) >= 4  # gaps, movers, features, phrases (x2)
    assert at.get("download_button")


def test_set_filter_from_the_url_narrows_the_page():
    at = run(comp_set="home")
    gaps = at.dataframe[0].value
    assert len(gaps) > 0
    answers = " ".join(e.value for e in at.error) + " ".join(w.value for w in at.warning)
    assert "Zestro" in answers  # C2 lives in home: the promo-heavy competitor leads the answer
    assert "VoltPeak" not in answers


def test_choosing_a_product_shows_only_its_gaps():
    at = run(comp_set="outdoor")
    select = at.selectbox(key="comp_product")
    pid = select.options[1]
    select.set_value(select.options[1]).run()
    assert not at.exception
    gaps = at.dataframe[0].value
    assert gaps.iloc[:, 0].nunique() == 1
    assert pid
