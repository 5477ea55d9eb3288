"""Receipt handling is idempotent: duplicates and late (older) receipts change nothing."""

from entrepot.customs.models import CustomsReceipt, Declaration
from entrepot.customs.ports import port_for
from entrepot.customs.services import declarations_sweep, receipt_receive
from entrepot.orders.models import OrderEvent
from tests.customs.helpers import paid_order


def _ready(port=None):
    """The receipts the port has ready, taken off its queue but not processed."""
    port = port or port_for()
    from django.utils import timezone

    now = timezone.now()
    ready = port.receipts(now=now, limit=100)
    for incoming in ready:
        port.acknowledge(incoming.ref, now=now)
    return [incoming.xml for incoming in ready]


def test_receipts_out_of_order_clear_the_order_once_and_the_older_one_is_stale():
    order = paid_order()
    declarations_sweep()
    receipts = _ready()
    for xml in reversed(receipts):  # the release first, the order's acceptance last
        receipt_receive(xml=xml)
    declaration = Declaration.objects.get(order=order)
    order.refresh_from_db()
    assert declaration.status == "cleared" and order.status == "cleared"
    outcomes = list(CustomsReceipt.objects.order_by("id").values_list("receipt_type", "outcome"))
    assert ("CEB622", "stale") in outcomes  # the "accepted" 622 came after the "released" one
    assert OrderEvent.objects.filter(order=order, event="clear").count() == 1


def test_every_receipt_delivered_twice_changes_nothing_the_second_time():
    order = paid_order()
    declarations_sweep()
    receipts = _ready()
    for xml in receipts:
        receipt_receive(xml=xml)
    events = (OrderEvent.objects.count(), Declaration.objects.get().events.count())
    for xml in receipts:
        assert receipt_receive(xml=xml).outcome == "duplicate"
    assert (OrderEvent.objects.count(), Declaration.objects.get().events.count()) == events
    order.refresh_from_db()
    assert order.status == "cleared"


def test_a_receipt_for_no_message_of_ours_is_recorded_as_unmatched():
    from entrepot.domain.customs import ceb_xml
    from entrepot.domain.customs.documents import Message, OrderReturn
    from tests.domain.customs_helpers import documents

    head = documents().order.head
    answer = OrderReturn(guid=head.guid, ebp_code="X", ebc_code="X", order_no="EP0",
                         return_status="120", return_time="20261127180000000", return_info="ok")
    stray = Message("CEB312", answer)
    receipt = receipt_receive(xml=ceb_xml.render(stray))
    assert receipt.outcome == "unmatched" and receipt.declaration is None
    assert receipt_receive(xml=b"<not-xml").outcome == "unmatched"


def test_receipts_of_a_replaced_attempt_are_superseded(settings):
    from decimal import Decimal

    from entrepot.customs.services import declaration_correct, declaration_resubmit
    from entrepot.domain.customs.ceb_xml import message_type_of

    settings.ENTREPOT_CUSTOMS_SIM_REJECT_RATE = 1.0  # the first submission is disputed
    order = paid_order()
    declarations_sweep()
    first = _ready()
    held_back = next(xml for xml in first if message_type_of(xml) == "CEB312")
    for xml in first:
        if xml is not held_back:
            receipt_receive(xml=xml)
    declaration = Declaration.objects.get(order=order)
    assert declaration.status == "rejected"
    declaration_correct(declaration=declaration, actor="test", consignee_phone="13900139000",
                        consignee_address="浙江省杭州市西湖区文三路200号",
                        gross_weight_kg=Decimal("0.35"))  # fmt: skip
    declaration_resubmit(declaration=declaration, actor="test")
    for xml in _ready():
        receipt_receive(xml=xml)
    late = receipt_receive(xml=held_back)  # attempt 1's, arriving after attempt 2's
    assert late.outcome == "superseded"
    declaration.refresh_from_db()
    assert declaration.status == "cleared" and declaration.attempt == 2
