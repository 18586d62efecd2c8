"""Search-term figures over any period and any grouping.

Ratios (NaN where the denominator is zero, never 0 or infinity):

- ``ctr = clicks / impressions``            (click-through rate)
- ``cpc = spend / clicks``                  (cost per click)
- ``conversion = orders / clicks``          (Amazon's "7 Day Conversion Rate" counts orders per click)
- ``acos = spend / sales``                  (advertising cost of sales)
- ``roas = sales / spend``                  (return on ad spend, 1 / ACoS)
- ``sales_per_click = sales / clicks``

Sums (``impressions, clicks, spend, orders, sales``) are added before any ratio is taken, so a group's
ACoS is its total spend over its total sales, not an average of its rows' ACoS.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import DataError
from ._common import check_search_terms, encode, safe_div

SUMS = ("impressions", "clicks", "spend", "orders", "sales")
RATIOS = ("ctr", "cpc", "conversion", "acos", "roas", "sales_per_click")
GROUP_KEYS = ("search_term", "campaign", "ad_group", "targeting", "match_type", "sku")


def add_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (with the sums) plus the ratio columns, computed from the sums."""
    out = frame.copy()
    out["ctr"] = safe_div(out["clicks"], out["impressions"])
    out["cpc"] = safe_div(out["spend"], out["clicks"])
    out["conversion"] = safe_div(out["orders"], out["clicks"])
    out["acos"] = safe_div(out["spend"], out["sales"])
    out["roas"] = safe_div(out["sales"], out["spend"])
    out["sales_per_click"] = safe_div(out["sales"], out["clicks"])
    return out


def summarise(search_terms: pd.DataFrame, by: Sequence[str] = ("search_term",), *,
              start: str | pd.Timestamp | None = None, end: str | pd.Timestamp | None = None) -> pd.DataFrame:
    """Sums and ratios per ``by`` group over ``start`` .. ``end`` (inclusive days; None = open).

    Text keys are compared normalised (case, width and spacing folded; see :mod:`._common`) and shown
    with their first spelling. A row covering a period (``date`` .. ``date_end``) is counted when the
    period overlaps the window. Sorted by spend, largest first."""
    by = list(by)
    unknown = [b for b in by if b not in GROUP_KEYS]
    if unknown:
        raise DataError("err.ads.bad_setting", setting="by", value=", ".join(unknown))
    st = check_search_terms(search_terms)
    mask = np.ones(len(st), dtype=bool)
    if start is not None:
        mask &= (st["date_end"] >= pd.Timestamp(start)).to_numpy()
    if end is not None:
        mask &= (st["date"] <= pd.Timestamp(end)).to_numpy()
    st = st.loc[mask]
    codes = {}
    displays = {}
    for b in by:
        c, _keys, disp = encode(st[b], normalise=b != "sku")
        codes[b] = c
        displays[b] = disp
    key_frame = pd.DataFrame({f"_{b}": codes[b] for b in by})
    for s in SUMS:
        key_frame[s] = st[s].to_numpy(dtype=float)
    if by:
        g = key_frame.groupby([f"_{b}" for b in by], sort=False)[list(SUMS)].sum().reset_index()
    else:
        g = key_frame[list(SUMS)].sum().to_frame().T
    out = pd.DataFrame({b: pd.array(displays[b][g[f"_{b}"].to_numpy()], dtype="str") for b in by})
    for s in SUMS:
        out[s] = g[s].to_numpy(dtype=float)
    out = add_ratios(out)
    return out.sort_values("spend", ascending=False, kind="stable").reset_index(drop=True)
