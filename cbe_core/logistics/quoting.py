"""Quote every way to ship: what it really costs per order and how fast it arrives.

Pipeline (every step is a function of frames and plain parameters; nothing is stored between calls):

1. :func:`~cbe_core.logistics.pricing.chargeable_weight` and the card's price
   (:mod:`~cbe_core.logistics.pricing`). A parcel is never charged more than the cheapest heavier
   band at its lower bound (the sender could add weight to reach it), so the price never falls when
   weight rises.
2. Overseas warehouse and FBA are priced per unit: first leg (per kg, per CBM, plus a fixed fee per
   inbound shipment shared over its units) + storage for the days in stock + pick & pack + last mile,
   or the FBA fulfilment fee of the size tier (:func:`~cbe_core.logistics.pricing.fba_fee`).
3. :func:`~cbe_core.logistics.customs.duties`: duty and VAT/GST estimate for the quote date.
4. Delivery time (:mod:`~cbe_core.logistics.delivery`): the card's lognormal, or the seller's history
   when a service has at least ``MIN_HISTORY`` delivered parcels in the last 120 days; the loss rate
   then becomes ``(lost + 100 x card rate) / (resolved + 100)`` (the card counts as 100
   pseudo-parcels, so a few losses do not swing it).
5. Expected cost per order = shipping + duty + loss rate x (goods + reship) + P(late) x late cost.
   Landed cost = goods value + shipping + duty + VAT (VAT is passed on to the buyer, so it is in the
   landed cost but not in the expected cost the seller compares).
6. :func:`quote` adds the recommendation (:func:`~cbe_core.logistics.choice.recommend`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import schema
from ..errors import DataError
from ._common import (
    CM3_PER_CBM,
    COST_COLUMNS,
    DAYS_PER_MONTH,
    MIN_HISTORY,
    PARCEL_MODES,
    STOCK_MODES,
    Z90,
    _nz,
)
from .choice import recommend
from .customs import duties
from .delivery import fit_history, lognormal_from_range, on_time_probability
from .pricing import _check_dims, _row_price, chargeable_weight, check_rate_cards, fba_fee
from .reference import _fx_map, default_rate_cards


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
    cover_days / 2) / 365`` (the usual inventory carrying cost). Returns one row per service and
    product with the columns of :data:`OPTION_COLUMNS`.
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


def quote_with_history(history: pd.DataFrame | None, **params) -> Quote:
    """:func:`quote` with the shipment history first (positional), for content-keyed page caches."""
    return quote(history=history, **params)


# --------------------------------------------------------------------------------------------------
# Text for the page and the command line
# --------------------------------------------------------------------------------------------------
def _num(x: float) -> str:
    return "" if x is None or not np.isfinite(x) else f"{x:g}" if abs(x) >= 1 else f"{x:.3g}"


def describe_reason(key: str, actual: float = np.nan, limit: float = np.nan, lang: str = "en") -> str:
    """The translated reason an option cannot carry the parcel ("" when it can)."""
    from ..i18n import t

    if not key:
        return ""
    return t(key, lang, actual=_num(round(float(actual), 2)), limit=_num(float(limit)))
