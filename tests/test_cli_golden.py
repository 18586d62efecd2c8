"""The command line's JSON on the sample store, pinned byte for byte.

Refactors must not change what a script reading our JSON sees. When a change is meant to alter an output,
regenerate the pinned files with ``CBE_UPDATE_GOLDEN=1 python -m pytest tests/test_cli_golden.py`` and
say why in the commit.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cbe_core.__main__ import main

GOLDEN = Path(__file__).resolve().parent / "data" / "cli_golden"
S = "sample_data"

COMMANDS = {
    "validate_orders": ["validate", "orders", f"{S}/orders.csv", "--json"],
    "validate_traffic": ["validate", "traffic", f"{S}/traffic.csv", "--json"],
    "diagnose": ["diagnose", "--orders", f"{S}/orders.csv", "--traffic", f"{S}/traffic.csv",
                 "--ads", f"{S}/ads.csv", "--products", f"{S}/products.csv",
                 "--from", "2026-10-01", "--to", "2026-10-31", "--json"],
    "diagnose_last_year": ["diagnose", "--orders", f"{S}/orders.csv", "--traffic", f"{S}/traffic.csv",
                           "--compare", "last_year", "--from", "2026-09-01", "--to", "2026-09-30", "--json"],
    "competitors": ["competitors", "--competitors", f"{S}/competitors.csv", "--reviews", f"{S}/reviews.csv",
                    "--json"],
    "quote": ["quote", "--weight-kg", "0.8", "--dims", "30x20x10", "--value", "25", "--dest", "US",
              "--date", "2026-11-15", "--json"],
    "quote_de": ["quote", "--weight-kg", "2.5", "--dims", "40x30x20", "--value", "120", "--dest", "DE",
                 "--date", "2026-08-01", "--json"],
    "rfm": ["rfm", f"{S}/orders.csv", "--json"],
    "clv": ["clv", f"{S}/orders.csv", "--calibration-end", "2026-04-30", "--holdout-end", "2026-10-31",
            "--json"],
    "cohorts": ["cohorts", f"{S}/orders.csv", "--json"],
    "abtest": ["abtest", "--a-sessions", "5000", "--a-orders", "150", "--b-sessions", "5000",
               "--b-orders", "190", "--json"],
    "profit": ["profit", "--orders", f"{S}/orders.csv", "--ads", f"{S}/ads.csv", "--products",
               f"{S}/products.csv", "--transactions", f"{S}/transactions.csv", "--from", "2026-08-01",
               "--to", "2026-10-31", "--json"],
    "restock": ["restock", "--orders", f"{S}/orders.csv", "--inventory", f"{S}/inventory.csv", "--products",
                f"{S}/products.csv", "--json"],
    "ads": ["ads", "--search-terms", f"{S}/search_terms.csv", "--products", f"{S}/products.csv",
            "--orders", f"{S}/orders.csv", "--ads", f"{S}/ads.csv", "--json"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS), ids=sorted(COMMANDS))
def test_cli_json_on_the_sample_store_is_unchanged(name, capsys, root, monkeypatch):
    monkeypatch.chdir(root)
    code = main(COMMANDS[name])
    out, err = capsys.readouterr()
    assert code == 0, err
    path = GOLDEN / f"{name}.json"
    if os.environ.get("CBE_UPDATE_GOLDEN") == "1":
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")
