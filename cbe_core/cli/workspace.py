"""``python -m cbe_core workspace ACTION ...``: the seller's stores, for scripts and cron jobs.

- ``import TABLE FILE --store S [--workspace W] [--json]``: append a file to a store's table with
  de-duplication; prints added / updated / unchanged / duplicates (the store is created if new);
- ``list [--workspace W] [--json]``: the stores, their tables, rows, date ranges and last import;
- ``export STORE DIR``: the store as Parquet files plus ``manifest.json`` in a new or empty folder;
- ``import-store DIR [--name N]``: add a store exported with ``export``;
- ``rename STORE NEW``, ``delete STORE``, ``delete-table STORE TABLE``.

The workspace file is ``--workspace``, else ``$CBE_WORKSPACE``, else the user's data folder. When
another process holds the file, the command waits (``CBE_WORKSPACE_TIMEOUT`` seconds, default 20)
and then stops with a message and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys

ACTIONS = ("import", "list", "export", "import-store", "rename", "delete", "delete-table")


def configure(parser: argparse.ArgumentParser) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--workspace", help="workspace file (default: $CBE_WORKSPACE, else user data folder)")
    common.add_argument("--json", action="store_true", help="print JSON")
    common.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the text")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("import", parents=[common], help="append a file to a store's table")
    p.add_argument("table", help="canonical table: orders, traffic, ads, competitors, ...")
    p.add_argument("file", help="CSV, TSV or XLSX export")
    p.add_argument("--store", required=True, help="store name (created when new)")
    sub.add_parser("list", parents=[common], help="stores and what they hold")
    p = sub.add_parser("export", parents=[common], help="write a store to a folder of Parquet files")
    p.add_argument("store")
    p.add_argument("folder")
    p = sub.add_parser("import-store", parents=[common], help="add a store exported with 'export'")
    p.add_argument("folder")
    p.add_argument("--name", help="store name (default: the exported store's name)")
    p = sub.add_parser("rename", parents=[common], help="rename a store")
    p.add_argument("store")
    p.add_argument("new_name")
    p = sub.add_parser("delete", parents=[common], help="delete a store and everything in it")
    p.add_argument("store")
    p = sub.add_parser("delete-table", parents=[common], help="delete one table of a store")
    p.add_argument("store")
    p.add_argument("table")


def _iso(value) -> str | None:
    return None if value is None else value.isoformat(sep=" ") if hasattr(value, "isoformat") else str(value)


def store_listing(ws) -> list[dict]:
    """JSON-ready description of every store: name, tables (rows, first/last date, last import)."""
    out = []
    for info in ws.stores():
        summary = ws.summary(info.name)
        out.append({
            "store": info.name, "created_at": _iso(info.created_at), "last_import": _iso(summary.last_import),
            "tables": {t.table: {"rows": t.rows,
                                 "first_date": t.first_date.strftime("%Y-%m-%d") if t.first_date is not None
                                 else None,
                                 "last_date": t.last_date.strftime("%Y-%m-%d") if t.last_date is not None
                                 else None,
                                 "last_import": _iso(t.last_import), "last_file": t.last_file,
                                 "imports": t.imports} for t in summary.tables},
        })
    return out


def _print_json(payload) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, default=str)
    print()


def run(args: argparse.Namespace) -> int:
    from cbe_core.i18n import t
    from cbe_core.workspace import Workspace

    ws = Workspace(args.workspace)
    lang = args.lang
    if args.action == "import":
        res = ws.import_file(args.store, args.table, args.file)
        if args.json:
            _print_json({"workspace": str(ws.path), **res.to_dict()})
            return 0
        print("\n".join(res.report.describe(lang)))
        print(t("ws.cli.imported", lang, store=res.store, table=t(f"table.{res.table}", lang), file=res.file,
                added=f"{res.added:,}", updated=f"{res.updated:,}", unchanged=f"{res.unchanged:,}",
                duplicates=f"{res.duplicates:,}"))
        return 0
    if args.action == "list":
        listing = store_listing(ws)
        if args.json:
            _print_json({"workspace": str(ws.path), "stores": listing})
            return 0
        print(t("ws.cli.workspace", lang, path=str(ws.path)))
        if not listing:
            print("  " + t("ws.cli.no_stores", lang))
        for s in listing:
            print(t("ws.cli.store", lang, store=s["store"], last=s["last_import"] or "-"))
            for name, tb in s["tables"].items():
                span = f"{tb['first_date']} → {tb['last_date']}" if tb["first_date"] else "-"
                print(f"    {t(f'table.{name}', lang)}: {tb['rows']:,}  {span}  ({tb['last_file']})")
        return 0
    if args.action == "export":
        manifest = ws.export_store(args.store, args.folder)
        if args.json:
            _print_json(manifest | {"folder": args.folder})
        else:
            rows = sum(e["rows"] for e in manifest["tables"].values())
            print(t("ws.cli.exported", lang, store=manifest["store"], folder=args.folder,
                    tables=len(manifest["tables"]), rows=f"{rows:,}"))
        return 0
    if args.action == "import-store":
        info = ws.import_store(args.folder, args.name)
        if args.json:
            _print_json({"store": info.name, "tables": store_listing(ws)})
        else:
            print(t("ws.cli.restored", lang, store=info.name, folder=args.folder))
        return 0
    if args.action == "rename":
        info = ws.rename_store(args.store, args.new_name)
        print(t("ws.cli.renamed", lang, old=args.store, store=info.name))
    elif args.action == "delete":
        ws.delete_store(args.store)
        print(t("ws.cli.deleted", lang, store=args.store))
    elif args.action == "delete-table":
        ws.delete_table(args.store, args.table)
        print(t("ws.cli.deleted_table", lang, store=args.store, table=t(f"table.{args.table}", lang)))
    return 0
