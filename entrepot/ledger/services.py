"""Writes to the escrow ledger: post a balanced transaction once, and only add.

`ledger_post` is the one way in. It refuses an unbalanced transaction, writes the
transaction and its entries in one atomic block, and is idempotent on its key: a
repeat (or a concurrent twin) returns the transaction already posted and writes
nothing. Nothing here updates or deletes a ledger row; a mistake is corrected by
posting the reversing transaction.

The `post_*` services map the posting rules of `entrepot.domain.ledger` onto orders
and sellers. They take plain values (order number, seller id, amounts) so that the
orders side decides when money moves; the ledger checks that it can.

Errors, besides the domain's `LedgerError`s (`Unbalanced`, `InvalidPosting`)::

    LedgerError
    ├── IdempotencyKeyReused   the key was used for a different transaction
    ├── NotStorable            an amount has more than 4 decimal places (or 14 digits)
    └── OrderNotInEscrow       release or refund of money the ledger does not hold
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError
from django.db.models import Max, Sum
from django.db.transaction import atomic
from django.utils import timezone

from entrepot.audit.services import audit_record
from entrepot.domain import ledger as rules
from entrepot.domain.ledger import (
    BUYER_CURRENCY,
    Account,
    AccountKind,
    LedgerError,
    NothingToPay,
    Transaction,
    TransactionKind,
)
from entrepot.domain.money import Money
from entrepot.ledger.models import LedgerEntry, LedgerTransaction
from entrepot.ledger.selectors import STORED_PLACE, commission_rate_for, reference_balance
from entrepot.pricing.selectors import rate_table_on
from entrepot.sellers.models import Seller

__all__ = [
    "IdempotencyKeyReused",
    "NotStorable",
    "OrderNotInEscrow",
    "PayoutOutcome",
    "commission_rate_for",
    "ledger_post",
    "order_reference",
    "post_escrow_released",
    "post_payment_captured",
    "post_payments_captured",
    "ledger_post_many",
    "Capture",
    "Posting",
    "post_payout",
    "post_refund",
]

MAX_STORED = Decimal(10) ** 14  # DecimalField(max_digits=18, decimal_places=4)


class IdempotencyKeyReused(LedgerError):
    pass


class NotStorable(LedgerError):
    pass


class OrderNotInEscrow(LedgerError):
    pass


def order_reference(number: str) -> str:
    return f"order:{number}"


# --- posting ---------------------------------------------------------------------------


def _check_storable(transaction: Transaction) -> None:
    for posting in transaction.postings:
        amount = posting.money.amount
        if amount != amount.quantize(STORED_PLACE) or amount >= MAX_STORED:
            raise NotStorable(
                f"{amount} {posting.money.currency} to {posting.account} cannot be stored: "
                "the ledger keeps up to 4 decimal places and 14 digits before the point; "
                "round the amount first (Money.rounded())"
            )


def _fingerprint_of_postings(transaction: Transaction) -> Counter:
    return Counter(
        (
            p.account.kind,
            p.account.owner,
            p.account.currency,
            p.debit.amount if p.debit is not None else Decimal(0),
            p.credit.amount if p.credit is not None else Decimal(0),
        )
        for p in transaction.postings
    )


def _fingerprint_of_entries(posted: LedgerTransaction) -> Counter:
    return Counter(
        posted.entries.values_list(
            "account_kind", "account_owner", "currency", "debit_amount", "credit_amount"
        )
    )


def _the_same(
    posted: LedgerTransaction, transaction: Transaction, reference: str
) -> LedgerTransaction:
    """`posted` if it is what posting `transaction` again would write, else refuse."""
    if (
        posted.kind != transaction.kind
        or posted.reference != reference
        or _fingerprint_of_entries(posted) != _fingerprint_of_postings(transaction)
    ):
        raise IdempotencyKeyReused(
            f"idempotency key {posted.idempotency_key!r} was already used for transaction "
            f"{posted.pk} ({posted.kind}, {posted.reference}) with other entries: a repeat "
            "must post the same entries; a different posting needs a different key"
        )
    return posted


def ledger_post(
    *, transaction: Transaction, reference: str, idempotency_key: str
) -> LedgerTransaction:
    """Record a balanced transaction once per `idempotency_key` and return it.

    Raises Unbalanced (naming the currencies that do not balance), NotStorable, or
    IdempotencyKeyReused when the key already recorded a different transaction.
    """
    transaction.check_balanced()
    _check_storable(transaction)
    if not idempotency_key or not reference:
        raise ValueError("ledger_post needs a reference and an idempotency key, got an empty one")
    posted = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
    if posted is not None:
        return _the_same(posted, transaction, reference)
    try:
        # a savepoint inside a caller's transaction: a lost race rolls back only this
        with atomic():
            posted = LedgerTransaction.objects.create(
                kind=transaction.kind,
                reference=reference,
                idempotency_key=idempotency_key,
                memo=transaction.memo[:300],
            )
            LedgerEntry.objects.bulk_create(_entries_of(posted, transaction))
    except IntegrityError:
        # a concurrent post with the same key committed first: the unique key refused ours
        posted = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
        if posted is None:
            raise
        return _the_same(posted, transaction, reference)
    return posted


def _entries_of(posted: LedgerTransaction, transaction: Transaction) -> list[LedgerEntry]:
    return [
        LedgerEntry(
            transaction=posted,
            account_kind=p.account.kind,
            account_owner=p.account.owner,
            currency=p.account.currency,
            debit_amount=p.debit.amount if p.debit is not None else Decimal(0),
            credit_amount=p.credit.amount if p.credit is not None else Decimal(0),
            created_at=posted.created_at,
        )
        for p in transaction.postings
    ]


@dataclass(frozen=True)
class Posting:
    """One transaction to post with `ledger_post_many`."""

    transaction: Transaction
    reference: str
    idempotency_key: str


def ledger_post_many(postings: list[Posting]) -> list[LedgerTransaction]:
    """`ledger_post` for several transactions at once, in a constant number of queries:
    one read of the keys already used, then all new transactions and all their entries
    in one insert each, inside one savepoint. The same checks and the same idempotency
    as `ledger_post`; should a concurrent twin win the race on a key, the savepoint is
    rolled back and every posting goes through `ledger_post` one by one."""
    for posting in postings:
        posting.transaction.check_balanced()
        _check_storable(posting.transaction)
        if not posting.idempotency_key or not posting.reference:
            raise ValueError("ledger_post needs a reference and an idempotency key")
    keys = [p.idempotency_key for p in postings]
    if len(set(keys)) != len(keys):
        raise ValueError("ledger_post_many got the same idempotency key twice")
    used = LedgerTransaction.objects.filter(idempotency_key__in=keys)
    done = {t.idempotency_key: t for t in used}
    for p in postings:  # a key reused for other entries refuses the lot before any write
        if p.idempotency_key in done:
            _the_same(done[p.idempotency_key], p.transaction, p.reference)
    fresh = [p for p in postings if p.idempotency_key not in done]
    if fresh:
        try:
            with atomic():
                now = timezone.now()
                created = LedgerTransaction.objects.bulk_create(
                    LedgerTransaction(kind=p.transaction.kind, reference=p.reference,
                                      idempotency_key=p.idempotency_key,
                                      memo=p.transaction.memo[:300], created_at=now)
                    for p in fresh
                )  # fmt: skip
                if any(t.pk is None for t in created):  # a database without RETURNING
                    raise IntegrityError("bulk insert returned no ids")
                LedgerEntry.objects.bulk_create(
                    entry
                    for posted, p in zip(created, fresh, strict=True)
                    for entry in _entries_of(posted, p.transaction)
                )
        except IntegrityError:
            return [
                ledger_post(transaction=p.transaction, reference=p.reference,
                            idempotency_key=p.idempotency_key)
                for p in postings
            ]  # fmt: skip
        done.update(zip((p.idempotency_key for p in fresh), created, strict=True))
    return [done[p.idempotency_key] for p in postings]


# --- orders ------------------------------------------------------------------------------


def _captured(reference: str) -> LedgerTransaction:
    """The order's capture, locked: posts for one order then queue one after another."""
    capture = (
        LedgerTransaction.objects.select_for_update()
        .filter(reference=reference, kind=TransactionKind.PAYMENT_CAPTURED)
        .first()
    )
    if capture is None:
        raise OrderNotInEscrow(
            f"{reference}: no payment captured in the ledger; post the payment first"
        )
    return capture


def _held(reference: str, kind: str, name: str, amount: Money) -> None:
    held = reference_balance(reference, kind, amount.currency)
    if amount > held:
        raise OrderNotInEscrow(
            f"{reference}: {name} {amount} is more than the {held} the ledger holds for it"
        )


def _refundable(reference: str, refund: Money) -> None:
    paid_in = -reference_balance(reference, AccountKind.BUYER_CLEARING, refund.currency)
    if refund > paid_in:
        raise OrderNotInEscrow(
            f"{reference}: a refund of {refund} is more than the {paid_in} the buyer paid "
            "and has not had back"
        )


@dataclass(frozen=True)
class Capture:
    """One paid order, for `post_payments_captured`."""

    order_number: str
    seller_id: int
    order_total: Money
    tax_withheld: Money


def _capture_posting(capture: Capture) -> Posting:
    return Posting(
        transaction=rules.payment_captured(
            order_total=capture.order_total, tax_withheld=capture.tax_withheld,
            seller_id=capture.seller_id,
        ),  # fmt: skip
        reference=order_reference(capture.order_number),
        idempotency_key=f"order:{capture.order_number}:{TransactionKind.PAYMENT_CAPTURED}",
    )


def post_payment_captured(
    *, order_number: str, seller_id: int, order_total: Money, tax_withheld: Money
) -> LedgerTransaction:
    """A paid order: its goods and shipping into escrow, its import tax withheld."""
    posting = _capture_posting(Capture(order_number, seller_id, order_total, tax_withheld))
    return ledger_post(
        transaction=posting.transaction,
        reference=posting.reference,
        idempotency_key=posting.idempotency_key,
    )


def post_payments_captured(captures: list[Capture]) -> list[LedgerTransaction]:
    """`post_payment_captured` for all the orders of one payment, in constant queries."""
    return ledger_post_many([_capture_posting(c) for c in captures])


@atomic
def post_escrow_released(
    *, order_number: str, seller_id: int, amount: Money, on: date, category_id: int | None = None
) -> LedgerTransaction:
    """A confirmed order: `amount` (goods + shipping) from escrow to the seller, less
    the commission in force on `on` for `category_id` (None: the default rate)."""
    reference = order_reference(order_number)
    key = f"order:{order_number}:{TransactionKind.ESCROW_RELEASED}"
    _captured(reference)
    if not LedgerTransaction.objects.filter(idempotency_key=key).exists():
        _held(reference, AccountKind.ESCROW, "release of", amount)
    commission = rules.commission_for(amount, commission_rate_for(category_id, on))
    transaction = rules.escrow_released(amount=amount, commission=commission, seller_id=seller_id)
    return ledger_post(transaction=transaction, reference=reference, idempotency_key=key)


@atomic
def post_refund(
    *,
    order_number: str,
    seller_id: int,
    amount: Money,
    tax: Money | None = None,
    refund_id: str = "1",
) -> LedgerTransaction:
    """Refund `amount` of goods and shipping (and `tax`, before release) to the buyer.

    Before the order's escrow is released the refund comes out of escrow and the tax
    withheld; after, out of the seller payable, which may go negative (carried into
    the next payout). Import tax is only refunded before release. `refund_id` tells
    the refunds of one order apart; a repeat with the same id posts nothing.
    """
    reference = order_reference(order_number)
    key = f"order:{order_number}:refund:{refund_id}"
    _captured(reference)
    tax = tax if tax is not None else Money.zero(amount.currency)
    released = LedgerTransaction.objects.filter(
        reference=reference, kind=TransactionKind.ESCROW_RELEASED
    ).exists()
    repeat = LedgerTransaction.objects.filter(idempotency_key=key).first()
    if repeat is not None:
        released = repeat.kind == TransactionKind.REFUND_AFTER_RELEASE
    else:
        _refundable(reference, amount + tax)
    if released:
        if tax.amount:
            raise LedgerError(
                f"{reference}: the escrow was released, so the refund comes from the seller "
                f"and cannot include import tax ({tax}); refund the goods and shipping only"
            )
        transaction = rules.refund_after_release(amount=amount, seller_id=seller_id)
    else:
        if repeat is None:
            _held(reference, AccountKind.ESCROW, "refund of", amount)
            _held(reference, AccountKind.CUSTOMS_TAX_WITHHELD, "tax refund of", tax)
        transaction = rules.refund_before_release(amount=amount, tax=tax, seller_id=seller_id)
    return ledger_post(transaction=transaction, reference=reference, idempotency_key=key)


# --- payouts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PayoutOutcome:
    """What `post_payout` did: `transaction` is None when it paid nothing, and why."""

    seller_id: int
    payable: Money
    paid: Money | None
    transaction: LedgerTransaction | None
    message: str

    @property
    def posted(self) -> bool:
        return self.transaction is not None


@atomic
def post_payout(*, seller: Seller, on: date) -> PayoutOutcome:
    """Pay out the seller's whole CNY payable in their payout currency at `on`'s rate.

    A zero or negative payable posts nothing and says so: what the seller owes (from
    refunds after release) is carried until new releases cover it. The key is the
    last payable entry paid out, so a repeat with nothing new posts nothing twice.
    """
    # serialise payouts of one seller (SQLite's IMMEDIATE transactions already do)
    Seller.objects.select_for_update().only("pk").get(pk=seller.pk)
    owner = str(seller.pk)
    totals = LedgerEntry.objects.filter(
        account_kind=AccountKind.SELLER_PAYABLE, account_owner=owner, currency=BUYER_CURRENCY
    ).aggregate(debits=Sum("debit_amount"), credits=Sum("credit_amount"), last=Max("id"))
    payable = Money(
        Decimal((totals["debits"] or 0) - (totals["credits"] or 0)).quantize(STORED_PLACE),
        BUYER_CURRENCY,
    )
    currency = seller.payout_currency or seller.currency

    def nothing(message: str) -> PayoutOutcome:
        return PayoutOutcome(seller.pk, payable, None, None, message)

    if payable.amount < 0:
        return nothing(
            f"{seller.business_name} (seller {owner}) owes {-payable}: nothing paid; "
            "the balance is carried into the next payout"
        )
    if payable.amount == 0:
        return nothing(f"{seller.business_name} (seller {owner}) is owed nothing: nothing paid")
    table = rate_table_on(on)
    rate = table.rate(BUYER_CURRENCY, currency)
    try:
        transaction = rules.payout(
            payable=payable, rate=rate, seller_currency=currency, seller_id=owner
        )
    except NothingToPay as exc:
        return nothing(str(exc))
    posted = ledger_post(
        transaction=transaction,
        reference=f"seller:{owner}",
        idempotency_key=f"payout:seller:{owner}:through-entry:{totals['last']}",
    )
    paid = transaction.balances()[Account(AccountKind.PAYOUT_CLEARING, currency, owner)]
    audit_record(action="payout.post", target=("payout", posted.pk), details={
        "seller": seller.pk, "payable": str(payable), "paid": str(paid),
        "rate": str(rate), "rates_of": table.as_of.isoformat()})  # fmt: skip
    return PayoutOutcome(
        seller.pk,
        payable,
        paid,
        posted,
        f"paid {seller.business_name} (seller {owner}) {paid} for {payable} "
        f"at {rate:.6f} {currency}/CNY (rates of {table.as_of.isoformat()})",
    )
