"""Returns end to end: window, label, CEB625 to customs, receipt, refund, quota."""

from decimal import Decimal

import pytest
from django.utils import timezone

from entrepot.aftersales.models import Refund, ReturnRequest
from entrepot.aftersales.services import (
    ReturnRefused,
    return_accept,
    return_receive,
    return_reject,
    return_request,
)
from entrepot.customs.models import CustomsMessage, SimulatedPortSubmission
from entrepot.domain.customs import ceb_xml
from entrepot.ledger.models import LedgerTransaction
from entrepot.ledger.selectors import ledger_check
from entrepot.orders.checkout import year_to_date_cny
from entrepot.orders.selectors import escrow_expected
from entrepot.orders.services import order_transition
from entrepot.payments.models import Payment, SandboxCharge
from entrepot.reviews.models import SellerStats
from tests.aftersales.helpers import days_after_release, delivered_cbec_order, sandbox_paid_order

pytestmark = pytest.mark.django_db


def test_a_cbec_return_within_the_window_refunds_through_the_wallet_and_gives_the_quota_back():
    order = delivered_cbec_order()
    spent = year_to_date_cny(order.buyer, now=timezone.now())
    assert spent.amount == order.total_amount
    asked = days_after_release(order, 10)

    request = return_request(order=order, actor="buyer", reason="damaged", text="碎了", now=asked)
    assert request.rule == "cbec" and request.status == "requested"
    assert request.goods_due_by == days_after_release(order, 45)  # rules sheet §1
    request = return_accept(return_request=request, actor="seller", now=asked)
    assert request.label_code.startswith("SBX-RTN-") and request.return_address
    assert SellerStats.objects.get(seller_id=order.seller_id).returns == 1

    request = return_receive(return_request=request, actor="seller")
    order.refresh_from_db()
    assert request.status == "refunded"
    assert order.status == "refunded"
    refund = Refund.objects.get(order=order)
    assert refund.status == "completed"
    assert refund.total == order.total_amount  # before release: goods, shipping and tax
    assert (
        SandboxCharge.objects.get(
            payment__reference__endswith=str(order.checkout_id)
        ).refunded_amount
        == order.total_amount
    )
    assert Payment.objects.get(reference=f"checkout:{order.checkout_id}").status == "refunded"
    assert LedgerTransaction.objects.filter(kind="refund_before_release").count() == 1
    report = ledger_check(expected_escrow=escrow_expected())
    assert report.ok, report
    assert year_to_date_cny(order.buyer, now=timezone.now()).amount == 0


def test_accepting_a_cbec_return_sends_a_ceb625_that_validates_against_the_schema():
    order = delivered_cbec_order()
    request = return_request(order=order, actor="buyer", reason="not_as_described",
                             now=days_after_release(order, 1))  # fmt: skip
    return_accept(return_request=request, actor="seller", now=days_after_release(order, 1))
    filed = CustomsMessage.objects.get(declaration__order=order, message_type="CEB625")
    ceb_xml.validate(filed.filed_xml.encode("utf-8"))
    message = ceb_xml.parse(filed.filed_xml.encode("utf-8"))
    assert message.head.order_no == order.number
    assert [item.qty for item in message.items] == [1]
    assert SimulatedPortSubmission.objects.filter(message_type="CEB625",
                                                  order_no=order.number).exists()  # fmt: skip
    assert "CEB625" in ReturnRequest.objects.get(pk=request.pk).customs_note


def test_a_return_after_the_window_is_refused_with_the_release_date_and_the_deadline():
    order = delivered_cbec_order()
    late = days_after_release(order, 31)
    with pytest.raises(ReturnRefused) as refused:
        return_request(order=order, actor="buyer", reason="changed_mind", now=late)
    message = str(refused.value)
    assert days_after_release(order, 0).strftime("%Y-%m-%d") in message  # released on
    assert days_after_release(order, 30).strftime("%Y-%m-%d") in message  # deadline
    assert "30 days" in message
    assert not ReturnRequest.objects.exists()


def test_a_return_of_an_order_outside_china_counts_the_window_from_delivery(settings):
    settings.ENTREPOT_RETURN_WINDOW_DAYS = 14
    order = sandbox_paid_order()
    order.destination_country = "FR"
    order.save(update_fields=["destination_country"])
    order = order_transition(order=order, event="ship")
    order = order_transition(order=order, event="deliver")
    delivered = order.events.get(event="deliver").created_at
    from datetime import timedelta

    with pytest.raises(ReturnRefused, match="14 days"):
        return_request(order=order, actor="b", reason="other", now=delivered + timedelta(15))
    request = return_request(order=order, actor="b", reason="other",
                             now=delivered + timedelta(13))  # fmt: skip
    assert request.rule == "standard" and request.goods_due_by is None
    request = return_accept(return_request=request, actor="s", now=delivered + timedelta(13))
    assert request.goods_due_by == delivered + timedelta(13 + 14)


def test_a_refused_return_refunds_nothing_and_says_why():
    order = delivered_cbec_order()
    request = return_request(order=order, actor="b", reason="changed_mind",
                             now=days_after_release(order, 2))  # fmt: skip
    with pytest.raises(ReturnRefused):
        return_reject(return_request=request, actor="s", note="  ")
    request = return_reject(return_request=request, actor="s", note="used item")
    assert request.status == "rejected" and request.decision_note == "used item"
    assert not Refund.objects.exists()


def test_a_partial_return_refunds_only_the_returned_units_and_the_quota_counts_the_rest():
    order = delivered_cbec_order(quantity=2)
    line = order.lines.get()
    asked = days_after_release(order, 3)
    request = return_request(order=order, actor="b", reason="size_fit",
                             quantities={line.pk: 1}, now=asked)  # fmt: skip
    return_accept(return_request=request, actor="s", now=asked)
    return_receive(return_request=request, actor="s")
    order.refresh_from_db()
    refund = Refund.objects.get(order=order)
    assert refund.amount == line.unit_price_amount.quantize(Decimal("0.01"))
    assert not refund.shipping
    assert order.status == "delivered"  # the rest stays with the buyer
    assert order.refunded_amount == refund.total
    kept = order.total_amount - order.refunded_amount
    assert year_to_date_cny(order.buyer, now=timezone.now()).amount == kept
    assert ledger_check(expected_escrow=escrow_expected()).ok


def test_return_photos_are_kept_cleaned_and_anything_but_a_picture_is_refused(settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = str(tmp_path)
    order = delivered_cbec_order()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 10, 10)).save(buffer, "PNG")
    photo = SimpleUploadedFile("broken.png", buffer.getvalue(), content_type="image/png")
    text = SimpleUploadedFile("notes.txt", b"not a picture", content_type="text/plain")
    with pytest.raises(ReturnRefused, match="JPEG, PNG"):
        return_request(order=order, actor="b", reason="damaged", photos=[text],
                       now=days_after_release(order, 1))  # fmt: skip
    assert not ReturnRequest.objects.exists()
    request = return_request(order=order, actor="b", reason="damaged", photos=[photo],
                             now=days_after_release(order, 1))  # fmt: skip
    stored = request.photos.get().image
    assert stored.startswith(f"returns/{request.pk}/") and stored.endswith(".jpg")


def test_a_return_after_escrow_release_refunds_goods_and_shipping_from_the_seller_payable():
    from entrepot.orders.services import order_confirm_receipt

    order = delivered_cbec_order()
    order = order_confirm_receipt(order=order)  # escrow released to the seller
    asked = days_after_release(order, 20)
    request = return_request(order=order, actor="b", reason="damaged", now=asked)
    return_accept(return_request=request, actor="s", now=asked)
    return_receive(return_request=request, actor="s")
    order.refresh_from_db()
    refund = Refund.objects.get(order=order)
    assert refund.tax_amount == 0  # import tax comes back from the ledger only before release
    assert refund.amount == order.total_amount - order.tax_amount
    assert order.status == "refunded"
    assert LedgerTransaction.objects.filter(kind="refund_after_release").count() == 1
    assert ledger_check(expected_escrow=escrow_expected()).ok
    assert year_to_date_cny(order.buyer, now=timezone.now()).amount == 0
