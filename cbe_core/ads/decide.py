"""Search-term decisions: which terms to harvest as exact keywords, which to negate, how to move bids.

:func:`analyse` takes the canonical ``search_terms`` frame (and optionally ``products``, ``orders`` and
``ads`` for break-even figures and the SKUs of campaigns) and returns an :class:`AdsResult`.

**Period.** Attribution settles over days (an order can be credited to a click up to 7 or 14 days
later), so the most recent ``settle_days`` (default 3) of the report are left out of every decision:
decisions use ``window_days`` (default 60) ending ``settle_days`` before the report's last day. A
summary report (one row per term for the whole period) cannot be split; its rows are used and a note
says so.

**Units.** Figures are summed per *search term in an ad group* (campaign, ad group, normalised term)
over the rows that did not come from an exact keyword, which is where a harvest or a negative keyword
acts; bids per *target* (campaign, ad group, targeting, match kind), which is what a bid belongs to.

**Harvest** ("add as exact"): a term from auto, broad, phrase or product targeting with
``orders >= min_orders`` (default 3) and ``ACoS <= target ACoS``, not yet an exact keyword for the same
SKU (any exact keyword anywhere in the report when SKUs are unknown; plurals folded). It goes into an
ad group of the same campaign that holds exact keywords, else one holding exact keywords for the same
SKU, else its own ad group when that is a keyword ad group (an automatic campaign cannot hold
keywords: then no destination is given and the seller is told to make a manual campaign). Suggested
starting bid: ``target ACoS x sales per click`` (shrunk toward the ad group, :mod:`.stats`), at most the
term's cost per click raised by ``max_change``. ASIN terms are harvested as product targets
(``asin="B0..."``). The *isolation move* (``isolate=True``): the same term as a negative exact in its
source ad group, so the exact keyword gets the traffic instead of the auto/broad targeting bidding
against it; only when the destination is another ad group (a negative would block a keyword in its
own ad group).

**Negate**: a term with spend and no orders (or ACoS above target) whose shortfall is evidence:
the p-value of :func:`.stats.negation_p_values` is below ``alpha`` (default 0.05). The money it
wasted is its spend in the window; the monthly saving is that spend per day x 30.44 (days in an
average month); ``spend_30d`` is its spend in the report's last 30 days.

**Bids**: ``suggested bid = target ACoS x sales per click``, the sales per click shrunk toward the ad
group's (empirical Bayes, :mod:`.stats`); the report has no bids, so the current figure is the
target's average cost per click (what the bids actually paid); the change is capped at
``max_change`` (default +/-20%) per step, floored at ``min_bid`` (default 0.02, Amazon's minimum
Sponsored Products keyword bid on amazon.com; other marketplaces differ) and called "hold" within
``min_step`` (5%).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..errors import DataError
from . import breakeven, stats
from ._common import (
    MATCH_KINDS,
    Note,
    check_search_terms,
    encode,
    is_asin,
    match_kinds,
    safe_div,
    single_currency,
)
from .listing import ListingCoverage, coverage, fold_phrases

DAYS_PER_MONTH = 30.44
KEYWORD_KINDS = ("exact", "phrase", "broad")
DECISIONS = ("harvest", "negate", "watch", "keep")
HARVEST_COLUMNS = ("term", "campaign", "ad_group", "source_kind", "sku", "target_type", "impressions",
                   "clicks", "spend", "orders", "sales", "acos", "target_acos", "cpc", "sales_per_click",
                   "spc_shrunk", "suggested_bid", "bid_capped", "dest_campaign", "dest_ad_group",
                   "negate_in_source")
NEGATE_COLUMNS = ("term", "campaign", "ad_group", "source_kind", "sku", "target_type", "impressions",
                  "clicks", "spend", "orders", "sales", "acos", "target_acos", "pool", "pool_conversion",
                  "p_value", "spend_30d", "monthly_saving")
_SUMS = ["impressions", "clicks", "spend", "orders", "sales"]


@dataclass(frozen=True)
class Settings:
    """The seller's knobs (defaults in the module docstring)."""

    window_days: int | None = 60
    settle_days: int = 3
    target_acos: float | Mapping[str, float] | None = None
    safety_margin: float = breakeven.DEFAULT_SAFETY_MARGIN
    min_orders: int = 3
    alpha: float = 0.05
    rate_ratio: float = 0.5
    method: str = "beta_binomial"
    max_change: float = 0.20
    min_step: float = 0.05
    min_bid: float = 0.02
    isolate: bool = True
    fee_rate: float = breakeven.DEFAULT_FEE_RATE

    def check(self) -> Settings:
        bad = None
        if self.window_days is not None and int(self.window_days) < 1:
            bad = ("window_days", self.window_days)
        elif int(self.settle_days) < 0:
            bad = ("settle_days", self.settle_days)
        elif int(self.min_orders) < 1:
            bad = ("min_orders", self.min_orders)
        elif not 0 < self.alpha < 1:
            bad = ("alpha", self.alpha)
        elif not 0 < self.rate_ratio <= 1:
            bad = ("rate_ratio", self.rate_ratio)
        elif self.method not in stats.METHODS:
            bad = ("method", self.method)
        elif not 0 < self.max_change < 5:
            bad = ("max_change", self.max_change)
        elif self.min_bid < 0 or self.min_step < 0:
            bad = ("min_bid", self.min_bid)
        if bad:
            raise DataError("err.ads.bad_setting", setting=bad[0], value=bad[1])
        return self


@dataclass(frozen=True)
class AdsResult:
    """What :func:`analyse` found. Money is in ``currency`` (None: the store's own, unnamed)."""

    period: dict
    currency: str | None
    terms: pd.DataFrame
    harvest: pd.DataFrame
    negate: pd.DataFrame
    bids: pd.DataFrame
    targets: pd.DataFrame
    coverage: ListingCoverage | None
    settings: Settings
    notes: tuple[Note, ...] = field(default_factory=tuple)

    @property
    def wasted_spend(self) -> float:
        """Spend in the decision window on the terms to negate."""
        return float(self.negate["spend"].sum())

    @property
    def wasted_30d(self) -> float:
        """Spend in the report's last 30 days on the terms to negate."""
        return float(self.negate["spend_30d"].sum())

    @property
    def monthly_saving(self) -> float:
        return float(self.negate["monthly_saving"].sum())

    @property
    def harvest_orders(self) -> int:
        """Orders in the window carried by the terms to harvest."""
        return int(self.harvest["orders"].sum())

    @property
    def bid_changes(self) -> pd.DataFrame:
        return self.bids.loc[self.bids["direction"] != "hold"]


def _group(frame: pd.DataFrame, keys: list[str], sums: list[str]) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in keys} |
                            {c: pd.Series(dtype="float64") for c in sums})
    return frame.groupby(keys, sort=False)[sums].sum().reset_index()


def _period(st: pd.DataFrame, s: Settings) -> tuple[dict, np.ndarray, list[Note]]:
    notes: list[Note] = []
    report_start = st["date"].min()
    report_end = st["date_end"].max()
    cutoff = report_end - pd.Timedelta(days=int(s.settle_days))
    start = report_start if s.window_days is None else max(
        report_start, cutoff - pd.Timedelta(days=int(s.window_days) - 1))
    daily = (st["date"] == st["date_end"]).to_numpy()
    d0 = st["date"].to_numpy()
    d1 = st["date_end"].to_numpy()
    in_daily = daily & (d0 >= start.to_datetime64()) & (d0 <= cutoff.to_datetime64())
    in_period = ~daily & (d1 >= start.to_datetime64()) & (d0 <= cutoff.to_datetime64())
    mask = in_daily | in_period
    if not mask.any():
        raise DataError("err.ads.empty_window", start=start.date().isoformat(),
                        end=cutoff.date().isoformat(), report_start=report_start.date().isoformat(),
                        report_end=report_end.date().isoformat())
    if s.settle_days > 0:
        notes.append(Note("ads.note.settle", {"days": int(s.settle_days),
                                              "start": (cutoff + pd.Timedelta(days=1)).date().isoformat(),
                                              "end": report_end.date().isoformat()}))
    if in_period.any():
        notes.append(Note("ads.note.summary_rows", {"rows": int(in_period.sum())}))
        start = min(start, pd.Timestamp(d0[in_period].min()))
        cutoff = max(cutoff, pd.Timestamp(d1[in_period].max()))
    period = {"report_start": report_start.date().isoformat(), "report_end": report_end.date().isoformat(),
              "start": start.date().isoformat(), "end": cutoff.date().isoformat(),
              "days": int((cutoff - start).days) + 1, "settle_days": int(s.settle_days)}
    return period, mask, notes


def _campaign_skus(ads: pd.DataFrame | None, rows: pd.DataFrame, camp_k, sku_k) -> pd.DataFrame:
    """(campaign key, sku, weight): the SKUs each campaign advertises, weighted by ad sales (or spend,
    or clicks), from the ads table and from search-term rows that name their SKU (encoded ``rows``)."""
    parts = []
    if ads is not None and {"campaign", "sku"} <= set(ads.columns) and len(ads):
        w_col = next((c for c in ("ad_sales", "spend", "clicks") if c in ads.columns), None)
        codes, keys, _ = encode(ads["campaign"])
        a = pd.DataFrame({"campaign_key": keys[codes], "sku": ads["sku"].astype("str").str.strip().to_numpy(),
                          "w": ads[w_col].to_numpy(dtype=float) if w_col else 1.0})
        parts.append(a.loc[a["sku"].notna() & (a["sku"] != "")])
    g = rows.groupby(["camp", "sku"], sort=False)["sales"].sum().reset_index()
    g = g.assign(campaign_key=camp_k[g["camp"].to_numpy()], sku=sku_k[g["sku"].to_numpy()],
                 w=g["sales"].to_numpy() + 1e-9)
    parts.append(g.loc[g["sku"] != "", ["campaign_key", "sku", "w"]])
    cs = pd.concat(parts, ignore_index=True)
    return cs.groupby(["campaign_key", "sku"], sort=False)["w"].sum().reset_index()


def analyse(search_terms: pd.DataFrame, products: pd.DataFrame | None = None,
            orders: pd.DataFrame | None = None, ads: pd.DataFrame | None = None, *,
            settings: Settings | None = None, **overrides) -> AdsResult:
    """Harvest, negate and bid decisions over the search term report (see the module docstring).

    ``settings`` or keyword overrides (``target_acos=0.25, window_days=30, settle_days=3...``)."""
    s = replace(settings or Settings(), **overrides).check()
    st = check_search_terms(search_terms)
    currency = single_currency(search_terms, products, orders, ads)
    period, in_window, notes = _period(st, s)

    # --- codes (whole report: exact keywords and the last 30 days need rows outside the window)
    camp_c, camp_k, camp_d = encode(st["campaign"])
    ag_c, ag_k, ag_d = encode(st["ad_group"])
    tg_c, tg_k, tg_d = encode(st["targeting"])
    mt_c, mt_k, _ = encode(st["match_type"])
    term_c, term_k, term_d = encode(st["search_term"])
    sku_c, sku_k, _ = encode(st["sku"].astype("str").where(st["sku"].notna(), ""), normalise=False)
    pair = mt_c * len(tg_k) + tg_c
    pair_c, pair_u = pd.factorize(pair)
    pair_kind = match_kinds(mt_k[pair_u // len(tg_k)], tg_k[pair_u % len(tg_k)])
    kind_idx = np.array([MATCH_KINDS.index(k) for k in pair_kind], dtype=np.int64)[pair_c]
    n_ag, n_term = len(ag_k), len(term_k)
    if len(camp_k) * n_ag * n_term >= 2 ** 62:  # pragma: no cover - far beyond any real account
        raise DataError("err.ads.bad_setting", setting="search_terms", value=len(st))
    k2 = camp_c * n_ag + ag_c                       # ad group key
    rows = pd.DataFrame({"camp": camp_c, "ag": ag_c, "tg": tg_c, "kind": kind_idx, "term": term_c,
                         "sku": sku_c, "k2": k2, "k3": k2 * n_term + term_c})
    for c in _SUMS:
        rows[c] = st[c].to_numpy(dtype=float)
    exact_kind = MATCH_KINDS.index("exact")

    # --- targets per SKU, then per fine unit
    be = breakeven.break_even(products, orders, fee_rate=s.fee_rate)
    tgt = breakeven.targets(be, target_acos=s.target_acos, safety_margin=s.safety_margin)
    if (tgt["fee_source"] == "estimate").any() and s.target_acos is None:
        notes.append(Note("ads.note.fee_estimate", {"skus": int((tgt["fee_source"] == "estimate").sum()),
                                                    "rate": f"{s.fee_rate:.0%}"}))
    flat = s.target_acos is not None and not isinstance(s.target_acos, Mapping)
    win = rows.loc[in_window]
    fine = _group(win, ["k3", "tg", "kind", "sku"], _SUMS)      # camp, ag, term are inside k3
    k3 = fine["k3"].to_numpy()
    fine["term"] = k3 % n_term
    fine["k2"] = k3 // n_term
    fine["camp"], fine["ag"] = fine["k2"].to_numpy() // n_ag, fine["k2"].to_numpy() % n_ag
    fine_target, fine_be, fine_from = _unit_targets(fine, sku_k, camp_k, tgt, ads, rows, flat, s, notes)
    fine["target_acos"] = fine_target
    fine["break_even_acos"] = fine_be
    fine["target_from"] = fine_from

    # --- search term in ad group (non-exact rows): harvest and negate
    nonexact = fine.loc[fine["kind"] != exact_kind].copy()
    nonexact["w"] = nonexact["clicks"] + 1e-9
    nonexact["tw"] = nonexact["target_acos"] * nonexact["w"]
    sta = _group(nonexact, ["k3", "camp", "ag", "term", "k2"], [*_SUMS, "w", "tw"])
    sta["target_acos"] = sta["tw"] / sta["w"]
    idx = pd.Index(sta["k3"].to_numpy())
    first_kind = (nonexact.sort_values("clicks", ascending=False, kind="stable")
                  .drop_duplicates("k3").set_index("k3")["kind"])
    sta["kind"] = first_kind.reindex(idx).to_numpy()
    nsku = nonexact.groupby("k3", sort=False)["sku"].agg(["nunique", "first"])
    sta["sku"] = np.where(nsku["nunique"].reindex(idx).to_numpy() == 1, nsku["first"].reindex(idx).to_numpy(),
                          -1).astype(np.int64)
    sta["acos"] = safe_div(sta["spend"], sta["sales"])
    sta["cpc"] = safe_div(sta["spend"], sta["clicks"])

    # pools: the SKU when the term has one known SKU, else the ad group (leave-one-out)
    sku_tot = _group(win, ["sku"], ["clicks", "orders"]).set_index("sku")
    ag_tot = _group(win, ["k2"], ["clicks", "orders", "sales"]).set_index("k2")
    empty_sku = int(np.flatnonzero(sku_k == "")[0]) if "" in set(sku_k) else -2
    use_sku = (sta["sku"].to_numpy() >= 0) & (sta["sku"].to_numpy() != empty_sku)
    ag_idx = pd.Index(sta["k2"].to_numpy())
    pool_c = np.where(use_sku, sku_tot["clicks"].reindex(sta["sku"]).to_numpy(),
                      ag_tot["clicks"].reindex(ag_idx).to_numpy())
    pool_o = np.where(use_sku, sku_tot["orders"].reindex(sta["sku"]).to_numpy(),
                      ag_tot["orders"].reindex(ag_idx).to_numpy())
    pool_c = np.nan_to_num(pool_c) - sta["clicks"].to_numpy()
    pool_o = np.nan_to_num(pool_o) - sta["orders"].to_numpy()
    store_rate = float(win["orders"].sum() / max(win["clicks"].sum(), 1.0))
    sta["pool"] = np.where(use_sku, "sku", "ad_group")
    sta["pool_conversion"] = safe_div(pool_o, pool_c)
    # the test is run where it can decide something: terms with spend and no orders or ACoS over target
    named = term_k[sta["term"].to_numpy()] != ""                    # a blank term is never an action
    poor = (sta["spend"] > 0) & ((sta["orders"] == 0) | (sta["acos"] > sta["target_acos"])) & named
    cand = poor.to_numpy()
    pv = np.full(len(sta), np.nan)
    pv[cand] = stats.negation_p_values(sta["clicks"].to_numpy()[cand], sta["orders"].to_numpy()[cand],
                                       pool_c[cand], pool_o[cand], store_rate, rate_ratio=s.rate_ratio,
                                       method=s.method)
    sta["p_value"] = pv
    negate_mask = (poor & (sta["p_value"] < s.alpha)).to_numpy()
    watch_mask = (poor & ~(sta["p_value"] < s.alpha)).to_numpy()

    # already exact (plurals folded), per SKU when SKUs are known
    exact_rows = rows.loc[rows["kind"] == exact_kind, ["tg", "term", "sku"]].drop_duplicates()
    tg_f = _fold_codes(tg_k, exact_rows["tg"].to_numpy())
    term_f = _fold_codes(term_k, exact_rows["term"].to_numpy())
    ex_tg = tg_f[exact_rows["tg"].to_numpy()].tolist()
    ex_term = term_f[exact_rows["term"].to_numpy()].tolist()
    ex_sku = exact_rows["sku"].tolist()
    exact_any = set(ex_tg) | set(ex_term)
    exact_by_sku = set(zip(ex_sku, ex_tg)) | set(zip(ex_sku, ex_term))
    converting = ((sta["orders"] >= s.min_orders) & (sta["sales"] > 0)
                  & (sta["acos"] <= sta["target_acos"])).to_numpy() & named
    already = np.zeros(len(sta), dtype=bool)
    idx_c = np.flatnonzero(converting)
    folds = _fold_codes(term_k, sta["term"].to_numpy()[idx_c])[sta["term"].to_numpy()[idx_c]].tolist()
    for i, sk, f in zip(idx_c.tolist(), sta["sku"].to_numpy()[idx_c].tolist(), folds):
        if sk < 0 or sk == empty_sku:
            already[i] = f in exact_any
        else:
            already[i] = (sk, f) in exact_by_sku or (empty_sku, f) in exact_by_sku
    harvest_mask = converting & ~already

    # sales per click shrunk toward the ad group
    ag_rpc = safe_div(ag_tot["sales"], ag_tot["clicks"])
    ag_rpc_s = pd.Series(ag_rpc, index=ag_tot.index)
    ag_code = pd.factorize(sta["k2"].to_numpy())[0]
    k_sta = stats.prior_strength(ag_code, sta["clicks"], sta["orders"])
    rpc_g = np.nan_to_num(ag_rpc_s.reindex(ag_idx).to_numpy())
    sta["sales_per_click"] = safe_div(sta["sales"], sta["clicks"])
    sta["spc_shrunk"] = stats.shrink(sta["sales"], sta["clicks"], rpc_g, k_sta)

    harvest = _harvest(sta.loc[harvest_mask].copy(), rows, term_k, s)
    negate = _negate(sta.loc[negate_mask].copy(), rows, st, term_k, period, s)
    for frame in (harvest, negate):
        frame["term_code"] = frame["term"].to_numpy()
        frame["term"] = term_d[frame["term_code"].to_numpy()]
        frame["campaign"] = camp_d[frame["camp"].to_numpy()]
        frame["ad_group"] = ag_d[frame["ag"].to_numpy()]
        frame["sku_code"] = frame["sku"].to_numpy()
        code = frame["sku_code"].to_numpy()
        frame["sku"] = np.where(code >= 0, sku_k[np.maximum(code, 0)], "")
        frame["source_kind"] = np.asarray(MATCH_KINDS, dtype=object)[frame["kind"].to_numpy()]
    harvest = _destinations(harvest, rows, camp_d, ag_d, sku_k, exact_kind, s, notes)

    harvest = _strings(harvest[list(HARVEST_COLUMNS)])
    negate = _strings(negate[list(NEGATE_COLUMNS)])
    bids = _bids(fine, camp_d, ag_d, tg_d, s)

    # --- decision per fine unit
    key = idx
    decision = pd.Series(np.where(harvest_mask, "harvest", np.where(
        negate_mask, "negate", np.where(watch_mask, "watch", "keep"))), index=key)
    pval = pd.Series(sta["p_value"].to_numpy(), index=key)
    fkey = pd.Index(fine["k3"].to_numpy())
    is_exact = (fine["kind"] == exact_kind).to_numpy()
    fine["decision"] = np.where(is_exact, "keep", decision.reindex(fkey).fillna("keep").to_numpy())
    fine["p_value"] = np.where(is_exact, np.nan, pval.reindex(fkey).to_numpy())
    terms = _terms_table(fine, camp_d, ag_d, tg_d, term_d, sku_k)

    cov = coverage(terms, products, _campaign_skus(ads, rows, camp_k, sku_k))
    if cov is not None:
        notes.extend(cov.notes)
    if currency is None:
        notes.append(Note("ads.note.no_currency", {}))
    return AdsResult(period=period, currency=currency, terms=terms, harvest=harvest, negate=negate, bids=bids,
                     targets=tgt, coverage=cov, settings=s, notes=tuple(notes))


def _take(display: np.ndarray, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``display[codes]`` as a ``str`` array, converting only the distinct values."""
    return pd.array(np.asarray(display, dtype=object), dtype="str").take(np.asarray(codes, dtype=np.int64))


def _strings(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index(drop=True)
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].astype("str")
    return out


def _fold_codes(keys: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Folded phrase per key code, computed for the distinct ``codes`` only (others stay None)."""
    out = np.full(len(keys), None, dtype=object)
    want = np.unique(codes)
    out[want] = fold_phrases(pd.Series(keys[want], dtype="str"))
    return out


def _unit_targets(fine, sku_k, camp_k, tgt, ads, rows, flat, s, notes):
    n = len(fine)
    if flat:
        be_map = tgt.set_index("sku")["break_even_acos"] if len(tgt) else pd.Series(dtype=float)
        be = pd.Series(sku_k[fine["sku"].to_numpy()]).map(be_map).to_numpy(dtype=float)
        return np.full(n, float(s.target_acos)), be, np.full(n, "seller", dtype=object)
    t_map = tgt.set_index("sku")["target_acos"]
    b_map = tgt.set_index("sku")["break_even_acos"]
    skus = pd.Series(sku_k[fine["sku"].to_numpy()])
    target = np.array(skus.map(t_map), dtype=float)        # writable copies (copy-on-write views are not)
    be = np.array(skus.map(b_map), dtype=float)
    source = np.where(np.isfinite(target), "sku", "").astype(object)
    missing = ~np.isfinite(target)
    if missing.any():
        cs = _campaign_skus(ads, rows, camp_k, sku_k)
        cs = cs.loc[cs["sku"].isin(t_map.index)]
        if len(cs):
            cs = cs.assign(t=cs["sku"].map(t_map) * cs["w"], b=cs["sku"].map(b_map) * cs["w"])
            by_camp = cs.groupby("campaign_key")[["t", "b", "w"]].sum()
            camp_keys = pd.Series(camp_k[fine["camp"].to_numpy()])
            w = camp_keys.map(by_camp["w"]).to_numpy(dtype=float)
            ct = camp_keys.map(by_camp["t"]).to_numpy(dtype=float) / w
            cb = camp_keys.map(by_camp["b"]).to_numpy(dtype=float) / w
            fill = missing & np.isfinite(ct)
            target[fill], be[fill], source[fill] = ct[fill], cb[fill], "campaign"
            missing = ~np.isfinite(target)
    if missing.any():
        if not len(tgt):
            raise DataError("err.ads.no_target")
        target[missing] = float(tgt["target_acos"].median())
        be[missing] = float(tgt["break_even_acos"].median())
        source[missing] = "store"
        notes.append(Note("ads.note.store_target", {"units": int(missing.sum()),
                                                    "target": f"{float(tgt['target_acos'].median()):.1%}"}))
    return target, be, source


def _harvest(h: pd.DataFrame, rows, term_k, s: Settings) -> pd.DataFrame:
    asin = is_asin(term_k[h["term"].to_numpy()]) if len(h) else np.zeros(0, dtype=bool)
    h["target_type"] = np.where(asin, "product", "keyword")
    bid = h["target_acos"].to_numpy() * h["spc_shrunk"].to_numpy()
    cap = h["cpc"].to_numpy() * (1 + s.max_change)
    bid = np.where(np.isfinite(cap) & (cap > 0), np.minimum(bid, cap), bid)
    h["suggested_bid"] = np.round(np.maximum(bid, s.min_bid), 2)
    h["bid_capped"] = np.isfinite(cap) & (h["target_acos"].to_numpy() * h["spc_shrunk"].to_numpy() > cap)
    return h.sort_values(["orders", "sales"], ascending=False, kind="stable").reset_index(drop=True)


def _negate(n: pd.DataFrame, rows, st, term_k, period, s: Settings) -> pd.DataFrame:
    asin = is_asin(term_k[n["term"].to_numpy()]) if len(n) else np.zeros(0, dtype=bool)
    n["target_type"] = np.where(asin, "product", "keyword")
    end = pd.Timestamp(period["report_end"])
    last30 = (st["date"] >= end - pd.Timedelta(days=29)).to_numpy()
    r30 = rows.loc[last30 & (rows["kind"] != MATCH_KINDS.index("exact")).to_numpy()]
    s30 = _group(r30, ["k3"], ["spend"]).set_index("k3")["spend"]
    idx = pd.Index(n["k3"].to_numpy())
    n["spend_30d"] = np.nan_to_num(s30.reindex(idx).to_numpy())
    n["monthly_saving"] = n["spend"] / max(period["days"], 1) * DAYS_PER_MONTH
    return n.sort_values("spend", ascending=False, kind="stable").reset_index(drop=True)


def _destinations(h: pd.DataFrame, rows, camp_d, ag_d, sku_k, exact_kind, s: Settings, notes) -> pd.DataFrame:
    """Where each harvested term goes (see the module docstring) and whether to isolate it. A keyword
    goes to an ad group holding exact keywords, an ASIN to one holding product (ASIN) targets: an ad
    group targets keywords or products, not both."""
    def best(kind: int):
        ex = rows.loc[rows["kind"] == kind]
        by_camp = (ex.groupby(["camp", "ag"], sort=False)["clicks"].sum().reset_index()
                   .sort_values("clicks", ascending=False, kind="stable").drop_duplicates("camp")
                   .set_index("camp")["ag"])
        by_sku = (ex.groupby(["sku", "camp", "ag"], sort=False)["clicks"].sum().reset_index()
                  .sort_values("clicks", ascending=False, kind="stable").drop_duplicates("sku")
                  .set_index("sku"))
        return by_camp, by_sku

    lookups = {"keyword": best(exact_kind), "product": best(MATCH_KINDS.index("product"))}
    dest_c = np.full(len(h), -1, dtype=np.int64)
    dest_a = np.full(len(h), -1, dtype=np.int64)
    for i, (camp, ag, sku, kind, ttype) in enumerate(zip(h["camp"], h["ag"], h["sku_code"], h["kind"],
                                                         h["target_type"])):
        by_camp, by_sku = lookups[ttype]
        if camp in by_camp.index:
            dest_c[i], dest_a[i] = camp, by_camp.loc[camp]
        elif sku >= 0 and sku_k[sku] != "" and sku in by_sku.index:
            dest_c[i], dest_a[i] = by_sku.loc[sku, "camp"], by_sku.loc[sku, "ag"]
        elif ttype == "keyword" and MATCH_KINDS[kind] in ("broad", "phrase"):
            dest_c[i], dest_a[i] = camp, ag
    has = dest_c >= 0
    h["dest_campaign"] = np.where(has, camp_d[np.maximum(dest_c, 0)], "")
    h["dest_ad_group"] = np.where(has, ag_d[np.maximum(dest_a, 0)], "")
    h["negate_in_source"] = bool(s.isolate) & has & ~((dest_c == h["camp"].to_numpy())
                                                      & (dest_a == h["ag"].to_numpy()))
    if (~has).any():
        notes.append(Note("ads.note.no_exact_group", {"terms": int((~has).sum())}))
    return h


def _bids(fine: pd.DataFrame, camp_d, ag_d, tg_d, s: Settings) -> pd.DataFrame:
    f = fine.assign(w=fine["clicks"] + 1e-9)
    f["tw"] = f["target_acos"] * f["w"]
    b = _group(f, ["camp", "ag", "tg", "kind", "k2"], [*_SUMS, "w", "tw"])
    b = b.loc[b["clicks"] > 0].reset_index(drop=True)
    b["target_acos"] = b["tw"] / b["w"]
    ag = b.groupby("k2")[["clicks", "orders", "sales"]].transform("sum")
    code = pd.factorize(b["k2"].to_numpy())[0]
    b["k"] = stats.prior_strength(code, b["clicks"], b["orders"]) if len(b) else np.zeros(0)
    b["acos"] = safe_div(b["spend"], b["sales"])
    b["cpc"] = safe_div(b["spend"], b["clicks"])
    b["sales_per_click"] = safe_div(b["sales"], b["clicks"])
    b["spc_shrunk"] = stats.shrink(b["sales"], b["clicks"], safe_div(ag["sales"], ag["clicks"]), b["k"])
    b["ideal_bid"] = b["target_acos"] * b["spc_shrunk"]
    lo = b["cpc"] * (1 - s.max_change)
    hi = b["cpc"] * (1 + s.max_change)
    new = np.clip(b["ideal_bid"], lo, hi)
    b["suggested_bid"] = np.round(np.maximum(new, s.min_bid), 2)
    b["capped"] = (b["ideal_bid"] < lo) | (b["ideal_bid"] > hi)
    b["change"] = b["suggested_bid"] / b["cpc"] - 1
    b["direction"] = np.where(b["change"] >= s.min_step, "up", np.where(b["change"] <= -s.min_step, "down",
                                                                        "hold"))
    kinds = np.asarray(MATCH_KINDS, dtype=object)[b["kind"].to_numpy()]
    kind_k = b["kind"].to_numpy()
    out = pd.DataFrame({
        "campaign": _take(camp_d, b["camp"]), "ad_group": _take(ag_d, b["ag"]),
        "targeting": _take(tg_d, b["tg"]), "match_kind": _take(MATCH_KINDS, kind_k),
        "entity": _take(["keyword", "product_targeting"],
                        (~np.isin(kinds, KEYWORD_KINDS)).astype(np.int64)),
    })
    for c in ("impressions", "clicks", "spend", "orders", "sales", "acos", "target_acos", "cpc",
              "sales_per_click", "spc_shrunk", "k", "ideal_bid", "suggested_bid", "change", "direction",
              "capped"):
        out[c] = b[c].to_numpy()
    out["direction"] = out["direction"].astype("str")
    order = np.argsort(-np.abs(out["change"].to_numpy() * out["spend"].to_numpy()), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def _terms_table(fine, camp_d, ag_d, tg_d, term_d, sku_k) -> pd.DataFrame:
    from .metrics import add_ratios

    out = pd.DataFrame({
        "campaign": _take(camp_d, fine["camp"]), "ad_group": _take(ag_d, fine["ag"]),
        "targeting": _take(tg_d, fine["tg"]), "match_kind": _take(MATCH_KINDS, fine["kind"]),
        "search_term": _take(term_d, fine["term"]), "sku": _take(sku_k, fine["sku"]),
    })
    for c in _SUMS:
        out[c] = fine[c].to_numpy(dtype=float)
    out = add_ratios(out)
    for c in ("break_even_acos", "target_acos", "target_from", "decision", "p_value"):
        out[c] = fine[c].to_numpy()
    for c in ("target_from", "decision"):
        out[c] = out[c].astype("str")
    return out.sort_values("spend", ascending=False, kind="stable").reset_index(drop=True)
