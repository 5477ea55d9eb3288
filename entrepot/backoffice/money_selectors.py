"""Reads for the operator's money pages: payments, the escrow ledger and seller payouts.

Every list is LIMITed and fetches what it shows in a fixed number of queries, however
many rows there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, F, Prefetch, Q, Sum, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from entrepot.domain.ledger import BUYER_CURRENCY, AccountKind
from entrepot.domain.money import Money
from entrepot.ledger.models import LedgerEntry, LedgerTransaction
from entrepot.ledger.selectors import STORED_PLACE, TOLERANCE, LedgerCheckReport, ledger_check
from entrepot.orders.selectors import escrow_expected
from entrepot.payments.models import Payment, PaymentNotification
from entrepot.sellers.models import Seller

PAYMENTS_SHOWN = 100
NOTIFICATIONS_SHOWN = 100
TRANSACTIONS_SHOWN = 50
PAYABLES_SHOWN = 100

# what the wallet told us and we refused: the operator's attention goes there
REJECTED_OUTCOMES = tuple(
    outcome
    for outcome in PaymentNotification.Outcome
    if outcome not in PaymentNotification.ACKNOWLEDGED
)


def _exact(value: Decimal | int | None) -> Decimal:
    return Decimal(value or 0).quantize(STORED_PLACE)


# --- payments --------------------------------------------------------------------------


def payment_status_counts() -> dict[str, int]:
    """How many payments are in each status (statuses without any are left out)."""
    rows = Payment.objects.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def payments_latest(*, status: str = "", limit: int = PAYMENTS_SHOWN) -> list[Payment]:
    """The newest payments, optionally only those in `status` (a Payment.Status value)."""
    payments = Payment.objects.order_by("-created_at", "-id")
    if status:
        payments = payments.filter(status=status)
    return list(payments[:limit])


def notifications_latest(*, limit: int = NOTIFICATIONS_SHOWN) -> list[PaymentNotification]:
    """The newest wallet notifications with their payment; `.rejected` marks the refused."""
    notifications = (
        PaymentNotification.objects.select_related("payment")
        .defer("raw_body", "payment__payer_url", "payment__payer_id_fingerprint")
        .annotate(
            rejected=Case(
                When(outcome__in=REJECTED_OUTCOMES, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-received_at", "-id")
    )
    return list(notifications[:limit])


# --- the ledger ------------------------------------------------------------------------

# the order the balances are shown in; seller accounts are summed over all sellers
ACCOUNT_LABELS: dict[str, Promise] = {
    AccountKind.ESCROW: _("Escrow (buyers' money held)"),
    AccountKind.CUSTOMS_TAX_WITHHELD: _("Customs tax withheld"),
    AccountKind.PLATFORM_COMMISSION: _("Platform commission"),
    AccountKind.SELLER_PAYABLE: _("Seller payable (all sellers)"),
    AccountKind.PAYOUT_CLEARING: _("Paid out, on the way to sellers (all sellers)"),
    AccountKind.FX: _("Currency conversion (fx)"),
    AccountKind.BUYER_CLEARING: _("Buyer clearing (money taken from buyers)"),
}


@dataclass(frozen=True)
class AccountBalances:
    kind: str
    label: Promise
    # one per currency of LedgerOverview.currencies: None where the account never moved
    amounts: list[Money | None]


@dataclass(frozen=True)
class LedgerOverview:
    report: LedgerCheckReport
    currencies: list[str]
    balances: list[AccountBalances]
    transactions: list[LedgerTransaction]


def account_balances() -> tuple[list[str], list[AccountBalances]]:
    """Every account kind's balance per currency (debits minus credits), in one query."""
    rows = (
        LedgerEntry.objects.order_by()
        .values("account_kind", "currency")
        .annotate(debits=Sum("debit_amount"), credits=Sum("credit_amount"))
    )
    net = {
        (row["account_kind"], row["currency"]): _exact(row["debits"]) - _exact(row["credits"])
        for row in rows
    }
    # the buyers' currency first, then the sellers' in alphabetical order
    currencies = sorted(
        {currency for _kind, currency in net}, key=lambda c: (c != BUYER_CURRENCY, c)
    )
    balances = [
        AccountBalances(
            kind=str(kind),
            label=label,
            amounts=[
                Money(net[kind, currency], currency) if (kind, currency) in net else None
                for currency in currencies
            ],
        )
        for kind, label in ACCOUNT_LABELS.items()
    ]
    return currencies, balances


def transactions_latest(*, limit: int = TRANSACTIONS_SHOWN) -> list[LedgerTransaction]:
    """The newest ledger transactions, each with its entries (two queries in all)."""
    entries = LedgerEntry.objects.order_by("id")
    return list(
        LedgerTransaction.objects.order_by("-id").prefetch_related(
            Prefetch("entries", queryset=entries)
        )[:limit]
    )


def ledger_overview() -> LedgerOverview:
    """The integrity check against the orders in escrow, the balances, the latest postings."""
    currencies, balances = account_balances()
    return LedgerOverview(
        report=ledger_check(expected_escrow=escrow_expected()),
        currencies=currencies,
        balances=balances,
        transactions=transactions_latest(),
    )


# --- payouts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SellerPayable:
    seller: Seller
    payable: Money

    @property
    def payout_currency(self) -> str:
        return self.seller.payout_currency or self.seller.currency

    @property
    def owes(self) -> bool:
        return self.payable.amount < 0


def payables_open(*, limit: int = PAYABLES_SHOWN) -> list[SellerPayable]:
    """Sellers whose CNY payable is not zero, the most owed first (two queries)."""
    rows = (
        LedgerEntry.objects.filter(account_kind=AccountKind.SELLER_PAYABLE, currency=BUYER_CURRENCY)
        .order_by()
        .values("account_owner")
        .annotate(net=Sum(F("debit_amount") - F("credit_amount")))
        # SQLite sums in binary floating point: a paid-out payable may be 1e-15, not 0
        .filter(Q(net__gt=TOLERANCE) | Q(net__lt=-TOLERANCE))
        .order_by("-net", "account_owner")[:limit]
    )
    owed = [(row["account_owner"], _exact(row["net"])) for row in rows]
    ids = [int(owner) for owner, _net in owed if owner.isdigit()]
    sellers = Seller.objects.only(
        "id", "business_name", "country", "currency", "payout_currency"
    ).in_bulk(ids)
    return [
        SellerPayable(seller=sellers[int(owner)], payable=Money(net, BUYER_CURRENCY))
        for owner, net in owed
        if owner.isdigit() and int(owner) in sellers
    ]
