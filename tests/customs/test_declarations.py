"""The sweep declares every paid CBEC order once, from its records, or holds it with why."""

from decimal import Decimal

from entrepot.customs.models import CustomsMessage, Declaration, SimulatedPortSubmission
from entrepot.customs.services import declaration_submit, declarations_sweep, receipts_collect
from entrepot.domain.customs import ceb_xml, checks
from entrepot.domain.resident_id import mask_resident_id
from entrepot.orders.services import order_transition
from tests import factories
from tests.customs.helpers import ID_NUMBER, cn_buyer, paid_order


def test_a_paid_cbec_order_is_declared_with_four_documents_and_cleared():
    order = paid_order()
    result = declarations_sweep()
    assert (result.created, result.submitted, result.held) == (1, 1, 0)
    declaration = Declaration.objects.get(order=order)
    assert declaration.status == "submitted" and declaration.attempt == 1
    assert sorted(declaration.messages.values_list("message_type", flat=True)) == [
        "CEB311", "CEB411", "CEB511", "CEB621",
    ]  # fmt: skip
    assert receipts_collect() == 5  # 312, 412, 512, 622 accepted, 622 released
    declaration.refresh_from_db()
    order.refresh_from_db()
    assert declaration.status == "cleared" and declaration.invt_no
    assert order.status == "cleared"
    events = list(order.events.values_list("event", flat=True))
    assert events == ["place", "pay", "declare", "clear"]


def test_the_generated_xml_of_an_order_validates_against_the_schema():
    order = paid_order()
    declarations_sweep()
    for message in CustomsMessage.objects.filter(declaration__order=order):
        parsed = ceb_xml.parse(message.filed_xml.encode("utf-8"))  # validates first
        assert parsed.head.order_no == order.number
    inventory = CustomsMessage.objects.get(message_type="CEB621")
    head = ceb_xml.parse(inventory.filed_xml.encode()).head
    assert head.trade_mode == "9610" and head.buyer_name == "王芳"
    assert head.freight == order.shipping_amount.quantize(Decimal("0.01"))


def test_filed_copies_hold_the_masked_id_never_the_number():
    paid_order()
    declarations_sweep()
    receipts_collect()
    for message in CustomsMessage.objects.all():
        assert ID_NUMBER not in message.filed_xml
        if message.message_type in ("CEB311", "CEB411", "CEB621"):
            assert mask_resident_id(ID_NUMBER) in message.filed_xml


def test_submitting_twice_sends_one_attempt():
    order = paid_order()
    declarations_sweep()
    declaration = Declaration.objects.get(order=order)
    again = declaration_submit(declaration=declaration)
    assert again.attempt == 1
    declarations_sweep()
    assert CustomsMessage.objects.count() == 4
    assert SimulatedPortSubmission.objects.count() == 4
    assert Declaration.objects.count() == 1


def test_an_unverified_buyer_is_held_with_the_reason_and_nothing_is_sent():
    order = paid_order(buyer=cn_buyer(verified=False))
    result = declarations_sweep()
    assert result.held == 1
    declaration = Declaration.objects.get(order=order)
    assert declaration.status == "held" and declaration.attempt == 0
    assert declaration.reason_code == checks.BUYER_NOT_VERIFIED
    assert not CustomsMessage.objects.exists()
    assert declaration.events.last().action == "check"


def test_a_payer_other_than_the_buyer_is_held():
    order = paid_order(fingerprint="0" * 64, payer_name="李雷")
    declarations_sweep()
    declaration = Declaration.objects.get(order=order)
    assert declaration.status == "held"
    assert declaration.reason_code == checks.PAYER_MISMATCH


def test_orders_not_into_china_or_not_paid_are_not_declared():
    from entrepot.orders.checkout import CartLine, checkout_place
    from tests.customs.helpers import ADDRESS, NOW, variant

    seller = factories.seller(verification_status="approved")
    checkout_place(buyer=cn_buyer(), lines=[CartLine(variant(seller).id, 1)], now=NOW,
                   address=ADDRESS)  # placed, never paid  # fmt: skip
    paid = paid_order(seller=seller)
    order_transition(order=paid, event="refund", actor="test")
    assert declarations_sweep().created == 0
    assert not Declaration.objects.exists()


def test_the_waybill_is_booked_with_the_declaration():
    order = paid_order()
    declarations_sweep()
    shipment = order.shipment
    assert shipment.waybill_no == f"SIM{order.number}" and shipment.mode == "9610"
    parcel = shipment.parcels.get()
    assert parcel.net_weight_kg == Decimal("0.18")  # one variant of 180 g
    assert parcel.gross_weight_kg == Decimal("0.28")  # + 0.1 kg of packing


def test_a_two_seller_checkout_is_declared_as_two_orders_each_with_its_share_of_the_payment():
    from entrepot.orders.checkout import CartLine, checkout_place
    from tests.customs.helpers import ADDRESS, NOW, pay, variant

    ohio = factories.seller(verification_status="approved")
    lyon = factories.seller(country="FR", currency="EUR", verification_status="approved")
    checkout = checkout_place(
        buyer=cn_buyer(), lines=[CartLine(variant(ohio).id, 1), CartLine(variant(lyon).id, 2)],
        now=NOW, address=ADDRESS,
    )  # fmt: skip
    pay(checkout)
    declarations_sweep()
    receipts_collect()
    for order in checkout.orders.all():
        assert order.declaration.status == "cleared"
        payment = order.declaration.messages.get(message_type="CEB411")
        head = ceb_xml.parse(payment.filed_xml.encode()).head
        assert head.amount_paid == order.total_amount.quantize(Decimal("0.01"))
    french = CustomsMessage.objects.get(message_type="CEB621", declaration__order__seller=lyon)
    assert ceb_xml.parse(french.filed_xml.encode()).head.country == "305"  # France
