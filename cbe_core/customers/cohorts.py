"""Acquisition cohorts: are the customers we win this year worse than last year's?

A customer belongs to the cohort of the period (month, ISO week starting Monday, or quarter) of their
first purchase: their first sales line (:func:`cbe_core.schema.sales_lines` rules: not cancelled,
quantity > 0, unit_price > 0; customers with only returns are not customers). ``age`` k is the
number of whole periods between the cohort's period and the period of an activity (calendar
periods, as Shopify's cohort report counts them: a customer acquired on 31 January is in month 1
on 1 February). Optionally the cohorts are split by a property of the customer's first purchase:
``channel``, ``country``, ``first_sku`` (the SKU of the first line) or ``traffic_source`` (when the
orders carry that column: traffic attribution). A missing value is the group ``""``.

Per cohort (and group) and age k, over the cohort's ``customers``:

- ``repeat_customers``: customers who bought *again* in period k: a purchase day other than their
  first purchase day (so a second order on the day of the first is not a repeat, as in the
  purchase models); ``retention`` = repeat_customers / customers (for k = 0 the share who came back
  within their first period; the heat map's first column is therefore not 100%);
- ``orders``: distinct order ids among the sales lines in period k (the first order included);
  ``orders_per_customer``;
- ``net_sales``: quantity x unit_price over sales *and* return lines dated in period k (a refund
  counts when it happens, as :mod:`.rfm`'s monetary value); ``gross_profit``: net sales minus the cost
  of the units sold (``unit_cost`` from the orders, else the products table), platform fees and
  shipping (line totals; a return line's negative fee is a refunded fee). The cost of returned units
  is *not* recovered (conservative: returns are often not resellable). Without a unit cost for every
  sales line, gross profit is not available (NaN) and a note says how many lines lack one;
- ``cum_net_sales_per_customer``, ``cum_gross_profit_per_customer``: the running sums over ages
  0..k divided by the cohort's customers (the cohort's value curve, "LTV so far").

``status``: ``observed`` for periods that ended on or before the last day of data; the period in
progress and later ones are ``projected`` when a customer-value model is given (the observed part
of the running period plus the model's forecast for its remaining days, see :func:`build`; the
figures so far of the running period stay available through :meth:`CohortResult.lived`), else the
period in progress is ``partial`` (its figures so far) and later ones are absent. Cohorts with fewer
customers than ``min_customers`` are flagged ``small``: their rates move a lot with one customer
(with 30 customers a 20% retention has a standard error of about 7 points).

Acquisition cost (:func:`acquisition`): blended CAC = all marketing spend of the cohort's period
(ads plus optional other spend) / the cohort's new customers. Spend also brings back existing
customers, so this overstates the cost of a new one; it is the usual "blended CAC" of cohort tools.
``ltv`` = cumulative gross profit per customer after ``LTV_PERIODS`` (12 months, 52 weeks or 4
quarters; projected where not yet observed); ``payback_age`` = the first age at which cumulative
gross profit per customer reaches CAC.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from ._fitting import UNIT_DAYS
from .rfm import Note, check_orders

PERIODS = {"month": "M", "week": "W-SUN", "quarter": "Q-DEC"}
SPLITS = {"channel": "channel", "country": "country", "first_sku": "sku", "traffic_source": "traffic_source"}
LTV_PERIODS = {"month": 12, "week": 52, "quarter": 4}
MAX_PROJECTED = {"month": 24, "week": 104, "quarter": 8}
MIN_CUSTOMERS = 30
ADDITIVE = ("repeat_customers", "orders", "net_sales", "gross_profit")
CELL_COLUMNS = ("cohort", "group", "age", "period_start", "period_end", "status", "customers",
                "repeat_customers", "retention", "orders", "orders_per_customer", "net_sales",
                "net_sales_per_customer", "gross_profit", "gross_profit_per_customer",
                "cum_net_sales_per_customer", "cum_gross_profit_per_customer")
COHORT_COLUMNS = ("cohort", "group", "start", "customers", "small", "observed_ages", "ltv", "ltv_projected")


@dataclass(frozen=True)
class CohortResult:
    """``cells``: one row per cohort, group and age with :data:`CELL_COLUMNS` (sorted by cohort,
    group, age); ``cohorts``: one row per cohort and group with :data:`COHORT_COLUMNS`
    (``observed_ages``: complete periods so far; ``ltv``: cumulative gross profit per customer at age
    ``LTV_PERIODS[by] - 1`` or NaN if neither observed nor projected, ``ltv_projected`` whether the
    model supplied it). ``last_day``: the last day with a sale. ``model``: the purchase model that
    projected the young cohorts (its ``name``), or None. ``currency``: the orders' currency code when
    they carry exactly one."""

    by: str
    split: str | None
    cells: pd.DataFrame
    cohorts: pd.DataFrame
    last_day: pd.Timestamp
    min_customers: int
    has_profit: bool
    model: str | None
    currency: str | None
    notes: tuple[Note, ...]
    in_progress: pd.DataFrame | None = None

    def lived(self) -> pd.DataFrame:
        """The cells of lived periods only: complete ones and the period in progress with its figures
        so far (``status`` ``observed`` or ``partial``), as in a cohort table without projections."""
        seen = self.cells.loc[self.cells["status"] != "projected"]
        if self.in_progress is None or not len(self.in_progress):
            return seen
        both = pd.concat([seen, self.in_progress], ignore_index=True)
        return both.sort_values(["cohort", "group", "age"], kind="stable").reset_index(drop=True)


def currency_of(frame: pd.DataFrame | None) -> str | None:
    """The single currency code of a frame's ``currency`` column, or None (no column, or several)."""
    if frame is None or "currency" not in frame.columns:
        return None
    codes = pd.unique(frame["currency"].dropna().astype("str").str.strip().str.upper())
    codes = [c for c in codes if c]
    return codes[0] if len(codes) == 1 else None


def _label(periods: pd.PeriodIndex, by: str) -> np.ndarray:
    if by == "month":
        return np.asarray(periods.strftime("%Y-%m"), dtype=object)
    if by == "quarter":
        return np.asarray(periods.strftime("%YQ%q"), dtype=object)
    return np.asarray(periods.start_time.strftime("%Y-%m-%d"), dtype=object)


def _sale_mask(orders: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(lines usable at all, sales lines) with a customer id, a date, quantity and price, not cancelled."""
    dates = orders["order_date"].to_numpy(dtype="datetime64[ns]")
    qty = orders["quantity"].to_numpy(dtype=float, na_value=np.nan)
    price = orders["unit_price"].to_numpy(dtype=float, na_value=np.nan)
    ok = ~np.isnat(dates) & np.isfinite(qty) & np.isfinite(price) & orders["customer_id"].notna().to_numpy()
    if "cancelled" in orders.columns:
        ok &= ~orders["cancelled"].to_numpy(dtype=bool, na_value=False)
    return ok, ok & (qty > 0) & (price > 0)


def last_sale_day(orders: pd.DataFrame) -> pd.Timestamp:
    """The last day with a sale to a known customer: the day a model must be fitted up to for
    :func:`build` to project young cohorts."""
    check_orders(orders, who="cohorts")
    _, sale = _sale_mask(orders)
    if not sale.any():
        raise DataError("err.rfm.no_sales")
    return pd.Timestamp(orders["order_date"].to_numpy(dtype="datetime64[ns]")[sale].max()).normalize()


def _lines(orders: pd.DataFrame, split: str | None, products: pd.DataFrame | None):
    """The sales and return lines with customer ids, as plain arrays, and notes about costs."""
    check_orders(orders, who="cohorts")
    if split is not None and SPLITS[split] not in orders.columns:
        raise DataError("err.cohorts.no_split_column", split=split, column=SPLITS[split])
    dates = orders["order_date"].to_numpy(dtype="datetime64[ns]")
    qty = orders["quantity"].to_numpy(dtype=float, na_value=np.nan)
    price = orders["unit_price"].to_numpy(dtype=float, na_value=np.nan)
    ok, sale = _sale_mask(orders)
    keep = sale | (ok & (qty < 0))
    if not sale.any():
        raise DataError("err.rfm.no_sales")
    idx = np.flatnonzero(keep)
    lines = pd.DataFrame({
        "customer": orders["customer_id"].to_numpy()[idx].astype(str),
        "order": orders["order_id"].to_numpy()[idx].astype(str),
        "time": dates[idx], "sale": sale[idx], "qty": qty[idx], "value": qty[idx] * price[idx],
    })
    lines["day"] = lines["time"].dt.normalize()
    if split is not None:
        lines["group"] = orders[SPLITS[split]].astype("str").fillna("").to_numpy()[idx]
    notes: list[Note] = []
    cost = _unit_cost(orders, products)
    fees = [c for c in ("platform_fee", "shipping_cost") if c in orders.columns]
    if cost is None:
        lines["profit"] = np.nan
        notes.append(Note("cohorts.note.no_cost"))
    else:
        unit_cost = cost[idx]
        missing = int((lines["sale"] & np.isnan(unit_cost)).sum())
        extra = np.zeros(idx.size)
        for c in fees:
            extra += np.nan_to_num(orders[c].to_numpy(dtype=float, na_value=np.nan)[idx])
        goods = np.where(lines["sale"], lines["qty"] * unit_cost, 0.0)  # returned units' cost not recovered
        lines["profit"] = lines["value"] - goods - extra
        if missing:
            lines["profit"] = np.nan
            notes.append(Note("cohorts.note.cost_missing", {"lines": missing}))
        elif len(fees) < 2:
            notes.append(Note("cohorts.note.no_fees"))
    return lines, notes


def _unit_cost(orders: pd.DataFrame, products: pd.DataFrame | None) -> np.ndarray | None:
    cost = (orders["unit_cost"].to_numpy(dtype=float, na_value=np.nan) if "unit_cost" in orders.columns
            else np.full(len(orders), np.nan))
    if products is not None and {"sku", "unit_cost"} <= set(products.columns):
        by_sku = products.drop_duplicates("sku").set_index("sku")["unit_cost"]
        fill = orders["sku"].map(by_sku).to_numpy(dtype=float, na_value=np.nan)
        cost = np.where(np.isnan(cost), fill, cost)
    return None if np.isnan(cost).all() else cost


def customer_cohorts(lines: pd.DataFrame, by: str, split: str | None) -> pd.DataFrame:
    """One row per customer: ``customer, first_day, cohort`` (Period) and ``group`` (the split value
    of the first sales line; earliest time, then order id, decides)."""
    sales = lines.loc[lines["sale"]].sort_values(["customer", "time", "order"], kind="stable")
    first = sales.drop_duplicates("customer")
    out = pd.DataFrame({"customer": first["customer"].to_numpy(), "first_day": first["day"].to_numpy()})
    out["cohort"] = pd.PeriodIndex(out["first_day"], freq=PERIODS[by])
    out["group"] = first["group"].to_numpy() if split is not None else ""
    return out


def build(orders: pd.DataFrame, products: pd.DataFrame | None = None, clv=None, *, by: str = "month",
          split: str | None = None, min_customers: int = MIN_CUSTOMERS) -> CohortResult:
    """Cohort tables of an orders frame (see the module docstring). ``products``: optional, for unit
    costs the orders lack. ``clv``: a
    :class:`cbe_core.customers.clv.ClvResult` fitted up to the last day of data; with it, the period in
    progress and the following ones up to the oldest cohort's age (and at least ``LTV_PERIODS``) are
    projected from each customer's history: expected repeat customers from the model's chance of a
    purchase in the remaining window, orders from its expected purchases, net sales from those times
    the customer's predicted purchase value (Gamma-Gamma) scaled by the store's net-to-gross ratio,
    gross profit from net sales times the cohort's own margin so far."""
    if by not in PERIODS:
        raise DataError("err.cohorts.bad_by", by=by, options=", ".join(PERIODS))
    if split is not None and split not in SPLITS:
        raise DataError("err.cohorts.bad_split", split=split, options=", ".join(SPLITS))
    lines, notes = _lines(orders, split, products)
    freq = PERIODS[by]
    last_day = lines.loc[lines["sale"], "day"].max()
    cust = customer_cohorts(lines, by, split)
    lines = lines.merge(cust, on="customer", how="inner", suffixes=("", "_first"))
    if split is not None:
        lines["group"] = lines["group_first"]
    lines = lines.loc[lines["day"] >= lines["first_day"]]  # a refund dated before the first sale: none
    line_period = pd.PeriodIndex(lines["day"], freq=freq)
    lines["age"] = (line_period.asi8 - pd.PeriodIndex(lines["cohort"]).asi8).astype("int64")
    keys = ["cohort", "group", "age"]
    repeat = lines.loc[lines["sale"] & (lines["day"] > lines["first_day"]), ["customer", *keys]]
    agg = pd.concat([
        repeat.drop_duplicates().groupby(keys, observed=True).size().rename("repeat_customers"),
        lines.loc[lines["sale"], ["order", *keys]].drop_duplicates().groupby(keys, observed=True).size()
        .rename("orders"),
        lines.groupby(keys, observed=True)[["value", "profit"]].sum(min_count=1)
        .rename(columns={"value": "net_sales", "profit": "gross_profit"}),
    ], axis=1)
    sizes = cust.groupby(["cohort", "group"], observed=True).size().rename("customers").reset_index()
    last_period = pd.Period(last_day, freq=freq)
    # every cohort gets every age up to the period containing the last day
    span = (last_period.ordinal - pd.PeriodIndex(sizes["cohort"]).asi8) + 1
    grid = sizes.loc[sizes.index.repeat(span)].reset_index(drop=True)
    grid["age"] = np.concatenate([np.arange(n) for n in span]) if len(span) else np.zeros(0, dtype=int)
    cells = grid.merge(agg.reset_index(), on=keys, how="left")
    has_profit = bool(lines["profit"].notna().all())
    cells[list(ADDITIVE)] = cells[list(ADDITIVE)].fillna(0.0).astype(float)
    if not has_profit:
        cells["gross_profit"] = np.nan
    periods = pd.PeriodIndex(cells["cohort"]) + cells["age"].to_numpy()
    cells["period_start"] = periods.start_time
    cells["period_end"] = periods.end_time.normalize()
    cells["status"] = np.where(cells["period_end"] <= last_day, "observed", "partial")
    in_progress = None
    if clv is not None:
        projected, more = _project(cells, lines, cust, clv, by, last_day, has_profit)
        notes.extend(more)
        if projected is not None:
            in_progress = cells.loc[cells["status"] == "partial"]
            cells = pd.concat([cells.loc[cells["status"] == "observed"], projected], ignore_index=True)
    cells = _ratios(cells.sort_values(["cohort", "group", "age"], kind="stable").reset_index(drop=True))
    if in_progress is not None:
        # running sums so far: the last complete period's plus the part of the period lived
        seen = pd.concat([cells.loc[cells["status"] == "observed"], in_progress], ignore_index=True)
        seen = _ratios(seen.sort_values(["cohort", "group", "age"], kind="stable").reset_index(drop=True))
        in_progress = seen.loc[seen["status"] == "partial"].copy()
        in_progress["cohort"] = _label(pd.PeriodIndex(in_progress["cohort"]), by)
        in_progress = in_progress.loc[:, list(CELL_COLUMNS)].reset_index(drop=True)
    cohorts = _cohort_table(cells, sizes, by, min_customers)
    cells["cohort"] = _label(pd.PeriodIndex(cells["cohort"]), by)
    notes.append(Note("cohorts.note.first_cohort", {"cohort": str(cohorts["cohort"].iloc[0])}))
    small = int(cohorts["small"].sum())
    if small:
        notes.append(Note("cohorts.note.small", {"cohorts": small, "min": int(min_customers)}))
    model = getattr(getattr(clv, "model", None), "name", None) if clv is not None else None
    return CohortResult(by, split, cells.loc[:, list(CELL_COLUMNS)], cohorts, pd.Timestamp(last_day),
                        int(min_customers), has_profit, model, currency_of(orders), tuple(notes), in_progress)


def _ratios(cells: pd.DataFrame) -> pd.DataFrame:
    """Per-customer ratios and running sums from the additive columns (also after summing groups)."""
    n = cells["customers"].to_numpy(dtype=float)
    cells["retention"] = cells["repeat_customers"] / n
    cells["orders_per_customer"] = cells["orders"] / n
    cells["net_sales_per_customer"] = cells["net_sales"] / n
    cells["gross_profit_per_customer"] = cells["gross_profit"] / n
    g = cells.groupby(["cohort", "group"], sort=False, observed=True)
    cells["cum_net_sales_per_customer"] = g["net_sales"].cumsum() / n
    cells["cum_gross_profit_per_customer"] = g["gross_profit"].cumsum(skipna=False) / n
    return cells


def _cohort_table(cells: pd.DataFrame, sizes: pd.DataFrame, by: str, min_customers: int) -> pd.DataFrame:
    out = sizes.copy()
    out["start"] = pd.PeriodIndex(out["cohort"]).start_time
    out["small"] = out["customers"] < int(min_customers)
    obs = cells.loc[cells["status"] == "observed"].groupby(["cohort", "group"], observed=True).size()
    out["observed_ages"] = obs.reindex(pd.MultiIndex.from_frame(out[["cohort", "group"]]), fill_value=0
                                       ).to_numpy().astype("int64")
    at = cells.loc[cells["age"] == LTV_PERIODS[by] - 1].set_index(["cohort", "group"])
    key = pd.MultiIndex.from_frame(out[["cohort", "group"]])
    out["ltv"] = at["cum_gross_profit_per_customer"].reindex(key).to_numpy()
    out["ltv_projected"] = (at["status"].reindex(key) == "projected").to_numpy()
    out["cohort"] = _label(pd.PeriodIndex(out["cohort"]), by)
    return out.loc[:, list(COHORT_COLUMNS)]


def totals(result: CohortResult) -> pd.DataFrame:
    """The cells summed over the split's groups (one curve per cohort; ``group`` = ""). The additive
    columns add up exactly; ratios are recomputed."""
    cells = result.cells
    if result.split is None:
        return cells.copy()
    keys = ["cohort", "age"]
    first = cells.groupby(keys, sort=False)[["period_start", "period_end", "status"]].first()
    summed = cells.groupby(keys, sort=False)[["customers", *ADDITIVE]].sum(min_count=1)
    out = pd.concat([first, summed], axis=1).reset_index()
    out["group"] = ""
    if not result.has_profit:
        out["gross_profit"] = np.nan
    return _ratios(out).loc[:, list(CELL_COLUMNS)]


# ------------------------------------------------------------------------------------- projection
def _project(cells, lines, cust, clv, by, last_day, has_profit):
    """Projected cells (see :func:`build`), or ``(None, notes)`` when the model does not fit the data."""
    notes: list[Note] = []
    if pd.Timestamp(clv.calibration_end) != last_day:
        notes.append(Note("cohorts.note.model_other_end", {
            "model_end": clv.calibration_end.date().isoformat(), "last_day": last_day.date().isoformat()}))
        return None, notes
    fit, unit = clv.model, UNIT_DAYS[clv.model.time_unit]
    c = clv.customers.loc[:, ["customer_id", "frequency", "recency", "T", "predicted_avg_value"]]
    c = cust.merge(c, left_on="customer", right_on="customer_id", how="inner")
    x, t_x, T = (c[k].to_numpy(dtype=float) for k in ("frequency", "recency", "T"))
    c["alive"] = fit.p_alive(x, t_x, T)
    sales = lines.loc[lines["sale"], "value"].sum()
    net_ratio = float(lines["value"].sum() / sales) if sales > 0 else 1.0
    c["value"] = c["predicted_avg_value"].to_numpy(dtype=float) * net_ratio
    obs = cells.loc[cells["status"] == "observed"]
    oldest = int(obs["age"].max()) + 1 if len(obs) else 1
    horizon = min(max(oldest, LTV_PERIODS[by]), MAX_PROJECTED[by])
    # each cohort's ages from the period in progress (or the next) to the horizon
    pair = ["cohort", "group"]
    first_open = cells.loc[cells["status"] != "observed"].groupby(pair, observed=True)["age"].min()
    sizes = cells.groupby(["cohort", "group"], observed=True)["customers"].first()
    start_age = first_open.reindex(sizes.index)
    nxt = cells.groupby(["cohort", "group"], observed=True)["age"].max() + 1
    start_age = start_age.fillna(nxt).astype("int64")
    n_ages = np.maximum(horizon - start_age.to_numpy(), 0)
    if n_ages.sum() == 0:
        return None, notes
    frame = start_age.rename("start").reset_index()
    frame = frame.loc[frame.index.repeat(n_ages)].reset_index(drop=True)
    frame["age"] = frame["start"] + np.concatenate([np.arange(n) for n in n_ages if n])
    periods = pd.PeriodIndex(frame["cohort"]) + frame["age"].to_numpy()
    frame["period_start"] = periods.start_time
    frame["period_end"] = periods.end_time.normalize()
    window_start = frame["period_start"].where(frame["period_start"] > last_day,
                                               last_day + pd.Timedelta(days=1))
    frame["u"] = ((window_start - last_day).dt.days - 1) / unit
    frame["tau"] = ((frame["period_end"] - window_start).dt.days + 1) / unit
    # customers who already came back in the part of the running period that is observed
    running = frame.loc[frame["period_start"] <= last_day, ["cohort", "group", "age"]]
    repeat = lines.loc[lines["sale"] & (lines["day"] > lines["first_day"])]
    done = repeat.merge(running, on=["cohort", "group", "age"])
    c["came_back"] = c["customer"].isin(done["customer"].unique())
    # compress customers: everything below depends on (cohort, group, x, T) and the sums of alive terms
    c["alive_value"] = c["alive"] * c["value"]
    c["alive_open"] = c["alive"] * ~c["came_back"]
    pat = c.groupby(["cohort", "group", "frequency", "T"], observed=True).agg(
        alive=("alive", "sum"), alive_value=("alive_value", "sum"), alive_open=("alive_open", "sum")
    ).reset_index()
    pairs = frame.merge(pat, on=["cohort", "group"], how="inner")
    px, pT = pairs["frequency"].to_numpy(dtype=float), pairs["T"].to_numpy(dtype=float)
    u, tau = pairs["u"].to_numpy(dtype=float), pairs["tau"].to_numpy(dtype=float)
    e_gain = fit.expected_if_alive(u + tau, px, pT) - fit.expected_if_alive(u, px, pT)
    p_buy = fit.p_purchase_if_alive(u, tau, px, pT)
    running_row = (pairs["period_start"] <= last_day).to_numpy()
    pairs["exp_repeat"] = np.where(running_row, pairs["alive_open"], pairs["alive"]) * p_buy
    pairs["exp_orders"] = pairs["alive"].to_numpy() * e_gain
    pairs["exp_sales"] = pairs["alive_value"].to_numpy() * e_gain
    keys = ["cohort", "group", "age"]
    proj = pairs.groupby(keys, observed=True)[["exp_repeat", "exp_orders", "exp_sales"]].sum().reset_index()
    out = frame.loc[:, [*keys, "period_start", "period_end"]].merge(proj, on=keys, how="left").fillna(
        {"exp_repeat": 0.0, "exp_orders": 0.0, "exp_sales": 0.0})
    out["customers"] = sizes.reindex(pd.MultiIndex.from_frame(out[["cohort", "group"]])).to_numpy()
    seen = cells.loc[cells["status"] == "partial"].set_index(keys)
    key = pd.MultiIndex.from_frame(out[keys])
    for col in ADDITIVE:
        out[col] = seen[col].reindex(key).fillna(0.0).to_numpy() if col in seen else 0.0
    out["repeat_customers"] += out["exp_repeat"]
    out["orders"] += out["exp_orders"]
    out["net_sales"] += out["exp_sales"]
    if has_profit:
        cum = obs.groupby(["cohort", "group"], observed=True)[["net_sales", "gross_profit"]].sum()
        store = float(lines["profit"].sum() / lines["value"].sum()) if lines["value"].sum() > 0 else 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            margin = (cum["gross_profit"] / cum["net_sales"]).where(cum["net_sales"] > 0)
        m = margin.reindex(pd.MultiIndex.from_frame(out[["cohort", "group"]])).fillna(store).to_numpy()
        out["gross_profit"] += out["exp_sales"] * m
    else:
        out["gross_profit"] = np.nan
    out["status"] = "projected"
    notes.append(Note("cohorts.note.projected", {"model": fit.label}))
    return out.loc[:, [c for c in out.columns if not c.startswith("exp_")]], notes


# ------------------------------------------------------------------------------------ acquisition
def spend_by_period(frame: pd.DataFrame | None, by: str, date_col: str = "date") -> pd.Series:
    """Spend per cohort period (Period index): rows covering several days (``date`` .. ``date_end``)
    are spread evenly over their days."""
    if frame is None or not len(frame):
        return pd.Series(dtype=float)
    start = pd.to_datetime(frame[date_col]).dt.normalize()
    end = pd.to_datetime(frame["date_end"]).dt.normalize() if "date_end" in frame.columns else start
    end = end.fillna(start).where(end >= start, start)
    days = ((end - start).dt.days + 1).to_numpy()
    spend = frame["spend"].to_numpy(dtype=float, na_value=0.0)
    rep = np.repeat(np.arange(len(frame)), days)
    offset = np.concatenate([np.arange(d) for d in days]) if len(days) else np.zeros(0, dtype=int)
    day = start.to_numpy()[rep] + offset.astype("timedelta64[D]")
    per_day = spend[rep] / days[rep]
    periods = pd.PeriodIndex(pd.DatetimeIndex(day), freq=PERIODS[by])
    return pd.Series(per_day, index=periods).groupby(level=0).sum()


def check_other_spend(other: pd.DataFrame | None) -> pd.DataFrame | None:
    """Other marketing spend as entered by the seller: ``month`` (YYYY-MM or a date in the month),
    optional ``channel``, ``spend``. Rows without a month or spend are dropped. Returns rows with
    ``date``/``date_end`` covering the month, for :func:`spend_by_period`."""
    if other is None or not len(other):
        return None
    missing = [c for c in ("month", "spend") if c not in other.columns]
    if missing:
        raise DataError("err.cohorts.spend_columns", missing=", ".join(missing))
    month = pd.to_datetime(other["month"].astype("str"), errors="coerce", format="mixed")
    spend = pd.to_numeric(other["spend"], errors="coerce")
    ok = month.notna() & spend.notna()
    if not ok.any():
        return None
    start = month[ok].dt.to_period("M").dt.start_time
    out = pd.DataFrame({"date": start, "date_end": start + pd.offsets.MonthEnd(0), "spend": spend[ok]})
    if "channel" in other.columns:
        out["channel"] = other.loc[ok, "channel"].astype("str")
    return out.reset_index(drop=True)


def acquisition(result: CohortResult, ads: pd.DataFrame | None = None,
                other_spend: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per cohort (all groups together): ``cohort, customers, ad_spend, other_spend, spend, cac,
    ltv, ltv_projected, ltv_cac, payback_age, payback_projected`` (see the module docstring). ``ads``:
    the canonical ads table; ``other_spend``: :func:`check_other_spend` input. Empty when there is
    no spend at all."""
    other = check_other_spend(other_spend)
    ad = spend_by_period(ads, result.by)
    ot = spend_by_period(other, result.by)
    if ad.empty and ot.empty:
        return pd.DataFrame(columns=["cohort", "customers", "ad_spend", "other_spend", "spend", "cac", "ltv",
                                     "ltv_projected", "ltv_cac", "payback_age", "payback_projected"])
    cells = totals(result)
    size = cells.groupby("cohort", sort=False)["customers"].first()
    periods = pd.PeriodIndex(pd.to_datetime(cells.groupby("cohort", sort=False)["period_start"].first()),
                             freq=PERIODS[result.by])
    out = pd.DataFrame({"cohort": size.index, "customers": size.to_numpy()})
    out["ad_spend"] = ad.reindex(periods).fillna(0.0).to_numpy()
    out["other_spend"] = ot.reindex(periods).fillna(0.0).to_numpy()
    out["spend"] = out["ad_spend"] + out["other_spend"]
    out["cac"] = out["spend"] / out["customers"]
    at = cells.loc[cells["age"] == LTV_PERIODS[result.by] - 1].set_index("cohort")
    out["ltv"] = at["cum_gross_profit_per_customer"].reindex(out["cohort"]).to_numpy()
    out["ltv_projected"] = (at["status"].reindex(out["cohort"]) == "projected").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ltv_cac"] = np.where(out["cac"] > 0, out["ltv"] / out["cac"], np.nan)
    cac = cells["cohort"].map(out.set_index("cohort")["cac"])
    paid = cells.loc[(cells["cum_gross_profit_per_customer"] >= cac) & (cac > 0)]
    first = paid.groupby("cohort", sort=False).first()
    out["payback_age"] = first["age"].reindex(out["cohort"]).to_numpy(dtype=float)
    out["payback_projected"] = (first["status"].reindex(out["cohort"]) == "projected").to_numpy()
    return out
