"""The weekly review (定期的数据复盘): what moved since the last review, and what to act on.

Definitions
-----------
- **Week**: an ISO week (Monday to Sunday), named ``YYYY-Www``. By default the last *complete* week of
  the orders (the week of the last order when it ends on a Sunday, else the week before); a review of
  a store with less than one complete week reviews the week of its last order.
- **Period since the last review**: from the day after the end of the period the last review covered
  to the end of the week (the week itself when there is no review yet). When the last review already
  covers the week, the review is *up to date*: nothing new to review until newer data is imported.
- **KPIs**: the week against the previous week (the 7 days before) and the same dates a year before,
  straight from :func:`cbe_core.diagnostics.run_all` (``comparison``); never recomputed here.
- **Findings**: :func:`run_all` over the period; each finding is identified by ``(code, dimension,
  slice)`` and compared with the findings stored with the last review: *new* (not there last time),
  *open* (still there) or *resolved* (there last time, gone now). Each group is ranked by money at
  stake (now for new and open, then for resolved).
- **Competitor moves**: :func:`cbe_core.competitors.analyze` with the window covering the period and
  the week before: listings whose estimated share moved most, and competitors who changed price by
  5% or more.
- **Customers who changed segment**: :func:`cbe_core.customers.rfm.migration` between the day the
  period starts and the day after it ends (RFM's ``as_of`` is exclusive).
- **Stock at risk**: :func:`stock_at_risk` is the hook for the restock planner; until it exists the
  review says the section is not available.

Money is in the store's currency (``currency``: the single code of the orders' ``currency`` column,
or None when the orders do not say).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..diagnostics import Finding
from ..errors import DataError

HEADLINE_KPIS = ("revenue", "orders", "aov", "sessions", "conversion_rate", "ad_spend", "acos", "tacos",
                 "margin", "customers", "repurchase_rate", "return_rate", "cancel_rate")
PRICE_MOVE = 0.05  # a competitor price change at least this large is a move
MOVERS = 5


@dataclass(frozen=True)
class FindingChange:
    """A finding's status since the last review: ``new``, ``open`` or ``resolved``. ``finding`` is the
    current one (the last review's for a resolved one); ``previous_money`` the money at stake then."""

    status: str
    finding: Finding
    previous_money: float | None = None


@dataclass(frozen=True)
class Review:
    """Everything the home page, the HTML page, the workbook and ``--json`` show (see the module
    docstring for each definition)."""

    week: str
    week_start: pd.Timestamp
    week_end: pd.Timestamp
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    data_end: pd.Timestamp
    up_to_date: bool
    kpis: pd.DataFrame
    changes: tuple[FindingChange, ...]
    daily: pd.DataFrame
    weekly: pd.DataFrame
    competitor_moves: pd.DataFrame | None
    segment_moves: pd.DataFrame | None
    customers_changed: int | None
    new_customers: int | None
    stock_at_risk: pd.DataFrame | None
    currency: str | None
    last_review: dict | None
    store: str | None = None
    notes: tuple[tuple[str, dict], ...] = field(default=())

    def by_status(self, status: str) -> list[FindingChange]:
        return [c for c in self.changes if c.status == status]

    @property
    def findings(self) -> list[Finding]:
        """The findings of the period (new and open), ranked by money at stake: stored with the mark."""
        return sorted((c.finding for c in self.changes if c.status != "resolved"),
                      key=lambda f: -f.money_at_stake)

    def headline(self) -> dict:
        """JSON-ready headline figures of the week (value, previous week, same week last year)."""
        rows = self.kpis.set_index("kpi")
        out = {}
        for k in HEADLINE_KPIS:
            if k in rows.index:
                r = rows.loc[k]
                out[k] = {c: _num(r[c]) for c in ("value", "previous", "change_pct", "last_year", "yoy_pct")}
        return out

    def to_dict(self, lang: str = "en") -> dict:
        """``--json``: the period, the headline KPIs and the findings with their status."""
        def day(ts):
            return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d")

        return {
            "store": self.store, "week": self.week, "week_start": day(self.week_start),
            "week_end": day(self.week_end), "period_start": day(self.period_start),
            "period_end": day(self.period_end), "data_end": day(self.data_end), "up_to_date": self.up_to_date,
            "currency": self.currency,
            "last_review": None if self.last_review is None else {
                "done_at": str(self.last_review["done_at"]), "week": self.last_review.get("week"),
                "period_end": day(self.last_review["period_end"])},
            "kpis": self.headline(),
            "findings": [dict(c.finding.to_dict(lang), status=c.status, previous_money=c.previous_money)
                         for c in self.changes],
            "competitor_moves": _records(self.competitor_moves),
            "segment_moves": _records(self.segment_moves),
            "customers_changed": self.customers_changed, "new_customers": self.new_customers,
            "stock_at_risk": _records(self.stock_at_risk),
            "notes": [{"key": k, "params": p} for k, p in self.notes],
        }

    def mark(self) -> dict:
        """What a review mark stores (``Workspace.record_review`` keyword arguments)."""
        return {"week": self.week, "period_start": self.period_start, "period_end": self.period_end,
                "findings": [finding_record(f) for f in self.findings],
                "summary": {"kpis": self.headline(), "currency": self.currency,
                            "data_end": self.data_end.strftime("%Y-%m-%d")}}


def _num(v):
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else float(v)


def _records(frame: pd.DataFrame | None) -> list[dict] | None:
    if frame is None:
        return None
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%Y-%m-%d")
    return [{k: (_num(v) if isinstance(v, float) else v) for k, v in r.items()}
            for r in out.astype(object).where(out.notna(), None).to_dict("records")]


def finding_record(f: Finding) -> dict:
    """A finding as stored with a review mark (enough to rebuild it and its sentences)."""
    return {"code": f.code, "severity": f.severity, "dimension": f.dimension, "slice": f.slice,
            "evidence": dict(f.evidence), "money_at_stake": round(float(f.money_at_stake), 2)}


def finding_from_record(rec: dict) -> Finding:
    return Finding(str(rec["code"]), str(rec.get("severity", "low")), str(rec.get("dimension", "store")),
                   str(rec.get("slice", "store")), dict(rec.get("evidence") or {}),
                   float(rec.get("money_at_stake") or 0.0))


# ------------------------------------------------------------------------------------------- weeks
def parse_week(week: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Monday and Sunday of the ISO week ``YYYY-Www`` (``2026-W43``); DataError otherwise."""
    import re
    from datetime import date

    m = re.fullmatch(r"\s*(\d{4})-?W(\d{1,2})\s*", str(week or ""), flags=re.IGNORECASE)
    try:
        if not m:
            raise ValueError(week)
        monday = pd.Timestamp(date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))
    except ValueError:
        raise DataError("review.err.bad_week", week=str(week)) from None
    return monday, monday + pd.Timedelta(days=6)


def week_name(day: pd.Timestamp) -> str:
    y, w, _ = pd.Timestamp(day).isocalendar()
    return f"{y}-W{w:02d}"


def default_week_end(data_end: pd.Timestamp) -> pd.Timestamp:
    """The Sunday of the last complete ISO week up to ``data_end`` (``data_end`` itself when a Sunday)."""
    d = pd.Timestamp(data_end).normalize()
    return d if d.day_of_week == 6 else d - pd.Timedelta(days=d.day_of_week + 1)


def currency_of(orders: pd.DataFrame) -> str | None:
    if "currency" not in orders.columns:
        return None
    codes = orders["currency"].dropna().unique()
    return str(codes[0]) if len(codes) == 1 else None


def stock_at_risk(tables: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> pd.DataFrame | None:
    """Hook for the restock planner (``cbe_core.logistics.restock``): SKUs whose stock runs out before
    the next delivery, as of ``as_of``. Returns None until the planner exists (the review then says
    the section is not available yet); wire the planner's call here when it lands."""
    return None


# ------------------------------------------------------------------------------------------ review
def weekly_review(tables: dict[str, pd.DataFrame], *, last_review: dict | None = None,
                  week: str | None = None, store: str | None = None) -> Review:
    """The review of ``tables`` (canonical frames by table name; ``orders`` required) for ``week``
    (default: the last complete week) since ``last_review`` (a mark from ``Workspace.last_review``)."""
    from ..diagnostics import run_all

    orders = tables.get("orders")
    if orders is None or not len(orders):
        raise DataError("review.err.no_orders")
    traffic, ads, products = tables.get("traffic"), tables.get("ads"), tables.get("products")
    notes: list[tuple[str, dict]] = []
    data_end = pd.Timestamp(orders["order_date"].max()).normalize()
    data_start = pd.Timestamp(orders["order_date"].min()).normalize()
    if week:
        week_start, week_end = parse_week(week)
    else:
        week_end = default_week_end(data_end)
        if week_end < data_start:  # less than one complete week: the week of the last order
            week_end = week_end + pd.Timedelta(days=7)
        week_start = week_end - pd.Timedelta(days=6)
    last_end = None if last_review is None else pd.Timestamp(last_review["period_end"]).normalize()
    up_to_date = last_end is not None and last_end >= week_end
    period_start = week_start
    if last_end is not None and not up_to_date and last_end + pd.Timedelta(days=1) < week_start:
        period_start = last_end + pd.Timedelta(days=1)
    if week_end > data_end:
        notes.append(("review.note.partial_week", {"end": data_end.strftime("%Y-%m-%d")}))

    res = run_all(orders, traffic, ads, products, start=week_start, end=week_end)
    comp = res.comparison
    period = res if period_start == week_start else run_all(orders, traffic, ads, products,
                                                            start=period_start, end=week_end)
    changes = _finding_changes(period.findings, last_review)
    dly = res.daily
    lo = week_start - pd.Timedelta(days=7)
    daily = dly.loc[(dly["date"] >= lo) & (dly["date"] <= week_end), ["date", "revenue", "orders"]]
    ly = dly.loc[(dly["date"] >= week_start - pd.DateOffset(years=1))
                 & (dly["date"] <= week_end - pd.DateOffset(years=1)), ["date", "revenue"]]
    daily = daily.assign(last_year=np.nan).reset_index(drop=True)
    if len(ly):
        shifted = ly.assign(date=ly["date"] + pd.DateOffset(years=1)).set_index("date")["revenue"]
        daily["last_year"] = daily["date"].map(shifted)
    weeks = dly.loc[(dly["date"] > week_end - pd.Timedelta(weeks=12)) & (dly["date"] <= week_end)]
    weekly = (weeks.assign(week_start=weeks["date"] - pd.to_timedelta(weeks["date"].dt.day_of_week, unit="D"))
              .groupby("week_start", as_index=False)[["revenue", "orders"]].sum())
    comp_moves = _competitor_moves(tables.get("competitors"), period_start, week_end, notes)
    seg_moves, changed, new = _segment_moves(orders, period_start, week_end, notes)
    stock = stock_at_risk(tables, week_end)
    if stock is None:
        notes.append(("review.note.stock_pending", {}))
    return Review(week_name(week_start), week_start, week_end, period_start, week_end, data_end, up_to_date,
                  comp, tuple(changes), daily, weekly, comp_moves, seg_moves, changed, new, stock,
                  currency_of(orders), last_review, store, tuple(notes))


def review_of(orders: pd.DataFrame, traffic: pd.DataFrame | None = None, ads: pd.DataFrame | None = None,
              products: pd.DataFrame | None = None, competitors: pd.DataFrame | None = None, *,
              last_review: dict | None = None, week: str | None = None, store: str | None = None) -> Review:
    """:func:`weekly_review` with the frames as arguments (for caches keyed on the frames' content)."""
    tables = {"orders": orders, "traffic": traffic, "ads": ads, "products": products,
              "competitors": competitors}
    return weekly_review({k: v for k, v in tables.items() if v is not None}, last_review=last_review,
                         week=week, store=store)


def _finding_changes(current: tuple[Finding, ...], last_review: dict | None) -> list[FindingChange]:
    def ident(f: Finding) -> tuple[str, str, str]:
        return (f.code, f.dimension, f.slice)

    before = {ident(f): f for f in map(finding_from_record, (last_review or {}).get("findings") or [])}
    now = {ident(f): f for f in current}
    new = [FindingChange("new", f) for k, f in now.items() if k not in before]
    still = [FindingChange("open", f, before[k].money_at_stake) for k, f in now.items() if k in before]
    gone = [FindingChange("resolved", f, f.money_at_stake) for k, f in before.items() if k not in now]
    money = lambda c: -(c.finding.money_at_stake or 0.0)  # noqa: E731
    return sorted(new, key=money) + sorted(gone, key=money) + sorted(still, key=money)


def _competitor_moves(comp: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp,
                      notes: list) -> pd.DataFrame | None:
    if comp is None or not len(comp):
        notes.append(("review.note.no_competitors", {}))
        return None
    from ..competitors import analyze

    weeks = int(np.ceil(((end - start).days + 1) / 7)) + 1
    try:
        res = analyze(comp, as_of=end, window_weeks=max(2, weeks))
    except DataError as exc:
        notes.append((exc.key, dict(exc.params)))
        return None
    ch = res.changes
    cols = ["brand", "title", "set_id", "is_own", "share_change", "price_first", "price_last", "price_change"]
    movers = res.movers.loc[res.movers["share_change"].abs() >= 0.005].head(MOVERS)
    price = ch.loc[~ch["is_own"].astype(bool) & (ch["price_change"].abs() >= PRICE_MOVE)]
    price = price.reindex(price["price_change"].abs().sort_values(ascending=False).index).head(MOVERS)
    out = pd.concat([movers[cols], price[cols]]).drop_duplicates(["set_id", "brand", "title"])
    return out.reset_index(drop=True)


def _segment_moves(orders: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                   notes: list) -> tuple[pd.DataFrame | None, int | None, int | None]:
    from ..customers import rfm
    from ..schema import has_customers

    if not has_customers(orders):
        notes.append(("review.note.no_customers", {}))
        return None, None, None
    try:
        table = rfm.migration(orders, start, end + pd.Timedelta(days=1))
    except DataError as exc:
        notes.append((exc.key, dict(exc.params)))
        return None, None, None
    long = table.stack().rename("customers").reset_index()
    new = int(long.loc[long["from"] == "(new)", "customers"].sum())
    moved = long.loc[(long["from"] != long["to"]) & (long["from"] != "(new)") & (long["customers"] > 0)]
    moved = moved.sort_values("customers", ascending=False, kind="stable").reset_index(drop=True)
    return moved, int(moved["customers"].sum()), new
