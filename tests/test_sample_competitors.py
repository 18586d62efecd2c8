"""The sample competitor data: canonical schema, determinism, and the planted situations C1/C2 found
by the analysis (and absent from the healthy twin)."""

from __future__ import annotations

import pandas as pd
import pytest

from cbe_core import competitors as cp
from cbe_core import schema
from cbe_core.sample import competitors as sc


def products() -> pd.DataFrame:
    rows = []
    for cat, base in [("kitchen", 25.0), ("home", 40.0), ("beauty", 18.0), ("outdoor", 35.0)]:
        for i in range(6):
            rows.append({"sku": f"{cat[:3].upper()}-{i + 1:02d}", "name": f"{cat} item {i + 1}",
                         "category": cat, "price": round(base * (0.7 + 0.1 * i), 2),
                         "unit_cost": base * 0.35})
    return pd.DataFrame(rows).astype({"sku": "str", "name": "str", "category": "str"})


@pytest.fixture(scope="module")
def planted():
    data = sc.generate({"products": products()})
    return data, cp.analyze(data["competitors"], data["reviews"])


@pytest.fixture(scope="module")
def healthy():
    data = sc.generate({"products": products()}, plant=False)
    return data, cp.analyze(data["competitors"], data["reviews"])


def test_frames_follow_the_canonical_schema(planted):
    data, _ = planted
    comp, rev = data["competitors"], data["reviews"]
    assert list(comp.columns) == list(schema.COMPETITORS.names)
    assert list(rev.columns) == list(schema.REVIEWS.names)
    assert comp["date"].dtype == "datetime64[ns]" and rev["date"].dtype == "datetime64[ns]"
    assert comp["is_own"].dtype == bool
    assert (comp["date"].min() == pd.Timestamp("2025-05-01")
            and comp["date"].max() <= pd.Timestamp("2026-10-31"))
    assert comp["date"].nunique() == 79  # weekly
    own = comp.loc[comp["is_own"]]
    assert set(own["sku"]) == set(products()["sku"])  # own listings link to the store's skus
    assert comp.loc[~comp["is_own"], "sku"].isna().all()
    per_cat = comp.loc[~comp["is_own"]].groupby("category")["product_id"].nunique()
    assert per_cat.between(3, 6).all()
    assert set(rev["product_id"]) <= set(comp["product_id"])
    assert rev["text"].str.contains(r"[\u4e00-\u9fff]").mean() == pytest.approx(0.08, abs=0.03)


def test_generation_is_deterministic():
    a = sc.generate({"products": products()}, seed=3)
    b = sc.generate({"products": products()}, seed=3)
    pd.testing.assert_frame_equal(a["competitors"], b["competitors"])
    pd.testing.assert_frame_equal(a["reviews"], b["reviews"])


def test_c1_cheaper_competitor_praised_for_battery_life_is_found(planted):
    _, res = planted
    cat = sc.planted_category(products()["category"])
    features = res.reviews.features
    top = features.loc[features["set_id"] == cat].iloc[0]
    assert (top["brand"], top["phrase"]) == (sc.C1_BRAND, sc.C1_FEATURE)
    assert top["ratio"] >= 3 and top["z"] >= 3
    assert sc.C1_FEATURE in top["snippet"].lower()
    # cheaper than our median in the category
    comp = res.comparison.loc[res.comparison["set_id"] == cat]
    c1_price = comp.loc[comp["brand"] == sc.C1_BRAND, "price"].iloc[0]
    assert c1_price < 0.85 * comp.loc[comp["is_own"], "price"].median()
    # gaining share: the biggest mover of the store
    mover = res.movers.iloc[0]
    assert (mover["brand"], mover["direction"]) == (sc.C1_BRAND, "gained")
    # gap analysis tells our products in that category, with the feature and the brand
    gaps = res.gaps.loc[(res.gaps["set_id"] == cat) & (res.gaps["dimension"] == "features")]
    assert (gaps["status"] == "lag").all() and (gaps["severity"] == "high").all()
    assert set(gaps["rival"]) == {sc.C1_BRAND} and set(gaps["detail"]) == {sc.C1_FEATURE}


def test_c2_promo_heavy_competitor_is_found(planted):
    _, res = planted
    ch = res.changes
    c2 = ch.loc[ch["brand"] == sc.C2_BRAND].iloc[0]
    assert c2["promo_frequency"] >= 0.4
    assert ch.loc[ch["brand"] != sc.C2_BRAND, "promo_frequency"].max() < 0.3
    promo = res.gaps.loc[(res.gaps["dimension"] == "promotion") & (res.gaps["set_id"] == c2["set_id"])]
    lag = promo.loc[promo["status"] == "lag"]
    assert len(lag) >= len(promo) // 2 and set(lag["rival"]) == {sc.C2_BRAND}
    assert set(lag["move"]) == {"comp.move.test_promotion"}


def test_healthy_twin_has_neither_c1_nor_c2(healthy):
    _, res = healthy
    assert res.reviews.features.empty
    assert not (res.movers["brand"].iloc[0] == sc.C1_BRAND and res.movers["share_change"].iloc[0] > 0.05)
    promo = res.gaps.loc[res.gaps["dimension"] == "promotion"]
    assert not ((promo["status"] == "lag") & (promo["severity"] == "high")).any()


def test_store_generator_includes_the_competitor_tables():
    from cbe_core import sample

    store = sample.generate_store()
    assert {"competitors", "reviews"} <= set(store)
    res = cp.analyze(store["competitors"], store["reviews"])
    f = res.reviews.features
    assert ((f["brand"] == sc.C1_BRAND) & (f["phrase"] == sc.C1_FEATURE)).any()
