"""Placing orders: limits, stock, one order per seller, and nothing left behind on refusal."""

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection

from entrepot.buyers.models import Buyer
from entrepot.catalog.models import ProductVariant
from entrepot.logistics.models import Stock
from entrepot.logistics.services import stock_set, warehouse_own_ensure
from entrepot.orders.checkout import CartLine, CheckoutRefused, checkout_place, year_to_date_cny
from entrepot.orders.models import Checkout, Order, OrderEvent, OrderLine
from entrepot.pricing.positive_list import positive_list_load_sample
from tests import factories

NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)


def _variant(seller, *, price="19.99", stock=10, hs="21069090") -> ProductVariant:
    product = factories.product(
        seller=seller, category=factories.category(), price=price, variants=1, hs_code=hs
    )
    variant = product.variants.get()
    stock_set(variant=variant, warehouse=warehouse_own_ensure(seller=seller), quantity=stock)
    variant.refresh_from_db()
    return variant


@pytest.fixture
def shop(db):
    factories.rates()
    positive_list_load_sample()
    return factories.seller(verification_status="approved")


def _fingerprint():
    return (
        Order.objects.count(), OrderLine.objects.count(), Checkout.objects.count(),
        list(Stock.objects.order_by("id").values_list("quantity", flat=True)),
    )  # fmt: skip


def test_a_two_seller_cart_becomes_two_placed_orders_under_one_checkout(shop):
    other = factories.seller(country="DE", currency="EUR", verification_status="approved")
    a, b = _variant(shop), _variant(other, price="12.50")
    buyer = factories.buyer()
    checkout = checkout_place(buyer=buyer, lines=[CartLine(a.id, 2), CartLine(b.id, 1)], now=NOW)
    orders = list(checkout.orders.order_by("seller_id"))
    assert [o.seller_id for o in orders] == sorted([shop.id, other.id])
    assert all(o.status == "placed" and o.currency == "CNY" for o in orders)
    assert checkout.total_amount == sum(o.total_amount for o in orders)
    assert all(o.tax_amount > 0 for o in orders)  # cross-border tax of the quote
    a.refresh_from_db()
    assert a.stock == 8
    assert OrderEvent.objects.filter(event="place").count() == 2


def test_over_the_order_limit_is_refused_and_leaves_nothing(shop):
    expensive = _variant(shop, price="400", stock=20)  # 400 USD = 2,661 CNY
    before = _fingerprint()
    with pytest.raises(CheckoutRefused) as refused:
        checkout_place(buyer=factories.buyer(), lines=[CartLine(expensive.id, 2)], now=NOW)
    assert refused.value.errors[0].code == "CN_CBEC_ORDER_LIMIT"
    assert _fingerprint() == before


def test_the_annual_quota_counts_placed_orders_and_refuses_with_what_is_left(shop):
    buyer = factories.buyer()
    variant = _variant(shop, price="300", stock=200)  # ~2,196 CNY delivered
    for _ in range(11):
        checkout_place(buyer=buyer, lines=[CartLine(variant.id, 1)], now=NOW)
    spent = year_to_date_cny(buyer, now=NOW).amount
    assert spent > Decimal(24000)
    with pytest.raises(CheckoutRefused) as refused:
        checkout_place(buyer=buyer, lines=[CartLine(variant.id, 1)], now=NOW)
    assert refused.value.errors[0].code == "CN_CBEC_ANNUAL_LIMIT"
    assert "left of 26,000.00 CNY" in refused.value.errors[0].message


def test_cancelled_orders_give_the_quota_back(shop):
    buyer = factories.buyer()
    variant = _variant(shop, price="300", stock=200)
    checkout = checkout_place(buyer=buyer, lines=[CartLine(variant.id, 1)], now=NOW)
    assert year_to_date_cny(buyer, now=NOW).amount > 0
    checkout.orders.update(status="cancelled")
    assert year_to_date_cny(buyer, now=NOW).amount == 0


def test_the_year_to_date_counts_exactly_the_orders_the_rules_count(shop):
    """Every kind of order the sum must leave out, and the partial refund it subtracts,
    checked against the ORM's aggregate of the same rule (the fast path is plain SQL)."""
    from datetime import timedelta

    from django.db.models import F, Sum

    from entrepot.orders.models import Order

    buyer = factories.buyer()
    variant = _variant(shop, price="33.33", stock=50)
    placed = [checkout_place(buyer=buyer, lines=[CartLine(variant.id, 1)], now=NOW)
              for _ in range(6)]  # fmt: skip
    orders = [c.orders.get() for c in placed]
    Order.objects.filter(pk=orders[0].pk).update(status="cancelled")
    Order.objects.filter(pk=orders[1].pk).update(status="paid", refunded_amount=Decimal("10.01"))
    Order.objects.filter(pk=orders[2].pk).update(origin_country="CN")  # domestic: no quota
    new_year = NOW.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    last_year = new_year - timedelta(seconds=1)
    Order.objects.filter(pk=orders[3].pk).update(placed_at=last_year)
    Order.objects.filter(pk=orders[4].pk).update(status="returned")
    expected = (
        Order.objects.filter(buyer=buyer, currency="CNY", status__in=["placed", "paid"],
                             placed_at__gte=new_year)
        .exclude(origin_country="CN")
        .aggregate(n=Sum(F("total_amount") - F("refunded_amount")))["n"]
    )  # fmt: skip
    kept = [orders[1], orders[5]]
    assert expected == sum(o.total_amount for o in kept) - Decimal("10.01")
    assert year_to_date_cny(buyer, now=NOW).amount == expected
    assert year_to_date_cny(factories.buyer(), now=NOW).amount == 0


def test_out_of_stock_is_refused_and_leaves_nothing(shop):
    variant = _variant(shop, stock=1)
    before = _fingerprint()
    with pytest.raises(CheckoutRefused, match="only 1 left"):
        checkout_place(buyer=factories.buyer(), lines=[CartLine(variant.id, 2)], now=NOW)
    assert _fingerprint() == before


def test_goods_off_the_positive_list_cannot_be_ordered(shop):
    phone = _variant(shop, hs="85171300")
    with pytest.raises(CheckoutRefused) as refused:
        checkout_place(buyer=factories.buyer(), lines=[CartLine(phone.id, 1)], now=NOW)
    assert refused.value.errors[0].code == "CN_CBEC_NOT_ON_POSITIVE_LIST"


def _race(targets) -> list:
    """Run each callable in its own thread at once; collect results or exceptions."""
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def run(i, target):
        try:
            barrier.wait()
            results[i] = target()
        except Exception as exc:  # noqa: BLE001 - the race collects every outcome
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_fifty_buyers_racing_for_ten_units_make_exactly_ten_orders():
    factories.rates()
    positive_list_load_sample()
    seller = factories.seller(verification_status="approved")
    variant = _variant(seller, stock=10)
    buyers = [factories.buyer() for _ in range(50)]
    results = _race([
        (lambda b=b: checkout_place(buyer=b, lines=[CartLine(variant.id, 1)], now=NOW))
        for b in buyers
    ])  # fmt: skip
    won = [r for r in results if isinstance(r, Checkout)]
    lost = [r for r in results if isinstance(r, CheckoutRefused)]
    assert len(won) == 10 and len(lost) == 40, [r for r in results if not isinstance(
        r, (Checkout, CheckoutRefused))]  # fmt: skip
    variant.refresh_from_db()
    assert variant.stock == 0
    assert Stock.objects.get(variant=variant).quantity == 0
    assert Order.objects.count() == 10 and OrderLine.objects.count() == 10
    # every winner pays: ten captures, and escrow holds exactly their money
    from types import SimpleNamespace

    from entrepot.ledger.selectors import ledger_check
    from entrepot.orders.payment_flow import checkout_paid, checkout_reference
    from entrepot.orders.selectors import escrow_expected

    for n, checkout in enumerate(won):
        payment = SimpleNamespace(pk=n, gateway="sandbox", reference=checkout_reference(checkout))
        checkout_paid(payment=payment)
    report = ledger_check(expected_escrow=escrow_expected())
    assert report.ok and report.transactions == 10, report.summary()


@pytest.mark.django_db(transaction=True)
def test_one_buyers_parallel_checkouts_never_pass_the_annual_limit():
    factories.rates()
    positive_list_load_sample()
    seller = factories.seller(verification_status="approved")
    variant = _variant(seller, price="300", stock=500)  # ~2,196 CNY each
    buyer = factories.buyer()
    for _ in range(10):
        checkout_place(buyer=buyer, lines=[CartLine(variant.id, 1)], now=NOW)
    results = _race([
        (lambda: checkout_place(buyer=Buyer.objects.get(pk=buyer.pk),
                                lines=[CartLine(variant.id, 1)], now=NOW))
        for _ in range(8)
    ])  # fmt: skip
    assert any(isinstance(r, Checkout) for r in results)
    assert any(isinstance(r, CheckoutRefused) for r in results)
    assert year_to_date_cny(buyer, now=NOW).amount <= Decimal(26000)


def test_unpaid_orders_release_their_stock_when_the_quote_expires(shop):
    from datetime import timedelta

    from entrepot.orders.services import reservations_release_expired
    from entrepot.orders.tasks import release_expired_reservations

    variant = _variant(shop, stock=3)
    checkout = checkout_place(buyer=factories.buyer(), lines=[CartLine(variant.id, 2)], now=NOW)
    order = checkout.orders.get()
    assert reservations_release_expired(now=NOW + timedelta(minutes=14)) == 0
    assert reservations_release_expired(now=NOW + timedelta(minutes=16)) == 1
    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == "cancelled" and variant.stock == 3
    assert order.events.last().note == "quote expired unpaid"
    assert release_expired_reservations.call_local() == 0  # nothing left to release


def test_a_paid_order_is_not_released(shop):
    from datetime import timedelta

    from entrepot.orders.services import order_transition, reservations_release_expired

    variant = _variant(shop, stock=3)
    order = checkout_place(buyer=factories.buyer(), lines=[CartLine(variant.id, 1)],
                           now=NOW).orders.get()  # fmt: skip
    order_transition(order=order, event="pay", actor="sandbox")
    assert reservations_release_expired(now=NOW + timedelta(hours=1)) == 0
    variant.refresh_from_db()
    assert variant.stock == 2


def test_illegal_transitions_are_refused_and_leave_no_event(shop):
    from entrepot.domain.order_states import IllegalTransition
    from entrepot.orders.services import order_transition

    variant = _variant(shop)
    order = checkout_place(buyer=factories.buyer(), lines=[CartLine(variant.id, 1)],
                           now=NOW).orders.get()  # fmt: skip
    with pytest.raises(IllegalTransition, match="cannot ship an order that is placed"):
        order_transition(order=order, event="ship")
    assert list(order.events.values_list("event", flat=True)) == ["place"]
