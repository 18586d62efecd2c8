"""Competitor snapshots read as a comparison: sets, the latest snapshot against the set, weekly share
and the change over a window.

Competitor sets. By default a set is a category: every listing with the same ``category`` (one set
``"all"`` when the column is absent). An explicit ``mapping`` (DataFrame ``own_product_id``,
``product_id``, or dict own id -> list of competitor ids) makes one set per own product instead
(``set_id`` = the own product id); a competitor can then sit in several sets.

Definitions (all on each listing's latest snapshot, ``as_of`` = the newest snapshot date; a listing
whose latest snapshot is more than ``stale_days`` older is left out and counted in the notes):

- ``promo_depth = max(0, 1 - price / list_price)`` (0 without a list price above the price; NaN when
  the list price is missing); a snapshot is *on promotion* when ``promo_depth >= promo_min`` (5%).
- ``set_median_price`` = median price of the set's *competitor* listings; ``price_index = price /
  set_median_price`` (1.00 = at the competitors' median, 1.20 = 20% dearer). Same for
  ``set_median_rating`` and ``set_median_reviews``.
- ``est_monthly_revenue = est_monthly_units * price`` (an estimate: units are the tool's estimate).
- ``share`` = listing's estimated units / all estimated units of the set's listings (own included);
  ``revenue_share`` likewise with revenue.

Change over time: snapshots are put in ISO weeks (Monday start; the last snapshot of a listing in a
week counts). Over the last ``window_weeks`` weeks up to ``as_of``: ``price_change`` (relative, first
week of the window to the last), ``promo_frequency`` (share of the listing's weeks on promotion),
``rating_change``, ``review_velocity`` (new reviews per week), ``share_change`` (share points, last
minus first week; shares are computed per week over the listings seen that week).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import DataError

REQUIRED = ("date", "product_id", "brand", "is_own", "price")
OPTIONAL = ("list_price", "rating", "review_count", "est_monthly_units", "category", "sku", "title")

COMPARISON_COLUMNS = [
    "set_id", "product_id", "brand", "is_own", "sku", "title", "category", "date", "price", "list_price",
    "promo_depth", "rating", "review_count", "est_monthly_units", "est_monthly_revenue", "share",
    "revenue_share", "set_median_price", "price_index", "set_median_rating", "set_median_reviews",
    "n_competitors",
]
CHANGE_COLUMNS = [
    "set_id", "product_id", "brand", "is_own", "title", "weeks", "first_week", "last_week", "price_first",
    "price_last", "price_change", "promo_frequency", "promo_weeks", "mean_promo_depth", "rating_first",
    "rating_last", "rating_change", "review_velocity", "share_first", "share_last", "share_change",
]
TREND_COLUMNS = ["set_id", "week", "product_id", "brand", "title", "is_own", "est_monthly_units", "share",
                 "price", "list_price", "promo_depth", "on_promo"]


def check_competitors(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, dict]]]:
    """The columns the analysis uses, typed; rows without date, id or a positive price are dropped and
    counted; duplicate (listing, date) rows keep the last. Raises DataError on missing columns/no rows."""
    if frame is None or len(frame) == 0:
        raise DataError("err.comp.empty", table="competitors")
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise DataError("err.comp.missing_columns", table="competitors", columns=", ".join(missing),
                        found=", ".join(map(str, frame.columns)))
    cols = list(REQUIRED) + [c for c in OPTIONAL if c in frame.columns]
    df = frame[cols].copy()
    notes: list[tuple[str, dict]] = []
    df["date"] = pd.to_datetime(df["date"], errors="coerce").dt.normalize()
    df["product_id"] = df["product_id"].astype("str")
    df["brand"] = df["brand"].astype("str").fillna("")
    if df["is_own"].dtype != bool:
        own = df["is_own"].astype("str").str.strip().str.lower()
        df["is_own"] = own.isin(["true", "1", "yes", "y", "是"])
    for c in ("price", "list_price", "rating", "review_count", "est_monthly_units"):
        if c in df.columns:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
        else:
            df[c] = np.nan
    for c in ("category", "sku", "title"):
        df[c] = df[c].astype("str") if c in df.columns else pd.Series(pd.NA, index=df.index, dtype="str")
    if "category" not in frame.columns:
        df["category"] = "all"
    df["category"] = df["category"].fillna("(none)")
    df["title"] = df["title"].fillna(df["brand"] + " " + df["product_id"])
    bad = df["date"].isna() | df["product_id"].isna() | ~(df["price"] > 0)
    if bad.any():
        notes.append(("comp.note.rows_dropped", {"count": int(bad.sum())}))
        df = df.loc[~bad]
    if df.empty:
        raise DataError("err.comp.empty", table="competitors")
    before = len(df)
    df = df.sort_values(["product_id", "date"], kind="stable").drop_duplicates(["product_id", "date"],
                                                                              keep="last")
    if len(df) < before:
        notes.append(("comp.note.duplicates", {"count": before - len(df)}))
    if not df["is_own"].any():
        notes.append(("comp.note.no_own", {}))
    if df["est_monthly_units"].isna().all():
        notes.append(("comp.note.no_units", {}))
    return df.reset_index(drop=True), notes


def promo_depth(price: pd.Series, list_price: pd.Series) -> pd.Series:
    """``max(0, 1 - price / list_price)``; NaN where the list price is missing or not positive."""
    lp = list_price.where(list_price > 0)
    return (1 - price / lp).clip(lower=0.0)


def competitor_sets(listings: pd.DataFrame, mapping: pd.DataFrame | Mapping | None = None) -> pd.DataFrame:
    """Set membership: one row per (set_id, product_id). See the module docstring."""
    ids = listings[["product_id", "category", "is_own"]].drop_duplicates("product_id")
    if mapping is None:
        return ids.rename(columns={"category": "set_id"})[["set_id", "product_id"]].reset_index(drop=True)
    if isinstance(mapping, Mapping):
        pairs = [(str(o), str(c)) for o, comps in mapping.items()
                 for c in ([comps] if isinstance(comps, str) else comps)]
        mapping = pd.DataFrame(pairs, columns=["own_product_id", "product_id"])
    missing = [c for c in ("own_product_id", "product_id") if c not in mapping.columns]
    if missing:
        raise DataError("err.comp.missing_columns", table="mapping", columns=", ".join(missing),
                        found=", ".join(map(str, mapping.columns)))
    m = mapping[["own_product_id", "product_id"]].astype("str")
    own = pd.DataFrame({"set_id": m["own_product_id"].unique()})
    own["product_id"] = own["set_id"]
    sets = pd.concat([own, m.rename(columns={"own_product_id": "set_id"})], ignore_index=True)
    sets = sets.drop_duplicates().loc[lambda d: d["product_id"].isin(ids["product_id"])]
    return sets.reset_index(drop=True)


def _weekly(df: pd.DataFrame, promo_min: float) -> pd.DataFrame:
    """The last snapshot per listing and ISO week (Monday start)."""
    w = df.assign(week=df["date"] - pd.to_timedelta(df["date"].dt.day_of_week, unit="D"))
    w = w.drop_duplicates(["product_id", "week"], keep="last")  # df is sorted by product, date
    w["promo_depth"] = promo_depth(w["price"], w["list_price"])
    w["on_promo"] = w["promo_depth"].fillna(0.0) >= promo_min
    return w


def _set_stats(comp: pd.DataFrame) -> pd.DataFrame:
    """Per set: competitor medians and count, and the estimated unit/revenue totals of all listings."""
    rivals = comp.loc[~comp["is_own"]]
    med = rivals.groupby("set_id").agg(
        set_median_price=("price", "median"), set_median_rating=("rating", "median"),
        set_median_reviews=("review_count", "median"), n_competitors=("product_id", "nunique"),
    )
    tot = comp.groupby("set_id").agg(set_units=("est_monthly_units", "sum"),
                                     set_revenue=("est_monthly_revenue", "sum"),
                                     units_known=("est_monthly_units", "count"))
    return tot.join(med, how="left")


def compare_latest(df: pd.DataFrame, sets: pd.DataFrame, as_of: pd.Timestamp, stale_days: int = 35
                   ) -> tuple[pd.DataFrame, list[tuple[str, dict]]]:
    """Latest-snapshot comparison of every listing with its set (:data:`COMPARISON_COLUMNS`)."""
    notes: list[tuple[str, dict]] = []
    latest = df.loc[df["date"] <= as_of].drop_duplicates("product_id", keep="last")
    stale = latest["date"] < as_of - pd.Timedelta(days=stale_days)
    if stale.any():
        notes.append(("comp.note.stale", {"count": int(stale.sum()), "days": stale_days}))
        latest = latest.loc[~stale]
    latest = latest.assign(promo_depth=promo_depth(latest["price"], latest["list_price"]),
                           est_monthly_revenue=latest["est_monthly_units"] * latest["price"])
    comp = sets.merge(latest, on="product_id", how="inner")
    stats = _set_stats(comp)
    comp = comp.join(stats, on="set_id")
    units_ok = comp["set_units"] > 0
    comp["share"] = (comp["est_monthly_units"] / comp["set_units"]).where(units_ok)
    comp["revenue_share"] = (comp["est_monthly_revenue"] / comp["set_revenue"]).where(comp["set_revenue"] > 0)
    comp["price_index"] = comp["price"] / comp["set_median_price"]
    comp["n_competitors"] = comp["n_competitors"].fillna(0).astype("int64")
    no_rivals = comp.loc[comp["is_own"] & (comp["n_competitors"] == 0), "set_id"].unique()
    if len(no_rivals):
        notes.append(("comp.note.no_competitors", {"sets": ", ".join(map(str, no_rivals[:5])),
                                                   "count": len(no_rivals)}))
    comp = comp.sort_values(["set_id", "is_own", "est_monthly_revenue"], ascending=[True, False, False],
                            kind="stable")
    return comp[COMPARISON_COLUMNS].reset_index(drop=True), notes


def share_trend(weekly: pd.DataFrame, sets: pd.DataFrame) -> pd.DataFrame:
    """Weekly share of each listing in its set (:data:`TREND_COLUMNS`)."""
    tr = sets.merge(weekly, on="product_id", how="inner")
    total = tr.groupby(["set_id", "week"])["est_monthly_units"].transform("sum")
    tr["share"] = (tr["est_monthly_units"] / total).where(total > 0)
    tr = tr.sort_values(["set_id", "product_id", "week"], kind="stable")
    return tr[TREND_COLUMNS].reset_index(drop=True)


def changes_over_time(trend: pd.DataFrame, weekly: pd.DataFrame, window_start: pd.Timestamp) -> pd.DataFrame:
    """Per set and listing, the change from the first to the last week of the window
    (:data:`CHANGE_COLUMNS`)."""
    w = trend.loc[trend["week"] >= window_start].merge(
        weekly[["product_id", "week", "rating", "review_count"]], on=["product_id", "week"], how="left")
    g = w.groupby(["set_id", "product_id"], sort=True)
    out = g.agg(
        brand=("brand", "first"), is_own=("is_own", "first"), title=("title", "last"), weeks=("week", "size"),
        first_week=("week", "first"), last_week=("week", "last"), price_first=("price", "first"),
        price_last=("price", "last"), promo_frequency=("on_promo", "mean"), promo_weeks=("on_promo", "sum"),
        rating_first=("rating", "first"), rating_last=("rating", "last"),
        reviews_first=("review_count", "first"), reviews_last=("review_count", "last"),
        share_first=("share", "first"), share_last=("share", "last"),
    )
    depth = w.loc[w["on_promo"]].groupby(["set_id", "product_id"])["promo_depth"].mean()
    out["mean_promo_depth"] = depth.reindex(out.index)
    span_weeks = (out["last_week"] - out["first_week"]).dt.days / 7.0
    out["price_change"] = out["price_last"] / out["price_first"] - 1
    out["rating_change"] = out["rating_last"] - out["rating_first"]
    out["review_velocity"] = ((out["reviews_last"] - out["reviews_first"]) / span_weeks).where(span_weeks > 0)
    out["share_change"] = out["share_last"] - out["share_first"]
    out["promo_weeks"] = out["promo_weeks"].astype("int64")
    return out.reset_index()[CHANGE_COLUMNS]


def biggest_movers(changes: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` listings with the largest absolute share change (one row per listing)."""
    c = changes.dropna(subset=["share_change"])
    c = c.assign(abs_change=c["share_change"].abs()).sort_values("abs_change", ascending=False, kind="stable")
    c = c.drop_duplicates("product_id").head(n).drop(columns="abs_change")
    c["direction"] = np.where(c["share_change"] >= 0, "gained", "lost")
    return c.reset_index(drop=True)


def describe_movers(movers: pd.DataFrame, lang: str = "en") -> list[str]:
    from ..i18n import t

    return [t(f"comp.mover.{r['direction']}", lang, brand=r["brand"], title=r["title"], set=r["set_id"],
              pp=f"{abs(r['share_change']) * 100:.1f}") for r in movers.to_dict("records")]
