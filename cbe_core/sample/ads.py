"""Sample search terms and listing text, coherent with the sample store's ads.

``generate(store, seed, plant)`` returns ``{"search_terms": ..., "products": ...}``: the Sponsored
Products search term report behind ``store["ads"]`` and the products table with listing text added
(``bullet_points``, ``description``, ``search_terms_backend``; ``name`` is the title).

**Coherence.** Every ads row (day, campaign, advertised SKU) with clicks is split over that SKU's
search terms: its orders first go to order-carrying clicks on terms drawn by (click weight x conversion
weight), then its other clicks by click weight; spend is shared by clicks and sales by orders (cent
remainders to the largest shares), units by orders, impressions by clicks. So per day, campaign and SKU
the search terms add up exactly to ``ads.csv`` in clicks, spend, orders, sales and units (and in
impressions on days with clicks: Amazon lists only search terms that were clicked). The one exception
is a day with spend but no click (the planted D7 spike): its spend goes on a row with 0 clicks for the
SKU's first exact keyword, so spend still adds up.

**Campaign structure.** ``SP - Home Comfort`` is an automatic campaign (ad group ``Auto``; targeting
close-match, loose-match, substitutes, complements; match type ``-``); the other five are manual with
an ``Exact`` ad group (exact keywords) and a ``Broad`` ad group (broad keywords). Every search term of a
SKU uses only words of that SKU's listing, except the planted ones below.

**Planted** (inside the default decision window: the 60 days ending 2026-10-28, three days before the
report's last day):

- S1 harvest: ``handheld milk frother`` (KIT-07, ``SP - Coffee Corner`` / ``Broad``, broad keyword
  ``milk frother``): 7 orders in 35 clicks in the window, not an exact keyword anywhere.
- S2 negate: ``galaxy star projector`` (HOM-01, ``SP - Home Comfort`` / ``Auto``, loose-match): 90
  clicks, 0 orders in the window (it never converts).
- S3 must not be negated: ``gua sha stone`` (BEA-01, ``SP - Beauty Tools`` / ``Broad``, broad keyword
  ``face roller``): 8 clicks, 0 orders in the window, one click on each of 8 days (never before).
- S4 listing gap: ``matcha whisk`` (KIT-07, exact keyword in ``SP - Coffee Corner`` / ``Exact``): 5
  orders in 25 clicks in the window; neither "matcha" nor "whisk" is in KIT-07's listing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .catalog import CAMPAIGNS, STORE_END

AUTO_CAMPAIGN = "SP - Home Comfort"
S1_TERM, S1_SKU, S1_CAMPAIGN, S1_AD_GROUP = "handheld milk frother", "KIT-07", "SP - Coffee Corner", "Broad"
S2_TERM, S2_SKU, S2_CAMPAIGN, S2_AD_GROUP = "galaxy star projector", "HOM-01", "SP - Home Comfort", "Auto"
S3_TERM, S3_SKU, S3_CAMPAIGN, S3_AD_GROUP = "gua sha stone", "BEA-01", "SP - Beauty Tools", "Broad"
S4_TERM, S4_SKU, S4_CAMPAIGN, S4_AD_GROUP = "matcha whisk", "KIT-07", "SP - Coffee Corner", "Exact"
S4_MISSING = ("matcha", "whisk")
# the default decision window of cbe_core.ads (60 days ending 3 days before the report's end)
WINDOW_END = pd.Timestamp(STORE_END) - pd.Timedelta(days=3)
WINDOW_START = WINDOW_END - pd.Timedelta(days=59)
# planted figures in the window: (clicks, orders)
S1_PLAN, S2_PLAN, S3_PLAN, S4_PLAN = (35, 7), (90, 0), (8, 0), (25, 5)

# Listing text per SKU: (three bullet points, backend search terms). Illustrative copy.
LISTINGS = {
    "KIT-01": (("Heat resistant silicone up to 230 C", "Non-stick safe spatulas for cooking and baking",
                "Seamless one-piece design, dishwasher safe"),
               "rubber scraper spoonula kitchen utensils baking tools"),
    "KIT-02": (("Crush garlic and ginger without peeling", "Heavy duty stainless steel, rust proof",
                "Easy to clean, dishwasher safe"), "garlic crusher mincer ginger press kitchen gadget"),
    "KIT-03": (("Three sizes for meat, bread and vegetables", "Organic bamboo, gentle on knives",
                "Juice groove and side handles"), "chopping board wood cutting board kitchen"),
    "KIT-04": (("Weighs food in grams and ounces to 0.1 g", "Tare function and LCD display",
                "Slim stainless steel platform"), "food scale weight grams baking coffee scale"),
    "KIT-05": (("Precise pour for pour over coffee", "Built-in thermometer",
                "Stainless steel, works on gas and induction stove"),
               "coffee kettle tea kettle drip kettle stovetop"),
    "KIT-06": (("Airtight vacuum lids keep food fresh longer", "BPA free, stackable",
                "Hand pump included"), "food storage containers vacuum sealer pantry"),
    "KIT-07": (("Froths milk in 15 seconds for latte and cappuccino",
                "Handheld battery operated wand with stand", "Stainless steel spring head, easy to clean"),
               "milk foamer coffee frother drink mixer"),
    "KIT-08": (("Strong magnet holds knives and tools", "Stainless steel, easy wall mounting",
                "Saves counter space"), "knife holder magnetic knife bar kitchen organizer"),
    "HOM-01": (("Motion sensor turns on when you walk by",
                "Warm white LED, stick-on for hallway, stairs and closet", "Battery powered, no wiring"),
               "plug-free night lights stair lights closet light motion activated"),
    "HOM-02": (("Foldable fabric bins with handles", "Fit cube shelves", "Set of six"),
               "storage cubes closet organizer baskets"),
    "HOM-03": (("Clip curtains together to block light", "Strong spring clips", "Twenty pieces"),
               "curtain clips blackout clips"),
    "HOM-04": (("Quiet ultrasonic mist for essential oils", "Seven colour lights, auto shut-off",
                "300 ml tank for 8 hours"), "essential oil diffuser humidifier aromatherapy"),
    "HOM-05": (("Hides power strips and cables", "Fire retardant material", "Desk and TV cable management"),
               "cable management box power strip cover"),
    "HOM-06": (("Soft memory foam absorbs water fast", "Non-slip backing for bathroom floor",
                "Machine washable"), "bathroom rug bath rug shower mat absorbent"),
    "HOM-07": (("Five hooks for keys and a mail shelf", "Wall mounted, screws included", "Rustic wood"),
               "key rack entryway organizer mail holder"),
    "HOM-08": (("Natural linen look throw pillow covers 45 x 45 cm", "Hidden zipper",
                "For sofa, couch and bed"), "pillow case throw pillow cover decorative farmhouse"),
    "BEA-01": (("Natural jade stone roller for face and neck", "Cooling massage reduces puffiness",
                "Dual head for eyes and cheeks"), "facial roller skin care tool massager"),
    "BEA-02": (("Twelve soft synthetic brushes", "Foundation, powder and eye shadow", "Travel case"),
               "makeup brushes brush kit cosmetics"),
    "BEA-03": (("Heated curler for long-lasting curl", "USB rechargeable", "Comb design for lashes"),
               "lash curler eyelash heater makeup tool"),
    "BEA-04": (("Pure mulberry silk, soft on skin", "Blocks light for deep sleep", "Adjustable strap"),
               "eye mask sleeping mask silk"),
    "BEA-05": (("Sonic face brush for deep pore cleansing", "Waterproof, rechargeable",
                "Soft silicone bristles"), "face scrubber facial brush cleanser skin care"),
    "BEA-06": (("Strong grip for thick hair", "Matte finish", "Eight colours"),
               "claw clips hair clips jaw clips"),
    "BEA-07": (("Large opening and dividers", "Water resistant", "Fits in carry-on"),
               "cosmetic bag toiletry bag makeup pouch"),
    "OUT-01": (("Solar powered garden lights, auto on at dusk", "Waterproof IP65 for pathway, yard and lawn",
                "Warm white"), "solar lights outdoor pathway lights landscape"),
    "OUT-02": (("Bright LED lantern for camping and power outages", "USB rechargeable battery",
                "Water resistant, hanging hook"), "camp light tent lamp emergency light"),
    "OUT-03": (("Ultralight nylon hammock for camping and hiking", "Tree straps included",
                "Holds up to 200 kg"), "camping hammock portable hammock backpacking"),
    "OUT-04": (("Keeps drinks cold 24 hours, hot 12 hours", "Stainless steel, leak proof lid", "BPA free"),
               "water flask sports bottle thermos 32 oz"),
    "OUT-05": (("Lightweight folding stool for camping and fishing", "Steel frame holds 120 kg", "Carry bag"),
               "camp stool portable chair fishing seat"),
    "OUT-06": (("Bright LED headlamp for running, camping and hiking", "USB rechargeable",
                "Motion sensor and red light"), "head torch head lamp flashlight"),
    "OUT-07": (("Roll-top closure keeps gear dry", "20 L with shoulder strap", "For kayaking and boating"),
               "dry sack waterproof bag kayak bag"),
}

# Search terms per advertised SKU: (search term, ad group, targeting, match type, click weight,
# conversion weight). Manual campaigns: Exact keywords (search term == keyword) and Broad keywords.
E, B = "EXACT", "BROAD"
TERMS = {
    "KIT-01": [("silicone spatula set", "Exact", "silicone spatula set", E, 3, 1.3),
               ("silicone spatula", "Exact", "silicone spatula", E, 2.5, 1.3),
               ("heat resistant spatula", "Broad", "spatula", B, 1.2, 0.5),
               ("rubber spatula", "Broad", "spatula", B, 1.0, 0.5),
               ("spatula set for cooking", "Broad", "spatula", B, 0.8, 0.4),
               ("silicone spatula set", "Broad", "spatula", B, 1.0, 0.8)],
    "KIT-02": [("garlic press", "Exact", "garlic press", E, 3.5, 1.3),
               ("garlic crusher", "Broad", "garlic press", B, 1.2, 0.5),
               ("garlic mincer", "Broad", "garlic press", B, 1.0, 0.5),
               ("stainless steel garlic press", "Broad", "garlic press", B, 0.8, 0.6)],
    "KIT-04": [("kitchen scale", "Exact", "kitchen scale", E, 3, 1.3),
               ("food scale", "Exact", "food scale", E, 2.5, 1.3),
               ("digital kitchen scale", "Broad", "digital scale", B, 1.2, 0.5),
               ("food scale grams", "Broad", "digital scale", B, 1.0, 0.5),
               ("coffee scale", "Broad", "digital scale", B, 0.8, 0.4)],
    "KIT-05": [("gooseneck kettle", "Exact", "gooseneck kettle", E, 3, 1.3),
               ("pour over coffee kettle", "Broad", "pour over kettle", B, 1.2, 0.5),
               ("tea kettle", "Broad", "pour over kettle", B, 1.0, 0.4),
               ("drip coffee kettle", "Broad", "pour over kettle", B, 0.8, 0.5)],
    "KIT-07": [("milk frother", "Exact", "milk frother", E, 3, 1.3),
               (S4_TERM, "Exact", S4_TERM, E, 0.0, 0.0),
               (S1_TERM, "Broad", "milk frother", B, 0.8, 1.0),
               ("electric milk frother", "Broad", "milk frother", B, 1.2, 0.5),
               ("milk foamer", "Broad", "milk frother", B, 1.0, 0.4),
               ("coffee frother", "Broad", "milk frother", B, 0.8, 0.4)],
    "HOM-01": [("motion sensor night light", "Auto", "close-match", "-", 3, 1.2),
               ("night lights", "Auto", "close-match", "-", 2, 0.9),
               ("stair lights", "Auto", "loose-match", "-", 1.0, 0.6),
               ("closet light battery", "Auto", "loose-match", "-", 1.0, 0.6),
               ("b0c8xk2l1m", "Auto", "substitutes", "-", 0.6, 0.3),
               (S2_TERM, "Auto", "loose-match", "-", 0.0, 0.0)],
    "HOM-06": [("memory foam bath mat", "Auto", "close-match", "-", 3, 1.2),
               ("bath mat", "Auto", "close-match", "-", 2, 0.9),
               ("bathroom rug", "Auto", "loose-match", "-", 1.2, 0.6),
               ("non slip bath mat", "Auto", "loose-match", "-", 0.8, 0.6),
               ("b0d2mat9q4", "Auto", "substitutes", "-", 0.5, 0.3)],
    "HOM-08": [("linen pillow covers", "Auto", "close-match", "-", 3, 1.2),
               ("throw pillow covers", "Auto", "close-match", "-", 2, 0.9),
               ("cushion covers", "Auto", "loose-match", "-", 1.2, 0.6),
               ("pillow case", "Auto", "complements", "-", 0.8, 0.4)],
    "BEA-01": [("jade roller", "Exact", "jade roller", E, 3, 1.3),
               ("face roller", "Exact", "face roller", E, 2.5, 1.3),
               ("jade face roller", "Broad", "face roller", B, 1.2, 0.5),
               ("facial roller", "Broad", "face roller", B, 1.0, 0.5),
               ("face massager roller", "Broad", "face roller", B, 0.8, 0.4),
               (S3_TERM, "Broad", "face roller", B, 0.0, 0.0)],
    "BEA-03": [("heated eyelash curler", "Exact", "heated eyelash curler", E, 3, 1.3),
               ("eyelash curler", "Broad", "eyelash curler", B, 1.5, 0.5),
               ("heated lash curler", "Broad", "eyelash curler", B, 1.0, 0.5),
               ("rechargeable eyelash curler", "Broad", "eyelash curler", B, 0.8, 0.4)],
    "BEA-05": [("facial cleansing brush", "Exact", "facial cleansing brush", E, 3, 1.3),
               ("face cleansing brush", "Broad", "face brush", B, 1.2, 0.5),
               ("electric face brush", "Broad", "face brush", B, 1.0, 0.5),
               ("silicone face scrubber", "Broad", "face brush", B, 0.8, 0.4)],
    "OUT-01": [("solar garden lights", "Exact", "solar garden lights", E, 3, 1.3),
               ("solar lights outdoor", "Exact", "solar lights outdoor", E, 2.5, 1.3),
               ("solar pathway lights", "Broad", "solar lights", B, 1.2, 0.5),
               ("garden lights", "Broad", "solar lights", B, 1.0, 0.4),
               ("solar yard lights", "Broad", "solar lights", B, 0.8, 0.5)],
    "OUT-02": [("camping lantern", "Exact", "camping lantern", E, 3, 1.3),
               ("rechargeable lantern", "Exact", "rechargeable lantern", E, 2.5, 1.3),
               ("led lantern", "Broad", "lantern", B, 1.2, 0.5),
               ("tent light", "Broad", "lantern", B, 1.0, 0.4),
               ("emergency lantern", "Broad", "lantern", B, 0.8, 0.5)],
    "OUT-03": [("camping hammock", "Exact", "camping hammock", E, 3, 1.3),
               ("parachute hammock", "Broad", "hammock", B, 1.2, 0.5),
               ("portable hammock", "Broad", "hammock", B, 1.0, 0.5),
               ("hammock with tree straps", "Broad", "hammock", B, 0.8, 0.4)],
    "OUT-04": [("insulated water bottle", "Exact", "insulated water bottle", E, 3, 1.3),
               ("water bottle", "Exact", "water bottle", E, 2.5, 1.2),
               ("stainless steel water bottle", "Broad", "water bottle", B, 1.2, 0.5),
               ("sports water bottle", "Broad", "water bottle", B, 1.0, 0.5),
               ("thermos bottle", "Broad", "water bottle", B, 0.8, 0.4)],
    "OUT-05": [("camping stool", "Exact", "camping stool", E, 3, 1.3),
               ("folding camping stool", "Broad", "folding stool", B, 1.2, 0.5),
               ("portable stool", "Broad", "folding stool", B, 1.0, 0.5),
               ("fishing stool", "Broad", "folding stool", B, 0.8, 0.4)],
    "OUT-06": [("headlamp", "Exact", "headlamp", E, 3, 1.3),
               ("rechargeable headlamp", "Exact", "rechargeable headlamp", E, 2.5, 1.3),
               ("head torch", "Broad", "led headlamp", B, 1.2, 0.5),
               ("running headlamp", "Broad", "led headlamp", B, 1.0, 0.4),
               ("head lamp", "Broad", "led headlamp", B, 0.8, 0.5)],
}
PLANTED = {S1_TERM: S1_PLAN, S2_TERM: S2_PLAN, S3_TERM: S3_PLAN, S4_TERM: S4_PLAN}


def listing_frame(products: pd.DataFrame) -> pd.DataFrame:
    """``products`` with the listing columns added (titles are the names)."""
    out = products.copy()
    bullets, descriptions, backend = [], [], []
    for sku, name in zip(out["sku"], out["name"]):
        points, keywords = LISTINGS[sku]
        bullets.append(" | ".join(points))
        descriptions.append(f"{name} by Hanlin. {points[0]}. {points[1]}.")
        backend.append(keywords)
    out["bullet_points"] = pd.array(bullets, dtype="str")
    out["description"] = pd.array(descriptions, dtype="str")
    out["search_terms_backend"] = pd.array(backend, dtype="str")
    return out


def _split_money(total: float, weights: np.ndarray) -> np.ndarray:
    """``total`` (2 decimals) shared by ``weights`` in cents; remainders to the largest shares."""
    cents = int(round(total * 100))
    w = np.asarray(weights, dtype=float)
    if cents == 0 or w.sum() <= 0:
        return np.zeros(len(w))
    raw = cents * w / w.sum()
    base = np.floor(raw).astype(np.int64)
    rest = cents - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base / 100.0


def _plan(ads_sku: pd.DataFrame, plan: tuple[int, int], used: dict, cap: int, rng) -> dict:
    """Per window day, the (clicks, orders) forced onto a planted term: at most one order and ``cap``
    clicks without an order a day, within what the day's ads row has left after earlier plans
    (``used``, updated). The default seed has room for every plan (the sample tests check the figures);
    another seed may plant less."""
    clicks_left, orders_left = plan
    out: dict = {}
    window = ads_sku.loc[(ads_sku["date"] >= WINDOW_START) & (ads_sku["date"] <= WINDOW_END)]
    for i in rng.permutation(len(window)):
        if clicks_left <= 0 and orders_left <= 0:
            break
        day, c, o = window["date"].iloc[i], int(window["clicks"].iloc[i]), int(window["ad_orders"].iloc[i])
        uc, uo = used.get(day, (0, 0))
        take_o = min(1, o - uo, orders_left)
        take_n = min((c - o) - (uc - uo), cap, (clicks_left - orders_left))
        take_o, take_n = max(take_o, 0), max(take_n, 0)
        if take_o + take_n == 0:
            continue
        out[day] = (take_o + take_n, take_o)
        used[day] = (uc + take_o + take_n, uo + take_o)
        clicks_left -= take_o + take_n
        orders_left -= take_o
    return out   # with another seed a small SKU may leave less room: then less is planted


def generate(store: dict, seed: int = 7, plant: bool = True) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed + 16)
    ads = store["ads"]
    products = listing_frame(store["products"])
    camp_of = {sku: c for c, skus in CAMPAIGNS.items() for sku in skus}
    frames = []
    for sku, terms in TERMS.items():
        campaign = camp_of[sku]
        a = ads.loc[(ads["sku"] == sku) & (ads["campaign"] == campaign)].sort_values("date")
        names = [t[0] for t in terms]
        w = np.array([t[4] for t in terms], dtype=float)
        v = np.array([t[5] for t in terms], dtype=float)
        # outside the planted plan a planted term keeps a small ordinary life (S1: converts, S2: never)
        for j, name in enumerate(names):
            if name == S1_TERM:
                w[j], v[j] = 0.5, 1.0
            elif name == S2_TERM:
                w[j], v[j] = 0.35, 0.0
            elif name == S4_TERM:
                w[j], v[j] = 0.8, 1.3
            elif name == S3_TERM:      # never clicked before its planted days
                w[j], v[j] = 0.0, 0.0
        plans, used = {}, {}
        for j, name in enumerate(names):
            if plant and name in PLANTED:
                plans[j] = _plan(a, PLANTED[name], used, 1 if name == S3_TERM else 3, rng)
            elif name in PLANTED:      # the healthy twin has no planted terms
                w[j] = v[j] = 0.0
        in_window = ((a["date"] >= WINDOW_START) & (a["date"] <= WINDOW_END)).to_numpy()
        cols = {k: [] for k in ("date", "j", "clicks", "orders", "spend", "sales", "units", "impressions")}
        for day, c, o, spend, sales, units, imp, win in zip(
                a["date"], a["clicks"], a["ad_orders"], a["spend"], a["ad_sales"], a["ad_units"],
                a["impressions"], in_window):
            c, o, units, imp = int(c), int(o), int(units), int(imp)
            if c == 0:
                if spend > 0:   # spend without a click (the D7 spike): keep the money on one row
                    cols["date"].append(day)
                    cols["j"].append(0)
                    for k, val in (("clicks", 0), ("orders", 0), ("spend", spend), ("sales", 0.0),
                                   ("units", 0), ("impressions", imp)):
                        cols[k].append(val)
                continue
            clicks = np.zeros(len(names), dtype=np.int64)
            orders = np.zeros(len(names), dtype=np.int64)
            ww, vv = w.copy(), v.copy()
            if win:   # planted terms get exactly their plan inside the window, nothing random there
                for j in plans:
                    ww[j] = vv[j] = 0.0
            for j, plan in plans.items():
                pc, po = plan.get(day, (0, 0))
                clicks[j] += pc
                orders[j] += po
            o_left = o - int(orders.sum())
            c_left = c - int(clicks.sum()) - o_left
            pv = ww * vv
            if o_left > 0:
                got = rng.multinomial(o_left, pv / pv.sum())
                orders += got
                clicks += got
            if c_left > 0:
                clicks += rng.multinomial(c_left, ww / ww.sum())
            used = np.flatnonzero(clicks)
            unit_split = orders[used].astype(np.int64).copy()
            if units > o and o > 0:
                unit_split += rng.multinomial(units - o, orders[used] / orders[used].sum())
            ctr_w = clicks[used] * rng.uniform(0.6, 1.6, len(used))
            imp_split = clicks[used] + (rng.multinomial(imp - c, ctr_w / ctr_w.sum()) if imp > c else 0)
            cols["date"].extend([day] * len(used))
            cols["j"].extend(used.tolist())
            cols["clicks"].extend(clicks[used].tolist())
            cols["orders"].extend(orders[used].tolist())
            cols["spend"].extend(_split_money(spend, clicks[used]).tolist())
            cols["sales"].extend(_split_money(sales, orders[used]).tolist() if o else [0.0] * len(used))
            cols["units"].extend(unit_split.tolist())
            cols["impressions"].extend(np.asarray(imp_split).tolist())
        j = np.asarray(cols["j"], dtype=np.int64)
        frames.append(pd.DataFrame({
            "date": pd.to_datetime(cols["date"]).astype("datetime64[ns]"),
            "campaign": campaign,
            "ad_group": np.array([t[1] for t in terms], dtype=object)[j],
            "targeting": np.array([t[2] for t in terms], dtype=object)[j],
            "match_type": np.array([t[3] for t in terms], dtype=object)[j],
            "search_term": np.array(names, dtype=object)[j],
            "impressions": np.asarray(cols["impressions"], dtype=np.int64),
            "clicks": np.asarray(cols["clicks"], dtype=np.int64),
            "spend": np.asarray(cols["spend"], dtype=float),
            "orders": np.asarray(cols["orders"], dtype=np.int64),
            "sales": np.asarray(cols["sales"], dtype=float),
            "units": np.asarray(cols["units"], dtype=np.int64),
            "sku": sku,
            "currency": "USD",
        }))
    st = pd.concat(frames, ignore_index=True)
    st = st.sort_values(["date", "campaign", "ad_group", "search_term"], kind="stable").reset_index(drop=True)
    for c in ("campaign", "ad_group", "targeting", "match_type", "search_term", "sku", "currency"):
        st[c] = st[c].astype("str")
    return {"search_terms": st, "products": products}
