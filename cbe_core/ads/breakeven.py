"""Break-even and target ACoS per advertised SKU.

**Break-even ACoS** is the margin before ads of one unit sold::

    break_even_acos = (price - unit_cost - fees_per_unit) / price

At that ACoS the ad spend eats the whole margin; above it every ad sale loses money. Where the figures
come from, per SKU:

- ``price`` and ``unit_cost``: the products table when it has them for the SKU, else the orders'
  averages over sales lines (``sum(quantity * unit_price) / units``, ``sum(quantity * unit_cost) /
  units``);
- ``fees_per_unit``: from the orders when they carry ``platform_fee`` and/or ``shipping_cost`` (line
  totals): ``(sum(platform_fee) + sum(shipping_cost)) / units`` over the SKU's sales lines on Amazon
  (lines whose ``channel`` contains "amazon"; all lines when no channel says Amazon). Otherwise an
  *estimate*: ``fee_rate * price`` with ``fee_rate`` = 15%, Amazon's referral fee for most categories
  (Amazon Seller Central, "Selling on Amazon fee schedule", referral fees, checked 2026-11; FBA
  fulfilment fees are not in the estimate: give orders with fees for the full figure).

**Target ACoS** is the seller's: by default ``break_even_acos - safety_margin`` (the margin they keep
after ads; default 5 points), floored at 0; or one figure for every SKU (``target_acos=0.25``), or one
per SKU (a mapping). Never one flat 30% assumed for everybody.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import DataError
from ..schema import sales_lines

DEFAULT_FEE_RATE = 0.15
DEFAULT_SAFETY_MARGIN = 0.05
COLUMNS = ("sku", "price", "unit_cost", "fees_per_unit", "break_even_acos", "cost_source", "fee_source")


def _order_figures(orders: pd.DataFrame | None) -> pd.DataFrame:
    if orders is None or not {"sku", "quantity", "unit_price"} <= set(orders.columns):
        return pd.DataFrame(columns=["price_o", "unit_cost_o", "fees_o"]).rename_axis("sku")
    cols = [c for c in ("sku", "quantity", "unit_price", "unit_cost", "platform_fee", "shipping_cost",
                        "channel", "cancelled") if c in orders.columns]
    lines = sales_lines(orders[cols]).copy()
    if "channel" in lines.columns:
        amazon = lines["channel"].astype("str").str.lower().str.contains("amazon", na=False)
        if amazon.any():
            lines = lines.loc[amazon]
    lines["units"] = lines["quantity"].astype(float)
    lines["rev"] = lines["units"] * lines["unit_price"].astype(float)
    has_cost = "unit_cost" in lines.columns
    lines["cost"] = lines["units"] * lines["unit_cost"].astype(float) if has_cost else np.nan
    fee_cols = [c for c in ("platform_fee", "shipping_cost") if c in lines.columns]
    lines["fees"] = lines[fee_cols].astype(float).sum(axis=1, min_count=1) if fee_cols else np.nan
    g = lines.groupby(lines["sku"].astype("str"))[["units", "rev", "cost", "fees"]].sum(min_count=1)
    g = g.loc[g["units"] > 0]
    return pd.DataFrame({"price_o": g["rev"] / g["units"], "unit_cost_o": g["cost"] / g["units"],
                         "fees_o": g["fees"] / g["units"]}).rename_axis("sku")


def break_even(products: pd.DataFrame | None = None, orders: pd.DataFrame | None = None, *,
               fee_rate: float = DEFAULT_FEE_RATE) -> pd.DataFrame:
    """Break-even ACoS per SKU (see the module docstring) with where each figure came from.

    Columns: ``sku, price, unit_cost, fees_per_unit, break_even_acos, cost_source`` ("products" or
    "orders"), ``fee_source`` ("orders" or "estimate"). SKUs without a price or a unit cost are left out.
    """
    o = _order_figures(orders)
    p = pd.DataFrame(columns=["price_p", "unit_cost_p"]).rename_axis("sku")
    if products is not None and {"sku", "price", "unit_cost"} <= set(products.columns):
        p = (products.assign(sku=products["sku"].astype("str"))
             .drop_duplicates("sku").set_index("sku")[["price", "unit_cost"]]
             .rename(columns={"price": "price_p", "unit_cost": "unit_cost_p"}).astype(float))
    both = p.join(o, how="outer")
    if both.empty:
        return pd.DataFrame({c: pd.Series(dtype="str" if c in ("sku", "cost_source", "fee_source")
                                          else "float64") for c in COLUMNS})
    from_products = both["price_p"].notna() & both["unit_cost_p"].notna() & (both["price_p"] > 0)
    price = both["price_p"].where(from_products, both["price_o"])
    unit_cost = both["unit_cost_p"].where(from_products, both["unit_cost_o"])
    fee_known = both["fees_o"].notna()
    fees = both["fees_o"].where(fee_known, fee_rate * price)
    out = pd.DataFrame({
        "sku": both.index.astype("str"),
        "price": price.to_numpy(dtype=float),
        "unit_cost": unit_cost.to_numpy(dtype=float),
        "fees_per_unit": fees.to_numpy(dtype=float),
    })
    out["break_even_acos"] = (out["price"] - out["unit_cost"] - out["fees_per_unit"]) / out["price"]
    out["cost_source"] = np.where(from_products.to_numpy(), "products", "orders")
    out["fee_source"] = np.where(fee_known.to_numpy(), "orders", "estimate")
    ok = out["price"].gt(0) & out["unit_cost"].notna() & out["break_even_acos"].notna()
    out = out.loc[ok].reset_index(drop=True)
    for c in ("sku", "cost_source", "fee_source"):
        out[c] = out[c].astype("str")
    return out


def targets(break_even_table: pd.DataFrame, *, target_acos: float | Mapping[str, float] | None = None,
            safety_margin: float = DEFAULT_SAFETY_MARGIN) -> pd.DataFrame:
    """``break_even_table`` plus ``target_acos`` and ``target_source`` ("seller" or "break_even")."""
    if not 0 <= safety_margin < 1:
        raise DataError("err.ads.bad_setting", setting="safety_margin", value=safety_margin)
    out = break_even_table.copy()
    derived = (out["break_even_acos"] - safety_margin).clip(lower=0.0)
    if target_acos is None:
        out["target_acos"] = derived
        out["target_source"] = "break_even"
    elif isinstance(target_acos, Mapping):
        given = out["sku"].map({str(k): float(v) for k, v in target_acos.items()})
        out["target_acos"] = given.fillna(derived)
        out["target_source"] = np.where(given.notna(), "seller", "break_even")
    else:
        value = float(target_acos)
        if not 0 < value < 10:
            raise DataError("err.ads.bad_setting", setting="target_acos", value=target_acos)
        out["target_acos"] = value
        out["target_source"] = "seller"
    out["target_source"] = out["target_source"].astype("str")
    return out
