"""Listing coverage: which words of converting search terms the listing lacks, and which listing words
never brought a click.

**Listing text** per SKU: the optional ``products`` columns ``name`` (the title), ``bullet_points``,
``description`` and ``search_terms_backend`` (Amazon's "generic keywords"); whichever are present.
A search term without a SKU is checked against the listings of the SKUs its campaign advertises (a
word counts as present when any of them has it); when no SKU is known at all, against every listing.

**Words.** Text is NFKC-normalised and lower-cased. Latin words are runs of letters and digits (a
trailing ``'s`` dropped; ``stainless-steel`` is two words) folded to a singular form with light
English rules (``batteries -> battery``, ``boxes -> box``, ``brushes -> brush``, ``clips -> clip``; words
ending in ``ss``, ``us`` or ``is`` and words of 3 letters or fewer are kept; after Harman 1991, "How
effective is suffixing?", JASIS 42(1):7-15, with the ``-xes/-ches/-shes/-sses`` cases added). Common
function words (``for, with, and, the...``) and bare numbers are never reported. Chinese, Japanese and
Korean text has no spaces, so a CJK run is checked by its character pairs (bigrams, as Lucene's
``CJKAnalyzer`` does): a character is covered when a pair containing it occurs in the listing, and the
missing "word" reported is each maximal run of uncovered characters (``无线耳机`` against a listing
saying ``蓝牙耳机`` is missing ``无线``). Listing words that never brought a click: Latin words, and
CJK runs of at most 4 characters (longer runs are sentences, not keywords).

Results (:class:`ListingCoverage`):

- ``words``: per listing (``sku``) and missing word: ``orders`` and ``sales`` of the converting terms
  that contain it, how many such ``terms``, and the ``example`` term with the most orders; ranked by
  orders.
- ``terms``: per listing and converting term: orders, sales and its ``missing`` words ("" when the
  listing covers it).
- ``unused``: per advertised SKU, listing words that appear in none of its clicked search terms, with
  the ``fields`` they sit in (``search_terms_backend`` first: backend keywords that never bring a click
  waste the slot).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._common import Note, is_asin, norm_values

LISTING_FIELDS = ("search_terms_backend", "name", "bullet_points", "description")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN = re.compile(rf"[a-z0-9]+(?:'[a-z]+)?|[{_CJK}]+")
_IS_CJK = re.compile(rf"^[{_CJK}]+$")
STOPWORDS = frozenset((
    "a", "an", "and", "or", "the", "for", "of", "to", "in", "on", "with", "by", "at", "from", "is", "are",
    "be", "it", "its", "this", "that", "these", "those", "your", "you", "our", "as", "into", "over", "under",
    "per", "pcs", "pc", "pack", "x", "vs", "via", "not", "no", "yes", "all", "any", "my", "me", "i", "we",
    "us", "can", "will", "just", "more", "most", "very"))
CJK_STOP = frozenset("的了和与及或用个款只在是为把对")


def fold(word: str) -> str:
    """A Latin word folded to a singular form (see the module docstring); other tokens unchanged."""
    w = word
    if len(w) <= 3 or not w.isascii() or not w.isalpha():
        return w
    if w.endswith("ies") and not w.endswith(("eies", "aies")):
        return w[:-3] + "y"
    if w.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return w[:-2]
    if w.endswith(("ss", "us", "is")):
        return w
    if w.endswith("s"):
        return w[:-1]
    return w


def tokens(text: object) -> list[str]:
    """Words of ``text`` (Latin words folded, CJK runs whole), in order."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return []
    out = []
    for tok in _TOKEN.findall(unicodedata.normalize("NFKC", str(text)).lower()):
        if tok.endswith("'s"):
            tok = tok[:-2]
        out.append(tok if _IS_CJK.match(tok) else fold(tok.replace("'", "")))
    return out


def fold_phrase(text: object) -> str:
    """``text`` as its folded words joined by spaces (for comparing keywords: plurals, case, spacing)."""
    return " ".join(tokens(text))


def _reportable(tok: str) -> bool:
    return tok not in STOPWORDS and not tok.isdigit() and len(tok) > 1


@dataclass(frozen=True)
class _Listing:
    words: frozenset
    cjk: str                     # every CJK run of the listing, "|"-separated (for pair look-ups)


def _listing(texts: list[str]) -> _Listing:
    words: set[str] = set()
    cjk: list[str] = []
    for text in texts:
        for tok in tokens(text):
            if _IS_CJK.match(tok):
                cjk.append(tok)
            else:
                words.add(tok)
    return _Listing(frozenset(words), "|".join(cjk))


def _missing_cjk(run: str, cjk: str) -> list[str]:
    if len(run) == 1:
        return [] if run in cjk or run in CJK_STOP else [run]
    covered = np.zeros(len(run), dtype=bool)
    for i in range(len(run) - 1):
        if run[i:i + 2] in cjk:
            covered[i] = covered[i + 1] = True
    out, cur = [], ""
    for ch, ok in zip(run, covered):
        if ok:
            if cur:
                out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        out.append(cur)
    return [seg for seg in out if not (len(seg) == 1 and seg in CJK_STOP)]


def missing_words(term: str, listing: _Listing) -> list[str]:
    """Words of ``term`` that ``listing`` lacks (stop words and numbers never count)."""
    out: list[str] = []
    for tok in tokens(term):
        if _IS_CJK.match(tok):
            out.extend(m for m in _missing_cjk(tok, listing.cjk) if m not in out)
        elif _reportable(tok) and tok not in listing.words and tok not in out:
            out.append(tok)
    return out


@dataclass(frozen=True)
class ListingCoverage:
    words: pd.DataFrame
    terms: pd.DataFrame
    unused: pd.DataFrame
    fields: tuple[str, ...]
    notes: tuple[Note, ...] = field(default_factory=tuple)


def _sku_sets(terms: pd.DataFrame, campaign_skus: pd.DataFrame | None, known: set[str]) -> pd.Series:
    """The listing label (a SKU, or SKUs joined by ", ") each term row is checked against."""
    sku = terms["sku"].astype("str").str.strip()
    label = sku.where(sku.isin(known), "")
    if campaign_skus is not None and len(campaign_skus) and (label == "").any():
        cs = campaign_skus.loc[campaign_skus["sku"].isin(known)]
        joined = cs.groupby("campaign_key")["sku"].agg(lambda s: ", ".join(sorted(set(s))))
        camp = pd.Series(norm_values(terms["campaign"].to_numpy()), index=terms.index)
        label = label.where(label != "", camp.map(joined).fillna(""))
    return label


def coverage(terms: pd.DataFrame, products: pd.DataFrame | None,
             campaign_skus: pd.DataFrame | None = None) -> ListingCoverage | None:
    """Listing coverage of the decision window's ``terms`` (the :class:`~.decide.AdsResult` terms
    table: one row per campaign, ad group, targeting, match kind, search term and SKU). None when there
    is no products table with a ``sku`` and at least one listing text column."""
    if products is None or "sku" not in products.columns:
        return None
    fields = tuple(f for f in LISTING_FIELDS if f in products.columns)
    if not fields:
        return None
    notes = []
    if set(fields) <= {"name"}:
        notes.append(Note("ads.note.titles_only", {}))
    prod = products.drop_duplicates("sku").assign(sku=lambda d: d["sku"].astype("str").str.strip())
    texts = {row["sku"]: [row[f] for f in fields] for row in prod[["sku", *fields]].to_dict("records")}
    known = set(texts)
    label = _sku_sets(terms, campaign_skus, known)
    if (label == "").any():
        notes.append(Note("ads.note.listing_union", {"terms": int((label == "").sum())}))
    listings: dict[str, _Listing] = {}

    def listing_for(lab: str) -> _Listing:
        if lab not in listings:
            skus = lab.split(", ") if lab else sorted(known)
            listings[lab] = _listing([t for s in skus for t in texts.get(s, [])])
        return listings[lab]

    asin = pd.Series(is_asin(np.asarray(norm_values(terms["search_term"].to_numpy()), dtype=object)),
                     index=terms.index)
    conv = terms.loc[(terms["orders"] > 0) & ~asin, ["search_term", "orders", "sales"]].assign(sku=label)
    conv = conv.groupby(["sku", "search_term"], sort=False)[["orders", "sales"]].sum().reset_index()
    conv["words"] = [missing_words(term, listing_for(lab))
                     for lab, term in zip(conv["sku"], conv["search_term"])]
    conv["missing"] = [", ".join(m) for m in conv["words"]]
    conv = conv.sort_values(["orders", "sales"], ascending=False, kind="stable").reset_index(drop=True)
    exploded = conv.rename(columns={"words": "word"}).explode("word").dropna(subset=["word"])
    conv = conv.drop(columns="words")
    if len(exploded):
        words = (exploded.groupby(["sku", "word"], sort=False)
                 .agg(orders=("orders", "sum"), sales=("sales", "sum"), terms=("search_term", "size"),
                      example=("search_term", "first")).reset_index()
                 .sort_values(["orders", "sales"], ascending=False, kind="stable").reset_index(drop=True))
    else:
        words = pd.DataFrame({"sku": pd.Series(dtype="str"), "word": pd.Series(dtype="str"),
                              "orders": pd.Series(dtype="float64"), "sales": pd.Series(dtype="float64"),
                              "terms": pd.Series(dtype="int64"), "example": pd.Series(dtype="str")})
    unused = _unused(terms, prod, fields, known)
    for frame in (words, conv, unused):
        for c in frame.columns:
            if frame[c].dtype == object:
                frame[c] = frame[c].astype("str")
    return ListingCoverage(words=words, terms=conv, unused=unused, fields=fields, notes=tuple(notes))


def _unused(terms: pd.DataFrame, prod: pd.DataFrame, fields: tuple[str, ...],
            known: set[str]) -> pd.DataFrame:
    clicked = terms.loc[(terms["clicks"] > 0) & terms["sku"].isin(known), ["sku", "search_term"]]
    clicked = clicked.loc[~is_asin(np.asarray(norm_values(clicked["search_term"].to_numpy()), dtype=object))]
    seen: dict[str, set[str]] = {}
    for sku, term in clicked.drop_duplicates().itertuples(index=False):
        bag = seen.setdefault(sku, set())
        for tok in tokens(term):
            bag.add(tok)
            if _IS_CJK.match(tok):                       # a CJK run also covers its pairs
                bag.update(tok[i:i + 2] for i in range(len(tok) - 1))
    rows = []
    for rec in prod.loc[prod["sku"].isin(seen), ["sku", *fields]].to_dict("records"):
        sku = rec["sku"]
        where: dict[str, list[str]] = {}
        for f in fields:
            for tok in tokens(rec[f]):
                if _IS_CJK.match(tok) and len(tok) > 4:
                    continue
                if not _reportable(tok) or tok in seen[sku] or tok in CJK_STOP:
                    continue
                where.setdefault(tok, [])
                if f not in where[tok]:
                    where[tok].append(f)
        for tok, fs in where.items():
            rows.append({"sku": sku, "word": tok, "fields": ", ".join(fs),
                         "rank": min(LISTING_FIELDS.index(f) for f in fs)})
    if not rows:
        return pd.DataFrame({"sku": pd.Series(dtype="str"), "word": pd.Series(dtype="str"),
                             "fields": pd.Series(dtype="str")})
    out = pd.DataFrame(rows).sort_values(["sku", "rank", "word"], kind="stable").drop(columns="rank")
    return out.reset_index(drop=True)
