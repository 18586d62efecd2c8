"""Which way to ship: the cost/time Pareto front and the recommendation, the cheapest mix of services
that meets an on-time target (linear program), and a Monte Carlo month of orders under a mix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataError
from ._common import STOCK_MODES


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
