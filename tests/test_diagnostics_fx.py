"""The exchange-rate effect of the revenue decomposition, on hand-worked two-currency stores.

A US store sells in USD, a DE store in EUR; reporting currency USD with the seller's own round rates:
1 EUR = 1.10 USD in January 2024 and 1.21 USD from February 2024.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cbe_core import diagnostics as dg
from cbe_core.ingest import currency as fx

RATES = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-02-01"]), "currency": ["EUR", "EUR"],
                      "rate": [1.10, 1.21], "base": ["USD", "USD"]})
BEFORE = (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-10"))
AFTER = (pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-10"))


def lines(month: int, n: int, price: float, currency: str, sku: str) -> list[dict]:
    """``n`` one-unit orders spread over the first ten days of ``month`` 2024."""
    return [{"order_id": f"{currency}-{month}-{i}", "order_date": pd.Timestamp(2024, month, 1 + i % 10),
             "sku": sku, "quantity": 1, "unit_price": price, "currency": currency, "cancelled": False}
            for i in range(n)]


def store(*groups, traffic=None):
    orders = pd.DataFrame([row for g in groups for row in g])
    converted, report = fx.convert(orders, "orders", "USD", rates=RATES)
    return dg.prepare(converted, traffic), report


def L(a: float, b: float) -> float:
    return (a - b) / (math.log(a) - math.log(b))


def test_only_the_rate_moved_so_the_whole_change_is_the_rate_effect():
    # before: 1000 USD + 1000 EUR x 1.10 = 2100 USD; after: 1000 USD + 1000 EUR x 1.21 = 2210 USD
    st, rep = store(lines(1, 10, 100.0, "USD", "US-A"), lines(1, 10, 100.0, "EUR", "DE-A"),
                    lines(2, 10, 100.0, "USD", "US-A"), lines(2, 10, 100.0, "EUR", "DE-A"))
    assert rep.seller_lines == 20
    dec = dg.decompose(st, BEFORE, AFTER)
    assert dec.factors == ("orders", "aov", "fx")
    assert (dec.revenue_before, dec.revenue_after) == pytest.approx((2100.0, 2210.0))
    # C1 = 1000 + 1000 x 1.10 = 2100, so orders and order value at constant rates did not move:
    # fx effect = L(2210, 2100) x ln(2210 / 2100) = 110 exactly
    assert dec.effects["fx"] == pytest.approx(110.0, abs=1e-9)
    assert dec.effects["orders"] == pytest.approx(0.0, abs=1e-9)
    assert dec.effects["aov"] == pytest.approx(0.0, abs=1e-9)
    r = dec.rates.set_index("currency")
    assert r.loc["EUR", ["rate_before", "rate_after"]].tolist() == pytest.approx([1.10, 1.21])
    assert r.loc["USD", ["rate_before", "rate_after"]].tolist() == pytest.approx([1.0, 1.0])
    per_sku = dec.by_sku.set_index("sku")
    assert per_sku.loc["DE-A", "fx_effect"] == pytest.approx(110.0)
    assert per_sku.loc["US-A", "fx_effect"] == pytest.approx(0.0, abs=1e-9)


def test_orders_order_value_and_rate_all_move_and_the_effects_add_up_to_the_change():
    # before: 10 x 100 USD + 10 x 100 EUR x 1.10 = 2100 USD, 20 orders
    # after: 12 x 100 USD + 8 x 110 EUR x 1.21 = 1200 + 1064.8 = 2264.8 USD, 20 orders
    st, _ = store(lines(1, 10, 100.0, "USD", "US-A"), lines(1, 10, 100.0, "EUR", "DE-A"),
                  lines(2, 12, 100.0, "USD", "US-A"), lines(2, 8, 110.0, "EUR", "DE-A"))
    dec = dg.decompose(st, BEFORE, AFTER)
    v0, v1 = 2100.0, 2264.8
    c1 = 1200 + 880 * 1.10                     # after-period sales at January's rate: 2168
    lm = L(v1, v0)
    assert dec.effects["orders"] == pytest.approx(lm * math.log(20 / 20), abs=1e-9)
    assert dec.effects["aov"] == pytest.approx(lm * math.log((c1 / 20) / (v0 / 20)))      # 69.52
    assert dec.effects["fx"] == pytest.approx(lm * math.log(v1 / c1))                     # 95.28
    assert dec.effects["aov"] == pytest.approx(69.52, abs=0.01)
    assert dec.effects["fx"] == pytest.approx(95.28, abs=0.01)
    assert sum(dec.effects.values()) == pytest.approx(dec.change, abs=1e-9)
    assert dec.change == pytest.approx(164.8)
    cols = [c for c in dec.by_sku.columns if c.endswith("_effect")] + ["unattributed"]
    np.testing.assert_allclose(dec.by_sku[cols].sum(axis=1), dec.by_sku["change"], atol=1e-9)
    steps = dg.waterfall(dec)
    assert steps["step"].tolist() == ["before", "orders", "aov", "fx", "after"]
    assert steps["end"].iloc[-2] == pytest.approx(v1)


def test_with_traffic_the_rate_effect_sits_beside_sessions_and_conversion_per_source_too():
    def traffic(month, sessions):
        days = pd.date_range(pd.Timestamp(2024, month, 1), periods=10)
        rows = [{"date": d, "sku": sku, "source": src, "sessions": sessions}
                for d in days for sku in ("US-A", "DE-A") for src in ("search", "ads")]
        return rows

    tr = pd.DataFrame(traffic(1, 10) + traffic(2, 12))
    tr["date_end"] = tr["date"]
    st, _ = store(lines(1, 10, 100.0, "USD", "US-A"), lines(1, 10, 100.0, "EUR", "DE-A"),
                  lines(2, 12, 100.0, "USD", "US-A"), lines(2, 8, 110.0, "EUR", "DE-A"), traffic=tr)
    dec = dg.decompose(st, BEFORE, AFTER)
    assert dec.factors == ("sessions", "conversion", "aov", "fx")
    assert sum(dec.effects.values()) == pytest.approx(dec.change, abs=1e-9)
    # sessions x conversion = orders (20 both periods): their effects cancel; aov and fx as without traffic
    assert dec.effects["sessions"] + dec.effects["conversion"] == pytest.approx(0.0, abs=1e-9)
    assert dec.effects["fx"] == pytest.approx(95.28, abs=0.01)
    src = dec.by_source
    assert "fx_effect" in src.columns
    cols = [c for c in src.columns if c.endswith("_effect")] + ["unattributed"]
    np.testing.assert_allclose(src[cols].sum(axis=1), src["change"], atol=1e-9)
    assert src["fx_effect"].sum() == pytest.approx(dec.effects["fx"])


def test_a_currency_first_sold_after_brings_no_rate_effect():
    # January: USD only; February: the DE store opens, 10 x 100 EUR at 1.21
    st, _ = store(lines(1, 10, 100.0, "USD", "US-A"), lines(2, 10, 100.0, "USD", "US-A"),
                  lines(2, 10, 100.0, "EUR", "DE-A"))
    dec = dg.decompose(st, BEFORE, AFTER)
    assert dec.effects["fx"] == pytest.approx(0.0, abs=1e-9)
    assert sum(dec.effects.values()) == pytest.approx(1210.0)


def test_one_currency_has_no_rate_factor():
    st, rep = store(lines(1, 10, 100.0, "USD", "US-A"), lines(2, 12, 100.0, "USD", "US-A"))
    assert rep.converted == {}
    dec = dg.decompose(st, BEFORE, AFTER)
    assert dec.factors == ("orders", "aov") and dec.rates is None


def test_run_all_on_a_converted_store_carries_the_rate_effect_and_sums_exactly():
    st_orders = pd.DataFrame(lines(1, 10, 100.0, "USD", "US-A") + lines(1, 10, 100.0, "EUR", "DE-A")
                             + lines(2, 12, 100.0, "USD", "US-A") + lines(2, 8, 110.0, "EUR", "DE-A"))
    conv = fx.convert_all({"orders": st_orders}, "USD", rates=RATES)
    res = dg.run_all(conv.frames["orders"], start="2024-02-01", end="2024-02-10")
    dec = res.decomposition
    assert "fx" in dec.effects
    assert sum(dec.effects.values()) == pytest.approx(dec.change, abs=1e-9)
