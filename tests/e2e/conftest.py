"""Real-browser fixtures: start ``streamlit run app.py`` on a free port and drive Debian's Chromium.

Every wait is on a condition (the app's health endpoint, Streamlit's status widget disappearing, no
skeleton placeholders left), never on a fixed sleep.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CBE_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
RUN_TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_server():
    """Base URL of a Streamlit server running the app on the bundled sample store."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)")
    port = _free_port()
    env = dict(os.environ, STREAMLIT_SERVER_HEADLESS="true", STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            proc.kill()
            pytest.fail(f"streamlit did not start:\n{out[-3000:]}")
        time.sleep(0.2)  # polling interval for the health endpoint, not a wait for the app
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def _browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_browser):
    context = _browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(RUN_TIMEOUT_MS)
    yield page
    context.close()


def wait_idle(page, timeout: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the script run has finished and no placeholder is left on the page.

    Every page starts with its title, so "a title is drawn" tells the first run has begun drawing
    (the status widget alone can be absent before the first run starts)."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function(
        """() => !document.querySelector("[data-testid='stStatusWidget']")
              && !document.querySelector("[data-testid='stSkeleton'], [data-testid='stSkeletonElement']")
              && document.querySelector("[data-testid='stMain'] h1")""",
        timeout=timeout,
    )
    # a rerun can start right after the first idle frame (e.g. query-param binding): require two
    # consecutive idle checks on animation frames
    page.wait_for_function(
        """() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() =>
              resolve(!document.querySelector("[data-testid='stStatusWidget']")))))""",
        timeout=timeout,
    )


def open_page(page, base: str, path: str = "", lang: str = "en") -> None:
    """Open ``base/path`` (``path`` is the page's URL name, e.g. ``"Diagnostics"``) in ``lang``."""
    url = f"{base}/{path}" + (f"?lang={lang}" if lang != "en" else "")
    page.goto(url)
    wait_idle(page)


def shot(page, name: str) -> Path:
    """Full-page screenshot under tests/e2e/screenshots/ (kept as CI output)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def exception_text(page) -> str:
    """Text of any Streamlit exception box on the page ('' when there is none)."""
    boxes = page.locator("[data-testid='stException']")
    return "\n".join(boxes.all_inner_texts()) if boxes.count() else ""
