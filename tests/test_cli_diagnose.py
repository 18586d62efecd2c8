"""``python -m cbe_core diagnose`` and ``abtest`` end to end on small real-shaped files."""

from __future__ import annotations

import json
import re

import pytest

from cbe_core.__main__ import main

DIAG = "tests/data/diagnostics"


def _run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_diagnose_json_reads_a_business_report_for_the_chosen_period(capsys, root, monkeypatch):
    monkeypatch.chdir(root)
    code, out, err = _run(capsys, ["diagnose", "--orders", f"{DIAG}/orders.csv", "--traffic",
                                   f"{DIAG}/business_report_child.csv", "--products", f"{DIAG}/products.csv",
                                   "--from", "2026-09-01", "--to", "2026-09-30", "--json"])
    assert code == 0, err
    data = json.loads(out)
    v = data["kpis"]["values"]
    assert v["revenue"] == pytest.approx(131.46)
    assert v["orders"] == 5
    assert v["sessions"] == pytest.approx(1234 + 845 + 916)
    assert v["conversion_rate"] == pytest.approx(5 / 2995)
    assert v["buy_box_pct"] == pytest.approx((0.985 * 1234 + 0.62 * 845 + 1.0 * 916) / 2995)
    assert v["ad_spend"] is None and data["kpis"]["not_available"]["ad_spend"] == "diag.na.no_ads"
    assert data["kpis"]["previous"]["revenue"] == pytest.approx(19.99)
    (f,) = [f for f in data["findings"] if f["code"] == "low_buy_box"]
    assert f["slice"] == "HOM-002" and f["severity"] in ("high", "medium", "low")
    assert f["money_at_stake"] == pytest.approx(24.5 * (0.95 / 0.62 - 1), abs=0.01)
    assert "HOM-002" in f["message"] and "62.0%" in f["message"]
    assert {"code", "severity", "slice", "evidence", "money_at_stake", "message"} <= set(f)
    # one traffic source only: no concentration finding
    assert not [f for f in data["findings"] if f["code"] == "source_concentration"]


def test_diagnose_business_report_without_a_period_is_refused(capsys, root, monkeypatch):
    monkeypatch.chdir(root)
    code, out, err = _run(capsys, ["diagnose", "--orders", f"{DIAG}/orders.csv", "--traffic",
                                   f"{DIAG}/business_report_child.csv"])
    assert code == 2
    assert "Traceback" not in err and err.strip()


def test_diagnose_text_in_chinese(capsys, root, monkeypatch):
    monkeypatch.chdir(root)
    code, out, err = _run(capsys, ["diagnose", "--orders", f"{DIAG}/orders.csv", "--lang", "zh"])
    assert code == 0, err
    assert "销售额" in out and "131.46" not in out  # whole range: Aug + Sep
    assert "151.45" in out


def test_diagnose_bad_slice_and_bad_date_exit_2(capsys, root, monkeypatch):
    monkeypatch.chdir(root)
    code, _, err = _run(capsys, ["diagnose", "--orders", f"{DIAG}/orders.csv", "--slice", "colour=red"])
    assert code == 2 and "colour" in err
    code, _, err = _run(capsys, ["diagnose", "--orders", f"{DIAG}/orders.csv", "--from", "yesterday-ish"])
    assert code == 2 and "YYYY-MM-DD" in err


def test_diagnose_sample_store_json_finds_the_planted_situations(capsys, root, monkeypatch):
    monkeypatch.chdir(root)
    code, out, err = _run(capsys, ["diagnose", "--orders", "sample_data/orders.csv", "--traffic",
                                   "sample_data/traffic.csv", "--ads", "sample_data/ads.csv", "--products",
                                   "sample_data/products.csv", "--json"])
    assert code == 0, err
    codes = {f["code"] for f in json.loads(out)["findings"]}
    assert {"high_traffic_low_conversion", "high_conversion_low_aov", "campaign_below_break_even",
            "conversion_rate_drop", "source_concentration", "high_bounce", "ad_spend_spike"} <= codes


def test_abtest_json_worked_example(capsys):
    code, out, err = _run(capsys, ["abtest", "--a-sessions", "1000", "--a-orders", "50",
                                   "--b-sessions", "1000", "--b-orders", "70", "--json"])
    assert code == 0, err
    d = json.loads(out)
    assert d["rate_a"] == 0.05 and d["rate_b"] == 0.07
    assert d["relative_lift"] == pytest.approx(0.4)
    assert d["ci_low"] == pytest.approx(-0.015576, abs=1e-6)
    assert d["ci_high"] == pytest.approx(0.991012, abs=1e-6)
    assert d["p_value"] == pytest.approx(0.059686, abs=1e-6)
    assert d["prob_b_beats_a"] == pytest.approx(0.96985, abs=1e-4)
    assert d["verdict"] == "keep_testing"


def test_abtest_text_in_chinese_and_bad_counts(capsys):
    code, out, _ = _run(capsys, ["abtest", "--a-sessions", "20000", "--a-orders", "400",
                                 "--b-sessions", "20000", "--b-orders", "520", "--lang", "zh"])
    assert code == 0 and "采用 B" in out
    code, _, err = _run(capsys, ["abtest", "--a-sessions", "10", "--a-orders", "50", "--b-sessions", "10",
                                 "--b-orders", "1"])
    assert code == 2 and re.search("more orders", err)
