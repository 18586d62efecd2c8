"""The sample store's world: dates, catalogue, campaigns, traffic sources, rates and fees, customers'
names, and the planted situations; with the helpers that price a line (fees, shipping, refunds).

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

from datetime import date

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
    ("KIT-06", "Vacuum Food Storage Containers (5 pcs)", "kitchen", 44.99, 12.80, 2.20, 35, 25, 20, 0.7,
     0.90),
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
#   in 2025 quotes, i.e. 2.50 + 10.00 per kg (illustrative). Each value: (per unit/parcel, per kg).
_SHIP = {"amazon": (3.20, 2.40), "shopify": (2.50, 10.0), "tiktok": (2.50, 10.0)}

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
        emails[m] = (np.char.lower(f.astype(str)).astype(object) + "."
                     + np.char.lower(la.astype(str)).astype(object) + num + "@example.com")
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
