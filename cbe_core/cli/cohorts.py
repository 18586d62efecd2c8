"""``python -m cbe_core cohorts ORDERS [--by month|week|quarter] [--split channel|country|first_sku|
traffic_source] [--min-customers N] [--products F] [--ads F] [--model none|auto|pareto|mbg|bgnbd]
[--out cohorts.xlsx] [--json] [--lang en|zh]``: acquisition cohorts of an orders file.

``--json`` prints ``{"by", "split", "last_day", "currency", "model", "has_profit", "cohorts": [{"cohort",
"group", "customers", "small", "retention": [...], "orders_per_customer": [...],
"cum_net_sales_per_customer": [...], "cum_gross_profit_per_customer": [...] or null,
"projected_from": k or null}], "acquisition": [{"cohort", "customers", "spend", "cac", "ltv", "ltv_cac",
"payback_age", "projected"}] or null, "notes": [...], "workbook"}``. The lists run over ages 0, 1, 2...
(month, week or quarter since the first order); ``group`` is present with ``--split``. Without
``--model`` (or with ``none``) only lived periods are listed, the one in progress included; with a
model the period in progress and later ones up to the horizon are projected and ``projected_from``
is the first projected age. ``acquisition`` needs ``--ads``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("orders", help="orders file (CSV or XLSX) with customer ids")
    parser.add_argument("--by", choices=("month", "week", "quarter"), default="month",
                        help="cohort period (weeks start on Monday)")
    parser.add_argument("--split", choices=("channel", "country", "first_sku", "traffic_source"),
                        help="split each cohort by a property of the customers' first purchase")
    parser.add_argument("--min-customers", type=int, default=30,
                        help="cohorts smaller than this are flagged as small (default 30)")
    parser.add_argument("--products", help="products file (unit cost for gross profit when orders lack it)")
    parser.add_argument("--ads", help="ads file: spend for the acquisition cost (CAC) of each cohort")
    parser.add_argument("--model", choices=("none", "auto", "pareto", "mbg", "bgnbd"), default="none",
                        help="project young cohorts with this customer-value model (default: none)")
    parser.add_argument("--out", help="write the cohort tables to this workbook (.xlsx)")
    parser.add_argument("--json", action="store_true", help="print the cohorts as JSON")
    parser.add_argument("--lang", choices=("en", "zh"), default="en")


def _num(value, digits: int):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value),
                                                                                                 digits)


def run(args: argparse.Namespace) -> int:
    from cbe_core import export
    from cbe_core.customers import clv, cohorts
    from cbe_core.i18n import t
    from cbe_core.ingest import read_table

    orders, _ = read_table(args.orders, "orders")
    products = read_table(args.products, "products")[0] if args.products else None
    ads = read_table(args.ads, "ads")[0] if args.ads else None
    fit = None
    if args.model != "none":
        fit = clv.fit(orders, cohorts.last_sale_day(orders), model=args.model)
    res = cohorts.build(orders, by=args.by, split=args.split, min_customers=args.min_customers,
                        products=products, clv=fit)
    acq = cohorts.acquisition(res, ads) if ads is not None else None
    if args.out:
        export.cohorts_workbook(res, acq, lang=args.lang, path=args.out)
    notes = [t(n.key, args.lang, **n.params) for n in res.notes]
    if args.json:
        print(json.dumps(_as_json(res, acq, notes, args.out), ensure_ascii=False, indent=1))
        return 0
    for line in notes:
        print(line, file=sys.stderr)
    cur = res.currency or ""
    print(t("cohorts.cli.header", args.lang, by=t(f"cohorts.by.{res.by}", args.lang),
            customers=f"{int(res.cohorts['customers'].sum()):,}", last_day=res.last_day.date().isoformat()))
    for (cohort, group), seen in res.lived().groupby(["cohort", "group"], sort=False):
        rates = " ".join(f"{v:4.0%}" for v in seen["retention"].iloc[:13])
        label = f"{cohort} {group}".strip()
        print(f"  {label:<22} {int(seen['customers'].iloc[0]):>7,}  {rates}")
    print(t("cohorts.cli.legend", args.lang, currency=cur))
    if args.out:
        print(t("rfm.cli.written", args.lang, path=args.out))
    return 0


def _as_json(res, acq, notes, workbook) -> dict:
    rows = []
    for (cohort, group), cells in res.cells.groupby(["cohort", "group"], sort=False):
        projected = cells.index[cells["status"] == "projected"]
        row = {"cohort": cohort}
        if res.split is not None:
            row["group"] = group
        size = res.cohorts.loc[(res.cohorts["cohort"] == cohort) & (res.cohorts["group"] == group)].iloc[0]
        row.update(customers=int(size["customers"]), small=bool(size["small"]),
                   retention=[_num(v, 4) for v in cells["retention"]],
                   orders_per_customer=[_num(v, 4) for v in cells["orders_per_customer"]],
                   cum_net_sales_per_customer=[_num(v, 2) for v in cells["cum_net_sales_per_customer"]],
                   cum_gross_profit_per_customer=([_num(v, 2) for v in cells["cum_gross_profit_per_customer"]]
                                                  if res.has_profit else None),
                   projected_from=int(cells.loc[projected[0], "age"]) if len(projected) else None)
        rows.append(row)
    acquisition = None
    if acq is not None:
        acquisition = [{"cohort": r.cohort, "customers": int(r.customers), "spend": _num(r.spend, 2),
                        "cac": _num(r.cac, 2), "ltv": _num(r.ltv, 2), "ltv_cac": _num(r.ltv_cac, 2),
                        "payback_age": None if math.isnan(r.payback_age) else int(r.payback_age),
                        "projected": bool(r.payback_projected or r.ltv_projected)}
                       for r in acq.itertuples(index=False)]
    return {"by": res.by, "split": res.split, "last_day": res.last_day.date().isoformat(),
            "currency": res.currency, "model": res.model, "has_profit": res.has_profit, "cohorts": rows,
            "acquisition": acquisition, "notes": notes, "workbook": workbook}
