import pytest

from entrepot.config.locale import language_for


@pytest.mark.parametrize(
    ("path", "cookie", "expected"),
    [
        ("/", None, "zh-hans"),
        ("/c/books/", None, "zh-hans"),
        ("/seller/", None, "en"),
        ("/backoffice/", None, "en"),
        ("/", "en", "en"),
        ("/seller/", "zh-hans", "zh-hans"),
        ("/", "fr", "zh-hans"),
    ],
)
def test_buyers_get_chinese_first_and_sellers_english_first(path, cookie, expected):
    assert language_for(path, cookie) == expected
