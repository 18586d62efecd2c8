"""``python -m cbe_core validate TABLE FILE [--currency XXX] [--store-currency XXX] [--rates F]``: read a
file as the reader would and print its load report.

Exit 0 with the report (text, or one JSON object with ``--json``); unusable input raises ``DataError``,
which the dispatcher prints to stderr with exit code 2. Only the reader's own dependencies (pandas,
pyarrow) are imported, inside :func:`run`, so the command starts fast.

Money is summed in one currency: ``currency`` is the reporting currency (``--currency``, default the
currency of most of the revenue; ``null`` for tables without money), ``currencies`` the lines per source
currency, ``no_rate`` the lines per currency left out of the money totals for want of an exchange rate,
and ``revenue`` (orders) is in the reporting currency.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from ..schema import TABLES
from ._money import add_arguments


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("table", choices=TABLES, help="canonical table the file holds")
    parser.add_argument("file", help="CSV, TSV or XLSX file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the text")
    parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD",
                        help="first day (reports without a date column need --from and --to)")
    parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day, inclusive")
    parser.add_argument("--map", action="append", default=[], metavar="CANONICAL=HEADER",
                        help="map a header to a canonical column (repeatable)")
    add_arguments(parser)


def _day(value: str):
    from ..errors import DataError

    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise DataError("err.io.bad_date_arg", value=value) from None


def _mapping(items: list[str]) -> dict[str, str]:
    from ..errors import DataError

    out: dict[str, str] = {}
    for item in items:
        canon, sep, header = item.partition("=")
        if not sep or not canon.strip() or not header.strip():
            raise DataError("err.io.bad_mapping_arg", value=item)
        out[canon.strip()] = header.strip()
    return out


def report_dict(frame, report, table: str, fx=None) -> dict:
    """The JSON object of the command (also used by tests and scripts); ``frame`` is in the reporting
    currency and ``fx`` the :class:`~cbe_core.ingest.currency.FxReport` of its conversion."""
    from .. import ingest

    summary = ingest.summarize(frame, table)
    out = {
        "file": report.file,
        "table": table,
        "rows_read": report.rows_read,
        "rows_loaded": report.rows_loaded,
        "sales_lines": summary.get("sales_lines"),
        "revenue": summary.get("revenue"),
        "customers": summary.get("customers"),
        "first_date": summary.get("first_date"),
        "last_date": summary.get("last_date"),
    }
    d = report.to_dict()
    for key in ("dropped", "fixed", "excluded", "examples", "mapping", "layout", "encoding", "delimiter",
                "notes"):
        out[key] = d[key]
    money = fx is not None and bool(fx.lines)
    out["currency"] = fx.reporting if money else None
    out["currencies"] = dict(fx.lines) if money else {}
    out["no_rate"] = dict(fx.no_rate) if money else {}
    return out


def run(args: argparse.Namespace) -> int:
    from .. import ingest
    from ..errors import DataError
    from ..i18n import t
    from ..ingest import currency

    period = None
    if args.start or args.end:
        if not (args.start and args.end):
            raise DataError("err.io.period_incomplete")
        period = (_day(args.start), _day(args.end))
    frame, report = ingest.read_table(args.file, args.table, mapping=_mapping(args.map) or None,
                                      period=period)
    rates = ingest.read_table(args.rates, "fx_rates")[0] if args.rates else None
    conv = currency.convert_all({args.table: frame}, args.currency, store_currency=args.store_currency,
                                rates=rates)
    fx = conv.reports.get(args.table)
    out = report_dict(conv.frames[args.table], report, args.table, fx)
    if args.json:
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for line in report.describe(args.lang) + (fx.describe(args.lang) if fx is not None else []):
        print(line)
    if out["currency"]:
        parts = ", ".join(f"{c} {n:,}" for c, n in out["currencies"].items())
        print(t("fx.cli.currencies", args.lang, parts=parts, reporting=out["currency"]))
    if args.table == "orders":
        customers = out["customers"] if out["customers"] is not None else t("common.not_available", args.lang)
        revenue = f"{out['revenue']:,.2f} {out['currency'] or ''}".strip()
        print(t("io.cli.sales", args.lang, lines=f"{out['sales_lines']:,}", revenue=revenue,
                customers=customers, first=out["first_date"] or "-", last=out["last_date"] or "-"))
    else:
        print(t("io.cli.rows", args.lang, rows=f"{out['rows_loaded']:,}", first=out.get("first_date") or "-",
                last=out.get("last_date") or "-"))
    return 0
