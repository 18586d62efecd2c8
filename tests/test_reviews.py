"""Review mining: phrase extraction, the Monroe et al. (2008) log-odds z-score, phrases per product,
features competitors are praised for, Chinese text and degenerate input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from cbe_core.competitors import reviews as rv
from cbe_core.errors import DataError


def frame(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["product_id", "rating", "text"])
    return df.astype({"product_id": "str", "text": "str", "rating": "float64"})


def test_log_odds_z_matches_a_hand_worked_value():
    # y_i=10 of n_i=100, y_j=2 of n_j=100, a_w=1, a0=10:
    # delta = ln(11/99) - ln(3/107) = 1.376992; var = 1/11 + 1/3; z = 2.114094
    z = rv.log_odds_z(10, 100, 2, 100, 1.0, 10.0)
    assert float(z) == pytest.approx(2.114094, abs=1e-6)
    assert float(rv.log_odds_z(2, 100, 10, 100, 1.0, 10.0)) == pytest.approx(-2.114094, abs=1e-6)


CORPUS = [
    "The battery life is great. Love it!",
    "Battery died, not worth it... it's bad",
    "It's OK -- 2nd try, great battery life",
    "Great product. The battery life is great",
    "Never again: the strap broke (after 2 days) / cheap plastic",
]


def test_word_ngrams_agree_with_scikit_learn_count_vectorizer():
    stop = rv._stop_words()
    texts = pd.Series(CORPUS, dtype="str")
    x, names = rv._word_ngrams(texts, 1, stop)
    # reference: CountVectorizer on the same sentence-break-marked text, then the same phrase filter
    marked = texts.str.lower().str.replace(r"[.!?;:,()\[\]\"/]+|\s-\s", f" {rv._SEP} ", regex=True)
    ref = CountVectorizer(ngram_range=(1, 3), binary=True, token_pattern=r"(?u)\b[^\W\d_][\w']*\b",
                          lowercase=False)
    m = ref.fit_transform(marked)
    vocab = ref.get_feature_names_out()
    keep = [i for i, v in enumerate(vocab) if v.split()[0] not in stop and v.split()[-1] not in stop
            and rv._SEP not in v.split()]
    assert list(names) == list(vocab[keep])
    np.testing.assert_array_equal(x.toarray(), m[:, keep].toarray())


def test_phrases_never_cross_a_sentence_break_nor_start_with_a_stop_word():
    x, names, _ = rv.vectorize(pd.Series(CORPUS, dtype="str"), min_df=1)
    assert "battery life" in names and "great battery life" in names
    assert "great love" not in names  # "great. Love" spans a sentence break
    assert "the battery" not in names and "is great" not in names
    assert "not worth" in names  # negations are kept


def test_chinese_text_gets_character_ngrams_and_does_not_crash():
    texts = pd.Series(["续航很好，很满意。", "续航时间长，推荐！", "用了两周就坏了。", "Great battery life"],
                      dtype="str")
    x, names, is_zh = rv.vectorize(texts, min_df=2)
    assert is_zh.tolist() == [True, True, True, False]
    assert "续航" in names
    col = list(names).index("续航")
    assert x[:, col].toarray().ravel().tolist() == [1, 1, 0, 0]


def product_corpus() -> pd.DataFrame:
    pos = ["Love the battery life, works great.", "Battery life is amazing.",
           "Great battery life and bright.", "Five stars, the battery life lasts days.",
           "Battery life is excellent.", "Superb battery life."]
    neg = ["Strap broke after a week.", "The strap broke, poor quality.", "Broke in two days, strap snapped.",
           "Strap broke. Returned it.", "Poor quality, strap broke."]
    rows = [("P1", 5.0, t) for t in pos] + [("P1", 1.0, t) for t in neg] + [("P1", 3.0, "It is fine.")]
    return frame(rows)


def test_product_phrases_separate_praise_from_complaints():
    res = rv.mine(product_corpus())
    ph = res.phrases
    assert list(ph.columns) == rv.PHRASE_COLUMNS
    top_pos = ph.loc[ph["polarity"] == "positive"].sort_values("rank")
    top_neg = ph.loc[ph["polarity"] == "negative"].sort_values("rank")
    assert top_pos["phrase"].iloc[0] == "battery life"
    assert top_pos["positive_reviews"].iloc[0] == 6 and top_pos["negative_reviews"].iloc[0] == 0
    assert top_neg["phrase"].iloc[0] == "strap broke"
    assert (top_neg["z"] < 0).all() and (top_pos["z"] > 0).all()
    # nested duplicates are folded into the longer phrase seen as often
    assert "battery" not in set(top_pos["phrase"]) and "life" not in set(top_pos["phrase"])
    # the snippet is a real review that contains the phrase
    assert "battery life" in top_pos["snippet"].iloc[0].lower()
    s = res.summary.iloc[0]
    assert (s["n_reviews"], s["n_positive"], s["n_negative"], s["n_neutral"]) == (12, 6, 5, 1)


def listings() -> pd.DataFrame:
    return pd.DataFrame({"product_id": ["OWN", "RIV", "OTHER"], "set_id": ["lamps"] * 3,
                         "brand": ["Ours", "Volt", "Glow"], "is_own": [True, False, False]})


def praise_corpus(n: int = 40) -> pd.DataFrame:
    # Volt: 32 of 40 positive reviews mention battery life; ours: 4 of 40; Glow: 4 of 40
    rows = []
    for i in range(n):
        rows.append(("RIV", 5.0, "Love the battery life." if i < 32 else "Nice colour and sturdy."))
        rows.append(("OWN", 5.0, "Love the battery life." if i < 4 else "Nice colour and sturdy."))
        rows.append(("OTHER", 5.0, "Love the battery life." if i < 4 else "Nice colour and sturdy."))
    return frame(rows)


def test_features_competitors_are_praised_for_with_ratio_and_snippets():
    res = rv.mine(praise_corpus(), listings())
    f = res.features
    assert list(f.columns) == rv.FEATURE_COLUMNS
    top = f.iloc[0]
    assert (top["brand"], top["phrase"]) == ("Volt", "battery life")
    assert ((top["comp_mentions"], top["comp_reviews"], top["own_mentions"], top["own_reviews"])
            == (32, 40, 4, 40))
    assert top["comp_rate"] == pytest.approx(0.8) and top["own_rate"] == pytest.approx(0.1)
    assert top["ratio"] == pytest.approx((32.5 / 41) / (4.5 / 41))
    assert top["z"] >= 3
    assert "battery life" in top["snippet"].lower() and "battery life" in top["own_snippet"].lower()
    assert "Glow" not in set(f["brand"])  # praised as often as we are


def test_no_own_reviews_gives_a_note_not_an_error():
    res = rv.mine(praise_corpus(), listings().assign(is_own=False))
    assert res.features.empty
    assert ("comp.note.no_own_reviews", {}) in res.notes


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [("P", 5.0, "the and of")],
        [("P", 5.0, "great"), ("P", 5.0, "great")],
        [("P", 1.0, "坏了"), ("P", 1.0, "坏了"), ("P", 5.0, "很好")],
        [("P", np.nan, "great"), ("P", 4.0, "   ")],
    ],
    ids=["empty", "stop-words-only", "one-class-only", "chinese-only", "no-usable-row"],
)
def test_degenerate_reviews_do_not_crash(rows):
    res = rv.mine(frame(rows), listings())
    assert list(res.phrases.columns) == rv.PHRASE_COLUMNS
    assert list(res.features.columns) == rv.FEATURE_COLUMNS


def test_rows_without_text_or_rating_are_counted():
    res = rv.mine(frame([("P", np.nan, "great"), ("P", 4.0, ""), ("P", 5.0, "great lamp")]))
    assert ("comp.note.reviews_dropped", {"count": 2}) in res.notes


def test_missing_text_column_raises_a_data_error():
    with pytest.raises(DataError, match="text"):
        rv.mine(pd.DataFrame({"product_id": ["P"], "rating": [5.0]}))


def test_snippet_is_cut_around_the_phrase():
    text = "x" * 200 + " the battery life is great " + "y" * 200
    s = rv._snippet(text, "battery life", width=20)
    assert "battery life" in s and s.startswith("…") and s.endswith("…") and len(s) < 80
    assert math.isclose(len(rv._snippet("short text", "absent")), len("short text"))
