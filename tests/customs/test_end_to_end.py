"""End to end: a paid CBEC order is declared, the simulated port clears it, the seller
ships, the carrier's events arrive, the buyer confirms, escrow is released to the seller;
every step is visible to the operator, the seller and the buyer."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from huey.contrib.djhuey import HUEY

from entrepot.customs.tasks import customs_cycle
from entrepot.ledger.selectors import ledger_check, reference_balance, seller_payable
from entrepot.ledger.services import order_reference
from entrepot.logistics.tasks import carrier_events
from entrepot.orders.checkout import CartLine, checkout_place
from entrepot.orders.models import Order
from entrepot.orders.selectors import escrow_expected
from entrepot.payments.models import Payment
from tests import factories
from tests.customs.helpers import ADDRESS, cn_buyer, variant
from tests.payments import transport


@pytest.fixture
def sandbox(settings):
    settings.ENTREPOT_PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-tests"
    settings.ENTREPOT_PAYMENT_SANDBOX_TRANSPORT = "tests.payments.transport.deliver"
    settings.ENTREPOT_PAYMENT_SUCCEEDED_HANDLER = "entrepot.orders.payment_flow.checkout_paid"
    transport.reset()
    was = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = was
    transport.reset()


def _zh(text: str) -> str:
    """What the buyer's page (Chinese first) shows for an interface string."""
    with translation.override("zh-hans"):
        return gettext(text)


def _page(client, name, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def test_a_cbec_order_goes_from_payment_to_released_escrow_visibly_in_three_uis(
    sandbox, django_capture_on_commit_callbacks
):
    seller = factories.seller(verification_status="approved", business_name="Buckeye Naturals")
    buyer = cn_buyer()
    item = variant(seller, price="19.99")
    checkout = checkout_place(buyer=buyer, lines=[CartLine(item.id, 2)], now=timezone.now(),
                              address=ADDRESS)  # fmt: skip
    shopper, merchant, operator = Client(), Client(), Client()
    shopper.force_login(buyer.user)
    merchant.force_login(seller.user)
    operator.force_login(factories.user(is_staff=True))

    # the buyer pays through the sandbox wallet; its signed notification marks the order paid
    review = shopper.post(reverse("storefront:checkout_review", args=[checkout.pk]))
    payment = Payment.objects.get(reference=f"checkout:{checkout.pk}")
    assert review["Location"] == payment.payer_url
    with django_capture_on_commit_callbacks(execute=True):
        shopper.post(reverse("payments:sandbox_pay", args=[payment.token]))
    order = Order.objects.get(checkout=checkout)
    assert order.status == "paid"

    # the worker's customs cycle declares it; the simulated port accepts and releases it
    done = customs_cycle.call_local()
    assert done == {"created": 1, "submitted": 1, "held": 0, "receipts": 5}
    order.refresh_from_db()
    assert order.status == "cleared"
    queue = _page(operator, "customs:queue")
    assert order.number in queue and 'class="count-cleared">1<' in queue
    declaration_page = _page(operator, "customs:detail", order.declaration.pk)
    assert "Cleared (released by customs)" in declaration_page and "CEB622" in declaration_page
    to_ship = _page(merchant, "seller_shipping:orders")
    assert to_ship.index("Cleared: ship now") < to_ship.index(order.number) < to_ship.index(
        "With customs"
    )
    assert _zh("Cleared by customs") in _page(shopper, "storefront:order", order.number)

    # the seller ships with the booked waybill
    shipped = merchant.post(reverse("seller_shipping:shipment", args=[order.number]),
                            {"carrier": "simulated"})  # fmt: skip
    assert shipped.status_code == 302
    order.refresh_from_db()
    assert order.status == "shipped"
    assert order.number in _page(merchant, "seller_shipping:orders").split("On the way")[1]

    # the carrier's events arrive, node by node, to the door
    assert carrier_events.call_local() == 5
    order.refresh_from_db()
    assert order.status == "delivered"
    buyer_page = _page(shopper, "storefront:order", order.number)
    # the carrier's own words, in Chinese, under our node names
    for words in ("国际干线运输中", "包裹已到达中国入境口岸", "海关清关完成，已放行", "国内派送中",
                  "已签收"):  # fmt: skip
        assert words in buyer_page, words
    for node in ("dispatched", "line_haul", "arrived_cn", "customs_clearance", "domestic_delivery",
                 "delivered"):  # fmt: skip
        assert f'class="node-{node}"' in buyer_page, node
    assert buyer_page.index("国际干线运输中") < buyer_page.index("已签收")
    assert reverse("delivery:confirm_receipt", args=[order.number]) in buyer_page

    # the buyer confirms receipt: the order completes and escrow goes to the seller
    held = reference_balance(order_reference(order.number), "escrow", "CNY")
    assert held.amount == order.total_amount - order.tax_amount
    confirmed = shopper.post(reverse("delivery:confirm_receipt", args=[order.number]),
                             follow=True)  # fmt: skip
    order.refresh_from_db()
    assert order.status == "completed"
    assert reference_balance(order_reference(order.number), "escrow", "CNY").amount == 0
    assert seller_payable(seller)["CNY"].amount > 0
    report = ledger_check(expected_escrow=escrow_expected())
    assert report.ok, report.problems
    assert _zh("Completed") in confirmed.content.decode()
    assert "Completed" in _page(merchant, "seller_shipping:shipment", order.number)
    assert "Completed" in _page(operator, "customs:detail", order.declaration.pk)
    events = list(order.events.values_list("event", flat=True))
    assert events == ["place", "pay", "declare", "clear", "ship", "deliver", "complete"]
