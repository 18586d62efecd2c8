"""Duty and VAT/GST on a parcel or a bulk import, from the dated rules of ``duty_rules.csv``.

**An estimate**: duty depends on the HS code (the seller enters the base rate), and several rules are
marked ``partial`` or ``unknown`` where the sources ran out. VAT is passed on to the buyer, so it is in
the landed cost but not in the expected cost the seller compares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import _nz
from .reference import _default_duty_rules, _fx_map


# --------------------------------------------------------------------------------------------------
# Duties and VAT (estimate)
# --------------------------------------------------------------------------------------------------
def duties(
    dest,
    mode,
    value_usd,
    freight_usd,
    on=None,
    *,
    base_duty_rate=0.0,
    item_categories=1,
    rules: pd.DataFrame | None = None,
    fx: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Duty and VAT/GST estimate (USD) per row for parcels of goods value ``value_usd`` and freight
    ``freight_usd`` sent by ``mode`` to ``dest`` on date ``on``.

    The matching rule is the first row of ``rules`` for the destination and mode whose validity covers
    ``on`` and whose value range (``value_min`` < value <= ``value_max``, local currency) holds the value.
    duty = surcharge rate x customs value (+ ``base_duty_rate`` x value where the rule adds the
    product's own MFN / Section 301 duty) + flat duty per item category; customs value = goods (FOB) or
    goods + freight (CIF). VAT = rate x (goods + freight + duty). Returns columns ``duty``, ``vat``,
    ``rule_id``, ``rule_status`` (known / partial / unknown / none), ``rule_note`` (catalog key),
    ``vat_collected``. **An estimate**, never advice.
    """
    rules = _default_duty_rules() if rules is None else rules
    fxm = _fx_map(fx)
    on = pd.Timestamp(on) if on is not None else pd.Timestamp.today().normalize()
    dest = np.asarray(dest, dtype=object)
    mode = np.asarray(mode, dtype=object)
    n = max(dest.size, mode.size, np.size(value_usd), np.size(freight_usd))
    dest = np.broadcast_to(dest, (n,))
    mode = np.broadcast_to(mode, (n,))
    value = np.broadcast_to(np.asarray(value_usd, float), (n,))
    freight = np.broadcast_to(np.asarray(freight_usd, float), (n,))
    duty = np.zeros(n)
    vat = np.zeros(n)
    rule_id = np.full(n, "", dtype=object)
    status = np.full(n, "none", dtype=object)
    note = np.full(n, "logi.rule.none", dtype=object)
    collected = np.full(n, "none", dtype=object)
    unmatched = np.ones(n, dtype=bool)
    live = rules.loc[(rules["valid_from"] <= on) & (rules["valid_to"].isna() | (rules["valid_to"] > on))]
    for r in live.itertuples(index=False):  # a handful of rules; the parcels are vectorised
        rate = fxm.get(str(r.currency), np.nan)
        local = value * rate
        modes = str(r.modes) if isinstance(r.modes, str) and r.modes else ""
        m = unmatched & (dest == r.dest)
        if modes:
            m &= np.isin(mode, modes.split("|"))
        if np.isfinite(r.value_min):
            m &= local > r.value_min
        if np.isfinite(r.value_max):
            m &= local <= r.value_max
        if not m.any():
            continue
        customs = value[m] + (freight[m] if str(r.duty_basis).upper() == "CIF" else 0.0)
        d = _nz(r.duty_rate) * customs + (base_duty_rate * customs if r.adds_base_duty else 0.0)
        d = d + _nz(r.duty_per_item_category) * item_categories / rate
        duty[m] = d
        vat[m] = _nz(r.vat_rate) * (value[m] + freight[m] + d)
        rule_id[m] = r.rule_id
        status[m] = r.status
        note[m] = r.note_key
        collected[m] = r.vat_collected
        unmatched &= ~m
    return pd.DataFrame(
        {
            "duty": np.round(duty, 4),
            "vat": np.round(vat, 4),
            "rule_id": rule_id,
            "rule_status": status,
            "rule_note": note,
            "vat_collected": collected,
        }
    )
