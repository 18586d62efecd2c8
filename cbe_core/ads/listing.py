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
CJK runs of at most 4 characters (longer runs are sentences, not keywords), which count as searched when
they occur inside a clicked term.

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
import pyarrow as pa
import pyarrow.compute as pc

from ._common import Note, asin_mask, norm_series

LISTING_FIELDS = ("search_terms_backend", "name", "bullet_points", "description")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
# the tokeniser's steps (the same in the scalar and the vectorised form)
# written for pyarrow's RE2 (no \b or \s, which make pandas fall back to Python's re on such data)
_POSSESSIVE = r"'s(?:[^a-z0-9]|$)"
_NON_TOKEN = rf"[^a-z0-9{_CJK}]+"
_CJK_LATIN = (rf"([{_CJK}])([a-z0-9])", rf"([a-z0-9])([{_CJK}])")
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


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(_POSSESSIVE, " ", text).replace("'", "")
    text = re.sub(_NON_TOKEN, " ", text)
    for pattern in _CJK_LATIN:
        text = re.sub(pattern, r"\1 \2", text)
    return text


def tokens(text: object) -> list[str]:
    """Words of ``text`` (Latin words folded, CJK runs whole), in order."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return []
    return [tok if _IS_CJK.match(tok) else fold(tok) for tok in _clean(str(text)).split()]


def _clean_series(values: pd.Series) -> pd.Series:
    """:func:`_clean` vectorised: Arrow string kernels, Python only where a row needs it (NFKC for
    non-ASCII rows, the CJK/Latin split for rows with CJK characters)."""
    text = pd.Series(values, dtype="str").fillna("")
    wide = ~text.str.isascii()
    if wide.any():
        text = text.where(~wide, text[wide].str.normalize("NFKC"))
    text = text.str.lower().str.replace(_POSSESSIVE, " ", regex=True).str.replace("'", "", regex=False)
    text = text.str.replace(_NON_TOKEN, " ", regex=True).str.strip()
    if wide.any():
        cjk = wide & text.str.contains(rf"[{_CJK}]", regex=True)
        if cjk.any():
            part = text[cjk]
            for pattern in _CJK_LATIN:
                part = part.str.replace(pattern, r"\1 \2", regex=True)
            text = text.where(~cjk, part)
    return text


def _split_folded(values: pd.Series) -> pa.ListArray:
    """The cleaned values split into words, each word folded (a list per value; Arrow kernels, each
    distinct word folded once in Python)."""
    arr = pa.array(_clean_series(values))
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    lists = pc.split_pattern(arr, " ")
    enc = pc.dictionary_encode(pc.list_flatten(lists))
    uniq = enc.dictionary.to_pylist()
    folded = pa.array([w if _IS_CJK.match(w) else fold(w) for w in uniq], type=pa.large_string())
    return pa.LargeListArray.from_arrays(pa.array(lists.offsets, type=pa.int64()), folded.take(enc.indices))


def word_table(values: pd.Series) -> pd.DataFrame:
    """Every word of every value, vectorised: columns ``id`` (the value's index label) and ``word``
    (folded as :func:`tokens` does), in order."""
    values = pd.Series(values)
    lists = _split_folded(values)
    flat = pc.list_flatten(lists)
    parent = pc.list_parent_indices(lists).to_numpy()
    keep = pc.not_equal(flat, "").to_numpy(zero_copy_only=False)
    words = flat.filter(pa.array(keep))
    return pd.DataFrame({"id": values.index.to_numpy()[parent[keep]],
                         "word": pd.Series(words.to_pandas(types_mapper=pd.ArrowDtype), dtype="str").array})


def join_words(ids: pd.Series, words: pd.Series, sep: str = ", ") -> pd.Series:
    """``sep``-joined words per id, in order (vectorised string concatenation, not a Python join per
    group)."""
    if len(words) == 0:
        return pd.Series(dtype="str")
    joined = (pd.Series(words.to_numpy(dtype=object), dtype=object) + sep).groupby(ids.to_numpy(),
                                                                                   sort=False).sum()
    return joined.str[: -len(sep)].astype("str")


def fold_phrases(values: pd.Series) -> np.ndarray:
    """:func:`fold_phrase` of each value, vectorised (an object array aligned with ``values``)."""
    if len(values) == 0:
        return np.array([], dtype=object)
    joined = pc.binary_join(_split_folded(pd.Series(values)), pa.scalar(" ", type=pa.large_string()))
    return joined.to_numpy(zero_copy_only=False).astype(object)


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
        cs = campaign_skus.loc[campaign_skus["sku"].isin(known)].sort_values("sku")
        joined = cs.drop_duplicates(["campaign_key", "sku"]).groupby("campaign_key")["sku"].agg(", ".join)
        camp = norm_series(terms["campaign"])
        label = label.where(label != "", camp.map(joined).fillna(""))
    return label.astype("str")


def _listing_words(prod: pd.DataFrame, fields: tuple[str, ...]) -> pd.DataFrame:
    """(sku, word, field) of every listing word."""
    parts = []
    for f in fields:
        w = word_table(prod[f].reset_index(drop=True))
        w["sku"] = prod["sku"].to_numpy()[w["id"].to_numpy(dtype=np.int64)] if len(w) else ""
        w["field"] = f
        parts.append(w[["sku", "word", "field"]])
    return pd.concat(parts, ignore_index=True)


def coverage(terms: pd.DataFrame, products: pd.DataFrame | None,
             campaign_skus: pd.DataFrame | None = None) -> ListingCoverage | None:
    """Listing coverage of the decision window's ``terms`` (the :class:`~.decide.AdsResult` terms
    table: one row per campaign, ad group, targeting, match kind, search term and SKU). None when there
    is no products table with a ``sku`` and at least one listing text column. Each distinct search term
    is split into words once; terms, SKUs and words are then joined as integer codes."""
    if products is None or "sku" not in products.columns:
        return None
    fields = tuple(f for f in LISTING_FIELDS if f in products.columns)
    if not fields:
        return None
    notes = []
    if set(fields) <= {"name"}:
        notes.append(Note("ads.note.titles_only", {}))
    prod = products.assign(sku=products["sku"].astype("str").str.strip()).drop_duplicates("sku")
    prod = prod.reset_index(drop=True)
    known = set(prod["sku"])
    lw = _listing_words(prod, fields)
    label = _sku_sets(terms, campaign_skus, known)
    if (label == "").any():
        notes.append(Note("ads.note.listing_union", {"terms": int((label == "").sum())}))
    tcode, tuniq = pd.factorize(terms["search_term"], use_na_sentinel=True)
    tuniq = pd.Series(tuniq, dtype="str")
    asin = asin_mask(tuniq).to_numpy(dtype=bool)
    tw = word_table(tuniq)                                  # id = code of the distinct term
    tw["cjk"] = tw["word"].str.fullmatch(rf"[{_CJK}]+").fillna(False).to_numpy(dtype=bool) if len(tw) else []
    ok_term = (tcode >= 0) & ~asin[np.maximum(tcode, 0)]
    conv, words = _gaps(terms, label, tcode, tuniq, tw, ok_term, lw, known)
    unused = _unused(terms, tcode, ok_term, tw, lw)
    for frame in (words, conv, unused):
        for c in frame.columns:
            if frame[c].dtype == object:
                frame[c] = frame[c].astype("str")
    return ListingCoverage(words=words, terms=conv, unused=unused, fields=fields, notes=tuple(notes))


def _gaps(terms, label, tcode, tuniq, tw, ok_term, lw, known):
    """(converting terms with their missing words, missing words ranked by orders)."""
    conv_rows = (terms["orders"] > 0).to_numpy() & ok_term
    lcode, luniq = pd.factorize(label)
    conv = pd.DataFrame({"lab": lcode[conv_rows], "t": tcode[conv_rows],
                         "orders": terms["orders"].to_numpy()[conv_rows],
                         "sales": terms["sales"].to_numpy()[conv_rows]})
    conv = conv.groupby(["lab", "t"], sort=False)[["orders", "sales"]].sum().reset_index()
    conv = conv.sort_values(["orders", "sales"], ascending=False, kind="stable").reset_index(drop=True)
    # listing words per label: a label names one SKU, several (", "), or "" for every listing
    labels = pd.DataFrame({"lab": np.arange(len(luniq)),
                           "member": [lab.split(", ") if lab else sorted(known) for lab in luniq]})
    lab_words = labels.explode("member").merge(lw[["sku", "word"]].rename(columns={"sku": "member"}),
                                               on="member")[["lab", "word"]].drop_duplicates()
    pairs = conv[["lab", "t"]].reset_index().rename(columns={"index": "row"})
    tw_l = tw.loc[~tw["cjk"]]
    tw_l = tw_l.loc[~tw_l["word"].isin(STOPWORDS) & ~tw_l["word"].str.fullmatch(r"\d+")
                    & (tw_l["word"].str.len() > 1)]
    latin = pairs.merge(tw_l[["id", "word"]], left_on="t", right_on="id")
    latin = latin.merge(lab_words.assign(present=True), on=["lab", "word"], how="left")
    missing = latin.loc[latin["present"].isna(), ["row", "word"]]
    tw_c = tw.loc[tw["cjk"]]
    if len(tw_c):
        cjk = pairs.merge(tw_c[["id", "word"]], left_on="t", right_on="id")
        is_c = lab_words["word"].str.fullmatch(rf"[{_CJK}]+").fillna(False)
        cjk_text = lab_words.loc[is_c].groupby("lab")["word"].agg("|".join)
        extra = [(r, m) for r, w, lab in zip(cjk["row"], cjk["word"], cjk["lab"])
                 for m in _missing_cjk(w, cjk_text.get(lab, ""))]
        if extra:
            missing = pd.concat([missing, pd.DataFrame(extra, columns=["row", "word"])], ignore_index=True)
    missing = missing.drop_duplicates().sort_values("row", kind="stable")
    out = pd.DataFrame({"sku": np.asarray(luniq, dtype=object)[conv["lab"].to_numpy()],
                        "search_term": tuniq.to_numpy(dtype=object)[conv["t"].to_numpy()],
                        "orders": conv["orders"].to_numpy(), "sales": conv["sales"].to_numpy()})
    per_term = join_words(missing["row"], missing["word"])
    text = np.full(len(out), "", dtype=object)
    text[per_term.index.to_numpy(dtype=np.int64)] = per_term.to_numpy(dtype=object)
    out["missing"] = text
    if missing.empty:
        return out, pd.DataFrame({"sku": pd.Series(dtype="str"), "word": pd.Series(dtype="str"),
                                  "orders": pd.Series(dtype="float64"), "sales": pd.Series(dtype="float64"),
                                  "terms": pd.Series(dtype="int64"), "example": pd.Series(dtype="str")})
    m = missing.join(out[["sku", "search_term", "orders", "sales"]], on="row")
    words = (m.groupby(["sku", "word"], sort=False)
             .agg(orders=("orders", "sum"), sales=("sales", "sum"), terms=("search_term", "size"),
                  example=("search_term", "first")).reset_index()
             .sort_values(["orders", "sales"], ascending=False, kind="stable").reset_index(drop=True))
    return out, words


def _unused(terms: pd.DataFrame, tcode: np.ndarray, ok_term: np.ndarray, tw: pd.DataFrame,
            lw: pd.DataFrame) -> pd.DataFrame:
    """Listing words of advertised SKUs that appear in none of their clicked search terms (CJK runs
    longer than 4 characters are sentences and are skipped; a CJK listing word inside a clicked CJK run
    counts as searched). SKUs, terms and words are compared as integer codes."""
    empty = pd.DataFrame({"sku": pd.Series(dtype="str"), "word": pd.Series(dtype="str"),
                          "fields": pd.Series(dtype="str")})
    skus = pd.Index(lw["sku"].unique())
    scode = skus.get_indexer(terms["sku"].astype("str"))
    clicked = (terms["clicks"] > 0).to_numpy() & ok_term & (scode >= 0)
    pairs = pd.DataFrame({"s": scode[clicked], "t": tcode[clicked]}).drop_duplicates()
    cand = lw.loc[skus.get_indexer(lw["sku"]) >= 0]
    cand = cand.loc[np.isin(skus.get_indexer(cand["sku"]), pairs["s"].unique())]
    cjk = cand["word"].str.fullmatch(rf"[{_CJK}]+").fillna(False)
    cand = cand.loc[(~cjk | (cand["word"].str.len() <= 4)) & ~cand["word"].isin(STOPWORDS | CJK_STOP)
                    & ~cand["word"].str.fullmatch(r"\d+").fillna(False) & (cand["word"].str.len() > 1)]
    if cand.empty:
        return empty
    vocab = pd.Index(cand["word"].unique())
    twv = tw.assign(w=vocab.get_indexer(tw["word"]))
    twv = twv.loc[twv["w"] >= 0, ["id", "w"]]
    seen = pairs.merge(twv, left_on="t", right_on="id")
    seen_keys = pd.unique(seen["s"].to_numpy(dtype=np.int64) * len(vocab)
                          + seen["w"].to_numpy(dtype=np.int64))
    cand_key = skus.get_indexer(cand["sku"]).astype(np.int64) * len(vocab) + vocab.get_indexer(cand["word"])
    unseen = ~np.isin(cand_key, seen_keys)
    cjk = cand["word"].str.fullmatch(rf"[{_CJK}]+").fillna(False).to_numpy(dtype=bool)
    if (unseen & cjk).any():       # a CJK listing word inside a clicked CJK run was searched for too
        runs = pairs.merge(tw.loc[tw["cjk"], ["id", "word"]], left_on="t", right_on="id")
        text = runs.groupby("s")["word"].agg("|".join)
        for i in np.flatnonzero(unseen & cjk):
            unseen[i] = cand["word"].iloc[i] not in text.get(skus.get_loc(cand["sku"].iloc[i]), "")
    cand = cand.loc[unseen].drop_duplicates(["sku", "word", "field"])
    if cand.empty:
        return empty
    cand = cand.assign(rank=cand["field"].map({f: i for i, f in enumerate(LISTING_FIELDS)}))
    cand = cand.sort_values(["sku", "rank"], kind="stable").reset_index(drop=True)
    key = cand.groupby(["sku", "word"], sort=False).ngroup().to_numpy()
    first = cand.drop_duplicates(["sku", "word"]).set_index(key[~cand.duplicated(["sku", "word"])])
    out = first[["sku", "word", "rank"]].assign(fields=join_words(pd.Series(key), cand["field"]))
    out = out.sort_values(["sku", "rank", "word"], kind="stable").drop(columns="rank")
    return out.reset_index(drop=True)
