"""cbe_core.ads.listing: words, plural folding, Chinese text and coverage weighted by orders."""

from __future__ import annotations

import pandas as pd
import pytest

from cbe_core.ads import listing


@pytest.mark.parametrize("word,folded", [
    ("batteries", "battery"), ("boxes", "box"), ("brushes", "brush"), ("glasses", "glass"), ("clips", "clip"),
    ("glass", "glass"), ("cactus", "cactus"), ("bus", "bus"), ("lights", "light"), ("toys", "toy"),
], ids=lambda v: v)
def test_plurals_fold_to_one_word(word, folded):
    assert listing.fold(word) == folded


def test_tokens_fold_case_width_possessives_and_keep_cjk_runs():
    words = ["women", "led", "night", "light", "3", "pack"]
    assert listing.tokens("Women's ＬＥＤ Night-Lights 3 pack") == words
    assert listing.tokens("无线蓝牙耳机 Pro") == ["无线蓝牙耳机", "pro"]
    assert listing.fold_phrase("Milk  FROTHERS") == listing.fold_phrase("milk frother")
    assert listing.tokens(None) == []


def test_missing_words_in_english_ignore_stop_words_numbers_and_plurals():
    lst = listing._listing(["Electric Milk Frother", "Froths milk in 15 seconds for lattes"])
    assert listing.missing_words("handheld milk frothers for latte 2 pack", lst) == ["handheld"]
    assert listing.missing_words("matcha whisk", lst) == ["matcha", "whisk"]


def test_missing_words_in_chinese_are_the_uncovered_characters():
    lst = listing._listing(["蓝牙耳机 降噪 长续航"])
    assert listing.missing_words("无线耳机", lst) == ["无线"]
    assert listing.missing_words("蓝牙耳机", lst) == []
    assert listing.missing_words("降噪的耳机", lst) == []          # 的 alone is a particle, not a gap
    assert listing.missing_words("运动耳机 sport", lst) == ["运动", "sport"]


def _terms(rows):
    return pd.DataFrame(rows, columns=["campaign", "search_term", "sku", "clicks", "orders", "sales"])


def test_coverage_ranks_missing_words_by_orders_and_lists_listing_words_without_clicks():
    products = pd.DataFrame({"sku": ["K7", "B1"], "name": ["Electric Milk Frother", "Jade Roller"],
                             "bullet_points": ["Froths milk fast", "Cooling jade stone"],
                             "search_terms_backend": ["foamer wand", "gua sha"]})
    terms = _terms([("C", "matcha whisk", "K7", 20, 5, 100.0), ("C", "milk frother", "K7", 50, 9, 180.0),
                    ("C", "whisk for eggs", "K7", 10, 1, 20.0), ("C", "galaxy projector", "K7", 30, 0, 0.0),
                    ("C", "B0ABCDEF12", "K7", 5, 1, 20.0), ("C", "jade roller", "B1", 10, 2, 40.0)])
    cov = listing.coverage(terms, products)
    words = cov.words.set_index("word")
    assert list(words.index) == ["whisk", "matcha", "egg"]        # whisk carries 5 + 1 orders
    assert words.loc["whisk", "orders"] == 6 and words.loc["whisk", "terms"] == 2
    assert words.loc["whisk", "example"] == "matcha whisk"
    assert "galaxy" not in words.index                            # no orders: not a listing gap
    assert "b0abcdef12" not in words.index                        # an ASIN is not a word
    unused = cov.unused.set_index(["sku", "word"])
    assert unused.loc[("K7", "foamer"), "fields"] == "search_terms_backend"
    assert unused.loc[("K7", "froth"), "fields"] == "bullet_points"
    assert ("K7", "milk") not in unused.index
    assert unused.index.get_level_values(0)[0] == "B1"
    assert cov.unused.loc[cov.unused["sku"] == "K7", "word"].iloc[0] == "foamer"   # backend words first


def test_terms_without_a_sku_are_checked_against_their_campaign_listings():
    products = pd.DataFrame({"sku": ["K7", "K5"], "name": ["Milk Frother", "Gooseneck Kettle"]})
    campaign_skus = pd.DataFrame({"campaign_key": ["coffee"], "sku": ["K7"], "w": [1.0]})
    terms = _terms([("Coffee", "kettle frother", "", 10, 2, 40.0)])
    cov = listing.coverage(terms, products, campaign_skus)
    assert cov.words["word"].tolist() == ["kettle"] and cov.words["sku"].tolist() == ["K7"]
    keys = [n.key for n in cov.notes]
    assert "ads.note.titles_only" in keys
    no_map = listing.coverage(terms, products)                     # every listing: both words present
    assert no_map.words.empty and "ads.note.listing_union" in [n.key for n in no_map.notes]


def test_no_listing_text_means_no_coverage():
    assert listing.coverage(_terms([]), None) is None
    assert listing.coverage(_terms([]), pd.DataFrame({"sku": ["A"], "price": [1.0]})) is None


def test_the_vectorised_tokeniser_agrees_with_the_scalar_one():
    texts = ["Women's ＬＥＤ Night-Lights 3 pack", "无线蓝牙耳机Pro 2个", "  Milk  FROTHERS  ", "", None,
             "brushes, boxes & batteries", "Café crème\u3000brûlée", "it's the kids' toys"]
    series = pd.Series(texts, dtype="str")
    assert list(listing.fold_phrases(series)) == [listing.fold_phrase(t) for t in texts]
    table = listing.word_table(series)
    for i, text in enumerate(texts):
        assert table.loc[table["id"] == i, "word"].tolist() == listing.tokens(text)


def test_clicked_chinese_terms_cover_their_character_pairs_in_the_listing():
    products = pd.DataFrame({"sku": ["E1"], "name": ["蓝牙耳机 降噪"], "search_terms_backend": ["运动 无线"]})
    terms = _terms([("C", "无线蓝牙耳机", "E1", 5, 1, 30.0)])
    cov = listing.coverage(terms, products)
    assert cov.words.empty                               # every character pair of the term is listed
    unused = set(cov.unused["word"])
    assert "运动" in unused and "降噪" in unused            # never in a clicked term
    assert "无线" not in unused and "蓝牙耳机" not in unused   # inside the clicked run
