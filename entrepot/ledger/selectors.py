"""Reads of the escrow ledger: balances, commission rates and the integrity check.

Sign convention (as in `entrepot.domain.ledger`): a balance is debits minus credits.
Positive is money an account holds or is owed (escrow held, a seller's payable,
commission earned, tax withheld); buyer clearing runs negative by what buyers paid
in, and the balances of all accounts in a currency add up to zero.

SQLite keeps DECIMAL columns as binary floating point, so its sums can be off by a
few units in the 15th digit: the checks treat differences below half of the last
stored place (0.00005) as zero, and Django rounds each sum to 4 places on the way out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from entrepot.domain.ledger import AccountKind
from entrepot.domain.money import Money
from entrepot.ledger.models import CommissionRate, LedgerEntry, LedgerTransaction
from entrepot.sellers.models import Seller

STORED_PLACE = Decimal("0.0001")
TOLERANCE = STORED_PLACE / 2


class CommissionRateMissing(LookupError):
    pass


def _net(entries) -> Decimal:
    totals = entries.aggregate(debits=Sum("debit_amount"), credits=Sum("credit_amount"))
    return _exact((totals["debits"] or 0) - (totals["credits"] or 0))


def _exact(value: Decimal | int) -> Decimal:
    return Decimal(value).quantize(STORED_PLACE)


def balance(account_kind: str, currency: str, owner: str = "") -> Money:
    """One account's balance: debits minus credits (see the module docstring)."""
    entries = LedgerEntry.objects.filter(
        account_kind=account_kind, account_owner=str(owner), currency=currency
    )
    return Money(_net(entries), currency)


def seller_payable(seller: Seller | int) -> dict[str, Money]:
    """What the platform owes a seller, per currency; negative when the seller owes."""
    owner = str(getattr(seller, "pk", seller))
    rows = (
        LedgerEntry.objects.filter(account_kind=AccountKind.SELLER_PAYABLE, account_owner=owner)
        .values("currency")
        .annotate(debits=Sum("debit_amount"), credits=Sum("credit_amount"))
        .order_by("currency")
    )
    return {
        row["currency"]: Money(_exact(row["debits"] - row["credits"]), row["currency"])
        for row in rows
    }


def escrow_total(currency: str) -> Money:
    """Buyers' money held in escrow, in `currency`."""
    return balance(AccountKind.ESCROW, currency)


def reference_balance(reference: str, account_kind: str, currency: str) -> Money:
    """The part of an account's balance moved by transactions for `reference` (an order)."""
    entries = LedgerEntry.objects.filter(
        transaction__reference=reference, account_kind=account_kind, currency=currency
    )
    return Money(_net(entries), currency)


def commission_rate_for(category_id: int | None, on: date) -> Decimal:
    """The commission rate in force on `on`: the category's own, else the default."""
    in_force = CommissionRate.objects.filter(effective_from__lte=on).order_by("-effective_from")
    if category_id is not None:
        own = in_force.filter(category_id=category_id).values_list("rate", flat=True).first()
        if own is not None:
            return own
    default = in_force.filter(category__isnull=True).values_list("rate", flat=True).first()
    if default is None:
        raise CommissionRateMissing(
            f"no commission rate in force on {on.isoformat()}: add a default rate (no "
            "category) effective on or before that day in the admin, Ledger > Commission rates"
        )
    return default


# --- the integrity check ----------------------------------------------------------------


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    debits: Decimal
    credits: Decimal
    entries: int

    @property
    def net(self) -> Decimal:
        return self.debits - self.credits


@dataclass(frozen=True)
class UnbalancedTransaction:
    transaction_id: int
    kind: str
    reference: str
    currency: str
    debits: Decimal
    credits: Decimal


@dataclass(frozen=True)
class EscrowMismatch:
    currency: str
    expected: Decimal
    actual: Decimal


@dataclass(frozen=True)
class LedgerCheckReport:
    transactions: int
    totals: dict[str, CurrencyTotal]
    escrow: dict[str, Money]
    unbalanced: list[UnbalancedTransaction] = field(default_factory=list)
    escrow_mismatches: list[EscrowMismatch] = field(default_factory=list)
    escrow_checked: bool = False

    @property
    def entries(self) -> int:
        return sum(total.entries for total in self.totals.values())

    @property
    def nonzero_totals(self) -> list[CurrencyTotal]:
        return [total for total in self.totals.values() if total.net != 0]

    @property
    def ok(self) -> bool:
        return not (self.unbalanced or self.nonzero_totals or self.escrow_mismatches)

    def problems(self) -> list[str]:
        found = [
            f"transaction {u.transaction_id} ({u.kind}, {u.reference}) does not balance in "
            f"{u.currency}: debits {u.debits}, credits {u.credits}, off by {u.debits - u.credits}"
            for u in self.unbalanced
        ]
        found += [
            f"all {t.currency} entries do not add up to zero: debits {t.debits}, "
            f"credits {t.credits}, off by {t.net}"
            for t in self.nonzero_totals
        ]
        found += [
            f"escrow holds {m.actual} {m.currency} but unreleased orders add up to "
            f"{m.expected} {m.currency} (off by {m.actual - m.expected})"
            for m in self.escrow_mismatches
        ]
        return found

    def summary(self) -> str:
        lines = [f"Ledger: {self.transactions:,} transactions, {self.entries:,} entries"]
        for total in self.totals.values():
            lines.append(
                f"  {total.currency}  debits {total.debits:,}  credits {total.credits:,}"
                f"  net {total.net:,}"
            )
        held = ", ".join(str(money) for money in self.escrow.values()) or "nothing"
        checked = " (matches unreleased orders)" if self.escrow_checked and self.ok else ""
        lines.append(f"Escrow: {held}{checked}")
        problems = self.problems()
        if problems:
            lines.append(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}:")
            lines += [f"  - {problem}" for problem in problems]
        else:
            lines.append("OK")
        return "\n".join(lines)


def _unbalanced_transactions() -> list[UnbalancedTransaction]:
    # one grouped query; the HAVING clause keeps only the offenders
    rows = (
        LedgerEntry.objects.values(
            "transaction_id", "transaction__kind", "transaction__reference", "currency"
        )
        .annotate(
            debits=Sum("debit_amount"),
            credits=Sum("credit_amount"),
            off=Sum("debit_amount") - Sum("credit_amount"),
        )
        .filter(Q(off__gt=TOLERANCE) | Q(off__lt=-TOLERANCE))
        .order_by("transaction_id", "currency")
    )
    return [
        UnbalancedTransaction(
            transaction_id=row["transaction_id"],
            kind=row["transaction__kind"],
            reference=row["transaction__reference"],
            currency=row["currency"],
            debits=_exact(row["debits"]),
            credits=_exact(row["credits"]),
        )
        for row in rows
    ]


def _totals() -> dict[str, CurrencyTotal]:
    rows = (
        LedgerEntry.objects.values("currency")
        .annotate(debits=Sum("debit_amount"), credits=Sum("credit_amount"), n=Count("id"))
        .order_by("currency")
    )
    return {
        row["currency"]: CurrencyTotal(
            row["currency"], _exact(row["debits"]), _exact(row["credits"]), row["n"]
        )
        for row in rows
    }


def _escrow() -> dict[str, Money]:
    rows = (
        LedgerEntry.objects.filter(account_kind=AccountKind.ESCROW)
        .values("currency")
        .annotate(net=Sum(F("debit_amount") - F("credit_amount")))
        .order_by("currency")
    )
    return {row["currency"]: Money(_exact(row["net"]), row["currency"]) for row in rows}


def ledger_check(expected_escrow: dict[str, Decimal] | None = None) -> LedgerCheckReport:
    """Check that every transaction balances per currency and all entries add up to zero.

    With `expected_escrow` (currency -> the money of orders paid but not yet released
    or refunded, supplied by the orders side), escrow balances must equal it too; a
    currency missing on either side counts as zero.
    """
    escrow = _escrow()
    mismatches = []
    if expected_escrow is not None:
        for currency in sorted(set(escrow) | set(expected_escrow)):
            expected = _exact(expected_escrow.get(currency, 0))
            actual = escrow[currency].amount if currency in escrow else _exact(0)
            if expected != actual:
                mismatches.append(EscrowMismatch(currency, expected, actual))
    return LedgerCheckReport(
        transactions=LedgerTransaction.objects.count(),
        totals=_totals(),
        escrow=escrow,
        unbalanced=_unbalanced_transactions(),
        escrow_mismatches=mismatches,
        escrow_checked=expected_escrow is not None,
    )
