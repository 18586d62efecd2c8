"""Profit findings for the ranked list (:class:`cbe_core.diagnostics.Finding`, ranked by money at stake).

- ``sku_loses_money``: a SKU whose net profit after refunds, fees, cost of goods and ads is negative
  over the period. Money at stake = the loss (-net). The evidence gives its average price and its
  break-even price (see :mod:`.waterfall`).
- ``refunds_eat_sales``: refunds above ``refund_share`` of the SKU's gross sales (and worth at least
  ``min_refund_units`` average units, so one refund of a slow seller does not count). Money at stake
  = the refunds above that share.

Severity: high when the money is at least ``high_share`` of the store's gross sales over the period,
medium from ``medium_share`` (the thresholds of :data:`cbe_core.diagnostics.RULES`), else low; a SKU
losing money at a margin of ``loss_margin`` or worse is at least medium.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from ..diagnostics import RULES, Finding
from .waterfall import ProfitResult

PROFIT_RULES = MappingProxyType(
    {
        "refund_share": 0.10,  # refunds above this share of gross sales
        "min_refund_units": 3.0,  # ... and worth at least this many average units
        "loss_margin": -0.05,  # a loss at this margin or worse is at least medium severity
    }
)


def _severity(money: float, revenue: float) -> str:
    if revenue <= 0:
        return "low"
    share = money / revenue
    return "high" if share >= RULES["high_share"] else "medium" if share >= RULES["medium_share"] else "low"


def _f(x) -> float | None:
    return None if x is None or not np.isfinite(float(x)) else round(float(x), 2)


def profit_findings(res: ProfitResult, *, refund_share: float | None = None) -> list[Finding]:
    """Findings of one profit result, ranked by money at stake (largest first)."""
    share = PROFIT_RULES["refund_share"] if refund_share is None else float(refund_share)
    revenue = float(res.store["gross_sales"])
    out: list[Finding] = []
    for r in res.by_sku.to_dict("records"):
        if r["sku"] == "(store)":
            continue
        net = float(r["net"])
        if net < 0 and (r["gross_sales"] > 0 or r["ads"] > 0):
            be = _f(r["break_even_price"])
            sev = _severity(-net, revenue)
            if sev == "low" and np.isfinite(r["margin"]) and r["margin"] <= PROFIT_RULES["loss_margin"]:
                sev = "medium"  # selling at a clear loss is a decision, whatever its size
            out.append(
                Finding(
                    "sku_loses_money",
                    sev,
                    "sku",
                    str(r["sku"]),
                    {
                        "net": round(net, 2),
                        "gross_sales": round(float(r["gross_sales"]), 2),
                        "refunds": round(float(r["refunds"]), 2),
                        "ads": round(float(r["ads"]), 2),
                        "margin": _f(r["margin"]),
                        "avg_price": _f(r["avg_price"]),
                        "break_even_price": be if be is not None else "—",
                        "currency": res.currency,
                    },
                    -net,
                )
            )
        gross = float(r["gross_sales"])
        avg = r["avg_price"]
        if gross > 0 and np.isfinite(avg):
            excess = float(r["refunds"]) - share * gross
            if (
                r["refunds"] / gross > share
                and excess > 0
                and r["refunds"] >= PROFIT_RULES["min_refund_units"] * avg
            ):
                out.append(
                    Finding(
                        "refunds_eat_sales",
                        _severity(excess, revenue),
                        "sku",
                        str(r["sku"]),
                        {
                            "refund_rate": round(float(r["refunds"]) / gross, 4),
                            "threshold": share,
                            "refunds": round(float(r["refunds"]), 2),
                            "gross_sales": round(gross, 2),
                            "currency": res.currency,
                        },
                        excess,
                    )
                )
    out.sort(key=lambda f: (-f.money_at_stake, f.code, f.slice))
    return out
