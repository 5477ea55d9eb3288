"""The pages: who sees what (owners only), CSRF on every POST, bounded queries."""

import pytest
from django.test import Client
from django.urls import reverse

from entrepot.aftersales.models import Dispute, ReturnRequest
from entrepot.aftersales.services import dispute_open, return_accept, return_request
from tests import factories
from tests.aftersales.helpers import days_after_release, delivered_cbec_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    return delivered_cbec_order()


def _login(client, user):
    client.force_login(user)
    return client


def test_the_buyer_order_page_links_to_a_return_and_a_dispute(client, order):
    _login(client, order.buyer.user)
    page = client.get(reverse("storefront:order", args=[order.number])).content.decode()
    assert reverse("aftersales_buyer:return_new", args=[order.number]) in page
    assert reverse("aftersales_buyer:dispute_new", args=[order.number]) in page


def test_the_buyer_opens_a_dispute_from_the_page_and_sees_its_status(client, order):
    _login(client, order.buyer.user)
    response = client.post(reverse("aftersales_buyer:dispute_new", args=[order.number]),
                           {"reason": "damaged", "text": "坏了"})  # fmt: skip
    dispute = Dispute.objects.get(order=order)
    assert response.status_code == 302
    page = client.get(reverse("storefront:order", args=[order.number])).content.decode()
    assert reverse("aftersales_buyer:dispute", args=[dispute.pk]) in page


def test_another_buyer_gets_404_on_the_order_and_its_cases(client, order):
    request = return_request(order=order, actor="b", reason="damaged",
                             now=days_after_release(order, 1))  # fmt: skip
    dispute = dispute_open(order=order, actor="b", reason="damaged", text="x")
    _login(client, factories.buyer().user)
    for url in (reverse("aftersales_buyer:return_new", args=[order.number]),
                reverse("aftersales_buyer:dispute_new", args=[order.number]),
                reverse("aftersales_buyer:return", args=[request.pk]),
                reverse("aftersales_buyer:dispute", args=[dispute.pk])):  # fmt: skip
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("aftersales_buyer:dispute_reply", args=[dispute.pk]),
                           {"escalate": "1"})  # fmt: skip
    assert response.status_code == 404


def test_another_seller_gets_404_and_cannot_refund_or_decide(client, order):
    request = return_request(order=order, actor="b", reason="damaged",
                             now=days_after_release(order, 1))  # fmt: skip
    dispute = dispute_open(order=order, actor="b", reason="damaged", text="x")
    other = factories.seller(verification_status="approved")
    _login(client, other.user)
    assert client.get(reverse("aftersales_seller:return", args=[request.pk])).status_code == 404
    assert client.get(reverse("aftersales_seller:dispute", args=[dispute.pk])).status_code == 404
    decide = client.post(reverse("aftersales_seller:return_decide", args=[request.pk]),
                         {"action": "accept"})  # fmt: skip
    refund = client.post(reverse("aftersales_seller:refund", args=[order.number]),
                         {"shipping": "on", "reason": "x"})  # fmt: skip
    assert decide.status_code == 404 and refund.status_code == 404
    page = client.get(reverse("aftersales_seller:cases")).content.decode()
    assert order.number not in page
    request.refresh_from_db()
    assert request.status == "requested"


def test_a_buyer_and_a_seller_cannot_enter_the_back_office(client, order):
    dispute = dispute_open(order=order, actor="b", reason="damaged", text="x")
    for user in (order.buyer.user, order.seller.user):
        _login(client, user)
        response = client.get(reverse("aftersales_backoffice:dispute", args=[dispute.pk]))
        assert response.status_code == 302 and "login" in response["Location"]
        client.post(reverse("aftersales_backoffice:dispute_resolve", args=[dispute.pk]),
                    {"outcome": "refund", "note": "mine"})  # fmt: skip
    dispute.refresh_from_db()
    assert dispute.status == "open"


def test_the_seller_accepts_a_return_and_refunds_shipping_from_seller_central(client, order):
    request = return_request(order=order, actor="b", reason="damaged",
                             now=days_after_release(order, 1))  # fmt: skip
    _login(client, order.seller.user)
    client.post(reverse("aftersales_seller:return_decide", args=[request.pk]),
                {"action": "accept", "text": "ok"})  # fmt: skip
    request.refresh_from_db()
    assert request.status == "accepted"
    client.post(reverse("aftersales_seller:refund", args=[order.number]),
                {"shipping": "on", "reason": "late delivery"})  # fmt: skip
    order.refresh_from_db()
    assert order.refunded_amount > 0


def test_every_post_needs_the_csrf_token(order):
    dispute = dispute_open(order=order, actor="b", reason="damaged", text="x")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(order.seller.user)
    response = strict.post(reverse("aftersales_seller:dispute_answer", args=[dispute.pk]),
                           {"text": "no"})  # fmt: skip
    assert response.status_code == 403
    strict.force_login(order.buyer.user)
    response = strict.post(reverse("aftersales_buyer:dispute_new", args=[order.number]),
                           {"reason": "damaged", "text": "x"})  # fmt: skip
    assert response.status_code == 403


def _cases(count):
    orders = [delivered_cbec_order() for _ in range(count)]
    seller = orders[0].seller
    for order in orders[1:]:
        order.seller = seller
        order.save(update_fields=["seller"])
    for order in orders:
        request = return_request(order=order, actor="b", reason="damaged",
                                 now=days_after_release(order, 1))  # fmt: skip
        return_accept(return_request=request, actor="s", now=days_after_release(order, 1))
        dispute_open(order=order, actor="b", reason="damaged", text="x")
    return seller, orders


def test_the_seller_list_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    seller, orders = _cases(3)
    _login(client, seller.user)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("aftersales_seller:cases")).content.decode()
    assert all(o.number in page for o in orders)


def test_the_back_office_list_and_detail_take_bounded_queries(
    client, django_assert_max_num_queries
):
    _seller, orders = _cases(3)
    operator = factories.user(is_staff=True)
    _login(client, operator)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("aftersales_backoffice:disputes")).content.decode()
    assert all(o.number in page for o in orders)
    dispute = Dispute.objects.first()
    with django_assert_max_num_queries(30):
        detail = client.get(reverse("aftersales_backoffice:dispute", args=[dispute.pk]))
    text = detail.content.decode()
    for part in ("CEB621", "CEB625", "payment_captured", dispute.order.number):
        assert part in text, part


def test_the_operator_receives_a_bonded_return_and_decides_a_dispute(client, order):
    request = return_request(order=order, actor="b", reason="damaged",
                             now=days_after_release(order, 1))  # fmt: skip
    return_accept(return_request=request, actor="s", now=days_after_release(order, 1))
    operator = factories.user(is_staff=True)
    _login(client, operator)
    client.post(reverse("aftersales_backoffice:return_receive", args=[request.pk]))
    assert ReturnRequest.objects.get(pk=request.pk).status == "refunded"
    other = delivered_cbec_order()
    dispute = dispute_open(order=other, actor="b", reason="not_received", text="where")
    client.post(reverse("aftersales_backoffice:dispute_resolve", args=[dispute.pk]),
                {"outcome": "reject", "note": "tracking shows delivered"})  # fmt: skip
    dispute.refresh_from_db()
    assert dispute.status == "rejected" and dispute.resolved_by == operator.get_username()


def test_the_seller_refunds_a_line_with_the_form_on_the_dispute_page(client, order):
    dispute = dispute_open(order=order, actor="b", reason="damaged", text="x")
    _login(client, order.seller.user)
    page = client.get(reverse("aftersales_seller:dispute", args=[dispute.pk])).content.decode()
    url = reverse("aftersales_seller:refund", args=[order.number])
    assert url in page
    line = order.lines.get()
    client.post(url, {f"qty-{line.pk}": "1", "reason": "broken"})
    order.refresh_from_db()
    refund = order.refunds.get()
    assert refund.amount == line.unit_price_amount.quantize(refund.amount)
    assert order.refunded_amount == refund.total
    assert order.status == "delivered"  # the shipping is still paid for
