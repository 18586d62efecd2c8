"""``python -m cbe_core review --store S [--workspace W] [--week YYYY-Www] [--out review.html]
[--xlsx review.xlsx] [--json] [--mark-done] [--lang en|zh]``.

The weekly review of a stored store since its last review mark (``cbe_core.review``): ``--out``
writes it as a self-contained bilingual HTML page (inline SVG charts, no scripts), ``--xlsx`` as a
workbook (English and Chinese sheets), ``--json`` prints the headline figures and the findings with
their status (new / resolved / open). ``--mark-done`` records the review as done (the next review then
starts the day after this one's period). For a weekly cron job, see the README.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", required=True, help="store name in the workspace")
    parser.add_argument("--workspace", help="workspace file (default: $CBE_WORKSPACE, else user data folder)")
    parser.add_argument("--week", help="ISO week YYYY-Www (default: the last complete week of the orders)")
    parser.add_argument("--out", help="write the review as an HTML page here")
    parser.add_argument("--xlsx", help="write the review as an Excel workbook here")
    parser.add_argument("--json", action="store_true", help="print the headline figures and findings as JSON")
    parser.add_argument("--mark-done", action="store_true", help="record this review as done")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the text")


def run(args: argparse.Namespace) -> int:
    from cbe_core.i18n import t
    from cbe_core.review import weekly_review
    from cbe_core.review.html import review_html
    from cbe_core.review.text import kpi_table, period_line, review_workbook
    from cbe_core.workspace import Workspace

    ws = Workspace(args.workspace)
    info = ws.store(args.store)
    tables = ws.load(info.name)
    review = weekly_review(tables, last_review=ws.last_review(info.name), week=args.week, store=info.name)
    if args.out:
        Path(args.out).write_text(review_html(review), encoding="utf-8")
    if args.xlsx:
        review_workbook(review, args.xlsx)
    mark_id = None
    if args.mark_done and not review.up_to_date:
        mark_id = ws.record_review(info.name, **review.mark())
    lang = args.lang
    if args.json:
        payload = review.to_dict(lang) | {"marked_done": mark_id is not None}
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, allow_nan=False, default=str)
        print()
        return 0
    print(period_line(review, lang))
    table = kpi_table(review, lang)
    if len(table):
        print(table.to_string(index=False))
    for c in review.changes:
        print(f"  [{t(f'review.status.{c.status}', lang)}] {c.finding.message(lang)}")
    for path in (args.out, args.xlsx):
        if path:
            print(t("review.cli.written", lang, path=path))
    if mark_id is not None:
        print(t("review.cli.marked", lang, week=review.week))
    return 0
