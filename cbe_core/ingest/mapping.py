"""Which header feeds which canonical column, and the template CSV of a table's canonical headers.

The automatic mapping comes from the platform layout, then the canonical names, then the schema
synonyms; a seller's own mapping overrides it and is checked against the file's headers.
"""

from __future__ import annotations

import csv
import io as _io

from .. import schema
from ..errors import DataError
from .headers import base_header, norm_header


def auto_mapping(headers: list[str], table: str, layout=None) -> dict[str, str]:
    """Canonical column -> header, from the layout, the canonical names and the schema synonyms.

    Two passes: every column is first matched on the full normalised header
    (:func:`~cbe_core.ingest.headers.norm_header`); columns still unmatched are then matched on the
    header without its bracketed unit (``14 Day Total Sales (₹)`` -> ``14 day total sales``), among
    the headers not used yet. Within a pass the layout's candidates come first, then the canonical
    names, then the synonyms in their listed order. An orders file without a SKU column uses the
    product name column as the product key."""
    tab = schema.get_table(table)
    by_norm: dict[str, str] = {}
    by_base: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(norm_header(h), h)
    for h in headers:
        by_base.setdefault(base_header(h), h)
    mapping: dict[str, str] = {}
    skip = set(layout.skip) if layout is not None else set()
    lay_cols = dict(layout.columns) if layout is not None else {}

    def pick(full: bool, cands, used: set[str], allow_used: bool) -> str | None:
        index, key = (by_norm, norm_header) if full else (by_base, base_header)
        for c in cands:
            h = index.get(key(c))
            if h is not None and (allow_used or h not in used):
                return h
        return None

    for full in (True, False):
        used = set(mapping.values())
        for canon, cands in lay_cols.items():
            if canon in mapping:
                continue
            # a layout may feed two columns from one header (Shopify's Email: customer_id and email)
            h = pick(full, cands, used, allow_used=full)
            if h is not None:
                mapping[canon] = h
        used = set(mapping.values())
        for names in ((col.name,) for col in tab.columns), (col.synonyms for col in tab.columns):
            for col, cands in zip(tab.columns, names, strict=True):
                if col.name in mapping or col.name in skip:
                    continue
                h = pick(full, cands, used, allow_used=False)
                if h is not None:
                    mapping[col.name] = h
                    used.add(h)
    if table == "orders" and "sku" not in mapping and "product_name" in mapping and "sku" not in skip:
        mapping["sku"] = mapping["product_name"]
    order = {c.name: i for i, c in enumerate(tab.columns)}
    return dict(sorted(mapping.items(), key=lambda kv: order.get(kv[0], 999)))


PERIOD_TABLES = ("traffic", "ads", "search_terms", "inventory")
"""Tables whose date a period (or an as-of day) given by the seller or found in the file can supply."""


def _required(table: str, layout) -> list[str]:
    req = list(schema.get_table(table).required)
    if layout is not None:
        req = [c for c in req if c not in layout.provides]
    if table in PERIOD_TABLES:
        req = [c for c in req if c != "date"]
    return req


def _final_mapping(
    headers: list[str], table: str, layout, mapping: dict[str, str] | None, name: str
) -> dict[str, str]:
    tab = schema.get_table(table)
    auto = auto_mapping(headers, table, layout)
    if mapping:
        known = set(headers)
        extra_ok = set(layout.kinds) if layout is not None else set()
        for canon, header in mapping.items():
            if canon not in tab.names and canon not in extra_ok:
                raise DataError(
                    "err.io.unknown_column", file=name, column=canon, table=table,
                    columns=", ".join(tab.names),
                )
            if header not in known:
                raise DataError(
                    "err.io.mapping_header_missing",
                    file=name,
                    column=canon,
                    header=header,
                    found=", ".join(headers[:30]),
                )
        auto = {k: v for k, v in auto.items() if k not in mapping}
        auto.update(mapping)
        order = {c: i for i, c in enumerate(tab.names)}
        auto = dict(sorted(auto.items(), key=lambda kv: order.get(kv[0], 999)))
    missing = [c for c in _required(table, layout) if c not in auto]
    if missing:
        raise DataError(
            "err.io.missing_columns", file=name, table=table, columns=", ".join(missing),
            found=", ".join(headers[:30]),
        )
    return auto


_EXAMPLES = {
    "id": ("A1001", "A1002"),
    "text": ("Bamboo cutting board", "Silicone spatula set"),
    "category": ("kitchen", "home"),
    "datetime": ("2026-03-01 09:30:00", "2026-03-02 14:05:00"),
    "date": ("2026-03-01", "2026-03-02"),
    "int": ("2", "1"),
    "float": ("0.45", "1.2"),
    "money": ("19.99", "24.50"),
    "pct": ("0.8%", "1.2%"),
    "bool": ("no", "yes"),
}
_NAMED_EXAMPLES = {
    "order_id": ("100001", "100002"),
    "customer_id": ("C0001", "C0002"),
    "sku": ("KIT-001", "HOM-002"),
    "country": ("US", "DE"),
    "channel": ("amazon", "shopify"),
    "status": ("paid", "cancelled"),
    "currency": ("USD", "EUR"),
    "source": ("amazon_search", "google"),
    "campaign": ("SP - kitchen - exact", "SP - home - auto"),
    "product_id": ("B0EXAMPLE1", "B0EXAMPLE2"),
    "brand": ("OurBrand", "RivalCo"),
    "is_own": ("yes", "no"),
    "mode": ("postal", "express"),
    "dest": ("US", "DE"),
    "pricing": ("per_kg", "first_extra"),
    "carrier": ("China Post", "DHL"),
    "shipment_id": ("LX123456789CN", "1234567890"),
    "email": ("ann@example.com", "bo@example.com"),
    "customer_name": ("Ann Lee", "Bo Wang"),
    "text": ("Great battery life", "Broke after a week"),
    "rating": ("5", "2"),
    "loss_rate": ("0.8%", "0.3%"),
    "quantity": ("2", "1"),
    "weight_kg": ("0.45", "1.2"),
    "transit_days_min": ("7", "3"),
    "transit_days_max": ("15", "6"),
    "search_term": ("bamboo cutting board", "cutting board large"),
    "ad_group": ("Cutting boards", "Spatulas"),
    "targeting": ("cutting board", "close-match"),
    "match_type": ("BROAD", "-"),
    "portfolio": ("Kitchen", "Kitchen"),
    "on_hand": ("120", "35"),
    "inbound": ("200", "0"),
    "reserved": ("4", "1"),
    "warehouse": ("FBA", "home"),
    "type": ("Order", "Refund"),
    "marketplace": ("amazon.com", "amazon.com"),
    "fulfillment": ("Amazon", "Amazon"),
    "settlement_id": ("12345678901", "12345678901"),
    "description": ("Bamboo cutting board", "Bamboo cutting board"),
    "rate": ("7.10", "7.75"),
    "base": ("CNY", "CNY"),
}


def template_csv(table: str) -> bytes:
    """Header and two example rows for ``table``: UTF-8 with BOM so Excel shows Chinese correctly."""
    tab = schema.get_table(table)
    buf = _io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(tab.names)
    for i in range(2):
        w.writerow([(_NAMED_EXAMPLES.get(c.name) or _EXAMPLES[c.kind])[i] for c in tab.columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
