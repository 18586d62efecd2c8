import re
import string

import pytest

from cbe_core import i18n
from cbe_core.errors import DataError


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_entry_has_both_languages_with_the_same_fields():
    for key, texts in i18n.catalog().items():
        assert set(texts) >= {"en", "zh"}, key
        assert texts["en"].strip() and texts["zh"].strip(), key
        assert _fields(texts["en"]) == _fields(texts["zh"]), key


def test_unknown_key_comes_back_as_itself():
    assert i18n.t("no.such.key", "zh") == "no.such.key"


@pytest.mark.parametrize("lang,expected",
                         [("zh", "zh"), ("zh-CN", "zh"), ("en", "en"), (None, "en"), ("fr", "en")])
def test_language_codes_are_normalised(lang, expected):
    assert i18n.normalise_lang(lang) == expected


def test_data_error_message_is_translated():
    err = DataError("err.unknown_table", table="x", tables="orders")
    assert "x" in str(err)
    assert re.search("[\u4e00-\u9fff]", err.message("zh"))
