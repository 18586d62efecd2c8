"""What moved revenue: the change between two periods split into traffic, conversion and order value.

Revenue change (:func:`lmdi`): revenue = sessions x conversion x AOV, split with the additive
log-mean Divisia index (LMDI-I; Ang, "The LMDI approach to decomposition analysis: a practical
guide", Energy Policy 33, 2005, eq. 3): with L(a, b) = (a - b) / (ln a - ln b) and L(a, a) = a,
the effect of factor x is L(V1, V0) x ln(x1 / x0), and the three effects add up to V1 - V0 exactly
(up to floating-point rounding). Zeros follow Ang & Liu (2007, "Handling zero values in the
decomposition analysis", Energy Policy 35): the limit of the small-value strategy gives the whole
change to the factor that is zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .breakdown import by_sku, by_source
from .kpi import kpis_for
from .store import Store


@dataclass(frozen=True)
class Decomposition:
    """Revenue change between two periods split into factor effects that add up to ``change``.

    ``factors`` is ``("sessions", "conversion", "aov")`` with traffic, else ``("orders", "aov")``.
    ``by_sku`` / ``by_source``: one row per item with ``revenue_before``, ``revenue_after``,
    ``change`` and ``<factor>_effect`` columns plus ``unattributed`` (revenue recorded without any
    sessions, which no factor can explain); each row's effects add up to its change.
    """

    before: tuple[pd.Timestamp, pd.Timestamp]
    after: tuple[pd.Timestamp, pd.Timestamp]
    revenue_before: float
    revenue_after: float
    factors: tuple[str, ...]
    effects: Mapping[str, float]
    by_sku: pd.DataFrame
    by_source: pd.DataFrame | None

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


def _decompose_table(before: pd.DataFrame, after: pd.DataFrame, key: str, with_traffic: bool) -> pd.DataFrame:
    cols = ["revenue", "orders"] + (["sessions"] if with_traffic else [])
    b = before.set_index(key)[cols]
    a = after.set_index(key)[cols]
    m = b.add_suffix("_0").join(a.add_suffix("_1"), how="outer").fillna(0.0)
    v0, v1 = m["revenue_0"].to_numpy(), m["revenue_1"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        aov0 = np.where(m["orders_0"] > 0, v0 / m["orders_0"].to_numpy(), 0.0)
        aov1 = np.where(m["orders_1"] > 0, v1 / m["orders_1"].to_numpy(), 0.0)
        if with_traffic:
            s0, s1 = m["sessions_0"].to_numpy(), m["sessions_1"].to_numpy()
            c0 = np.where(s0 > 0, m["orders_0"].to_numpy() / s0, 0.0)
            c1 = np.where(s1 > 0, m["orders_1"].to_numpy() / s1, 0.0)
            eff = lmdi(v0, v1, {"sessions": s0, "conversion": c0, "aov": aov0},
                       {"sessions": s1, "conversion": c1, "aov": aov1})
            # a positive value with zero sessions breaks the identity: report it as unattributed
            broken = ((v0 > 0) & (s0 <= 0)) | ((v1 > 0) & (s1 <= 0))
            if broken.any():
                for k in ("sessions", "conversion", "aov"):
                    eff[k] = np.where(broken, 0.0, eff[k])
                eff["unattributed"] = np.where(broken, v1 - v0, eff["unattributed"])
        else:
            eff = lmdi(v0, v1, {"orders": m["orders_0"].to_numpy(), "aov": aov0},
                       {"orders": m["orders_1"].to_numpy(), "aov": aov1})
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
    aovb, aova = (vb / ob if ob else 0.0), (va / oa if oa else 0.0)
    if with_traffic:
        sb, sa = kb.get("sessions") or 0.0, ka.get("sessions") or 0.0
        cb, ca = (ob / sb if sb else 0.0), (oa / sa if sa else 0.0)
        e = lmdi(vb, va, {"sessions": sb, "conversion": cb, "aov": aovb},
                 {"sessions": sa, "conversion": ca, "aov": aova})
        factors = ("sessions", "conversion", "aov")
    else:
        e = lmdi(vb, va, {"orders": ob, "aov": aovb}, {"orders": oa, "aov": aova})
        factors = ("orders", "aov")
    effects = {k: float(e[k][0]) for k in factors}
    if float(e["unattributed"][0]):
        effects["unattributed"] = float(e["unattributed"][0])
    sk_b = get(b0, b1, "sku", lambda: by_sku(st, b0, b1))
    sk_a = get(a0, a1, "sku", lambda: by_sku(st, a0, a1))
    if not with_traffic:
        sk_b = sk_b.drop(columns="sessions")
        sk_a = sk_a.drop(columns="sessions")
    per_sku = _decompose_table(sk_b, sk_a, "sku", with_traffic)
    per_src = None
    if with_traffic:
        src_b = get(b0, b1, "source", lambda: by_source(st, b0, b1, sk_b))
        src_a = get(a0, a1, "source", lambda: by_source(st, a0, a1, sk_a))
        if src_b is not None and src_a is not None:
            per_src = _decompose_table(src_b, src_a, "source", True)
    return Decomposition((b0, b1), (a0, a1), float(vb), float(va), factors, dict(effects), per_sku, per_src)


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
