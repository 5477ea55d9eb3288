import pytest
from django.urls import reverse

from entrepot.domain.money import Money
from entrepot.ledger.services import post_payment_captured

pytestmark = pytest.mark.django_db


def test_operators_see_a_transaction_with_its_entries_but_cannot_change_it(admin_client):
    posted = post_payment_captured(
        order_number="EP1",
        seller_id=7,
        order_total=Money("118.00", "CNY"),
        tax_withheld=Money("9.10", "CNY"),
    )
    listing = admin_client.get(reverse("admin:ledger_ledgertransaction_changelist"))
    assert listing.status_code == 200 and "order:EP1" in listing.content.decode()
    page = admin_client.get(reverse("admin:ledger_ledgertransaction_change", args=[posted.pk]))
    assert page.status_code == 200
    assert "customs_tax_withheld" in page.content.decode()
    assert b'name="_save"' not in page.content
    assert admin_client.get(reverse("admin:ledger_ledgertransaction_add")).status_code == 403
    delete = reverse("admin:ledger_ledgertransaction_delete", args=[posted.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def test_commission_rates_can_be_added_in_the_admin(admin_client):
    page = admin_client.get(reverse("admin:ledger_commissionrate_add"))
    assert page.status_code == 200
