"""``python -m cbe_core quote --weight-kg W --dims LxWxH --value V --dest CC [--promise-days D]
[--units-per-month N] [--rate-cards F] [--json] [--lang en|zh]``: every way to ship one parcel.

``--json`` prints ``{"options": [{"service", "mode", "feasible", "reason", "chargeable_weight_kg",
"cost_breakdown": {...}, "expected_cost_per_order", "landed_cost", "p50_days", "p90_days",
"on_time_probability"}, ...], "recommendation": {"cheapest", "fastest", "best_value"}}``. An option
that cannot carry the parcel has ``feasible: false``, a ``reason`` and ``null`` costs. Money in USD,
duties and VAT are estimates (the notes go to stderr)."""

from __future__ import annotations

import argparse
import json
import math
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--weight-kg", type=float, required=True, help="actual weight of the parcel (kg)")
    parser.add_argument("--dims", required=True, help="L x W x H in cm, e.g. 30x20x10")
    parser.add_argument("--value", type=float, required=True, help="goods value per order (USD)")
    parser.add_argument("--dest", required=True, help="destination country code (US, DE, GB, JP)")
    parser.add_argument(
        "--promise-days", type=float, default=10.0, help="delivery promise in days (default 10)"
    )
    parser.add_argument("--units-per-month", type=float, default=300.0, help="monthly volume (default 300)")
    parser.add_argument("--rate-cards", help="your own rate cards (CSV/XLSX, canonical rate_cards table)")
    parser.add_argument("--date", help="quote date YYYY-MM-DD for duty rules and fees (default today)")
    parser.add_argument(
        "--late-cost", type=float, default=2.0, help="cost of one late order (USD, default 2)"
    )
    parser.add_argument(
        "--duty-rate",
        type=float,
        default=0.0,
        help="your product's base duty rate as a fraction (MFN + Section 301), default 0",
    )
    parser.add_argument("--preference", type=float, default=0.5, help="0 = speed only ... 1 = cost only")
    parser.add_argument(
        "--min-on-time", type=float, default=0.0, help="only options at least this on time (0-1)"
    )
    parser.add_argument(
        "--cost-cap", type=float, default=math.inf, help="only options at most this cost per order"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of text")


def _num(x, digits=4):
    return None if x is None or not math.isfinite(float(x)) else round(float(x), digits)


def run(args: argparse.Namespace) -> int:
    from cbe_core import logistics as lg
    from cbe_core.i18n import t

    cards = None
    if args.rate_cards:
        from pathlib import Path

        from cbe_core.ingest import read_table

        cards, _report = read_table(args.rate_cards, "rate_cards", filename=Path(args.rate_cards).name)
    q = lg.quote(
        args.weight_kg,
        args.dims,
        args.value,
        args.dest,
        cards=cards,
        promise_days=args.promise_days,
        units_per_month=args.units_per_month,
        on=args.date,
        late_cost=args.late_cost,
        base_duty_rate=args.duty_rate,
        preference=args.preference,
        min_on_time=args.min_on_time,
        cost_cap=args.cost_cap,
    )
    lang = args.lang
    options = []
    for r in q.options.to_dict("records"):
        ok = bool(r["feasible"])
        options.append(
            {
                "service": r["service"],
                "mode": r["mode"],
                "feasible": ok,
                "reason": lg.describe_reason(r["reason"], r["reason_actual"], r["reason_limit"], lang)
                or None,
                "chargeable_weight_kg": _num(r["chargeable_weight_kg"]),
                "cost_breakdown": {c: _num(r[c]) for c in (*lg.COST_COLUMNS, "vat")} if ok else None,
                "expected_cost_per_order": _num(r["expected_cost_per_order"]) if ok else None,
                "landed_cost": _num(r["landed_cost"]) if ok else None,
                "p50_days": _num(r["p50_days"], 2),
                "p90_days": _num(r["p90_days"], 2),
                "on_time_probability": _num(r["on_time_probability"]),
            }
        )
    notes = [t(n, lang) for n in q.notes]
    if args.json:
        print(
            json.dumps({"options": options, "recommendation": q.recommendation}, ensure_ascii=False, indent=1)
        )
        for line in notes:
            print(line, file=sys.stderr)
        return 0
    print(
        t(
            "logi.cli.header",
            lang,
            dest=q.params.dest,
            weight=args.weight_kg,
            dims=args.dims,
            value=args.value,
            days=args.promise_days,
            date=q.params.on.date().isoformat(),
        )
    )
    head = [
        t(k, lang)
        for k in (
            "logi.col.service",
            "logi.col.chargeable",
            "logi.col.cost",
            "logi.col.expected",
            "logi.col.landed",
            "logi.col.p50",
            "logi.col.p90",
            "logi.col.on_time",
        )
    ]
    width = max(len(o["service"]) for o in options) + 2
    print(f"{head[0]:<{width}}" + "".join(f"{h:>12}" for h in head[1:]))
    for o, r in zip(options, q.options.to_dict("records")):
        if not o["feasible"]:
            print(f"{o['service']:<{width}}  {o['reason']}")
            continue
        print(
            f"{o['service']:<{width}}{o['chargeable_weight_kg']:>12.2f}{r['cost_per_order']:>12.2f}"
            f"{o['expected_cost_per_order']:>12.2f}{o['landed_cost']:>12.2f}{o['p50_days']:>12.1f}"
            f"{o['p90_days']:>12.1f}{o['on_time_probability']:>12.1%}"
        )
        parts = [f"{t('logi.cost.' + k, lang)} {v:.2f}" for k, v in o["cost_breakdown"].items() if v]
        print(" " * 4 + " · ".join(parts))
    rec = q.recommendation
    for key in ("cheapest", "fastest", "best_value"):
        print(f"{t('logi.rec.' + key, lang)}: {rec[key] or t('logi.rec.none', lang)}")
    for line in notes:
        print(line, file=sys.stderr)
    return 0
