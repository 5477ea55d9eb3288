import pytest
from django.urls import reverse

from entrepot.buyers.models import BuyerIdentity
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.buyers.urls_for_tests")]

NUMBER = "11010519491231002X"
URL = "/account/identity/"


@pytest.fixture
def buyer_client(client):
    buyer = factories.buyer()
    client.force_login(buyer.user)
    client.buyer = buyer
    return client


def _post(client, **fields):
    data = {"name": "王芳", "id_number": NUMBER, "consent": "on", **fields}
    return client.post(URL, {k: v for k, v in data.items() if v is not None})


def test_page_is_mounted_under_account():
    assert reverse("buyers:identity") == URL


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_accounts_without_a_buyer_profile_are_refused(client):
    client.force_login(factories.user())
    assert client.get(URL).status_code == 403


def test_page_is_in_chinese_by_default(buyer_client):
    assert buyer_client.get(URL)["Content-Language"] == "zh-hans"


def test_get_shows_the_form_with_the_consent_purpose(buyer_client, settings):
    buyer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = buyer_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="id_number"' in html and 'name="consent"' in html
    assert "GACC Announcement 2018 No. 194" in html


def test_post_verifies_and_shows_only_the_masked_number(buyer_client):
    response = _post(buyer_client)
    assert response.status_code == 302 and response["Location"] == URL
    html = buyer_client.get(URL).content.decode()
    assert "110105********002X" in html
    assert NUMBER not in html.upper()
    assert BuyerIdentity.objects.get(buyer=buyer_client.buyer).name == "王芳"


def test_bad_check_digit_is_explained_without_echoing_the_number(buyer_client):
    typed = "360426199101010072"
    response = _post(buyer_client, id_number=typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert typed not in html
    assert "360426********0072" in html  # the masked form helps find the typo
    assert 'name="id_number"' in html and f'value="{typed}"' not in html
    assert not BuyerIdentity.objects.exists()


def test_without_consent_nothing_is_stored_and_the_number_is_not_echoed(buyer_client):
    response = _post(buyer_client, consent=None)
    assert response.status_code == 200
    assert NUMBER not in response.content.decode().upper()
    assert not BuyerIdentity.objects.exists()


def test_existing_identity_shows_masked_and_prefills_only_the_name(buyer_client):
    _post(buyer_client)
    html = buyer_client.get(URL).content.decode()
    assert 'value="王芳"' in html
    assert "110105********002X" in html
