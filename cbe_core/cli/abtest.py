"""``python -m cbe_core abtest --a-sessions N --a-orders N --b-sessions N --b-orders N
[--min-lift 0.1] [--alpha 0.05] [--power 0.8] [--json] [--lang en|zh]``: read an A/B test.

``--json`` prints at least ``rate_a, rate_b, relative_lift, ci_low, ci_high, p_value,
prob_b_beats_a, verdict`` plus ``sessions_needed``, ``more_sessions_needed`` and the settings
(formulas in :mod:`cbe_core.diagnostics.abtest`)."""

from __future__ import annotations

import argparse
import json
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--a-sessions", required=True, help="sessions (or sends) of variant A")
    parser.add_argument("--a-orders", required=True, help="orders (conversions) of variant A")
    parser.add_argument("--b-sessions", required=True, help="sessions (or sends) of variant B")
    parser.add_argument("--b-orders", required=True, help="orders (conversions) of variant B")
    parser.add_argument("--min-lift", type=float, default=0.10,
                        help="smallest relative lift worth detecting (0.10 = 10%%)")
    parser.add_argument("--alpha", type=float, default=0.05, help="significance level (two-sided)")
    parser.add_argument("--power", type=float, default=0.80, help="power for the sample size")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the text")


def _pct(v):
    return "-" if v is None else f"{v * 100:+.1f}%"


def run(args: argparse.Namespace) -> int:
    from cbe_core.diagnostics.abtest import read_test
    from cbe_core.i18n import t

    r = read_test(args.a_sessions, args.a_orders, args.b_sessions, args.b_orders, min_lift=args.min_lift,
                  alpha=args.alpha, power=args.power)
    lang = args.lang
    if args.json:
        d = r.to_dict()
        d["verdict_text"] = t(f"diag.ab.verdict.{r.verdict}", lang)
        d["notes"] = [t(n, lang) for n in r.notes]
        json.dump(d, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{t('diag.ab.rate_a', lang)}: {r.rate_a * 100:.2f}%")
    print(f"{t('diag.ab.rate_b', lang)}: {r.rate_b * 100:.2f}%")
    print(f"{t('diag.ab.lift', lang)}: {_pct(r.relative_lift)}")
    print(t("diag.ab.ci", lang, low=_pct(r.ci_low), high=_pct(r.ci_high)))
    print(f"{t('diag.ab.p_value', lang)}: {r.p_value:.4f}")
    print(f"{t('diag.ab.prob', lang)}: {r.prob_b_beats_a * 100:.1f}%")
    if r.sessions_needed is not None:
        print(t("diag.ab.needed", lang, lift=f"{r.min_lift * 100:.0f}%", needed=f"{r.sessions_needed:,}",
                more=f"{r.more_sessions_needed:,}"))
    print(f"=> {t(f'diag.ab.verdict.{r.verdict}', lang)}: {t(f'diag.ab.verdict_help.{r.verdict}', lang)}")
    for n in r.notes:
        print("* " + t(n, lang))
    return 0
