"""What a service charges for a parcel: rate-card checks, chargeable weight, the two pricing schemes
(per kg; first weight + extra steps) and the Amazon US FBA fulfilment fee by size tier.

1. :func:`chargeable_weight`: ``max(actual, L*W*H / divisor, minimum)`` rounded *up* to the card's
   increment (DHL Express: divisor 5000, rounded up to the next 0.5 kg, dhl-usa.com "volumetric
   weight", checked 2026-11).
2. :func:`price_per_kg` / :func:`price_first_extra`: the two pricing schemes; weight bands pick the
   row whose ``band_max_kg`` is the smallest at or above the chargeable weight (see
   :func:`cbe_core.logistics.quoting.quote_many`).
3. :func:`fba_fee`: the FBA fulfilment fee of the size tier (``fba_fees.csv``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import schema
from ..errors import DataError
from ._common import _nz
from .reference import _default_fba_fees

KG_PER_LB = 0.45359237
CM_PER_IN = 2.54
FBA_DIM_DIVISOR_IN3_PER_LB = 139.0  # sellercentral.amazon.com G53Z9EKF8VVZVH29 (official)


# --------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------
def check_rate_cards(cards: pd.DataFrame) -> pd.DataFrame:
    """Validate a rate_cards frame and return a cleaned copy (numeric columns as float, missing
    optional columns added as NaN). Raises :class:`DataError` for a structural fault."""
    if cards is None or len(cards) == 0:
        raise DataError("err.logi.no_cards")
    missing = [c for c in schema.RATE_CARDS.required if c not in cards.columns]
    if missing:
        raise DataError("err.logi.card_columns", columns=", ".join(missing))
    out = cards.copy()
    for col in schema.RATE_CARDS.columns:
        if col.name not in out.columns:
            out[col.name] = np.nan if col.kind in ("float", "money", "pct") else pd.NA
        elif col.kind in ("float", "money", "pct"):
            out[col.name] = pd.to_numeric(out[col.name], errors="coerce").astype(float)
    out["mode"] = out["mode"].astype("str").str.strip().str.lower()
    bad = sorted(set(out["mode"]) - set(schema.MODES))
    if bad:
        raise DataError("err.logi.card_mode", modes=", ".join(bad), allowed=", ".join(schema.MODES))
    out["dest"] = out["dest"].astype("str").str.strip().str.upper()
    out["service"] = out["service"].astype("str").str.strip()
    out["pricing"] = out["pricing"].astype("str").str.strip().str.lower().replace({"<na>": "", "nan": ""})
    out["currency"] = (
        out["currency"]
        .astype("str")
        .str.strip()
        .str.upper()
        .replace({"<NA>": "USD", "NAN": "USD", "": "USD"})
    )
    return out


def _check_dims(dims) -> tuple[float, float, float]:
    if isinstance(dims, str):
        parts = dims.lower().replace("×", "x").replace("*", "x").split("x")
        try:
            vals = tuple(float(p) for p in parts)
        except ValueError:
            raise DataError("err.logi.dims", dims=dims) from None
    else:
        vals = tuple(float(v) for v in dims)
    if len(vals) != 3 or not all(v > 0 and math.isfinite(v) for v in vals):
        raise DataError("err.logi.dims", dims=str(dims))
    return vals  # type: ignore[return-value]


def parse_dims(dims: str) -> tuple[float, float, float]:
    """``"30x20x10"`` -> ``(30.0, 20.0, 10.0)`` (cm); a clear error for anything else."""
    return _check_dims(dims)


# --------------------------------------------------------------------------------------------------
# Weight and price formulas (numpy, broadcasting)
# --------------------------------------------------------------------------------------------------
def volumetric_weight(length_cm, width_cm, height_cm, divisor):
    """``L*W*H / divisor`` (kg); 0 where the card has no divisor."""
    d = np.asarray(divisor, dtype=float)
    ok = np.isfinite(d) & (d > 0)
    vol = np.asarray(length_cm, float) * np.asarray(width_cm, float) * np.asarray(height_cm, float)
    return np.where(ok, vol / np.where(ok, d, 1.0), 0.0)


def round_up(kg, increment):
    """Round up to the increment (0.5 kg -> 0.5, 1.0, 1.5 ...); no rounding where it is 0/NaN.
    A tiny tolerance keeps 1.0000000001 (a float artefact) from jumping a whole step."""
    inc = np.asarray(increment, dtype=float)
    ok = np.isfinite(inc) & (inc > 0)
    safe = np.where(ok, inc, 1.0)
    steps = np.ceil(np.round(np.asarray(kg, float) / safe, 9))
    return np.where(ok, steps * safe, kg)


def chargeable_weight(
    weight_kg, length_cm, width_cm, height_cm, divisor=np.nan, min_kg=np.nan, rounding_kg=np.nan
):
    """Chargeable weight = max(actual, volumetric, minimum), rounded up to the increment.

    Example (DHL rule, divisor 5000, 0.5 kg increment): 1.2 kg in 40x30x20 cm -> volumetric
    24000/5000 = 4.8 kg -> chargeable 5.0 kg.
    """
    vol = volumetric_weight(length_cm, width_cm, height_cm, divisor)
    kg = np.maximum(np.maximum(np.asarray(weight_kg, float), vol), _nz(min_kg))
    return round_up(kg, rounding_kg)


def price_per_kg(kg, per_kg_price, per_parcel_fee=0.0):
    """``per_parcel_fee + per_kg_price * kg``."""
    return _nz(per_parcel_fee) + _nz(per_kg_price) * np.asarray(kg, float)


def price_first_extra(
    kg, first_weight_kg, first_weight_price, extra_weight_step_kg, extra_weight_price, per_parcel_fee=0.0
):
    """``fee + first price + ceil((kg - first kg) / step) * extra price`` (no extra below the first weight).

    Example: first 0.5 kg 24.00, each further 0.5 kg 5.50; 2.0 kg -> 24 + 3 * 5.5 = 40.50.
    """
    kg = np.asarray(kg, float)
    first = _nz(first_weight_kg)
    step = _nz(extra_weight_step_kg, 1.0)
    step = np.where(step > 0, step, 1.0)
    extra = np.ceil(np.round(np.maximum(kg - first, 0.0) / step, 9))
    return _nz(per_parcel_fee) + _nz(first_weight_price) + extra * _nz(extra_weight_price)


def _row_price(kg, rows: dict[str, np.ndarray]):
    """Price of ``kg`` (rows x parcels) under each row's scheme."""
    first_extra = rows["is_first_extra"][:, None]
    a = price_first_extra(
        kg,
        rows["first_weight_kg"][:, None],
        rows["first_weight_price"][:, None],
        rows["extra_weight_step_kg"][:, None],
        rows["extra_weight_price"][:, None],
        rows["per_parcel_fee"][:, None],
    )
    b = price_per_kg(kg, rows["per_kg_price"][:, None], rows["per_parcel_fee"][:, None])
    return np.where(first_extra, a, b)


# --------------------------------------------------------------------------------------------------
# FBA (US) fulfilment fee by size tier
# --------------------------------------------------------------------------------------------------
def fba_size_tier(weight_kg, length_cm, width_cm, height_cm):
    """Amazon US size tier (since 2024-02-05): small_standard, large_standard, large_bulky or
    extra_large, from the unit weight and the sorted dimensions in inches. Returns the tier and the
    shipping weight in lb (unit weight for small standard, else max(unit, L*W*H in / 139)), rounded as
    the public rate-card reproductions do (next oz up to 1 lb; next 0.25 lb to 3 lb; next lb for bulky).
    """
    dims = np.sort(
        np.stack([np.asarray(length_cm, float), np.asarray(width_cm, float), np.asarray(height_cm, float)])
        / CM_PER_IN,
        axis=0,
    )[::-1]
    longest, median, shortest = dims
    unit_lb = np.asarray(weight_kg, float) / KG_PER_LB
    dim_lb = longest * median * shortest / FBA_DIM_DIVISOR_IN3_PER_LB
    small = (unit_lb <= 1.0) & (longest <= 15) & (median <= 12) & (shortest <= 0.75)
    ship_lb = np.where(small, unit_lb, np.maximum(unit_lb, dim_lb))
    large = ~small & (ship_lb <= 20) & (longest <= 18) & (median <= 14) & (shortest <= 8)
    girth = longest + 2 * (median + shortest)
    bulky = (
        ~small
        & ~large
        & (ship_lb <= 50)
        & (longest <= 59)
        & (median <= 33)
        & (shortest <= 33)
        & (girth <= 130)
    )
    tier = np.select(
        [small, large, bulky], ["small_standard", "large_standard", "large_bulky"], "extra_large"
    )
    oz = np.ceil(np.round(ship_lb * 16, 9)) / 16
    quarter = np.ceil(np.round(ship_lb * 4, 9)) / 4
    whole = np.ceil(np.round(ship_lb, 9))
    rounded = np.where(bulky, whole, np.where(ship_lb <= 1.0, oz, np.where(ship_lb <= 3.0, quarter, ship_lb)))
    return tier, rounded


def fba_fee(weight_kg, length_cm, width_cm, height_cm, price_usd, on=None, fees: pd.DataFrame | None = None):
    """US FBA fulfilment fee per unit (USD) for the period containing ``on``; NaN for extra-large.

    Bands: the first row of the tier whose ``max_weight_lb`` >= shipping weight; heavier rows add
    ``extra_fee`` per ``extra_step_lb`` above ``base_weight_lb`` (rounded up). Price band by the item
    price (< $10 / $10-50 / > $50); the fuel surcharge is a share of the fee.
    """
    fees = _default_fba_fees() if fees is None else fees
    on = pd.Timestamp(on) if on is not None else pd.Timestamp.today().normalize()
    live = fees.loc[(fees["valid_from"] <= on) & (fees["valid_to"].isna() | (fees["valid_to"] > on))]
    if live.empty:
        live = fees.loc[fees["valid_from"] == fees["valid_from"].max()]
    tier, ship_lb = fba_size_tier(weight_kg, length_cm, width_cm, height_cm)
    price = np.broadcast_to(np.asarray(price_usd, float), ship_lb.shape)
    out = np.full(ship_lb.shape, np.nan)
    for name, group in live.groupby("tier", sort=False):
        g = group.sort_values("max_weight_lb")
        mask = tier == name
        if not mask.any():
            continue
        w = ship_lb[mask]
        maxw = g["max_weight_lb"].to_numpy()
        i = np.searchsorted(maxw, np.round(w, 9), side="left")
        ok = i < len(maxw)
        i = np.minimum(i, len(maxw) - 1)
        p = price[mask]
        base = np.select(
            [p < 10, p <= 50],
            [g["fee_lt10"].to_numpy()[i], g["fee_10_50"].to_numpy()[i]],
            g["fee_gt50"].to_numpy()[i],
        )
        bw = _nz(g["base_weight_lb"].to_numpy()[i], np.inf)
        step = _nz(g["extra_step_lb"].to_numpy()[i], 1.0)
        steps = np.where(
            np.isfinite(bw),
            np.ceil(np.round(np.maximum(w - np.where(np.isfinite(bw), bw, 0), 0) / step, 9)),
            0,
        )
        fee = (base + steps * _nz(g["extra_fee"].to_numpy()[i])) * (
            1 + _nz(g["surcharge_rate"].to_numpy()[i])
        )
        out[mask] = np.where(ok, np.round(fee, 2), np.nan)
    return out, tier, ship_lb
