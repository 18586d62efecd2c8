"""``python -m cbe_core clv ORDERS [ORDERS ...] --calibration-end D [--holdout-end D] [--time-unit
week|day] [--model pareto|mbg|bgnbd|auto] [--currency XXX] [--store-currency XXX] [--rates F] [--json]
[--lang en|zh]``: fit a purchase model + Gamma-Gamma on the orders up to the calibration end (inclusive;
customers whose first order is later are left out) and check the holdout. Several order files are stacked
and converted to one reporting currency.

Without ``--model`` the command fits BG/NBD and ``--json`` prints exactly ``{"bgnbd": {"r", "alpha",
"a", "b", "time_unit"}, "gamma_gamma": {"p", "q", "v"}, "holdout": {"customers",
"predicted_repeat_purchases", "actual_repeat_purchases"}, "currency"}`` (the shape scripts written before
the other models rely on). With ``--model`` the JSON also has ``"model"``: the name of the model used,
whose parameters are under that name (``"pareto": {"r", "alpha", "s", "beta", "time_unit"}``,
``"mbg"`` or ``"bgnbd": {"r", "alpha", "a", "b", "time_unit"}``), and with ``auto`` ``"selection":
{"chosen", "reason", "calibration_end", "holdout_end", "models": [{"model", "log_likelihood",
"predicted", "actual", "total_error", "rmse", "eligible", "chosen"}]}`` (see
:mod:`cbe_core.customers.models`: chosen on the given holdout, or on the last part of the calibration
period without one). Holdout figures sum over the calibration customers from the calibration end to
the holdout end (``null`` without ``--holdout-end``; ``gamma_gamma`` is ``null`` when too few repeat
buyers to fit it). Spend is in the reporting ``currency`` (Gamma-Gamma's ``v`` scales with it). Notes go
to stderr."""

from __future__ import annotations

import argparse
import json
import math
import sys

from ._money import add_arguments, one_currency, read_many


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("orders", nargs="+",
                        help="orders file (CSV or XLSX) with customer ids; several are stacked")
    parser.add_argument("--calibration-end", required=True,
                        help="last day of the calibration period, YYYY-MM-DD")
    parser.add_argument("--holdout-end", help="last day of the holdout period, YYYY-MM-DD")
    parser.add_argument("--time-unit", choices=("week", "day"), default="week")
    parser.add_argument("--model", choices=("pareto", "mbg", "bgnbd", "auto"),
                        help="purchase model; auto picks Pareto/NBD or MBG/NBD by holdout error "
                             "(default: BG/NBD with the original JSON shape)")
    parser.add_argument("--json", action="store_true", help="print the fit as JSON")
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    add_arguments(parser)


def _round(v):
    return round(v, 6) if isinstance(v, float) else v


def _selection(choice, lang: str) -> dict:
    from cbe_core.i18n import t

    def plain(k, v):
        if k in ("eligible", "chosen"):
            return bool(v)
        if isinstance(v, float):
            return None if math.isnan(v) else round(v, 4)
        return v

    records = choice.table.to_dict("records")
    rows = [{k: plain(k, v) for k, v in r.items() if k != "converged"} for r in records]
    return {"chosen": choice.chosen, "reason": t(choice.reason.key, lang, **choice.reason.params),
            "calibration_end": choice.calibration_end.date().isoformat(),
            "holdout_end": None if choice.holdout_end is None else choice.holdout_end.date().isoformat(),
            "models": rows}


def run(args: argparse.Namespace) -> int:
    from cbe_core.customers import clv
    from cbe_core.i18n import t

    conv = one_currency({"orders": read_many(args.orders, "orders")}, args, args.lang)
    orders = conv.frames["orders"]
    res = clv.fit(orders, args.calibration_end, args.holdout_end, time_unit=args.time_unit,
                  model=args.model or "bgnbd")
    m = res.model
    params = {k: _round(v) for k, v in m.params().items()}
    gg = None if res.gamma_gamma is None else {k: round(v, 6) for k, v in res.gamma_gamma.params().items()}
    for note in res.notes:
        print(t(note.key, args.lang, **note.params), file=sys.stderr)
    if args.json:
        out = {m.name: params, "gamma_gamma": gg, "holdout": res.holdout}
        if args.model:
            out = {"model": m.name, **out}
            if res.selection is not None:
                out["selection"] = _selection(res.selection, args.lang)
        out["currency"] = conv.reporting
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    if res.selection is not None:
        print(t(res.selection.reason.key, args.lang, **res.selection.reason.params))
    if m.name == "bgnbd":
        print(t("clv.cli.bgnbd", args.lang, r=f"{params['r']:.4g}", alpha=f"{params['alpha']:.4g}",
                a=f"{params['a']:.4g}", b=f"{params['b']:.4g}", unit=t(f"clv.unit.{m.time_unit}", args.lang),
                customers=m.customers))
    else:
        text = ", ".join(f"{k}={v:.4g}" for k, v in params.items() if k != "time_unit")
        print(t("clv.cli.model", args.lang, model=m.label, params=text,
                unit=t(f"clv.unit.{m.time_unit}", args.lang), customers=m.customers))
    if gg:
        print(t("clv.cli.gg", args.lang, p=f"{gg['p']:.4g}", q=f"{gg['q']:.4g}", v=f"{gg['v']:.4g}",
                customers=res.gamma_gamma.customers))
    if res.holdout:
        h = res.holdout
        print(t("clv.cli.holdout", args.lang, customers=h["customers"],
                predicted=f"{h['predicted_repeat_purchases']:,.1f}",
                actual=f"{h['actual_repeat_purchases']:,}"))
    return 0
