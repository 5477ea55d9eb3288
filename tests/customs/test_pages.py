"""Back office: the customs queue, a declaration's history and receipts, and the actions."""

import pytest
from django.urls import reverse

from entrepot.customs.models import Declaration, SimulatedPortFlag
from entrepot.customs.services import declarations_sweep, receipts_collect
from tests import factories
from tests.customs.helpers import ID_NUMBER, paid_order


@pytest.fixture
def operator(client):
    client.force_login(factories.user(is_staff=True))
    return client


def test_the_queue_counts_by_status_and_lists_rejections_first(operator, settings):
    cleared = paid_order()
    declarations_sweep()
    receipts_collect()
    settings.ENTREPOT_CUSTOMS_SIM_REJECT_RATE = 1.0
    rejected = paid_order()
    declarations_sweep()
    receipts_collect()
    page = operator.get(reverse("customs:queue")).content.decode()
    assert 'class="count-cleared">1<' in page and 'class="count-rejected">1<' in page
    assert page.index(rejected.number) < page.index(cleared.number)
    assert "SIMULATED" in page
    only = operator.get(reverse("customs:queue") + "?status=cleared").content.decode()
    assert cleared.number in only and rejected.number not in only


def test_the_declaration_page_shows_history_messages_and_receipts_without_the_id(operator):
    order = paid_order()
    declarations_sweep()
    receipts_collect()
    declaration = Declaration.objects.get(order=order)
    page = operator.get(reverse("customs:detail", args=[declaration.pk])).content.decode()
    for text in ("Cleared (released by customs)", "CEB311", "CEB622", "800", "Applied",
                 "110105********002X", declaration.invt_no, order.shipment.waybill_no):  # fmt: skip
        assert text in page, text
    assert ID_NUMBER not in page


def test_an_operator_corrects_and_resubmits_a_rejected_declaration(operator, settings):
    settings.ENTREPOT_CUSTOMS_SIM_REJECT_RATE = 1.0
    order = paid_order()
    declarations_sweep()
    receipts_collect()
    declaration = Declaration.objects.get(order=order)
    page = operator.get(reverse("customs:detail", args=[declaration.pk])).content.decode()
    assert "DATA_DISPUTED" in page and "Resubmit to customs" in page
    flag = SimulatedPortFlag.objects.get()
    address = "浙江省杭州市西湖区文三路100号3幢"
    fix = {"grossWeight": {"gross_weight_kg": "0.31"},
           "consigneeTelephone": {"consignee_phone": "13900139000"},
           "consigneeAddress": {"consignee_address": address}}[flag.field]  # fmt: skip
    operator.post(reverse("customs:correct", args=[declaration.pk]), fix)
    operator.post(reverse("customs:resubmit", args=[declaration.pk]))
    operator.post(reverse("customs:run"))
    declaration.refresh_from_db()
    assert declaration.status == "cleared" and declaration.attempt == 2
    page = operator.get(reverse("customs:detail", args=[declaration.pk])).content.decode()
    assert "corrected:" in page and "Superseded" not in page


def test_an_operator_cancels_a_held_declaration(operator):
    from tests.customs.helpers import cn_buyer

    order = paid_order(buyer=cn_buyer(verified=False))
    declarations_sweep()
    declaration = Declaration.objects.get(order=order)
    page = operator.get(reverse("customs:detail", args=[declaration.pk])).content.decode()
    assert "BUYER_NOT_VERIFIED" in page
    operator.post(reverse("customs:cancel", args=[declaration.pk]), {"reason": "refunded"})
    declaration.refresh_from_db()
    assert declaration.status == "cancelled"


def test_the_bonded_page_receives_a_consignment(operator):
    from entrepot.logistics.bonded import consignment_send
    from entrepot.logistics.models import InboundConsignment
    from entrepot.logistics.services import bonded_warehouses_ensure
    from tests.customs.helpers import variant

    seller = factories.seller(verification_status="approved")
    consignment = consignment_send(seller=seller, warehouse=bonded_warehouses_ensure()[0],
                                   lines=[(variant(seller, stock=0), 12)])  # fmt: skip
    page = operator.get(reverse("logistics_backoffice:bonded")).content.decode()
    assert f'id="consignment-{consignment.pk}"' in page and "Receive" in page
    operator.post(reverse("logistics_backoffice:receive", args=[consignment.pk]))
    consignment.refresh_from_db()
    assert consignment.status == InboundConsignment.Status.RECEIVED
    page = operator.get(reverse("logistics_backoffice:bonded")).content.decode()
    assert "Received (inbound consignment)" in page
