"""What moved revenue: the change between two periods split into traffic, conversion, order value and
(when sales were converted from other currencies) exchange rates.

Revenue change (:func:`lmdi`): revenue = sessions x conversion x AOV, split with the additive
log-mean Divisia index (LMDI-I; Ang, "The LMDI approach to decomposition analysis: a practical
guide", Energy Policy 33, 2005, eq. 3): with L(a, b) = (a - b) / (ln a - ln b) and L(a, a) = a,
the effect of factor x is L(V1, V0) x ln(x1 / x0), and the three effects add up to V1 - V0 exactly
(up to floating-point rounding). Zeros follow Ang & Liu (2007, "Handling zero values in the
decomposition analysis", Energy Policy 35): the limit of the small-value strategy gives the whole
change to the factor that is zero.

Exchange-rate effect: when the orders were converted into the reporting currency
(:mod:`cbe_core.ingest.currency`), revenue V = sum over currencies c of O_c x r_c (O_c: revenue as sold,
r_c: its average rate over the period, V_c / O_c). With C = sum_c O_c x r_c^0, the revenue at the
*before* period's rates (a currency not sold before takes its own after-period rate, so it brings no
rate effect), the identity becomes V = sessions x conversion x (C / orders) x (V / C): the order value
is measured at constant rates and the last factor, ``fx`` = V / C, is the exchange-rate index (1 in the
before period). LMDI on the four factors still adds up exactly to V1 - V0; the ``fx`` effect is how much
of the change came from rates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._common import _in
from .breakdown import by_sku, by_source
from .kpi import kpis_for
from .store import Store


@dataclass(frozen=True)
class Decomposition:
    """Revenue change between two periods split into factor effects that add up to ``change``.

    ``factors`` is ``("sessions", "conversion", "aov")`` with traffic, else ``("orders", "aov")``,
    plus ``"fx"`` (exchange rates) when the orders were converted from other currencies; ``aov`` is then
    the order value at the before period's rates. ``by_sku`` / ``by_source``: one row per item with
    ``revenue_before``, ``revenue_after``, ``change`` and ``<factor>_effect`` columns plus
    ``unattributed`` (revenue recorded without any sessions, which no factor can explain); each row's
    effects add up to its change. ``rates`` (with ``fx``): per source currency ``currency,
    rate_before, rate_after`` (average reporting units per unit sold) and ``revenue_after_orig``.
    """

    before: tuple[pd.Timestamp, pd.Timestamp]
    after: tuple[pd.Timestamp, pd.Timestamp]
    revenue_before: float
    revenue_after: float
    factors: tuple[str, ...]
    effects: Mapping[str, float]
    by_sku: pd.DataFrame
    by_source: pd.DataFrame | None
    rates: pd.DataFrame | None = None

    @property
    def change(self) -> float:
        return self.revenue_after - self.revenue_before

    @property
    def change_pct(self) -> float | None:
        return self.change / self.revenue_before if self.revenue_before else None

    def effect_pct(self) -> dict[str, float | None]:
        """Each effect as a share of the revenue before ("traffic +3%, conversion -14%")."""
        return {k: (v / self.revenue_before if self.revenue_before else None)
                for k, v in self.effects.items()}


def log_mean(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """Logarithmic mean L(a, b) = (a - b) / (ln a - ln b), L(a, a) = a, 0 when either is <= 0."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    pos = (a > 0) & (b > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a - b) / (np.log(a) - np.log(b))
    out = np.where(pos & np.isclose(a, b, rtol=1e-12, atol=0.0), a, out)
    return np.where(pos, out, 0.0)


def lmdi(v0, v1, factors0: Mapping[str, object], factors1: Mapping[str, object]) -> dict[str, np.ndarray]:
    """Additive LMDI effects of each factor for V = prod(factors), vectorised over items.

    ``v0``/``v1`` are the values before/after (arrays or scalars); ``factors0``/``factors1`` map each
    factor name to its values. Returns ``{factor: effect}`` plus ``"unattributed"``: the change of items
    whose value is positive while a factor is zero (the identity does not hold for them, e.g. orders
    recorded without sessions). For every item the effects add up to ``v1 - v0``.

    Zeros (Ang & Liu 2007): when the item is zero before (or after), the whole change goes to the
    first factor that is zero in that period (entry or exit of that factor).
    """
    v0 = np.atleast_1d(np.asarray(v0, dtype=float))
    v1 = np.atleast_1d(np.asarray(v1, dtype=float))
    names = list(factors0)
    f0 = {k: np.broadcast_to(np.asarray(factors0[k], dtype=float), v0.shape) for k in names}
    f1 = {k: np.broadcast_to(np.asarray(factors1[k], dtype=float), v1.shape) for k in names}
    all_pos = (v0 > 0) & (v1 > 0)
    for k in names:
        all_pos &= (f0[k] > 0) & (f1[k] > 0)
    L = log_mean(v1, v0)
    effects: dict[str, np.ndarray] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in names:
            effects[k] = np.where(all_pos, L * np.log(f1[k] / f0[k]), 0.0)
    change = v1 - v0
    rest = ~all_pos & (change != 0)
    unattributed = np.zeros_like(change)
    if rest.any():
        assigned = np.zeros(change.shape, dtype=bool)
        # which period is the zero one: before when v0 == 0, else after
        zero_before = v0 <= 0
        for k in names:
            zk = np.where(zero_before, f0[k] <= 0, f1[k] <= 0)
            take = rest & ~assigned & zk
            effects[k] = np.where(take, change, effects[k])
            assigned |= take
        left = rest & ~assigned
        unattributed = np.where(left, change, 0.0)
    effects["unattributed"] = unattributed
    return effects


def _fx_index(v, cc):
    """V / C, the exchange-rate index (1 where there is nothing at constant rates)."""
    v, cc = np.asarray(v, dtype=float), np.asarray(cc, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(cc > 0, v / np.where(cc > 0, cc, 1.0), 1.0)


def _decompose_table(before: pd.DataFrame, after: pd.DataFrame, key: str, with_traffic: bool) -> pd.DataFrame:
    with_fx = "revenue_cc" in before.columns and "revenue_cc" in after.columns
    cols = ["revenue", "orders"] + (["sessions"] if with_traffic else [])
    cols += ["revenue_cc"] if with_fx else []
    b = before.set_index(key)[cols]
    a = after.set_index(key)[cols]
    m = b.add_suffix("_0").join(a.add_suffix("_1"), how="outer").astype("float64").fillna(0.0)
    v0, v1 = m["revenue_0"].to_numpy(), m["revenue_1"].to_numpy()
    base0 = m["revenue_cc_0"].to_numpy() if with_fx else v0  # the order value at constant rates
    base1 = m["revenue_cc_1"].to_numpy() if with_fx else v1
    with np.errstate(divide="ignore", invalid="ignore"):
        aov0 = np.where(m["orders_0"] > 0, base0 / m["orders_0"].to_numpy(), 0.0)
        aov1 = np.where(m["orders_1"] > 0, base1 / m["orders_1"].to_numpy(), 0.0)
        f0: dict[str, np.ndarray] = {}
        f1: dict[str, np.ndarray] = {}
        if with_traffic:
            s0, s1 = m["sessions_0"].to_numpy(), m["sessions_1"].to_numpy()
            f0.update(sessions=s0, conversion=np.where(s0 > 0, m["orders_0"].to_numpy() / s0, 0.0))
            f1.update(sessions=s1, conversion=np.where(s1 > 0, m["orders_1"].to_numpy() / s1, 0.0))
        else:
            f0["orders"], f1["orders"] = m["orders_0"].to_numpy(), m["orders_1"].to_numpy()
        f0["aov"], f1["aov"] = aov0, aov1
        if with_fx:
            f0["fx"], f1["fx"] = _fx_index(v0, base0), _fx_index(v1, base1)
        eff = lmdi(v0, v1, f0, f1)
        if with_traffic:
            # a positive value with zero sessions breaks the identity: report it as unattributed
            broken = ((v0 > 0) & (s0 <= 0)) | ((v1 > 0) & (s1 <= 0))
            if broken.any():
                for k in f0:
                    eff[k] = np.where(broken, 0.0, eff[k])
                eff["unattributed"] = np.where(broken, v1 - v0, eff["unattributed"])
    out = pd.DataFrame({key: m.index, "revenue_before": v0, "revenue_after": v1, "change": v1 - v0})
    for k, e in eff.items():
        out[f"{k}_effect" if k != "unattributed" else "unattributed"] = e
    return out.sort_values("change", key=np.abs, ascending=False, kind="stable").reset_index(drop=True)


def decompose(st: Store, before: tuple, after: tuple, *, known: Mapping | None = None) -> Decomposition:
    """Split the revenue change from period ``before`` to ``after`` (each ``(start, end)``) with LMDI,
    overall and per SKU and per source (see the module docstring). ``known`` maps
    ``(start, end, "kpis"|"sku"|"source")`` to results already computed for those periods."""
    b0, b1 = (pd.Timestamp(x) for x in before)
    a0, a1 = (pd.Timestamp(x) for x in after)
    known = dict(known or {})

    def get(p0, p1, what, make):
        if (p0, p1, what) not in known:
            known[(p0, p1, what)] = make()
        return known[(p0, p1, what)]

    kb = get(b0, b1, "kpis", lambda: kpis_for(st, b0, b1))
    ka = get(a0, a1, "kpis", lambda: kpis_for(st, a0, a1))
    with_traffic = (st.traffic is not None and kb.get("sessions") is not None
                    and ka.get("sessions") is not None)
    vb, va = kb.get("revenue") or 0.0, ka.get("revenue") or 0.0
    ob, oa = kb.get("orders") or 0.0, ka.get("orders") or 0.0
    rates = _period_rates(st, (b0, b1), (a0, a1))
    with_fx = rates is not None
    ccb, cca = (_at_rates(st, b0, b1, rates), _at_rates(st, a0, a1, rates)) if with_fx else (vb, va)
    fb: dict[str, float] = {}
    fa: dict[str, float] = {}
    if with_traffic:
        sb, sa = kb.get("sessions") or 0.0, ka.get("sessions") or 0.0
        fb.update(sessions=sb, conversion=ob / sb if sb else 0.0)
        fa.update(sessions=sa, conversion=oa / sa if sa else 0.0)
    else:
        fb["orders"], fa["orders"] = ob, oa
    fb["aov"], fa["aov"] = (ccb / ob if ob else 0.0), (cca / oa if oa else 0.0)
    if with_fx:
        fb["fx"], fa["fx"] = float(_fx_index(vb, ccb)), float(_fx_index(va, cca))
    e = lmdi(vb, va, fb, fa)
    factors = tuple(fb)
    effects = {k: float(e[k][0]) for k in factors}
    if float(e["unattributed"][0]):
        effects["unattributed"] = float(e["unattributed"][0])
    sk_b = get(b0, b1, "sku", lambda: by_sku(st, b0, b1))
    sk_a = get(a0, a1, "sku", lambda: by_sku(st, a0, a1))
    if not with_traffic:
        sk_b = sk_b.drop(columns="sessions")
        sk_a = sk_a.drop(columns="sessions")
    if with_fx:
        sk_b = sk_b.assign(revenue_cc=_per_key(sk_b["sku"], _at_rates(st, b0, b1, rates, "sku")))
        sk_a = sk_a.assign(revenue_cc=_per_key(sk_a["sku"], _at_rates(st, a0, a1, rates, "sku")))
    per_sku = _decompose_table(sk_b, sk_a, "sku", with_traffic)
    per_src = None
    if with_traffic:
        src_b = get(b0, b1, "source", lambda: by_source(st, b0, b1, sk_b))
        src_a = get(a0, a1, "source", lambda: by_source(st, a0, a1, sk_a))
        if src_b is not None and src_a is not None:
            if with_fx:  # the same attribution weights applied to the revenue at constant rates
                src_b = _with_cc(src_b, by_source(st, b0, b1, sk_b.assign(revenue=sk_b["revenue_cc"])))
                src_a = _with_cc(src_a, by_source(st, a0, a1, sk_a.assign(revenue=sk_a["revenue_cc"])))
            per_src = _decompose_table(src_b, src_a, "source", True)
    return Decomposition((b0, b1), (a0, a1), float(vb), float(va), factors, dict(effects), per_sku, per_src,
                         rates)


def _per_key(keys: pd.Series, values: pd.Series) -> np.ndarray:
    """``values`` looked up for each key, 0 where missing, always float64 (empty frames included)."""
    if not len(keys):
        return np.zeros(0)
    return np.nan_to_num(keys.map(values).to_numpy(dtype="float64", na_value=np.nan))


def _with_cc(src: pd.DataFrame, at_rates: pd.DataFrame | None) -> pd.DataFrame:
    cc = at_rates.set_index("source")["revenue"] if at_rates is not None else pd.Series(dtype="float64")
    return src.assign(revenue_cc=_per_key(src["source"], cc))


def _period_rates(st: Store, before: tuple, after: tuple) -> pd.DataFrame | None:
    """Average rate per source currency in each period (revenue / revenue as sold); ``rate`` is the
    before-period rate, or the after-period one for a currency not sold before. ``None`` when the
    orders were not converted (one currency: no rate effect)."""
    if st.fx is None or not len(st.fx):
        return None

    def avg(p0, p1):
        g = _in(st.fx, p0, p1).groupby("currency")[["revenue", "revenue_orig"]].sum()
        return (g["revenue"] / g["revenue_orig"]).where(g["revenue_orig"] > 0), g["revenue_orig"]

    rb, _ = avg(*before)
    ra, oa = avg(*after)
    out = pd.DataFrame({"rate_before": rb, "rate_after": ra}).rename_axis("currency")
    out["revenue_after_orig"] = oa.reindex(out.index).fillna(0.0)
    out["rate"] = out["rate_before"].fillna(out["rate_after"])
    return out.reset_index()


def _at_rates(st: Store, p0, p1, rates: pd.DataFrame, by: str | None = None):
    """Revenue of ``p0..p1`` at the fixed ``rates`` (total, or a Series per ``by``)."""
    f = _in(st.fx, p0, p1)
    r = f["currency"].map(rates.set_index("currency")["rate"]).fillna(0.0).to_numpy()
    cc = f["revenue_orig"].to_numpy() * r
    if by is None:
        return float(cc.sum())
    return pd.Series(cc, index=f.index).groupby(f[by].to_numpy()).sum()


def waterfall(dec: Decomposition) -> pd.DataFrame:
    """Steps of the revenue-change waterfall: ``step`` (before, each factor, after), ``start``,
    ``end``, ``amount`` (the step's size; before/after are totals from zero)."""
    steps = [("before", 0.0, dec.revenue_before, dec.revenue_before)]
    level = dec.revenue_before
    for k, v in dec.effects.items():
        steps.append((k, level, level + v, v))
        level += v
    steps.append(("after", 0.0, dec.revenue_after, dec.revenue_after))
    return pd.DataFrame(steps, columns=["step", "start", "end", "amount"])
