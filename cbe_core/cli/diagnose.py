"""``python -m cbe_core diagnose --orders F [--orders F2 ...] [--traffic F --ads F --products F]
[--from D --to D] [--compare previous|last_year] [--slice DIM=VALUE] [--sensitivity low|medium|high]
[--currency XXX] [--store-currency XXX] [--rates F] [--json] [--lang]``.

Prints the KPIs (with the change against the comparison period) and the findings ranked by money at
stake. ``--json`` prints ``{"kpis": {"start", "end", "values", "not_available", "previous",
"last_year"}, "findings": [{"code", "severity", "dimension", "slice", "evidence", "money_at_stake",
"message", "action"}], "decomposition": {..., "rates"}, "notes": [...], "currency"}``.

Several ``--orders`` (or ``--ads``) files are stacked (the Amazon US and DE reports of one store). Every
amount is converted into the reporting ``currency`` at the ECB rate of its date (see
:mod:`cbe_core.ingest.currency`); the decomposition then has an ``fx`` effect and ``rates`` (average
rate per source currency before and after; ``null`` with one currency). Lines without a rate are left
out of the money totals and said so on stderr.

Traffic or ads reports without a date column (Amazon's "Detail Page Sales and Traffic By Child
Item") take their period from ``--from``/``--to``; dated files are read whole, so the comparison
periods and the anomaly history stay available.
"""

from __future__ import annotations

import argparse
import json
import sys

from ._money import add_arguments, one_currency, read_many


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--orders", required=True, action="append",
                        help="orders file (CSV, TSV or XLSX); repeat for several marketplaces")
    parser.add_argument("--traffic", action="append",
                        help="traffic file: sessions by day/SKU/source, or an Amazon business report")
    parser.add_argument("--ads", action="append", help="ads file: campaign or advertised-product report")
    parser.add_argument("--products", help="products file with category and unit cost")
    parser.add_argument("--from", dest="start", help="first day YYYY-MM-DD (default: first order)")
    parser.add_argument("--to", dest="end", help="last day YYYY-MM-DD (default: last order)")
    parser.add_argument("--compare", choices=("previous", "last_year"), default="previous",
                        help="what the revenue change is explained against")
    parser.add_argument("--slice", help="DIM=VALUE with DIM one of sku, category, country, channel, source")
    parser.add_argument("--sensitivity", choices=("low", "medium", "high"), default="medium",
                        help="anomaly sensitivity")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the text")
    add_arguments(parser)


def _date(value: str | None):
    if value is None:
        return None
    import pandas as pd

    from cbe_core.errors import DataError

    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        raise DataError("err.diag.bad_date", value=value) from None


def run(args: argparse.Namespace) -> int:
    from cbe_core import diagnostics as dg
    from cbe_core.errors import DataError
    from cbe_core.i18n import t

    start, end = _date(args.start), _date(args.end)
    period = (start.date(), end.date()) if start is not None and end is not None else None
    slice_dim = slice_value = None
    if args.slice:
        if "=" not in args.slice:
            raise DataError("err.diag.slice_dim", dim=args.slice, dims=", ".join(dg.SLICE_DIMS))
        slice_dim, slice_value = (p.strip() for p in args.slice.split("=", 1))
    lang = args.lang
    frames = {"orders": read_many(args.orders, "orders"),
              "traffic": read_many(args.traffic, "traffic", period) if args.traffic else None,
              "ads": read_many(args.ads, "ads", period) if args.ads else None,
              "products": read_many(args.products, "products") if args.products else None}
    conv = one_currency(frames, args, lang)
    orders, traffic, ads, products = (conv.frames.get(n) for n in ("orders", "traffic", "ads", "products"))
    res = dg.run_all(orders, traffic, ads, products, start=start, end=end, compare_to=args.compare,
                     slice_dim=slice_dim, slice_value=slice_value, sensitivity=args.sensitivity)
    if args.json:
        k = dg.kpis_json(res.kpis)
        k["previous"] = dg.kpis_json(res.previous)["values"]
        k["last_year"] = dg.kpis_json(res.last_year)["values"]
        dec = res.decomposition
        payload = {
            "kpis": k,
            "findings": [f.to_dict(lang) for f in res.findings],
            "decomposition": {
                "before": [d.strftime("%Y-%m-%d") for d in dec.before],
                "after": [d.strftime("%Y-%m-%d") for d in dec.after],
                "revenue_before": dec.revenue_before, "revenue_after": dec.revenue_after,
                "change": dec.change, "effects": dict(dec.effects),
                "rates": None if dec.rates is None else [
                    {k: (round(v, 6) if isinstance(v, float) else v) for k, v in row.items()}
                    for row in dec.rates.drop(columns="rate").to_dict("records")],
            },
            "notes": [t(n, lang) for n in res.notes],
            "currency": conv.reporting,
        }
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, allow_nan=False, default=str)
        print()
        return 0
    out = sys.stdout
    print(t("diag.cli.kpis", lang, start=res.start.strftime("%Y-%m-%d"), end=res.end.strftime("%Y-%m-%d")),
          file=out)
    comp = res.comparison.set_index("kpi")
    for name in dg.KPI_ORDER:
        label = t(f"diag.kpi.{name}", lang)
        v = res.kpis.get(name)
        if v is None:
            reason = t(res.kpis.reasons.get(name, "diag.na.no_data"), lang)
            print(f"  {label}: {t('common.not_available', lang)} ({reason})", file=out)
            continue
        if name in dg.RATIO_KPIS:
            text = f"{v * 100:.2f}%"
        elif name in ("orders", "units", "sessions", "page_views", "customers"):
            text = f"{v:,.0f}"
        else:
            text = f"{v:,.2f}" + (f" {conv.reporting}" if name in dg.MONEY_KPIS else "")
        ch = comp.loc[name, "change_pct"]
        delta = f"  ({ch * 100:+.1f}%)" if ch == ch else ""
        print(f"  {label}: {text}{delta}", file=out)
    print("", file=out)
    print(t("diag.cli.findings", lang), file=out)
    if not res.findings:
        print("  " + t("diag.cli.none", lang), file=out)
    for i, f in enumerate(res.findings, 1):
        sev = t(f"diag.sev.{f.severity}", lang)
        print(f"  {i}. [{sev}] {f.code} {f.slice}: {f.message(lang)}", file=out)
        print(f"     -> {f.action(lang)}", file=out)
    for n in res.notes:
        print("* " + t(n, lang), file=out)
    return 0
