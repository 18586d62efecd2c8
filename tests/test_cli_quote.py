"""``python -m cbe_core quote``: the JSON shape of the issue, text output, own rate cards, errors."""

from __future__ import annotations

import json

import pytest

from cbe_core.__main__ import main

BASE = ["quote", "--weight-kg", "0.8", "--dims", "30x20x10", "--value", "25", "--date", "2026-11-25"]
OPTION_KEYS = {
    "service",
    "mode",
    "feasible",
    "reason",
    "chargeable_weight_kg",
    "cost_breakdown",
    "expected_cost_per_order",
    "landed_cost",
    "p50_days",
    "p90_days",
    "on_time_probability",
}


def run_json(capsys, *extra):
    assert main([*BASE, *extra, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_has_exactly_the_documented_shape(capsys):
    out = run_json(capsys, "--dest", "US", "--promise-days", "10", "--units-per-month", "500")
    assert set(out) == {"options", "recommendation"}
    assert set(out["recommendation"]) == {"cheapest", "fastest", "best_value"}
    services = {o["service"] for o in out["options"]}
    assert set(out["recommendation"].values()) <= services
    for o in out["options"]:
        assert set(o) == OPTION_KEYS
        assert o["feasible"] and o["reason"] is None
        assert (
            o["expected_cost_per_order"]
            >= sum(v for k, v in o["cost_breakdown"].items() if k != "vat") - 1e-3
        )
        assert 0 <= o["on_time_probability"] <= 1 and o["p50_days"] <= o["p90_days"]


def test_infeasible_option_has_a_reason_and_no_cost(capsys):
    out = run_json(capsys, "--dest", "DE", "--weight-kg", "3.0")  # postal carries at most 2 kg
    postal = next(o for o in out["options"] if o["mode"] == "postal")
    assert postal["feasible"] is False and "2 kg" in postal["reason"]
    assert postal["cost_breakdown"] is None and postal["expected_cost_per_order"] is None
    assert postal["landed_cost"] is None


def test_own_rate_cards_with_chinese_headers_replace_the_defaults(capsys, data_dir):
    out = run_json(capsys, "--dest", "US", "--rate-cards", str(data_dir / "logistics" / "my_cards.csv"))
    assert {o["service"] for o in out["options"]} == {"My line", "My express"}
    line = next(o for o in out["options"] if o["service"] == "My line")
    # 30x20x10 cm without a divisor: 0.8 kg x 10 + 2 = 10.00 postage
    assert line["cost_breakdown"]["shipping"] == pytest.approx(10.0)


def test_text_output_lists_every_option_and_the_recommendation_in_chinese(capsys):
    assert main([*BASE, "--dest", "JP", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "最便宜" in out and "性价比最高" in out and "Express courier" in out
    assert "FBA 配送费" in out and "头程" in out  # the cost breakdown under each option


def test_bad_dims_exit_2_with_a_message(capsys):
    assert main(["quote", "--weight-kg", "1", "--dims", "30x20", "--value", "5", "--dest", "US"]) == 2
    assert "LxWxH" in capsys.readouterr().err


def test_unknown_market_exit_2(capsys):
    assert main([*BASE, "--dest", "BR", "--lang", "zh"]) == 2
    assert "BR" in capsys.readouterr().err
