"""Cancellation (CEB623) before release; refused after."""

from datetime import timedelta

import pytest
from django.utils import timezone

from entrepot.customs.models import Declaration, SimulatedPortReceipt
from entrepot.customs.services import (
    CancelRefused,
    declaration_cancel,
    declarations_sweep,
    receipts_collect,
)
from tests.customs.helpers import cn_buyer, paid_order


@pytest.fixture
def slow_port(settings):
    settings.ENTREPOT_CUSTOMS_SIM_DELAY_SECONDS = 60  # answers a minute later, releases in two


def test_cancelling_an_accepted_declaration_before_release_voids_the_release(slow_port):
    now = timezone.now()
    order = paid_order()
    declarations_sweep(now=now)
    receipts_collect(now=now + timedelta(seconds=61))  # accepted; release due at +120 s
    declaration = Declaration.objects.get(order=order)
    assert declaration.status == "accepted"
    order.refresh_from_db()
    assert order.status == "declared"
    declaration = declaration_cancel(declaration=declaration, actor="op", reason="buyer cancelled",
                                     now=now + timedelta(seconds=62))  # fmt: skip
    assert declaration.status == "cancelling"
    receipts_collect(now=now + timedelta(seconds=300))
    declaration.refresh_from_db()
    order.refresh_from_db()
    assert declaration.status == "cancelled"
    assert order.status == "declared"  # the refund goes through payments
    assert SimulatedPortReceipt.objects.get(return_status="800").voided
    assert declaration.receipts.filter(receipt_type="CEB624", return_status="120").exists()
    assert not declaration.receipts.filter(return_status="800").exists()


def test_a_cancellation_after_release_is_refused_by_customs(slow_port):
    now = timezone.now()
    order = paid_order()
    declarations_sweep(now=now)
    receipts_collect(now=now + timedelta(seconds=61))
    declaration = Declaration.objects.get(order=order)
    # the operator cancels after the release time, before its receipt was collected
    declaration_cancel(declaration=declaration, actor="op", reason="late",
                       now=now + timedelta(seconds=130))  # fmt: skip
    receipts_collect(now=now + timedelta(seconds=300))
    declaration.refresh_from_db()
    assert declaration.status == "cleared"
    refusal = declaration.receipts.get(receipt_type="CEB624")
    assert refusal.return_status == "100" and "ALREADY_RELEASED" in refusal.return_info


def test_a_cleared_declaration_cannot_be_cancelled():
    order = paid_order()
    declarations_sweep()
    receipts_collect()
    with pytest.raises(CancelRefused, match="return application"):
        declaration_cancel(declaration=Declaration.objects.get(order=order), actor="op",
                           reason="too late")  # fmt: skip


def test_a_held_declaration_is_cancelled_at_once_without_a_message():
    order = paid_order(buyer=cn_buyer(verified=False))
    declarations_sweep()
    declaration = declaration_cancel(declaration=Declaration.objects.get(order=order),
                                     actor="op", reason="buyer gave up")  # fmt: skip
    assert declaration.status == "cancelled"
    assert not declaration.messages.exists()
    assert declarations_sweep().submitted == 0  # a cancelled declaration stays cancelled
