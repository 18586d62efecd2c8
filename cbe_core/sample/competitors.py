"""Competitor snapshots and reviews for the sample store (deterministic, seeded).

``generate(store)`` takes the sample store's ``products`` (sku, name, category, price, unit_cost) and
returns ``{"competitors": ..., "reviews": ...}`` in the canonical schema (``cbe_core.schema``):

- weekly snapshots (every 7 days from ``start`` to ``end``) of every own product (``is_own`` True,
  ``sku`` set, ``product_id`` an ASIN-like id) and of 3-6 competitor listings per category;
- reviews in English (templated, varied) plus about 8% in Chinese.

Planted situations (see ``sample_data/README`` and ``/work/notes/PLANTS.md``), only when ``plant``:

- **C1** in :data:`C1_CATEGORY`-like category (the first of outdoor/home/kitchen/... present), the
  competitor brand :data:`C1_BRAND` sells about 25% below the category's own median price, its
  positive reviews praise *battery life* in about 60% of cases (ours in about 6%), and its estimated
  monthly units grow fivefold over the period (accelerating) while our products in that category
  slowly lose units;
- **C2** the competitor brand :data:`C2_BRAND` is on promotion (price below list price by 15-35%) in
  about 70% of snapshots; other listings promote in about 8%.

With ``plant=False`` the same listings exist but behave like the others (the healthy twin).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

OWN_BRAND = "Hanlin"
C1_BRAND = "VoltPeak"
C2_BRAND = "Zestro"
C1_FEATURE = "battery life"
START = "2025-05-01"
END = "2026-10-31"

_PREFERRED_C1 = ("outdoor", "home", "kitchen", "electronics", "beauty")
_BRANDS = (
    "Lumora", "Kitchara", "Homvia", "Trekwise", "Glowen", "Nordby", "Cozyfin", "Aurelle", "Pinecrest",
    "Brightly", "Solano", "Vexa", "Orbix", "Dunewood", "Kelvo", "Ardenne", "Quillo", "Marlo", "Tidewell",
    "Embera", "Silvano", "Corvo", "Palisa", "Rivvo",
)
# English feature phrase -> Chinese, per category keyword; C1_FEATURE is added to the planted category.
_FEATURES = {
    "kitchen": [("easy cleaning", "清洗方便"), ("sharp blade", "刀片锋利"), ("sturdy build", "做工结实"),
                ("heating speed", "加热速度"), ("quiet motor", "电机安静")],
    "home": [("soft fabric", "面料柔软"), ("easy assembly", "安装方便"), ("quiet operation", "运行安静"),
             ("bright light", "灯光明亮"), ("remote control", "遥控方便")],
    "beauty": [("gentle formula", "温和配方"), ("lasting power", "持久度"), ("light scent", "香味淡雅"),
               ("travel size", "便携尺寸"), ("smooth finish", "顺滑效果")],
    "outdoor": [("waterproofing", "防水性能"), ("light weight", "重量"), ("bright beam", "光线很亮"),
                ("compact size", "体积"), ("sturdy clips", "卡扣结实")],
}
_DEFAULT_FEATURES = [("build quality", "做工"), ("ease of use", "易用性"), ("value for money", "性价比"),
                     ("packaging", "包装"), ("instructions", "说明书")]
_FEATURE_ZH_EXTRA = {C1_FEATURE: "续航"}

_POS_OPEN = ("Great product.", "Love it!", "Really happy with this.", "Exactly what I needed.",
             "Five stars from me.", "Works perfectly.", "Very pleased.", "Excellent purchase.",
             "Would buy again.", "Better than expected.")
_POS_FEAT = ("The {f} is great.", "Love the {f}.", "Really impressed with the {f}.", "Amazing {f}.",
             "The {f} is excellent.", "{F} exceeded my expectations.", "Fantastic {f}, highly recommend.")
_NEG_OPEN = ("Disappointed.", "Not worth the money.", "Would not buy again.", "Returned it.",
             "Poor quality.", "Meh.", "Not as described.", "Waste of money.")
_NEG_FEAT = ("The {f} is disappointing.", "Poor {f}.", "The {f} could be much better.",
             "{F} was worse than advertised.")
_NEG_GENERIC = ("Stopped working after two weeks.", "Broke after a month.", "Cheap plastic feel.",
                "Arrived damaged.", "Customer service never replied.", "Instructions were confusing.")
_BATTERY_NEG = ("The battery died after an hour.", "Short battery life.", "Battery drains too fast.")
_MID = ("It is okay for the price.", "Does the job.", "Average, nothing special.", "Fine but not great.")
_ZH_POS = ("质量很好，{f}很满意。", "非常喜欢，{f}不错。", "性价比高，{f}很好，推荐购买。",
           "物流很快，{f}超出预期。")
_ZH_NEG = ("质量一般，{f}不太好。", "用了两周就坏了。", "和描述不符，不推荐。", "{f}很差，失望。")


def _asin(rng: np.random.Generator, n: int) -> list[str]:
    alphabet = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"))
    codes = rng.choice(alphabet, size=(n, 8))
    return ["B0" + "".join(row) for row in codes]


def _features(category: str, c1: bool) -> list[tuple[str, str]]:
    key = next((k for k in _FEATURES if k in str(category).lower()), None)
    feats = list(_FEATURES[key]) if key else list(_DEFAULT_FEATURES)
    if c1:
        feats = [(C1_FEATURE, _FEATURE_ZH_EXTRA[C1_FEATURE])] + feats[:4]
    return feats


def _listings(products: pd.DataFrame, rng: np.random.Generator, c1_cat: str) -> pd.DataFrame:
    """One row per listing: own products plus 3-6 competitors per category."""
    own = pd.DataFrame({
        "sku": products["sku"].astype(str).to_numpy(),
        "title": products["name"].astype(str).to_numpy(),
        "category": products["category"].astype(str).to_numpy(),
        "base_price": products["price"].astype(float).to_numpy(),
        "brand": OWN_BRAND,
        "is_own": True,
    })
    brands = list(_BRANDS)
    rng.shuffle(brands)
    rows = []
    categories = sorted(own["category"].unique())
    for k, cat in enumerate(categories):
        median = float(own.loc[own["category"] == cat, "base_price"].median())
        n = int(rng.integers(3, 7))
        names = [brands.pop() if brands else f"{_BRANDS[(k + j) % len(_BRANDS)]} {k + 1}" for j in range(n)]
        if cat == c1_cat:
            names[0] = C1_BRAND
        if k == (1 if len(categories) > 1 else 0):
            names[-1] = C2_BRAND
        own_prices = own.loc[own["category"] == cat, "base_price"].to_numpy()
        for j, brand in enumerate(names):
            # a competitor is a substitute for one of our products, priced near it (C1: well below our median)
            target = (median * 0.75 if brand == C1_BRAND
                      else float(rng.choice(own_prices)) * rng.uniform(0.85, 1.2))
            rows.append({"sku": pd.NA, "title": f"{brand} {cat} model {chr(65 + j)}{k + 1}",
                         "category": cat, "base_price": max(round(target, 2) - 0.01, 0.99),
                         "brand": brand, "is_own": False})
    comp = pd.DataFrame(rows)
    out = pd.concat([own, comp], ignore_index=True)
    out["sku"] = out["sku"].astype("str")
    out["product_id"] = _asin(rng, len(out))
    n = len(out)
    out["base_units"] = np.round(np.exp(rng.normal(np.log(400), 0.6, n)))
    out["base_rating"] = np.clip(rng.normal(4.2, 0.25, n), 3.4, 4.8)
    out["base_reviews"] = np.round(np.exp(rng.normal(np.log(600), 0.9, n)))
    out["has_list_price"] = True
    no_list = (~out["is_own"]) & (out["brand"] != C2_BRAND)
    if no_list.any():
        out.loc[out.index[no_list][0], "has_list_price"] = False
    return out


def _snapshots(listings: pd.DataFrame, dates: pd.DatetimeIndex, rng: np.random.Generator, plant: bool,
               c1_cat: str) -> pd.DataFrame:
    n_l, n_d = len(listings), len(dates)
    t = np.linspace(0.0, 1.0, n_d)[None, :]
    is_c1 = (listings["brand"] == C1_BRAND).to_numpy()[:, None]
    is_c2 = (listings["brand"] == C2_BRAND).to_numpy()[:, None]
    own_c1cat = (listings["is_own"] & (listings["category"] == c1_cat)).to_numpy()[:, None]
    # list price: base price with a slow drift and a rare permanent change
    drift = 1 + np.cumsum(rng.normal(0, 0.004, (n_l, n_d)), axis=1)
    list_price = listings["base_price"].to_numpy()[:, None] * np.clip(drift, 0.85, 1.15)
    promo_p = np.where(is_c2 & plant, 0.7, np.where(listings["is_own"].to_numpy()[:, None], 0.05, 0.08))
    on_promo = rng.random((n_l, n_d)) < promo_p
    depth = np.where(is_c2 & plant, rng.uniform(0.15, 0.35, (n_l, n_d)), rng.uniform(0.08, 0.2, (n_l, n_d)))
    price = np.where(on_promo, list_price * (1 - depth), list_price)
    # estimated units: seasonality, noise, planted share shift
    season = 1 + 0.25 * np.sin(2 * np.pi * (dates.day_of_year.to_numpy()[None, :] - 250) / 365.25)
    growth = np.ones((n_l, n_d))
    if plant:
        growth = np.where(is_c1, 1 + 4.0 * t**2, growth)
        growth = np.where(own_c1cat, 1 - 0.35 * t, growth)
    promo_lift = np.where(on_promo, 1.25, 1.0)
    units = listings["base_units"].to_numpy()[:, None] * season * growth * promo_lift
    units = np.round(units * np.exp(rng.normal(0, 0.08, (n_l, n_d))))
    rating = listings["base_rating"].to_numpy()[:, None] + np.cumsum(rng.normal(0, 0.01, (n_l, n_d)), axis=1)
    rating = np.where(is_c1 & plant, 4.6, rating)
    rating = np.round(np.clip(rating, 1.0, 5.0), 1)
    new_reviews = rng.poisson(units / 4.3 * 0.02)
    reviews = listings["base_reviews"].to_numpy()[:, None] + np.cumsum(new_reviews, axis=1)
    idx = np.repeat(np.arange(n_l), n_d)
    snap = pd.DataFrame({
        "date": np.tile(dates.to_numpy(), n_l),
        "product_id": listings["product_id"].to_numpy()[idx],
        "brand": listings["brand"].to_numpy()[idx],
        "is_own": listings["is_own"].to_numpy()[idx],
        "price": np.round(price.ravel(), 2),
        "list_price": np.where(listings["has_list_price"].to_numpy()[idx], np.round(list_price.ravel(), 2),
                               np.nan),
        "rating": rating.ravel(),
        "review_count": reviews.ravel().astype("int64"),
        "est_monthly_units": units.ravel().astype("int64"),
        "category": listings["category"].to_numpy()[idx],
        "sku": listings["sku"].to_numpy()[idx],
        "title": listings["title"].to_numpy()[idx],
    })
    for col in ("product_id", "brand", "category", "sku", "title"):
        snap[col] = snap[col].astype("str")
    snap.loc[~snap["is_own"], "sku"] = pd.NA
    return snap


def _review_text(rng: np.random.Generator, stars: np.ndarray, feats: list[tuple[str, str]],
                 p_c1: float, chinese: np.ndarray) -> list[str]:
    """Templated but varied review texts for one listing (small Python loop: a few hundred rows)."""
    out = []
    others = [f for f in feats if f[0] != C1_FEATURE] or feats
    has_c1 = any(f[0] == C1_FEATURE for f in feats)
    for s, zh in zip(stars, chinese, strict=True):
        if has_c1 and s >= 4 and rng.random() < p_c1:
            f_en, f_zh = C1_FEATURE, _FEATURE_ZH_EXTRA[C1_FEATURE]
        else:
            f_en, f_zh = others[int(rng.integers(len(others)))]
        if zh:
            pool = _ZH_POS if s >= 4 else _ZH_NEG
            out.append(pool[int(rng.integers(len(pool)))].format(f=f_zh))
            continue
        if s >= 4:
            parts = [_POS_OPEN[int(rng.integers(len(_POS_OPEN)))],
                     _POS_FEAT[int(rng.integers(len(_POS_FEAT)))].format(f=f_en, F=f_en.capitalize())]
            if rng.random() < 0.4:
                g = others[int(rng.integers(len(others)))][0]
                parts.append(_POS_FEAT[int(rng.integers(len(_POS_FEAT)))].format(f=g, F=g.capitalize()))
        elif s == 3:
            parts = [_MID[int(rng.integers(len(_MID)))],
                     _NEG_FEAT[int(rng.integers(len(_NEG_FEAT)))].format(f=f_en, F=f_en.capitalize())]
        else:
            parts = [_NEG_OPEN[int(rng.integers(len(_NEG_OPEN)))]]
            if has_c1 and rng.random() < 0.3:
                parts.append(_BATTERY_NEG[int(rng.integers(len(_BATTERY_NEG)))])
            elif rng.random() < 0.5:
                parts.append(_NEG_GENERIC[int(rng.integers(len(_NEG_GENERIC)))])
            else:
                parts.append(_NEG_FEAT[int(rng.integers(len(_NEG_FEAT)))].format(f=f_en, F=f_en.capitalize()))
        out.append(" ".join(parts))
    return out


def _reviews(listings: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, rng: np.random.Generator,
             plant: bool, c1_cat: str, reviews_per_listing: int) -> pd.DataFrame:
    frames = []
    span = (end - start).days
    for row in listings.itertuples(index=False):
        c1_listing = row.brand == C1_BRAND
        n = int(rng.poisson(reviews_per_listing * (2.0 if c1_listing and plant else 1.0)))
        n = max(n, 5)
        mean = row.base_rating
        stars = np.clip(np.round(rng.normal(mean, 1.0, n)), 1, 5).astype(int)
        if c1_listing and plant:
            stars = np.clip(np.round(rng.normal(4.7, 0.6, n)), 1, 5).astype(int)
        # later reviews for listings that grew (C1) so the review stream tracks sales
        u = rng.random(n) ** (0.5 if c1_listing and plant else 1.0)
        days = np.sort(np.floor(u * span)).astype(int)
        chinese = rng.random(n) < 0.08
        feats = _features(row.category, row.category == c1_cat)
        if plant and c1_listing:
            p_c1 = 0.6
        elif plant and row.is_own:
            p_c1 = 0.06
        else:
            p_c1 = 0.15
        frames.append(pd.DataFrame({
            "product_id": row.product_id,
            "date": start + pd.to_timedelta(days, unit="D"),
            "rating": stars.astype(float),
            "text": _review_text(rng, stars, feats, p_c1, chinese),
        }))
    out = pd.concat(frames, ignore_index=True)
    out["product_id"] = out["product_id"].astype("str")
    out["text"] = out["text"].astype("str")
    out["date"] = out["date"].astype("datetime64[ns]")
    return out.sort_values(["date", "product_id"], kind="stable").reset_index(drop=True)


def planted_category(categories) -> str:
    """The category that receives C1: the first of outdoor/home/kitchen/electronics/beauty present."""
    cats = sorted(str(c) for c in pd.unique(pd.Series(list(categories), dtype="str")))
    if not cats:
        raise ValueError("products need at least one category")
    for pref in _PREFERRED_C1:
        for c in cats:
            if pref in c.lower():
                return c
    return cats[0]


def generate(store: dict[str, pd.DataFrame], seed: int = 7, plant: bool = True, *,
             start: str = START, end: str = END, reviews_per_listing: int = 80) -> dict[str, pd.DataFrame]:
    """Competitor snapshots and reviews for ``store["products"]``; see the module docstring."""
    products = store["products"]
    rng = np.random.default_rng(seed)
    c1_cat = planted_category(products["category"])
    listings = _listings(products, rng, c1_cat)
    t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    dates = pd.date_range(t0, t1, freq="7D")
    competitors = _snapshots(listings, dates, rng, plant, c1_cat)
    competitors["date"] = competitors["date"].astype("datetime64[ns]")
    reviews = _reviews(listings, t0, t1, rng, plant, c1_cat, reviews_per_listing)
    return {"competitors": competitors, "reviews": reviews}
