"""AppTest over the app shell: every page runs in both languages; the language follows the URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


def _run(page: str | None, lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if lang != "en":
        at.query_params["lang"] = lang
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", [None, *PAGES], ids=["home", *PAGES])
def test_every_page_runs_without_exception_in_both_languages(page, lang):
    at = _run(page, lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page starts with its question as a title"


def test_home_is_english_by_default_and_chinese_from_the_url():
    assert _run(None, "en").title[0].value == "CBE Decision Dashboard"
    assert _run(None, "zh").title[0].value == "跨境电商决策看板"


def test_home_lists_what_each_page_needs_and_the_data_health():
    at = _run(None, "en")
    text = " ".join(m.value for m in at.caption)
    assert "Needs: Orders" in text
    assert at.dataframe, "the data health table is shown"


def test_language_selector_switches_the_whole_ui():
    at = _run(None, "en")
    at.sidebar.selectbox(key="lang_select").select("zh").run()
    assert at.title[0].value == "跨境电商决策看板"
    labels = [r.label for r in at.sidebar.radio]
    assert labels == ["数据来源"]
    assert at.query_params["lang"] == "zh"
