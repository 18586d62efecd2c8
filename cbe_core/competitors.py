"""Own products against their competitor sets: where we lead, where we lag, and what to do.

Input: competitor snapshots (``cbe_core.schema.COMPETITORS``: one row per listing and date, own listings
flagged ``is_own``) and, optionally, reviews (``schema.REVIEWS``). :func:`analyze` returns a
:class:`CompetitorResult`.

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

Gap analysis (per own product and dimension, thresholds in :data:`GAP_RULES`, editable data):
``status`` is ``lead``/``par``/``lag`` (``unknown`` without data); ``severity`` ``high``/``medium`` for
lags, ``low`` otherwise; ``move`` is a catalog key (``comp.move.*``) with the suggested response.
``value`` is ours and ``benchmark`` the set's, in the dimension's unit; ``gap`` the graded quantity:

=========  ===================  =================================  ========================================
dimension  value / benchmark    gap                                rival
=========  ===================  =================================  ========================================
price      price / median       price_index                        cheapest competitor
rating     stars / median       value - benchmark (stars)          -
reviews    count / median       value / benchmark                  -
promotion  our / top frequency  top - ours (share of weeks)        most frequent promoter
share      our share change /   our share change (points, 0.01 =   competitor with the largest share gain
           best rival's gain    1 point)
features   rival / our rate     smoothed praise ratio              brand praised (``detail`` = phrase)
=========  ===================  =================================  ========================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import DataError

REQUIRED = ("date", "product_id", "brand", "is_own", "price")
OPTIONAL = ("list_price", "rating", "review_count", "est_monthly_units", "category", "sku", "title")

# Editable rules: per dimension, the lag and lead thresholds and the lag level that is "high".
# price: price_index; rating: own - set median stars; reviews: own / set median review count;
# promotion: busiest competitor's promo frequency minus ours; share: share change in points over the
# window (0.02 = 2 points); features: competitor/own praise ratio from review mining.
GAP_RULES: dict[str, dict[str, float]] = {
    "price": {"lag": 1.10, "high": 1.25, "lead": 0.90},
    "rating": {"lag": -0.2, "high": -0.4, "lead": 0.2},
    "reviews": {"lag": 0.5, "high": 0.25, "lead": 2.0},
    "promotion": {"lag": 0.25, "high": 0.5, "lead": -0.25},
    "share": {"lag": -0.02, "high": -0.05, "lead": 0.02},
    "features": {"lag": 2.0, "high": 3.0},
}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
DIMENSIONS = ("price", "rating", "reviews", "promotion", "share", "features")

COMPARISON_COLUMNS = [
    "set_id", "product_id", "brand", "is_own", "sku", "title", "category", "date", "price", "list_price",
    "promo_depth", "rating", "review_count", "est_monthly_units", "est_monthly_revenue", "share", "revenue_share",
    "set_median_price", "price_index", "set_median_rating", "set_median_reviews", "n_competitors",
]
CHANGE_COLUMNS = [
    "set_id", "product_id", "brand", "is_own", "title", "weeks", "first_week", "last_week", "price_first",
    "price_last", "price_change", "promo_frequency", "promo_weeks", "mean_promo_depth", "rating_first",
    "rating_last", "rating_change", "review_velocity", "share_first", "share_last", "share_change",
]
GAP_COLUMNS = ["set_id", "product_id", "sku", "title", "dimension", "status", "severity", "value", "benchmark",
               "gap", "rival", "detail", "move"]
TREND_COLUMNS = ["set_id", "week", "product_id", "brand", "title", "is_own", "est_monthly_units", "share", "price",
                 "list_price", "promo_depth", "on_promo"]


@dataclass(frozen=True)
class CompetitorResult:
    """Everything the page, the command line and the export need.

    ``comparison`` (latest snapshot, one row per set and listing; :data:`COMPARISON_COLUMNS`),
    ``changes`` (per set and listing over the window; :data:`CHANGE_COLUMNS`), ``movers`` (the
    ``changes`` rows with the largest absolute ``share_change``, plus ``direction`` "gained"/"lost"),
    ``trend`` (weekly rows per set and listing; :data:`TREND_COLUMNS`), ``gaps`` (per own product and
    dimension, most severe first; :data:`GAP_COLUMNS`), ``reviews`` (a ``cbe_core.reviews.ReviewResult``
    or None), ``as_of`` and ``window_start`` (first day of the window), ``notes`` (catalog key, params).
    """

    comparison: pd.DataFrame
    changes: pd.DataFrame
    movers: pd.DataFrame
    trend: pd.DataFrame
    gaps: pd.DataFrame
    as_of: pd.Timestamp
    window_start: pd.Timestamp
    reviews: object = None
    notes: tuple[tuple[str, dict], ...] = field(default=())


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
        df["is_own"] = df["is_own"].astype("str").str.strip().str.lower().isin(["true", "1", "yes", "y", "是"])
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
    df = df.sort_values(["product_id", "date"], kind="stable").drop_duplicates(["product_id", "date"], keep="last")
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
        pairs = [(str(o), str(c)) for o, comps in mapping.items() for c in ([comps] if isinstance(comps, str) else comps)]
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
    """Per set and listing, the change from the first to the last week of the window (:data:`CHANGE_COLUMNS`)."""
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


def _grade(value: pd.Series, rule: Mapping[str, float], lower_is_worse: bool) -> tuple[np.ndarray, np.ndarray]:
    """status and severity arrays for one dimension. ``lower_is_worse``: small values lag."""
    v = value.to_numpy(dtype=float)
    if lower_is_worse:
        lag, high = v <= rule["lag"], v <= rule["high"]
        lead = v >= rule["lead"] if "lead" in rule else np.zeros(v.shape, bool)
    else:
        lag, high = v >= rule["lag"], v >= rule["high"]
        lead = v <= rule["lead"] if "lead" in rule else np.zeros(v.shape, bool)
    known = ~np.isnan(v)
    status = np.where(~known, "unknown", np.where(lag, "lag", np.where(lead, "lead", "par")))
    severity = np.where(status == "lag", np.where(high, "high", "medium"), "low")
    return status, severity


def gap_analysis(comparison: pd.DataFrame, changes: pd.DataFrame, features: pd.DataFrame | None = None,
                 rules: Mapping[str, Mapping[str, float]] = GAP_RULES) -> pd.DataFrame:
    """Per own product and dimension: lead/par/lag, severity and suggested move (:data:`GAP_COLUMNS`)."""
    own = comparison.loc[comparison["is_own"]]
    if own.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    base = own[["set_id", "product_id", "sku", "title"]]
    rivals = comparison.loc[~comparison["is_own"]]
    parts = []

    def part(dim, value, bench, gap, status, severity, move, rival=None, detail=None):
        p = base.copy()
        p["gap"] = np.asarray(gap, dtype=float)
        p["dimension"] = dim
        p["status"] = status
        p["severity"] = severity
        p["value"] = np.asarray(value, dtype=float)
        p["benchmark"] = np.asarray(bench, dtype=float)
        p["rival"] = pd.Series(rival, index=p.index, dtype="str") if rival is not None else pd.NA
        p["detail"] = pd.Series(detail, index=p.index, dtype="str") if detail is not None else pd.NA
        p["move"] = move
        parts.append(p)

    # price: index vs the competitors' median; a dearer product with a better rating should differentiate
    st, sev = _grade(own["price_index"], rules["price"], lower_is_worse=False)
    rating_ahead = (own["rating"] - own["set_median_rating"]).to_numpy(dtype=float) >= rules["rating"]["lead"]
    cheapest = rivals.sort_values("price", kind="stable").drop_duplicates("set_id").set_index("set_id")["brand"]
    move = np.select([(st == "lag") & rating_ahead, st == "lag", st == "lead"],
                     ["comp.move.differentiate", "comp.move.match_price", "comp.move.use_price_edge"],
                     "comp.move.hold")
    part("price", own["price"], own["set_median_price"], own["price_index"], st, sev, move, rival=own["set_id"].map(cheapest))
    # rating
    diff = own["rating"] - own["set_median_rating"]
    st, sev = _grade(diff, rules["rating"], lower_is_worse=True)
    move = np.select([st == "lag", st == "lead"], ["comp.move.fix_quality", "comp.move.promote_rating"], "comp.move.hold")
    part("rating", own["rating"], own["set_median_rating"], diff, st, sev, move)
    # review volume
    ratio = own["review_count"] / own["set_median_reviews"].where(own["set_median_reviews"] > 0)
    st, sev = _grade(ratio, rules["reviews"], lower_is_worse=True)
    move = np.select([st == "lag", st == "lead"], ["comp.move.push_reviews", "comp.move.show_social_proof"],
                     "comp.move.hold")
    part("reviews", own["review_count"], own["set_median_reviews"], ratio, st, sev, move)
    # promotion: the busiest promoter of the set against our own frequency over the window
    ch = changes.set_index(["set_id", "product_id"])
    riv_ch = changes.loc[~changes["is_own"]].sort_values("promo_frequency", ascending=False, kind="stable")
    busiest = riv_ch.drop_duplicates("set_id").set_index("set_id")
    top_freq = own["set_id"].map(busiest["promo_frequency"])
    own_freq = pd.Series(ch["promo_frequency"].reindex(pd.MultiIndex.from_frame(own[["set_id", "product_id"]])).to_numpy(),
                         index=own.index)
    st, sev = _grade(top_freq - own_freq, rules["promotion"], lower_is_worse=False)
    move = np.select([st == "lag", st == "lead"], ["comp.move.test_promotion", "comp.move.check_promo_margin"],
                     "comp.move.hold")
    part("promotion", own_freq, top_freq, top_freq - own_freq, st, sev, move, rival=own["set_id"].map(busiest["brand"]))
    # share momentum; the rival is the set's biggest gainer
    own_sc = pd.Series(ch["share_change"].reindex(pd.MultiIndex.from_frame(own[["set_id", "product_id"]])).to_numpy(),
                       index=own.index)
    gainer = changes.loc[~changes["is_own"]].sort_values("share_change", ascending=False, kind="stable")
    gainer = gainer.drop_duplicates("set_id").set_index("set_id")
    st, sev = _grade(own_sc, rules["share"], lower_is_worse=True)
    move = np.select([st == "lag", st == "lead"], ["comp.move.defend_share", "comp.move.scale_up"], "comp.move.hold")
    part("share", own_sc, own["set_id"].map(gainer["share_change"]), own_sc, st, sev, move,
         rival=own["set_id"].map(gainer["brand"]))
    # features competitors are praised for (from review mining): the strongest per set
    if features is not None and len(features):
        top = features.sort_values("ratio", ascending=False, kind="stable").drop_duplicates("set_id").set_index("set_id")
        r = own["set_id"].map(top["ratio"])
        st, sev = _grade(r, rules["features"], lower_is_worse=False)
        st = np.where(st == "unknown", "par", st)
        part("features", own["set_id"].map(top["comp_rate"]), own["set_id"].map(top["own_rate"]), r, st, sev,
             np.where(st == "lag", "comp.move.close_feature_gap", "comp.move.hold"),
             rival=own["set_id"].map(top["brand"]), detail=own["set_id"].map(top["phrase"]))
    gaps = pd.concat(parts, ignore_index=True)
    gaps["dimension"] = pd.Categorical(gaps["dimension"], categories=DIMENSIONS, ordered=True)
    gaps["_sev"] = gaps["severity"].map(SEVERITY_ORDER)
    gaps["_lag"] = gaps["status"] != "lag"
    gaps = gaps.sort_values(["_lag", "_sev", "set_id", "product_id", "dimension"], kind="stable")
    gaps["dimension"] = gaps["dimension"].astype("str")
    return gaps[GAP_COLUMNS].reset_index(drop=True)


def analyze(competitors: pd.DataFrame, reviews: pd.DataFrame | None = None, *,
            mapping: pd.DataFrame | Mapping | None = None, as_of=None, window_weeks: int = 26,
            promo_min: float = 0.05, stale_days: int = 35, movers: int = 10,
            rules: Mapping[str, Mapping[str, float]] = GAP_RULES) -> CompetitorResult:
    """Latest comparison, change over time, biggest movers, gap analysis and (with ``reviews``) review
    mining, for every own product; see the module docstring for each definition."""
    df, notes = check_competitors(competitors)
    as_of = pd.Timestamp(as_of).normalize() if as_of is not None else df["date"].max()
    df = df.loc[df["date"] <= as_of]
    if df.empty:
        raise DataError("err.comp.empty", table="competitors")
    sets = competitor_sets(df, mapping)
    comparison, more = compare_latest(df, sets, as_of, stale_days)
    notes += more
    weekly = _weekly(df, promo_min)
    trend = share_trend(weekly, sets)
    last_week = as_of - pd.Timedelta(days=as_of.day_of_week)
    window_start = last_week - pd.Timedelta(weeks=window_weeks - 1)
    changes = changes_over_time(trend, weekly, window_start)
    review_result = None
    features = None
    if reviews is not None:
        from .reviews import mine

        listings = sets.merge(df.drop_duplicates("product_id", keep="last")[["product_id", "brand", "is_own"]],
                              on="product_id")
        review_result = mine(reviews, listings)
        features = review_result.features
        notes += list(review_result.notes)
    gaps = gap_analysis(comparison, changes, features, rules)
    return CompetitorResult(comparison, changes, biggest_movers(changes, movers), trend, gaps, as_of,
                            window_start, review_result, tuple(notes))


def export_sheets(result: CompetitorResult) -> dict[str, pd.DataFrame]:
    """The sheets of the Excel download (stable English column names)."""
    sheets = {"gaps": result.gaps, "comparison": result.comparison, "changes": result.changes,
              "movers": result.movers}
    if result.reviews is not None:
        sheets["review_features"] = result.reviews.features
        sheets["review_phrases"] = result.reviews.phrases
    return sheets


SET_LEVEL = ("features",)


def headline(gaps: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The lags to act on first: at most one per dimension until every dimension with a lag is shown,
    set-level findings (praised features) once per set; ordered by severity, then by how many of our
    products the row stands for (``products``, added), then by dimension round."""
    lags = gaps.loc[gaps["status"] == "lag"].copy()
    if lags.empty:
        return lags.assign(products=pd.Series(dtype="int64"))
    set_level = lags["dimension"].isin(SET_LEVEL)
    per_set = lags.loc[set_level].groupby(["set_id", "dimension"])["product_id"].transform("size")
    lags["products"] = 1
    lags.loc[set_level, "products"] = per_set
    lags = lags.loc[~(set_level & lags.duplicated(["set_id", "dimension"]))]
    lags["_sev"] = lags["severity"].map(SEVERITY_ORDER)
    lags["_round"] = lags.groupby("dimension", sort=False).cumcount()
    lags = lags.sort_values(["_round", "_sev"], kind="stable").head(n)
    lags["_wide"] = -lags["products"]
    lags = lags.sort_values(["_sev", "_wide", "_round"], kind="stable")
    return lags.drop(columns=["_sev", "_round", "_wide"]).reset_index(drop=True)


def _fmt_params(row: Mapping, lang: str) -> dict[str, object]:
    from .i18n import t

    dim = str(row["dimension"])
    v, b = float(row["value"]), float(row["benchmark"])
    p: dict[str, object] = {"title": row["title"], "set": row["set_id"], "rival": row.get("rival") if pd.notna(row.get("rival")) else "-",
                            "detail": row.get("detail") if pd.notna(row.get("detail")) else "",
                            "dimension": t(f"comp.dim.{dim}", lang)}
    if dim == "price":
        p["pct"] = f"{abs(float(row['gap']) - 1):.0%}"
    elif dim == "rating":
        p["value"], p["benchmark"] = f"{v:.1f}", f"{b:.1f}"
    elif dim == "reviews":
        p["value"], p["benchmark"] = f"{v:,.0f}", f"{b:,.0f}"
    elif dim == "promotion" or dim == "features":
        p["value"], p["benchmark"] = f"{v:.0%}", f"{b:.0%}"
        if dim == "features":
            p["ratio"] = f"{float(row['gap']):.1f}"
    elif dim == "share":
        p["pp"] = f"{abs(v) * 100:.1f}"
        p["rival_pp"] = f"{b * 100:+.1f}"
    return p


def describe(gaps: pd.DataFrame, lang: str = "en") -> list[str]:
    """One sentence per gap row, in ``lang`` (for the command line and the page's answer)."""
    from .i18n import has, t

    out = []
    for row in gaps.to_dict("records"):  # the few rows shown, not the data
        key = f"comp.gap.{row['dimension']}.{row['status']}"
        if not has(key):
            key = "comp.gap.unknown" if row["status"] == "unknown" else "comp.gap.par"
        out.append(t(key, lang, **_fmt_params(row, lang)))
    return out


def describe_movers(movers: pd.DataFrame, lang: str = "en") -> list[str]:
    from .i18n import t

    return [t(f"comp.mover.{r['direction']}", lang, brand=r["brand"], title=r["title"], set=r["set_id"],
              pp=f"{abs(r['share_change']) * 100:.1f}") for r in movers.to_dict("records")]


def export_workbook(result: CompetitorResult) -> bytes:
    """The comparison as an Excel workbook (:func:`export_sheets`), via ``cbe_core.export``."""
    from .export import write_workbook

    return write_workbook(export_sheets(result), number_formats={
        "share": "0.0%", "revenue_share": "0.0%", "promo_depth": "0.0%", "price_change": "0.0%",
        "promo_frequency": "0%", "share_change": "0.0%", "comp_rate": "0%", "own_rate": "0%",
        "price_index": "0.00", "mean_promo_depth": "0.0%"})
