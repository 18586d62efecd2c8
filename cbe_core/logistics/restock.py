"""Restock plan for every SKU: days of cover, stock-out and reorder dates, how much to order, overstock.

For each SKU in the ``inventory`` table (its latest snapshot per warehouse on or before ``as_of``):

- position = on hand - reserved + inbound, over every warehouse (inbound is taken to land in time);
- demand: the seasonal forecast of :mod:`.forecast` (``D(k)`` = expected units over the next k days);
- ``days_of_cover`` = the k at which ``D(k)`` reaches the position (linear between days; ``None``
  beyond the horizon); ``stockout_date`` = as_of + ceil(days of cover);
- lead time ``L`` = production days + the route's mean lead (sea by default: the slowest stock
  route of the rate cards to ``dest``), ``sd_L`` from the route's lognormal (:func:`lead_time_stats`);
- safety stock ``SS = z x sqrt(L sd_d^2 + d^2 sd_L^2)`` (:func:`lead_time_demand_sd`, the formula of
  the single-SKU :func:`reorder_point`), d = mean forecast over the lead time, sd_d the forecast's
  daily sd, z = Phi^-1(service level); ``safety_days = SS / d``;
- ``reorder_date = stockout_date - L - safety_days`` (today when already past: ``overdue``);
- ``reorder_qty = D(r + L + N) + SS - position`` (at least 0, whole units), r = days until the
  reorder date, N = ``cover_days``: the order lands with N days of demand plus the safety stock;
- ``overstock_units = position - D(overstock_days)`` (at least 0): stock that will not sell within
  ``overstock_days`` at the forecast; its cash (units x unit cost) and the storage fees it will cost
  until sold (:func:`storage_cost`: monthly fees per cubic foot by warehouse type and season, plus
  Amazon's aged-inventory surcharge on the FBA share from day 181, ages counted from ``as_of``, so a
  lower bound);
- status: ``stockout_risk`` (days of cover < L: it runs out before an order placed today can
  arrive), ``reorder_now``, ``overstock``, ``no_demand`` or ``ok``;
- an air (or express) top-up for a ``stockout_risk`` SKU: the units needed from the day the top-up can
  land (or the stock-out, if later) until the main order lands, and its extra first-leg cost against
  the main route (:func:`cbe_core.logistics.quote_many`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DataError
from ..i18n import t
from ._common import STOCK_MODES
from .forecast import DemandForecast, forecast_demand
from .pricing import check_rate_cards, fba_size_tier
from .reference import DATA_DIR, default_rate_cards
from .reorder import lead_time_demand_sd, lead_time_stats

STATUSES = ("stockout_risk", "reorder_now", "overstock", "ok", "no_demand")
WAREHOUSE_TYPES = ("fba", "overseas_warehouse", "home")
CM3_PER_FT3 = 28_316.846592
AGED_FROM_DAY = 181
PLAN_COLUMNS = (
    "sku",
    "on_hand",
    "reserved",
    "inbound",
    "position",
    "daily_demand",
    "demand_sd",
    "days_of_cover",
    "stockout_date",
    "lead_days",
    "lead_sd",
    "safety_stock",
    "safety_days",
    "reorder_date",
    "overdue_days",
    "reorder_qty",
    "overstock_units",
    "overstock_cash",
    "overstock_storage",
    "storage_per_month",
    "top_up_units",
    "top_up_cost",
    "top_up_route",
    "lost_units",
    "unit_cost",
    "avg_price",
    "seasonal",
    "status",
)
Note = tuple[str, Mapping[str, object]]


@lru_cache(maxsize=1)
def _storage_table() -> pd.DataFrame:
    return check_storage_fees(
        pd.read_csv(DATA_DIR / "storage_fees.csv", dtype=str, keep_default_na=False, na_values=[""])
    )


@lru_cache(maxsize=1)
def _aged_table() -> pd.DataFrame:
    df = pd.read_csv(DATA_DIR / "aged_surcharge.csv", dtype=str, keep_default_na=False, na_values=[""])
    for c in ("age_min_days", "age_max_days", "per_ft3_month", "per_unit_month"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    return df


def default_storage_fees() -> pd.DataFrame:
    """Monthly storage per cubic foot by warehouse type (fba / overseas_warehouse / home), size
    (standard / oversize / *) and months (``1-9``, ``10-12``): cited, editable (a copy)."""
    return _storage_table().copy()


def default_aged_surcharge() -> pd.DataFrame:
    """Amazon US aged-inventory surcharge tiers (per cubic foot or per unit a month, the greater):
    cited, some rows estimates (a copy)."""
    return _aged_table().copy()


def check_storage_fees(table: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("warehouse", "months", "per_ft3_month") if c not in table.columns]
    if missing:
        raise DataError("err.restock.storage_columns", columns=", ".join(missing))
    out = table.copy()
    out["warehouse"] = out["warehouse"].astype("str").str.strip().str.lower()
    out["size"] = out["size"].astype("str").str.strip().str.lower() if "size" in out else "*"
    out["per_ft3_month"] = pd.to_numeric(out["per_ft3_month"], errors="coerce").astype(float)
    return out


def warehouse_type(names) -> np.ndarray:
    """``fba`` (FBA, Amazon, 亚马逊), ``home`` (home, own, China, 国内, 本地, 自有) or
    ``overseas_warehouse`` (anything else), from the warehouse's name."""
    s = pd.Series(names, dtype="str").fillna("").str.lower()
    out = np.full(len(s), "overseas_warehouse", dtype=object)
    out[s.str.contains(r"home|own|china|domestic|shenzhen|yiwu|国内|本地|自有|深圳|义乌", regex=True)] = (
        "home"
    )
    out[s.str.contains(r"fba|amazon|亚马逊", regex=True)] = "fba"
    return out


def _monthly_rates(table: pd.DataFrame, wtype: str, size: str) -> np.ndarray:
    """Rate per cubic foot for months 1..12 (index 0..11) for one warehouse type and size."""
    rows = table.loc[table["warehouse"] == wtype]
    sized = rows.loc[rows["size"] == size]
    rows = sized if len(sized) else rows.loc[rows["size"].isin(["*", "", "nan"])]
    out = np.zeros(12)
    for r in rows.itertuples(index=False):
        a, _, b = str(r.months).partition("-")
        lo, hi = int(a), int(b or a)
        out[lo - 1 : hi] = r.per_ft3_month if np.isfinite(r.per_ft3_month) else 0.0
    return out


def storage_cost(
    units: np.ndarray,
    vol_ft3: np.ndarray,
    shares: np.ndarray,
    size: np.ndarray,
    dates: pd.DatetimeIndex,
    storage: pd.DataFrame,
    aged: pd.DataFrame | None,
) -> np.ndarray:
    """Storage fees of ``units`` (SKUs x days, units in stock on each day) over ``dates``: for each
    warehouse type w, share_w x units x volume x monthly rate(month) / days in the month, plus the
    aged surcharge on the FBA share from day ``AGED_FROM_DAY`` (the greater of volume x per-ft3 and
    per-unit, a month)."""
    month = dates.month.to_numpy() - 1
    dim = dates.days_in_month.to_numpy().astype(float)
    total = np.zeros(units.shape[0])
    for j, w in enumerate(WAREHOUSE_TYPES):
        for sz in ("standard", "oversize"):
            m = (size == sz) & (shares[:, j] > 0)
            if not m.any():
                continue
            rate = _monthly_rates(storage, w, sz)[month] / dim
            total[m] += shares[m, j] * vol_ft3[m] * (units[m] * rate[None, :]).sum(axis=1)
    if aged is not None and len(aged) and units.shape[1] >= AGED_FROM_DAY:
        age = np.arange(1, units.shape[1] + 1)
        per_ft3 = np.zeros(len(age))
        per_unit = np.zeros(len(age))
        for r in aged.itertuples(index=False):
            hi = r.age_max_days if np.isfinite(r.age_max_days) else np.inf
            m = (age >= r.age_min_days) & (age <= hi)
            per_ft3[m] = r.per_ft3_month if np.isfinite(r.per_ft3_month) else 0.0
            per_unit[m] = r.per_unit_month if np.isfinite(r.per_unit_month) else 0.0
        fba = shares[:, 0]
        charge = np.maximum(vol_ft3[:, None] * per_ft3[None, :], per_unit[None, :]) / dim[None, :]
        total += fba * np.nansum(units * charge, axis=1)
    return total


@dataclass(frozen=True)
class Route:
    service: str
    mode: str
    lead_mean: float
    lead_sd: float
    lead_min: float
    lead_max: float


def routes(cards: pd.DataFrame | None, dest: str) -> list[Route]:
    """Inbound routes to ``dest`` from the rate cards: stock services (overseas warehouse, FBA) with
    their lead-time range, and express services with their transit range; slowest first."""
    cards = check_rate_cards(default_rate_cards() if cards is None else cards)
    sel = cards.loc[cards["dest"] == str(dest).upper()].drop_duplicates("service")
    out = []
    for r in sel.itertuples(index=False):
        if r.mode in STOCK_MODES and np.isfinite(r.lead_days_min) and np.isfinite(r.lead_days_max):
            a, b = r.lead_days_min, r.lead_days_max
        elif r.mode == "express" and np.isfinite(r.transit_days_min) and np.isfinite(r.transit_days_max):
            a, b = r.transit_days_min, r.transit_days_max
        else:
            continue
        mean, sd = lead_time_stats(a, b)
        out.append(Route(str(r.service), str(r.mode), mean, sd, float(a), float(b)))
    return sorted(out, key=lambda r: -r.lead_mean)


@dataclass(frozen=True)
class RestockResult:
    """The plan (one row per SKU, :data:`PLAN_COLUMNS`), the stock per SKU and warehouse, the
    forecast, the routes used, notes (catalog keys with parameters) and the parameters."""

    as_of: pd.Timestamp
    currency: str
    plan: pd.DataFrame
    stock: pd.DataFrame
    forecast: DemandForecast
    route: Route | None
    top_up: Route | None
    notes: tuple[Note, ...] = ()
    params: Mapping[str, object] = field(default_factory=dict)

    def note_texts(self, lang: str = "en") -> list[str]:
        return [t(k, lang, **dict(p)) for k, p in self.notes]

    def to_json(self, lang: str = "en") -> dict[str, object]:
        rows = []
        for r in self.plan.to_dict("records"):
            item = {}
            for c in PLAN_COLUMNS:
                v = r[c]
                if isinstance(v, pd.Timestamp):
                    v = v.strftime("%Y-%m-%d")
                elif v is None or (isinstance(v, float) and not np.isfinite(v)) or v is pd.NaT:
                    v = None
                elif isinstance(v, (np.integer,)):
                    v = int(v)
                elif isinstance(v, (float, np.floating)):
                    v = round(float(v), 4)
                elif isinstance(v, np.bool_):
                    v = bool(v)
                item[c] = v
            rows.append(item)
        return {
            "as_of": self.as_of.strftime("%Y-%m-%d"),
            "currency": self.currency,
            "route": None if self.route is None else self.route.service,
            "top_up_route": None if self.top_up is None else self.top_up.service,
            "params": {k: v for k, v in self.params.items()},
            "skus": rows,
            "notes": self.note_texts(lang),
        }


def _at(cum: np.ndarray, k: np.ndarray) -> np.ndarray:
    """D(k): expected units over the next k days (k >= 0, fractional k interpolated; beyond the
    horizon, the last day's rate is extended)."""
    n, H = cum.shape
    k = np.clip(np.asarray(k, dtype=float), 0.0, None)
    lo = np.floor(k).astype(np.int64)
    frac = k - lo
    c = np.concatenate([np.zeros((n, 1)), cum], axis=1)
    rate_last = cum[:, -1] - (cum[:, -2] if H > 1 else 0.0)
    base = np.take_along_axis(c, np.minimum(lo, H)[:, None], axis=1)[:, 0]
    nxt = np.take_along_axis(c, np.minimum(lo + 1, H)[:, None], axis=1)[:, 0]
    beyond = np.maximum(k - H, 0.0)
    inside = np.where(lo < H, base + frac * (nxt - base), c[:, H] + beyond * rate_last)
    return inside


def restock_plan(
    orders: pd.DataFrame,
    inventory: pd.DataFrame,
    *,
    products: pd.DataFrame | None = None,
    as_of=None,
    cards: pd.DataFrame | None = None,
    dest: str = "US",
    route: str | None = None,
    top_up_route: str | None = None,
    service_level: float = 0.95,
    cover_days: float = 60.0,
    overstock_days: float = 180.0,
    production_days: float = 0.0,
    storage: pd.DataFrame | None = None,
    aged: pd.DataFrame | None = None,
    horizon: int = 365,
    currency: str | None = None,
) -> RestockResult:
    """The restock plan for every SKU of ``inventory`` (see the module docstring)."""
    if inventory is None or not isinstance(inventory, pd.DataFrame):
        raise DataError("err.restock.no_inventory")
    missing = [c for c in ("date", "sku", "on_hand") if c not in inventory.columns]
    if missing:
        raise DataError("err.restock.missing_columns", table="inventory", columns=", ".join(missing))
    if not 0 < float(service_level) < 1:
        raise DataError("err.logi.service_level", level=service_level)
    for name, v in (
        ("cover_days", cover_days),
        ("overstock_days", overstock_days),
        ("production_days", production_days),
    ):
        if not (np.isfinite(float(v)) and float(v) >= 0):
            raise DataError("err.restock.days", name=name, value=v)
    notes: list[Note] = []
    inv = inventory.copy()
    inv["date"] = pd.to_datetime(inv["date"]).dt.normalize()
    as_of = inv["date"].max() if as_of is None else pd.Timestamp(as_of).normalize()
    inv = inv.loc[inv["date"] <= as_of]
    if inv.empty:
        raise DataError("err.restock.no_snapshot", as_of=as_of.strftime("%Y-%m-%d"))
    inv["sku"] = inv["sku"].astype("str")
    inv["warehouse"] = inv["warehouse"].astype("str").fillna("") if "warehouse" in inv else ""
    inv = inv.sort_values("date", kind="stable").drop_duplicates(["sku", "warehouse"], keep="last")
    for c in ("on_hand", "reserved", "inbound"):
        inv[c] = pd.to_numeric(inv[c], errors="coerce").fillna(0.0).astype(float) if c in inv else 0.0
    inv["warehouse_type"] = warehouse_type(inv["warehouse"])
    inv["available"] = (inv["on_hand"] - inv["reserved"]).clip(lower=0)
    stock = inv[
        ["sku", "warehouse", "warehouse_type", "date", "on_hand", "reserved", "inbound", "available"]
    ].reset_index(drop=True)
    if (inv["date"] < as_of).any():
        notes.append(("restock.note.old_snapshot", {"rows": int((inv["date"] < as_of).sum())}))

    per = inv.groupby("sku", sort=True).agg(
        on_hand=("on_hand", "sum"),
        reserved=("reserved", "sum"),
        inbound=("inbound", "sum"),
        available=("available", "sum"),
    )
    skus = per.index.to_numpy(dtype=object)
    n = len(skus)
    shares = np.zeros((n, len(WAREHOUSE_TYPES)))
    w = inv.pivot_table(index="sku", columns="warehouse_type", values="on_hand", aggfunc="sum").reindex(skus)
    for j, wt in enumerate(WAREHOUSE_TYPES):
        if wt in w.columns:
            shares[:, j] = w[wt].fillna(0.0).to_numpy()
    tot = shares.sum(axis=1, keepdims=True)
    shares = np.where(tot > 0, shares / np.where(tot > 0, tot, 1), 0.0)

    prod = None
    if products is not None and "sku" in products.columns:
        prod = products.drop_duplicates("sku").assign(sku=lambda d: d["sku"].astype("str")).set_index("sku")
    groups = prod["category"] if prod is not None and "category" in prod.columns else None
    fc = forecast_demand(orders, as_of=as_of, horizon=horizon, skus=skus, groups=groups)
    if not fc.seasonal.any():
        notes.append(("restock.note.no_year", {}))
    unseen = int((fc.level == 0).sum())
    if unseen:
        notes.append(("restock.note.no_sales", {"skus": unseen}))
    cum = fc.cumulative()
    position = (per["available"] + per["inbound"]).to_numpy(dtype=float)

    # routes and lead times
    rts = routes(cards, dest)
    main = None
    if route is not None:
        main = next((r for r in rts if r.service == route), None)
        if main is None:
            raise DataError("err.profit.route", route=route, routes=", ".join(r.service for r in rts))
    else:
        stock_routes = [r for r in rts if r.mode in STOCK_MODES]
        main = stock_routes[0] if stock_routes else (rts[0] if rts else None)
    if main is None:
        raise DataError("err.restock.no_route", dest=str(dest).upper())
    top = None
    if top_up_route is not None:
        top = next((r for r in rts if r.service == top_up_route), None)
        if top is None:
            raise DataError("err.profit.route", route=top_up_route, routes=", ".join(r.service for r in rts))
    else:
        faster = [r for r in rts if r.lead_mean < main.lead_mean and r.mode in STOCK_MODES]
        faster = faster or [r for r in rts if r.lead_mean < main.lead_mean]
        top = faster[-1] if faster else None
    L = float(production_days) + main.lead_mean
    sL = main.lead_sd
    z = float(stats.norm.ppf(service_level))

    # cover, stock-out, safety stock, reorder
    H = cum.shape[1]
    full_days = (cum <= position[:, None]).sum(axis=1)
    c0 = np.concatenate([np.zeros((n, 1)), cum], axis=1)
    prev = np.take_along_axis(c0, full_days[:, None], axis=1)[:, 0]
    nxt_rate = np.take_along_axis(
        np.concatenate([fc.mean, np.zeros((n, 1))], axis=1), np.minimum(full_days, H)[:, None], axis=1
    )[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(nxt_rate > 0, (position - prev) / nxt_rate, 0.0)
    cover = np.where(full_days >= H, np.inf, full_days + np.clip(frac, 0, 1))
    cover = np.where(position <= 0, 0.0, cover)
    d_lead = _at(cum, np.full(n, L)) / max(L, 1e-9)
    sigma = lead_time_demand_sd(d_lead, fc.sd, L, sL)
    ss = z * sigma
    ss = np.where(fc.level > 0, ss, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        safety_days = np.where(d_lead > 0, ss / d_lead, 0.0)
    reorder_in = cover - L - safety_days
    r = np.where(np.isfinite(reorder_in), np.maximum(np.floor(reorder_in), 0.0), np.nan)
    overdue = np.where(np.isfinite(reorder_in) & (reorder_in < 0), np.ceil(-reorder_in), 0.0)
    need = _at(cum, np.nan_to_num(r, nan=0.0) + L + float(cover_days)) + ss - position
    qty = np.where(np.isfinite(r), np.ceil(np.maximum(need, 0.0) - 1e-9), 0.0)
    over = np.maximum(np.floor(position - _at(cum, np.full(n, float(overstock_days))) + 1e-9), 0.0)
    over = np.where(fc.level > 0, over, np.maximum(position, 0.0))
    demand30 = _at(cum, np.full(n, 30.0)) / 30.0

    # status
    risk = np.isfinite(cover) & (cover < L) & (fc.level > 0)
    status = np.full(n, "ok", dtype=object)
    status[(over > 0)] = "overstock"
    status[(fc.level > 0) & np.isfinite(reorder_in) & (reorder_in <= 0)] = "reorder_now"
    status[risk] = "stockout_risk"
    status[(fc.level == 0) & (position <= 0)] = "no_demand"

    # top-up (air or express) for SKUs that run out before the main route lands
    top_units = np.zeros(n)
    lost = np.where(
        risk, np.maximum(_at(cum, np.full(n, L)) - _at(cum, np.where(risk, cover, 0.0)), 0.0), 0.0
    )
    if top is not None:
        Lt = float(production_days) + top.lead_mean
        start_k = np.maximum(np.where(risk, cover, 0.0), Lt)
        top_units = np.where(
            risk & (Lt < L), np.ceil(np.maximum(_at(cum, np.full(n, L)) - _at(cum, start_k), 0.0) - 1e-9), 0.0
        )

    # unit cost, volume, first legs
    unit_cost = np.full(n, np.nan)
    if "unit_cost" in inv.columns:
        uc = pd.to_numeric(inv["unit_cost"], errors="coerce")
        unit_cost = inv.assign(uc=uc).groupby("sku")["uc"].mean().reindex(skus).to_numpy(dtype=float)
    if prod is not None and "unit_cost" in prod.columns:
        pc = pd.to_numeric(prod["unit_cost"], errors="coerce").reindex(skus).to_numpy(dtype=float)
        unit_cost = np.where(np.isfinite(unit_cost), unit_cost, pc)
    vol = np.full(n, np.nan)
    size = np.full(n, "standard", dtype=object)
    top_cost = np.where(top_units > 0, np.nan, 0.0)
    dims_ok = np.zeros(n, dtype=bool)
    if prod is not None and all(
        c in prod.columns for c in ("weight_kg", "length_cm", "width_cm", "height_cm")
    ):
        d = prod.reindex(skus)[["weight_kg", "length_cm", "width_cm", "height_cm"]].apply(
            pd.to_numeric, errors="coerce"
        )
        dims_ok = ((d > 0) & np.isfinite(d)).all(axis=1).to_numpy()
        vol = np.where(
            dims_ok, (d["length_cm"] * d["width_cm"] * d["height_cm"]).to_numpy() / CM3_PER_FT3, np.nan
        )
        if dims_ok.any():
            tier, _ = fba_size_tier(
                d["weight_kg"].to_numpy(),
                d["length_cm"].to_numpy(),
                d["width_cm"].to_numpy(),
                d["height_cm"].to_numpy(),
            )
            size = np.where(np.isin(tier, ["small_standard", "large_standard"]), "standard", "oversize")
            if top is not None and (top_units > 0).any():
                top_cost = np.where(
                    top_units > 0,
                    top_units * _extra_per_unit(cards, d, unit_cost, dest, main, top, as_of),
                    0.0,
                )
    if (top_units > 0).any() and not np.isfinite(top_cost).all():
        notes.append(("restock.note.no_dims", {}))

    # overstock: cash and storage until it sells (FIFO: the overstock units sell last)
    storage_tab = _storage_table() if storage is None else check_storage_fees(storage)
    aged_tab = _aged_table() if aged is None else aged
    remaining = np.maximum(position[:, None] - cum, 0.0)
    over_left = np.minimum(over[:, None], remaining)
    storage_over = np.full(n, np.nan)
    storage_month = np.full(n, np.nan)
    if np.isfinite(vol).any():
        ok = np.isfinite(vol)
        storage_over[ok] = storage_cost(
            over_left[ok], vol[ok], shares[ok], size[ok], fc.dates, storage_tab, aged_tab
        )
        month_days = pd.date_range(as_of + pd.Timedelta(days=1), periods=30, freq="D")
        storage_month[ok] = storage_cost(
            np.repeat(np.maximum(position[ok], 0)[:, None], 30, axis=1),
            vol[ok],
            shares[ok],
            size[ok],
            month_days,
            storage_tab,
            None,
        )
    if (over_left[:, -1] > 0).any():
        notes.append(("restock.note.beyond_horizon", {"skus": int((over_left[:, -1] > 0).sum()), "days": H}))
    avg_price = _avg_price(orders, skus, as_of)
    asof_day = as_of
    plan = pd.DataFrame(
        {
            "sku": pd.array(skus, dtype="str"),
            "on_hand": per["on_hand"].round().astype(np.int64).to_numpy(),
            "reserved": per["reserved"].round().astype(np.int64).to_numpy(),
            "inbound": per["inbound"].round().astype(np.int64).to_numpy(),
            "position": position.round().astype(np.int64),
            "daily_demand": demand30,
            "demand_sd": fc.sd,
            "days_of_cover": cover,
            "stockout_date": [
                asof_day + pd.Timedelta(days=int(np.ceil(c))) if np.isfinite(c) else pd.NaT for c in cover
            ],
            "lead_days": np.full(n, L),
            "lead_sd": np.full(n, sL),
            "safety_stock": ss,
            "safety_days": safety_days,
            "reorder_date": [asof_day + pd.Timedelta(days=int(x)) if np.isfinite(x) else pd.NaT for x in r],
            "overdue_days": overdue.astype(np.int64),
            "reorder_qty": qty.astype(np.int64),
            "overstock_units": over.astype(np.int64),
            "overstock_cash": over * unit_cost,
            "overstock_storage": storage_over,
            "storage_per_month": storage_month,
            "top_up_units": top_units.astype(np.int64),
            "top_up_cost": top_cost,
            "top_up_route": np.where(top_units > 0, top.service if top is not None else "", ""),
            "lost_units": lost,
            "unit_cost": unit_cost,
            "avg_price": avg_price,
            "seasonal": fc.seasonal,
            "status": status,
        }
    )
    plan["stockout_date"] = pd.to_datetime(plan["stockout_date"])
    plan["reorder_date"] = pd.to_datetime(plan["reorder_date"])
    plan["top_up_route"] = plan["top_up_route"].astype("str")
    plan["status"] = plan["status"].astype("str")
    if currency is None:
        cur = orders["currency"].dropna().astype("str") if "currency" in orders.columns else pd.Series([])
        currency = str(cur.mode().iloc[0]) if len(cur) else "USD"
    sold_only = len(set(fc.skus) ^ set(skus))
    if sold_only:
        notes.append(("restock.note.sold_not_stocked", {"skus": sold_only}))
    notes.append(
        (
            "restock.note.route",
            {
                "route": main.service,
                "lead": f"{main.lead_mean:.0f}",
                "production": f"{float(production_days):g}",
            },
        )
    )
    params = {
        "service_level": float(service_level),
        "cover_days": float(cover_days),
        "overstock_days": float(overstock_days),
        "production_days": float(production_days),
        "dest": str(dest).upper(),
        "horizon": int(horizon),
    }
    return RestockResult(as_of, currency, plan, stock, fc, main, top, tuple(notes), params)


def _avg_price(orders: pd.DataFrame, skus: np.ndarray, as_of: pd.Timestamp, days: int = 90) -> np.ndarray:
    """Average unit price of each SKU's sales lines over the ``days`` days up to ``as_of``."""
    q = pd.to_numeric(orders["quantity"], errors="coerce").to_numpy(dtype=float, na_value=0.0)
    p = pd.to_numeric(orders["unit_price"], errors="coerce").to_numpy(dtype=float, na_value=0.0)
    d = pd.to_datetime(orders["order_date"]).to_numpy(dtype="datetime64[ns]")
    m = (q > 0) & (p > 0) & (d > np.datetime64(as_of - pd.Timedelta(days=days)))
    m &= d < np.datetime64(as_of + pd.Timedelta(days=1))
    if "cancelled" in orders.columns:
        m &= ~orders["cancelled"].fillna(False).to_numpy(dtype=bool)
    code, uni = pd.factorize(orders["sku"].astype("str"))
    pos = np.append(pd.Index(skus).get_indexer(np.asarray(uni, dtype=object)), -1)[
        np.where(code >= 0, code, -1)
    ]
    ok = m & (pos >= 0)
    units = np.bincount(pos[ok], weights=q[ok], minlength=len(skus))
    rev = np.bincount(pos[ok], weights=(q * p)[ok], minlength=len(skus))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(units > 0, rev / units, np.nan)


def _extra_per_unit(
    cards, dims: pd.DataFrame, unit_cost: np.ndarray, dest: str, main: Route, top: Route, as_of
) -> np.ndarray:
    """Extra cost per unit of the top-up route over the main route: first leg (stock routes) or the
    parcel price (express), from :func:`cbe_core.logistics.quote_many`."""
    from .quoting import quote_many

    cards = check_rate_cards(default_rate_cards() if cards is None else cards)
    prods = dims.copy()
    prods["price"] = np.nan_to_num(unit_cost, nan=1.0)
    prods["unit_cost"] = prods["price"]
    prods["sku"] = prods.index.astype(str)
    prods = prods.reset_index(drop=True)
    ok = (prods[["weight_kg", "length_cm", "width_cm", "height_cm"]] > 0).all(axis=1)
    out = np.full(len(prods), np.nan)
    if not ok.any():
        return out
    sub = cards.loc[cards["service"].isin([main.service, top.service]) & (cards["dest"] == str(dest).upper())]
    q = quote_many(sub, prods.loc[ok], dest, on=as_of)
    q["inbound"] = np.where(q["mode"].isin(STOCK_MODES), q["first_leg"], q["shipping"])
    piv = q.pivot_table(index="sku", columns="service", values="inbound", aggfunc="first")
    piv = piv.reindex(prods["sku"])
    if main.service in piv and top.service in piv:
        out = (piv[top.service] - piv[main.service]).to_numpy(dtype=float)
    return out


def restock_findings(res: RestockResult, revenue: float | None = None) -> list:
    """Findings for the ranked list (:class:`cbe_core.diagnostics.Finding`):

    - ``stockout_before_reorder``: a SKU whose stock runs out before an order placed today by the
      main route can land. Money at stake (an estimate) = the sales lost meanwhile without a top-up,
      units x its average price over the last 90 days. High severity.
    - ``overstock``: a SKU with stock that will not sell within ``overstock_days``. Money at stake =
      the cash tied up in it (units x unit cost) + the storage fees it will cost until sold.
      Severity by share of ``revenue`` (default: the plan's SKUs' sales over the last 90 days) as in
      :mod:`cbe_core.diagnostics.findings`, at most medium.
    """
    from ..diagnostics import RULES, Finding

    p = res.plan
    if revenue is None:
        units90 = p["daily_demand"] * 90
        revenue = float(np.nansum(units90 * p["avg_price"]))
    out = []
    cur = res.currency

    def sev(money: float) -> str:
        share = money / revenue if revenue > 0 else 0.0
        return (
            "high" if share >= RULES["high_share"] else "medium" if share >= RULES["medium_share"] else "low"
        )

    for r in p.loc[p["status"] == "stockout_risk"].itertuples(index=False):
        price = r.avg_price if np.isfinite(r.avg_price) else 0.0
        money = float(r.lost_units * price)
        out.append(
            Finding(
                "stockout_before_reorder",
                "high",
                "sku",
                str(r.sku),
                {
                    "days_of_cover": round(float(r.days_of_cover), 1),
                    "lead_days": round(float(r.lead_days), 1),
                    "stockout_date": r.stockout_date.strftime("%Y-%m-%d"),
                    "lost_units": round(float(r.lost_units), 1),
                    "top_up_units": int(r.top_up_units),
                    "top_up_route": r.top_up_route or "—",
                    "top_up_cost": None if not np.isfinite(r.top_up_cost) else round(float(r.top_up_cost), 2),
                    "currency": cur,
                },
                money,
            )
        )
    for r in p.loc[p["overstock_units"] > 0].itertuples(index=False):
        cash = float(r.overstock_cash) if np.isfinite(r.overstock_cash) else 0.0
        fees = float(r.overstock_storage) if np.isfinite(r.overstock_storage) else 0.0
        s = sev(cash + fees)
        out.append(
            Finding(
                "overstock",
                "medium" if s == "high" else s,
                "sku",
                str(r.sku),
                {
                    "overstock_units": int(r.overstock_units),
                    "overstock_days": int(res.params["overstock_days"]),
                    "cash": round(cash, 2),
                    "storage": round(fees, 2),
                    "currency": cur,
                },
                cash + fees,
            )
        )
    out.sort(key=lambda f: (-f.money_at_stake, f.code, f.slice))
    return out


def export_frames(
    res: RestockResult, lang: str = "en", findings=()
) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """``(sheets, number_formats)`` of the restock workbook in ``lang``: the plan (translated headers,
    statuses in words, money headers naming the currency), the stock per warehouse, findings and
    notes."""
    money = {
        "overstock_cash",
        "overstock_storage",
        "storage_per_month",
        "top_up_cost",
        "unit_cost",
        "avg_price",
    }
    formats: dict[str, str] = {}
    cols = (
        "sku",
        "status",
        "on_hand",
        "reserved",
        "inbound",
        "position",
        "daily_demand",
        "days_of_cover",
        "stockout_date",
        "lead_days",
        "safety_stock",
        "reorder_date",
        "reorder_qty",
        "overstock_units",
        "overstock_cash",
        "overstock_storage",
        "storage_per_month",
        "top_up_units",
        "top_up_route",
        "top_up_cost",
        "unit_cost",
        "avg_price",
    )

    def head(c: str) -> str:
        label = t(f"restock.col.{c}", lang)
        return f"{label} ({res.currency})" if c in money else label

    plan = pd.DataFrame(index=range(len(res.plan)))
    for c in cols:
        v = res.plan[c]
        if c == "status":
            v = v.map(lambda s: t(f"restock.status.{s}", lang))
        elif c == "days_of_cover":
            v = v.where(np.isfinite(v)).round(1)
        elif c in ("daily_demand", "lead_days", "safety_stock"):
            v = v.round(2)
        plan[head(c)] = v.to_numpy()
        if c in money:
            formats[head(c)] = "#,##0.00"
    stock = res.stock.copy()
    stock["warehouse_type"] = stock["warehouse_type"].map(lambda w: t(f"restock.wh.{w}", lang))
    stock = stock.rename(columns={c: t(f"restock.col.{c}", lang) for c in stock.columns})
    sheets = {t("restock.sheet.plan", lang): plan, t("restock.sheet.stock", lang): stock}
    if findings:
        sheets[t("restock.sheet.findings", lang)] = pd.DataFrame(
            {
                t("restock.col.sku", lang): [f.slice for f in findings],
                t("restock.col.finding", lang): [f.message(lang) for f in findings],
                t("restock.col.action", lang): [f.action(lang) for f in findings],
                f"{t('restock.col.money', lang)} ({res.currency})": [
                    round(f.money_at_stake, 2) for f in findings
                ],
            }
        )
        formats[f"{t('restock.col.money', lang)} ({res.currency})"] = "#,##0.00"
    sheets[t("restock.sheet.notes", lang)] = pd.DataFrame({t("restock.col.note", lang): res.note_texts(lang)})
    return sheets, formats
