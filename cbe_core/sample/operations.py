"""Stock and payments part of the sample store: an inventory snapshot and Amazon's Date Range Report.

``generate(store)`` returns ``{"inventory": ..., "transactions": ...}`` in the canonical schema
(:data:`cbe_core.schema.INVENTORY`, :data:`cbe_core.schema.TRANSACTIONS`), coherent with the store's
orders. Deterministic for a seed; it draws from its own generator, so the other tables keep their bytes.

**Inventory** (one snapshot on :data:`STORE_END`): per SKU an ``FBA US`` row (Amazon's share of the
SKU's sales), a ``Shenzhen home warehouse`` row (the Shopify and TikTok share, shipped by dedicated
line) and, for every third SKU, an overseas-warehouse row (``HarborWH LA``). The stock covers
:data:`COVER_DAYS` days (a seeded draw per SKU) of the store's own seasonal demand curve
(:func:`cbe_core.sample.catalog._demand_curve`, scaled to the SKU's last 28 days of sales), part of
it inbound; about 3% of FBA stock is reserved.

**Date Range Report** (:data:`REPORT_START` .. :data:`REPORT_END`): one ``Order`` row per Amazon
sales line posted in the window (a few hours to 2 days after the order; product sales = quantity x
unit price, selling fees = the line's platform fee, FBA fees = the line's shipping cost, as the
orders file carries them), one ``Refund`` row per Amazon return line in the window (the referral fee
credited back minus Amazon's refund administration fee, as on the return line), a monthly
``Service Fee`` (Professional selling plan $39.99), a monthly ``FBA Inventory Fee`` (storage of the
FBA stock at the cited rates) and fortnightly ``Transfer`` rows (payouts). All money in USD.

Planted situations (``plant=True``; ``plant=False`` is the healthy twin):

- **P1** :data:`P1_SKU` loses money after ads and refunds: a faulty battery batch; Amazon refunds
  :data:`P1_REFUND_SHARE` of its Amazon orders in the report window without a return (returnless
  refunds appear in the payments report only), on top of the ads of the planted D3 campaign.
- **S1** :data:`S1_SKU` will stock out before its sea lead time: :data:`S1_COVER_DAYS` days of
  stock, nothing inbound (the sea route to FBA takes 40-60 days).
- **S2** :data:`S2_SKU` is overstocked: :data:`S2_COVER_DAYS` days of stock.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .catalog import _PRODUCTS, STORE_END, _demand_curve

REPORT_START = date(2026, 8, 1)
REPORT_END = date(2026, 10, 31)
P1_SKU = "OUT-06"
P1_REFUND_SHARE = 0.35
S1_SKU = "KIT-07"
S1_COVER_DAYS = 12
S2_SKU = "HOM-07"
S2_COVER_DAYS = 420
COVER_DAYS = (100, 160)  # ordinary SKUs: days of forecast demand in stock (illustrative)
INBOUND_SHARE = 0.35  # share of ordinary SKUs with stock inbound (illustrative)
RESERVED_SHARE = 0.03  # FBA units reserved (customer orders, transfers; illustrative)
SUBSCRIPTION = 39.99  # Amazon Professional selling plan per month (feedonomics.com, weak)
# Amazon US FBA monthly storage per cubic foot, standard size: $0.78 Jan-Sep, $2.40 Oct-Dec from
# 2024-04-01 (sellercentral.amazon.com GJ9NNG7RK4TU6E3Z, official); see cbe_core/data/storage_fees.csv
_STORAGE = {m: (2.40 if m >= 10 else 0.78) for m in range(1, 13)}
CM3_PER_FT3 = 28_316.846592


def _expected_daily(products: pd.DataFrame, orders: pd.DataFrame, days: pd.DatetimeIndex) -> np.ndarray:
    """Expected units per day (days x SKUs) on ``days``: the demand curve scaled to each SKU's last 28
    days of sales."""
    end = pd.Timestamp(STORE_END)
    recent = pd.date_range(end - pd.Timedelta(days=27), end, freq="D")
    cats = products["category"].to_numpy()
    pop = np.array([p[9] for p in _PRODUCTS])
    curve_recent = _demand_curve(recent, cats) * pop[None, :]
    sales = orders.loc[(orders["quantity"] > 0) & ~orders["cancelled"] & (orders["order_date"] >= recent[0])]
    units = sales.groupby("sku")["quantity"].sum().reindex(products["sku"]).fillna(0).to_numpy(float)
    scale = units / curve_recent.sum(axis=0)
    return _demand_curve(days, cats) * pop[None, :] * scale[None, :]


def inventory(store: dict[str, pd.DataFrame], seed: int = 7, plant: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 1701)
    products, orders = store["products"], store["orders"]
    skus = products["sku"].to_numpy()
    n = len(skus)
    end = pd.Timestamp(STORE_END)
    future = pd.date_range(end + pd.Timedelta(days=1), periods=S2_COVER_DAYS + 10, freq="D")
    daily = _expected_daily(products, orders, future)
    cum = np.cumsum(daily, axis=0)
    cover = rng.integers(COVER_DAYS[0], COVER_DAYS[1] + 1, n)
    if plant:
        cover[skus == S1_SKU] = S1_COVER_DAYS
        cover[skus == S2_SKU] = S2_COVER_DAYS
    position = np.round(cum[cover - 1, np.arange(n)]).astype(np.int64)
    inbound_on = rng.random(n) < INBOUND_SHARE
    if plant:
        inbound_on[np.isin(skus, [S1_SKU, S2_SKU])] = False
    inbound = np.where(inbound_on, np.round(position * rng.uniform(0.3, 0.5, n)), 0).astype(np.int64)
    on_hand = position - inbound
    # channel shares of the last 90 days' units
    recent = orders.loc[
        (orders["quantity"] > 0) & ~orders["cancelled"] & (orders["order_date"] > end - pd.Timedelta(days=90))
    ]
    by = recent.pivot_table(index="sku", columns="channel", values="quantity", aggfunc="sum").reindex(skus)
    by = by.fillna(0.0)
    amazon = by.get("amazon", pd.Series(0.0, index=by.index)).to_numpy()
    share_fba = np.where(
        by.sum(axis=1).to_numpy() > 0, amazon / np.maximum(by.sum(axis=1).to_numpy(), 1), 0.8
    )
    overseas = np.arange(n) % 3 == 2
    fba = np.round(on_hand * share_fba).astype(np.int64)
    rest = on_hand - fba
    harbor = np.where(overseas, np.round(rest * 0.6), 0).astype(np.int64)
    home = rest - harbor
    reserved = np.round(fba * RESERVED_SHARE * rng.uniform(0.5, 1.5, n)).astype(np.int64)
    cost = products["unit_cost"].to_numpy()
    rows = []
    for name, qty, inb, res in (
        ("FBA US", fba, inbound, reserved),
        ("Shenzhen home warehouse", home, 0, 0),
        ("HarborWH LA", harbor, 0, 0),
    ):
        inb = np.broadcast_to(np.asarray(inb), (n,))
        res = np.broadcast_to(np.asarray(res), (n,))
        keep = (qty > 0) | (inb > 0) if name != "HarborWH LA" else overseas
        rows.append(
            pd.DataFrame(
                {
                    "date": end,
                    "sku": skus[keep],
                    "warehouse": name,
                    "on_hand": qty[keep],
                    "inbound": inb[keep],
                    "reserved": res[keep],
                    "unit_cost": cost[keep],
                }
            )
        )
    inv = pd.concat(rows, ignore_index=True).sort_values(["sku", "warehouse"], kind="stable")
    inv = inv.reset_index(drop=True)
    inv["date"] = inv["date"].astype("datetime64[ns]")
    for c in ("sku", "warehouse"):
        inv[c] = inv[c].astype("str")
    for c in ("on_hand", "inbound", "reserved"):
        inv[c] = inv[c].astype(np.int64)
    return inv


def transactions(
    store: dict[str, pd.DataFrame], inv: pd.DataFrame, seed: int = 7, plant: bool = True
) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 1702)
    o = store["orders"]
    products = store["products"]
    start = pd.Timestamp(REPORT_START)
    stop = pd.Timestamp(REPORT_END) + pd.Timedelta(days=1)
    amazon = (o["channel"] == "amazon") & ~o["cancelled"]
    sales = o.loc[amazon & (o["quantity"] > 0)]
    posted = sales["order_date"] + pd.to_timedelta(rng.integers(3 * 3600, 48 * 3600, len(sales)), unit="s")
    in_win = (posted >= start) & (posted < stop)
    sales, posted = sales.loc[in_win], posted.loc[in_win]
    frames = [
        pd.DataFrame(
            {
                "date": posted.to_numpy(),
                "type": "Order",
                "order_id": sales["order_id"].to_numpy(),
                "sku": sales["sku"].to_numpy(),
                "description": sales["product_name"].to_numpy(),
                "quantity": sales["quantity"].to_numpy(),
                "product_sales": (sales["quantity"] * sales["unit_price"]).round(2).to_numpy(),
                "selling_fees": -sales["platform_fee"].to_numpy(),
                "fba_fees": -sales["shipping_cost"].to_numpy(),
            }
        )
    ]
    rets = o.loc[amazon & (o["quantity"] < 0)]
    rets = rets.loc[(rets["order_date"] >= start) & (rets["order_date"] < stop)]
    frames.append(
        pd.DataFrame(
            {
                "date": rets["order_date"].to_numpy(),
                "type": "Refund",
                "order_id": rets["order_id"].to_numpy(),
                "sku": rets["sku"].to_numpy(),
                "description": rets["product_name"].to_numpy(),
                "quantity": -rets["quantity"].to_numpy(),
                "product_sales": (rets["quantity"] * rets["unit_price"]).round(2).to_numpy(),
                "selling_fees": -rets["platform_fee"].to_numpy(),
                "fba_fees": 0.0,
            }
        )
    )
    if plant:  # P1: returnless refunds of the faulty batch
        p1 = sales.loc[(sales["sku"] == P1_SKU) & ~sales["order_id"].isin(rets["order_id"])]
        pick = p1.loc[rng.random(len(p1)) < P1_REFUND_SHARE]
        when = pick["order_date"] + pd.to_timedelta(rng.integers(5 * 86400, 20 * 86400, len(pick)), unit="s")
        pick, when = pick.loc[when < stop], when.loc[when < stop]
        fee = pick["platform_fee"].to_numpy()
        frames.append(
            pd.DataFrame(
                {
                    "date": when.to_numpy(),
                    "type": "Refund",
                    "order_id": pick["order_id"].to_numpy(),
                    "sku": pick["sku"].to_numpy(),
                    "description": pick["product_name"].to_numpy(),
                    "quantity": pick["quantity"].to_numpy(),
                    "product_sales": -(pick["quantity"] * pick["unit_price"]).round(2).to_numpy(),
                    "selling_fees": np.round(fee - np.minimum(5.0, 0.2 * fee), 2),
                    "fba_fees": 0.0,
                }
            )
        )
    # monthly subscription and FBA storage of the month before (billed around the 7th)
    months = pd.date_range(start, stop - pd.Timedelta(days=1), freq="MS")
    vol = products.set_index("sku")[["length_cm", "width_cm", "height_cm"]].prod(axis=1) / CM3_PER_FT3
    fba = inv.loc[inv["warehouse"] == "FBA US"]
    ft3 = float((fba["on_hand"] * fba["sku"].map(vol)).sum())
    fees = []
    for m in months:
        prev = (m - pd.Timedelta(days=1)).month
        fees.append(
            {
                "date": m + pd.Timedelta(hours=9),
                "type": "Service Fee",
                "description": "Subscription",
                "other_transaction_fees": -SUBSCRIPTION,
            }
        )
        fees.append(
            {
                "date": m + pd.Timedelta(days=6, hours=10),
                "type": "FBA Inventory Fee",
                "description": "FBA storage fee",
                "other": -round(ft3 * _STORAGE[prev], 2),
            }
        )
    frames.append(pd.DataFrame(fees))
    tx = pd.concat(frames, ignore_index=True)
    for c in (
        "product_sales",
        "shipping_credits",
        "gift_wrap_credits",
        "promotional_rebates",
        "selling_fees",
        "fba_fees",
        "other_transaction_fees",
        "other",
    ):
        tx[c] = pd.to_numeric(tx[c], errors="coerce").fillna(0.0).astype(float) if c in tx else 0.0
    parts = [
        "product_sales",
        "shipping_credits",
        "gift_wrap_credits",
        "promotional_rebates",
        "selling_fees",
        "fba_fees",
        "other_transaction_fees",
        "other",
    ]
    tx["total"] = tx[parts].sum(axis=1).round(2)
    tx = tx.sort_values("date", kind="stable").reset_index(drop=True)
    # fortnightly payouts of the balance
    pay_days = pd.date_range(start + pd.Timedelta(days=13), stop, freq="14D")
    balance = tx.set_index("date")["total"].cumsum()
    paid = 0.0
    transfers = []
    for d in pay_days:
        bal = float(balance.loc[:d].iloc[-1]) if len(balance.loc[:d]) else 0.0
        amount = round(bal - paid, 2)
        transfers.append(
            {
                "date": d + pd.Timedelta(hours=2),
                "type": "Transfer",
                "description": "To account ending in 042",
                "total": -amount,
            }
        )
        paid += amount
    tx = pd.concat([tx, pd.DataFrame(transfers)], ignore_index=True).sort_values("date", kind="stable")
    tx = tx.reset_index(drop=True)
    settlement = (tx["date"] - start).dt.days // 14
    tx["settlement_id"] = (24_681_000_000 + settlement).astype(str)
    tx["marketplace"] = np.where(tx["type"].isin(["Order", "Refund"]), "amazon.com", "")
    tx["fulfillment"] = np.where(tx["type"].isin(["Order", "Refund"]), "Amazon", "")
    tx["currency"] = "USD"
    for c in parts:
        tx[c] = tx[c].fillna(0.0).astype(float)
    tx["quantity"] = tx["quantity"].astype("Int64")
    cols = [
        "date",
        "settlement_id",
        "type",
        "order_id",
        "sku",
        "description",
        "quantity",
        "marketplace",
        "fulfillment",
        *parts,
        "total",
        "currency",
    ]
    tx = tx[cols]
    tx["date"] = pd.to_datetime(tx["date"]).dt.floor("s").astype("datetime64[ns]")
    for c in (
        "settlement_id",
        "type",
        "order_id",
        "sku",
        "description",
        "marketplace",
        "fulfillment",
        "currency",
    ):
        tx[c] = tx[c].astype("str")
    return tx


def generate(store: dict[str, pd.DataFrame], seed: int = 7, plant: bool = True) -> dict[str, pd.DataFrame]:
    """The inventory snapshot and the Date Range Report of the store (see the module docstring)."""
    inv = inventory(store, seed=seed, plant=plant)
    return {"inventory": inv, "transactions": transactions(store, inv, seed=seed, plant=plant)}
