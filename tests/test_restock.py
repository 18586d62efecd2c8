"""Restock plan: hand-worked flat-demand plans, the reorder-point formula, storage fees, the seasonal
forecast and the planted S1 / S2 situations of the sample store."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cbe_core import i18n
from cbe_core import logistics as lg
from cbe_core.errors import DataError
from cbe_core.logistics import restock as rs

AS_OF = pd.Timestamp("2026-06-30")


def _flat_orders(rates: dict[str, float], days: int = 420) -> pd.DataFrame:
    dates = pd.date_range(end=AS_OF, periods=days, freq="D")
    rows = [(f"{sku}-{i}", d, sku, q) for sku, q in rates.items() for i, d in enumerate(dates)]
    o = pd.DataFrame(rows, columns=["order_id", "order_date", "sku", "quantity"])
    o["unit_price"] = 20.0
    o["cancelled"] = False
    return o


def _inventory(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["date", "sku", "warehouse", "on_hand", "reserved", "inbound"]).assign(
        date=lambda d: pd.to_datetime(d["date"])
    )


PRODUCTS = pd.DataFrame(
    {
        "sku": ["F", "G"],
        "name": ["f", "g"],
        "category": ["home", "home"],
        "price": [20.0, 20.0],
        "unit_cost": [5.0, 4.0],
        "weight_kg": [0.4, 0.3],
        "length_cm": [30.48, 30.48],
        "width_cm": [30.48, 30.48],
        "height_cm": [15.24, 15.24],  # 12 x 12 x 6 in = half a cubic foot
    }
)


def test_hand_worked_plan_for_flat_demand():
    """F sells 10 a day, holds 105 - 5 reserved = 100: cover 10.0 days, stock-out 2026-07-10. Sea lead
    (40-60 days, lognormal P10-P90) L = 49.61, sd 7.90; SS = 1.645 x sqrt(L x 10 + 10^2 x 7.90^2)
    (sd_d = sqrt(10), the Poisson floor of a flat series); it runs out before an order can land, so
    reorder today: qty = 10 x (L + 60) + SS - 100; air top-up from day 10.84 (air lead) to L."""
    orders = _flat_orders({"F": 10, "G": 1})
    inv = _inventory([("2026-06-30", "F", "FBA US", 105, 5, 0), ("2026-06-30", "G", "HarborWH", 500, 0, 0)])
    res = lg.restock_plan(orders, inv, products=PRODUCTS, overstock_days=180)
    f = res.plan.set_index("sku").loc["F"]
    L, sL = lg.lead_time_stats(40, 60)
    ro = lg.reorder_point(10, math.sqrt(10), L, sL, service_level=0.95, on_hand=100)
    assert f.daily_demand == pytest.approx(10) and f.demand_sd == pytest.approx(math.sqrt(10))
    assert f.position == 100 and f.days_of_cover == pytest.approx(10.0)
    assert f.stockout_date == pd.Timestamp("2026-07-10")
    assert f.lead_days == pytest.approx(L) and f.lead_sd == pytest.approx(sL)
    assert f.safety_stock == pytest.approx(ro.safety_stock)
    z = stats.norm.ppf(0.95)
    assert f.safety_stock == pytest.approx(z * math.sqrt(L * 10 + 100 * sL**2))
    assert f.reorder_date == AS_OF and f.overdue_days == math.ceil(L + ro.safety_stock / 10 - 10)
    assert f.reorder_qty == math.ceil(10 * (L + 60) + ro.safety_stock - 100)
    assert f.status == "stockout_risk"
    air, _ = lg.lead_time_stats(8, 14)
    assert f.top_up_units == math.ceil(10 * (L - air)) and f.top_up_route == "FBA (air inbound)"
    assert f.lost_units == pytest.approx(10 * (L - 10))
    assert f.top_up_cost > 0
    g = res.plan.set_index("sku").loc["G"]
    assert g.overstock_units == 500 - 180 and g.status == "overstock"
    assert np.isinf(g.days_of_cover) and pd.isna(g.stockout_date)
    assert g.overstock_cash == pytest.approx(320 * 4.0)


def test_overstock_storage_fees_by_hand():
    """G's 320 overstock units sell last (FIFO): 320 a day in stock until day 180, then 500 - h; half a
    cubic foot each, in an overseas warehouse at $0.75 per cubic foot a month (no aged surcharge)."""
    orders = _flat_orders({"G": 1})
    inv = _inventory([("2026-06-30", "G", "HarborWH", 500, 0, 0)])
    res = lg.restock_plan(orders, inv, products=PRODUCTS, overstock_days=180)
    dates = pd.date_range("2026-07-01", periods=365, freq="D")
    expected = 0.0
    for h, d in enumerate(dates, start=1):
        left = min(320, max(500 - h, 0))
        expected += left * 0.5 * 0.75 / d.days_in_month
    assert res.plan["overstock_storage"].iloc[0] == pytest.approx(expected)


def test_fba_storage_and_aged_surcharge_by_hand():
    units = np.full((1, 200), 10.0)
    dates = pd.date_range("2026-01-01", periods=200, freq="D")
    cost = lg.storage_cost(
        units,
        np.array([1.0]),
        np.array([[1.0, 0, 0]]),
        np.array(["standard"]),
        dates,
        lg.default_storage_fees(),
        lg.default_aged_surcharge(),
    )
    base = sum(10 * 0.78 / d.days_in_month for d in dates)  # January-September rate
    aged = sum(10 * 0.50 / d.days_in_month for d in dates[180:])  # days 181-200: $0.50 per ft3 a month
    assert cost[0] == pytest.approx(base + aged)
    assert lg.warehouse_type(
        ["FBA US", "Amazon EU", "Shenzhen home warehouse", "国内仓", "HarborWH LA"]
    ).tolist() == ["fba", "fba", "home", "home", "overseas_warehouse"]


@pytest.mark.parametrize("position", [300, 600, 640, 700, 1200])
def test_reorder_now_agrees_with_the_single_sku_reorder_point(position):
    orders = _flat_orders({"F": 10})
    inv = _inventory([("2026-06-30", "F", "FBA US", position, 0, 0)])
    plan = lg.restock_plan(orders, inv, products=PRODUCTS).plan.iloc[0]
    L, sL = lg.lead_time_stats(40, 60)
    ro = lg.reorder_point(10, math.sqrt(10), L, sL, service_level=0.95, on_hand=position)
    assert (plan.status in ("reorder_now", "stockout_risk")) == ro.reorder_now


def test_latest_snapshot_per_warehouse_and_production_time():
    orders = _flat_orders({"F": 10})
    inv = _inventory(
        [
            ("2026-06-01", "F", "FBA US", 999, 0, 0),
            ("2026-06-30", "F", "FBA US", 200, 0, 0),
            ("2026-06-15", "F", "Shenzhen", 100, 0, 50),
            ("2026-07-05", "F", "FBA US", 5, 0, 0),
        ]
    )
    res = lg.restock_plan(orders, inv, products=PRODUCTS, as_of="2026-06-30", production_days=20)
    row = res.plan.iloc[0]
    assert row.on_hand == 300 and row.inbound == 50 and row.position == 350
    assert row.lead_days == pytest.approx(20 + lg.lead_time_stats(40, 60)[0])
    assert any("older snapshot" in n for n in res.note_texts())


@pytest.mark.parametrize(
    "kwargs,key",
    [
        ({"service_level": 1.0}, "err.logi.service_level"),
        ({"cover_days": -1}, "err.restock.days"),
        ({"as_of": "2020-01-01"}, "err.restock.no_snapshot"),
        ({"dest": "XX"}, "err.restock.no_route"),
        ({"route": "Teleport"}, "err.profit.route"),
    ],
    ids=["service", "days", "snapshot", "market", "route"],
)
def test_bad_arguments_raise_a_clear_error(kwargs, key):
    orders = _flat_orders({"F": 1}, days=30)
    inv = _inventory([("2026-06-30", "F", "FBA", 10, 0, 0)])
    with pytest.raises(DataError) as info:
        lg.restock_plan(orders, inv, **kwargs)
    assert info.value.key == key


def test_inventory_without_its_columns_is_refused():
    with pytest.raises(DataError, match="on_hand"):
        lg.restock_plan(_flat_orders({"F": 1}, days=30), pd.DataFrame({"date": [AS_OF], "sku": ["F"]}))


# --- forecast --------------------------------------------------------------------------------------------
def test_forecast_carries_last_years_q4_and_the_weekday_pattern(sample_store):
    groups = sample_store["products"].set_index("sku")["category"]
    fc = lg.forecast_demand(sample_store["orders"], as_of="2026-10-31", horizon=120, groups=groups)
    assert fc.seasonal.all() and fc.history_days > 365
    i = list(fc.skus).index("KIT-01")
    dec = (fc.dates >= "2026-11-24") & (fc.dates <= "2026-12-08")
    assert fc.annual[i, dec].mean() > 1.2  # the Q4 peak centred on 1 December (sample catalogue)
    sunday, friday = fc.weekly[:, 6].mean(), fc.weekly[:, 4].mean()
    assert sunday > friday  # the store's weekly profile: Sunday highest, Friday lowest
    lo, hi = fc.band()
    assert (lo <= fc.mean).all() and (fc.mean <= hi).all()
    frame = fc.frame("KIT-01")
    assert list(frame.columns) == ["date", "mean", "lower", "upper"] and len(frame) == 120


def test_seasonal_forecast_beats_a_flat_one_on_held_out_months(sample_store):
    """Forecasts made at four month ends of 2026 against what the sample store then sold: the seasonal
    model's error over all SKUs is below the flat level's, and clearly so for October (the Q4 ramp)."""
    from cbe_core.logistics.forecast import daily_sales

    orders = sample_store["orders"]
    groups = sample_store["products"].set_index("sku")["category"]
    total_seasonal = total_flat = 0.0
    for as_of, days in (("2026-06-30", 92), ("2026-07-31", 92), ("2026-08-31", 61), ("2026-09-30", 31)):
        fc = lg.forecast_demand(orders, as_of=as_of, horizon=days, groups=groups)
        end = pd.Timestamp(as_of) + pd.Timedelta(days=days)
        actual = daily_sales(orders, end, days, fc.skus)[1].sum(axis=1)
        seasonal = np.abs(actual - fc.mean.sum(axis=1)).sum()
        flat = np.abs(actual - fc.level * days).sum()
        total_seasonal += seasonal
        total_flat += flat
        if as_of == "2026-09-30":
            assert seasonal < 0.9 * flat
    assert total_seasonal < total_flat


def test_without_a_year_of_history_the_plan_says_so(sample_store):
    inv = sample_store["inventory"].assign(date=pd.Timestamp("2026-02-28"))
    res = lg.restock_plan(sample_store["orders"], inv, products=sample_store["products"])
    assert not res.forecast.seasonal.any()
    assert any("Less than a year" in n for n in res.note_texts())


# --- the sample store ------------------------------------------------------------------------------------
def test_s1_stocks_out_before_its_sea_lead_time_and_s2_is_overstocked(sample_store):
    from cbe_core.sample.operations import S1_SKU, S2_SKU

    res = lg.restock_plan(
        sample_store["orders"], sample_store["inventory"], products=sample_store["products"]
    )
    plan = res.plan.set_index("sku")
    assert plan.index.size == 30 and res.route.service == "FBA (sea inbound)"
    risk = plan.index[plan["status"] == "stockout_risk"].tolist()
    over = plan.index[plan["overstock_units"] > 0].tolist()
    assert risk == [S1_SKU] and over == [S2_SKU]
    s1, s2 = plan.loc[S1_SKU], plan.loc[S2_SKU]
    assert s1.days_of_cover < s1.lead_days and s1.top_up_units > 0 and s1.top_up_cost > 0
    assert s1.reorder_qty > 0 and s1.overdue_days > 0
    assert s2.status == "overstock" and s2.overstock_cash == pytest.approx(s2.overstock_units * 4.30)
    assert s2.overstock_storage > 0
    findings = lg.restock_findings(res)
    assert {(f.code, f.slice) for f in findings} == {
        ("stockout_before_reorder", S1_SKU),
        ("overstock", S2_SKU),
    }
    f = findings[0]
    assert f.code == "stockout_before_reorder" and f.severity == "high"
    assert "FBA (air inbound)" in f.message("en") and "空运" in f.message("zh")


def test_healthy_twin_has_no_stockout_risk_and_no_overstock(healthy_sample_store):
    s = healthy_sample_store
    res = lg.restock_plan(s["orders"], s["inventory"], products=s["products"])
    assert not (res.plan["status"] == "stockout_risk").any()
    assert not (res.plan["overstock_units"] > 0).any()


def test_plan_json_and_workbook(sample_store):
    from cbe_core.export import write_workbook

    res = lg.restock_plan(
        sample_store["orders"], sample_store["inventory"], products=sample_store["products"]
    )
    out = json.loads(json.dumps(res.to_json("en"), allow_nan=False))
    need = {
        "sku",
        "on_hand",
        "inbound",
        "daily_demand",
        "days_of_cover",
        "stockout_date",
        "reorder_date",
        "reorder_qty",
        "overstock_units",
        "status",
    }
    assert all(need <= set(row) for row in out["skus"]) and out["as_of"] == "2026-10-31"
    sheets, formats = rs.export_frames(res, "zh", lg.restock_findings(res))
    plan = sheets["补货计划"]
    assert "补货数量" in plan.columns and "积压占用资金 (USD)" in formats
    assert set(plan["状态"]) <= {i18n.t(f"restock.status.{s}", "zh") for s in lg.STATUSES}
    assert write_workbook(sheets, number_formats=formats)[:2] == b"PK"


def test_every_catalog_key_of_the_plan_exists():
    keys = [f"restock.col.{c}" for c in lg.PLAN_COLUMNS] + [f"restock.status.{s}" for s in lg.STATUSES]
    keys += [f"restock.wh.{w}" for w in rs.WAREHOUSE_TYPES]
    keys += [f"diag.{p}.{c}" for p in ("f", "a") for c in ("stockout_before_reorder", "overstock")]
    import re
    from pathlib import Path

    keys += re.findall(r'"(restock\.note\.[a-z_]+|err\.restock\.[a-z_]+)"', Path(rs.__file__).read_text())
    assert not [k for k in keys if not i18n.has(k)]
