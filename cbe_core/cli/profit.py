"""``python -m cbe_core profit --orders F [--ads F] [--products F] [--transactions F] [--other-costs F]
[--from D --to D] [--refunds-by order_date|refund_date] [--landed auto|unit_cost] [--dest CC] [--json]
[--lang en|zh]``: the profit waterfall per SKU, per channel and for the store.

``--json`` prints ``{"period": {"start", "end"}, "currency", "refunds_by", "store": {gross_sales,
discounts, refunds, fees, shipping, cogs, ads, other, net, margin, units, returned_units,
net_per_unit, source}, "channels": [...], "skus": [{sku, ...same keys..., refund_rate, avg_price,
break_even_price, source}], "findings": [...], "notes": [...]}``; ``source`` maps each figure to
``report`` / ``computed`` / ``estimate``. ``--other-costs`` is a CSV with ``month`` (YYYY-MM),
``amount`` and optional ``sku`` and ``label``.
"""

from __future__ import annotations

import argparse
import json
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--orders", required=True, help="orders file (CSV, TSV or XLSX)")
    parser.add_argument("--ads", help="ads file (spend per day, campaign and advertised SKU)")
    parser.add_argument("--products", help="products file (category, unit cost, weight and dimensions)")
    parser.add_argument("--transactions", help="Amazon Date Range Report (payments transactions)")
    parser.add_argument("--other-costs", help="your monthly costs: month, amount[, sku, label] (CSV)")
    parser.add_argument("--from", dest="start", help="first day YYYY-MM-DD (default: first sale)")
    parser.add_argument("--to", dest="end", help="last day YYYY-MM-DD (default: last sale)")
    parser.add_argument(
        "--refunds-by",
        choices=("order_date", "refund_date"),
        default="order_date",
        help="count a refund in the period of its order (default) or of the refund",
    )
    parser.add_argument(
        "--landed",
        choices=("auto", "unit_cost"),
        default="auto",
        help="auto: add first leg and duty from the logistics module; unit_cost: as is",
    )
    parser.add_argument("--dest", default="US", help="market for the landed cost (default US)")
    parser.add_argument(
        "--returns-resold",
        type=float,
        default=0.0,
        help="share of refunded units that go back to stock (default 0)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the text")


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from cbe_core import profit as pf
    from cbe_core.errors import DataError
    from cbe_core.i18n import t
    from cbe_core.ingest import read_table

    def date(v):
        if v is None:
            return None
        try:
            return pd.Timestamp(v).normalize()
        except (ValueError, TypeError):
            raise DataError("err.profit.period", start=str(args.start), end=str(args.end)) from None

    orders = read_table(args.orders, "orders")[0]
    ads = read_table(args.ads, "ads")[0] if args.ads else None
    products = read_table(args.products, "products")[0] if args.products else None
    tx = read_table(args.transactions, "transactions")[0] if args.transactions else None
    other = pd.read_csv(args.other_costs, dtype={"month": str, "sku": str}) if args.other_costs else None
    res = pf.profit(
        orders,
        ads,
        products,
        tx,
        other,
        start=date(args.start),
        end=date(args.end),
        refunds_by=args.refunds_by,
        landed=args.landed,
        dest=args.dest,
        returns_resold=args.returns_resold,
    )
    findings = pf.profit_findings(res)
    lang = args.lang
    if args.json:
        payload = res.to_json(lang)
        payload["findings"] = [f.to_dict(lang) for f in findings]
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1, allow_nan=False)
        print()
        return 0
    cur = res.currency
    print(
        t(
            "profit.cli.header",
            lang,
            start=res.start.strftime("%Y-%m-%d"),
            end=res.end.strftime("%Y-%m-%d"),
            currency=cur,
            refunds_by=t(f"profit.refunds_by.{res.refunds_by}", lang),
        )
    )
    for step in res.waterfall().itertuples(index=False):
        src = t(f"profit.src.{step.source}", lang) if isinstance(step.source, str) else ""
        print(f"  {t(f'profit.col.{step.step}', lang):<32} {step.amount:>14,.2f} {cur}  {src}")
    margin = res.store["margin"]
    if margin == margin:
        print(f"  {t('profit.col.margin', lang):<32} {margin * 100:>13.1f}%")
    print(t("profit.cli.skus", lang))
    for r in res.by_sku.sort_values("net").itertuples(index=False):
        be = "" if r.break_even_price != r.break_even_price else f"  BE {r.break_even_price:,.2f}"
        margin = f"{r.margin * 100:>6.1f}%" if r.margin == r.margin else "     -"
        print(f"  {r.sku:<14} {r.net:>12,.2f} {cur}  {r.units:>7,d}  {margin}{be}")
    if findings:
        print(t("profit.cli.findings", lang))
        for i, f in enumerate(findings, 1):
            print(f"  {i}. [{t(f'diag.sev.{f.severity}', lang)}] {f.message(lang)}")
            print(f"     -> {f.action(lang)}")
    for note in res.note_texts(lang):
        print("* " + note)
    return 0
