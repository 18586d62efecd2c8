"""AppTest: the workspace as a data source, the stores page and the weekly review on the home page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cbe_core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("orders", "traffic", "ads", "products", "competitors")


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> Path:
    """A workspace holding the sample store's tables as the store 'Demo <b>'."""
    path = tmp_path_factory.mktemp("ws") / "ws.duckdb"
    ws = Workspace(path)
    for name in TABLES:
        ws.import_file("Demo <b>", name, ROOT / "sample_data" / f"{name}.csv")
    return path


def run(script: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / script), default_timeout=180)
    if lang != "en":
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_opening_the_app_restores_the_last_store_without_an_upload(stored, monkeypatch, lang):
    monkeypatch.setenv("CBE_WORKSPACE", str(stored))
    at = run("app.py", lang)
    assert at.session_state["cbe_source"] == "workspace"
    assert at.sidebar.selectbox(key="ws_store_select").value == "Demo <b>"
    headers = [h.value for h in at.header]
    assert ("Since your last review" if lang == "en" else "自上次复盘以来") in headers
    assert len(at.metric) >= 4
    info = " ".join(i.value for i in at.info)
    assert "Demo \\<b\\>" in info  # the store name is data: escaped for Markdown


def test_marking_the_review_done_starts_the_next_review_after_it(tmp_path, stored, monkeypatch):
    import shutil

    path = tmp_path / "ws.duckdb"
    shutil.copy(stored, path)
    monkeypatch.setenv("CBE_WORKSPACE", str(path))
    at = run("app.py")
    at.button(key="review_done").click().run()
    assert not at.exception
    mark = Workspace(path).last_review("Demo <b>")
    assert mark is not None and str(mark["period_end"].date()) == "2026-10-25"
    assert "You are up to date" in " ".join(i.value for i in at.info)
    assert at.button(key="review_done").disabled


def test_a_damaged_workspace_gets_a_message_and_the_app_runs_on_the_sample(tmp_path, monkeypatch):
    bad = tmp_path / "ws.duckdb"
    bad.write_bytes(b"not a database" * 100)
    monkeypatch.setenv("CBE_WORKSPACE", str(bad))
    at = run("app.py")
    assert at.session_state["cbe_source"] == "sample"
    assert any("is damaged" in e.value for e in at.sidebar.error)
    assert at.dataframe  # the data health table of the sample store


def test_the_sample_store_is_never_written_into_a_workspace(tmp_path, monkeypatch):
    path = tmp_path / "ws.duckdb"
    monkeypatch.setenv("CBE_WORKSPACE", str(path))
    at = run("app.py")
    at.switch_page("pages/7_Workspace.py")
    at.run()
    assert not at.exception
    assert not path.exists()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_stores_page_shows_the_open_store(stored, monkeypatch, lang):
    monkeypatch.setenv("CBE_WORKSPACE", str(stored))
    at = run("app.py", lang)
    at.switch_page("pages/7_Workspace.py")
    at.run()
    assert not at.exception
    assert at.dataframe and len(at.dataframe[0].value) == len(TABLES)
    assert at.title[0].value == ("Which stores are kept here, and what is in them?" if lang == "en"
                                 else "这里保存了哪些店铺，各有哪些数据？")


def test_copying_the_sample_store_happens_only_on_request(tmp_path, monkeypatch):
    path = tmp_path / "ws.duckdb"
    monkeypatch.setenv("CBE_WORKSPACE", str(path))
    at = run("pages/7_Workspace.py")
    assert not path.exists()
    at.button(key="ws_sample_go").click().run()
    assert not at.exception
    ws = Workspace(path)
    assert [s.name for s in ws.stores()] == ["Sample store"]
    assert {t.table for t in ws.summary("Sample store").tables} >= {"orders", "traffic", "competitors"}


def test_the_app_takes_a_workspace_option_then_the_environment(monkeypatch, tmp_path):
    import sys

    from ui.workspace import workspace_path

    monkeypatch.setenv("CBE_WORKSPACE", str(tmp_path / "env.duckdb"))
    monkeypatch.setattr(sys, "argv", ["app.py"])
    assert workspace_path() == str(tmp_path / "env.duckdb")
    monkeypatch.setattr(sys, "argv", ["app.py", "--workspace", str(tmp_path / "opt.duckdb")])
    assert workspace_path() == str(tmp_path / "opt.duckdb")
