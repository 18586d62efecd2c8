"""``python -m cbe_core restock --orders F --inventory F [--products F] [--rate-cards F] [--as-of D]
[--dest CC] [--service-level P] [--cover-days N] [--overstock-days N] [--production-days N] [--json]
[--lang en|zh]``: the restock plan for every SKU of the inventory.

``--json`` prints ``{"as_of", "currency", "route", "top_up_route", "params", "skus": [{sku, on_hand,
inbound, daily_demand, days_of_cover, stockout_date, reorder_date, reorder_qty, overstock_units,
status, ...}], "findings": [...], "notes": [...]}`` (``days_of_cover`` and ``stockout_date`` are
``null`` when the stock lasts beyond the forecast horizon of a year).
"""

from __future__ import annotations

import argparse
import json
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--orders", required=True, help="orders file (CSV, TSV or XLSX)")
    parser.add_argument("--inventory", required=True, help="inventory file (stock per SKU and warehouse)")
    parser.add_argument("--products", help="products file (category, unit cost, weight and dimensions)")
    parser.add_argument("--rate-cards", help="your own rate cards (default: the bundled ones)")
    parser.add_argument("--as-of", help="plan date YYYY-MM-DD (default: the latest inventory snapshot)")
    parser.add_argument("--dest", default="US", help="market of the stock (default US)")
    parser.add_argument("--route", help="main inbound route (rate-card service; default the sea route)")
    parser.add_argument(
        "--service-level", type=float, default=0.95, help="cycle service level (default 0.95)"
    )
    parser.add_argument("--cover-days", type=float, default=60.0, help="an order covers this many days")
    parser.add_argument(
        "--overstock-days",
        type=float,
        default=180.0,
        help="stock not sold within this many days is overstock (default 180)",
    )
    parser.add_argument("--production-days", type=float, default=0.0, help="production time (default 0)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the text")


def run(args: argparse.Namespace) -> int:
    from cbe_core import logistics as lg
    from cbe_core.i18n import t
    from cbe_core.ingest import read_table

    orders = read_table(args.orders, "orders")[0]
    inventory = read_table(args.inventory, "inventory")[0]
    products = read_table(args.products, "products")[0] if args.products else None
    cards = read_table(args.rate_cards, "rate_cards")[0] if args.rate_cards else None
    res = lg.restock_plan(
        orders,
        inventory,
        products=products,
        as_of=args.as_of,
        cards=cards,
        dest=args.dest,
        route=args.route,
        service_level=args.service_level,
        cover_days=args.cover_days,
        overstock_days=args.overstock_days,
        production_days=args.production_days,
    )
    findings = lg.restock_findings(res)
    lang = args.lang
    if args.json:
        payload = res.to_json(lang)
        payload["findings"] = [f.to_dict(lang) for f in findings]
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1, allow_nan=False)
        print()
        return 0
    print(
        t(
            "restock.cli.header",
            lang,
            as_of=res.as_of.strftime("%Y-%m-%d"),
            route=res.route.service,
            lead=f"{res.plan['lead_days'].iloc[0]:.0f}" if len(res.plan) else "-",
        )
    )
    heads = (
        "sku",
        "status",
        "position",
        "daily_demand",
        "days_of_cover",
        "stockout_date",
        "reorder_date",
        "reorder_qty",
        "overstock_units",
    )
    print("  " + " | ".join(t(f"restock.col.{h}", lang) for h in heads))
    for r in res.plan.itertuples(index=False):
        cover = (
            "-"
            if r.days_of_cover != r.days_of_cover or r.days_of_cover == float("inf")
            else f"{r.days_of_cover:.0f}"
        )
        so = (
            "-"
            if r.stockout_date is None or r.stockout_date != r.stockout_date
            else r.stockout_date.strftime("%Y-%m-%d")
        )
        ro = "-" if r.reorder_date != r.reorder_date else r.reorder_date.strftime("%Y-%m-%d")
        print(
            f"  {r.sku} | {t(f'restock.status.{r.status}', lang)} | {r.position} | {r.daily_demand:.2f} | "
            f"{cover} | {so} | {ro} | {r.reorder_qty} | {r.overstock_units}"
        )
    if findings:
        print(t("restock.cli.findings", lang))
        for i, f in enumerate(findings, 1):
            print(f"  {i}. [{t(f'diag.sev.{f.severity}', lang)}] {f.message(lang)}")
            print(f"     -> {f.action(lang)}")
    for note in res.note_texts(lang):
        print("* " + note)
    return 0
