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


def test_the_language_link_sets_the_cookie_and_goes_back_only_to_this_site(client):
    from django.conf import settings

    answer = client.get("/i18n/switch/en/?next=/p/1/")
    assert answer.status_code == 302 and answer["Location"] == "/p/1/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get("/i18n/switch/en/?next=https://evil.example/")["Location"] == "/"
    unknown = client.get("/i18n/switch/xx/")
    assert unknown.status_code == 404 and b"zh-hans" in unknown.content


@pytest.mark.django_db
def test_anonymous_pages_carry_no_csrf_token_so_they_can_be_cached_publicly(client):
    page = client.get("/")
    assert b"csrfmiddlewaretoken" not in page.content
    assert "public" in page["Cache-Control"]
