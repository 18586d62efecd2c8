"""AppTest runner shared by the page tests (tests/ is on sys.path under pytest)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_page(page: str, lang: str = "en", *, query: dict | None = None, state: dict | None = None,
             timeout: int = 180):
    """Run ``pages/<page>`` with Streamlit's AppTest on the bundled sample store and assert it raised
    nothing. ``query`` seeds the URL's query string (the language goes there too), ``state`` seeds
    ``st.session_state`` before the run."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=timeout)
    if lang != "en":
        at.query_params["lang"] = lang
    for k, v in (query or {}).items():
        at.query_params[k] = v
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
