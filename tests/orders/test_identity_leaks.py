"""After a full checkout and payment, the buyer's ID number is nowhere in clear: not in
any page the buyer, the sellers or the operator open, not in the logs, not in the
database (issue 6, must-show 4)."""

import pytest
from django.db import connection
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from entrepot.orders.models import Order
from entrepot.payments.models import Payment
from entrepot.pricing.positive_list import positive_list_load_sample
from tests import factories
from tests.buyers.test_leaks import MASKED, NUMBER, _all_stored_text, _database_files
from tests.orders.test_checkout import _variant
from tests.payments import transport

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox(settings):
    settings.ENTREPOT_PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-tests"
    settings.ENTREPOT_PAYMENT_SANDBOX_TRANSPORT = "tests.payments.transport.deliver"
    transport.reset()
    was, HUEY.immediate = HUEY.immediate, True
    yield
    HUEY.immediate = was


def test_the_id_number_is_nowhere_in_clear_after_checkout_and_payment(client, sandbox, caplog):
    import logging

    from entrepot.buyers.logfilter import RedactResidentIds

    caplog.handler.addFilter(RedactResidentIds())
    caplog.set_level(logging.DEBUG)
    factories.rates()
    positive_list_load_sample()
    a = _variant(factories.seller(verification_status="approved"))
    b = _variant(factories.seller(country="FR", currency="EUR", verification_status="approved"))
    buyer = factories.buyer()
    client.force_login(buyer.user)
    pages = []
    for variant in (a, b):
        client.post(reverse("storefront:cart_add"), {"variant": variant.id})
    address = {"consignee_name": "王芳", "consignee_phone": "13800138000",
               "consignee_address": "浙江省杭州市西湖区文三路100号"}  # fmt: skip
    pages.append(client.post(reverse("storefront:checkout"), address, follow=True))
    pages.append(client.post(reverse("buyers:identity"), {
        "name": "王芳", "id_number": NUMBER, "consent": "on",
    }, follow=True))  # fmt: skip
    for variant in (a, b):  # the first attempt sent the buyer to verify; the cart stayed
        client.post(reverse("storefront:cart_add"), {"variant": variant.id})
    review = client.post(reverse("storefront:checkout"), address)
    pages.append(client.get(review["Location"]))
    wallet = client.post(review["Location"])
    payment = Payment.objects.get()
    pages.append(client.get(wallet["Location"]))
    pages.append(client.post(reverse("payments:sandbox_pay", args=[payment.token]), follow=True))
    pages.append(client.get(reverse("storefront:orders")))
    for order in Order.objects.all():
        pages.append(client.get(reverse("storefront:order", args=[order.number])))
    pages.append(client.get(reverse("buyers:identity")))
    for seller_user in {o.seller.user for o in Order.objects.select_related("seller__user")}:
        client.force_login(seller_user)
        pages.append(client.get(reverse("sellercentral:orders")))
    client.force_login(factories.user(is_staff=True, is_superuser=True))
    for url in (
        "/backoffice/",
        "/backoffice/admin/buyers/buyeridentity/",
        "/backoffice/admin/orders/order/",
        "/backoffice/admin/payments/payment/",
    ):
        pages.append(client.get(url))

    assert Order.objects.filter(status="paid").count() == 2
    for response in pages:
        assert response.status_code == 200, response
        assert NUMBER not in response.content.decode()
    assert MASKED in pages[-6].content.decode() or MASKED in "".join(
        p.content.decode() for p in pages
    )
    logging.getLogger("entrepot.test").warning("buyer id %s", NUMBER)
    assert NUMBER not in caplog.text
    assert NUMBER not in _all_stored_text()
    connection.close()
    for path in _database_files():
        assert NUMBER.encode() not in path.read_bytes(), path
