"""A rejected declaration is corrected and resubmitted: same order, payment and ledger."""

from decimal import Decimal

import pytest

from entrepot.customs.models import Declaration, SimulatedPortFlag
from entrepot.customs.services import (
    SubmitRefused,
    declaration_correct,
    declaration_resubmit,
    declarations_sweep,
    receipts_collect,
)
from entrepot.ledger.models import LedgerEntry, LedgerTransaction
from entrepot.ledger.selectors import ledger_check
from entrepot.orders.models import Order
from entrepot.orders.selectors import escrow_expected
from entrepot.payments.models import Payment
from tests.customs.helpers import paid_order


@pytest.fixture
def rejected(settings):
    """A declaration the simulated port rejected for wrong data (rate 1: always, seed 7)."""
    settings.ENTREPOT_CUSTOMS_SIM_REJECT_RATE = 1.0
    order = paid_order()
    declarations_sweep()
    receipts_collect()
    declaration = Declaration.objects.get(order=order)
    assert declaration.status == "rejected"
    assert declaration.reason_code == "DATA_DISPUTED"
    return declaration


def _fix(declaration, flag):
    if flag.field == "grossWeight":
        return declaration_correct(declaration=declaration, actor="op",
                                   gross_weight_kg=Decimal("0.31"))  # fmt: skip
    if flag.field == "consigneeTelephone":
        return declaration_correct(declaration=declaration, actor="op",
                                   consignee_phone="13900139000")  # fmt: skip
    address = "浙江省杭州市西湖区文三路100号3幢501室"
    return declaration_correct(declaration=declaration, actor="op", consignee_address=address)


def test_resubmitting_the_same_wrong_data_is_rejected_again(rejected):
    declaration_resubmit(declaration=rejected, actor="op")
    receipts_collect()
    rejected.refresh_from_db()
    assert rejected.status == "rejected" and rejected.attempt == 2
    assert rejected.reason_code == "DATA_DISPUTED"


def test_a_corrected_declaration_clears_without_a_second_order_payment_or_ledger_entry(rejected):
    counts = (Order.objects.count(), Payment.objects.count(), LedgerTransaction.objects.count(),
              LedgerEntry.objects.count())  # fmt: skip
    flag = SimulatedPortFlag.objects.get()
    _fix(rejected, flag)
    declaration_resubmit(declaration=rejected, actor="op")
    receipts_collect()
    rejected.refresh_from_db()
    assert rejected.status == "cleared" and rejected.attempt == 2
    assert rejected.order.status == "cleared"
    assert Declaration.objects.count() == 1
    assert (Order.objects.count(), Payment.objects.count(), LedgerTransaction.objects.count(),
            LedgerEntry.objects.count()) == counts  # fmt: skip
    assert ledger_check(expected_escrow=escrow_expected()).ok
    actions = list(rejected.events.values_list("action", flat=True))
    assert actions == ["create", "submit", "receipt", "correct", "submit", "receipt", "receipt"]
    assert [e.to_status for e in rejected.events.all()][-2:] == ["accepted", "cleared"]
    assert not SimulatedPortFlag.objects.exists()


def test_the_second_submission_is_a_change_message(rejected):
    flag = SimulatedPortFlag.objects.get()
    _fix(rejected, flag)
    declaration_resubmit(declaration=rejected, actor="op")
    second = rejected.messages.filter(attempt=2, message_type="CEB311").get()
    assert "<ceb:appType>2</ceb:appType>" in second.filed_xml


def test_a_corrected_consignee_is_declared_but_the_buyers_order_is_untouched(rejected):
    declaration_correct(declaration=rejected, actor="op", consignee_phone="13900139000")
    declaration_resubmit(declaration=rejected, actor="op")
    waybill = rejected.messages.get(attempt=2, message_type="CEB511").filed_xml
    assert "13900139000" in waybill
    assert rejected.order.checkout.consignee_phone == "13800138000"
    assert rejected.events.filter(action="correct").get().note == "corrected: consignee_phone"


def test_only_a_held_or_rejected_declaration_is_resubmitted_or_corrected():
    order = paid_order()
    declarations_sweep()
    receipts_collect()
    declaration = Declaration.objects.get(order=order)
    with pytest.raises(SubmitRefused):
        declaration_resubmit(declaration=declaration, actor="op")
    with pytest.raises(SubmitRefused):
        declaration_correct(declaration=declaration, actor="op", consignee_phone="13900139000")


def test_rejections_at_a_small_rate_are_reproducible_with_a_seed(settings):
    settings.ENTREPOT_CUSTOMS_SIM_REJECT_RATE = 0.3
    orders = [paid_order() for _ in range(12)]
    declarations_sweep()
    receipts_collect()
    fates = [Declaration.objects.get(order=o).status for o in orders]
    assert set(fates) <= {"cleared", "rejected"}
    assert 0 < fates.count("rejected") < len(orders)
