"""``python -m cbe_core clv ORDERS [ORDERS ...] --calibration-end D [--holdout-end D] [--time-unit
week|day] [--currency XXX] [--store-currency XXX] [--rates F] [--json] [--lang en|zh]``: fit BG/NBD +
Gamma-Gamma on the orders up to the calibration end (inclusive; customers whose first order is later are
left out) and check the holdout.

``--json`` prints exactly ``{"bgnbd": {"r", "alpha", "a", "b", "time_unit"}, "gamma_gamma": {"p", "q",
"v"}, "holdout": {"customers", "predicted_repeat_purchases", "actual_repeat_purchases"}, "currency"}``;
holdout figures sum over the calibration customers from the calibration end to the holdout end (``null``
without ``--holdout-end``; ``gamma_gamma`` is ``null`` when too few repeat buyers to fit it). Spend is
in the reporting ``currency`` (Gamma-Gamma's ``v`` scales with it). Notes go to stderr."""

from __future__ import annotations

import argparse
import json
import sys

from ._money import add_arguments, one_currency, read_many


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("orders", nargs="+",
                        help="orders file (CSV or XLSX) with customer ids; several are stacked")
    parser.add_argument("--calibration-end", required=True,
                        help="last day of the calibration period, YYYY-MM-DD")
    parser.add_argument("--holdout-end", help="last day of the holdout period, YYYY-MM-DD")
    parser.add_argument("--time-unit", choices=("week", "day"), default="week")
    parser.add_argument("--json", action="store_true", help="print the fit as JSON")
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from cbe_core.customers import clv
    from cbe_core.i18n import t

    conv = one_currency({"orders": read_many(args.orders, "orders")}, args, args.lang)
    orders = conv.frames["orders"]
    res = clv.fit(orders, args.calibration_end, args.holdout_end, time_unit=args.time_unit)
    bg = {k: (round(v, 6) if isinstance(v, float) else v) for k, v in res.bgnbd.params().items()}
    gg = None if res.gamma_gamma is None else {k: round(v, 6) for k, v in res.gamma_gamma.params().items()}
    for note in res.notes:
        print(t(note.key, args.lang, **note.params), file=sys.stderr)
    if args.json:
        print(json.dumps({"bgnbd": bg, "gamma_gamma": gg, "holdout": res.holdout, "currency": conv.reporting},
                         indent=1))
        return 0
    print(t("clv.cli.bgnbd", args.lang, r=f"{bg['r']:.4g}", alpha=f"{bg['alpha']:.4g}", a=f"{bg['a']:.4g}",
            b=f"{bg['b']:.4g}", unit=t(f"clv.unit.{bg['time_unit']}", args.lang),
            customers=res.bgnbd.customers))
    if gg:
        print(t("clv.cli.gg", args.lang, p=f"{gg['p']:.4g}", q=f"{gg['q']:.4g}", v=f"{gg['v']:.4g}",
                customers=res.gamma_gamma.customers))
    if res.holdout:
        h = res.holdout
        print(t("clv.cli.holdout", args.lang, customers=h["customers"],
                predicted=f"{h['predicted_repeat_purchases']:,.1f}",
                actual=f"{h['actual_repeat_purchases']:,}"))
    return 0
