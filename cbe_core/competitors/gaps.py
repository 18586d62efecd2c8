"""Where each own product leads or lags its competitor set, how badly, and the suggested move.

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

import numpy as np
import pandas as pd

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

GAP_COLUMNS = ["set_id", "product_id", "sku", "title", "dimension", "status", "severity", "value",
               "benchmark", "gap", "rival", "detail", "move"]


def _grade(value: pd.Series, rule: Mapping[str, float], lower_is_worse: bool
           ) -> tuple[np.ndarray, np.ndarray]:
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
    cheapest = rivals.sort_values("price", kind="stable").drop_duplicates("set_id")
    cheapest = cheapest.set_index("set_id")["brand"]
    move = np.select([(st == "lag") & rating_ahead, st == "lag", st == "lead"],
                     ["comp.move.differentiate", "comp.move.match_price", "comp.move.use_price_edge"],
                     "comp.move.hold")
    part("price", own["price"], own["set_median_price"], own["price_index"], st, sev, move,
         rival=own["set_id"].map(cheapest))
    # rating
    diff = own["rating"] - own["set_median_rating"]
    st, sev = _grade(diff, rules["rating"], lower_is_worse=True)
    move = np.select([st == "lag", st == "lead"], ["comp.move.fix_quality", "comp.move.promote_rating"],
                     "comp.move.hold")
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
    own_keys = pd.MultiIndex.from_frame(own[["set_id", "product_id"]])
    own_freq = pd.Series(ch["promo_frequency"].reindex(own_keys).to_numpy(), index=own.index)
    st, sev = _grade(top_freq - own_freq, rules["promotion"], lower_is_worse=False)
    move = np.select([st == "lag", st == "lead"],
                     ["comp.move.test_promotion", "comp.move.check_promo_margin"], "comp.move.hold")
    part("promotion", own_freq, top_freq, top_freq - own_freq, st, sev, move,
         rival=own["set_id"].map(busiest["brand"]))
    # share momentum; the rival is the set's biggest gainer
    own_sc = pd.Series(ch["share_change"].reindex(own_keys).to_numpy(), index=own.index)
    gainer = changes.loc[~changes["is_own"]].sort_values("share_change", ascending=False, kind="stable")
    gainer = gainer.drop_duplicates("set_id").set_index("set_id")
    st, sev = _grade(own_sc, rules["share"], lower_is_worse=True)
    move = np.select([st == "lag", st == "lead"], ["comp.move.defend_share", "comp.move.scale_up"],
                     "comp.move.hold")
    part("share", own_sc, own["set_id"].map(gainer["share_change"]), own_sc, st, sev, move,
         rival=own["set_id"].map(gainer["brand"]))
    # features competitors are praised for (from review mining): the strongest per set
    if features is not None and len(features):
        top = features.sort_values("ratio", ascending=False, kind="stable")
        top = top.drop_duplicates("set_id").set_index("set_id")
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
    from ..i18n import t

    dim = str(row["dimension"])
    v, b = float(row["value"]), float(row["benchmark"])
    p: dict[str, object] = {"title": row["title"], "set": row["set_id"],
                            "rival": row.get("rival") if pd.notna(row.get("rival")) else "-",
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
    from ..i18n import has, t

    out = []
    for row in gaps.to_dict("records"):  # the few rows shown, not the data
        key = f"comp.gap.{row['dimension']}.{row['status']}"
        if not has(key):
            key = "comp.gap.unknown" if row["status"] == "unknown" else "comp.gap.par"
        out.append(t(key, lang, **_fmt_params(row, lang)))
    return out
