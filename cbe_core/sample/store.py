"""Deterministic sample store: an imaginary cross-border seller, 2025-05-01 .. 2026-10-31.

``generate_store(seed, plant)`` returns canonical frames (``cbe_core.schema``) for every table:
``products``, ``orders``, ``traffic``, ``ads`` (made here, from the catalogue and rates of
:mod:`cbe_core.sample.catalog`), ``competitors`` and ``reviews`` (from :mod:`cbe_core.sample.competitors`),
``rate_cards`` and ``shipments`` (from :mod:`cbe_core.sample.logistics`). ``write_sample(directory)``
writes them as CSV (``python -m cbe_core.sample [DIR]``, default ``sample_data/``);
``generate_orders(n_lines)`` makes a large orders table quickly for benchmarks.

How the store hangs together (so that every table agrees with every other):

1. Sessions per day, SKU and traffic source are Poisson draws around a smooth demand curve
   (SKU popularity x source share x weekly profile x Q4 peak x category season x growth x day noise).
2. Each session bounces or not, an engaged session adds to cart or not, a cart becomes an order or
   not (binomial chain), so ``bounces <= sessions``, ``orders <= add_to_cart``, and conversion is
   ``(1 - bounce) * p(add to cart) * p(checkout)``.
3. Every order placed becomes one order line (one SKU per order, quantity 1-4); about 2% are cancelled
   (status "cancelled" or "refunded"). ``traffic.orders``/``units``/``revenue`` count the lines that
   are sales (``schema.sales_lines``: not cancelled, quantity > 0) on that day, SKU and source, so the
   traffic table and the orders table agree exactly.
4. Customers are given their orders by slot matching: each planned customer (Champions, planted
   dormant big spenders, ordinary repeat buyers) asks for orders at positions inside an active window,
   and one-time buyers take the remaining orders. About 4% of lines are returned later: a second line
   with the same ``order_id``, negative quantity, status "returned", dated at the return.
5. Sponsored-products ads: ``amazon_ads`` sessions are the ad clicks, so ``ads.clicks`` equals the
   ``amazon_ads`` sessions of that SKU and day and ``ad_orders``/``ad_sales`` are its orders and revenue;
   spend is clicks x a cost per click set from each campaign's target ACoS.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .catalog import (
    _BOUNCE_BASE,
    _CAMPAIGN_ACOS_TO_MARGIN,
    _CHECKOUT,
    _COUNTRIES,
    _COUNTRY_P,
    _CTR,
    _GROWTH,
    _PRODUCTS,
    _QTY_P,
    _SOURCE_BOUNCE,
    _SOURCE_CONV,
    _SOURCE_SHARE_D5,
    _SOURCE_SHARE_HEALTHY,
    _TARGET_ORDERS,
    _WEEKLY,
    CAMPAIGNS,
    CANCEL_RATE,
    CHANNELS,
    D1_SKU,
    D2_SKU,
    D3_ACOS_TO_MARGIN,
    D3_CAMPAIGN,
    D4_END,
    D4_FACTOR,
    D4_START,
    D6_BOUNCE,
    D6_SKU,
    D7_CAMPAIGN,
    D7_DATE,
    D7_FACTOR,
    RETURN_RATE,
    SOURCE_CHANNEL,
    SOURCES,
    STORE_END,
    _customer_names,
    _days,
    _demand_curve,
    _fees,
    _refund_fee,
    _shipping,
    margin_before_ads,
    products_frame,
)


# --- the store ------------------------------------------------------------------------------------
def _traffic(rng, products, days, plant):
    """Sessions and the funnel per day x sku x source; returns a long frame with 'placed' orders."""
    n_d, n_s, n_src = len(days), len(products), len(SOURCES)
    skus = products["sku"].to_numpy()
    cats = products["category"].to_numpy()
    pop = np.array([p[9] for p in _PRODUCTS])
    conv_mult = np.array([p[10] for p in _PRODUCTS])
    bounce = np.full(n_s, _BOUNCE_BASE) + rng.normal(0, 0.03, n_s)
    advertised = {s for group in CAMPAIGNS.values() for s in group}
    has_ads = np.array([s in advertised for s in skus])

    i_d1, i_d2, i_d6 = (int(np.flatnonzero(skus == s)[0]) for s in (D1_SKU, D2_SKU, D6_SKU))
    if plant:
        conv_mult[i_d1] = 0.33      # D1: a third of its category's median
        conv_mult[i_d2] = 2.15      # D2: twice the store median
        bounce[i_d6] = D6_BOUNCE    # D6
        conv_mult[i_d6] = 0.75
    share_tab = _SOURCE_SHARE_D5 if plant else _SOURCE_SHARE_HEALTHY
    share = np.array([share_tab[s] for s in SOURCES])
    src_conv = np.array([_SOURCE_CONV[s] for s in SOURCES])
    src_bounce = np.array([_SOURCE_BOUNCE[s] for s in SOURCES])
    checkout = np.array([_CHECKOUT[SOURCE_CHANNEL[s]] for s in SOURCES])

    # shares per sku x source (no amazon_ads without a campaign), normalised per sku
    w = np.tile(share, (n_s, 1))
    w[~has_ads, SOURCES.index("amazon_ads")] = 0.0
    w /= w.sum(axis=1, keepdims=True)
    conv = conv_mult[:, None] * src_conv[None, :]                        # (sku, src)
    b = np.clip(bounce[:, None] * src_bounce[None, :], 0.05, 0.9)
    if plant:
        b[i_d6, :] = D6_BOUNCE
    p_atc = np.clip(conv / ((1 - b) * checkout[None, :]), 0, 0.95)

    demand = _demand_curve(days, cats) * pop[None, :]                      # (day, sku)
    noise = np.exp(rng.normal(0, 0.12, (n_d, n_s)))
    # scale so that the expected number of orders is about _TARGET_ORDERS
    exp_orders = (demand[:, :, None] * w[None] * conv[None]).sum()
    lam = demand[:, :, None] * w[None] * (_TARGET_ORDERS / exp_orders) * noise[:, :, None]

    sessions = rng.poisson(lam)
    bounces = rng.binomial(sessions, np.broadcast_to(b[None], lam.shape))
    atc = rng.binomial(sessions - bounces, np.broadcast_to(p_atc[None], lam.shape))
    p_co = np.broadcast_to(checkout[None, None, :], lam.shape).copy()
    if plant:
        in_d4 = (days >= pd.Timestamp(D4_START)) & (days <= pd.Timestamp(D4_END))
        p_co[in_d4] *= D4_FACTOR
    placed = rng.binomial(atc, p_co)
    # pages per session ~1.6 (illustrative): a bounce views one page
    page_views = sessions + rng.poisson((sessions - bounces) * 1.0)

    d_idx, s_idx, src_idx = np.meshgrid(np.arange(n_d), np.arange(n_s), np.arange(n_src), indexing="ij")
    frame = pd.DataFrame({
        "d": d_idx.ravel(), "s": s_idx.ravel(), "src": src_idx.ravel(),
        "sessions": sessions.ravel(), "page_views": page_views.ravel(), "bounces": bounces.ravel(),
        "add_to_cart": atc.ravel(), "placed": placed.ravel(),
    })
    # keep rows with a session (a source that brought nobody that day has no row, as in real reports)
    return frame.loc[frame["sessions"] > 0].reset_index(drop=True)


def _cohorts(plant: bool):
    """(name, first_id, last_id) of the planned customers; ids are 1-based numbers."""
    return [("champion", 1, 250), ("dormant" if plant else "loyal", 251, 380), ("repeat", 381, 1980)]


def _assign_customers(rng, order_day: np.ndarray, n_days: int, plant: bool) -> tuple[np.ndarray, int]:
    """Customer number per order (orders sorted by day). Returns (customer_no, last customer number).

    Each planned customer asks for orders on days inside an active window; the planned cohorts
    (Champions, R1 dormant, and their healthy twin) have their last order on the window's last day.
    Ordinary repeat buyers were partly active before the data starts: their windows may begin before
    day 0 and the orders that would fall before it are simply not in the data (left-censoring), so
    the share of repeat orders is about flat over time. Slots are sorted by desired position among
    the day-sorted orders and each takes the first free order at or after it; one-time buyers take
    a uniform fifth of the orders kept aside first, and the orders left over.
    """
    n = len(order_day)
    end = n_days - 1
    days_l, owners_l, pins_l, ids = [], [], [], []
    offset = 0
    for name, lo, hi in _cohorts(plant):
        m = hi - lo + 1
        if name == "champion":
            k = rng.integers(8, 17, m)
            first = rng.integers(0, 120, m)
            last = end - rng.integers(0, 45, m)
        elif name == "dormant":
            k = rng.integers(7, 15, m)
            first = rng.integers(0, 60, m)
            last = end - rng.integers(310, 381, m)
        elif name == "loyal":          # healthy twin of the dormant cohort: still buying (last order
            k = rng.integers(7, 15, m)  # within the last 180 days, i.e. no 200-400-day dormancy)
            first = rng.integers(0, 60, m)
            last = end - rng.integers(0, 181, m)
        else:                            # ordinary repeat buyers with natural churn
            k = np.minimum(1 + rng.geometric(0.45, m), 5)
            first = rng.integers(-200, n_days - 30, m)
            last = np.minimum(first + 30 + rng.exponential(200, m).astype(int), end)
        owner = np.repeat(np.arange(m), k)
        day = first[owner] + np.floor(rng.random(len(owner)) * (last - first + 1)[owner]).astype(np.int64)
        pin = np.r_[np.diff(owner) != 0, True] & (name != "repeat")
        day = np.where(pin, last[owner], day)
        keep = day >= 0
        days_l.append(day[keep])
        owners_l.append(owner[keep] + offset)
        pins_l.append(pin[keep])
        ids.append(np.arange(lo, hi + 1))
        offset += m
    day = np.concatenate(days_l)
    owner = np.concatenate(owners_l)
    cid = np.concatenate(ids)
    # desired position: a random order among those of that day
    lo_pos = np.searchsorted(order_day, day, "left")
    hi_pos = np.searchsorted(order_day, day, "right")
    pos = lo_pos + rng.random(len(day)) * np.maximum(hi_pos - lo_pos, 1)
    # a fifth of the orders, spread uniformly, is kept for one-time buyers (new buyers keep arriving
    # even where the planned customers are busiest, e.g. the last weeks)
    free = np.flatnonzero(rng.random(n) >= 0.2)
    m = len(pos)
    if m > len(free):
        raise ValueError("sample store: more planned customer orders than orders")
    order = np.argsort(pos, kind="stable")
    p = np.searchsorted(free, np.floor(pos[order]).astype(np.int64), "left")
    j = np.arange(m)
    x = j + np.maximum.accumulate(p - j)                    # strictly increasing, >= desired
    x = np.minimum(x, len(free) - m + j)                     # keep inside the free orders, still distinct
    customer = np.zeros(n, dtype=np.int64)
    customer[free[x]] = cid[owner[order]]
    rest = np.flatnonzero(customer == 0)
    first_one_time = int(cid.max()) + 1
    customer[rest] = first_one_time + rng.permutation(len(rest))
    return customer, first_one_time + len(rest) - 1


def _order_ids(rng, channel: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """Platform-shaped order numbers: Amazon 3-7-7 digits, Shopify #1001.., TikTok 18 digits."""
    n = len(channel)
    a = rng.integers(0, 10_000_000, n)
    b = rng.integers(0, 10_000_000, n)
    amazon = (pd.Series(rng.integers(111, 115, n)).astype(str) + "-" + pd.Series(a).astype(str).str.zfill(7)
              + "-" + pd.Series(b).astype(str).str.zfill(7))
    shop_seq = np.cumsum(channel == "shopify")
    shopify = "#" + pd.Series(1000 + shop_seq).astype(str)
    tiktok = "576" + pd.Series(seq * 7919 + 10**14).astype(str)
    out = np.where(channel == "amazon", amazon.to_numpy(), np.where(channel == "shopify",
                                                                    shopify.to_numpy(), tiktok.to_numpy()))
    return out


def _orders(rng, products, days, traffic, plant):
    """Order lines from the traffic's placed orders; returns (orders, traffic with sales counts)."""
    n_days = len(days)
    rows = np.repeat(np.arange(len(traffic)), traffic["placed"].to_numpy())
    d = traffic["d"].to_numpy()[rows]
    s = traffic["s"].to_numpy()[rows]
    src = traffic["src"].to_numpy()[rows]
    n = len(rows)
    # time of day: evening-heavy profile (illustrative); orders sorted by time so numbers follow it
    hour_p = np.array([2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 9, 9, 7, 4], dtype=float)
    hour = rng.choice(24, n, p=hour_p / hour_p.sum())
    secs = hour * 3600 + rng.integers(0, 3600, n)
    sort = np.lexsort((secs, d))
    rows, d, s, src, secs = rows[sort], d[sort], s[sort], src[sort], secs[sort]
    order_date = days.to_numpy()[d] + secs.astype("timedelta64[s]")
    qty = rng.choice(np.arange(1, 5), n, p=_QTY_P)
    i_d2 = int(np.flatnonzero(products["sku"].to_numpy() == D2_SKU)[0])
    if plant:  # D2: a cheap impulse item, bought one at a time
        qty = np.where(s == i_d2, 1, qty)
    status = np.full(n, "completed", dtype=object)
    u = rng.random(n)
    cancelled = u < CANCEL_RATE
    status[cancelled] = np.where(u[cancelled] < CANCEL_RATE * 0.7, "cancelled", "refunded")

    customer, _ = _assign_customers(rng, d, n_days, plant)
    n_cust = int(customer.max())
    cust_country = _COUNTRIES[rng.choice(len(_COUNTRIES), n_cust + 1, p=_COUNTRY_P)]
    names, emails = _customer_names(rng, cust_country, np.arange(n_cust + 1))

    price = products["price"].to_numpy()[s]
    unit_cost = products["unit_cost"].to_numpy()[s]
    weight = products["weight_kg"].to_numpy()[s]
    cat = products["category"].to_numpy()[s]
    source = np.array(SOURCES, dtype=object)[src]
    channel = np.array([SOURCE_CHANNEL[x] for x in SOURCES], dtype=object)[src]
    line_rev = price * qty
    fee = _fees(channel, cat, line_rev)
    ship = _shipping(channel, weight, qty)
    seq = np.arange(n)
    order_id = _order_ids(rng, channel.astype(str), seq)
    orders = pd.DataFrame({
        "order_id": order_id,
        "order_date": order_date.astype("datetime64[ns]"),
        "sku": products["sku"].to_numpy()[s],
        "quantity": qty.astype(np.int64),
        "unit_price": price,
        "customer_id": np.char.add("C", np.char.zfill(customer.astype(str), 5)),
        "country": cust_country[customer],
        "channel": channel,
        "status": status,
        "currency": "USD",
        "unit_cost": unit_cost,
        "shipping_cost": ship,
        "platform_fee": fee,
        "email": emails[customer],
        "customer_name": names[customer],
        "product_name": products["name"].to_numpy()[s],
        "traffic_source": source,
    })
    # sales counts back into the traffic rows
    sale = ~cancelled
    tr = traffic.copy()
    tr["orders"] = np.bincount(rows[sale], minlength=len(tr)).astype(np.int64)
    tr["units"] = np.bincount(rows[sale], weights=qty[sale], minlength=len(tr)).astype(np.int64)
    tr["revenue"] = np.round(np.bincount(rows[sale], weights=line_rev[sale], minlength=len(tr)), 2)

    # returns: a later line (4-30 days, illustrative) with the same order id and a negative quantity
    ret = np.flatnonzero(sale & (rng.random(n) < RETURN_RATE))
    ret_date = order_date[ret] + (rng.integers(4, 31, len(ret)) * 86400
                                  + rng.integers(-3600 * 6, 3600 * 6, len(ret))).astype("timedelta64[s]")
    keep = ret_date < np.datetime64(pd.Timestamp(STORE_END) + pd.Timedelta(days=1))
    ret, ret_date = ret[keep], ret_date[keep]
    returns = orders.iloc[ret].copy()
    returns["order_date"] = ret_date.astype("datetime64[ns]")
    returns["quantity"] = -returns["quantity"]
    returns["status"] = "returned"
    returns["shipping_cost"] = 0.0
    returns["platform_fee"] = _refund_fee(channel[ret].astype(str), fee[ret])
    orders = pd.concat([orders, returns], ignore_index=True)
    orders = orders.sort_values(["order_date", "order_id"], kind="stable").reset_index(drop=True)
    orders["cancelled"] = orders["status"].isin(["cancelled", "refunded"])
    for c in ("order_id", "sku", "customer_id", "country", "channel", "status", "currency", "email",
              "customer_name", "product_name", "traffic_source"):
        orders[c] = orders[c].astype("str")
    return orders, tr


def _ads(rng, products, days, traffic, plant):
    """One row per day, campaign and advertised sku, from the amazon_ads traffic rows."""
    skus = products["sku"].to_numpy()
    margin = margin_before_ads(products)
    price = products.set_index("sku")["price"]
    ads_src = SOURCES.index("amazon_ads")
    t = traffic.loc[traffic["src"] == ads_src]
    n_d = len(days)
    frames = []
    for campaign, group in CAMPAIGNS.items():
        idx = [int(np.flatnonzero(skus == g)[0]) for g in group]
        ratio = _CAMPAIGN_ACOS_TO_MARGIN[campaign]
        if plant and campaign == D3_CAMPAIGN:
            ratio = D3_ACOS_TO_MARGIN * margin[list(group)].max() / margin[list(group)].min()
        target_acos = ratio * margin[list(group)].min()
        # expected revenue per click of the campaign, then cost per click = ACoS x revenue per click
        conv = np.array([_PRODUCTS[i][10] for i in idx]) * _SOURCE_CONV["amazon_ads"]
        avg_q = float((_QTY_P * np.arange(1, 5)).sum())
        rev_per_click = float(np.mean(conv * price[list(group)].to_numpy() * avg_q)) * (1 - CANCEL_RATE)
        cpc0 = target_acos * rev_per_click
        ctr = _CTR[campaign]
        mean_campaign_clicks = float(t.loc[t["s"].isin(idx), "sessions"].sum()) / n_d
        for i in idx:
            grid = pd.DataFrame({"d": np.arange(n_d)})
            rows = t.loc[t["s"] == i, ["d", "sessions", "orders", "units", "revenue"]]
            g = grid.merge(rows, on="d", how="left").fillna(0)
            clicks = g["sessions"].to_numpy().astype(np.int64)
            cpc = cpc0 * np.exp(rng.normal(0, 0.12, n_d))
            spend = np.round(clicks * cpc, 2)
            if plant and campaign == D7_CAMPAIGN:
                spike = days == pd.Timestamp(D7_DATE)
                # the campaign's whole day at D7_FACTOR x its average day, shared by its skus
                spend[spike] = np.round(D7_FACTOR * cpc0 * mean_campaign_clicks / len(idx), 2)
            mean_clicks = max(clicks.mean(), 0.5)
            impressions = clicks + rng.poisson(np.maximum(clicks, mean_clicks * 0.5) * (1 / ctr - 1))
            frames.append(pd.DataFrame({
                "date": days,
                "campaign": campaign,
                "spend": spend,
                "clicks": clicks,
                "impressions": impressions.astype(np.int64),
                "ad_orders": g["orders"].to_numpy().astype(np.int64),
                "ad_sales": np.round(g["revenue"].to_numpy(), 2),
                "sku": skus[i],
                "ad_units": g["units"].to_numpy().astype(np.int64),
            }))
    ads = pd.concat(frames, ignore_index=True).sort_values(["date", "campaign", "sku"], kind="stable")
    ads = ads.reset_index(drop=True)
    ads["campaign"] = ads["campaign"].astype("str")
    ads["sku"] = ads["sku"].astype("str")
    ads["date_end"] = ads["date"]
    return ads


def generate_store(seed: int = 7, plant: bool = True) -> dict[str, pd.DataFrame]:
    """The sample store as canonical frames, keyed by table name (see the module docstring).

    Deterministic: the same ``seed`` and ``plant`` give identical frames. ``plant=False`` is the
    healthy twin. Orders carry the reader's ``cancelled`` column; traffic and ads carry ``date_end``.
    """
    rng = np.random.default_rng(seed)
    products = products_frame()
    days = _days()
    raw = _traffic(rng, products, days, plant)
    orders, raw = _orders(rng, products, days, raw, plant)
    ads = _ads(rng, products, days, raw, plant)
    traffic = pd.DataFrame({
        "date": days.to_numpy()[raw["d"].to_numpy()],
        "sku": products["sku"].to_numpy()[raw["s"].to_numpy()],
        "source": np.array(SOURCES, dtype=object)[raw["src"].to_numpy()],
    })
    for c in ("sessions", "page_views", "bounces", "add_to_cart", "orders", "units"):
        traffic[c] = raw[c].to_numpy().astype(np.int64)
    traffic["revenue"] = raw["revenue"].to_numpy()
    traffic["sku"] = traffic["sku"].astype("str")
    traffic["source"] = traffic["source"].astype("str")
    traffic["date"] = traffic["date"].astype("datetime64[ns]")
    traffic["date_end"] = traffic["date"]
    store = {"products": products, "orders": orders, "traffic": traffic, "ads": ads}

    # Tables made by the other sample modules (written in parallel; skipped while they are absent).
    try:
        from . import competitors as sample_competitors
    except ImportError:
        sample_competitors = None
    if sample_competitors is not None:
        store.update(sample_competitors.generate(store, seed=seed, plant=plant))
    try:
        from . import logistics as sample_logistics
    except ImportError:
        sample_logistics = None
    if sample_logistics is not None:
        store.update(sample_logistics.generate(store, seed=seed, plant=plant))
    from . import operations as sample_operations

    store.update(sample_operations.generate(store, seed=seed, plant=plant))

    # search terms behind the ads, and listing text added to the products (cbe_core.sample.ads)
    from . import ads as sample_ads

    store.update(sample_ads.generate(store, seed=seed, plant=plant))
    return store


# --- large orders for benchmarks --------------------------------------------------------------------
def _numbered(prefix: str, n: int, width: int) -> np.ndarray:
    """``prefix`` + zero-padded 0..n-1 (vectorised)."""
    if n == 0:
        return np.array([], dtype=object)
    return np.char.add(prefix, np.char.zfill(np.arange(n).astype(str), width))


def _str_take(values, idx: np.ndarray):
    """``values[idx]`` as a pandas ``str`` array, converting only the distinct values (fast)."""
    return pd.array(np.asarray(values, dtype=object), dtype="str").take(idx)


def generate_orders(n_lines: int, seed: int = 0) -> pd.DataFrame:
    """``n_lines`` canonical order lines, fast (vectorised), for benchmarks.

    Same columns as the sample store's orders (with ``cancelled``) except ``product_name`` and
    ``traffic_source``. About 1.3 lines per order; 60% of customers buy once, the others 2-40 times
    (geometric), ~2% cancelled orders (status "cancelled") and ~3% return lines (negative quantity,
    same order id, status "returned", dated 4-30 days later). Order days follow the store's weekly
    profile and growth over the store's 18 months; the return lines come after the sales lines.
    1M lines take about 2-4 s.
    """
    n_lines = int(n_lines)
    if n_lines < 0:
        raise ValueError("n_lines must be >= 0")
    rng = np.random.default_rng(seed)
    products = products_frame()
    n_ret = int(round(n_lines * 0.03)) if n_lines >= 2 else 0
    n_sale = n_lines - n_ret
    # orders: a new order starts with probability 1/1.3
    new = rng.random(n_sale) < 1 / 1.3
    if n_sale:
        new[0] = True
    order_no = np.cumsum(new) - 1
    n_orders = int(order_no[-1]) + 1 if n_sale else 0
    # order day: weighted by the weekly profile and growth, sorted so order numbers follow time
    days = _days()
    w = _WEEKLY[days.day_of_week.to_numpy()] * (1 + _GROWTH * np.arange(len(days)) / 365)
    day_of_order = np.sort(rng.choice(len(days), n_orders, p=w / w.sum()))
    odate = days.to_numpy()[day_of_order] + rng.integers(0, 86400, n_orders).astype("timedelta64[s]")
    # customers: 60% buy once, the others 2 + a geometric number of orders (mean 6, capped at 40)
    est = max(1, int(n_orders / 2.6 * 1.1) + 10)
    k = np.where(rng.random(est) < 0.6, 1, np.minimum(2 + rng.geometric(0.25, est) - 1, 40))
    owner = np.repeat(np.arange(1, est + 1), k)
    if len(owner) < n_orders:             # rare: top up with one-time buyers
        owner = np.r_[owner, np.arange(est + 1, est + 1 + n_orders - len(owner))]
    cust_of_order = rng.permutation(owner[:n_orders]).astype(np.int64)
    n_cust = int(cust_of_order.max()) if n_orders else 0
    ch_of_order = rng.choice(3, n_orders, p=[0.6, 0.3, 0.1])
    cancelled_order = rng.random(n_orders) < CANCEL_RATE

    s = rng.integers(0, len(products), n_sale)
    qty = rng.choice(np.arange(1, 5), n_sale, p=_QTY_P).astype(np.int64)
    # returns: copies of non-cancelled sale lines
    ok = np.flatnonzero(~cancelled_order[order_no]) if n_sale else np.array([], dtype=np.int64)
    if not len(ok):                        # tiny inputs where every order was cancelled
        ok = np.arange(n_sale)
    pick = ok[rng.integers(0, len(ok), n_ret)] if n_ret else np.array([], dtype=np.int64)
    rows = np.r_[np.arange(n_sale), pick]
    is_ret = np.r_[np.zeros(n_sale, dtype=bool), np.ones(len(pick), dtype=bool)]
    o = order_no[rows]
    channel = np.array(CHANNELS, dtype=object)[ch_of_order[o]]
    price = products["price"].to_numpy()[s[rows]]
    q = qty[rows]
    fee = _fees(channel, products["category"].to_numpy()[s[rows]], price * q)
    ship = _shipping(channel, products["weight_kg"].to_numpy()[s[rows]], q)
    fee = np.where(is_ret, _refund_fee(channel.astype(str), fee), fee)
    delay = np.where(is_ret, rng.integers(4, 31, len(rows)) * 86400, 0).astype("timedelta64[s]")
    status = np.where(is_ret, 2, np.where(cancelled_order[o], 1, 0))
    cust = cust_of_order[o]
    countries = _COUNTRIES[rng.choice(len(_COUNTRIES), n_cust + 1, p=_COUNTRY_P)]
    names, emails = _customer_names(rng, countries, np.arange(n_cust + 1))
    cust_ids = _numbered("C", n_cust + 1, 7)
    order_ids = _numbered("BO", n_orders, 9)
    out = pd.DataFrame({
        "order_id": _str_take(order_ids, o),
        "order_date": (odate[o] + delay).astype("datetime64[ns]"),
        "sku": _str_take(products["sku"].to_numpy(), s[rows]),
        "quantity": np.where(is_ret, -q, q).astype(np.int64),
        "unit_price": price,
        "customer_id": _str_take(cust_ids, cust),
        "country": _str_take(countries, cust),
        "channel": _str_take(CHANNELS, ch_of_order[o]),
        "status": _str_take(["completed", "cancelled", "returned"], status),
        "currency": _str_take(["USD"], np.zeros(len(rows), dtype=np.int64)),
        "unit_cost": products["unit_cost"].to_numpy()[s[rows]],
        "shipping_cost": np.where(is_ret, 0.0, ship),
        "platform_fee": fee,
        "email": _str_take(emails, cust),
        "customer_name": _str_take(names, cust),
    })
    out["cancelled"] = status == 1
    return out


# --- files ----------------------------------------------------------------------------------------
# Columns the reader derives itself; not written to the CSV files.
_DERIVED = {"orders": ("cancelled",), "traffic": ("date_end",), "ads": ("date_end",)}


def write_sample(directory=None, seed: int = 7) -> dict[str, Path]:
    """Write every table of :func:`generate_store` as ``<table>.csv`` (UTF-8, ISO dates)."""
    out_dir = (Path(directory) if directory is not None
               else Path(__file__).resolve().parents[2] / "sample_data")
    out_dir.mkdir(parents=True, exist_ok=True)
    store = generate_store(seed=seed, plant=True)
    paths: dict[str, Path] = {}
    for name, frame in store.items():
        df = frame.drop(columns=[c for c in _DERIVED.get(name, ()) if c in frame.columns])
        path = out_dir / f"{name}.csv"
        df.to_csv(path, index=False, encoding="utf-8", date_format=_date_format(name, df),
                  lineterminator="\n")
        paths[name] = path
    return paths


def _date_format(name: str, df: pd.DataFrame) -> str:
    """ISO dates: date+time for order/shipment timestamps, date only elsewhere."""
    if name in ("orders", "shipments", "transactions"):
        return "%Y-%m-%d %H:%M:%S"
    return "%Y-%m-%d"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    paths = write_sample(argv[0] if argv else None)
    for name, path in paths.items():
        print(f"{name}: {path}")
    return 0
