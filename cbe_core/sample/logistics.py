"""Shipping part of the sample store: rate cards and a shipment history for the store's orders.

``generate(store)`` returns ``{"rate_cards": ..., "shipments": ...}`` in the canonical schema
(:data:`cbe_core.schema.RATE_CARDS`, :data:`cbe_core.schema.SHIPMENTS`). Deterministic for a seed.

Carriers are fictitious (``PostAir``, ``LineOne``, ``RapidLine``, ``WingExpress``, ``HarborWH``,
``Amazon FBA``): their figures are invented for the demo and say nothing about any real company.

Planted situations (see PLANTS.md), both switched off by ``plant=False`` (the healthy twin):

- **L1** ``LineOne`` (dedicated line) loses ~4% of its parcels; every other carrier loses < 1%.
- **L2** ``RapidLine`` (dedicated line) gets slower in the last two months of the history: transit
  times are ~60% longer for parcels shipped in the final 61 days, so its on-time rate falls.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# carrier -> (service, mode, median transit days, log-sd, loss rate, promised days, cs hours mean,
#             per-kg price, per-parcel fee)
CARRIERS: dict[str, tuple] = {
    "PostAir": ("Postal registered air mail", "postal", 11.0, 0.25, 0.006, 15, 30.0, 11.0, 2.8),
    "LineOne": ("Dedicated line economy", "dedicated_line", 8.5, 0.20, 0.006, 12, 18.0, 10.0, 3.8),
    "RapidLine": ("Dedicated line fast", "dedicated_line", 6.3, 0.16, 0.004, 9, 10.0, 12.5, 4.5),
    "WingExpress": ("Express courier", "express", 3.2, 0.22, 0.002, 6, 4.0, 11.0, 13.0),
    "HarborWH": ("Overseas warehouse (sea)", "overseas_warehouse", 3.0, 0.25, 0.003, 5, 12.0, 0.0, 8.5),
    "Amazon FBA": ("FBA (sea inbound)", "fba", 1.8, 0.30, 0.001, 3, 8.0, 0.0, 5.0),
}
PLANT_L1_CARRIER = "LineOne"
PLANT_L1_LOSS = 0.04
PLANT_L2_CARRIER = "RapidLine"
PLANT_L2_SLOWDOWN = 1.6
PLANT_L2_WINDOW_DAYS = 61
MAX_SHIPMENTS = 20_000

# which carriers serve which market, with their shares (sum to 1 per row)
_MIX = {
    "amazon": {"Amazon FBA": 0.75, "LineOne": 0.10, "RapidLine": 0.10, "WingExpress": 0.05},
    "other": {"PostAir": 0.22, "LineOne": 0.28, "RapidLine": 0.25, "WingExpress": 0.10, "HarborWH": 0.15},
}


def _literal_orders() -> pd.DataFrame:
    """A small stand-in when the store has no orders (used by tests and early development)."""
    rng = np.random.default_rng(0)
    n = 6000
    dates = pd.Timestamp("2025-05-01") + pd.to_timedelta(rng.integers(0, 549, n), unit="D")
    return pd.DataFrame(
        {
            "order_id": [f"O{i:05d}" for i in range(n)],
            "order_date": dates,
            "sku": rng.choice(["SKU-1", "SKU-2", "SKU-3"], n),
            "quantity": rng.integers(1, 3, n),
            "country": rng.choice(["US", "DE", "GB", "JP", "FR"], n, p=[0.45, 0.2, 0.15, 0.15, 0.05]),
            "channel": rng.choice(["amazon", "shopify", "tiktok"], n),
        }
    )


def rate_cards() -> pd.DataFrame:
    """The bundled default rate cards (China to US, DE, GB, JP) as a canonical frame."""
    from ..logistics import default_rate_cards

    return default_rate_cards()


def generate(
    store: dict[str, pd.DataFrame] | None = None, seed: int = 7, plant: bool = True
) -> dict[str, pd.DataFrame]:
    """Rate cards and one shipment per order (at most ``MAX_SHIPMENTS``, a seeded sample).

    ``store["orders"]`` needs ``order_id`` and ``order_date``; ``sku``, ``quantity``, ``country``,
    ``channel`` and ``cancelled`` are used when present; ``store["products"]`` (``sku``, ``weight_kg``)
    sets parcel weights when present. Cancelled orders and return lines are not shipped.
    """
    store = store or {}
    rng = np.random.default_rng(seed)
    orders = store.get("orders")
    if orders is None or len(orders) == 0:
        orders = _literal_orders()
    cols = [
        c
        for c in ("order_id", "order_date", "sku", "quantity", "country", "channel", "cancelled")
        if c in orders.columns
    ]
    o = orders[cols].copy()
    if "cancelled" in o.columns:
        o = o.loc[~o["cancelled"].astype(bool)]
    if "quantity" in o.columns:
        o = o.loc[o["quantity"] > 0]
    # one parcel per order: first line's country/channel, total quantity, weight from products
    products = store.get("products")
    if products is not None and {"sku", "weight_kg"} <= set(products.columns) and "sku" in o.columns:
        w = products[["sku", "weight_kg"]].drop_duplicates("sku")
        o = o.merge(w, on="sku", how="left")
    else:
        o["weight_kg"] = np.nan
    if "quantity" not in o.columns:
        o["quantity"] = 1
    o["line_weight"] = o["weight_kg"] * o["quantity"]
    agg = {
        "order_date": ("order_date", "min"),
        "line_weight": ("line_weight", "sum"),
        "units": ("quantity", "sum"),
    }
    for c in ("country", "channel"):
        if c in o.columns:
            agg[c] = (c, "first")
    parcels = o.groupby("order_id", sort=True).agg(**agg).reset_index()
    if len(parcels) > MAX_SHIPMENTS:
        keep = np.sort(rng.choice(len(parcels), MAX_SHIPMENTS, replace=False))
        parcels = parcels.iloc[keep].reset_index(drop=True)
    n = len(parcels)
    weight = parcels["line_weight"].to_numpy(dtype=float, copy=True)
    missing = ~np.isfinite(weight) | (weight <= 0)
    weight[missing] = np.round(rng.gamma(3.0, 0.18, missing.sum()) * parcels["units"].to_numpy()[missing], 3)
    weight = np.clip(weight, 0.05, 30.0)
    dest = (
        parcels["country"].astype(str).to_numpy()
        if "country" in parcels.columns
        else np.full(n, "US", dtype=object)
    )
    channel = (
        parcels["channel"].astype(str).str.lower().to_numpy()
        if "channel" in parcels.columns
        else np.full(n, "shopify", dtype=object)
    )

    names = list(CARRIERS)
    idx = np.empty(n, dtype=int)
    is_amz = channel == "amazon"
    for key, mask in (("amazon", is_amz), ("other", ~is_amz)):
        mix = _MIX[key]
        choices = np.array([names.index(c) for c in mix])
        idx[mask] = rng.choice(choices, mask.sum(), p=np.array(list(mix.values())))
    # the overseas warehouse and FBA only serve the four main markets
    main = np.isin(dest, ["US", "DE", "GB", "JP"])
    ow = np.isin(idx, [names.index("HarborWH"), names.index("Amazon FBA")]) & ~main
    idx[ow] = names.index("RapidLine")

    table = np.array([CARRIERS[c] for c in names], dtype=object)
    median = table[idx, 2].astype(float)
    sigma = table[idx, 3].astype(float)
    loss = table[idx, 4].astype(float)
    promised = table[idx, 5].astype(float)
    cs_mean = table[idx, 6].astype(float)
    per_kg = table[idx, 7].astype(float)
    fee = table[idx, 8].astype(float)

    ship_date = (
        pd.to_datetime(parcels["order_date"]).dt.normalize()
        + pd.to_timedelta(rng.integers(0, 3, n), unit="D")
        + pd.to_timedelta(rng.integers(9, 19, n), unit="h")
    )
    ship_days = ship_date.to_numpy()
    last_ship = ship_days.max()
    recent = ship_days > last_ship - np.timedelta64(PLANT_L2_WINDOW_DAYS, "D")
    if plant:
        l1 = idx == names.index(PLANT_L1_CARRIER)
        loss[l1] = PLANT_L1_LOSS
        l2 = (idx == names.index(PLANT_L2_CARRIER)) & recent
        median[l2] *= PLANT_L2_SLOWDOWN
    transit = np.round(median * np.exp(sigma * rng.standard_normal(n)), 1)
    transit = np.maximum(transit, 0.5)
    lost = rng.random(n) < loss
    returned = ~lost & (rng.random(n) < 0.004)
    delivery = ship_date + pd.to_timedelta(transit, unit="D")
    cutoff = last_ship - np.timedelta64(2, "D")
    # parcels not yet due at the end of the history are still in transit
    in_transit = delivery.to_numpy() > cutoff
    status = np.where(
        lost, "lost", np.where(returned, "returned", np.where(in_transit, "in_transit", "delivered"))
    )
    delivery = delivery.where(status == "delivered")
    cs_hours = np.round(rng.gamma(2.0, cs_mean / 2.0), 1)
    cost = np.round(fee + per_kg * np.maximum(weight, 0.05) * (1 + 0.05 * rng.standard_normal(n)), 2)

    shipments = pd.DataFrame(
        {
            "shipment_id": [f"SP{seed:02d}{i:07d}" for i in range(n)],
            "carrier": pd.array(np.array(names, dtype=object)[idx], dtype="str"),
            "ship_date": ship_date.to_numpy().astype("datetime64[ns]"),
            "status": pd.array(status, dtype="str"),
            "delivery_date": delivery.to_numpy().astype("datetime64[ns]"),
            "service": pd.array(table[idx, 0], dtype="str"),
            "mode": pd.array(table[idx, 1], dtype="str"),
            "dest": pd.array(dest, dtype="str"),
            "order_id": pd.array(parcels["order_id"].astype(str).to_numpy(), dtype="str"),
            "promised_days": promised,
            "cost": cost,
            "weight_kg": np.round(weight, 3),
            "cs_response_hours": cs_hours,
        }
    )
    shipments = shipments.sort_values(["ship_date", "shipment_id"], kind="stable").reset_index(drop=True)
    return {"rate_cards": rate_cards(), "shipments": shipments}
