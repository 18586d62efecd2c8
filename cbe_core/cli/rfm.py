"""``python -m cbe_core rfm FILE [FILE ...] [--as-of D] [--window-days N] [--segments ...]
[--out segments.xlsx] [--model auto|pareto|mbg|bgnbd] [--currency XXX] [--store-currency XXX] [--rates F]
[--json] [--lang en|zh]``: RFM segments of an orders file (several files are stacked) and the segment
lists in Excel.

Without ``--segments`` every segment with customers goes in the workbook. With ``--model`` the
workbook's customer rows also carry each customer's churn risk, expected next order and predicted
12-month spend from that customer-value model, fitted up to the analysis date. ``--json`` prints
``{"as_of", "window_days", "customers", "segments": {key: {"name", "customers", "share", "revenue"}},
"notes", "workbook", "currency"}`` (segments in rule order, empty ones included). Monetary values and
revenue are in the reporting ``currency`` (see :mod:`cbe_core.ingest.currency`); the workbook's money
headers carry it."""

from __future__ import annotations

import argparse
import json
import sys

from ._money import add_arguments, one_currency, read_many


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="+",
                        help="orders file (CSV or XLSX) with customer ids; several are stacked")
    parser.add_argument("--as-of",
                        help="analysis date YYYY-MM-DD, exclusive (default: the day after the last order)")
    parser.add_argument("--window-days", type=int, help="only orders in the last N days before --as-of")
    parser.add_argument("--segments", nargs="+", metavar="SEGMENT",
                        help="segment keys or names for the workbook (default: all), e.g. champions at_risk")
    parser.add_argument("--out", help="write the segment workbook (.xlsx) here")
    parser.add_argument("--model", choices=("auto", "pareto", "mbg", "bgnbd"),
                        help="add churn risk and next order from this customer-value model to the workbook")
    parser.add_argument("--json", action="store_true", help="print per-segment counts and revenue as JSON")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of text and workbook")
    add_arguments(parser)


def resolve_segments(wanted: list[str], keys: list[str], lang: str) -> list[str]:
    """Segment keys from keys or display names (either language), comma or space separated."""
    from cbe_core.errors import DataError
    from cbe_core.i18n import t

    lookup = {}
    for k in keys:
        lookup[k.lower()] = k
        for lg in ("en", "zh"):
            lookup[t(f"rfm.seg.{k}", lg).lower()] = k
    out, unknown = [], []
    for item in (p.strip() for w in wanted for p in w.split(",")):
        if not item:
            continue
        key = lookup.get(item.lower()) or lookup.get(item.lower().replace(" ", "_").replace("-", "_"))
        (out if key else unknown).append(key or item)
    if unknown:
        raise DataError("err.rfm.unknown_segments", unknown=", ".join(unknown), known=", ".join(keys))
    return list(dict.fromkeys(out))


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from cbe_core import export
    from cbe_core.customers import rfm
    from cbe_core.i18n import t

    conv = one_currency({"orders": read_many(args.file, "orders")}, args, args.lang)
    orders = conv.frames["orders"]
    result = rfm.analyse(orders, as_of=args.as_of, window_days=args.window_days)
    keys = list(result.segments["segment"])
    chosen = resolve_segments(args.segments, keys, args.lang) if args.segments else None
    if args.out:
        customers = result.customers
        if args.model:
            from cbe_core.customers import clv

            cal_end = (result.as_of - pd.Timedelta(days=1)).date().isoformat()
            fit = clv.fit(orders, cal_end, model=args.model)
            customers = clv.with_predictions(customers, fit.customers)
        export.segments_workbook(customers, chosen, lang=args.lang, path=args.out,
                                 currency=conv.reporting)
    notes = [t(n.key, args.lang, **n.params) for n in result.notes]
    if args.json:
        segs = {
            row.segment: {"name": t(f"rfm.seg.{row.segment}", args.lang), "customers": int(row.customers),
                          "share": round(float(row.share), 4), "revenue": round(float(row.revenue), 2)}
            for row in result.segments.itertuples(index=False)
        }
        print(json.dumps({"as_of": result.as_of.date().isoformat(), "window_days": result.window_days,
                          "customers": int(len(result.customers)), "segments": segs, "notes": notes,
                          "workbook": args.out, "currency": conv.reporting}, ensure_ascii=False, indent=1))
        return 0
    print(t("rfm.cli.header", args.lang, as_of=result.as_of.date().isoformat(),
            customers=f"{len(result.customers):,}"))
    print("  " + t("fx.money_in", args.lang, currency=conv.reporting))
    width = max(len(t(f"rfm.seg.{k}", args.lang)) for k in keys) + 2
    for row in result.segments.itertuples(index=False):
        name = t(f"rfm.seg.{row.segment}", args.lang)
        print(f"  {name:<{width}} {int(row.customers):>8,} {row.share:>7.1%} {row.revenue:>14,.2f}")
    for line in notes:
        print(line, file=sys.stderr)
    if args.out:
        print(t("rfm.cli.written", args.lang, path=args.out))
    return 0
