"""The ledger stays balanced whatever happens, in whatever order (a hypothesis state machine).

Each step is one thing the marketplace really does, through the services the pages and
tasks call: place a checkout and pay it through a signed wallet notification, let unpaid
quotes expire, clear paid orders through the (simulated) customs port, ship and deliver,
confirm receipt (escrow released), refund part or all of an order before or after the
release, return delivered goods (request, seller accepts, goods received, refund), settle a
dispute, pay sellers out. After every step the ledger balances and escrow holds exactly
what the orders say; at the end `entrepot ledger check` exits 0. At least 1,000 steps run.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from entrepot import cli
from entrepot.aftersales.services import (
    AftersalesError,
    dispute_open,
    dispute_resolve,
    refund_issue,
    return_accept,
    return_receive,
    return_request,
)
from entrepot.buyers import vault
from entrepot.customs.services import declarations_sweep, receipts_collect
from entrepot.domain.money import Money
from entrepot.domain.resident_id import check_character
from entrepot.ledger.models import LedgerTransaction
from entrepot.ledger.selectors import ledger_check
from entrepot.ledger.services import post_payout
from entrepot.orders.checkout import CartLine, CheckoutRefused, checkout_place
from entrepot.orders.models import Order
from entrepot.orders.payment_flow import checkout_reference
from entrepot.orders.selectors import escrow_expected
from entrepot.orders.services import (
    order_confirm_receipt,
    orders_transition,
    reservations_release_expired,
)
from entrepot.payments.gateway import sandbox_gateway
from entrepot.payments.models import SandboxCharge
from entrepot.payments.services import notification_receive, payment_create
from tests import factories
from tests.conftest import count
from tests.customs.helpers import ADDRESS, cn_buyer, simulated_customs, variant

pytestmark = pytest.mark.django_db

EXAMPLES, STEPS = 20, 60
OPERATOR = "operator"
steps_run = 0
done: dict[str, int] = {}


def _id_number(serial: int) -> str:
    """A valid resident ID number (checksum and all) for test buyer `serial`."""
    body = f"11010519800101{serial:03d}"
    return body + check_character(body)


class World:
    """Sellers, buyers and stock, made once for the whole run."""

    sellers: list = []
    variants: list = []
    buyers: list = []


class Marketplace(RuleBasedStateMachine):
    """Works on whatever the database holds: the examples share it and each adds to it."""

    @initialize()
    def open_shop(self):
        pass

    @staticmethod
    def _pick(index: int, *statuses: str) -> Order | None:
        orders = list(Order.objects.filter(status__in=statuses).order_by("id"))
        return orders[index % len(orders)] if orders else None

    @staticmethod
    def _did(what: str) -> None:
        global steps_run
        steps_run += 1
        done[what] = done.get(what, 0) + 1

    # --- buying -------------------------------------------------------------------

    @rule(buyer=st.integers(0, 9), picks=st.lists(st.integers(0, 99), min_size=1, max_size=3),
          quantity=st.integers(1, 3), pay=st.booleans())  # fmt: skip
    def place_a_checkout(self, buyer, picks, quantity, pay):
        self._did("checkout")
        variants = sorted({World.variants[i % len(World.variants)].id for i in picks})
        try:
            checkout = checkout_place(
                buyer=World.buyers[buyer % len(World.buyers)],
                lines=[CartLine(v, quantity) for v in variants],
                address=ADDRESS,
            )
        except CheckoutRefused:
            return  # over a limit or out of stock: refused whole, nothing to balance
        payment = payment_create(
            reference=checkout_reference(checkout),
            amount=Money(checkout.total_amount, "CNY"),
            payer_name=ADDRESS.name,
        )
        if not pay:
            return
        # the buyer pays in the sandbox wallet, which then notifies us (signed)
        SandboxCharge.objects.filter(payment=payment).update(
            status=SandboxCharge.Status.PAID, transaction_id=f"SBX{payment.pk}"
        )
        wallet = sandbox_gateway()
        body = wallet.event_body(
            payment, sequence=2, status="succeeded", transaction_id=f"SBX{payment.pk}",
            occurred_at=timezone.now(),
        )  # fmt: skip
        assert notification_receive(headers=wallet.signed_headers(body), body=body).acknowledged

    @rule()
    def unpaid_quotes_expire(self):
        self._did("expiry")
        reservations_release_expired(now=timezone.now() + timedelta(days=1))

    # --- fulfilment ---------------------------------------------------------------

    @rule()
    def customs_releases_paid_orders(self):
        self._did("customs")
        declarations_sweep()
        receipts_collect()

    @rule(index=st.integers(0, 999))
    def a_released_order_is_delivered(self, index):
        self._did("delivery")
        order = self._pick(index, Order.Status.CLEARED)
        if order is not None:
            for event in ("ship", "deliver"):
                (order,) = orders_transition(orders=[order], event=event)

    @rule(index=st.integers(0, 999))
    def the_buyer_confirms_receipt(self, index):
        self._did("release")
        order = self._pick(index, Order.Status.DELIVERED)
        if order is not None:
            order_confirm_receipt(order=order, actor="buyer")

    # --- after-sales --------------------------------------------------------------

    @rule(index=st.integers(0, 999), kind=st.sampled_from(["full", "line", "shipping", "amount"]),
          cents=st.integers(1, 5000))  # fmt: skip
    def an_order_is_refunded(self, index, kind, cents):
        self._did(f"refund:{kind}")
        order = self._pick(index, Order.Status.PAID, Order.Status.CLEARED, Order.Status.SHIPPED,
                           Order.Status.DELIVERED, Order.Status.COMPLETED)  # fmt: skip
        if order is None:
            return
        options = {
            "full": {"full": True},
            "line": {"quantities": {order.lines.order_by("id").first().pk: 1}},
            "shipping": {"shipping": True},
            "amount": {"amount": Decimal(cents) / 100},
        }
        try:
            refund_issue(order=order, actor=OPERATOR, reason="state machine", **options[kind])
        except AftersalesError:
            pass  # nothing left to refund, or more than is left: refused, nothing posted

    @rule(index=st.integers(0, 999))
    def delivered_goods_are_returned(self, index):
        self._did("return")
        order = self._pick(index, Order.Status.DELIVERED, Order.Status.COMPLETED)
        if order is None:
            return
        try:
            request = return_request(order=order, actor="buyer", reason="damaged")
            request = return_accept(return_request=request, actor="seller")
            return_receive(return_request=request, actor="seller")
        except AftersalesError:
            pass  # already returned or refunded in full: refused with its reason

    @rule(index=st.integers(0, 999), outcome=st.sampled_from(["refund", "partial", "reject"]))
    def the_operator_settles_a_dispute(self, index, outcome):
        self._did(f"dispute:{outcome}")
        order = self._pick(index, Order.Status.SHIPPED, Order.Status.DELIVERED,
                           Order.Status.COMPLETED)  # fmt: skip
        if order is None:
            return
        try:
            dispute = dispute_open(order=order, actor="buyer", reason="damaged", text="broken")
            amount = Decimal("1.00") if outcome == "partial" else None
            dispute_resolve(dispute=dispute, actor=OPERATOR, outcome=outcome, note="decided",
                            amount=amount)  # fmt: skip
        except AftersalesError:
            pass

    # --- paying sellers -----------------------------------------------------------

    @rule(seller=st.integers(0, 9))
    def a_seller_is_paid_out(self, seller):
        self._did("payout")
        post_payout(seller=World.sellers[seller % len(World.sellers)], on=timezone.now().date())

    # --- what must always hold ----------------------------------------------------

    @invariant()
    def the_ledger_balances_and_escrow_matches_the_orders(self):
        report = ledger_check(expected_escrow=escrow_expected())
        assert report.ok, report.problems()


@pytest.fixture
def world(settings):
    from entrepot.pricing.positive_list import positive_list_load_sample

    simulated_customs(settings)
    settings.ENTREPOT_PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-tests"
    settings.ENTREPOT_PAYMENT_SUCCEEDED_HANDLER = "entrepot.orders.payment_flow.checkout_paid"
    factories.rates()
    positive_list_load_sample()
    ohio = factories.seller(verification_status="approved", currency="USD")
    lyon = factories.seller(country="FR", currency="EUR", verification_status="approved")
    World.sellers = [ohio, lyon]
    World.variants = [
        variant(seller, price=price, stock=100_000)
        for seller in World.sellers
        for price in ("3.50", "9.99", "24.00")
    ]
    World.buyers = [cn_buyer(id_number=_id_number(n)) for n in range(1, 5)]
    yield World
    vault.reset()


def test_the_ledger_balances_after_1000_random_marketplace_operations(world):
    global steps_run
    steps_run = 0
    done.clear()
    run_state_machine_as_test(Marketplace, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    ))  # fmt: skip
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(["ledger", "check"])
    assert code == 0, out.getvalue()
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(done.items()))
    statuses = dict(Order.objects.values_list("status").annotate(n=Count("id")).order_by())
    print(f"\nledger state machine: {steps_run} operations ({kinds}); orders {statuses}")
    count("ledger state machine: operations", steps_run)
    assert steps_run >= 1000
    # the mix really happened: money went every way the ledger knows
    kinds_posted = set(LedgerTransaction.objects.values_list("kind", flat=True).distinct())
    assert {"payment_captured", "escrow_released", "refund_before_release",
            "refund_after_release", "payout"} <= kinds_posted, kinds_posted  # fmt: skip
