"""``python -m cbe_core competitors --competitors F [--reviews F] [--as-of D] [--window-weeks N]
[--out comparison.xlsx] [--json] [--lang en|zh]``: the gap analysis against competitors.

Text output: where we lag (most severe first, with the suggested move), where we lead, the biggest
share movers and the features competitors are praised for. ``--json`` prints ``{"as_of",
"window_start", "gaps": [{set_id, product_id, sku, title, dimension, status, severity, value,
benchmark, gap, rival, detail, move, text, move_text}], "movers": [...], "features": [...], "notes"}``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--competitors", required=True, metavar="FILE",
                        help="competitor snapshots (CSV or XLSX): date, product id, brand, own flag, "
                             "price...")
    parser.add_argument("--reviews", metavar="FILE",
                        help="reviews (CSV or XLSX): product id, date, rating, text")
    parser.add_argument("--as-of", help="analyse snapshots up to this date YYYY-MM-DD (default: the latest)")
    parser.add_argument("--window-weeks", type=int, default=26,
                        help="weeks for changes over time (default 26)")
    parser.add_argument("--out", help="write the comparison workbook (.xlsx) here")
    parser.add_argument("--json", action="store_true", help="print the gap analysis as JSON")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the text")


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if value is None or (not isinstance(value, (str, int, float, bool))
                         and str(value) in ("<NA>", "NaT", "nan")):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if hasattr(value, "item"):
        return value.item()
    return value


def _records(frame) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cbe_core import competitors as cp
    from cbe_core.export import write_workbook
    from cbe_core.i18n import t
    from cbe_core.ingest import read_table

    lang = args.lang
    comp, _ = read_table(args.competitors, "competitors", filename=Path(args.competitors).name)
    reviews = None
    if args.reviews:
        reviews, _ = read_table(args.reviews, "reviews", filename=Path(args.reviews).name)
    if args.window_weeks < 1:
        raise ValueError("--window-weeks must be at least 1")
    res = cp.analyze(comp, reviews, as_of=args.as_of, window_weeks=args.window_weeks)
    if args.out:
        write_workbook(cp.export_sheets(res), args.out)
    notes = [t(k, lang, **p) for k, p in res.notes]
    gaps = res.gaps
    features = res.reviews.features if res.reviews is not None else None
    if args.json:
        g = _records(gaps)
        for row, text in zip(g, cp.describe(gaps, lang), strict=True):
            row["text"] = text
            row["move_text"] = t(row["move"], lang)
        movers = _records(res.movers)
        for row, text in zip(movers, cp.describe_movers(res.movers, lang), strict=True):
            row["text"] = text
        out = {"as_of": res.as_of.date().isoformat(), "window_start": res.window_start.date().isoformat(),
               "gaps": g, "movers": movers, "features": _records(features) if features is not None else [],
               "notes": notes, "workbook": args.out}
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    print(t("comp.cli.as_of", lang, as_of=res.as_of.date().isoformat(),
            start=res.window_start.date().isoformat()))
    print()
    print(t("comp.cli.gaps", lang))
    lags = cp.headline(gaps, n=len(gaps))
    if lags.empty:
        print("  " + t("comp.cli.none", lang))
    for row, text in zip(lags.to_dict("records"), cp.describe(lags, lang), strict=True):
        sev = t(f"comp.severity.{row['severity']}", lang)
        extra = t("comp.gap.products", lang, count=row["products"]) if row["products"] > 1 else ""
        print(f"  [{sev}] {text}{extra}")
        print(f"      -> {t(row['move'], lang)}")
    lead = (gaps["status"] == "lead").to_numpy()
    if lead.any():
        print()
        print(t("comp.cli.leads", lang))
        for text in cp.describe(gaps.loc[lead], lang):
            print(f"  {text}")
    if len(res.movers):
        print()
        print(t("comp.cli.movers", lang))
        for line in cp.describe_movers(res.movers, lang):
            print(f"  {line}")
    if features is not None and len(features):
        print()
        print(t("comp.cli.features", lang))
        for row in features.to_dict("records"):
            print(f"  [{row['set_id']}] {row['brand']}: \"{row['phrase']}\" x{row['ratio']:.1f} "
                  f"({row['comp_rate']:.0%} vs {row['own_rate']:.0%}) - {row['snippet']}")
    if notes:
        print(t("comp.cli.notes", lang), file=sys.stderr)
        for line in notes:
            print(f"  {line}", file=sys.stderr)
    return 0
