"""Double-entry posting rules for the escrow ledger.

Every money movement is a `Transaction` of `Posting`s whose debits equal its credits
in each currency. A posting "from A to B" credits A and debits B. A balance is
debits minus credits, so a positive balance is money an account holds or is owed:

    buyer_clearing         money taken from buyers (negative: it came from outside)
    escrow                 buyers' money held until they confirm receipt
    customs_tax_withheld   import tax collected for the customs authority
    platform_commission    the platform's earned commission
    seller_payable         owed to one seller (owner = seller id); negative when refunds
                           after release exceeded new sales: carried into the next payout
    payout_clearing        paid out to one seller (owner = seller id), in the seller's
                           currency, on its way to the seller's bank
    fx                     the conversion desk: takes CNY in, gives the seller's currency
                           out; what is left in it, valued at the rate, is the rounding

The sum of all balances in each currency is zero for any sequence of balanced
transactions. Buyers pay in CNY, so capture, release and refunds are CNY only;
only a payout touches a second currency.

Errors, under `entrepot.domain.exceptions.DomainError`::

    LedgerError
    ├── InvalidPosting      an account or posting that cannot exist
    ├── Unbalanced          debits differ from credits in some currency
    └── NothingToPay        a payout of a zero or negative payable
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from entrepot.domain.exceptions import DomainError
from entrepot.domain.money import Money, check_currency, to_decimal

BUYER_CURRENCY = "CNY"


class LedgerError(DomainError):
    pass


class InvalidPosting(LedgerError):
    pass


class Unbalanced(LedgerError):
    pass


class NothingToPay(LedgerError):
    pass


class AccountKind(StrEnum):
    BUYER_CLEARING = "buyer_clearing"
    ESCROW = "escrow"
    CUSTOMS_TAX_WITHHELD = "customs_tax_withheld"
    PLATFORM_COMMISSION = "platform_commission"
    SELLER_PAYABLE = "seller_payable"
    PAYOUT_CLEARING = "payout_clearing"
    FX = "fx"


# accounts kept per seller; all others are the platform's own and have no owner
SELLER_ACCOUNTS = frozenset({AccountKind.SELLER_PAYABLE.value, AccountKind.PAYOUT_CLEARING.value})
_KINDS = frozenset(k.value for k in AccountKind)


class TransactionKind(StrEnum):
    PAYMENT_CAPTURED = "payment_captured"
    ESCROW_RELEASED = "escrow_released"
    REFUND_BEFORE_RELEASE = "refund_before_release"
    REFUND_AFTER_RELEASE = "refund_after_release"
    PAYOUT = "payout"


@dataclass(frozen=True, slots=True)
class Account:
    """One ledger account: a kind, a currency and, for seller accounts, the seller id."""

    kind: str
    currency: str
    owner: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise InvalidPosting(
                f"unknown account kind {self.kind!r}: use one of {', '.join(sorted(_KINDS))}"
            )
        # a plain str: enum members hash by name, not by value, and would miss in dicts
        object.__setattr__(self, "kind", str(self.kind))
        check_currency(self.currency)
        if self.kind in SELLER_ACCOUNTS and not self.owner:
            raise InvalidPosting(f"a {self.kind} account needs its owner: the seller id")
        if self.kind not in SELLER_ACCOUNTS and self.owner:
            raise InvalidPosting(
                f"a {self.kind} account is the platform's and has no owner, got {self.owner!r}"
            )

    def __str__(self) -> str:
        owner = f"[{self.owner}]" if self.owner else ""
        return f"{self.kind}{owner} {self.currency}"


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of a transaction: a positive debit or a positive credit to `account`."""

    account: Account
    debit: Money | None = None
    credit: Money | None = None

    def __post_init__(self) -> None:
        if (self.debit is None) == (self.credit is None):
            raise InvalidPosting(
                f"a posting to {self.account} needs exactly one of debit or credit"
            )
        if self.money.currency != self.account.currency:
            raise InvalidPosting(
                f"a {self.money.currency} amount cannot be posted to {self.account}: "
                "convert it through the fx account"
            )
        if self.money.amount <= 0:
            side = "debit" if self.debit is not None else "credit"
            raise InvalidPosting(
                f"the {side} to {self.account} must be positive, got {self.money}: "
                "post the opposite side instead of a negative amount"
            )

    @property
    def money(self) -> Money:
        return self.debit if self.debit is not None else self.credit  # type: ignore[return-value]

    @property
    def signed(self) -> Money:
        """The posting's effect on its account's balance (debits minus credits)."""
        return self.debit if self.debit is not None else -self.credit  # type: ignore[operator]


@dataclass(frozen=True, slots=True)
class Transaction:
    """A set of postings recorded together; `check_balanced` before it is posted."""

    kind: str
    postings: tuple[Posting, ...]
    memo: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", str(self.kind))
        object.__setattr__(self, "postings", tuple(self.postings))

    def currencies(self) -> list[str]:
        return sorted({p.account.currency for p in self.postings})

    def totals(self) -> dict[str, tuple[Decimal, Decimal]]:
        """(sum of debits, sum of credits) per currency."""
        totals: dict[str, tuple[Decimal, Decimal]] = {}
        for p in self.postings:
            debit, credit = totals.get(p.account.currency, (Decimal(0), Decimal(0)))
            if p.debit is not None:
                debit += p.debit.amount
            else:
                credit += p.money.amount
            totals[p.account.currency] = (debit, credit)
        return totals

    def check_balanced(self) -> Transaction:
        """Return self if debits equal credits in every currency, else raise Unbalanced."""
        if not self.postings:
            raise Unbalanced(f"transaction {self.kind!r} has no postings: nothing to record")
        off = [
            f"{currency} debits {debit} != credits {credit} (off by {debit - credit})"
            for currency, (debit, credit) in sorted(self.totals().items())
            if debit != credit
        ]
        if off:
            raise Unbalanced(f"transaction {self.kind!r} does not balance: " + "; ".join(off))
        return self

    def balances(self) -> dict[Account, Money]:
        """The net effect of this transaction on each account it touches."""
        effect: dict[Account, Money] = {}
        for p in self.postings:
            effect[p.account] = effect.get(p.account, Money.zero(p.account.currency)) + p.signed
        return effect


def _lines(
    *, credit: Iterable[tuple[Account, Money]], debit: Iterable[tuple[Account, Money]]
) -> tuple[Posting, ...]:
    """Credits, then debits, leaving out zero amounts (a posting is never zero)."""
    return (
        *(Posting(account, credit=money) for account, money in credit if money.amount),
        *(Posting(account, debit=money) for account, money in debit if money.amount),
    )


def _cny(name: str, money: Money, *, allow_zero: bool = False) -> Money:
    if money.currency != BUYER_CURRENCY:
        raise InvalidPosting(
            f"{name} must be in {BUYER_CURRENCY}, the currency buyers pay in, got {money}"
        )
    if money.amount < 0 or (money.amount == 0 and not allow_zero):
        allowed = "zero or more" if allow_zero else "more than zero"
        raise InvalidPosting(f"{name} must be {allowed}, got {money}")
    return money


def _platform(kind: AccountKind, currency: str = BUYER_CURRENCY) -> Account:
    return Account(kind, currency)


def _seller(kind: AccountKind, currency: str, seller_id: str | int) -> Account:
    return Account(kind, currency, str(seller_id))


def _fx(currency: str = BUYER_CURRENCY) -> Account:
    return _platform(AccountKind.FX, currency)


def commission_for(amount: Money, rate: Decimal | str) -> Money:
    """The platform's commission on `amount`: `amount * rate`, rounded half-up to the
    currency's minor unit (8% of 100.05 CNY is 8.004 -> 8.00; of 100.0625 CNY, 8.01)."""
    value = to_decimal(rate)
    if not 0 <= value < 1:
        raise InvalidPosting(f"commission rate must be from 0 up to 1 (0.08 is 8%), got {value}")
    return (amount * value).rounded()


def payment_captured(
    *, order_total: Money, tax_withheld: Money, seller_id: str | int
) -> Transaction:
    """A buyer's payment for one order arrives and is held.

    `order_total` is what the buyer paid (goods + shipping + import tax), in CNY.
    Buyer clearing is credited the whole total; escrow is debited goods + shipping
    (the total less the tax) and customs tax withheld is debited the tax, which the
    platform owes customs and never passes to the seller.
    """
    total = _cny("order_total", order_total)
    tax = _cny("tax_withheld", tax_withheld, allow_zero=True)
    if tax > total:
        raise InvalidPosting(f"tax_withheld {tax} is more than the order total {total}")
    return Transaction(
        TransactionKind.PAYMENT_CAPTURED,
        _lines(
            credit=[(_platform(AccountKind.BUYER_CLEARING), total)],
            debit=[
                (_platform(AccountKind.ESCROW), total - tax),
                (_platform(AccountKind.CUSTOMS_TAX_WITHHELD), tax),
            ],
        ),
        memo=f"payment captured for seller {seller_id}",
    ).check_balanced()


def escrow_released(*, amount: Money, commission: Money, seller_id: str | int) -> Transaction:
    """The buyer confirmed receipt (or the order auto-confirmed): escrow pays out.

    Escrow is credited `amount` (the order's goods + shipping); the seller payable is
    debited `amount - commission` and platform commission is debited `commission`.
    """
    held = _cny("amount", amount)
    fee = _cny("commission", commission, allow_zero=True)
    if fee > held:
        raise InvalidPosting(f"commission {fee} is more than the released amount {held}")
    return Transaction(
        TransactionKind.ESCROW_RELEASED,
        _lines(
            credit=[(_platform(AccountKind.ESCROW), held)],
            debit=[
                (_seller(AccountKind.SELLER_PAYABLE, BUYER_CURRENCY, seller_id), held - fee),
                (_platform(AccountKind.PLATFORM_COMMISSION), fee),
            ],
        ),
        memo=f"escrow released to seller {seller_id}",
    ).check_balanced()


def refund_before_release(*, amount: Money, tax: Money, seller_id: str | int) -> Transaction:
    """A refund while the money is still in escrow: the capture, reversed.

    Escrow is credited `amount` (goods + shipping refunded) and customs tax withheld
    is credited `tax`; buyer clearing is debited both. The seller's accounts are not
    touched: the seller was never owed this money. A partial refund passes less.
    """
    held = _cny("amount", amount, allow_zero=True)
    withheld = _cny("tax", tax, allow_zero=True)
    return Transaction(
        TransactionKind.REFUND_BEFORE_RELEASE,
        _lines(
            credit=[
                (_platform(AccountKind.ESCROW), held),
                (_platform(AccountKind.CUSTOMS_TAX_WITHHELD), withheld),
            ],
            debit=[(_platform(AccountKind.BUYER_CLEARING), held + withheld)],
        ),
        memo=f"refund before release, seller {seller_id}",
    ).check_balanced()


def refund_after_release(*, amount: Money, seller_id: str | int) -> Transaction:
    """A refund after escrow was released: the seller pays it back.

    The seller payable is credited `amount` and buyer clearing debited. The payable
    may go negative (the seller was already paid out); the next payout nets it.
    Commission and customs tax are not reversed by this rule.
    """
    refunded = _cny("amount", amount)
    return Transaction(
        TransactionKind.REFUND_AFTER_RELEASE,
        _lines(
            credit=[(_seller(AccountKind.SELLER_PAYABLE, BUYER_CURRENCY, seller_id), refunded)],
            debit=[(_platform(AccountKind.BUYER_CLEARING), refunded)],
        ),
        memo=f"refund after release, seller {seller_id}",
    ).check_balanced()


def payout(
    *, payable: Money, rate: Decimal | str, seller_currency: str, seller_id: str | int
) -> Transaction:
    """Pay a seller everything they are owed, converted to their currency.

    `rate` is units of `seller_currency` per CNY. In CNY the seller payable is
    credited `payable` (emptying it) and fx debited; in the seller's currency fx is
    credited and payout clearing debited `payable * rate`, rounded half-up to the
    currency's minor unit (whole yen for JPY). Each currency balances on its own; the
    rounding stays in the fx account. Raises NothingToPay for a payable of zero or
    less: a negative payable is carried until new sales cover it.
    """
    if payable.currency != BUYER_CURRENCY:
        raise InvalidPosting(f"payable must be in {BUYER_CURRENCY}, got {payable}")
    if payable.amount <= 0:
        raise NothingToPay(f"seller {seller_id} is owed {payable}: nothing to pay out")
    check_currency(seller_currency)
    factor = to_decimal(rate)
    if factor <= 0:
        raise InvalidPosting(f"rate must be positive, got {factor}")
    if seller_currency == BUYER_CURRENCY and factor != 1:
        raise InvalidPosting(f"a CNY payout converts at rate 1, got {factor}")
    paid = Money(payable.amount * factor, seller_currency).rounded()
    if paid.amount <= 0:
        raise NothingToPay(
            f"seller {seller_id} is owed {payable}, less than the smallest "
            f"{seller_currency} amount at {factor}: carried to the next payout"
        )
    payee = _seller(AccountKind.PAYOUT_CLEARING, seller_currency, seller_id)
    return Transaction(
        TransactionKind.PAYOUT,
        _lines(
            credit=[
                (_seller(AccountKind.SELLER_PAYABLE, BUYER_CURRENCY, seller_id), payable),
                (_fx(seller_currency), paid),
            ],
            debit=[(_fx(), payable), (payee, paid)],
        ),
        memo=f"payout to seller {seller_id}: {payable} -> {paid} at {factor}",
    ).check_balanced()


def net_balances(transactions: Iterable[Transaction]) -> dict[Account, Money]:
    """Every account's balance (debits minus credits) after `transactions`."""
    result: dict[Account, Money] = {}
    for transaction in transactions:
        for account, money in transaction.balances().items():
            result[account] = result.get(account, Money.zero(account.currency)) + money
    return result
