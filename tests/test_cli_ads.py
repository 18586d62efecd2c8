"""``python -m cbe_core ads``: JSON shape, the files it writes, text in both languages, errors."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from cbe_core.__main__ import main

S = "sample_data"
BASE = ["ads", "--search-terms", f"{S}/search_terms.csv", "--products", f"{S}/products.csv",
        "--orders", f"{S}/orders.csv", "--ads", f"{S}/ads.csv"]


def test_json_has_the_documented_shape_and_the_planted_decisions(capsys, root, monkeypatch, tmp_path):
    monkeypatch.chdir(root)
    out_file = tmp_path / "bulk.xlsx"
    assert main([*BASE, "--json", "--out", str(out_file)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"period", "terms", "harvest", "negate", "bids", "wasted_spend"} <= set(data)
    assert data["period"]["settle_days"] == 3 and data["currency"] == "USD"
    h = {r["term"]: r for r in data["harvest"]}["handheld milk frother"]
    assert set(h) >= {"term", "campaign", "ad_group", "orders", "acos", "suggested_bid"}
    assert h["campaign"] == "SP - Coffee Corner" and h["orders"] == 7
    assert [r["term"] for r in data["negate"]] == ["galaxy star projector"]
    neg = data["negate"][0]
    assert set(neg) >= {"term", "campaign", "ad_group", "clicks", "spend", "orders", "p_value"}
    assert neg["clicks"] == 90 and neg["p_value"] < 0.05
    assert data["wasted_spend"] == neg["spend"]
    assert all(b["direction"] in ("up", "down") for b in data["bids"])
    assert {g["word"] for g in data["listing_gaps"]} == {"matcha", "whisk"}
    wb = openpyxl.load_workbook(io.BytesIO(out_file.read_bytes()))
    assert wb.sheetnames == ["Sponsored Products Campaigns"]


def test_a_flat_target_acos_changes_the_targets(capsys, root, monkeypatch):
    monkeypatch.chdir(root)
    assert main([*BASE, "--json", "--target-acos", "0.10"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(b["target_acos"] == 0.1 for b in data["bids"])
    assert all(h["acos"] <= 0.1 for h in data["harvest"])


@pytest.mark.parametrize("lang,word", [("en", "Add as exact"), ("zh", "加为精准词")])
def test_text_output_and_workbook_in_the_sellers_language(capsys, root, monkeypatch, tmp_path, lang, word):
    monkeypatch.chdir(root)
    book = tmp_path / "decisions.xlsx"
    assert main([*BASE, "--lang", lang, "--workbook", str(book)]) == 0
    out = capsys.readouterr().out
    assert word in out and "galaxy star projector" in out
    wb = openpyxl.load_workbook(io.BytesIO(book.read_bytes()))
    assert word in wb.sheetnames


def test_a_file_without_the_needed_columns_is_refused_in_words(capsys, tmp_path):
    bad = tmp_path / "st.csv"
    bad.write_text("Date,Campaign Name\n2026-01-01,C\n", encoding="utf-8")
    assert main(["ads", "--search-terms", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "search" in err.lower() and "Traceback" not in err
