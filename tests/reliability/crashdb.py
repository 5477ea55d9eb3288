"""The database side of the crash-safety test, run as a Django subprocess against the
server's own database (never the pytest one):

    python -m tests.reliability.crashdb setup STOCK            -> JSON on stdout
    python -m tests.reliability.crashdb verify STATE.json      -> JSON on stdout

`setup` migrates the empty database, seeds a small marketplace (what `entrepot seed
--sellers 2 --products 30 --buyers 12 --orders 0` does, in this process) and readies it
for the load: every seeded buyer in China gets a verified real-name identity and a saved
address, a dry run (rolled back) keeps the buyers and variants a one-unit checkout
accepts, and each chosen variant gets exactly STOCK units in one warehouse (its other
stock rows emptied), so the load can run it out. It prints the buyers, the variants
and every variant's starting units.

`verify` reads what the database holds after the crashes and reports every broken
invariant it finds (the test asserts the lists are empty), with counts.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter, defaultdict
from datetime import date


def _resident_id(rng: random.Random, used: set[str]) -> str:
    """A valid GB 11643 number: address code, birth date, sequence, check character."""
    from entrepot.domain.resident_id import check_character

    while True:
        born = date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28))
        area = rng.choice(["110105", "310115", "440305", "330106"])
        first17 = f"{area}{born:%Y%m%d}{rng.randint(0, 999):03d}"
        number = first17 + check_character(first17)
        if number not in used:
            used.add(number)
            return number


def _address(buyer) -> dict[str, str]:
    """The checkout form's delivery fields: in China the saved default address, elsewhere
    typed in full."""
    from entrepot.buyers.services import AddressFields, address_add
    from entrepot.domain.china_divisions import check_division, find_province

    if buyer.country != "CN":
        return {
            "consignee_name": buyer.display_name,
            "consignee_address": f"1 Main Street, {buyer.city} {buyer.province}",
            "consignee_phone": "+1 614 555 0100",
        }
    province = find_province(buyer.province)
    city = province.city(buyer.city)
    district = city.districts[0] if city.districts else "城区"
    division = check_division(province=province.name, city=city.name, district=district)
    fields = AddressFields(
        recipient=buyer.identity.name, phone="13800138000", division=division, street="文三路1号"
    )
    return {"saved_address": str(address_add(buyer=buyer, fields=fields).pk)}


def setup(stock: int) -> dict:
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Sum
    from django.utils import timezone

    from entrepot.buyers.models import Buyer
    from entrepot.buyers.services import IdentityRefused, identity_verify
    from entrepot.catalog.models import Product, ProductVariant
    from entrepot.logistics.models import Stock
    from entrepot.logistics.services import stock_set
    from entrepot.orders.checkout import CartLine, CheckoutRefused, checkout_place
    from entrepot.seeding.seed import seed

    # what `entrepot seed` does, in this process: one Django start-up less
    call_command("migrate", interactive=False, verbosity=0)
    seed(sellers=2, products=30, buyers=12, orders=0, seed=1, progress=False)
    rng = random.Random(11)
    used: set[str] = set()
    today = timezone.now().date()
    with transaction.atomic():
        for buyer in Buyer.objects.filter(country="CN").select_related("user"):
            number = _resident_id(rng, used)
            try:
                identity_verify(buyer=buyer, name=buyer.display_name, id_number=number,
                                consent=True, today=today)  # fmt: skip
            except IdentityRefused:  # a seeded name the real-name rule does not take
                identity_verify(buyer=buyer, name="王小明", id_number=number, consent=True,
                                today=today)  # fmt: skip

    def accepted(buyer, variant) -> bool:
        try:
            with transaction.atomic():
                checkout_place(buyer=buyer, lines=[CartLine(variant.pk, 1)])
                transaction.set_rollback(True)
            return True
        except CheckoutRefused:
            return False

    buyers = list(Buyer.objects.select_related("user", "identity").order_by("id"))
    stocked = Stock.objects.filter(quantity__gt=0).values_list("variant_id", flat=True)
    candidates = list(
        ProductVariant.objects.filter(pk__in=stocked, product__status=Product.Status.PUBLISHED)
        .select_related("product")
        .order_by("price_amount", "id")[:40]
    )
    probe = next(b for b in buyers if b.country == "CN")
    per_seller: dict[int, list] = defaultdict(list)
    for variant in candidates:
        if len(per_seller[variant.product.seller_id]) < 3 and accepted(probe, variant):
            per_seller[variant.product.seller_id].append(variant)
    variants = [v for group in per_seller.values() for v in group]
    chosen = [b for b in buyers if all(accepted(b, v) for v in variants[:2])]
    with transaction.atomic():
        for variant in variants:
            rows = list(Stock.objects.filter(variant=variant).select_related("warehouse"))
            for row in rows[1:]:
                stock_set(variant=variant, warehouse=row.warehouse, quantity=0)
            stock_set(variant=variant, warehouse=rows[0].warehouse, quantity=stock)
    start = {
        str(row["variant_id"]): row["n"]
        for row in Stock.objects.values("variant_id").annotate(n=Sum("quantity"))
    }
    return {
        "buyers": [[b.user.get_username(), _address(b)] for b in chosen],
        "variants": [[v.pk, v.product.seller_id] for v in variants],
        "start_stock": start,
    }


def verify(state: dict) -> dict:
    """Every invariant the crashes must not break; each list names the offenders."""
    from django.db.models import Count, Sum

    from entrepot.catalog.models import ProductVariant
    from entrepot.domain.ledger import TransactionKind
    from entrepot.ledger.models import LedgerTransaction
    from entrepot.logistics.models import Stock
    from entrepot.orders.models import Order, OrderEvent, OrderLine
    from entrepot.orders.payment_flow import REFERENCE_PREFIX
    from entrepot.payments.models import Payment, PaymentNotification, SandboxCharge

    applied = PaymentNotification.Outcome.APPLIED
    orders = dict(Order.objects.values_list("number", "status"))
    after_payment = set(Order.Status) - {Order.Status.PLACED, Order.Status.CANCELLED}
    paid = {number for number, status in orders.items() if status in after_payment}

    # the ledger: one capture per paid order, none for an order that was not paid
    captures = Counter(
        key.split(":")[1]
        for key in LedgerTransaction.objects.filter(
            kind=TransactionKind.PAYMENT_CAPTURED
        ).values_list("idempotency_key", flat=True)
    )
    paid_without_capture = sorted(n for n in paid if captures[n] != 1)
    capture_without_paid = sorted(n for n in captures if n not in paid)

    # stock: what the warehouses hold plus what live orders took is what there was
    held = dict(Stock.objects.values("variant_id").annotate(n=Sum("quantity")).values_list(
        "variant_id", "n"))  # fmt: skip
    taken = dict(
        OrderLine.objects.exclude(order__status=Order.Status.CANCELLED)
        .values("variant_id")
        .annotate(n=Sum("quantity"))
        .values_list("variant_id", "n")
    )
    start = {int(k): v for k, v in state["start_stock"].items()}
    stock_mismatch = [
        [variant, start.get(variant, 0), held.get(variant, 0), taken.get(variant, 0)]
        for variant in sorted(set(start) | set(held) | set(taken))
        if start.get(variant, 0) != held.get(variant, 0) + taken.get(variant, 0)
    ]
    totals = dict(ProductVariant.objects.values_list("id", "stock"))
    total_mismatch = [[v, n, totals[v]] for v, n in held.items() if totals[v] != n]

    # payments and notifications: each event applied once, each order paid once
    twice_applied = list(
        PaymentNotification.objects.filter(outcome=applied)
        .values("payment__token", "sequence")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("payment__token", "sequence", "n")
    )
    paid_twice = list(
        OrderEvent.objects.filter(event="pay")
        .values("order__number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("order__number", "n")
    )
    by_checkout = defaultdict(set)
    for checkout_id, status in Order.objects.values_list("checkout_id", "status"):
        by_checkout[checkout_id].add(status)
    payments = list(Payment.objects.values("token", "reference", "status"))
    succeeded = {str(p["token"]) for p in payments if p["status"] == Payment.Status.SUCCEEDED}
    paid_checkouts = {
        int(p["reference"].removeprefix(REFERENCE_PREFIX))
        for p in payments
        if p["status"] == Payment.Status.SUCCEEDED
    }
    succeeded_but_unpaid = sorted(
        c for c in paid_checkouts if by_checkout[c] & {Order.Status.PLACED, Order.Status.CANCELLED}
    )
    paid_without_payment = sorted(
        c
        for c, statuses in by_checkout.items()
        if statuses & after_payment and c not in paid_checkouts
    )
    applied_succeeded = Counter(
        str(token)
        for token in PaymentNotification.objects.filter(
            outcome=applied, event_status=Payment.Status.SUCCEEDED
        ).values_list("payment__token", flat=True)
    )
    # what the wallet was told "received" (2xx), and what the sandbox's Pay button queued
    acknowledged_not_applied_once = sorted(
        t for t in state["acknowledged"] if t not in succeeded or applied_succeeded[t] != 1
    )
    queued_not_delivered = sorted(t for t in state["pay_acknowledged"] if t not in succeeded)
    # the wallet's side and the shop's agree in the end, answered or not: a Pay whose
    # answer the kill cut off may still have been taken by the wallet
    wallet_paid = SandboxCharge.objects.filter(status=SandboxCharge.Status.PAID)
    tokens = (str(t) for t in wallet_paid.values_list("payment__token", flat=True))
    wallet_paid_shop_unaware = sorted(t for t in tokens if t not in succeeded)
    outcomes = Counter(PaymentNotification.objects.values_list("outcome", flat=True))
    return {
        "orders": dict(Counter(orders.values())),
        "payments": dict(Counter(p["status"] for p in payments)),
        "notifications": dict(outcomes),
        "captures": sum(captures.values()),
        "units_sold": sum(taken.values()),
        "sold_out_variants": sum(1 for v in start if held.get(v, 0) == 0),
        "problems": {
            "paid order without exactly one ledger capture": paid_without_capture,
            "ledger capture without a paid order": capture_without_paid,
            "stock lost or double-sold [variant, start, held, taken]": stock_mismatch,
            "variant total differs from its warehouses [variant, held, total]": total_mismatch,
            "notification applied twice [payment, sequence, n]": [
                [str(t), s, n] for t, s, n in twice_applied
            ],
            "order paid twice": paid_twice,
            "payment succeeded but its orders are not paid (checkouts)": succeeded_but_unpaid,
            "orders paid without a succeeded payment (checkouts)": paid_without_payment,
            "acknowledged notification not applied exactly once": acknowledged_not_applied_once,
            "Pay answered but its queued notification never applied": queued_not_delivered,
            "the sandbox wallet took the payment, the shop never heard": wallet_paid_shop_unaware,
        },
    }


def main(argv: list[str]) -> int:
    import django

    django.setup()
    command, arg = argv
    if command == "setup":
        result = setup(int(arg))
    else:
        with open(arg, encoding="utf-8") as handle:
            result = verify(json.load(handle))
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
