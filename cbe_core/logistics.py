"""Logistics simulator: what each way to ship really costs per order, how fast it arrives, what mix to use.

Money is in USD (cards in another currency are converted with ``fx_rates.csv``), weights in kg, sizes
in cm, times in days (the unit the rate card quotes: most Chinese cards quote working days).

Pipeline (every step is a function of frames and plain parameters; nothing is stored between calls):

1. :func:`chargeable_weight`: ``max(actual, L*W*H / divisor, minimum)`` rounded *up* to the card's
   increment (DHL Express: divisor 5000, rounded up to the next 0.5 kg, dhl-usa.com "volumetric
   weight", checked 2026-11).
2. :func:`price_per_kg` / :func:`price_first_extra`: the two pricing schemes; weight bands pick the
   row whose ``band_max_kg`` is the smallest at or above the chargeable weight. A parcel is never
   charged more than the cheapest heavier band at its lower bound (the sender could add weight to
   reach it), so the price never falls when weight rises.
3. Overseas warehouse and FBA are priced per unit: first leg (per kg, per CBM, plus a fixed fee per
   inbound shipment shared over its units) + storage for the days in stock + pick & pack + last mile,
   or the FBA fulfilment fee of the size tier (:func:`fba_fee`, ``fba_fees.csv``).
4. :func:`duties`: duty and VAT/GST estimate from the editable ``duty_rules.csv`` for the quote date.
   **An estimate**: duty depends on the HS code (the seller enters the base rate), and several rules
   are marked ``partial`` or ``unknown`` where the sources ran out.
5. Delivery time: a lognormal whose P10 and P90 are the card's ``transit_days_min`` and
   ``transit_days_max`` (``mu = (ln a + ln b) / 2``, ``sigma = (ln b - ln a) / (2 * 1.2816)``), or
   fitted to the seller's shipment history (mean and sd of log transit days) when a service has at
   least ``MIN_HISTORY`` delivered parcels in the last 120 days; the loss rate then becomes
   ``(lost + 100 x card rate) / (resolved + 100)`` (the card counts as 100 pseudo-parcels, so a few
   losses do not swing it). On-time probability = ``Phi((ln D - mu) / sigma)``.
6. Expected cost per order = shipping + duty + loss rate x (goods + reship) + P(late) x late cost.
   Landed cost = goods value + shipping + duty + VAT (VAT is passed on to the buyer, so it is in the
   landed cost but not in the expected cost the seller compares).
7. :func:`pareto_front`, :func:`recommend`, :func:`best_mix` (``scipy.optimize.linprog``),
   :func:`simulate_month`, :func:`carrier_scorecard`, :func:`reorder_point`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from . import schema
from .errors import DataError

DATA_DIR = Path(__file__).with_name("data")
Z90 = float(stats.norm.ppf(0.9))  # 1.2816
DAYS_PER_MONTH = 365.25 / 12
CM3_PER_CBM = 1_000_000.0
KG_PER_LB = 0.45359237
CM_PER_IN = 2.54
FBA_DIM_DIVISOR_IN3_PER_LB = 139.0  # sellercentral.amazon.com G53Z9EKF8VVZVH29 (official)
MIN_HISTORY = 30
PARCEL_MODES = ("postal", "dedicated_line", "express")
STOCK_MODES = ("overseas_warehouse", "fba")
SCORE_WEIGHTS = {"on_time": 0.35, "loss": 0.25, "stability": 0.15, "speed": 0.15, "cs": 0.10}
COST_COLUMNS = (
    "shipping",
    "first_leg",
    "storage",
    "holding",
    "pick_pack",
    "last_mile",
    "fulfilment",
    "duty",
    "loss_cost",
    "late_cost",
)


# --------------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------------
def _coerce(frame: pd.DataFrame, table: schema.Table) -> pd.DataFrame:
    """Bring a frame read from a bundled CSV to the canonical kinds of ``table`` (a copy)."""
    out = frame.copy()
    for col in table.columns:
        if col.name not in out.columns:
            continue
        if col.kind in ("float", "money", "pct", "int"):
            out[col.name] = pd.to_numeric(out[col.name], errors="coerce").astype(float)
        elif col.kind in ("date", "datetime"):
            out[col.name] = pd.to_datetime(out[col.name], errors="coerce")
        else:
            out[col.name] = out[col.name].astype("str")
    return out


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / name, dtype=str, keep_default_na=False, na_values=[""])


@lru_cache(maxsize=1)
def _default_cards() -> pd.DataFrame:
    return _coerce(_read("rate_cards_default.csv"), schema.RATE_CARDS)


@lru_cache(maxsize=1)
def _default_duty_rules() -> pd.DataFrame:
    df = _read("duty_rules.csv")
    for c in ("value_min", "value_max", "duty_rate", "duty_per_item_category", "vat_rate"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    for c in ("valid_from", "valid_to"):
        df[c] = pd.to_datetime(df[c], errors="coerce")
    df["adds_base_duty"] = df["adds_base_duty"].str.lower().eq("true")
    return df


@lru_cache(maxsize=1)
def _default_fba_fees() -> pd.DataFrame:
    df = _read("fba_fees.csv")
    for c in (
        "max_weight_lb",
        "fee_lt10",
        "fee_10_50",
        "fee_gt50",
        "base_weight_lb",
        "extra_step_lb",
        "extra_fee",
        "surcharge_rate",
    ):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    for c in ("valid_from", "valid_to"):
        df[c] = pd.to_datetime(df[c], errors="coerce")
    return df


@lru_cache(maxsize=1)
def _default_fx() -> pd.DataFrame:
    df = _read("fx_rates.csv")
    df["per_usd"] = pd.to_numeric(df["per_usd"], errors="coerce").astype(float)
    return df


def default_rate_cards() -> pd.DataFrame:
    """The bundled rate cards, China to US, DE, GB and JP (a fresh copy; ``source`` and
    ``confidence`` say which figures are sourced and which are illustrative)."""
    return _default_cards().copy()


def default_duty_rules() -> pd.DataFrame:
    """The bundled duty / VAT / de minimis rules with the date each applies from (a copy)."""
    return _default_duty_rules().copy()


def default_fba_fees() -> pd.DataFrame:
    """Amazon US FBA fulfilment fees per size tier and period (a copy; weak source, see ``source``)."""
    return _default_fba_fees().copy()


def default_fx() -> pd.DataFrame:
    """Units of each currency per USD (illustrative round figures: set your own)."""
    return _default_fx().copy()


def _fx_map(fx: pd.DataFrame | None) -> dict[str, float]:
    fx = _default_fx() if fx is None else fx
    return dict(zip(fx["currency"].astype(str), fx["per_usd"].astype(float)))


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
def _nz(x, default=0.0):
    a = np.asarray(x, dtype=float)
    return np.where(np.isfinite(a), a, default)


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


# --------------------------------------------------------------------------------------------------
# Duties and VAT (estimate)
# --------------------------------------------------------------------------------------------------
def duties(
    dest,
    mode,
    value_usd,
    freight_usd,
    on=None,
    *,
    base_duty_rate=0.0,
    item_categories=1,
    rules: pd.DataFrame | None = None,
    fx: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Duty and VAT/GST estimate (USD) per row for parcels of goods value ``value_usd`` and freight
    ``freight_usd`` sent by ``mode`` to ``dest`` on date ``on``.

    The matching rule is the first row of ``rules`` for the destination and mode whose validity covers
    ``on`` and whose value range (``value_min`` < value <= ``value_max``, local currency) holds the value.
    duty = surcharge rate x customs value (+ ``base_duty_rate`` x value where the rule adds the
    product's own MFN / Section 301 duty) + flat duty per item category; customs value = goods (FOB) or
    goods + freight (CIF). VAT = rate x (goods + freight + duty). Returns columns ``duty``, ``vat``,
    ``rule_id``, ``rule_status`` (known / partial / unknown / none), ``rule_note`` (catalog key),
    ``vat_collected``. **An estimate**, never advice.
    """
    rules = _default_duty_rules() if rules is None else rules
    fxm = _fx_map(fx)
    on = pd.Timestamp(on) if on is not None else pd.Timestamp.today().normalize()
    dest = np.asarray(dest, dtype=object)
    mode = np.asarray(mode, dtype=object)
    n = max(dest.size, mode.size, np.size(value_usd), np.size(freight_usd))
    dest = np.broadcast_to(dest, (n,))
    mode = np.broadcast_to(mode, (n,))
    value = np.broadcast_to(np.asarray(value_usd, float), (n,))
    freight = np.broadcast_to(np.asarray(freight_usd, float), (n,))
    duty = np.zeros(n)
    vat = np.zeros(n)
    rule_id = np.full(n, "", dtype=object)
    status = np.full(n, "none", dtype=object)
    note = np.full(n, "logi.rule.none", dtype=object)
    collected = np.full(n, "none", dtype=object)
    unmatched = np.ones(n, dtype=bool)
    live = rules.loc[(rules["valid_from"] <= on) & (rules["valid_to"].isna() | (rules["valid_to"] > on))]
    for r in live.itertuples(index=False):  # a handful of rules; the parcels are vectorised
        rate = fxm.get(str(r.currency), np.nan)
        local = value * rate
        modes = str(r.modes) if isinstance(r.modes, str) and r.modes else ""
        m = unmatched & (dest == r.dest)
        if modes:
            m &= np.isin(mode, modes.split("|"))
        if np.isfinite(r.value_min):
            m &= local > r.value_min
        if np.isfinite(r.value_max):
            m &= local <= r.value_max
        if not m.any():
            continue
        customs = value[m] + (freight[m] if str(r.duty_basis).upper() == "CIF" else 0.0)
        d = _nz(r.duty_rate) * customs + (base_duty_rate * customs if r.adds_base_duty else 0.0)
        d = d + _nz(r.duty_per_item_category) * item_categories / rate
        duty[m] = d
        vat[m] = _nz(r.vat_rate) * (value[m] + freight[m] + d)
        rule_id[m] = r.rule_id
        status[m] = r.status
        note[m] = r.note_key
        collected[m] = r.vat_collected
        unmatched &= ~m
    return pd.DataFrame(
        {
            "duty": np.round(duty, 4),
            "vat": np.round(vat, 4),
            "rule_id": rule_id,
            "rule_status": status,
            "rule_note": note,
            "vat_collected": collected,
        }
    )


# --------------------------------------------------------------------------------------------------
# Delivery-time model
# --------------------------------------------------------------------------------------------------
def lognormal_from_range(days_min, days_max):
    """(mu, sigma) of a lognormal with P10 = ``days_min`` and P90 = ``days_max``."""
    a = np.maximum(np.asarray(days_min, float), 0.1)
    b = np.maximum(np.asarray(days_max, float), a)
    mu = (np.log(a) + np.log(b)) / 2
    sigma = np.maximum((np.log(b) - np.log(a)) / (2 * Z90), 1e-3)
    return mu, sigma


def on_time_probability(promise_days, mu, sigma):
    """P(transit <= promise) under the lognormal: Phi((ln D - mu) / sigma)."""
    d = np.maximum(np.asarray(promise_days, float), 1e-9)
    return stats.norm.cdf((np.log(d) - mu) / sigma)


def fit_history(shipments: pd.DataFrame | None, *, as_of=None, days: int = 120) -> pd.DataFrame:
    """Per service (and dest when given): delivered count, lognormal fit (mean and sd of log transit
    days), lost and resolved counts, from shipments shipped in the last ``days`` before ``as_of``."""
    cols = ["service", "dest", "n_delivered", "mu", "sigma", "n_lost", "n_resolved"]
    if shipments is None or len(shipments) == 0 or "service" not in shipments.columns:
        return pd.DataFrame(columns=cols)
    s = shipments[
        [c for c in ("service", "dest", "ship_date", "delivery_date", "status") if c in shipments]
    ].copy()
    end = pd.Timestamp(as_of) if as_of is not None else s["ship_date"].max()
    s = s.loc[(s["ship_date"] > end - pd.Timedelta(days=days)) & (s["ship_date"] <= end)]
    if "dest" not in s.columns:
        s["dest"] = ""
    status = s["status"].astype("str").str.lower()
    s["transit"] = (
        (s["delivery_date"] - s["ship_date"]).dt.total_seconds() / 86400 if "delivery_date" in s else np.nan
    )
    s["logt"] = np.log(s["transit"].where((status == "delivered") & (s["transit"] > 0)))
    s["lost"] = status.eq("lost")
    s["resolved"] = status.isin(["delivered", "lost", "returned"])
    g = s.groupby(["service", "dest"], sort=True).agg(
        n_delivered=("logt", "count"),
        mu=("logt", "mean"),
        sigma=("logt", "std"),
        n_lost=("lost", "sum"),
        n_resolved=("resolved", "sum"),
    )
    return g.reset_index()[cols]


# --------------------------------------------------------------------------------------------------
# Quoting
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QuoteParams:
    """Everything a quote depends on besides the cards and the product."""

    dest: str
    promise_days: float = 10.0
    units_per_month: float = 300.0
    on: pd.Timestamp | None = None
    late_cost: float = 2.0
    base_duty_rate: float = 0.0
    item_categories: int = 1
    cover_days: float = 60.0


def quote_many(
    cards: pd.DataFrame,
    products: pd.DataFrame,
    dest: str,
    *,
    promise_days: float = 10.0,
    units_per_month: float = 300.0,
    on=None,
    late_cost: float = 2.0,
    base_duty_rate: float = 0.0,
    item_categories: int = 1,
    cover_days: float = 60.0,
    goods_cost=None,
    holding_rate: float = 0.15,
    history: pd.DataFrame | None = None,
    rules: pd.DataFrame | None = None,
    fba_fees: pd.DataFrame | None = None,
    fx: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Quote every service of ``cards`` to ``dest`` for every product (vectorised: services x products).

    ``products`` has ``weight_kg``, ``length_cm``, ``width_cm``, ``height_cm`` and ``price`` (goods value
    per order, USD), optionally ``sku`` and ``unit_cost`` (goods lost are replaced at cost when given).
    One order = one unit = one parcel. ``cover_days``: each inbound shipment to a warehouse covers that
    many days of sales, so it carries ``units_per_month * cover_days / 30.4`` units and a unit waits
    ``cover_days / 2`` days on average (storage). Stock modes also carry the capital tied up in goods
    at sea and on the shelf: ``holding = goods cost x holding_rate (a year) x (mean lead days +
    cover_days / 2) / 365`` (the usual inventory carrying cost). Returns one row per service and product with the
    columns of :data:`OPTION_COLUMNS`.
    """
    cards = check_rate_cards(cards)
    dest = str(dest).strip().upper()
    sel = cards.loc[cards["dest"] == dest].copy()
    if sel.empty:
        raise DataError("err.logi.no_dest", dest=dest, dests=", ".join(sorted(cards["dest"].unique())))
    on = pd.Timestamp(on).normalize() if on is not None else pd.Timestamp.today().normalize()
    fxm = _fx_map(fx)
    money = [c.name for c in schema.RATE_CARDS.columns if c.kind == "money"]
    per_usd = sel["currency"].map(fxm).astype(float).fillna(1.0).to_numpy()
    for c in money:
        sel[c] = sel[c].to_numpy() / per_usd
    sel["_band"] = sel["band_max_kg"].fillna(np.inf)
    sel = sel.sort_values(["service", "_band"], kind="stable").reset_index(drop=True)
    # one group per service; band rows are contiguous
    svc_codes, starts = np.unique(sel["service"].to_numpy(dtype=object), return_index=True)
    order = np.argsort(starts)
    starts = starts[order]
    services = svc_codes[order]
    group = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(sel))))
    lo = np.where(np.r_[True, group[1:] != group[:-1]], 0.0, np.r_[0.0, sel["_band"].to_numpy()[:-1]])

    need = ["weight_kg", "length_cm", "width_cm", "height_cm", "price"]
    missing = [c for c in need if c not in products.columns]
    if missing:
        raise DataError("err.logi.product_columns", columns=", ".join(missing))
    w = products["weight_kg"].to_numpy(dtype=float)
    L = products["length_cm"].to_numpy(dtype=float)
    W = products["width_cm"].to_numpy(dtype=float)
    H = products["height_cm"].to_numpy(dtype=float)
    value = products["price"].to_numpy(dtype=float)
    if goods_cost is None:
        goods = products["unit_cost"].to_numpy(dtype=float) if "unit_cost" in products.columns else value
        goods = np.where(np.isfinite(goods), goods, value)
    else:
        goods = np.broadcast_to(np.asarray(goods_cost, float), value.shape)
    P = len(products)
    R = len(sel)
    col = {
        c: sel[c].to_numpy(dtype=float)
        for c in (
            "per_kg_price",
            "per_parcel_fee",
            "first_weight_kg",
            "first_weight_price",
            "extra_weight_step_kg",
            "extra_weight_price",
            "min_chargeable_kg",
            "rounding_kg",
            "volumetric_divisor",
            "max_weight_kg",
            "max_side_cm",
            "max_sum_sides_cm",
            "transit_days_min",
            "transit_days_max",
            "loss_rate",
            "first_leg_per_kg",
            "first_leg_per_cbm",
            "first_leg_fixed",
            "storage_per_cbm_month",
            "storage_peak_per_cbm_month",
            "pick_pack_fee",
            "last_mile_fee",
            "fulfilment_fee",
            "lead_days_min",
            "lead_days_max",
            "_band",
        )
    }
    col["is_first_extra"] = (sel["pricing"].to_numpy(dtype=object) == "first_extra") | (
        np.isfinite(col["first_weight_price"]) & ~np.isfinite(col["per_kg_price"])
    )
    mode_r = sel["mode"].to_numpy(dtype=object)

    # chargeable weight and price per row x product
    kg = chargeable_weight(
        w[None, :],
        L[None, :],
        W[None, :],
        H[None, :],
        col["volumetric_divisor"][:, None],
        col["min_chargeable_kg"][:, None],
        col["rounding_kg"][:, None],
    )
    delta = np.where(_nz(col["rounding_kg"]) > 0, _nz(col["rounding_kg"]), 1e-6)
    ballast = np.maximum(kg, np.where(lo > 0, lo + delta, 0.0)[:, None])
    price_r = _row_price(ballast, col)
    in_band = kg <= col["_band"][:, None]
    price_r = np.where(in_band, price_r, np.inf)
    first_row = starts
    last_row = np.append(starts[1:], R) - 1
    price = np.minimum.reduceat(price_r, starts, axis=0)  # S x P
    kg_s = kg[first_row]
    S = len(starts)
    mode = mode_r[first_row]
    first = {k: v[first_row] for k, v in col.items()}
    lastc = {k: v[last_row] for k, v in col.items()}

    # feasibility (limits from the heaviest band row)
    sides = np.sort(np.stack([L, W, H]), axis=0)
    longest = sides[-1][None, :]
    sum_sides = (L + W + H)[None, :]
    reason = np.full((S, P), "", dtype=object)
    actual = np.full((S, P), np.nan)
    limit = np.full((S, P), np.nan)

    def _flag(cond, key, act, lim):
        new = cond & (reason == "")
        reason[new] = key
        actual[new] = np.broadcast_to(act, (S, P))[new]
        limit[new] = np.broadcast_to(lim, (S, P))[new]

    wmax = lastc["max_weight_kg"][:, None]
    _flag(
        np.isfinite(wmax) & (np.broadcast_to(w[None, :], (S, P)) > wmax),
        "logi.reason.too_heavy",
        w[None, :],
        wmax,
    )
    _flag(
        np.isfinite(wmax) & (kg_s > wmax) & np.isin(mode, PARCEL_MODES)[:, None],
        "logi.reason.too_heavy_chargeable",
        kg_s,
        wmax,
    )
    smax = lastc["max_side_cm"][:, None]
    _flag(np.isfinite(smax) & (longest > smax), "logi.reason.too_long", longest, smax)
    sumax = lastc["max_sum_sides_cm"][:, None]
    _flag(np.isfinite(sumax) & (sum_sides > sumax), "logi.reason.too_big", sum_sides, sumax)
    _flag(
        ~np.isfinite(price) & np.isin(mode, PARCEL_MODES)[:, None],
        "logi.reason.beyond_bands",
        kg_s,
        lastc["_band"][:, None],
    )
    no_price = (~np.isfinite(first["per_kg_price"]) & ~np.isfinite(first["first_weight_price"]))[:, None]
    _flag(no_price & np.isin(mode, PARCEL_MODES)[:, None], "logi.reason.no_price", np.nan, np.nan)

    # per-unit warehouse costs
    vol_cbm = (L * W * H / CM3_PER_CBM)[None, :]
    stock = np.isin(mode, STOCK_MODES)[:, None]
    units_per_shipment = max(1.0, float(units_per_month) * float(cover_days) / DAYS_PER_MONTH)
    first_leg = np.where(
        stock,
        _nz(first["first_leg_per_kg"])[:, None] * kg_s
        + _nz(first["first_leg_per_cbm"])[:, None] * vol_cbm
        + _nz(first["first_leg_fixed"])[:, None] / units_per_shipment,
        0.0,
    )
    peak = on.month in (10, 11, 12)
    rate = np.where(
        peak & np.isfinite(first["storage_peak_per_cbm_month"]),
        first["storage_peak_per_cbm_month"],
        _nz(first["storage_per_cbm_month"]),
    )
    days_in_stock = float(cover_days) / 2
    storage = np.where(stock, rate[:, None] * vol_cbm * days_in_stock / DAYS_PER_MONTH, 0.0)
    lead_mean = np.where(
        np.isfinite(first["lead_days_min"]) & np.isfinite(first["lead_days_max"]),
        np.sqrt(_nz(first["lead_days_min"]) * _nz(first["lead_days_max"])),
        0.0,
    )
    holding = np.where(
        stock, goods[None, :] * float(holding_rate) * (lead_mean[:, None] + days_in_stock) / 365.0, 0.0
    )
    pick_pack = np.where(stock, _nz(first["pick_pack_fee"])[:, None], 0.0) * np.ones((1, P))
    last_mile = np.where(stock, _nz(first["last_mile_fee"])[:, None], 0.0) * np.ones((1, P))
    fulfil = np.zeros((S, P))
    fba = mode == "fba"
    if fba.any():
        card_fee = first["fulfilment_fee"][fba]
        table_fee, tier, _ = fba_fee(w, L, W, H, value, on=on, fees=fba_fees)
        use_table = ~np.isfinite(card_fee) & (dest == "US")
        f = np.where(use_table[:, None], table_fee[None, :], card_fee[:, None])
        fulfil[fba] = np.where(np.isfinite(f), f, 0.0)
        sub = reason[fba]
        xl = use_table[:, None] & (tier == "extra_large")[None, :] & (sub == "")
        sub[xl] = "logi.reason.fba_extra_large"
        nofee = ~np.isfinite(f) & (sub == "")
        sub[nofee] = "logi.reason.no_fee"
        reason[fba] = sub
    shipping = np.where(stock, 0.0, np.where(np.isfinite(price), price, 0.0))
    per_order = shipping + first_leg + storage + holding + pick_pack + last_mile + fulfil

    # duties: parcel modes pay on the parcel; stock modes on the bulk import (freight = first leg)
    freight = np.where(stock, first_leg, shipping)
    d = duties(
        np.full(S * P, dest, dtype=object),
        np.repeat(mode, P),
        np.tile(value, S),
        freight.ravel(),
        on,
        base_duty_rate=base_duty_rate,
        item_categories=item_categories,
        rules=rules,
        fx=fx,
    )
    duty = d["duty"].to_numpy().reshape(S, P)
    vat = d["vat"].to_numpy().reshape(S, P)

    # delivery time and loss: card range, or the seller's history when there is enough of it
    mu, sigma = lognormal_from_range(first["transit_days_min"], first["transit_days_max"])
    loss = _nz(first["loss_rate"])
    time_source = np.full(S, "card", dtype=object)
    if history is not None and len(history):
        fit = fit_history(history, as_of=None)
        fit = fit.loc[(fit["dest"].astype(str).str.upper() == dest) | (fit["dest"].astype(str) == "")]
        fit = fit.groupby("service").first()
        for i, s in enumerate(services):
            if s in fit.index:
                r = fit.loc[s]
                if r["n_delivered"] >= MIN_HISTORY and np.isfinite(r["sigma"]) and r["sigma"] > 0:
                    mu[i], sigma[i] = r["mu"], r["sigma"]
                    time_source[i] = "history"
                if r["n_resolved"] > 0:  # shrink toward the card with 100 pseudo-parcels
                    loss[i] = (r["n_lost"] + 100 * loss[i]) / (r["n_resolved"] + 100)
    p50 = np.exp(mu)
    p90 = np.exp(mu + Z90 * sigma)
    on_time = on_time_probability(promise_days, mu, sigma)
    loss_cost = loss[:, None] * (goods[None, :] + per_order)
    late = (1 - on_time)[:, None] * float(late_cost) * np.ones((1, P))
    expected = per_order + duty + loss_cost + late
    feasible = reason == ""

    def _S(a):
        return np.repeat(np.asarray(a), P)

    def _SP(a):
        a = np.broadcast_to(a, (S, P)).ravel()
        return np.where(feasible.ravel(), a, np.nan)

    out = pd.DataFrame(
        {
            "sku": np.tile(products["sku"].astype(str).to_numpy(), S)
            if "sku" in products.columns
            else np.tile(np.arange(P), S),
            "service": _S(services).astype(str),
            "mode": _S(mode).astype(str),
            "dest": dest,
            "feasible": feasible.ravel(),
            "reason": reason.ravel().astype(str),
            "reason_actual": actual.ravel(),
            "reason_limit": limit.ravel(),
            "chargeable_weight_kg": np.round(kg_s.ravel(), 4),
            "shipping": _SP(shipping),
            "first_leg": _SP(first_leg),
            "storage": _SP(storage),
            "holding": _SP(holding),
            "pick_pack": _SP(pick_pack),
            "last_mile": _SP(last_mile),
            "fulfilment": _SP(fulfil),
            "duty": _SP(duty),
            "vat": _SP(vat),
            "loss_cost": _SP(loss_cost),
            "late_cost": _SP(late),
            "cost_per_order": _SP(per_order),
            "expected_cost_per_order": _SP(expected),
            "landed_cost": _SP(value[None, :] + per_order + duty + vat),
            "p50_days": _S(p50),
            "p90_days": _S(p90),
            "on_time_probability": _S(on_time),
            "loss_rate": _S(loss),
            "mu": _S(mu),
            "sigma": _S(sigma),
            "time_source": _S(time_source).astype(str),
            "duty_rule": d["rule_id"].to_numpy().astype(str),
            "duty_status": d["rule_status"].to_numpy().astype(str),
            "duty_note": d["rule_note"].to_numpy().astype(str),
            "lead_days_min": _S(first["lead_days_min"]),
            "lead_days_max": _S(first["lead_days_max"]),
            "confidence": _S(sel["confidence"].astype(str).to_numpy()[first_row]),
            "source": _S(sel["source"].astype(str).to_numpy()[first_row]),
        }
    )
    return out


OPTION_COLUMNS = (
    "service",
    "mode",
    "feasible",
    "reason",
    "chargeable_weight_kg",
    *COST_COLUMNS,
    "expected_cost_per_order",
    "landed_cost",
    "p50_days",
    "p90_days",
    "on_time_probability",
)


# --------------------------------------------------------------------------------------------------
# Trade-off: Pareto front and recommendation
# --------------------------------------------------------------------------------------------------
def pareto_front(cost, days) -> np.ndarray:
    """Boolean mask of the points no other point beats on both cost and days (lower is better; a
    point equal on both to another is kept)."""
    c = np.asarray(cost, float)
    d = np.asarray(days, float)
    ok = np.isfinite(c) & np.isfinite(d)
    le = (c[None, :] <= c[:, None]) & (d[None, :] <= d[:, None])
    lt = (c[None, :] < c[:, None]) | (d[None, :] < d[:, None])
    dominated = (le & lt & ok[None, :]).any(axis=1)
    return ok & ~dominated


@dataclass(frozen=True)
class Quote:
    """One product to one market: ``options`` (one row per service, :data:`OPTION_COLUMNS` plus
    ``eligible`` and ``on_pareto``), the recommended services (``None`` when nothing qualifies), the
    parameters and notes (catalog keys)."""

    options: pd.DataFrame
    cheapest: str | None
    fastest: str | None
    best_value: str | None
    params: QuoteParams
    notes: tuple[str, ...] = ()

    @property
    def recommendation(self) -> dict[str, str | None]:
        return {"cheapest": self.cheapest, "fastest": self.fastest, "best_value": self.best_value}


def recommend(
    options: pd.DataFrame, *, preference: float = 0.5, min_on_time: float = 0.0, cost_cap: float = np.inf
) -> tuple[pd.DataFrame, dict[str, str | None]]:
    """Mark ``eligible`` options (feasible, on-time probability >= ``min_on_time``, expected cost <=
    ``cost_cap``), the Pareto front among them (expected cost vs P90 days) and pick:
    cheapest (lowest cost, then fastest), fastest (lowest P90, then cheapest), best value (lowest
    ``preference * cost' + (1 - preference) * days'`` with both scaled 0..1 over the front;
    preference 1 = only cost matters, 0 = only speed). Every pick is on the front."""
    opt = options.copy()
    eligible = (
        opt["feasible"].to_numpy()
        & (opt["on_time_probability"].to_numpy() >= min_on_time - 1e-12)
        & (opt["expected_cost_per_order"].to_numpy() <= cost_cap)
    )
    cost = np.where(eligible, opt["expected_cost_per_order"].to_numpy(float), np.nan)
    days = np.where(eligible, opt["p90_days"].to_numpy(float), np.nan)
    front = pareto_front(cost, days)
    opt["eligible"] = eligible
    opt["on_pareto"] = front
    rec: dict[str, str | None] = {"cheapest": None, "fastest": None, "best_value": None}
    if front.any():
        idx = np.flatnonzero(front)
        c, d = cost[idx], days[idx]
        rec["cheapest"] = str(opt["service"].iloc[idx[np.lexsort((d, c))[0]]])
        rec["fastest"] = str(opt["service"].iloc[idx[np.lexsort((c, d))[0]]])
        span_c = np.ptp(c) or 1.0
        span_d = np.ptp(d) or 1.0
        p = min(max(float(preference), 0.0), 1.0)
        score = p * (c - c.min()) / span_c + (1 - p) * (d - d.min()) / span_d
        rec["best_value"] = str(opt["service"].iloc[idx[np.lexsort((d, c, score))[0]]])
    return opt, rec


def quote(
    weight_kg: float,
    dims,
    value: float,
    dest: str,
    *,
    cards: pd.DataFrame | None = None,
    promise_days: float = 10.0,
    units_per_month: float = 300.0,
    on=None,
    late_cost: float = 2.0,
    base_duty_rate: float = 0.0,
    item_categories: int = 1,
    cover_days: float = 60.0,
    goods_cost: float | None = None,
    holding_rate: float = 0.15,
    preference: float = 0.5,
    min_on_time: float = 0.0,
    cost_cap: float = np.inf,
    history: pd.DataFrame | None = None,
    rules: pd.DataFrame | None = None,
    fba_fees: pd.DataFrame | None = None,
    fx: pd.DataFrame | None = None,
) -> Quote:
    """Every option for one product (``weight_kg``, ``dims`` "LxWxH" cm or a triple, goods ``value``
    USD) to ``dest``, with the recommendation. See :func:`quote_many` and :func:`recommend`."""
    if not (math.isfinite(float(weight_kg)) and float(weight_kg) > 0):
        raise DataError("err.logi.weight", weight=weight_kg)
    if not (math.isfinite(float(value)) and float(value) >= 0):
        raise DataError("err.logi.value", value=value)
    if not (math.isfinite(float(promise_days)) and float(promise_days) > 0):
        raise DataError("err.logi.promise", days=promise_days)
    L, W, H = _check_dims(dims)
    product = pd.DataFrame(
        {
            "sku": ["item"],
            "weight_kg": [float(weight_kg)],
            "length_cm": [L],
            "width_cm": [W],
            "height_cm": [H],
            "price": [float(value)],
        }
    )
    on_ts = pd.Timestamp(on).normalize() if on is not None else pd.Timestamp.today().normalize()
    opts = quote_many(
        default_rate_cards() if cards is None else cards,
        product,
        dest,
        promise_days=promise_days,
        units_per_month=units_per_month,
        on=on_ts,
        late_cost=late_cost,
        base_duty_rate=base_duty_rate,
        item_categories=item_categories,
        cover_days=cover_days,
        goods_cost=goods_cost,
        holding_rate=holding_rate,
        history=history,
        rules=rules,
        fba_fees=fba_fees,
        fx=fx,
    )
    opts = opts.drop(columns="sku")
    opts, rec = recommend(opts, preference=preference, min_on_time=min_on_time, cost_cap=cost_cap)
    opts = opts.sort_values(
        ["feasible", "expected_cost_per_order"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    notes = ["logi.note.estimate"]
    if rec["cheapest"] is None:
        notes.append("logi.note.none_eligible")
    statuses = set(opts.loc[opts["feasible"], "duty_status"])
    if statuses & {"unknown", "partial"}:
        notes.append("logi.note.duty_uncertain")
    if (opts["confidence"] == "illustrative").any():
        notes.append("logi.note.illustrative")
    params = QuoteParams(
        str(dest).upper(),
        float(promise_days),
        float(units_per_month),
        on_ts,
        float(late_cost),
        float(base_duty_rate),
        int(item_categories),
        float(cover_days),
    )
    return Quote(opts, rec["cheapest"], rec["fastest"], rec["best_value"], params, tuple(notes))


# --------------------------------------------------------------------------------------------------
# Best mix (linear program) and Monte Carlo
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MixResult:
    """Shares per service minimising expected cost subject to an on-time target.

    ``shares``: service, mode, share, orders. ``curve``: target, cost_per_order, monthly_cost, feasible
    for a range of targets; ``marginal_cost_per_pp``: extra cost per order for one more percentage
    point of on-time target at the optimum (the LP's shadow price)."""

    shares: pd.DataFrame
    target: float
    feasible: bool
    cost_per_order: float
    monthly_cost: float
    on_time: float
    marginal_cost_per_pp: float
    cheapest_single: str | None
    cheapest_single_cost: float
    curve: pd.DataFrame
    notes: tuple[str, ...] = ()


def _solve_mix(cost, p, target, max_share, stock=None, stock_max_share=1.0):
    from scipy.optimize import linprog

    n = len(cost)
    A, b = [-p], [-target]
    if stock is not None and stock.any() and stock_max_share < 1:
        A.append(stock.astype(float))
        b.append(stock_max_share)
    res = linprog(
        cost,
        A_ub=np.vstack(A),
        b_ub=b,
        A_eq=np.ones((1, n)),
        b_eq=[1.0],
        bounds=[(0.0, max_share)] * n,
        method="highs",
    )
    return res


def best_mix(
    options: pd.DataFrame,
    *,
    target: float = 0.9,
    volume: float = 1000.0,
    max_share: float = 1.0,
    stock_max_share: float = 1.0,
    curve_points: int = 25,
) -> MixResult:
    """Minimum expected cost mix of the feasible options for ``volume`` orders a month with on-time rate
    >= ``target``: ``min c.x  s.t.  p.x >= target, sum x = 1, 0 <= x <= max_share`` and, for the
    overseas-warehouse and FBA options together, ``sum x_stock <= stock_max_share`` (FBA only serves
    Amazon orders; a warehouse needs stock paid in advance) (scipy linprog, HiGHS). ``c`` = expected
    cost per order, ``p`` = on-time probability per option."""
    opt = options.loc[options["feasible"].astype(bool)].reset_index(drop=True)
    notes: list[str] = []
    c = opt["expected_cost_per_order"].to_numpy(float)
    p = opt["on_time_probability"].to_numpy(float)
    stock = opt["mode"].astype(str).isin(STOCK_MODES).to_numpy()
    # single options that are themselves allowed mixes (100% of orders on one service)
    meets = (p >= target - 1e-12) & (max_share >= 1) & (~stock | (stock_max_share >= 1))
    single = None
    single_cost = float("nan")
    if meets.any():
        j = np.flatnonzero(meets)[np.argmin(c[meets])]
        single, single_cost = str(opt["service"].iloc[j]), float(c[j])
    empty = pd.DataFrame(
        {
            "service": pd.Series([], dtype="str"),
            "mode": pd.Series([], dtype="str"),
            "share": pd.Series([], dtype=float),
            "orders": pd.Series([], dtype=float),
        }
    )
    if len(opt) == 0 or max_share * len(opt) < 1 - 1e-9:
        return MixResult(
            empty,
            target,
            False,
            np.nan,
            np.nan,
            np.nan,
            np.nan,
            single,
            single_cost,
            pd.DataFrame(columns=["target", "cost_per_order", "monthly_cost", "feasible"]),
            ("logi.note.mix_infeasible",),
        )
    res = _solve_mix(c, p, target, max_share, stock, stock_max_share)
    if res.status != 0:
        feasible, x, cost, on_time, marginal = False, np.zeros(len(c)), np.nan, np.nan, np.nan
        notes.append("logi.note.mix_infeasible")
    else:
        feasible = True
        x = np.clip(res.x, 0, None)
        x = x / x.sum()
        cost = float(c @ x)
        on_time = float(p @ x)
        marginal = float(-res.ineqlin.marginals[0]) * 0.01
    shares = pd.DataFrame(
        {
            "service": opt["service"].astype(str),
            "mode": opt["mode"].astype(str),
            "share": x,
            "orders": x * volume,
        }
    )
    shares = shares.loc[shares["share"] > 1e-9].sort_values("share", ascending=False).reset_index(drop=True)
    lo_t = max(0.5, float(np.floor(p.min() * 100) / 100)) if len(p) else 0.5
    hi_t = min(0.999, float(p.max())) if len(p) else 0.99
    targets = np.unique(np.round(np.r_[np.linspace(min(lo_t, hi_t), hi_t, curve_points), target], 4))
    rows = []
    for t in targets:
        r = _solve_mix(c, p, t, max_share, stock, stock_max_share)
        ok = r.status == 0
        rows.append((float(t), float(r.fun) if ok else np.nan, float(r.fun) * volume if ok else np.nan, ok))
    curve = pd.DataFrame(rows, columns=["target", "cost_per_order", "monthly_cost", "feasible"])
    return MixResult(
        shares,
        float(target),
        feasible,
        cost,
        cost * volume if feasible else np.nan,
        on_time,
        marginal,
        single,
        single_cost,
        curve,
        tuple(notes),
    )


@dataclass(frozen=True)
class MonteCarloResult:
    """A month of orders simulated ``runs`` times under a mix.

    ``days_histogram``: day (whole days, delivered parcels), mode, orders (all runs pooled);
    ``month_costs``: total cost of each simulated month; ``on_time_rate``, ``loss_rate``: pooled;
    ``cost_p05/p50/p95``: quantiles of the monthly cost; ``days_p50/p90``: of delivery days."""

    days_histogram: pd.DataFrame
    month_costs: np.ndarray = field(repr=False)
    on_time_rate: float
    loss_rate: float
    cost_p05: float
    cost_p50: float
    cost_p95: float
    days_p50: float
    days_p90: float
    orders: int
    runs: int
    seed: int


def simulate_month(
    options: pd.DataFrame,
    shares,
    *,
    orders: int = 1000,
    runs: int = 100,
    promise_days: float = 10.0,
    late_cost: float = 2.0,
    goods_cost: float | np.ndarray = 0.0,
    seed: int = 7,
) -> MonteCarloResult:
    """Monte Carlo of ``runs`` months of ``orders`` orders: each order gets a service drawn with the
    mix ``shares`` (a mapping service -> share, or the ``shares`` frame of :class:`MixResult`), a
    lognormal delivery time (``mu``, ``sigma`` of the option), a loss with the option's loss rate (a
    lost parcel costs goods + a reshipment), and the late cost when it arrives after the promise.
    Cost per order = cost_per_order + duty (+ reship and goods if lost) (+ late cost if late)."""
    if isinstance(shares, pd.DataFrame):
        shares = dict(zip(shares["service"], shares["share"]))
    opt = options.loc[options["feasible"].astype(bool)].set_index("service")
    names = [s for s, v in shares.items() if v > 0 and s in opt.index]
    if not names:
        raise DataError("err.logi.empty_mix")
    prob = np.array([shares[s] for s in names], float)
    prob = prob / prob.sum()
    o = opt.loc[names]
    rng = np.random.default_rng(seed)
    n = int(orders) * int(runs)
    k = rng.choice(len(names), size=n, p=prob)
    mu = o["mu"].to_numpy(float)[k]
    sigma = o["sigma"].to_numpy(float)[k]
    days = np.exp(mu + sigma * rng.standard_normal(n))
    lost = rng.random(n) < o["loss_rate"].to_numpy(float)[k]
    base = (o["cost_per_order"].to_numpy(float) + o["duty"].to_numpy(float))[k]
    late = ~lost & (days > promise_days)
    goods = np.asarray(goods_cost, float)
    cost = base + lost * (goods + base) + late * float(late_cost)
    month = cost.reshape(int(runs), int(orders)).sum(axis=1)
    delivered = ~lost
    day_int = np.ceil(days[delivered]).astype(np.int64)
    mode_codes = o["mode"].to_numpy(dtype=object)
    modes_u, mode_k = np.unique(mode_codes, return_inverse=True)
    key = mode_k[k[delivered]] * 10_000 + np.minimum(day_int, 9_999)
    u, counts = np.unique(key, return_counts=True)
    hist = pd.DataFrame(
        {"day": (u % 10_000).astype(int), "mode": modes_u[u // 10_000].astype(str), "orders": counts}
    )
    dd = days[delivered]
    return MonteCarloResult(
        hist,
        month,
        float(np.mean(delivered & (days <= promise_days))),
        float(lost.mean()),
        float(np.quantile(month, 0.05)),
        float(np.quantile(month, 0.5)),
        float(np.quantile(month, 0.95)),
        float(np.quantile(dd, 0.5)) if dd.size else np.nan,
        float(np.quantile(dd, 0.9)) if dd.size else np.nan,
        int(orders),
        int(runs),
        int(seed),
    )


# --------------------------------------------------------------------------------------------------
# Carrier scorecard
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scorecard:
    """``carriers``: one row per carrier (see :func:`carrier_scorecard`); ``flags``: one row per
    flagged carrier and problem (carrier, flag catalog key, value, baseline) for the page and tests."""

    carriers: pd.DataFrame
    flags: pd.DataFrame
    as_of: pd.Timestamp
    recent_days: int
    weights: dict = field(default_factory=dict)


def carrier_scorecard(
    shipments: pd.DataFrame,
    *,
    as_of=None,
    recent_days: int = 60,
    promise_days: float | None = None,
    weights: dict | None = None,
    alpha: float = 0.01,
) -> Scorecard:
    """Carrier scorecard from the shipment history.

    Per carrier: shipments, delivered, lost, ``loss_rate`` = lost / (delivered + lost + returned),
    ``on_time_rate`` (delivered within ``promised_days``, or ``promise_days`` when the column is absent),
    ``median_days``, ``p90_days``, ``spread_days`` (P90 - P10), ``cs_hours`` (median response), and a
    ``score`` 0-100 = 100 x sum of weights x sub-scores: on_time = on-time rate; loss = 1 - loss/5%;
    stability = P10/P90; speed = fastest median / median; cs = 1 - hours/72 (each clipped to 0..1).
    Default weights :data:`SCORE_WEIGHTS`.

    Flags (``alpha`` = significance level):
    - ``logi.flag.high_loss``: loss rate >= 2% and >= 2x the pooled rate of the other carriers, and a
      one-sided binomial test against that pooled rate gives p < alpha;
    - ``logi.flag.slower``: parcels shipped in the last ``recent_days`` (before the newest ship date)
      have a median transit >= 15% and >= 1 day above the earlier ones, Mann-Whitney p < alpha;
    - ``logi.flag.on_time_drop``: recent on-time rate >= 10 points below the earlier rate, two-proportion
      z-test p < alpha.
    Each test uses ``alpha / number of carriers`` (Bonferroni), and the loss test needs >= 100
    resolved parcels. Only delivered parcels have a transit time, so a recent window slightly understates slow-downs.
    """
    need = ["carrier", "ship_date", "status"]
    missing = [c for c in need if c not in shipments.columns]
    if missing:
        raise DataError("err.logi.shipment_columns", columns=", ".join(missing))
    weights = dict(SCORE_WEIGHTS if weights is None else weights)
    s = shipments[
        [
            c
            for c in ("carrier", "ship_date", "delivery_date", "status", "promised_days", "cs_response_hours")
            if c in shipments.columns
        ]
    ].copy()
    s["carrier"] = s["carrier"].astype("str")
    status = s["status"].astype("str").str.strip().str.lower()
    s["delivered"] = status.eq("delivered")
    s["lost"] = status.eq("lost")
    s["resolved"] = status.isin(["delivered", "lost", "returned"])
    if "delivery_date" in s.columns:
        s["transit"] = ((s["delivery_date"] - s["ship_date"]).dt.total_seconds() / 86400).where(
            s["delivered"]
        )
    else:
        s["transit"] = np.nan
    promised = s["promised_days"] if "promised_days" in s.columns else pd.Series(np.nan, index=s.index)
    if promise_days is not None:
        promised = promised.fillna(float(promise_days))
    s["on_time"] = (s["transit"] <= promised).astype(float).where(s["transit"].notna() & promised.notna())
    if "cs_response_hours" not in s.columns:
        s["cs_response_hours"] = np.nan
    end = pd.Timestamp(as_of) if as_of is not None else s["ship_date"].max()
    s["recent"] = s["ship_date"] > end - pd.Timedelta(days=recent_days)

    g = s.groupby("carrier", sort=True)
    t = g.agg(
        shipments=("status", "size"),
        delivered=("delivered", "sum"),
        lost=("lost", "sum"),
        resolved=("resolved", "sum"),
        on_time_rate=("on_time", "mean"),
        median_days=("transit", "median"),
        p10_days=("transit", lambda x: x.quantile(0.1)),
        p90_days=("transit", lambda x: x.quantile(0.9)),
        cs_hours=("cs_response_hours", "median"),
    )
    t["loss_rate"] = t["lost"] / t["resolved"].where(t["resolved"] > 0)
    t["spread_days"] = t["p90_days"] - t["p10_days"]
    sub = pd.DataFrame(
        {
            "on_time": t["on_time_rate"].fillna(0),
            "loss": (1 - t["loss_rate"] / 0.05).clip(0, 1).fillna(0),
            "stability": (t["p10_days"] / t["p90_days"]).clip(0, 1).fillna(0),
            "speed": (t["median_days"].min() / t["median_days"]).clip(0, 1).fillna(0),
            "cs": (1 - t["cs_hours"] / 72).clip(0, 1).fillna(0.5),
        }
    )
    total_w = sum(weights.values()) or 1.0
    t["score"] = 100 * sum(sub[k] * w for k, w in weights.items() if k in sub) / total_w

    # flags: high loss against the pooled rate of the others
    lost_all, res_all = t["lost"].sum(), t["resolved"].sum()
    others = ((lost_all - t["lost"]) / (res_all - t["resolved"]).where(res_all - t["resolved"] > 0)).fillna(0)
    p_loss = stats.binom.sf(t["lost"] - 1, t["resolved"], np.clip(others, 1e-6, 1))
    level = alpha / max(len(t), 1)  # Bonferroni over the carriers tested
    t["flag_high_loss"] = (
        (t["resolved"] >= 100) & (t["loss_rate"] >= 0.02) & (t["loss_rate"] >= 2 * others) & (p_loss < level)
    )
    t["loss_baseline"] = others

    # flags: recent vs earlier transit and on-time
    rec = s.loc[s["recent"]].groupby("carrier")
    old = s.loc[~s["recent"]].groupby("carrier")
    t["recent_median_days"] = rec["transit"].median()
    t["before_median_days"] = old["transit"].median()
    t["recent_on_time"] = rec["on_time"].mean()
    t["before_on_time"] = old["on_time"].mean()
    n1, n0 = (
        rec["on_time"].count().reindex(t.index).fillna(0),
        old["on_time"].count().reindex(t.index).fillna(0),
    )
    p_mw = pd.Series(1.0, index=t.index)
    for carrier in t.index:  # one test per carrier (a few carriers)
        a = s.loc[s["recent"] & (s["carrier"] == carrier), "transit"].dropna()
        b = s.loc[~s["recent"] & (s["carrier"] == carrier), "transit"].dropna()
        if len(a) >= 10 and len(b) >= 10:
            p_mw[carrier] = stats.mannwhitneyu(a, b, alternative="greater").pvalue
    change = t["recent_median_days"] / t["before_median_days"] - 1
    t["transit_change"] = change
    t["flag_slower"] = (
        ((change >= 0.15) & (t["recent_median_days"] - t["before_median_days"] >= 1) & (p_mw < level))
        .fillna(False)
        .astype(bool)
    )
    p1, p0 = t["recent_on_time"], t["before_on_time"]
    pool = (p1 * n1 + p0 * n0) / (n1 + n0).where(n1 + n0 > 0)
    se = np.sqrt(pool * (1 - pool) * (1 / n1.where(n1 > 0) + 1 / n0.where(n0 > 0)))
    z = (p0 - p1) / se.where(se > 0)
    p_drop = pd.Series(stats.norm.sf(z.fillna(0)), index=t.index)
    t["flag_on_time_drop"] = ((p0 - p1 >= 0.10) & (p_drop < level)).fillna(False).astype(bool)
    t = t.drop(columns=["resolved", "p10_days"]).reset_index()
    t = t.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)

    flags = []
    for r in t.itertuples(index=False):
        if r.flag_high_loss:
            flags.append((r.carrier, "logi.flag.high_loss", r.loss_rate, r.loss_baseline))
        if r.flag_slower:
            flags.append((r.carrier, "logi.flag.slower", r.recent_median_days, r.before_median_days))
        if r.flag_on_time_drop:
            flags.append((r.carrier, "logi.flag.on_time_drop", r.recent_on_time, r.before_on_time))
    flag_frame = pd.DataFrame(flags, columns=["carrier", "flag", "value", "baseline"])
    flag_frame["carrier"] = flag_frame["carrier"].astype("str")
    flag_frame["flag"] = flag_frame["flag"].astype("str")
    return Scorecard(t, flag_frame, end, int(recent_days), weights)


# --------------------------------------------------------------------------------------------------
# Overseas-warehouse inventory
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReorderResult:
    """Safety stock and reorder point (units), with the inputs. ``stockout_risk``: probability that
    demand over one lead time exceeds the current inventory position (if you order now);
    ``overstock_units``: position above reorder point + ``cover_days`` of demand, and its storage cost
    per month."""

    z: float
    sigma_ltd: float
    safety_stock: float
    reorder_point: float
    days_of_cover: float
    stockout_risk: float
    reorder_now: bool
    overstock_units: float
    overstock_storage_per_month: float
    demand_per_day: float
    demand_sd: float
    lead_days: float
    lead_sd: float
    service_level: float


def reorder_point(
    demand_per_day: float,
    demand_sd: float,
    lead_days: float,
    lead_sd: float = 0.0,
    *,
    service_level: float = 0.95,
    on_hand: float = 0.0,
    on_order: float = 0.0,
    cover_days: float = 60.0,
    unit_volume_cbm: float = 0.0,
    storage_per_cbm_month: float = 0.0,
) -> ReorderResult:
    """Safety stock and reorder point with demand and lead-time variability:
    ``SS = z * sqrt(L * sd_d**2 + d**2 * sd_L**2)``, ``ROP = d * L + SS`` (Stevenson, *Operations
    Management*, 14th ed., McGraw-Hill, ch. 12, pp. 528-529), d and sd_d per day, L and sd_L in days,
    z = Phi^-1(cycle service level). Lead-time demand is only approximately normal when L varies
    (Chopra, Reinhardt & Dada 2004), so treat the result as a planning figure."""
    if not 0 < service_level < 1:
        raise DataError("err.logi.service_level", level=service_level)
    d, sd, L, sL = float(demand_per_day), float(demand_sd), float(lead_days), float(lead_sd)
    if min(d, sd, L, sL) < 0:
        raise DataError("err.logi.negative_inventory_input")
    z = float(stats.norm.ppf(service_level))
    sigma = math.sqrt(L * sd**2 + d**2 * sL**2)
    ss = z * sigma
    rop = d * L + ss
    position = float(on_hand) + float(on_order)
    cover = float(on_hand) / d if d > 0 else math.inf
    risk = float(stats.norm.sf((position - d * L) / sigma)) if sigma > 0 else float(position < d * L)
    over = max(0.0, position - (rop + d * cover_days))
    return ReorderResult(
        z,
        sigma,
        ss,
        rop,
        cover,
        risk,
        position <= rop,
        over,
        over * unit_volume_cbm * storage_per_cbm_month,
        d,
        sd,
        L,
        sL,
        float(service_level),
    )


def lead_time_stats(lead_days_min: float, lead_days_max: float) -> tuple[float, float]:
    """Mean and sd (days) of the lognormal whose P10-P90 is the card's lead-time range."""
    mu, sigma = lognormal_from_range(lead_days_min, lead_days_max)
    mean = float(np.exp(mu + sigma**2 / 2))
    return mean, float(mean * np.sqrt(np.expm1(sigma**2)))


def demand_stats(
    orders: pd.DataFrame, sku: str | None = None, country: str | None = None, *, days: int = 90, as_of=None
) -> tuple[float, float]:
    """Mean and sd of units sold per day over the last ``days`` days (days without sales count as 0)."""
    o = schema.sales_lines(orders)
    if sku is not None:
        o = o.loc[o["sku"].astype(str) == str(sku)]
    if country is not None and "country" in o.columns:
        o = o.loc[o["country"].astype(str) == str(country)]
    end = pd.Timestamp(as_of) if as_of is not None else pd.to_datetime(orders["order_date"]).max()
    end = end.normalize()
    start = end - pd.Timedelta(days=days - 1)
    o = o.loc[(o["order_date"] >= start) & (o["order_date"] < end + pd.Timedelta(days=1))]
    daily = o.groupby(o["order_date"].dt.normalize())["quantity"].sum()
    daily = daily.reindex(pd.date_range(start, end, freq="D"), fill_value=0).astype(float)
    return float(daily.mean()), float(daily.std(ddof=1)) if len(daily) > 1 else 0.0


# --------------------------------------------------------------------------------------------------
# Text for the page and the command line
# --------------------------------------------------------------------------------------------------
def _num(x: float) -> str:
    return "" if x is None or not np.isfinite(x) else f"{x:g}" if abs(x) >= 1 else f"{x:.3g}"


def describe_reason(key: str, actual: float = np.nan, limit: float = np.nan, lang: str = "en") -> str:
    """The translated reason an option cannot carry the parcel ("" when it can)."""
    from .i18n import t

    if not key:
        return ""
    return t(key, lang, actual=_num(round(float(actual), 2)), limit=_num(float(limit)))


def describe_flag(carrier: str, key: str, value: float, baseline: float, lang: str = "en") -> str:
    """The translated sentence for a scorecard flag (rates as percentages, days with one decimal)."""
    from .i18n import t

    if key == "logi.flag.slower":
        v, b = f"{value:.1f}", f"{baseline:.1f}"
    else:
        v, b = f"{value:.1%}", f"{baseline:.1%}"
    return t(key, lang, carrier=carrier, value=v, baseline=b)


def quote_with_history(history: pd.DataFrame | None, **params) -> Quote:
    """:func:`quote` with the shipment history first (positional), for content-keyed page caches."""
    return quote(history=history, **params)


def mix_and_simulate(
    options: pd.DataFrame,
    *,
    target: float,
    volume: float,
    promise_days: float,
    late_cost: float,
    goods_cost: float,
    stock_max_share: float = 1.0,
    runs: int = 100,
    seed: int = 7,
):
    """:func:`best_mix` and a :func:`simulate_month` of that mix (``None`` when no mix reaches the target)."""
    mix = best_mix(options, target=target, volume=volume, stock_max_share=stock_max_share)
    sim = None
    if mix.feasible and len(mix.shares):
        sim = simulate_month(
            options,
            mix.shares,
            orders=max(int(volume), 1),
            runs=runs,
            promise_days=promise_days,
            late_cost=late_cost,
            goods_cost=goods_cost,
            seed=seed,
        )
    return mix, sim
