"""Command line: ``python -m cbe_core COMMAND ...``.

Each command lives in ``cbe_core/cli/<command>.py`` with ``configure(parser)`` and ``run(args) -> int``
and is imported only when chosen, so ``validate`` starts without plotting or modelling libraries.
A ``DataError`` becomes its message on stderr and exit code 2, never a traceback; so does any other
error (a bug), as one line (``CBE_DEBUG=1`` re-raises it with the traceback).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from .errors import DataError

COMMANDS = {
    "validate": "check a file and print its load report",
    "diagnose": "KPIs and findings for a store",
    "abtest": "read an A/B test",
    "competitors": "gap analysis against competitors",
    "quote": "compare ways to ship a parcel",
    "rfm": "RFM segments and the Excel export",
    "clv": "fit BG/NBD + Gamma-Gamma and check a holdout",
    "cohorts": "acquisition cohorts: retention, value curves, CAC and payback",
    "profit": "profit per SKU, channel and store: the waterfall from gross sales to net",
    "restock": "restock plan for every SKU: cover, stock-out and reorder dates, quantities, overstock",
    "workspace": "the stores kept between visits: import, list, export, import-store",
    "review": "the weekly review of a stored store (HTML, workbook, JSON)",
    "ads": "search terms to harvest, negate and re-bid; the Amazon bulk file",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    top = argparse.ArgumentParser(prog="python -m cbe_core",
                                  description="CBE Decision Dashboard command line")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    if not argv or argv[0] not in COMMANDS:
        top.parse_args(argv or ["--help"])
        return 2
    name = argv[0]
    module = importlib.import_module(f"cbe_core.cli.{name}")
    parser = argparse.ArgumentParser(prog=f"python -m cbe_core {name}", description=COMMANDS[name])
    module.configure(parser)
    args = parser.parse_args(argv[1:])
    try:
        return int(module.run(args) or 0)
    except DataError as exc:
        lang = getattr(args, "lang", "en")
        print(exc.message(lang), file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:  # unreadable path, bad argument value
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: one line for the seller, the traceback with CBE_DEBUG=1
        if os.environ.get("CBE_DEBUG") == "1":
            raise
        print(f"internal error ({type(exc).__name__}: {exc}); this is a bug, please report it with the "
              "command you ran (CBE_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
