"""The audit trail: who did what to which object, written with the change (or not at all),
never holding a secret, and the operators' page over it."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from entrepot.audit.context import acting_as
from entrepot.audit.models import AuditRecord
from entrepot.audit.selectors import AuditFilter, audit_of, audit_page
from entrepot.audit.services import REMOVED, audit_record, clean_details
from entrepot.catalog.services import listing_reinstate, listing_suspend
from entrepot.ledger.models import CommissionRate
from entrepot.orders.models import Order
from entrepot.orders.services import order_transition, orders_transition
from entrepot.pricing.services import rates_store
from entrepot.sellers.services import seller_approve
from tests import factories

pytestmark = pytest.mark.django_db


def _order(buyer, seller, status=Order.Status.PLACED, number=None):
    return Order.objects.create(
        number=number or f"AUD{Order.objects.count() + 1}", buyer=buyer, seller=seller,
        status=status, origin_country="US", destination_country="CN", currency="CNY",
        goods_amount=Decimal("100"), shipping_amount=0, tax_amount=0,
        total_amount=Decimal("100"), placed_at=timezone.now(),
    )  # fmt: skip


def test_an_order_transition_is_recorded_with_its_states_and_actor():
    order = _order(factories.buyer(), factories.seller())
    order_transition(order=order, event="pay", actor="system:test")
    (record,) = audit_of(target_type="order", target_id=order.pk)
    assert (record.action, record.actor) == ("order.pay", "system:test")
    assert record.details == {"from": "placed", "to": "paid", "note": ""}


def test_a_bulk_transition_records_every_order_in_one_insert():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    buyer, seller = factories.buyer(), factories.seller()
    orders = [_order(buyer, seller) for _ in range(3)]
    with CaptureQueriesContext(connection) as queries:
        orders_transition(orders=orders, event="pay")
    audit = [q for q in queries.captured_queries if "audit_auditrecord" in q["sql"]]
    assert len(audit) == 1
    assert AuditRecord.objects.filter(action="order.pay").count() == 3


def test_the_audit_row_rolls_back_with_the_change_it_records():
    seller = factories.seller()
    with pytest.raises(RuntimeError), transaction.atomic():
        seller_approve(seller=seller, operator=factories.user(is_staff=True))
        raise RuntimeError("the change fails later in the same transaction")
    assert not AuditRecord.objects.exists()


def test_a_request_records_the_operator_ip_and_a_truncated_user_agent(client):
    operator = factories.user(is_staff=True, username="ops@example.com")
    seller = factories.seller(verification_status="pending")
    client.force_login(operator)
    client.post(
        reverse("backoffice:seller_decide", args=[seller.pk]), {"decision": "approve"},
        headers={"user-agent": "Mozilla/5.0 " + "x" * 500}, REMOTE_ADDR="203.0.113.7",
    )  # fmt: skip
    (record,) = audit_of(target_type="seller", target_id=seller.pk)
    assert (record.action, record.actor, record.actor_user_id) == (
        "seller.approve", "ops@example.com", operator.pk,
    )  # fmt: skip
    assert record.ip == "203.0.113.7"
    assert len(record.user_agent) == 200


def test_listing_moderation_is_recorded_with_its_reason():
    product = factories.product(seller=factories.seller(), category=factories.category())
    listing_suspend(product=product, reason="counterfeit claim")
    listing_reinstate(product=product)
    actions = [r.action for r in audit_of(target_type="listing", target_id=product.pk)]
    assert actions == ["listing.reinstate", "listing.suspend"]


def test_cli_and_tasks_are_recorded_as_cli_or_system():
    with acting_as("cli:rates-import"):
        rates_store(effective_date=date(2026, 11, 2), per_eur={"USD": "1.1"}, source="test")
    rates_store(effective_date=date(2026, 11, 3), per_eur={"USD": "1.2"}, source="test")
    actors = list(AuditRecord.objects.order_by("id").values_list("actor", "action"))
    assert actors == [("cli:rates-import", "fx_rates.store"), ("system", "fx_rates.store")]


def test_commission_rate_edits_in_the_admin_are_recorded(client):
    client.force_login(factories.user(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:ledger_commissionrate_add"),
        {"rate": "0.0800", "effective_from": "2026-12-01"},
    )
    assert response.status_code == 302, response.content
    rate = CommissionRate.objects.get(effective_from=date(2026, 12, 1))
    (record,) = audit_of(target_type="commission_rate", target_id=rate.pk)
    assert record.action == "commission_rate.add"
    assert record.details["rate"] == "0.0800"


def test_details_never_keep_a_resident_id_number_or_a_secret():
    details = clean_details({
        "note": "buyer 11010519491231002X called", "id_number": "11010519491231002X",
        "api_token": "abc", "nested": [{"password": "hunter2"}],
    })  # fmt: skip
    assert details == {
        "note": "buyer 110105********002X called", "id_number": REMOVED,
        "api_token": REMOVED, "nested": [{"password": REMOVED}],
    }  # fmt: skip


def test_filters_combine_and_pages_continue_below_the_last_id():
    for n in range(5):
        audit_record(action="order.pay", target=("order", n % 2))
    audit_record(action="listing.update", target=("listing", 1))
    first = audit_page(where=AuditFilter(target_type="order", target_id="0"), size=2)
    assert [r.target_id for r in first.records] == ["0", "0"]
    second = audit_page(where=AuditFilter(target_type="order", target_id="0"),
                        before=first.next_before, size=2)  # fmt: skip
    assert len(second.records) == 1 and second.next_before is None
    assert audit_page(where=AuditFilter(action="listing.update")).records[0].target_id == "1"


def test_day_filter_takes_whole_days():
    old = audit_record(action="order.pay", target=("order", 1))
    AuditRecord.objects.filter(pk=old.pk).update(
        created_at=datetime(2026, 1, 5, 23, 59, tzinfo=UTC)
    )
    audit_record(action="order.pay", target=("order", 2))
    page = audit_page(where=AuditFilter(day_from=date(2026, 1, 5), day_to=date(2026, 1, 5)))
    assert [r.target_id for r in page.records] == ["1"]


def test_operator_page_is_for_operators_only(client):
    client.force_login(factories.user())
    assert client.get(reverse("audit:trail")).status_code == 302


def test_operator_page_filters_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(factories.user(is_staff=True))
    for n in range(60):
        audit_record(action="order.pay", target=("order", n), details={"n": n})
    with django_assert_max_num_queries(4):  # session, user, the page (+1 spare)
        response = client.get(reverse("audit:trail"), {"target_type": "order"})
    assert response.status_code == 200
    assert response.content.count(b'id="audit-') == 50
    assert b'rel="next"' in response.content
    older = client.get(reverse("audit:trail") + response.context["next_url"])
    assert older.content.count(b'id="audit-') == 10


def test_operator_page_escapes_what_it_shows(client):
    client.force_login(factories.user(is_staff=True))
    audit_record(action="listing.update", target=("listing", 1),
                 details={"title": "<script>alert(1)</script>"})  # fmt: skip
    response = client.get(reverse("audit:trail"))
    assert b"<script>alert(1)" not in response.content


def test_operator_page_refuses_a_wrong_date_with_a_message(client):
    client.force_login(factories.user(is_staff=True))
    response = client.get(reverse("audit:trail"), {"day_from": "yesterday"})
    assert response.status_code == 400
    assert b"Enter a valid date" in response.content


def test_lookups_by_target_and_actor_use_an_index():
    from django.db import connection

    audit_record(action="order.pay", target=("order", 1))
    names = {
        index["columns"][0]
        for index in connection.introspection.get_constraints(
            connection.cursor(), AuditRecord._meta.db_table
        ).values()
        if index["index"]
    }
    assert {"target_type", "actor", "action", "created_at"} <= names


def test_a_day_ago_is_not_in_today(client):
    record = audit_record(action="order.pay", target=("order", 1))
    AuditRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert audit_page(where=AuditFilter(day_from=timezone.now().date())).records == []


def test_a_payout_is_recorded_with_what_was_paid():
    from entrepot.domain.money import Money
    from entrepot.ledger.services import post_escrow_released, post_payment_captured, post_payout

    factories.rates(date(2026, 10, 30))
    seller = factories.seller(currency="USD")
    post_payment_captured(
        order_number="EP1", seller_id=seller.pk,
        order_total=Money("118.00", "CNY"), tax_withheld=Money("9.10", "CNY"),
    )  # fmt: skip
    post_escrow_released(order_number="EP1", seller_id=seller.pk,
                         amount=Money("108.90", "CNY"), on=date(2026, 11, 1))  # fmt: skip
    outcome = post_payout(seller=seller, on=date(2026, 11, 2))
    (record,) = audit_of(target_type="payout", target_id=outcome.transaction.pk)
    assert record.details["seller"] == seller.pk
    assert record.details["paid"] == str(outcome.paid)


def test_a_positive_list_import_is_recorded():
    from entrepot.pricing.positive_list import positive_list_load_sample

    lines = positive_list_load_sample()
    (record,) = AuditRecord.objects.filter(action="positive_list.import")
    assert record.details["lines"] == lines
