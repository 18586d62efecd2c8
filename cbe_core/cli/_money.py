"""Shared by the commands that sum money (diagnose, rfm, clv, validate): several files per table, and
every amount in one reporting currency (``--currency``, ``--store-currency``, ``--rates``).

What the conversion did goes to stderr (lines converted per currency with the rate range, lines left
out for want of a rate, a guessed store currency), so the JSON on stdout stays one object.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--currency", metavar="XXX",
                        help="reporting currency, an ISO code such as USD, EUR, CNY (default: the currency "
                             "of most of the revenue); amounts are converted at the ECB rate of their date")
    parser.add_argument("--store-currency", metavar="XXX",
                        help="currency of amounts whose file names none (default: the commonest currency "
                             "the files name)")
    parser.add_argument("--rates", metavar="FILE",
                        help="your own exchange rates (CSV/XLSX: date, currency, rate, base); they win over "
                             "the European Central Bank reference rates")


def read_many(paths, table: str, period=None):
    """One canonical frame from one or several files of the same table (e.g. the Amazon US and DE order
    reports), stacked; reports without a date column take ``period``."""
    from pathlib import Path

    import pandas as pd

    from ..errors import DataError
    from ..ingest import read_table

    frames = []
    for path in [paths] if isinstance(paths, str) else paths:
        try:
            frames.append(read_table(path, table, filename=Path(path).name)[0])
        except DataError as exc:
            if exc.key != "err.io.period_required" or period is None:
                raise
            frames.append(read_table(path, table, filename=Path(path).name, period=period)[0])
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def one_currency(frames: dict, args: argparse.Namespace, lang: str = "en"):
    """:func:`cbe_core.ingest.currency.convert_all` with the command's options; notes to stderr."""
    from ..ingest import currency, read_table

    rates = read_table(args.rates, "fx_rates")[0] if getattr(args, "rates", None) else None
    conv = currency.convert_all(frames, getattr(args, "currency", None),
                                store_currency=getattr(args, "store_currency", None), rates=rates)
    for line in describe(conv, lang):
        print(line, file=sys.stderr)
    return conv


def describe(conv, lang: str = "en") -> list[str]:
    from ..i18n import t

    out = []
    if conv.store_assumed:
        out.append(t("fx.cli.store_assumed", lang, currency=conv.store_currency))
    for rep in conv.reports.values():
        out.extend(rep.describe(lang))
    return out
