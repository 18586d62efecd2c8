"""Journey: the store is still there next week.

Import orders into a new store, restart the server, open the app: the store is there without any
upload. Mark the weekly review done. Import an overlapping later export (with lines cancelled since):
the counts are right. The next review starts the day after the marked one. Screenshots of the home
page and the sidebar in both languages. The server runs on a workspace in a throw-away folder.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from cbe_core.i18n import t
from cbe_core.ingest import read_table
from cbe_core.workspace import Workspace

from .conftest import CHROMIUM, ROOT, exception_text, shot, wait_idle

pytestmark = pytest.mark.e2e
CUTOFF = "2026-10-11 23:59:59"   # the first export ends on Sunday 11 October (week 2026-W41)
LATER = "2026-09-01"             # the second starts on 1 September and runs to the end
CANCELLED = 5                    # lines of the overlap that were cancelled since the first export


def _start(workspace: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, CBE_WORKSPACE=str(workspace), STREAMLIT_SERVER_HEADLESS="true",
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("streamlit did not start")
        time.sleep(0.2)  # polling interval for the health endpoint, not a wait for the app


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict:
    """Two order exports cut from the sample store, overlapping from 1 September to 11 October; in
    the second, CANCELLED lines completed in the first were cancelled since."""
    folder = tmp_path_factory.mktemp("exports")
    orders = pd.read_csv(ROOT / "sample_data" / "orders.csv", dtype=str, keep_default_na=False)
    first = orders.loc[orders["order_date"] <= CUTOFF]
    second = orders.loc[orders["order_date"] >= LATER].copy()
    overlap = second["order_date"] <= CUTOFF
    flip = second.index[overlap & (second["status"] == "completed")][:CANCELLED]
    second.loc[flip, "status"] = "cancelled"
    first.to_csv(folder / "orders-to-oct-11.csv", index=False)
    second.to_csv(folder / "orders-sep-oct.csv", index=False)
    return {"first": folder / "orders-to-oct-11.csv", "second": folder / "orders-sep-oct.csv",
            "added": int((~overlap).sum()), "updated": CANCELLED,
            "unchanged": int(overlap.sum()) - CANCELLED}


@pytest.fixture
def page(_browser):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found")
    context = _browser.new_context(viewport={"width": 1440, "height": 1000})
    p = context.new_page()
    p.set_default_timeout(120_000)
    yield p
    context.close()


def _open(page, base: str, path: str = "", lang: str = "en") -> None:
    page.goto(f"{base}/{path}" + (f"?lang={lang}" if lang != "en" else ""))
    wait_idle(page)
    assert not exception_text(page)


def _import(page, store: str, file: Path) -> None:
    box = page.locator(".st-key-ws_import_store input")
    box.fill(store)
    box.press("Enter")
    wait_idle(page)
    page.locator(".st-key-ws_import_file input[type='file']").set_input_files(str(file))
    wait_idle(page)
    page.locator(".st-key-ws_import_go button").click()
    wait_idle(page)
    assert not exception_text(page)


def test_the_store_is_still_there_next_week(page, tmp_path, exports):
    ws_path = tmp_path / "workspace.duckdb"
    proc, base = _start(ws_path)
    try:
        _open(page, base, "Workspace")
        _import(page, "E2E shop", exports["first"])
        page.get_by_text("Orders: 12,").first.wait_for()  # "Orders: 12,xxx added, 0 updated..."
    finally:
        _stop(proc)

    proc, base = _start(ws_path)  # a new server: nothing in memory, nothing uploaded
    try:
        _open(page, base)
        page.get_by_text(t("review.ui.title", "en"), exact=True).first.wait_for()
        sidebar = page.locator("[data-testid='stSidebar']")
        sidebar.get_by_text("E2E shop").first.wait_for()
        sidebar.get_by_text("2025-05-01 → 2026-10-11").first.wait_for()
        page.get_by_text("First review: week 2026-W41").first.wait_for()
        page.get_by_text(t("review.customers", "en"), exact=True).first.wait_for()
        shot(page, "workspace_home_en")
        page.locator(".st-key-review_done button").click()
        wait_idle(page)
        page.get_by_text("You are up to date").first.wait_for()
        mark = Workspace(ws_path).last_review("E2E shop")
        assert str(mark["period_end"].date()) == "2026-10-11"

        _open(page, base, "Workspace")
        _import(page, "E2E shop", exports["second"])
        e = exports
        page.get_by_text(f"Orders: {e['added']:,} added, {e['updated']:,} updated, {e['unchanged']:,} "
                         f"unchanged, 0 duplicates.").first.wait_for()
        orders = Workspace(ws_path).load("E2E shop")["orders"]
        sample = read_table(ROOT / "sample_data" / "orders.csv", "orders")[0]
        assert len(orders) == len(sample)
        assert int(orders["cancelled"].sum()) == int(sample["cancelled"].sum()) + CANCELLED

        _open(page, base)  # the next review starts the day after the marked one
        page.get_by_text("2026-10-12 → 2026-10-25, up to week 2026-W43").first.wait_for()
        page.get_by_text(t("review.customers", "en"), exact=True).first.wait_for()
        shot(page, "workspace_home_review_en")
        _open(page, base, lang="zh")
        page.get_by_text(t("review.customers", "zh"), exact=True).first.wait_for()
        shot(page, "workspace_home_review_zh")
        for lang in ("zh", "en"):
            _open(page, base, "Workspace", lang=lang)
            page.get_by_text(t("ws.ui.import", lang), exact=True).first.wait_for()
            shot(page, f"workspace_stores_{lang}")
    finally:
        _stop(proc)
