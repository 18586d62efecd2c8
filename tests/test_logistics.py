"""Logistics core: hand-worked examples (sources in the comments) and invariants."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cbe_core import logistics as lg
from cbe_core.errors import DataError


def card(**kw) -> pd.DataFrame:
    row = {
        "service": "S",
        "mode": "dedicated_line",
        "dest": "US",
        "transit_days_min": 5,
        "transit_days_max": 10,
    }
    row.update(kw)
    return pd.DataFrame([row])


def one(weight=1.0, L=10.0, W=10.0, H=10.0, price=20.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sku": ["A"],
            "weight_kg": [weight],
            "length_cm": [L],
            "width_cm": [W],
            "height_cm": [H],
            "price": [price],
        }
    )


# --- chargeable weight -----------------------------------------------------------------------------
# DHL Express: L x W x H cm / 5000, rounded up to the next 0.5 kg (dhl-usa.com volumetric weight page)
@pytest.mark.parametrize(
    "weight,dims,divisor,minimum,rounding,expected",
    [
        (1.2, (40, 30, 20), 5000, np.nan, 0.5, 5.0),  # volumetric 24000/5000 = 4.8 -> 5.0
        (6.1, (40, 30, 20), 5000, np.nan, 0.5, 6.5),  # actual 6.1 > 4.8 -> 6.5
        (1.0, (10, 10, 10), 5000, np.nan, 0.5, 1.0),  # exactly on a step: no jump
        (0.8, (30, 20, 10), 6000, np.nan, 0.01, 1.0),  # 6000/6000 = 1.0
        (0.02, (10, 5, 2), 8000, 0.05, 0.01, 0.05),  # minimum chargeable 50 g
        (0.33, (10, 5, 2), np.nan, np.nan, np.nan, 0.33),  # no divisor, no rounding: actual weight
    ],
    ids=["volumetric-wins", "actual-wins", "on-step", "divisor-6000", "minimum", "plain"],
)
def test_chargeable_weight_worked_examples(weight, dims, divisor, minimum, rounding, expected):
    got = lg.chargeable_weight(weight, *dims, divisor, minimum, rounding)
    assert float(got) == pytest.approx(expected)


# --- pricing schemes ------------------------------------------------------------------------------
def test_per_kg_price_is_fee_plus_rate_times_weight():
    # 0.8 kg at 11.00/kg + 2.80 registration = 8.80 + 2.80 = 11.60
    assert float(lg.price_per_kg(0.8, 11.0, 2.8)) == pytest.approx(11.60)


@pytest.mark.parametrize(
    "kg,expected",
    [(0.3, 24.0), (0.5, 24.0), (0.51, 29.5), (2.0, 40.5)],
    ids=["below-first", "first", "one-step", "three-steps"],
)
def test_first_plus_extra_weight_price(kg, expected):
    # first 0.5 kg 24.00, each further 0.5 kg (or part) 5.50: 2.0 kg -> 24 + 3 x 5.5 = 40.50
    assert float(lg.price_first_extra(kg, 0.5, 24.0, 0.5, 5.5)) == pytest.approx(expected)


def test_weight_band_row_applies_and_never_costs_more_than_the_next_band():
    cards = pd.concat(
        [
            card(pricing="per_kg", per_kg_price=20.0, per_parcel_fee=3.0, band_max_kg=0.5, rounding_kg=0.01),
            card(pricing="per_kg", per_kg_price=10.0, per_parcel_fee=2.0, band_max_kg=2.0, rounding_kg=0.01),
        ]
    )
    # 1.0 kg sits in the second band: 2 + 10 x 1.0 = 12.00
    q = lg.quote_many(cards, one(weight=1.0), "US", on="2026-11-25")
    assert q["shipping"].iloc[0] == pytest.approx(12.0)
    # 0.2 kg in band 1: 3 + 20 x 0.2 = 7.00; band 2 at its lower bound 0.51 kg would be 7.10: band 1 applies
    q = lg.quote_many(cards, one(weight=0.2, L=5, W=5, H=5), "US", on="2026-11-25")
    assert q["shipping"].iloc[0] == pytest.approx(7.0)
    # 0.4 kg in band 1 = 3 + 8 = 11.00 but 0.51 kg in band 2 = 7.10: never charge more than that
    q = lg.quote_many(cards, one(weight=0.4, L=5, W=5, H=5), "US", on="2026-11-25")
    assert q["shipping"].iloc[0] == pytest.approx(7.10)


def test_weight_above_the_last_band_is_infeasible_with_a_reason():
    cards = card(pricing="per_kg", per_kg_price=10.0, per_parcel_fee=2.0, band_max_kg=2.0)
    q = lg.quote_many(cards, one(weight=3.0), "US", on="2026-11-25")
    assert not q["feasible"].iloc[0]
    assert q["reason"].iloc[0] == "logi.reason.beyond_bands"
    assert math.isnan(q["shipping"].iloc[0])


@pytest.mark.parametrize(
    "product,reason,actual,limit",
    [
        (one(weight=2.5), "logi.reason.too_heavy", 2.5, 2.0),
        (one(weight=0.5, L=70, W=10, H=5), "logi.reason.too_long", 70, 60),
        (one(weight=0.5, L=50, W=30, H=20), "logi.reason.too_big", 100, 90),
    ],
    ids=["weight", "longest-side", "sum-of-sides"],
)
def test_service_that_cannot_carry_the_parcel_says_why(product, reason, actual, limit):
    cards = card(
        mode="postal",
        pricing="per_kg",
        per_kg_price=11.0,
        max_weight_kg=2,
        max_side_cm=60,
        max_sum_sides_cm=90,
    )
    q = lg.quote_many(cards, product, "US", on="2026-11-25")
    row = q.iloc[0]
    assert not row["feasible"] and row["reason"] == reason
    assert row["reason_actual"] == pytest.approx(actual) and row["reason_limit"] == pytest.approx(limit)
    assert str(actual) in lg.describe_reason(row["reason"], row["reason_actual"], row["reason_limit"], "en")
    assert math.isnan(row["expected_cost_per_order"])


# --- overseas warehouse and FBA ----------------------------------------------------------------------
def test_overseas_warehouse_unit_cost_adds_first_leg_storage_pick_pack_and_last_mile():
    cards = card(
        mode="overseas_warehouse",
        first_leg_per_cbm=120.0,
        first_leg_fixed=150.0,
        storage_per_cbm_month=25.0,
        pick_pack_fee=3.0,
        last_mile_fee=5.5,
        lead_days_min=30,
        lead_days_max=30,
    )
    # 30 x 20 x 10 cm = 0.006 m3; 300 units/month, 60 days cover
    # -> 300 x 60 / 30.4375 = 591.38 units per shipment
    q = lg.quote_many(
        cards,
        one(weight=0.8, L=30, W=20, H=10, price=25),
        "US",
        on="2026-03-01",
        units_per_month=300,
        cover_days=60,
        holding_rate=0.0,
    )
    r = q.iloc[0]
    assert r["first_leg"] == pytest.approx(120 * 0.006 + 150 / (300 * 60 / 30.4375))  # 0.72 + 0.2536
    assert r["storage"] == pytest.approx(25 * 0.006 * 30 / 30.4375)  # 30 days in stock on average
    assert r["cost_per_order"] == pytest.approx(r["first_leg"] + r["storage"] + 3.0 + 5.5)


def test_holding_cost_charges_capital_tied_up_at_sea_and_on_the_shelf():
    cards = card(mode="overseas_warehouse", lead_days_min=30, lead_days_max=30, pick_pack_fee=1.0)
    q = lg.quote_many(cards, one(price=25), "US", on="2026-03-01", cover_days=60, holding_rate=0.15)
    # 25 x 0.15 x (30 + 30) / 365 = 0.6164
    assert q["holding"].iloc[0] == pytest.approx(25 * 0.15 * 60 / 365)


@pytest.mark.parametrize(
    "weight,dims,price,on,expected",
    [
        # 0.2 kg = 7.05 oz -> 8 oz; 20x15x1.5 cm = 7.9 x 5.9 x 0.59 in: small standard, $10-50 band,
        # 2026-01-15 card
        (0.2, (20, 15, 1.5), 19.99, "2026-03-01", 3.54),
        # same, after the 3.5% fuel and logistics surcharge of 2026-04-17: 3.54 x 1.035 = 3.66
        (0.2, (20, 15, 1.5), 19.99, "2026-11-25", 3.66),
        # 2024 card (2024-04-15 to 2026-01-14), low-price (< $10) rate for small standard <= 8 oz
        (0.2, (20, 15, 1.5), 9.99, "2025-06-01", 2.56),
        # 2.0 kg = 4.41 lb, 30x25x15 cm -> 686.6 in3 / 139 = 4.94 lb shipping weight: large standard
        # 6.97 + ceil((4.94 - 3) / 0.25) = 8 steps x 0.08 = 7.61
        (2.0, (30, 25, 15), 19.99, "2026-03-01", 7.61),
    ],
    ids=["small-std", "small-std-surcharge", "2024-low-price", "large-std-over-3lb"],
)
def test_fba_fulfilment_fee_worked_examples(weight, dims, price, on, expected):
    fee, tier, _ = lg.fba_fee(np.array([weight]), [dims[0]], [dims[1]], [dims[2]], [price], on=on)
    assert fee[0] == pytest.approx(expected, abs=0.005)


def test_fba_extra_large_item_is_not_quoted():
    cards = lg.default_rate_cards()
    cards = cards.loc[(cards["dest"] == "US") & (cards["mode"] == "fba")]
    q = lg.quote_many(cards, one(weight=10, L=150, W=80, H=80), "US", on="2026-11-25")
    assert set(q["reason"]) == {"logi.reason.fba_extra_large"}


# --- duties and VAT --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "dest,mode,value,freight,on,base,duty,vat,rule",
    [
        ("US", "postal", 25, 10, "2025-03-01", 0.0, 0.0, 0.0, "US-321"),  # $800 de minimis
        ("US", "postal", 25, 10, "2025-06-01", 0.0, 13.5, 0.0, "US-CN-postal-54"),  # 54% x 25
        ("US", "postal", 25, 10, "2026-03-01", 0.05, 2.5, 0.0, "US-S122-postal"),  # 10% replaces the rest
        ("US", "express", 25, 10, "2026-03-01", 0.05, 3.75, 0.0, "US-S122"),  # (10% + 5%) x FOB 25
        ("DE", "dedicated_line", 25, 10, "2026-03-01", 0.0, 0.0, 6.65, "DE-IOSS"),  # 19% x (25 + 10)
        # EUR 3 flat = 3 / 0.86 = 3.4884 USD; VAT 19% x (25 + 10 + 3.4884) = 7.3128
        ("DE", "dedicated_line", 25, 10, "2026-11-25", 0.0, 3 / 0.86, 0.19 * (35 + 3 / 0.86), "DE-IOSS-3EUR"),
        # 200 USD = 172 EUR > 150: 4% x CIF 210 = 8.40; VAT 19% x 218.40 = 41.496
        ("DE", "express", 200, 10, "2026-11-25", 0.04, 8.4, 41.496, "DE-over-150"),
        ("GB", "postal", 100, 10, "2026-11-25", 0.04, 0.0, 22.0, "GB-135"),  # 75 GBP: VAT 20% x 110
        ("JP", "postal", 50, 10, "2026-11-25", 0.05, 0.0, 0.0, "JP-10000"),  # 7,500 JPY: nothing
        # 15,000 JPY: 5% x CIF 110 = 5.50; consumption tax 10% x 115.50 = 11.55
        ("JP", "postal", 100, 10, "2026-11-25", 0.05, 5.5, 11.55, "JP-over-10000"),
    ],
    ids=[
        "us-321",
        "us-postal-54",
        "us-s122-postal",
        "us-s122-express",
        "eu-ioss",
        "eu-3eur",
        "eu-over-150",
        "uk-135",
        "jp-under",
        "jp-over",
    ],
)
def test_duty_and_vat_worked_examples(dest, mode, value, freight, on, base, duty, vat, rule):
    got = lg.duties([dest], [mode], [value], [freight], on, base_duty_rate=base).iloc[0]
    assert got["rule_id"] == rule
    assert got["duty"] == pytest.approx(duty, abs=1e-3)
    assert got["vat"] == pytest.approx(vat, abs=1e-3)


def test_us_rule_after_july_2026_is_flagged_unknown():
    got = lg.duties(["US"], ["postal"], [25], [10], "2026-11-25").iloc[0]
    assert got["rule_status"] == "unknown"
    q = lg.quote(0.5, "20x15x5", 25, "US", on="2026-11-25")
    assert "logi.note.duty_uncertain" in q.notes and "logi.note.estimate" in q.notes


def test_every_duty_rule_has_a_source_a_confidence_and_a_translated_note():
    from cbe_core import i18n

    rules = lg.default_duty_rules()
    assert rules["source"].str.len().min() > 10
    assert set(rules["confidence"]) <= {"official", "secondary", "weak"}
    assert all(i18n.has(k) for k in rules["note_key"])


def test_default_cards_cover_four_markets_and_five_modes_with_sources():
    cards = lg.default_rate_cards()
    assert set(cards["dest"]) == {"US", "DE", "GB", "JP"}
    for dest, g in cards.groupby("dest"):
        assert set(g["mode"]) == {"postal", "dedicated_line", "express", "overseas_warehouse", "fba"}, dest
    assert cards["source"].str.len().min() > 20 and cards["as_of"].notna().all()
    illustrative = cards["confidence"] == "illustrative"
    assert cards.loc[illustrative, "source"].str.contains("ILLUSTRATIVE").all()


# --- delivery time -----------------------------------------------------------------------------------
def test_card_range_is_the_p10_p90_of_a_lognormal():
    mu, sigma = lg.lognormal_from_range(7, 15)
    assert math.exp(mu) == pytest.approx(math.sqrt(7 * 15))  # median 10.25 days
    assert float(lg.on_time_probability(15, mu, sigma)) == pytest.approx(0.9)
    assert float(lg.on_time_probability(7, mu, sigma)) == pytest.approx(0.1)


def test_history_replaces_the_card_time_when_there_is_enough_of_it():
    cards = card(pricing="per_kg", per_kg_price=10.0, transit_days_min=5, transit_days_max=10)
    ship = pd.Timestamp("2026-10-01")
    days = np.array([20.0, 22.0, 24.0, 26.0, 28.0] * 8)
    hist = pd.DataFrame(
        {
            "service": "S",
            "dest": "US",
            "ship_date": ship,
            "status": "delivered",
            "delivery_date": ship + pd.to_timedelta(days, unit="D"),
        }
    )
    q = lg.quote_many(cards, one(), "US", on="2026-11-25", history=hist)
    assert q["time_source"].iloc[0] == "history"
    assert q["p50_days"].iloc[0] == pytest.approx(math.exp(np.log(days).mean()))


def test_expected_cost_adds_loss_and_late_cost():
    cards = card(
        pricing="per_kg",
        per_kg_price=10.0,
        per_parcel_fee=0.0,
        loss_rate=0.04,
        transit_days_min=5,
        transit_days_max=10,
    )
    q = lg.quote_many(cards, one(weight=1.0, price=20), "US", on="2026-03-01", promise_days=10, late_cost=5.0)
    r = q.iloc[0]
    # shipping 10; loss 4% x (goods 20 + reship 10) = 1.20; late 10% x 5 = 0.50; duty 10% x 20 = 2.00
    assert r["loss_cost"] == pytest.approx(1.2)
    assert r["late_cost"] == pytest.approx(0.5)
    assert r["expected_cost_per_order"] == pytest.approx(10 + 2.0 + 1.2 + 0.5)
    assert r["landed_cost"] == pytest.approx(20 + 10 + 2.0)


# --- trade-off ---------------------------------------------------------------------------------------
def test_pareto_front_keeps_only_undominated_points():
    cost = [10, 12, 8, 15, 9]
    days = [10, 8, 14, 9, 14]
    assert lg.pareto_front(cost, days).tolist() == [True, True, True, False, False]


def test_recommendation_picks_cheapest_fastest_and_best_value_under_constraints():
    opts = pd.DataFrame(
        {
            "service": ["slow", "mid", "fast", "bad"],
            "feasible": True,
            "expected_cost_per_order": [5.0, 8.0, 20.0, 25.0],
            "p90_days": [20.0, 9.0, 4.0, 12.0],
            "on_time_probability": [0.5, 0.92, 0.99, 0.9],
        }
    )
    _, rec = lg.recommend(opts, preference=0.5)
    assert rec == {"cheapest": "slow", "fastest": "fast", "best_value": "mid"}
    out, rec = lg.recommend(opts, min_on_time=0.9)
    assert rec["cheapest"] == "mid" and not out.loc[0, "eligible"]
    _, rec = lg.recommend(opts, min_on_time=0.999)
    assert rec == {"cheapest": None, "fastest": None, "best_value": None}


def test_quote_returns_a_recommendation_for_a_typical_parcel():
    q = lg.quote(0.8, "30x20x10", 25, "US", on="2026-11-25", promise_days=10)
    assert len(q.options) == 8 and q.options["feasible"].all()
    assert q.cheapest in set(q.options["service"])
    assert q.options.loc[q.options["service"] == q.best_value, "on_pareto"].item()


def test_mix_of_two_options_meets_the_target_at_the_lp_optimum():
    opts = pd.DataFrame(
        {
            "service": ["A", "B"],
            "mode": ["postal", "express"],
            "feasible": True,
            "expected_cost_per_order": [10.0, 20.0],
            "on_time_probability": [0.8, 1.0],
        }
    )
    m = lg.best_mix(opts, target=0.9, volume=1000)
    # 0.8 a + 1.0 b = 0.9, a + b = 1 -> a = b = 0.5, cost 15; each extra point costs 10 / 20 points = 0.50
    assert dict(zip(m.shares["service"], m.shares["share"])) == pytest.approx({"A": 0.5, "B": 0.5})
    assert m.cost_per_order == pytest.approx(15.0) and m.monthly_cost == pytest.approx(15000.0)
    assert m.marginal_cost_per_pp == pytest.approx(0.5)
    assert m.cheapest_single == "B" and m.cheapest_single_cost == 20.0
    assert m.curve["cost_per_order"].is_monotonic_increasing


def test_unreachable_target_gives_a_note_not_a_crash():
    opts = pd.DataFrame(
        {
            "service": ["A"],
            "mode": ["postal"],
            "feasible": True,
            "expected_cost_per_order": [10.0],
            "on_time_probability": [0.8],
        }
    )
    m = lg.best_mix(opts, target=0.95)
    assert not m.feasible and "logi.note.mix_infeasible" in m.notes


def test_monte_carlo_is_seeded_and_matches_the_mix_on_time_rate():
    q = lg.quote(0.8, "30x20x10", 25, "DE", on="2026-11-25", promise_days=10)
    shares = {"Dedicated line economy": 0.6, "Express courier": 0.4}
    a = lg.simulate_month(q.options, shares, orders=1000, runs=100, promise_days=10, seed=3)
    b = lg.simulate_month(q.options, shares, orders=1000, runs=100, promise_days=10, seed=3)
    np.testing.assert_array_equal(a.month_costs, b.month_costs)
    o = q.options.set_index("service")
    expected = sum(
        v * o.loc[s, "on_time_probability"] * (1 - o.loc[s, "loss_rate"]) for s, v in shares.items()
    )
    assert a.on_time_rate == pytest.approx(expected, abs=0.01)
    assert a.days_histogram["orders"].sum() == round(100_000 * (1 - a.loss_rate))
    assert a.cost_p05 <= a.cost_p50 <= a.cost_p95


# --- scorecard -----------------------------------------------------------------------------------------
def test_scorecard_counts_on_time_loss_and_transit_per_carrier():
    ship = pd.Timestamp("2026-10-01")
    s = pd.DataFrame(
        {
            "shipment_id": list("abcde"),
            "carrier": ["X", "X", "X", "X", "Y"],
            "ship_date": [ship] * 5,
            "status": ["delivered", "delivered", "delivered", "lost", "delivered"],
            "delivery_date": [ship + pd.Timedelta(days=d) for d in (4, 6, 12, 0, 3)],
            "promised_days": [10.0] * 5,
            "cs_response_hours": [10, 20, 30, np.nan, 5],
        }
    )
    s.loc[3, "delivery_date"] = pd.NaT
    sc = lg.carrier_scorecard(s).carriers.set_index("carrier")
    assert sc.loc["X", "loss_rate"] == pytest.approx(0.25)  # 1 lost of 4 resolved
    assert sc.loc["X", "on_time_rate"] == pytest.approx(2 / 3)  # 4 and 6 days within 10; 12 late
    assert sc.loc["X", "median_days"] == 6 and sc.loc["X", "cs_hours"] == 20
    assert sc.loc["Y", "score"] > sc.loc["X", "score"]


# --- reorder point ---------------------------------------------------------------------------------------
def test_reorder_point_with_demand_and_lead_time_variability():
    # Stevenson, Operations Management 14e, ch. 12: SS = z sqrt(L sd_d^2 + d^2 sd_L^2), ROP = d L + SS
    # d = 50/day, sd_d = 10, L = 30 days, sd_L = 5: sqrt(30 x 100 + 2500 x 25) = sqrt(65,500) = 255.93
    r = lg.reorder_point(
        50, 10, 30, 5, service_level=0.95, on_hand=1000, unit_volume_cbm=0.01, storage_per_cbm_month=25
    )
    assert r.z == pytest.approx(1.6449, abs=1e-4)
    assert r.sigma_ltd == pytest.approx(255.93, abs=0.01)
    assert r.safety_stock == pytest.approx(420.97, abs=0.01)  # 1.64485 x 255.930
    assert r.reorder_point == pytest.approx(1920.97, abs=0.01)
    assert r.days_of_cover == pytest.approx(20.0) and r.reorder_now
    # P(lead-time demand > 1000) = 1 - Phi((1000 - 1500) / 255.93) = 0.9746
    assert r.stockout_risk == pytest.approx(0.9746, abs=1e-4)


def test_reorder_point_97_percent_uses_z_1_88_and_reports_overstock_storage():
    # Stevenson's 97% service level -> z = 1.88; only demand variable:
    # SS = z sd sqrt(L) = 1.8808 x 10 x sqrt(25)
    r = lg.reorder_point(
        20,
        10,
        25,
        0,
        service_level=0.97,
        on_hand=3000,
        cover_days=60,
        unit_volume_cbm=0.01,
        storage_per_cbm_month=25,
    )
    assert r.z == pytest.approx(1.88, abs=0.001)
    assert r.safety_stock == pytest.approx(r.z * 50)
    # over = 3000 - (500 + 94.04 + 20 x 60) = 1205.96 units x 0.01 m3 x 25 = 301.49 a month
    assert r.overstock_units == pytest.approx(3000 - (500 + r.safety_stock + 1200))
    assert r.overstock_storage_per_month == pytest.approx(r.overstock_units * 0.25)


def test_lead_time_stats_from_the_card_range():
    mean, sd = lg.lead_time_stats(30, 30)
    assert mean == pytest.approx(30, rel=1e-3) and sd < 0.1


# --- errors ---------------------------------------------------------------------------------------------
def test_bad_inputs_raise_translated_data_errors():
    with pytest.raises(DataError, match="LxWxH"):
        lg.quote(1, "30x20", 10, "US")
    with pytest.raises(DataError, match="No rate card for destination 'XX'"):
        lg.quote(1, "30x20x10", 10, "XX")
    with pytest.raises(DataError, match="unknown mode"):
        lg.quote_many(card(mode="teleport"), one(), "US")
    with pytest.raises(DataError, match="Service level"):
        lg.reorder_point(1, 1, 1, service_level=1.5)
    assert "30x20" in DataError("err.logi.dims", dims="30x20").message("zh")


def test_stock_share_cap_forces_part_of_the_orders_onto_direct_shipping():
    opts = pd.DataFrame(
        {
            "service": ["FBA", "line", "express"],
            "mode": ["fba", "dedicated_line", "express"],
            "feasible": True,
            "expected_cost_per_order": [6.0, 12.0, 30.0],
            "on_time_probability": [1.0, 0.7, 1.0],
        }
    )
    m = lg.best_mix(opts, target=0.9, stock_max_share=0.5)
    # FBA 50%; the other half must bring 0.4 of on-time: line x + express y = 0.5, 0.7x + y = 0.4 ->
    # x = 1/3, y = 1/6: cost 3 + 4 + 5 = 12.00
    got = dict(zip(m.shares["service"], m.shares["share"]))
    assert got == pytest.approx({"FBA": 0.5, "line": 1 / 3, "express": 1 / 6})
    assert m.cost_per_order == pytest.approx(12.0)
    assert m.cheapest_single == "express"  # 100% FBA is not an allowed mix any more


def test_demand_stats_count_days_without_sales_as_zero():
    orders = pd.DataFrame(
        {
            "order_id": ["1", "2", "3", "4"],
            "sku": ["A", "A", "B", "A"],
            "quantity": [2, 4, 9, 3],
            "unit_price": [5.0, 5.0, 5.0, 5.0],
            "country": ["US", "US", "US", "DE"],
            "order_date": pd.to_datetime(
                ["2026-10-01 10:00", "2026-10-03 12:00", "2026-10-03 00:00", "2026-10-04 00:00"]
            ),
            "cancelled": [False, False, False, False],
        }
    )
    d, sd = lg.demand_stats(orders, "A", "US", days=4, as_of="2026-10-04")
    # days 10-01..10-04: 2, 0, 4, 0 -> mean 1.5, sample sd sqrt(((.5)^2 + 1.5^2 + 2.5^2 + 1.5^2) / 3) = 1.915
    assert d == pytest.approx(1.5) and sd == pytest.approx(1.9149, abs=1e-4)


def test_flag_sentences_are_translated_with_rates_and_days():
    assert lg.describe_flag("LineOne", "logi.flag.high_loss", 0.046, 0.002, "en") == (
        "LineOne loses 4.6% of parcels against 0.2% for the other carriers."
    )
    assert "10.2" in lg.describe_flag("RapidLine", "logi.flag.slower", 10.2, 6.3, "zh")


@pytest.mark.parametrize(
    "on,rate", [("2026-03-01", 27.55), ("2026-11-25", 84.76)], ids=["jan-sep", "oct-dec"]
)
def test_fba_storage_uses_the_peak_rate_from_october_to_december(on, rate):
    # sellercentral.amazon.com GJ9NNG7RK4TU6E3Z: $0.78 / $2.40 per ft3 a month = 27.55 / 84.76 per m3
    cards = lg.default_rate_cards()
    cards = cards.loc[(cards["dest"] == "US") & (cards["service"] == "FBA (sea inbound)")]
    q = lg.quote_many(cards, one(weight=0.5, L=30, W=20, H=10), "US", on=on, cover_days=60)
    assert q["storage"].iloc[0] == pytest.approx(rate * 0.006 * 30 / 30.4375)


def test_history_loss_rate_is_shrunk_toward_the_card():
    cards = card(pricing="per_kg", per_kg_price=10.0, loss_rate=0.01)
    ship = pd.Timestamp("2026-10-01")
    status = ["lost"] * 10 + ["delivered"] * 90
    hist = pd.DataFrame(
        {
            "service": "S",
            "dest": "US",
            "ship_date": ship,
            "status": status,
            "delivery_date": [pd.NaT] * 10 + [ship + pd.Timedelta(days=6)] * 90,
        }
    )
    q = lg.quote_many(cards, one(), "US", on="2026-11-25", history=hist)
    # (10 lost + 100 x 1%) / (100 resolved + 100) = 11 / 200 = 5.5%
    assert q["loss_rate"].iloc[0] == pytest.approx(0.055)


def test_cards_without_the_required_columns_are_refused():
    with pytest.raises(DataError, match="required columns missing: mode"):
        lg.quote_many(pd.DataFrame({"service": ["S"], "dest": ["US"]}), one(), "US")
