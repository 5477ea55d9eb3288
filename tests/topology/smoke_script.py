"""Django side of the topology smoke test, run in a subprocess against the topology's
database: `seed` (a seller with one product in stock, a verified buyer in China) and
`verify TOKEN` (what became of the payment, its orders and their ledger captures).
Prints one line of JSON."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime


def seed() -> dict:
    from django.db import transaction

    from entrepot.buyers.services import identity_verify
    from entrepot.logistics.services import stock_set, warehouse_own_ensure
    from entrepot.pricing.positive_list import positive_list_load_sample
    from tests import factories

    with transaction.atomic():
        factories.rates()
        positive_list_load_sample()
        seller = factories.seller(verification_status="approved")
        product = factories.product(seller=seller, category=factories.category(), variants=1)
        variant = product.variants.get()
        stock_set(variant=variant, warehouse=warehouse_own_ensure(seller=seller), quantity=10)
        buyer = factories.buyer(user=factories.user(username="topology-buyer@example.com"))
        identity_verify(buyer=buyer, name="王芳", id_number="11010519491231002X", consent=True,
                        today=datetime.now(UTC).date())  # fmt: skip
    return {
        "username": buyer.user.get_username(),
        "password": factories.PASSWORD,
        "variant": variant.pk,
    }


def verify(token: str) -> dict:
    from entrepot.ledger.models import LedgerTransaction
    from entrepot.ledger.selectors import ledger_check
    from entrepot.ledger.services import order_reference
    from entrepot.orders.models import Order
    from entrepot.orders.payment_flow import REFERENCE_PREFIX
    from entrepot.orders.selectors import escrow_expected
    from entrepot.payments.models import Payment, PaymentNotification

    payment = Payment.objects.get(token=token)
    checkout_id = int(payment.reference.removeprefix(REFERENCE_PREFIX))
    orders = list(Order.objects.filter(checkout_id=checkout_id).order_by("id"))
    references = {order_reference(o.number): o.number for o in orders}
    captures = [
        [kind, references[reference]]
        for kind, reference in LedgerTransaction.objects.filter(
            reference__in=references
        ).values_list("kind", "reference")
    ]
    return {
        "payment": payment.status,
        "reference": payment.reference,
        "orders": {o.number: o.status for o in orders},
        "captures": sorted(captures),
        "notifications": sorted(
            PaymentNotification.objects.filter(payment=payment).values_list("outcome", flat=True)
        ),
        "ledger_ok": ledger_check(expected_escrow=escrow_expected()).ok,
    }


def main() -> int:
    import django

    django.setup()
    command, *rest = sys.argv[1:]
    answer = seed() if command == "seed" else verify(*rest)
    print(json.dumps(answer, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
