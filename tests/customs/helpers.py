"""Paid cross-border orders for customs and logistics tests: real rows, through the real
checkout and the payments app's success handler."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from cryptography.fernet import Fernet
from django.db import transaction

from entrepot.buyers import vault
from entrepot.buyers.services import identity_verify
from entrepot.logistics.services import stock_set, warehouse_own_ensure
from entrepot.orders.checkout import Address, CartLine, checkout_place
from entrepot.orders.models import Order
from entrepot.orders.payment_flow import checkout_paid, checkout_reference
from entrepot.payments.models import Payment
from tests import factories

NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)
ID_NUMBER = "11010519491231002X"  # valid example of the rules sheet, a woman born 1949
ADDRESS = Address(name="王芳", phone="13800138000", address="浙江省杭州市西湖区文三路100号")
_tx = itertools.count(1)


def simulated_customs(settings) -> None:
    """A fresh PII key; the simulated port answers at once, rejects nothing at random
    unless a test says so, and draws from a fixed seed; the simulated carrier reports every
    node at once. The caller resets the vault again when it is done."""
    settings.ENTREPOT_PII_KEYS = [Fernet.generate_key().decode()]
    settings.ENTREPOT_PII_INDEX_KEY = "index key for tests"
    settings.ENTREPOT_CUSTOMS_SIM_DELAY_SECONDS = 0
    settings.ENTREPOT_CUSTOMS_SIM_REJECT_RATE = 0.0
    settings.ENTREPOT_CUSTOMS_SIM_SEED = "7"
    settings.ENTREPOT_SIM_CARRIER_STEP_MINUTES = 0
    settings.ENTREPOT_DEFAULT_CARRIER = "simulated"
    vault.reset()


def cn_buyer(*, name: str = "王芳", id_number: str = ID_NUMBER, verified: bool = True):
    buyer = factories.buyer()
    if verified:
        identity_verify(buyer=buyer, name=name, id_number=id_number, consent=True,
                        today=NOW.date())  # fmt: skip
    return buyer


def variant(seller, *, price: str = "19.99", stock: int = 10, warehouse=None):
    product = factories.product(seller=seller, category=factories.category(), price=price,
                                variants=1)  # fmt: skip
    item = product.variants.get()
    stock_set(variant=item, warehouse=warehouse or warehouse_own_ensure(seller=seller),
              quantity=stock)  # fmt: skip
    item.refresh_from_db()
    return item


def pay(checkout, *, payer_name: str | None = None, fingerprint: str | None = None) -> Payment:
    """What the payments app does on the wallet's 'succeeded': the payment row, then the
    orders' handler in the same transaction."""
    identity = getattr(checkout.buyer, "identity", None)
    payment = Payment.objects.create(
        reference=checkout_reference(checkout), amount=checkout.total_amount, currency="CNY",
        payer_name=payer_name or (identity.name if identity else checkout.buyer.display_name),
        payer_id_fingerprint=(
            fingerprint if fingerprint is not None
            else (identity.id_number_fingerprint if identity else "")
        ),
        status=Payment.Status.SUCCEEDED, gateway_transaction_id=f"SBX{next(_tx):08d}",
        paid_at=NOW,
    )  # fmt: skip
    with transaction.atomic():
        checkout_paid(payment=payment)
    return payment


def paid_order(*, seller=None, buyer=None, item=None, quantity: int = 1, price: str = "19.99",
               address: Address = ADDRESS, **pay_kwargs) -> Order:  # fmt: skip
    seller = seller or factories.seller(verification_status="approved")
    buyer = buyer or cn_buyer()
    item = item or variant(seller, price=price)
    checkout = checkout_place(buyer=buyer, lines=[CartLine(item.id, quantity)], now=NOW,
                              address=address)  # fmt: skip
    pay(checkout, **pay_kwargs)
    return checkout.orders.get()


def cleared_order(**kwargs) -> Order:
    """A paid order declared and cleared by the simulated port (delay 0)."""
    from entrepot.customs.services import declarations_sweep, receipts_collect

    order = paid_order(**kwargs)
    declarations_sweep()
    receipts_collect()
    order.refresh_from_db()
    assert order.status == "cleared", order.status
    return order
