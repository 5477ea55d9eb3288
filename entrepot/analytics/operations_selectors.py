"""Reads of the back-office operations page: the operator's queues and settings in one
place. Each section reuses what its own app already offers; a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from entrepot.backoffice.money_selectors import payment_status_counts
from entrepot.catalog.models import Product
from entrepot.domain.landed_cost.policies import REGISTRY
from entrepot.ledger.models import CommissionRate
from entrepot.payments.models import Payment
from entrepot.pricing.models import ExchangeRate, RateChange
from entrepot.pricing.selectors import rate_table_on
from entrepot.sellers.models import Seller

SHOWN = 10
REGION_NAMES = {
    "CN": _("China (CBEC retail import)"), "EU": _("European Union"), "GB": _("United Kingdom"),
    "US": _("United States"), "AU": _("Australia"), "CA": _("Canada"),
}  # fmt: skip
LIMITS = (("order_limit", _("order limit")), ("annual_limit", _("annual limit")),
          ("de_minimis", _("de minimis")),
          ("flat_duty_per_subheading", _("flat duty per subheading")))  # fmt: skip


@dataclass(frozen=True)
class RulePack:
    region: str
    name: object  # a lazy translation
    effective_from: date
    effective_to: date | None
    in_force: bool
    limits: str


def rule_packs(today: date) -> list[RulePack]:
    """Every corridor rule pack with its effective dates (data in domain/landed_cost)."""
    packs = []
    for region, (region_packs, _formula) in REGISTRY.items():
        for pack in region_packs:
            until = pack.effective_to
            limits = []
            for attribute, label in LIMITS:
                value = getattr(pack, attribute, None)
                if value is not None:
                    limits.append(f"{label} {value}")
            packs.append(RulePack(
                region=region, name=REGION_NAMES.get(region, region),
                effective_from=pack.effective_from, effective_to=until,
                in_force=pack.effective_from <= today and (until is None or today <= until),
                limits=", ".join(limits),
            ))  # fmt: skip
    return packs


@dataclass(frozen=True)
class CommissionRow:
    category: str
    rate: Decimal
    effective_from: date
    in_force: bool

    @property
    def percent(self) -> Decimal:
        return (self.rate * 100).quantize(Decimal("0.01"))


def commission_rates(today: date) -> list[CommissionRow]:
    """Every commission rate, the one in force today for each category marked."""
    rows = list(
        CommissionRate.objects.select_related("category").order_by(
            "category__position", "category_id", "-effective_from"
        )
    )
    current: dict[int | None, int] = {}
    for row in rows:
        if row.effective_from <= today and row.category_id not in current:
            current[row.category_id] = row.pk
    return [
        CommissionRow(
            category=row.category.name_en if row.category else "",
            rate=row.rate, effective_from=row.effective_from,
            in_force=current.get(row.category_id) == row.pk,
        )  # fmt: skip
        for row in rows
    ]


@dataclass
class Operations:
    pending_sellers: list
    pending_count: int
    suspended: list
    suspended_count: int
    rates: object
    rate_changes: list
    rate_edits: list
    packs: list[RulePack]
    commissions: list[CommissionRow]
    payment_counts: list[tuple[str, str, int]]
    open_payments: int


def operations(today: date) -> Operations:
    """Everything the operations page shows, in a fixed number of queries."""
    pending = Seller.objects.filter(verification_status="pending")
    suspended = Product.objects.filter(status=Product.Status.SUSPENDED)
    counts = payment_status_counts()
    rate_type = ContentType.objects.get_for_model(ExchangeRate)
    return Operations(
        pending_sellers=list(pending.order_by("created_at")[:SHOWN]),
        pending_count=pending.count(),
        suspended=list(suspended.select_related("seller").order_by("-updated_at", "-id")[:SHOWN]),
        suspended_count=suspended.count(),
        rates=rate_table_on(today),
        rate_changes=list(RateChange.objects.order_by("-changed_at", "-id")[:SHOWN]),
        rate_edits=list(LogEntry.objects.filter(content_type=rate_type)
                        .select_related("user").order_by("-action_time")[:SHOWN]),
        packs=rule_packs(today),
        commissions=commission_rates(today),
        payment_counts=[(s.value, s.label, counts.get(s.value, 0)) for s in Payment.Status],
        open_payments=sum(counts.get(s, 0) for s in Payment.OPEN_STATUSES),
    )  # fmt: skip

