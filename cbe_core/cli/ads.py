"""``python -m cbe_core ads --search-terms F [--products F] [--orders F] [--ads F] [--target-acos X]
[--safety-margin X] [--window-days N] [--settle-days N] [--min-orders N] [--out bulk.xlsx]
[--workbook decisions.xlsx] [--json] [--lang en|zh]``: which search terms to harvest, negate and re-bid.

``--out`` writes Amazon's Sponsored Products bulk operations file, ``--workbook`` the plain workbook of the
same decisions with reasons. ``--json`` prints ``{"period", "currency", "terms", "harvest": [{"term",
"campaign", "ad_group", "orders", "acos", "suggested_bid", "sku", "dest_campaign", "dest_ad_group",
"negate_in_source"}...], "negate": [{"term", "campaign", "ad_group", "clicks", "spend", "orders", "p_value",
"spend_30d", "monthly_saving"}...], "bids": [{"campaign", "ad_group", "targeting", "match_kind", "clicks",
"acos", "target_acos", "cpc", "suggested_bid", "change", "direction"}...] (changes only),
"wasted_spend", "wasted_30d", "monthly_saving", "harvest_orders", "listing_gaps": [{"sku", "word",
"orders", "example"}...], "notes", "bulk_file", "workbook"}``; ``terms`` counts the distinct search terms
in the decision period; money in ``currency`` (null: the store's own).
"""

from __future__ import annotations

import argparse
import json
import math
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--search-terms", required=True, metavar="FILE",
                        help="Sponsored Products search term report (CSV or XLSX)")
    parser.add_argument("--products", metavar="FILE",
                        help="products (price, unit cost; listing text for the coverage check)")
    parser.add_argument("--orders", metavar="FILE",
                        help="orders with fees and shipping (for break-even ACoS)")
    parser.add_argument("--ads", metavar="FILE", help="advertised product report: the SKUs of each campaign")
    parser.add_argument("--target-acos", type=float, metavar="X",
                        help="one target ACoS for every SKU, e.g. 0.25 "
                             "(default: break-even minus the margin)")
    parser.add_argument("--safety-margin", type=float, default=0.05, metavar="X",
                        help="points kept below break-even ACoS (default 0.05)")
    parser.add_argument("--window-days", type=int, default=60, help="days of the report to decide on (60)")
    parser.add_argument("--settle-days", type=int, default=3,
                        help="most recent days left out while attribution settles (3)")
    parser.add_argument("--min-orders", type=int, default=3, help="orders a term needs to be harvested (3)")
    parser.add_argument("--out", help="write the Amazon bulk operations file (.xlsx) here")
    parser.add_argument("--workbook", help="write the decisions workbook (.xlsx) here")
    parser.add_argument("--json", action="store_true", help="print the decisions as JSON")
    parser.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of the text and workbook")


def _num(value, digits: int = 4):
    if value is None:
        return None
    value = float(value)
    return None if not math.isfinite(value) else round(value, digits)


def _read(path: str | None, table: str):
    if not path:
        return None
    from pathlib import Path

    from cbe_core.ingest import read_table

    frame, _ = read_table(path, table, filename=Path(path).name)
    return frame


def run(args: argparse.Namespace) -> int:
    from cbe_core.ads import analyse, bulk, explain
    from cbe_core.i18n import t

    lang = args.lang
    st = _read(args.search_terms, "search_terms")
    res = analyse(st, _read(args.products, "products"), _read(args.orders, "orders"),
                  _read(args.ads, "ads"), target_acos=args.target_acos, safety_margin=args.safety_margin,
                  window_days=args.window_days, settle_days=args.settle_days, min_orders=args.min_orders)
    if args.out:
        bulk.bulk_workbook(res, args.out)
    if args.workbook:
        bulk.decisions_workbook(res, lang, args.workbook)
    notes = [t(n.key, lang, **n.params) for n in res.notes]
    cur = res.currency
    gaps = res.coverage.words if res.coverage is not None else None
    if args.json:
        out = {
            "period": res.period, "currency": cur,
            "terms": int(res.terms["search_term"].str.lower().nunique()),
            "harvest": [{"term": r["term"], "campaign": r["campaign"], "ad_group": r["ad_group"],
                         "orders": int(r["orders"]), "acos": _num(r["acos"]),
                         "suggested_bid": _num(r["suggested_bid"], 2), "sku": r["sku"],
                         "dest_campaign": r["dest_campaign"], "dest_ad_group": r["dest_ad_group"],
                         "negate_in_source": bool(r["negate_in_source"])}
                        for r in res.harvest.to_dict("records")],
            "negate": [{"term": r["term"], "campaign": r["campaign"], "ad_group": r["ad_group"],
                        "clicks": int(r["clicks"]), "spend": _num(r["spend"], 2), "orders": int(r["orders"]),
                        "p_value": _num(r["p_value"], 6), "spend_30d": _num(r["spend_30d"], 2),
                        "monthly_saving": _num(r["monthly_saving"], 2)}
                       for r in res.negate.to_dict("records")],
            "bids": [{"campaign": r["campaign"], "ad_group": r["ad_group"], "targeting": r["targeting"],
                      "match_kind": r["match_kind"], "clicks": int(r["clicks"]), "acos": _num(r["acos"]),
                      "target_acos": _num(r["target_acos"]), "cpc": _num(r["cpc"], 4),
                      "suggested_bid": _num(r["suggested_bid"], 2), "change": _num(r["change"]),
                      "direction": r["direction"]} for r in res.bid_changes.to_dict("records")],
            "wasted_spend": _num(res.wasted_spend, 2), "wasted_30d": _num(res.wasted_30d, 2),
            "monthly_saving": _num(res.monthly_saving, 2), "harvest_orders": res.harvest_orders,
            "listing_gaps": [] if gaps is None else [
                {"sku": r["sku"], "word": r["word"], "orders": int(r["orders"]), "example": r["example"]}
                for r in gaps.to_dict("records")],
            "notes": notes, "bulk_file": args.out, "workbook": args.workbook,
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    p = res.period
    print(t("ads.cli.header", lang, start=p["start"], end=p["end"], terms=f"{len(res.terms):,}"))
    print(t("ads.cli.answer", lang, wasted=explain.money(res.wasted_30d, cur),
            saving=explain.money(res.monthly_saving, cur), orders=res.harvest_orders))
    sections = (
        ("ads.cli.harvest", res.harvest, lambda f: explain.harvest_reasons(f, cur, lang), "term"),
        ("ads.cli.negate", res.negate,
         lambda f: explain.negate_reasons(f, cur, lang, res.settings.rate_ratio), "term"),
        ("ads.cli.bids", res.bid_changes.head(15),
         lambda f: explain.bid_reasons(f, cur, lang, res.settings.max_change), "targeting"),
    )
    for key, frame, reasons, name in sections:
        print()
        print(t(key, lang, n=len(frame)))
        for row, why in zip(frame.to_dict("records"), reasons(frame), strict=True):
            print(f"  {row[name]} [{row['campaign']} / {row['ad_group']}]: {why}")
    if gaps is not None and len(gaps):
        print()
        print(t("ads.cli.gaps", lang))
        for r in gaps.head(15).to_dict("records"):
            print(f"  {r['sku']}: {r['word']} ({int(r['orders'])}; {r['example']})")
    for line in notes:
        print(line, file=sys.stderr)
    if args.out:
        print(t("ads.cli.written", lang, path=args.out))
    if args.workbook:
        print(t("ads.cli.written", lang, path=args.workbook))
    return 0
