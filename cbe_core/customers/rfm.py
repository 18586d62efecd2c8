"""RFM segmentation: recency, frequency and monetary value per customer, 1-5 scores, named segments,
clustering and the movement of customers between segments.

Definitions (orders follow the conventions of :mod:`cbe_core.schema`):

- ``as_of`` is the moment of the analysis, *exclusive*: orders dated on or after ``as_of`` are ignored.
  The default is the day after the last order, so a customer who bought on the last day has
  ``recency_days == 1``. ``window_days`` (optional) keeps only orders dated on or after
  ``as_of - window_days``.
- ``recency_days``: whole days from the last purchase day to ``as_of``. (RFM recency counts from the
  end; BG/NBD's "recency" in :mod:`cbe_core.customers.clv` is the time from the *first* to the last purchase.)
- ``frequency``: distinct purchase orders, i.e. distinct ``order_id`` among the customer's sales
  lines (:func:`cbe_core.schema.sales_lines`): a return line is not an order, cancelled lines are
  excluded.
- ``monetary``: net sales, the sum of ``quantity * unit_price`` over the customer's sales lines *and*
  return lines (``quantity < 0``) in the window, cancelled lines excluded. It can be zero or negative
  when everything came back.
- ``aov`` = monetary / frequency; ``tenure_days`` = days from the first purchase to ``as_of``.
- A customer is anyone with at least one sales line in the window. Lines without a customer id are
  not attributed; they are counted in the notes (lines, orders, revenue).

Scores (quintiles with a tie rule). For ``n`` customers and a value where higher is better (for recency,
fewer days is better), a customer's score is ``1 + floor(5 * below / n)`` where ``below`` is the number
of customers with a strictly worse value: the quintile in which the customer's *tie group starts*
("min" rank, as ``pandas.Series.rank(method="min")``). Consequences, all tested:

- equal values always get the same score;
- with heavy ties the scores stay meaningful: if 70% of customers bought once, they all get F = 1 and
  the customers with two orders (the next 15%) get F = 4; some scores may be unused, which says the
  truth about the data instead of splitting identical customers at random as ``qcut`` on ranks does;
- a column with a single distinct value carries no information: everyone gets 3, and a note says so.

Segments. The eleven segment names, their descriptions and suggested actions follow Putler's RFM
segment table ("RFM Analysis For Successful Customer Segmentation", putler.com, checked 2026-11:
Champions, Loyal Customers, Potential Loyalist, New Customers, Promising, Need Attention, About To
Sleep, At Risk, Can't Lose Them, Hibernating, Lost). Putler gives overlapping score ranges, so the
cells are laid out here on the usual R vs F/M grid: R score against ``fm_score = round_half_up((F + M)
/ 2)``; every one of the 25 cells belongs to exactly one segment (checked when the rules are loaded).
The rules are data (``cbe_core/data/rfm_segments.csv``; pass your own frame as ``rules=``); the
default grid, R across, F/M up::

    FM 5 | cant_lose_them  cant_lose_them  loyal           loyal               champions
    FM 4 | at_risk         at_risk         loyal           loyal               champions
    FM 3 | at_risk         at_risk         need_attention  potential_loyalist  potential_loyalist
    FM 2 | lost            hibernating     about_to_sleep  potential_loyalist  potential_loyalist
    FM 1 | lost            hibernating     about_to_sleep  promising           new
           R=1             R=2             R=3             R=4                 R=5
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..schema import has_customers

RULES_PATH = Path(__file__).parent.with_name("data") / "rfm_segments.csv"
RULE_COLUMNS = ("segment", "r_min", "r_max", "fm_min", "fm_max")
CONTACT_FIELDS = ("email", "customer_name")
CUSTOMER_COLUMNS = (
    "customer_id", "first_order", "last_order", "recency_days", "frequency", "monetary", "aov",
    "tenure_days", "r_score", "f_score", "m_score", "fm_score", "segment",
)


@dataclass(frozen=True)
class Note:
    """Something the seller should know about the result: a catalog key and its parameters."""

    key: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RfmResult:
    """``customers``: one row per customer (columns :data:`CUSTOMER_COLUMNS`, plus ``email`` and
    ``customer_name`` when the orders carry them), sorted by segment order then monetary descending.
    ``segments``: one row per segment in rule order (all of them, empty ones included) with
    ``segment, customers, share, revenue, revenue_share, recency_days, frequency, monetary``
    (the last three are averages). ``as_of`` is exclusive; ``window_days`` is None for all history."""

    customers: pd.DataFrame
    segments: pd.DataFrame
    as_of: pd.Timestamp
    window_days: int | None
    notes: tuple[Note, ...]


# ------------------------------------------------------------------------------------------- rules
@lru_cache(maxsize=1)
def _default_rules_frame() -> pd.DataFrame:
    return check_rules(pd.read_csv(RULES_PATH))


def default_rules() -> pd.DataFrame:
    """The default segment grid (a fresh copy of ``cbe_core/data/rfm_segments.csv``, package data)."""
    return _default_rules_frame().copy()


def check_rules(rules: pd.DataFrame) -> pd.DataFrame:
    """Validate a rules frame: the columns :data:`RULE_COLUMNS`, integer bounds in 1..5, and every
    (R, FM) cell covered by exactly one rule. Returns a clean copy."""
    missing = [c for c in RULE_COLUMNS if c not in rules.columns]
    if missing:
        raise DataError("err.rfm.rules_columns", missing=", ".join(missing), required=", ".join(RULE_COLUMNS))
    out = rules.loc[:, list(RULE_COLUMNS)].copy()
    out["segment"] = out["segment"].astype(str).str.strip()
    bounds = out[list(RULE_COLUMNS[1:])]
    try:
        bounds = bounds.astype("int64")
    except (TypeError, ValueError):
        raise DataError("err.rfm.rules_bounds") from None
    if ((bounds < 1) | (bounds > 5)).any().any():
        raise DataError("err.rfm.rules_bounds")
    out[list(RULE_COLUMNS[1:])] = bounds
    grid_of(out)
    return out.reset_index(drop=True)


def grid_of(rules: pd.DataFrame) -> np.ndarray:
    """5x5 array ``grid[r - 1, fm - 1]`` = index of the rule covering that cell."""
    grid = np.full((5, 5), -1, dtype=np.int64)
    for i, row in enumerate(rules.itertuples(index=False)):
        cells = grid[row.r_min - 1 : row.r_max, row.fm_min - 1 : row.fm_max]
        if (cells >= 0).any():
            raise DataError("err.rfm.rules_overlap", segment=row.segment)
        grid[row.r_min - 1 : row.r_max, row.fm_min - 1 : row.fm_max] = i
    if (grid < 0).any():
        r, fm = np.argwhere(grid < 0)[0] + 1
        raise DataError("err.rfm.rules_gap", r=int(r), fm=int(fm))
    return grid


# ------------------------------------------------------------------------------------------ scores
def quintile_scores(values, higher_is_better: bool = True) -> np.ndarray:
    """1-5 scores by the "min rank" quintile rule in the module docstring (vectorised, O(n log n))."""
    v = np.asarray(values, dtype=float)
    n = v.size
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    if not higher_is_better:
        v = -v
    s = np.sort(v)
    if s[0] == s[-1]:
        return np.full(n, 3, dtype=np.int8)
    below = np.searchsorted(s, v, side="left")
    return (1 + (5 * below) // n).astype(np.int8)


def fm_scores(f_score, m_score) -> np.ndarray:
    """Combined F/M score: the mean of F and M rounded half up (F=1, M=2 -> 2)."""
    return ((np.asarray(f_score, dtype=np.int64) + np.asarray(m_score, dtype=np.int64) + 1)
            // 2).astype(np.int8)


def assign_segments(r_score, f_score, m_score, rules: pd.DataFrame | None = None) -> pd.Categorical:
    """Segment of each customer from its scores (categories in rule order)."""
    rules = default_rules() if rules is None else check_rules(rules)
    grid = grid_of(rules)
    r = np.asarray(r_score, dtype=np.int64) - 1
    fm = fm_scores(f_score, m_score).astype(np.int64) - 1
    codes = grid[r, fm] if r.size else np.zeros(0, dtype=np.int64)
    return pd.Categorical.from_codes(codes, categories=list(rules["segment"]))


# --------------------------------------------------------------------------------------- aggregate
def _as_day(value, name: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise DataError("err.rfm.bad_date", name=name, value=str(value)) from None
    if ts is pd.NaT:
        raise DataError("err.rfm.bad_date", name=name, value=str(value))
    return ts.tz_localize(None).normalize() if ts.tzinfo else ts.normalize()


def check_orders(orders: pd.DataFrame, who: str = "rfm") -> None:
    """Structural checks shared by RFM and CLV: the columns needed and customer ids present."""
    if orders is None:
        raise DataError("err.rfm.no_customers", who=who)
    need = ("order_id", "order_date", "quantity", "unit_price")
    missing = [c for c in need if c not in orders.columns]
    if missing:
        raise DataError("err.rfm.missing_columns", columns=", ".join(missing))
    if not has_customers(orders):
        raise DataError("err.rfm.no_customers", who=who)


def customer_table(
    orders: pd.DataFrame, as_of=None, window_days: int | None = None
) -> tuple[pd.DataFrame, pd.Timestamp, list[Note]]:
    """Raw R, F, M and dates per customer (no scores yet). Returns ``(frame, as_of, notes)``.

    Vectorised: customer and order ids are factorised once and aggregated with ``np.bincount`` and
    grouped min/max on integer codes, which is what makes 1M lines take a fraction of a second.
    """
    check_orders(orders)
    cols = ["order_id", "order_date", "quantity", "unit_price", "customer_id"]
    cols += [c for c in ("cancelled", *CONTACT_FIELDS) if c in orders.columns]
    df = orders.loc[:, cols]
    dates = df["order_date"].to_numpy(dtype="datetime64[ns]")
    qty = df["quantity"].to_numpy(dtype=float, na_value=np.nan)
    price = df["unit_price"].to_numpy(dtype=float, na_value=np.nan)
    ok = ~np.isnat(dates) & np.isfinite(qty) & np.isfinite(price)
    if "cancelled" in df.columns:
        ok &= ~df["cancelled"].to_numpy(dtype=bool, na_value=False)
    sale = ok & (qty > 0) & (price > 0)
    ret = ok & (qty < 0)
    notes: list[Note] = []
    if not sale.any():
        raise DataError("err.rfm.no_sales")
    last_day = dates[sale].max().astype("datetime64[D]")
    as_of = (pd.Timestamp(last_day) + pd.Timedelta(days=1)) if as_of is None else _as_day(as_of, "as_of")
    as_of64 = np.datetime64(as_of, "ns")
    in_window = dates < as_of64
    if window_days is not None:
        if int(window_days) <= 0:
            raise DataError("err.rfm.bad_window", window=window_days)
        in_window &= dates >= np.datetime64(as_of - pd.Timedelta(days=int(window_days)), "ns")
    sale &= in_window
    ret &= in_window
    if not sale.any():
        raise DataError("err.rfm.empty_window", as_of=as_of.date().isoformat())

    cust_codes, cust_ids = pd.factorize(df["customer_id"], use_na_sentinel=True)
    order_codes, order_ids = pd.factorize(df["order_id"], use_na_sentinel=True)
    no_id = cust_codes < 0
    value = qty * price
    if (no_id & sale).any():
        lost = no_id & sale
        notes.append(Note("rfm.note.no_customer_id", {
            "lines": int(lost.sum()), "orders": int(len(pd.unique(order_codes[lost]))),
            "revenue": round(float(value[no_id & (sale | ret)].sum()), 2)}))
    n_all = len(cust_ids)
    s_idx = np.flatnonzero(sale & ~no_id)
    r_idx = np.flatnonzero(ret & ~no_id)
    sc = cust_codes[s_idx]
    monetary_all = np.bincount(sc, weights=value[s_idx], minlength=n_all)
    monetary_all += np.bincount(cust_codes[r_idx], weights=value[r_idx], minlength=n_all)
    freq_all = _distinct_orders(sc, order_codes[s_idx], n_all, len(order_ids))
    is_customer = freq_all > 0
    day = dates[s_idx].astype("datetime64[D]").view("int64")
    first_day = np.full(n_all, np.iinfo(np.int64).max)
    last_day_c = np.full(n_all, np.iinfo(np.int64).min)
    np.minimum.at(first_day, sc, day)
    np.maximum.at(last_day_c, sc, day)
    keep = np.flatnonzero(is_customer)
    only_returns = int(((np.bincount(cust_codes[r_idx], minlength=n_all) > 0) & ~is_customer).sum())
    if only_returns:
        notes.append(Note("rfm.note.only_returns", {"customers": only_returns}))

    as_of_day = int(np.datetime64(as_of, "D").view("int64"))
    first = first_day[keep]
    last = last_day_c[keep]
    out = pd.DataFrame({
        "customer_id": cust_ids.take(keep) if hasattr(cust_ids, "take") else np.asarray(cust_ids)[keep],
        "first_order": first.astype("datetime64[D]").astype("datetime64[ns]"),
        "last_order": last.astype("datetime64[D]").astype("datetime64[ns]"),
    })
    out["customer_id"] = out["customer_id"].astype("str")
    out["recency_days"] = (as_of_day - last).astype("int64")
    out["frequency"] = freq_all[keep].astype("int64")
    out["monetary"] = np.round(monetary_all[keep], 2)
    out["aov"] = np.round(monetary_all[keep] / freq_all[keep], 2)
    out["tenure_days"] = (as_of_day - first).astype("int64")
    for col in CONTACT_FIELDS:
        if col in df.columns:
            out[col] = _latest_value(df[col], cust_codes, dates, sale & ~no_id, n_all)[keep]
    return out, as_of, notes


def _distinct_orders(cust: np.ndarray, order: np.ndarray, n_cust: int, n_orders: int) -> np.ndarray:
    """Distinct orders per customer code. Fast path: every order belongs to one customer (checked),
    then it is one scatter and a bincount; otherwise count unique (customer, order) pairs."""
    owner = np.full(n_orders, -1, dtype=np.int64)
    owner[order] = cust
    if (owner[order] == cust).all():
        return np.bincount(owner[owner >= 0], minlength=n_cust)
    pairs = pd.unique(cust.astype(np.int64) * n_orders + order)
    return np.bincount(pairs // n_orders, minlength=n_cust)


def _latest_value(values: pd.Series, codes: np.ndarray, dates: np.ndarray, mask: np.ndarray, n: int
                  ) -> pd.Series:
    """The most recent non-empty value of a text column per customer code (empty string if none)."""
    v = values.astype("str")
    present = mask & v.notna().to_numpy() & (v.fillna("").str.strip() != "").to_numpy()
    idx = np.flatnonzero(present)
    result = np.full(n, "", dtype=object)
    if idx.size:
        order = np.lexsort((dates[idx], codes[idx]))
        idx = idx[order]
        c = codes[idx]
        last_of_group = np.flatnonzero(np.r_[c[1:] != c[:-1], True])
        result[c[last_of_group]] = v.to_numpy(dtype=object)[idx[last_of_group]]
    return pd.Series(result, dtype="str")


def score_customers(customers: pd.DataFrame, rules: pd.DataFrame | None = None
                    ) -> tuple[pd.DataFrame, list[Note]]:
    """Add ``r_score, f_score, m_score, fm_score, segment`` to a :func:`customer_table` frame."""
    out = customers.copy()
    notes: list[Note] = []
    out["r_score"] = quintile_scores(out["recency_days"].to_numpy(), higher_is_better=False)
    out["f_score"] = quintile_scores(out["frequency"].to_numpy())
    out["m_score"] = quintile_scores(out["monetary"].to_numpy())
    for col, name in (("recency_days", "R"), ("frequency", "F"), ("monetary", "M")):
        if len(out) > 1 and out[col].nunique() == 1:
            notes.append(Note("rfm.note.constant_column", {"score": name}))
    if 0 < len(out) < 5:
        notes.append(Note("rfm.note.few_customers", {"customers": len(out)}))
    out["fm_score"] = fm_scores(out["f_score"], out["m_score"])
    out["segment"] = assign_segments(out["r_score"], out["f_score"], out["m_score"], rules)
    return out, notes


def segment_summary(customers: pd.DataFrame) -> pd.DataFrame:
    """One row per segment (every category, in rule order): counts, shares, revenue, mean R/F/M."""
    cats = list(customers["segment"].cat.categories)
    g = customers.groupby("segment", observed=False)
    out = g.agg(customers=("customer_id", "size"), revenue=("monetary", "sum"),
                recency_days=("recency_days", "mean"), frequency=("frequency", "mean"),
                monetary=("monetary", "mean")).reindex(cats)
    out = out.reset_index()
    out["segment"] = out["segment"].astype("str")
    n = max(int(out["customers"].sum()), 1)
    total = float(out["revenue"].sum())
    out["customers"] = out["customers"].astype("int64")
    out["share"] = out["customers"] / n
    out["revenue"] = out["revenue"].round(2)
    out["revenue_share"] = out["revenue"] / total if total else 0.0
    return out.loc[:, ["segment", "customers", "share", "revenue", "revenue_share",
                       "recency_days", "frequency", "monetary"]]


def analyse(orders: pd.DataFrame, as_of=None, window_days: int | None = None,
            rules: pd.DataFrame | None = None) -> RfmResult:
    """Customers scored and segmented as of ``as_of`` (see the module docstring for definitions)."""
    rules = default_rules() if rules is None else check_rules(rules)
    raw, as_of, notes = customer_table(orders, as_of, window_days)
    scored, more = score_customers(raw, rules)
    order = np.lexsort((-scored["monetary"].to_numpy(), scored["segment"].cat.codes.to_numpy()))
    scored = scored.iloc[order].reset_index(drop=True)
    return RfmResult(scored, segment_summary(scored), as_of, window_days, tuple(notes + more))


# --------------------------------------------------------------------------------------- migration
def migration(orders: pd.DataFrame, from_date, to_date, window_days: int | None = None,
              rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """Segment movement between two as-of dates: a count matrix, rows = segment at ``from_date``,
    columns = segment at ``to_date``. Customers who had not bought yet at ``from_date`` are in the row
    ``"(new)"``; customers absent at ``to_date`` (possible only with a window) in the column
    ``"(gone)"``. Scores are relative to each date's customer base."""
    a = analyse(orders, from_date, window_days, rules).customers[["customer_id", "segment"]]
    b = analyse(orders, to_date, window_days, rules).customers[["customer_id", "segment"]]
    cats = list(a["segment"].cat.categories)
    merged = a.merge(b, on="customer_id", how="outer", suffixes=("_from", "_to"))
    src = merged["segment_from"].astype("str").fillna("(new)")
    dst = merged["segment_to"].astype("str").fillna("(gone)")
    rows = cats + (["(new)"] if (src == "(new)").any() else [])
    cols = cats + (["(gone)"] if (dst == "(gone)").any() else [])
    table = pd.crosstab(src, dst).reindex(index=rows, columns=cols, fill_value=0)
    table.index.name, table.columns.name = "from", "to"
    return table.astype("int64")


# -------------------------------------------------------------------------------------- clustering
@dataclass(frozen=True)
class ClusterResult:
    """``labels``: cluster per customer (aligned with the input rows). ``profiles``: one row per
    cluster with ``cluster, customers, share, recency_days, frequency, monetary`` (means),
    ``revenue``, ``nearest_segment`` (the named segment whose centre, in the same scaled space, is
    nearest) and ``top_segment``/``top_share`` (the commonest segment among its members).
    ``silhouette``: k -> score for the ks tried (empty when k was set)."""

    labels: np.ndarray
    profiles: pd.DataFrame
    k: int
    silhouette: dict[int, float]
    notes: tuple[Note, ...]


def _features(customers: pd.DataFrame) -> np.ndarray:
    x = np.column_stack([
        np.log1p(customers["recency_days"].to_numpy(dtype=float)),
        np.log1p(customers["frequency"].to_numpy(dtype=float)),
        np.log1p(np.clip(customers["monetary"].to_numpy(dtype=float), 0, None)),
    ])
    sd = x.std(axis=0)
    sd[sd == 0] = 1.0
    return (x - x.mean(axis=0)) / sd


def cluster(customers: pd.DataFrame, k: int | None = None, k_range=range(2, 9), sample_size: int = 2000,
            random_state: int = 0) -> ClusterResult:
    """k-means on standardised ``log1p`` recency, frequency and monetary (negative monetary clipped to
    0). With ``k=None`` the k with the best silhouette score (on a sample of ``sample_size`` customers,
    fitted on the sample) is used; the final model starts from the sample model's centres and is
    refined on every customer."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(customers)
    notes: list[Note] = []
    if n < 3:
        raise DataError("err.rfm.too_few_to_cluster", customers=n)
    x = _features(customers)
    n_distinct = len(np.unique(x.round(9), axis=0))
    scores: dict[int, float] = {}
    rng = np.random.default_rng(random_state)
    xs = x[rng.choice(n, sample_size, replace=False)] if n > sample_size else x
    models = {}
    if k is None:
        if n > sample_size:
            notes.append(Note("rfm.note.silhouette_sample", {"sample": sample_size, "customers": n}))
        for kk in k_range:
            if kk >= min(len(xs), n_distinct):
                break
            km = KMeans(kk, n_init=3, random_state=random_state).fit(xs)
            if len(np.unique(km.labels_)) < 2:
                continue
            models[kk] = km
            scores[kk] = float(silhouette_score(xs, km.labels_))
        k = max(scores, key=scores.get) if scores else min(2, n_distinct)
    k = int(max(1, min(k, n_distinct)))
    # fit on the sample (several starts), then refine on every customer from the sample's centres
    start = models.get(k) or KMeans(k, n_init=4, random_state=random_state).fit(xs)
    centres0 = start.cluster_centers_
    if len(np.unique(centres0.round(9), axis=0)) < k:
        km = KMeans(k, n_init=4, random_state=random_state).fit(x)
    else:
        km = KMeans(k, init=centres0, n_init=1, random_state=random_state).fit(x)
    labels = km.labels_.astype(np.int64)
    # order clusters by mean monetary, descending, so cluster 1 is the most valuable
    mon = customers["monetary"].to_numpy(dtype=float)
    means = np.array([mon[labels == c].mean() for c in range(k)])
    rank = np.empty(k, dtype=np.int64)
    rank[np.argsort(-means)] = np.arange(k)
    labels = rank[labels] + 1
    centres = np.vstack([x[labels == c].mean(axis=0) for c in range(1, k + 1)])
    frame = customers.assign(cluster=labels)
    prof = frame.groupby("cluster").agg(customers=("customer_id", "size"),
                                        recency_days=("recency_days", "mean"),
                                        frequency=("frequency", "mean"), monetary=("monetary", "mean"),
                                        revenue=("monetary", "sum")).reset_index()
    prof["share"] = prof["customers"] / n
    if "segment" in customers.columns:
        seg = customers["segment"].astype("str").to_numpy()
        names = np.unique(seg)
        seg_centres = np.vstack([x[seg == s].mean(axis=0) for s in names])
        d = ((centres[:, None, :] - seg_centres[None, :, :]) ** 2).sum(axis=2)
        prof["nearest_segment"] = names[d.argmin(axis=1)]
        top = frame.groupby("cluster")["segment"].agg(lambda s: s.astype("str").value_counts().index[0])
        top_share = frame.groupby("cluster")["segment"].agg(
            lambda s: s.astype("str").value_counts(normalize=True).iloc[0])
        prof["top_segment"] = top.to_numpy()
        prof["top_share"] = top_share.to_numpy()
    return ClusterResult(labels, prof, k, scores, tuple(notes))


# ------------------------------------------------------------------------------ chart aggregates
def grid_counts(customers: pd.DataFrame, rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """The R x F/M segment map as 25 rows: ``r_score, fm_score, segment`` (the rule's segment for the
    cell), ``customers`` and ``revenue`` (zero for empty cells). Aggregated for charts."""
    rules = default_rules() if rules is None else check_rules(rules)
    grid = grid_of(rules)
    r, fm = np.meshgrid(np.arange(1, 6), np.arange(1, 6), indexing="ij")
    cells = pd.DataFrame({"r_score": r.ravel(), "fm_score": fm.ravel(),
                          "segment": rules["segment"].to_numpy()[grid.ravel()]})
    idx = ((customers["r_score"].to_numpy(dtype=np.int64) - 1) * 5
           + customers["fm_score"].to_numpy(dtype=np.int64) - 1)
    cells["customers"] = np.bincount(idx, minlength=25).astype("int64")
    cells["revenue"] = np.round(np.bincount(idx, weights=customers["monetary"].to_numpy(dtype=float),
                                            minlength=25), 2)
    return cells


def histogram(values, bins: int = 30, log: bool = False) -> pd.DataFrame:
    """Counts of ``values`` in ``bins`` equal-width bins (on ``log10(1 + v)`` with ``log=True``, for
    long-tailed money): ``start, end, customers``. Integer data with few distinct values gets one bin
    per value. Draw this, never one mark per customer."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return pd.DataFrame({"start": [], "end": [], "customers": []})
    if not log and np.all(v == np.round(v)) and v.max() - v.min() < bins:
        edges = np.arange(v.min(), v.max() + 2) - 0.5
    else:
        data = np.log10(1 + np.clip(v, 0, None)) if log else v
        edges = np.histogram_bin_edges(data, bins=bins)
        if log:
            edges = 10 ** edges - 1
    counts, edges = np.histogram(v, bins=edges)
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "customers": counts.astype("int64")})
