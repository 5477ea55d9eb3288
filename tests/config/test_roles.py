"""The header knows a signed-in user's roles without a query per page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entrepot.config.auth import SESSION_KEY
from tests import factories

pytestmark = pytest.mark.django_db


def test_roles_are_kept_in_the_session_at_login_and_the_header_asks_no_query(client):
    buyer = factories.buyer()
    buyer.user.set_password("pw-for-tests-1")
    buyer.user.save()
    assert client.login(username=buyer.user.username, password="pw-for-tests-1")
    assert client.session[SESSION_KEY] == {"buyer": True, "seller": False}
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/cart/").content.decode()
    assert "/orders/" in page  # "My orders": the header knows a buyer
    assert not any("seller" in q["sql"] and "auth_user" in q["sql"] for q in queries)


def test_a_session_without_roles_still_gets_them_from_the_database(client):
    seller = factories.seller(verification_status="approved")
    client.force_login(seller.user)
    session = client.session
    session.pop(SESSION_KEY, None)
    session.save()
    assert "/seller/" in client.get("/cart/").content.decode()
