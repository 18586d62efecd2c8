"""Deterministic sample store: an imaginary cross-border seller, 2025-05-01 .. 2026-10-31.

``generate_store(seed, plant)`` returns canonical frames (``cbe_core.schema``) for every table:
``products``, ``orders``, ``traffic``, ``ads`` (made here), ``competitors`` and ``reviews`` (from
``cbe_core.sample_competitors``), ``rate_cards`` and ``shipments`` (from ``cbe_core.sample_logistics``).
``write_sample(directory)`` writes them as CSV (``python -m cbe_core.sample [DIR]``, default
``sample_data/``); ``generate_orders(n_lines)`` makes a large orders table quickly for benchmarks.

How the store hangs together (so that every table agrees with every other):

1. Sessions per day, SKU and traffic source are Poisson draws around a smooth demand curve
   (SKU popularity x source share x weekly profile x Q4 peak x category season x growth x day noise).
2. Each session bounces or not, an engaged session adds to cart or not, a cart becomes an order or
   not (binomial chain), so ``bounces <= sessions``, ``orders <= add_to_cart``, and conversion is
   ``(1 - bounce) * p(add to cart) * p(checkout)``.
3. Every order placed becomes one order line (one SKU per order, quantity 1-4); about 2% are cancelled
   (status "cancelled" or "refunded"). ``traffic.orders``/``units``/``revenue`` count the lines that
   are sales (``schema.sales_lines``: not cancelled, quantity > 0) on that day, SKU and source, so the
   traffic table and the orders table agree exactly.
4. Customers are given their orders by slot matching: each planned customer (Champions, planted
   dormant big spenders, ordinary repeat buyers) asks for orders at positions inside an active window,
   and one-time buyers take the remaining orders. About 4% of lines are returned later: a second line
   with the same ``order_id``, negative quantity, status "returned", dated at the return.
5. Sponsored-products ads: ``amazon_ads`` sessions are the ad clicks, so ``ads.clicks`` equals the
   ``amazon_ads`` sessions of that SKU and day and ``ad_orders``/``ad_sales`` are its orders and revenue;
   spend is clicks x a cost per click set from each campaign's target ACoS.

Planted situations (``plant=True``; constants below; ``sample_data/README.md`` has the measured facts):
D1 high traffic / low conversion (:data:`D1_SKU`), D2 high conversion / low order value
(:data:`D2_SKU`), D3 campaign below break-even (:data:`D3_CAMPAIGN`), D4 store-wide conversion drop
(:data:`D4_START` .. :data:`D4_END`), D5 one source carries the business (:data:`D5_SOURCE`), D6 high
bounce (:data:`D6_SKU`), D7 one-day ad-spend spike (:data:`D7_CAMPAIGN` on :data:`D7_DATE`), R1 dormant
big spenders (:data:`R1_CUSTOMERS`), R2 Champions (:data:`R2_CUSTOMERS`) and many one-time buyers.
``plant=False`` is the healthy twin: the same generator with every planted parameter set to its
ordinary value (the R1 cohort keeps buying to the end, like the Champions).

Sources of rates and fees are cited next to each constant; "illustrative" marks a plausible figure
chosen for the story, not a measured one. All money is in USD.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

STORE_START = date(2025, 5, 1)
STORE_END = date(2026, 10, 31)

# --- planted situations -------------------------------------------------------------------------
D1_SKU = "HOM-04"                  # top-3 by sessions, conversion ~1/3 of the home category median
D2_SKU = "BEA-06"                  # cheap (6.99), conversion ~2x the store median, AOV far below
D3_CAMPAIGN = "SP - Outdoor Camping"   # ACoS above the margin before ads, the whole 18 months
D4_START = date(2026, 9, 14)       # checkout bug: store-wide conversion -40% for one week
D4_END = date(2026, 9, 20)
D4_FACTOR = 0.6                    # checkout completion multiplied by this during D4
D5_SOURCE = "amazon_search"        # > 60% of revenue (healthy twin: < 50%)
D6_SKU = "KIT-06"                  # bounce ~80% vs ~40% typical
D6_BOUNCE = 0.80
D7_CAMPAIGN = "SP - Kitchen Essentials"  # one-day ad-spend spike: 25x the campaign's average day,
D7_DATE = date(2026, 8, 5)                #   clicks and sales as usual (a runaway bid rule)
D7_FACTOR = 25.0
# Customers: ids are C00001.. in cohort order (contiguous ranges, see _COHORTS).
R2_CUSTOMERS = ("C00001", "C00250")    # Champions: 8-16 orders, last order in the final 45 days
R1_CUSTOMERS = ("C00251", "C00380")    # dormant big spenders: 7-14 orders, last 310-380 days before end
REPEAT_CUSTOMERS = ("C00381", "C01980")  # ordinary repeat buyers (1-5 orders in the data, natural churn;
#                                          a few bought only before the data starts and are absent)
# One-time buyers: C01981 onwards (one order each; how many depends on the orders drawn).

CATEGORIES = ("kitchen", "home", "beauty", "outdoor")
CHANNELS = ("amazon", "shopify", "tiktok")
SOURCES = ("amazon_search", "amazon_ads", "google", "tiktok", "email", "direct")
SOURCE_CHANNEL = {"amazon_search": "amazon", "amazon_ads": "amazon", "google": "shopify",
                  "tiktok": "tiktok", "email": "shopify", "direct": "shopify"}

# Products: sku, name, category, price, unit_cost (landed: factory price + first leg + duty, roughly
# 20-35% of price, illustrative), weight_kg, length/width/height cm (shipping box), popularity (relative
# sessions, illustrative), conversion multiplier (illustrative).
_PRODUCTS = [
    ("KIT-01", "Silicone Spatula Set (5 pcs)", "kitchen", 18.99, 4.10, 0.45, 33, 12, 6, 1.0, 1.05),
    ("KIT-02", "Stainless Steel Garlic Press", "kitchen", 14.99, 3.40, 0.35, 20, 8, 5, 0.8, 1.00),
    ("KIT-03", "Bamboo Cutting Board Set (3 pcs)", "kitchen", 32.99, 8.90, 1.90, 40, 28, 5, 0.7, 0.90),
    ("KIT-04", "Digital Kitchen Scale", "kitchen", 22.99, 5.60, 0.60, 22, 18, 4, 1.1, 1.10),
    ("KIT-05", "Gooseneck Pour-Over Kettle", "kitchen", 39.99, 11.20, 1.10, 30, 20, 18, 0.6, 0.85),
    ("KIT-06", "Vacuum Food Storage Containers (5 pcs)", "kitchen", 44.99, 12.80, 2.20, 35, 25, 20, 0.7, 0.90),
    ("KIT-07", "Electric Milk Frother", "kitchen", 16.99, 3.90, 0.30, 26, 8, 6, 1.2, 1.15),
    ("KIT-08", "Magnetic Knife Strip 40 cm", "kitchen", 24.99, 6.30, 0.70, 44, 8, 4, 0.5, 0.95),
    ("HOM-01", "LED Motion Sensor Night Light (3 pack)", "home", 21.99, 5.20, 0.40, 18, 14, 6, 1.2, 1.10),
    ("HOM-02", "Collapsible Storage Bins (6 pack)", "home", 29.99, 8.10, 1.60, 35, 30, 8, 0.8, 0.95),
    ("HOM-03", "Blackout Curtain Clips (20 pcs)", "home", 9.99, 1.90, 0.15, 15, 10, 3, 0.6, 1.00),
    ("HOM-04", "Ultrasonic Aroma Diffuser 300 ml", "home", 34.99, 9.40, 0.80, 20, 20, 18, 2.2, 1.00),
    ("HOM-05", "Cable Organizer Box", "home", 19.99, 4.70, 0.70, 32, 14, 13, 0.7, 0.95),
    ("HOM-06", "Memory Foam Bath Mat", "home", 26.99, 7.20, 1.00, 40, 30, 6, 0.9, 1.05),
    ("HOM-07", "Wall-Mounted Key Holder", "home", 17.99, 4.30, 0.50, 30, 12, 5, 0.5, 0.90),
    ("HOM-08", "Linen Cushion Covers (2 pack)", "home", 23.99, 5.80, 0.45, 32, 25, 3, 0.8, 1.00),
    ("BEA-01", "Jade Face Roller", "beauty", 19.99, 4.20, 0.25, 18, 8, 5, 1.3, 1.10),
    ("BEA-02", "Makeup Brush Set (12 pcs)", "beauty", 24.99, 5.90, 0.35, 25, 10, 5, 0.9, 1.00),
    ("BEA-03", "Heated Eyelash Curler", "beauty", 27.99, 6.80, 0.20, 18, 6, 4, 0.8, 0.95),
    ("BEA-04", "Mulberry Silk Sleep Mask", "beauty", 15.99, 3.30, 0.10, 22, 12, 2, 1.0, 1.05),
    ("BEA-05", "Electric Facial Cleansing Brush", "beauty", 36.99, 9.90, 0.40, 20, 10, 8, 0.7, 0.90),
    ("BEA-06", "Hair Claw Clips (8 pack)", "beauty", 6.99, 1.20, 0.12, 15, 10, 4, 1.0, 1.00),
    ("BEA-07", "Travel Makeup Organizer Bag", "beauty", 21.99, 5.10, 0.35, 25, 16, 10, 0.6, 0.95),
    ("OUT-01", "Solar Garden Lights (8 pack)", "outdoor", 39.99, 10.80, 1.80, 45, 25, 12, 1.0, 1.00),
    ("OUT-02", "Rechargeable Camping Lantern", "outdoor", 29.99, 8.20, 0.60, 16, 16, 20, 0.9, 1.05),
    ("OUT-03", "Ultralight Parachute Hammock", "outdoor", 34.99, 8.60, 0.70, 22, 16, 12, 0.7, 0.95),
    ("OUT-04", "Insulated Water Bottle 1 L", "outdoor", 27.99, 7.40, 0.55, 30, 10, 10, 1.1, 1.05),
    ("OUT-05", "Folding Camping Stool", "outdoor", 24.99, 6.70, 1.20, 40, 12, 10, 0.6, 0.90),
    ("OUT-06", "Rechargeable LED Headlamp", "outdoor", 19.99, 4.90, 0.20, 15, 10, 8, 0.9, 1.00),
    ("OUT-07", "Waterproof Dry Bag 20 L", "outdoor", 17.99, 4.20, 0.35, 25, 15, 4, 0.6, 0.95),
]
_PRODUCT_COLS = ["sku", "name", "category", "price", "unit_cost", "weight_kg", "length_cm", "width_cm",
                 "height_cm"]

# Sponsored Products campaigns: one per SKU group (names are ids: tests and the README use them).
CAMPAIGNS = {
    "SP - Kitchen Essentials": ("KIT-01", "KIT-02", "KIT-04"),
    "SP - Coffee Corner": ("KIT-05", "KIT-07"),
    "SP - Home Comfort": ("HOM-01", "HOM-06", "HOM-08"),
    "SP - Beauty Tools": ("BEA-01", "BEA-03", "BEA-05"),
    D3_CAMPAIGN: ("OUT-02", "OUT-03", "OUT-05", "OUT-06"),
    "SP - Garden & Hydration": ("OUT-01", "OUT-04"),
}
# Target ACoS as a fraction of the campaign's lowest SKU margin before ads. Healthy campaigns run
# at 45-70% of break-even (illustrative); the planted one at 1.4x its highest SKU margin.
_CAMPAIGN_ACOS_TO_MARGIN = {
    "SP - Kitchen Essentials": 0.55, "SP - Coffee Corner": 0.65, "SP - Home Comfort": 0.60,
    "SP - Beauty Tools": 0.50, D3_CAMPAIGN: 0.70, "SP - Garden & Hydration": 0.45,
}
D3_ACOS_TO_MARGIN = 1.4
# Amazon Sponsored Products click-through rate about 0.3-0.5% (commonly quoted range, e.g. Ad Badger
# Amazon PPC benchmarks 2023-2024); illustrative per campaign.
_CTR = {"SP - Kitchen Essentials": 0.0045, "SP - Coffee Corner": 0.0040, "SP - Home Comfort": 0.0038,
        "SP - Beauty Tools": 0.0050, D3_CAMPAIGN: 0.0032, "SP - Garden & Hydration": 0.0042}

# Conversion (orders / sessions) by source before the SKU multiplier. Amazon's unit session
# percentage is commonly 10-15% for established listings (Jungle Scout / Helium 10 seller guides, 2024);
# independent-store conversion is about 1-3% (Littledata Shopify benchmarks, 2022-2024: average ~1.4%,
# top 20% > 3.2%); TikTok Shop and social traffic convert lower (illustrative). Email traffic converts
# better than paid social (illustrative, in line with Klaviyo/Shopify guides).
_SOURCE_CONV = {"amazon_search": 0.10, "amazon_ads": 0.08, "google": 0.025, "tiktok": 0.015,
                "email": 0.05, "direct": 0.035}
# Share of sessions by source (before SKUs without ads lose amazon_ads); illustrative.
_SOURCE_SHARE_HEALTHY = {"amazon_search": 0.15, "amazon_ads": 0.18, "google": 0.24, "tiktok": 0.20,
                         "email": 0.06, "direct": 0.17}
_SOURCE_SHARE_D5 = {"amazon_search": 0.40, "amazon_ads": 0.16, "google": 0.16, "tiktok": 0.14,
                    "email": 0.05, "direct": 0.13}
# Bounce: ~40% typical for product pages (illustrative; broad e-commerce averages are 40-50%,
# e.g. Contentsquare Digital Experience Benchmark 2021); per-source factor illustrative.
_BOUNCE_BASE = 0.40
_SOURCE_BOUNCE = {"amazon_search": 0.9, "amazon_ads": 1.0, "google": 1.1, "tiktok": 1.25, "email": 0.8,
                  "direct": 0.9}
# Checkout completion of a cart: web stores ~30% (Baymard Institute: documented average cart
# abandonment 70.19%, 2024); Amazon's one-click checkout completes more often (0.5, illustrative).
_CHECKOUT = {"amazon": 0.50, "shopify": 0.30, "tiktok": 0.30}
# Quantity per order line: mostly 1 (illustrative).
_QTY_P = np.array([0.80, 0.13, 0.05, 0.02])
# Cancelled orders ~2% and returns ~4% of lines (illustrative; kitchen/home/beauty accessories return
# far less than apparel, whose online return rates are often quoted at 20-30%).
CANCEL_RATE = 0.02
RETURN_RATE = 0.04
# Weekly profile Mon..Sun (illustrative: online shopping peaks Sunday/Monday evenings).
_WEEKLY = np.array([1.06, 1.00, 0.98, 0.95, 0.90, 0.94, 1.17])
# Store growth +20% a year (illustrative).
_GROWTH = 0.20
_TARGET_ORDERS = 12_500            # placed orders over the 18 months (~23 a day)

# Platform fees (line totals):
# - Amazon referral fee 15% for Kitchen, Home, Sports & Outdoors; Beauty 8% for items of $10 or less,
#   15% above (Amazon.com referral fee schedule, Seller Central, 2025).
# - Shopify Payments 2.9% + $0.30 per online card transaction (Shopify Basic plan, US, 2025).
# - TikTok Shop US referral fee 8% (TikTok Shop seller fee schedule, 2025; approximate).
_TIKTOK_FEE = 0.08
_SHOPIFY_PCT, _SHOPIFY_FIXED = 0.029, 0.30
# On a refund Amazon keeps a refund administration fee of the lesser of $5 or 20% of the referral fee
# (Amazon.com referral fee schedule, 2025); Shopify does not return the card fee (Shopify Help Center,
# 2025); TikTok Shop refunds its referral fee (approximate).
# Shipping cost per line (what the seller pays to get it to the buyer):
# - amazon (FBA): fulfilment fee ~$3.5-6 per standard-size unit (Amazon FBA fulfilment fee table, 2025)
#   plus sea first leg; modelled as 3.20 + 2.40 per kg per unit (illustrative within those ranges);
# - shopify/tiktok (dedicated line China->destination): about CNY 15-20 per parcel + CNY 60-90 per kg
#   in 2025 quotes, i.e. 2.50 + 10.00 per kg (illustrative).
_SHIP = {"amazon": (3.20, 2.40), "shopify": (2.50, 10.0), "tiktok": (2.50, 10.0)}   # (per unit/parcel, per kg)

# Customers: countries (share illustrative: a China-based seller mostly selling to the US and Europe).
_COUNTRIES = np.array(["US", "DE", "GB", "JP", "CA", "FR", "AU"])
_COUNTRY_P = np.array([0.48, 0.16, 0.14, 0.10, 0.05, 0.04, 0.03])
_FIRST = {
    "US": ["James", "Mary", "Robert", "Linda", "Michael", "Sarah", "David", "Emily", "Daniel", "Jessica",
           "Chris", "Ashley", "Kevin", "Megan", "Brian", "Laura"],
    "DE": ["Lukas", "Anna", "Felix", "Lena", "Jonas", "Marie", "Paul", "Sophie", "Leon", "Hannah"],
    "GB": ["Oliver", "Amelia", "Harry", "Olivia", "George", "Isla", "Jack", "Emily", "Charlie", "Poppy"],
    "JP": ["Haruto", "Yui", "Sota", "Hina", "Ren", "Aoi", "Yuto", "Sakura", "Kaito", "Mei"],
    "CA": ["Liam", "Emma", "Noah", "Chloe", "Ethan", "Ava", "Lucas", "Maya"],
    "FR": ["Louis", "Camille", "Hugo", "Chloe", "Jules", "Lea", "Arthur", "Manon"],
    "AU": ["Jack", "Charlotte", "William", "Mia", "Thomas", "Grace", "Cooper", "Ruby"],
}
_LAST = {
    "US": ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
           "Taylor", "Moore", "Martin", "Lee", "Walker", "Hall", "Young"],
    "DE": ["Mueller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann",
           "Koch"],
    "GB": ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas", "Roberts",
           "Walker"],
    "JP": ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi",
           "Kato"],
    "CA": ["Tremblay", "Martin", "Roy", "Gagnon", "Smith", "Brown", "Wilson", "Campbell"],
    "FR": ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"],
    "AU": ["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Kelly"],
}


# --- helpers --------------------------------------------------------------------------------------
def products_frame() -> pd.DataFrame:
    """The catalogue: 30 SKUs in 4 categories (canonical ``products`` columns)."""
    df = pd.DataFrame([p[:9] for p in _PRODUCTS], columns=_PRODUCT_COLS)
    for c in ("sku", "name", "category"):
        df[c] = df[c].astype("str")
    for c in _PRODUCT_COLS[3:]:
        df[c] = df[c].astype("float64")
    return df


def _days() -> pd.DatetimeIndex:
    return pd.date_range(STORE_START, STORE_END, freq="D").astype("datetime64[ns]")


def _demand_curve(days: pd.DatetimeIndex, categories: np.ndarray) -> np.ndarray:
    """Seasonal demand factor, shape (days, skus): weekly x Q4 peak x category season x growth."""
    t = np.asarray((days - days[0]).days, dtype=float)
    doy = days.day_of_year.to_numpy().astype(float)
    weekly = _WEEKLY[days.day_of_week.to_numpy()]
    growth = 1.0 + _GROWTH * t / 365.0
    # Smooth Q4 peak centred on 1 December (Black Friday / Cyber Monday / gifting), ramping from October
    # and falling in January; no single-day spikes so the healthy twin has no anomalies (illustrative).
    peaks = [pd.Timestamp(y, 12, 1) for y in (2024, 2025, 2026)]
    dist = np.min(np.abs(np.subtract.outer(np.asarray(days.asi8), np.array([p.value for p in peaks]))),
                  axis=1) / 86_400e9
    q4_shape = np.exp(-0.5 * (dist / 24.0) ** 2)
    q4_amp = {"kitchen": 0.8, "home": 0.7, "beauty": 1.0, "outdoor": 0.35}
    # Outdoor sells in summer (peak around 10 July), illustrative.
    summer = 0.45 * np.cos(2 * np.pi * (doy - 191) / 365.25)
    out = np.empty((len(days), len(categories)))
    for j, cat in enumerate(categories):
        season = 1.0 + q4_amp[cat] * q4_shape
        if cat == "outdoor":
            season = season * (1.0 + summer)
        out[:, j] = weekly * growth * season
    return out


def _customer_names(rng: np.random.Generator, countries: np.ndarray, ids: np.ndarray):
    """Vectorised names and example.com e-mails for customers in ``countries``."""
    names = np.empty(len(countries), dtype=object)
    emails = np.empty(len(countries), dtype=object)
    u1 = rng.random(len(countries))
    u2 = rng.random(len(countries))
    for c in _COUNTRIES:
        m = countries == c
        if not m.any():
            continue
        first = np.array(_FIRST[c], dtype=object)
        last = np.array(_LAST[c], dtype=object)
        f = first[(u1[m] * len(first)).astype(int)]
        la = last[(u2[m] * len(last)).astype(int)]
        names[m] = f + " " + la
        num = np.char.mod("%d", ids[m].astype(np.int64)).astype(object)
        emails[m] = (np.char.lower(f.astype(str)).astype(object) + "." + np.char.lower(la.astype(str)).astype(object)
                     + num + "@example.com")
    return names, emails


def _fees(channel: np.ndarray, category: np.ndarray, line_revenue: np.ndarray) -> np.ndarray:
    """Platform fee (line total) by channel; see the fee sources above."""
    unit_cat_beauty = category == "beauty"
    amazon_rate = np.where(unit_cat_beauty & (line_revenue <= 10.0), 0.08, 0.15)
    fee = np.where(channel == "amazon", amazon_rate * line_revenue,
                   np.where(channel == "tiktok", _TIKTOK_FEE * line_revenue,
                            _SHOPIFY_PCT * line_revenue + _SHOPIFY_FIXED))
    return np.round(fee, 2)


def _shipping(channel: np.ndarray, weight: np.ndarray, qty: np.ndarray) -> np.ndarray:
    base = np.select([channel == "amazon"], [_SHIP["amazon"][0]], _SHIP["shopify"][0])
    per_kg = np.select([channel == "amazon"], [_SHIP["amazon"][1]], _SHIP["shopify"][1])
    q = np.abs(qty)
    # FBA charges per unit; a dedicated-line parcel is one fee per parcel plus weight.
    cost = np.where(channel == "amazon", q * (base + per_kg * weight), base + per_kg * weight * q)
    return np.round(cost, 2)


def _refund_fee(channel: np.ndarray, fee: np.ndarray) -> np.ndarray:
    """Platform fee on a return line (negative: money given back by the platform)."""
    amazon_back = fee - np.minimum(5.0, 0.2 * fee)
    back = np.where(channel == "amazon", amazon_back, np.where(channel == "tiktok", fee, 0.0))
    return np.round(-back, 2)


def margin_before_ads(products: pd.DataFrame) -> pd.Series:
    """Margin before ads of one unit sold through Amazon FBA (break-even ACoS), per SKU.

    ``(price - unit_cost - referral fee - FBA shipping) / price`` with the fees above.
    """
    price = products["price"].to_numpy()
    ch = np.full(len(price), "amazon")
    fee = _fees(ch, products["category"].to_numpy(), price)
    ship = _shipping(ch, products["weight_kg"].to_numpy(), np.ones(len(price)))
    return pd.Series((price - products["unit_cost"].to_numpy() - fee - ship) / price,
                     index=products["sku"].to_numpy(), name="margin_before_ads")


# --- the store ------------------------------------------------------------------------------------
def _traffic(rng, products, days, plant):
    """Sessions and the funnel per day x sku x source; returns a long frame with 'placed' orders."""
    n_d, n_s, n_src = len(days), len(products), len(SOURCES)
    skus = products["sku"].to_numpy()
    cats = products["category"].to_numpy()
    pop = np.array([p[9] for p in _PRODUCTS])
    conv_mult = np.array([p[10] for p in _PRODUCTS])
    bounce = np.full(n_s, _BOUNCE_BASE) + rng.normal(0, 0.03, n_s)
    advertised = {s for group in CAMPAIGNS.values() for s in group}
    has_ads = np.array([s in advertised for s in skus])

    i_d1, i_d2, i_d6 = (int(np.flatnonzero(skus == s)[0]) for s in (D1_SKU, D2_SKU, D6_SKU))
    if plant:
        conv_mult[i_d1] = 0.33      # D1: a third of its category's median
        conv_mult[i_d2] = 2.15      # D2: twice the store median
        bounce[i_d6] = D6_BOUNCE    # D6
        conv_mult[i_d6] = 0.75
    share_tab = _SOURCE_SHARE_D5 if plant else _SOURCE_SHARE_HEALTHY
    share = np.array([share_tab[s] for s in SOURCES])
    src_conv = np.array([_SOURCE_CONV[s] for s in SOURCES])
    src_bounce = np.array([_SOURCE_BOUNCE[s] for s in SOURCES])
    checkout = np.array([_CHECKOUT[SOURCE_CHANNEL[s]] for s in SOURCES])

    # shares per sku x source (no amazon_ads without a campaign), normalised per sku
    w = np.tile(share, (n_s, 1))
    w[~has_ads, SOURCES.index("amazon_ads")] = 0.0
    w /= w.sum(axis=1, keepdims=True)
    conv = conv_mult[:, None] * src_conv[None, :]                        # (sku, src)
    b = np.clip(bounce[:, None] * src_bounce[None, :], 0.05, 0.9)
    if plant:
        b[i_d6, :] = D6_BOUNCE
    p_atc = np.clip(conv / ((1 - b) * checkout[None, :]), 0, 0.95)

    demand = _demand_curve(days, cats) * pop[None, :]                      # (day, sku)
    noise = np.exp(rng.normal(0, 0.12, (n_d, n_s)))
    # scale so that the expected number of orders is about _TARGET_ORDERS
    exp_orders = (demand[:, :, None] * w[None] * conv[None]).sum()
    lam = demand[:, :, None] * w[None] * (_TARGET_ORDERS / exp_orders) * noise[:, :, None]

    sessions = rng.poisson(lam)
    bounces = rng.binomial(sessions, np.broadcast_to(b[None], lam.shape))
    atc = rng.binomial(sessions - bounces, np.broadcast_to(p_atc[None], lam.shape))
    p_co = np.broadcast_to(checkout[None, None, :], lam.shape).copy()
    if plant:
        in_d4 = (days >= pd.Timestamp(D4_START)) & (days <= pd.Timestamp(D4_END))
        p_co[in_d4] *= D4_FACTOR
    placed = rng.binomial(atc, p_co)
    # pages per session ~1.6 (illustrative): a bounce views one page
    page_views = sessions + rng.poisson((sessions - bounces) * 1.0)

    d_idx, s_idx, src_idx = np.meshgrid(np.arange(n_d), np.arange(n_s), np.arange(n_src), indexing="ij")
    frame = pd.DataFrame({
        "d": d_idx.ravel(), "s": s_idx.ravel(), "src": src_idx.ravel(),
        "sessions": sessions.ravel(), "page_views": page_views.ravel(), "bounces": bounces.ravel(),
        "add_to_cart": atc.ravel(), "placed": placed.ravel(),
    })
    # keep rows with a session (a source that brought nobody that day has no row, as in real reports)
    return frame.loc[frame["sessions"] > 0].reset_index(drop=True)


def _cohorts(plant: bool):
    """(name, first_id, last_id) of the planned customers; ids are 1-based numbers."""
    return [("champion", 1, 250), ("dormant" if plant else "loyal", 251, 380), ("repeat", 381, 1980)]


def _assign_customers(rng, order_day: np.ndarray, n_days: int, plant: bool) -> tuple[np.ndarray, int]:
    """Customer number per order (orders sorted by day). Returns (customer_no, last customer number).

    Each planned customer asks for orders on days inside an active window; the planned cohorts
    (Champions, R1 dormant, and their healthy twin) have their last order on the window's last day.
    Ordinary repeat buyers were partly active before the data starts: their windows may begin before
    day 0 and the orders that would fall before it are simply not in the data (left-censoring), so
    the share of repeat orders is about flat over time. Slots are sorted by desired position among
    the day-sorted orders and each takes the first free order at or after it; one-time buyers take
    a uniform fifth of the orders kept aside first, and the orders left over.
    """
    n = len(order_day)
    end = n_days - 1
    days_l, owners_l, pins_l, ids = [], [], [], []
    offset = 0
    for name, lo, hi in _cohorts(plant):
        m = hi - lo + 1
        if name == "champion":
            k = rng.integers(8, 17, m)
            first = rng.integers(0, 120, m)
            last = end - rng.integers(0, 45, m)
        elif name == "dormant":
            k = rng.integers(7, 15, m)
            first = rng.integers(0, 60, m)
            last = end - rng.integers(310, 381, m)
        elif name == "loyal":          # healthy twin of the dormant cohort: still buying (last order
            k = rng.integers(7, 15, m)  # within the last 180 days, i.e. no 200-400-day dormancy)
            first = rng.integers(0, 60, m)
            last = end - rng.integers(0, 181, m)
        else:                            # ordinary repeat buyers with natural churn
            k = np.minimum(1 + rng.geometric(0.45, m), 5)
            first = rng.integers(-200, n_days - 30, m)
            last = np.minimum(first + 30 + rng.exponential(200, m).astype(int), end)
        owner = np.repeat(np.arange(m), k)
        day = first[owner] + np.floor(rng.random(len(owner)) * (last - first + 1)[owner]).astype(np.int64)
        pin = np.r_[np.diff(owner) != 0, True] & (name != "repeat")
        day = np.where(pin, last[owner], day)
        keep = day >= 0
        days_l.append(day[keep])
        owners_l.append(owner[keep] + offset)
        pins_l.append(pin[keep])
        ids.append(np.arange(lo, hi + 1))
        offset += m
    day = np.concatenate(days_l)
    owner = np.concatenate(owners_l)
    cid = np.concatenate(ids)
    # desired position: a random order among those of that day
    lo_pos = np.searchsorted(order_day, day, "left")
    hi_pos = np.searchsorted(order_day, day, "right")
    pos = lo_pos + rng.random(len(day)) * np.maximum(hi_pos - lo_pos, 1)
    # a fifth of the orders, spread uniformly, is kept for one-time buyers (new buyers keep arriving
    # even where the planned customers are busiest, e.g. the last weeks)
    free = np.flatnonzero(rng.random(n) >= 0.2)
    m = len(pos)
    if m > len(free):
        raise ValueError("sample store: more planned customer orders than orders")
    order = np.argsort(pos, kind="stable")
    p = np.searchsorted(free, np.floor(pos[order]).astype(np.int64), "left")
    j = np.arange(m)
    x = j + np.maximum.accumulate(p - j)                    # strictly increasing, >= desired
    x = np.minimum(x, len(free) - m + j)                     # keep inside the free orders, still distinct
    customer = np.zeros(n, dtype=np.int64)
    customer[free[x]] = cid[owner[order]]
    rest = np.flatnonzero(customer == 0)
    first_one_time = int(cid.max()) + 1
    customer[rest] = first_one_time + rng.permutation(len(rest))
    return customer, first_one_time + len(rest) - 1


def _order_ids(rng, channel: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """Platform-shaped order numbers: Amazon 3-7-7 digits, Shopify #1001.., TikTok 18 digits."""
    n = len(channel)
    a = rng.integers(0, 10_000_000, n)
    b = rng.integers(0, 10_000_000, n)
    amazon = (pd.Series(rng.integers(111, 115, n)).astype(str) + "-" + pd.Series(a).astype(str).str.zfill(7)
              + "-" + pd.Series(b).astype(str).str.zfill(7))
    shop_seq = np.cumsum(channel == "shopify")
    shopify = "#" + pd.Series(1000 + shop_seq).astype(str)
    tiktok = "576" + pd.Series(seq * 7919 + 10**14).astype(str)
    out = np.where(channel == "amazon", amazon.to_numpy(), np.where(channel == "shopify",
                                                                    shopify.to_numpy(), tiktok.to_numpy()))
    return out


def _orders(rng, products, days, traffic, plant):
    """Order lines from the traffic's placed orders; returns (orders, traffic with sales counts)."""
    n_days = len(days)
    rows = np.repeat(np.arange(len(traffic)), traffic["placed"].to_numpy())
    d = traffic["d"].to_numpy()[rows]
    s = traffic["s"].to_numpy()[rows]
    src = traffic["src"].to_numpy()[rows]
    n = len(rows)
    # time of day: evening-heavy profile (illustrative); orders sorted by time so numbers follow it
    hour_p = np.array([2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 9, 9, 7, 4], dtype=float)
    hour = rng.choice(24, n, p=hour_p / hour_p.sum())
    secs = hour * 3600 + rng.integers(0, 3600, n)
    sort = np.lexsort((secs, d))
    rows, d, s, src, secs = rows[sort], d[sort], s[sort], src[sort], secs[sort]
    order_date = days.to_numpy()[d] + secs.astype("timedelta64[s]")
    qty = rng.choice(np.arange(1, 5), n, p=_QTY_P)
    i_d2 = int(np.flatnonzero(products["sku"].to_numpy() == D2_SKU)[0])
    if plant:  # D2: a cheap impulse item, bought one at a time
        qty = np.where(s == i_d2, 1, qty)
    status = np.full(n, "completed", dtype=object)
    u = rng.random(n)
    cancelled = u < CANCEL_RATE
    status[cancelled] = np.where(u[cancelled] < CANCEL_RATE * 0.7, "cancelled", "refunded")

    customer, _ = _assign_customers(rng, d, n_days, plant)
    n_cust = int(customer.max())
    cust_country = _COUNTRIES[rng.choice(len(_COUNTRIES), n_cust + 1, p=_COUNTRY_P)]
    names, emails = _customer_names(rng, cust_country, np.arange(n_cust + 1))

    price = products["price"].to_numpy()[s]
    unit_cost = products["unit_cost"].to_numpy()[s]
    weight = products["weight_kg"].to_numpy()[s]
    cat = products["category"].to_numpy()[s]
    source = np.array(SOURCES, dtype=object)[src]
    channel = np.array([SOURCE_CHANNEL[x] for x in SOURCES], dtype=object)[src]
    line_rev = price * qty
    fee = _fees(channel, cat, line_rev)
    ship = _shipping(channel, weight, qty)
    seq = np.arange(n)
    order_id = _order_ids(rng, channel.astype(str), seq)
    orders = pd.DataFrame({
        "order_id": order_id,
        "order_date": order_date.astype("datetime64[ns]"),
        "sku": products["sku"].to_numpy()[s],
        "quantity": qty.astype(np.int64),
        "unit_price": price,
        "customer_id": np.char.add("C", np.char.zfill(customer.astype(str), 5)),
        "country": cust_country[customer],
        "channel": channel,
        "status": status,
        "currency": "USD",
        "unit_cost": unit_cost,
        "shipping_cost": ship,
        "platform_fee": fee,
        "email": emails[customer],
        "customer_name": names[customer],
        "product_name": products["name"].to_numpy()[s],
        "traffic_source": source,
    })
    # sales counts back into the traffic rows
    sale = ~cancelled
    tr = traffic.copy()
    tr["orders"] = np.bincount(rows[sale], minlength=len(tr)).astype(np.int64)
    tr["units"] = np.bincount(rows[sale], weights=qty[sale], minlength=len(tr)).astype(np.int64)
    tr["revenue"] = np.round(np.bincount(rows[sale], weights=line_rev[sale], minlength=len(tr)), 2)

    # returns: a later line (4-30 days, illustrative) with the same order id and a negative quantity
    ret = np.flatnonzero(sale & (rng.random(n) < RETURN_RATE))
    ret_date = order_date[ret] + (rng.integers(4, 31, len(ret)) * 86400
                                  + rng.integers(-3600 * 6, 3600 * 6, len(ret))).astype("timedelta64[s]")
    keep = ret_date < np.datetime64(pd.Timestamp(STORE_END) + pd.Timedelta(days=1))
    ret, ret_date = ret[keep], ret_date[keep]
    returns = orders.iloc[ret].copy()
    returns["order_date"] = ret_date.astype("datetime64[ns]")
    returns["quantity"] = -returns["quantity"]
    returns["status"] = "returned"
    returns["shipping_cost"] = 0.0
    returns["platform_fee"] = _refund_fee(channel[ret].astype(str), fee[ret])
    orders = pd.concat([orders, returns], ignore_index=True)
    orders = orders.sort_values(["order_date", "order_id"], kind="stable").reset_index(drop=True)
    orders["cancelled"] = orders["status"].isin(["cancelled", "refunded"])
    for c in ("order_id", "sku", "customer_id", "country", "channel", "status", "currency", "email",
              "customer_name", "product_name", "traffic_source"):
        orders[c] = orders[c].astype("str")
    return orders, tr


def _ads(rng, products, days, traffic, plant):
    """One row per day, campaign and advertised sku, from the amazon_ads traffic rows."""
    skus = products["sku"].to_numpy()
    margin = margin_before_ads(products)
    price = products.set_index("sku")["price"]
    ads_src = SOURCES.index("amazon_ads")
    t = traffic.loc[traffic["src"] == ads_src]
    n_d = len(days)
    frames = []
    for campaign, group in CAMPAIGNS.items():
        idx = [int(np.flatnonzero(skus == g)[0]) for g in group]
        ratio = _CAMPAIGN_ACOS_TO_MARGIN[campaign]
        if plant and campaign == D3_CAMPAIGN:
            ratio = D3_ACOS_TO_MARGIN * margin[list(group)].max() / margin[list(group)].min()
        target_acos = ratio * margin[list(group)].min()
        # expected revenue per click of the campaign, then cost per click = ACoS x revenue per click
        conv = np.array([_PRODUCTS[i][10] for i in idx]) * _SOURCE_CONV["amazon_ads"]
        avg_q = float((_QTY_P * np.arange(1, 5)).sum())
        rev_per_click = float(np.mean(conv * price[list(group)].to_numpy() * avg_q)) * (1 - CANCEL_RATE)
        cpc0 = target_acos * rev_per_click
        ctr = _CTR[campaign]
        mean_campaign_clicks = float(t.loc[t["s"].isin(idx), "sessions"].sum()) / n_d
        for i in idx:
            grid = pd.DataFrame({"d": np.arange(n_d)})
            rows = t.loc[t["s"] == i, ["d", "sessions", "orders", "units", "revenue"]]
            g = grid.merge(rows, on="d", how="left").fillna(0)
            clicks = g["sessions"].to_numpy().astype(np.int64)
            cpc = cpc0 * np.exp(rng.normal(0, 0.12, n_d))
            spend = np.round(clicks * cpc, 2)
            if plant and campaign == D7_CAMPAIGN:
                spike = days == pd.Timestamp(D7_DATE)
                # the campaign's whole day at D7_FACTOR x its average day, shared by its skus
                spend[spike] = np.round(D7_FACTOR * cpc0 * mean_campaign_clicks / len(idx), 2)
            mean_clicks = max(clicks.mean(), 0.5)
            impressions = clicks + rng.poisson(np.maximum(clicks, mean_clicks * 0.5) * (1 / ctr - 1))
            frames.append(pd.DataFrame({
                "date": days,
                "campaign": campaign,
                "spend": spend,
                "clicks": clicks,
                "impressions": impressions.astype(np.int64),
                "ad_orders": g["orders"].to_numpy().astype(np.int64),
                "ad_sales": np.round(g["revenue"].to_numpy(), 2),
                "sku": skus[i],
                "ad_units": g["units"].to_numpy().astype(np.int64),
            }))
    ads = pd.concat(frames, ignore_index=True).sort_values(["date", "campaign", "sku"], kind="stable")
    ads = ads.reset_index(drop=True)
    ads["campaign"] = ads["campaign"].astype("str")
    ads["sku"] = ads["sku"].astype("str")
    ads["date_end"] = ads["date"]
    return ads


def generate_store(seed: int = 7, plant: bool = True) -> dict[str, pd.DataFrame]:
    """The sample store as canonical frames, keyed by table name (see the module docstring).

    Deterministic: the same ``seed`` and ``plant`` give identical frames. ``plant=False`` is the
    healthy twin. Orders carry the reader's ``cancelled`` column; traffic and ads carry ``date_end``.
    """
    rng = np.random.default_rng(seed)
    products = products_frame()
    days = _days()
    raw = _traffic(rng, products, days, plant)
    orders, raw = _orders(rng, products, days, raw, plant)
    ads = _ads(rng, products, days, raw, plant)
    traffic = pd.DataFrame({
        "date": days.to_numpy()[raw["d"].to_numpy()],
        "sku": products["sku"].to_numpy()[raw["s"].to_numpy()],
        "source": np.array(SOURCES, dtype=object)[raw["src"].to_numpy()],
    })
    for c in ("sessions", "page_views", "bounces", "add_to_cart", "orders", "units"):
        traffic[c] = raw[c].to_numpy().astype(np.int64)
    traffic["revenue"] = raw["revenue"].to_numpy()
    traffic["sku"] = traffic["sku"].astype("str")
    traffic["source"] = traffic["source"].astype("str")
    traffic["date"] = traffic["date"].astype("datetime64[ns]")
    traffic["date_end"] = traffic["date"]
    store = {"products": products, "orders": orders, "traffic": traffic, "ads": ads}

    # Tables made by the other sample modules (written in parallel; skipped while they are absent).
    try:
        from . import sample_competitors
    except ImportError:
        sample_competitors = None
    if sample_competitors is not None:
        store.update(sample_competitors.generate(store, seed=seed, plant=plant))
    try:
        from . import sample_logistics
    except ImportError:
        sample_logistics = None
    if sample_logistics is not None:
        store.update(sample_logistics.generate(store, seed=seed, plant=plant))
    return store


# --- large orders for benchmarks --------------------------------------------------------------------
def _numbered(prefix: str, n: int, width: int) -> np.ndarray:
    """``prefix`` + zero-padded 0..n-1 (vectorised)."""
    if n == 0:
        return np.array([], dtype=object)
    return np.char.add(prefix, np.char.zfill(np.arange(n).astype(str), width))


def _str_take(values, idx: np.ndarray):
    """``values[idx]`` as a pandas ``str`` array, converting only the distinct values (fast)."""
    return pd.array(np.asarray(values, dtype=object), dtype="str").take(idx)


def generate_orders(n_lines: int, seed: int = 0) -> pd.DataFrame:
    """``n_lines`` canonical order lines, fast (vectorised), for benchmarks.

    Same columns as the sample store's orders (with ``cancelled``) except ``product_name`` and
    ``traffic_source``. About 1.3 lines per order; 60% of customers buy once, the others 2-40 times
    (geometric), ~2% cancelled orders (status "cancelled") and ~3% return lines (negative quantity,
    same order id, status "returned", dated 4-30 days later). Order days follow the store's weekly
    profile and growth over the store's 18 months; the return lines come after the sales lines.
    1M lines take about 2-4 s.
    """
    n_lines = int(n_lines)
    if n_lines < 0:
        raise ValueError("n_lines must be >= 0")
    rng = np.random.default_rng(seed)
    products = products_frame()
    n_ret = int(round(n_lines * 0.03)) if n_lines >= 2 else 0
    n_sale = n_lines - n_ret
    # orders: a new order starts with probability 1/1.3
    new = rng.random(n_sale) < 1 / 1.3
    if n_sale:
        new[0] = True
    order_no = np.cumsum(new) - 1
    n_orders = int(order_no[-1]) + 1 if n_sale else 0
    # order day: weighted by the weekly profile and growth, sorted so order numbers follow time
    days = _days()
    w = _WEEKLY[days.day_of_week.to_numpy()] * (1 + _GROWTH * np.arange(len(days)) / 365)
    day_of_order = np.sort(rng.choice(len(days), n_orders, p=w / w.sum()))
    odate = days.to_numpy()[day_of_order] + rng.integers(0, 86400, n_orders).astype("timedelta64[s]")
    # customers: 60% buy once, the others 2 + a geometric number of orders (mean 6, capped at 40)
    est = max(1, int(n_orders / 2.6 * 1.1) + 10)
    k = np.where(rng.random(est) < 0.6, 1, np.minimum(2 + rng.geometric(0.25, est) - 1, 40))
    owner = np.repeat(np.arange(1, est + 1), k)
    if len(owner) < n_orders:             # rare: top up with one-time buyers
        owner = np.r_[owner, np.arange(est + 1, est + 1 + n_orders - len(owner))]
    cust_of_order = rng.permutation(owner[:n_orders]).astype(np.int64)
    n_cust = int(cust_of_order.max()) if n_orders else 0
    ch_of_order = rng.choice(3, n_orders, p=[0.6, 0.3, 0.1])
    cancelled_order = rng.random(n_orders) < CANCEL_RATE

    s = rng.integers(0, len(products), n_sale)
    qty = rng.choice(np.arange(1, 5), n_sale, p=_QTY_P).astype(np.int64)
    # returns: copies of non-cancelled sale lines
    ok = np.flatnonzero(~cancelled_order[order_no]) if n_sale else np.array([], dtype=np.int64)
    if not len(ok):                        # tiny inputs where every order was cancelled
        ok = np.arange(n_sale)
    pick = ok[rng.integers(0, len(ok), n_ret)] if n_ret else np.array([], dtype=np.int64)
    rows = np.r_[np.arange(n_sale), pick]
    is_ret = np.r_[np.zeros(n_sale, dtype=bool), np.ones(len(pick), dtype=bool)]
    o = order_no[rows]
    channel = np.array(CHANNELS, dtype=object)[ch_of_order[o]]
    price = products["price"].to_numpy()[s[rows]]
    q = qty[rows]
    fee = _fees(channel, products["category"].to_numpy()[s[rows]], price * q)
    ship = _shipping(channel, products["weight_kg"].to_numpy()[s[rows]], q)
    fee = np.where(is_ret, _refund_fee(channel.astype(str), fee), fee)
    delay = np.where(is_ret, rng.integers(4, 31, len(rows)) * 86400, 0).astype("timedelta64[s]")
    status = np.where(is_ret, 2, np.where(cancelled_order[o], 1, 0))
    cust = cust_of_order[o]
    countries = _COUNTRIES[rng.choice(len(_COUNTRIES), n_cust + 1, p=_COUNTRY_P)]
    names, emails = _customer_names(rng, countries, np.arange(n_cust + 1))
    cust_ids = _numbered("C", n_cust + 1, 7)
    order_ids = _numbered("BO", n_orders, 9)
    out = pd.DataFrame({
        "order_id": _str_take(order_ids, o),
        "order_date": (odate[o] + delay).astype("datetime64[ns]"),
        "sku": _str_take(products["sku"].to_numpy(), s[rows]),
        "quantity": np.where(is_ret, -q, q).astype(np.int64),
        "unit_price": price,
        "customer_id": _str_take(cust_ids, cust),
        "country": _str_take(countries, cust),
        "channel": _str_take(CHANNELS, ch_of_order[o]),
        "status": _str_take(["completed", "cancelled", "returned"], status),
        "currency": _str_take(["USD"], np.zeros(len(rows), dtype=np.int64)),
        "unit_cost": products["unit_cost"].to_numpy()[s[rows]],
        "shipping_cost": np.where(is_ret, 0.0, ship),
        "platform_fee": fee,
        "email": _str_take(emails, cust),
        "customer_name": _str_take(names, cust),
    })
    out["cancelled"] = status == 1
    return out


# --- files ----------------------------------------------------------------------------------------
# Columns the reader derives itself; not written to the CSV files.
_DERIVED = {"orders": ("cancelled",), "traffic": ("date_end",), "ads": ("date_end",)}


def write_sample(directory=None, seed: int = 7) -> dict[str, Path]:
    """Write every table of :func:`generate_store` as ``<table>.csv`` (UTF-8, ISO dates)."""
    out_dir = Path(directory) if directory is not None else Path(__file__).resolve().parents[1] / "sample_data"
    out_dir.mkdir(parents=True, exist_ok=True)
    store = generate_store(seed=seed, plant=True)
    paths: dict[str, Path] = {}
    for name, frame in store.items():
        df = frame.drop(columns=[c for c in _DERIVED.get(name, ()) if c in frame.columns])
        path = out_dir / f"{name}.csv"
        df.to_csv(path, index=False, encoding="utf-8", date_format=_date_format(name, df), lineterminator="\n")
        paths[name] = path
    return paths


def _date_format(name: str, df: pd.DataFrame) -> str:
    """ISO dates: date+time for order/shipment timestamps, date only elsewhere."""
    if name in ("orders", "shipments"):
        return "%Y-%m-%d %H:%M:%S"
    return "%Y-%m-%d"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    paths = write_sample(argv[0] if argv else None)
    for name, path in paths.items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
