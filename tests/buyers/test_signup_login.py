"""Sign-up and login with a mainland mobile number or an e-mail address (issue 5)."""

import logging

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.urls import reverse

from entrepot.buyers import services
from entrepot.buyers.models import Buyer
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "plum-blossom-river-42"
SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"


@pytest.fixture
def english(client, settings):
    """Pages in English, so that assertions do not depend on the Chinese catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _sign_up(client, login, *, next_url=None, **fields):
    data = {"login": login, "display_name": "王芳", "password1": PASSWORD,
            "password2": PASSWORD, **fields}  # fmt: skip
    if next_url is not None:
        data["next"] = next_url
    return client.post(SIGNUP, data)


def _logged_in_user(client):
    return get_user_model().objects.get(pk=client.session[SESSION_KEY])


def test_sign_up_is_mounted_at_accounts_signup():
    assert reverse("signup") == SIGNUP


def test_sign_up_by_phone_logs_in_and_goes_to_next(client):
    response = _sign_up(client, "+86 138 0013 8000", next_url="/cart/")
    assert response.status_code == 302 and response["Location"] == "/cart/"
    buyer = Buyer.objects.get()
    assert buyer.phone == "13800138000" and buyer.country == "CN"
    assert buyer.user.username == "13800138000" and buyer.user.email == ""
    assert _logged_in_user(client) == buyer.user
    assert buyer.user.check_password(PASSWORD)


def test_sign_up_by_email_keeps_the_address_in_lower_case(client):
    response = _sign_up(client, "Wang.Fang@Example.COM")
    assert response.status_code == 302 and response["Location"] == reverse("storefront:home")
    user = Buyer.objects.get().user
    assert user.username == user.email == "wang.fang@example.com"
    assert _logged_in_user(client) == user


def test_an_unsafe_next_is_replaced_by_the_home_page(client):
    response = _sign_up(client, "13800138000", next_url="https://evil.example/steal")
    assert response["Location"] == reverse("storefront:home")


def test_a_short_phone_number_is_refused_saying_what_is_allowed(english):
    page = _sign_up(english, "1380013800").content.decode()
    assert "11 digits" in page and "13800138000" in page and "e-mail" in page
    assert not Buyer.objects.exists()


def test_a_phone_number_with_a_wrong_prefix_is_refused(english):
    page = _sign_up(english, "12800138000").content.decode()
    assert "starts with 13 to 19" in page
    assert not get_user_model().objects.exists()


def test_a_taken_email_in_another_case_is_refused(english):
    factories.user(username="wang@example.com", email="wang@example.com")
    page = _sign_up(english, "WANG@example.com").content.decode()
    assert "An account with this e-mail address exists" in page
    assert get_user_model().objects.count() == 1


def test_a_taken_phone_number_is_refused(english):
    factories.buyer(phone="13800138000")
    page = _sign_up(english, "138 0013 8000").content.decode()
    assert "An account with this mobile number exists" in page
    assert Buyer.objects.count() == 1


def test_a_common_password_and_two_different_passwords_are_refused(english):
    page = _sign_up(english, "13900139000", password1="password", password2="password")
    assert "too common" in page.content.decode()
    page = _sign_up(english, "13900139000", password2="something-else-42")
    assert "The two passwords differ" in page.content.decode()
    assert not Buyer.objects.exists()


def test_a_concurrent_sign_up_that_lost_the_race_is_refused():
    services.buyer_sign_up(phone="13800138000", password=PASSWORD, display_name="A")
    with pytest.raises(services.SignUpRefused) as refused:
        services.buyer_sign_up(phone="13800138000", password=PASSWORD, display_name="B")
    assert refused.value.field == "login"


def test_the_password_reaches_no_log(client, caplog):
    caplog.set_level(logging.DEBUG)
    _sign_up(client, "13800138000")
    client.logout()
    client.post(LOGIN, {"username": "13800138000", "password": PASSWORD + "x"})
    assert Buyer.objects.exists()
    assert PASSWORD not in caplog.text


def test_login_by_phone_in_another_spelling(client):
    services.buyer_sign_up(phone="13800138000", password=PASSWORD, display_name="王芳")
    response = client.post(LOGIN, {"username": "+86 138-0013-8000", "password": PASSWORD})
    assert response.status_code == 302
    assert _logged_in_user(client).username == "13800138000"


def test_login_by_email_in_any_case(client):
    services.buyer_sign_up(email="wang@example.com", password=PASSWORD, display_name="王芳")
    response = client.post(LOGIN, {"username": "Wang@Example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert _logged_in_user(client).email == "wang@example.com"


def test_sellers_and_operators_still_log_in_with_their_email(client):
    seller = factories.seller()
    response = client.post(
        LOGIN, {"username": seller.user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302 and _logged_in_user(client) == seller.user
    operator = factories.user(username="admin", email="ops@example.com", is_staff=True)
    client.logout()
    client.post(LOGIN, {"username": "admin", "password": factories.PASSWORD})
    assert _logged_in_user(client) == operator


def test_login_errors_do_not_tell_whether_the_account_exists(english):
    services.buyer_sign_up(phone="13800138000", password=PASSWORD, display_name="王芳")
    factories.user(username="off@example.com", is_active=False)
    wrong_password = english.post(LOGIN, {"username": "13800138000", "password": "nope-nope"})
    no_account = english.post(LOGIN, {"username": "13900139000", "password": "nope-nope"})
    inactive = english.post(LOGIN, {"username": "off@example.com", "password": factories.PASSWORD})
    errors = [r.context["form"].non_field_errors() for r in (wrong_password, no_account, inactive)]
    assert errors[0] == errors[1] == errors[2]
    assert "do not match an account" in errors[0][0]
    assert SESSION_KEY not in english.session


def test_the_login_page_offers_sign_up_keeping_next(english):
    page = english.get(f"{LOGIN}?next=/cart/").content.decode()
    assert "Mobile number or e-mail" in page
    assert f"{SIGNUP}?next=/cart/" in page or f"{SIGNUP}?next=%2Fcart%2F" in page


def test_the_header_offers_sign_up_to_visitors(english):
    assert f'href="{SIGNUP}?next=' in english.get("/cart/").content.decode()
