"""``python -m cbe_core competitors``: text, JSON, Excel and error messages."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cbe_core.__main__ import main
from tests.test_competitors import snapshots


@pytest.fixture()
def files(tmp_path):
    comp = tmp_path / "competitors.csv"
    snapshots().to_csv(comp, index=False)
    rev = tmp_path / "reviews.csv"
    rows = [("B", "2026-01-01", 5, "Love the battery life.")] * 30 + [("B", "2026-01-01", 5, "Nice.")] * 5
    rows += ([("A", "2026-01-01", 5, "Nice colour and sturdy.")] * 30
             + [("A", "2026-01-01", 5, "Love the battery life.")] * 2)
    pd.DataFrame(rows, columns=["product_id", "date", "rating", "text"]).to_csv(rev, index=False)
    return comp, rev


def test_text_output_lists_lags_with_moves(files, capsys):
    comp, rev = files
    assert main(["competitors", "--competitors", str(comp), "--reviews", str(rev)]) == 0
    out = capsys.readouterr().out
    assert "Latest snapshot 2026-01-12" in out
    assert "Our lamp is priced 33% above the competitors' median (Brite is the cheapest)." in out
    assert "-> Close the price gap" in out
    assert "Brite's reviews praise \"battery life\"" in out
    assert "Brite (Brite lamp) gained 22.5 points of share in lamps." in out


def test_json_output_in_chinese(files, capsys, tmp_path):
    comp, rev = files
    out_xlsx = tmp_path / "cmp.xlsx"
    assert main(["competitors", "--competitors", str(comp), "--reviews", str(rev), "--json", "--lang", "zh",
                 "--out", str(out_xlsx)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2026-01-12"
    price = next(g for g in data["gaps"] if g["dimension"] == "price")
    assert price["status"] == "lag" and price["gap"] == pytest.approx(30 / 22.5)
    assert "高 33%" in price["text"] and price["move_text"]
    assert data["features"][0]["phrase"] == "battery life"
    assert out_xlsx.read_bytes()[:2] == b"PK"


def test_missing_column_is_a_message_not_a_traceback(tmp_path, capsys):
    path = tmp_path / "c.csv"
    snapshots().drop(columns=["price"]).to_csv(path, index=False)
    assert main(["competitors", "--competitors", str(path)]) == 2
    err = capsys.readouterr().err
    assert "price" in err and "Traceback" not in err
