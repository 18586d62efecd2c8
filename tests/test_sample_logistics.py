"""The shipping part of the sample store: canonical shape, determinism, planted L1/L2 flagged."""

from __future__ import annotations

import pandas as pd
import pytest

from cbe_core import logistics as lg
from cbe_core import schema
from cbe_core.sample import logistics as sl


@pytest.fixture(scope="module")
def planted():
    return sl.generate()


@pytest.fixture(scope="module")
def healthy():
    return sl.generate(plant=False)


def test_tables_are_canonical(planted):
    for name in ("rate_cards", "shipments"):
        table = schema.get_table(name)
        assert set(table.required) <= set(planted[name].columns)
    s = planted["shipments"]
    assert pd.api.types.is_datetime64_any_dtype(s["ship_date"]) and s["shipment_id"].is_unique
    assert set(s["status"]) <= {"delivered", "lost", "returned", "in_transit"}
    assert s["delivery_date"].notna().eq(s["status"].eq("delivered")).all()
    assert (
        s.loc[s["status"] == "delivered", "delivery_date"] > s.loc[s["status"] == "delivered", "ship_date"]
    ).all()
    assert s["carrier"].nunique() >= 5 and s["mode"].nunique() == 5


def test_generation_is_deterministic_for_a_seed():
    pd.testing.assert_frame_equal(sl.generate(seed=3)["shipments"], sl.generate(seed=3)["shipments"])


def test_shipments_follow_the_store_orders():
    orders = pd.DataFrame(
        {
            "order_id": ["A", "A", "B", "C"],
            "order_date": pd.to_datetime(["2026-01-02"] * 3 + ["2026-01-05"]),
            "sku": ["x", "y", "x", "x"],
            "quantity": [1, 2, 1, -1],
            "country": ["US", "US", "JP", "DE"],
            "channel": ["shopify", "shopify", "amazon", "tiktok"],
            "cancelled": [False, False, False, False],
        }
    )
    s = sl.generate({"orders": orders})["shipments"]
    assert sorted(s["order_id"]) == ["A", "B"]  # one parcel per order; the return line is not shipped
    assert dict(zip(s["order_id"], s["dest"])) == {"A": "US", "B": "JP"}


def test_planted_l1_high_loss_carrier_is_flagged(planted):
    sc = lg.carrier_scorecard(planted["shipments"])
    rates = sc.carriers.set_index("carrier")["loss_rate"]
    assert rates[sl.PLANT_L1_CARRIER] > 0.025
    assert (rates.drop(sl.PLANT_L1_CARRIER) < 0.015).all()
    flagged = set(sc.flags.loc[sc.flags["flag"] == "logi.flag.high_loss", "carrier"])
    assert flagged == {sl.PLANT_L1_CARRIER}


def test_planted_l2_carrier_that_got_slower_is_flagged(planted):
    sc = lg.carrier_scorecard(planted["shipments"])
    slower = set(
        sc.flags.loc[sc.flags["flag"].isin(["logi.flag.slower", "logi.flag.on_time_drop"]), "carrier"]
    )
    assert slower == {sl.PLANT_L2_CARRIER}
    row = sc.carriers.set_index("carrier").loc[sl.PLANT_L2_CARRIER]
    assert row["recent_median_days"] > 1.4 * row["before_median_days"]


def test_healthy_twin_has_no_flags(healthy):
    assert lg.carrier_scorecard(healthy["shipments"]).flags.empty


def test_rate_cards_quote_the_sample_history_services(planted):
    services = set(planted["shipments"]["service"])
    assert services <= set(planted["rate_cards"]["service"])


@pytest.mark.parametrize("plant", [True, False], ids=["planted", "healthy"])
def test_flags_in_the_full_sample_store(plant):
    from cbe_core import sample

    store = sample.generate_store(plant=plant)
    flags = lg.carrier_scorecard(store["shipments"]).flags
    expected = (
        {(sl.PLANT_L1_CARRIER, "logi.flag.high_loss"), (sl.PLANT_L2_CARRIER, "logi.flag.slower")}
        if plant
        else set()
    )
    got = set(zip(flags["carrier"], flags["flag"])) - {(sl.PLANT_L2_CARRIER, "logi.flag.on_time_drop")}
    assert got == expected
