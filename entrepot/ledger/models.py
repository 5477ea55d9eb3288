"""The escrow ledger: append-only transactions of balanced entries.

Rows are only ever inserted (by `entrepot.ledger.services.ledger_post`); a mistake is
corrected by posting a reversing transaction, never by editing or deleting one.
Balances are sums over entries (`entrepot.ledger.selectors`), never stored.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from entrepot.catalog.models import MONEY, Category
from entrepot.domain.ledger import AccountKind


class LedgerTransaction(models.Model):
    kind = models.CharField(_("kind"), max_length=40)
    # what the money moved for, e.g. "order:EP2610300000120007" or "seller:12"
    reference = models.CharField(_("reference"), max_length=100)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    memo = models.CharField(_("memo"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        indexes = [models.Index(fields=["reference"], name="ledger_txn_reference_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class LedgerEntry(models.Model):
    """One side of a posting: exactly one of debit and credit is more than zero."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account_kind = models.CharField(
        _("account"), max_length=30, choices=[(k.value, k.value) for k in AccountKind]
    )
    # the seller id for seller accounts; "" for the platform's own accounts
    account_owner = models.CharField(_("owner"), max_length=40, blank=True, default="")
    currency = models.CharField(_("currency"), max_length=3)
    debit_amount = models.DecimalField(_("debit"), default=0, **MONEY)
    credit_amount = models.DecimalField(_("credit"), default=0, **MONEY)
    created_at = models.DateTimeField(_("posted"))

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(debit_amount__gt=0, credit_amount=0)
                    | models.Q(debit_amount=0, credit_amount__gt=0)
                ),
                name="ledgerentry_exactly_one_side",
            ),
        ]
        indexes = [
            models.Index(
                fields=["account_kind", "account_owner", "currency"],
                name="ledger_entry_account_idx",
            ),
        ]

    def __str__(self) -> str:
        owner = f"[{self.account_owner}]" if self.account_owner else ""
        side = f"Dr {self.debit_amount}" if self.debit_amount else f"Cr {self.credit_amount}"
        return f"{self.account_kind}{owner} {side} {self.currency}"


class CommissionRate(models.Model):
    """The platform's commission, as a fraction of the released amount (0.08 = 8%).

    The newest row in force on a day wins: a category's own rate, else the default
    (no category).
    """

    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("empty: the default for every category without its own rate"),
    )
    rate = models.DecimalField(
        _("rate"), max_digits=5, decimal_places=4, help_text=_("a fraction: 0.08 is 8%")
    )
    effective_from = models.DateField(_("in force from"))

    class Meta:
        verbose_name = _("commission rate")
        verbose_name_plural = _("commission rates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__gte=0, rate__lt=1), name="commissionrate_fraction"
            ),
            models.UniqueConstraint(
                fields=["category", "effective_from"], name="commissionrate_one_per_day"
            ),
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=models.Q(category__isnull=True),
                name="commissionrate_one_default_per_day",
            ),
        ]

    def __str__(self) -> str:
        scope = self.category or _("default")
        return f"{scope}: {self.rate:%} from {self.effective_from}"
