"""Reads of customs declarations for the back office, seller central and the buyer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from entrepot.customs.models import Declaration
from entrepot.customs.simulated_port import DATA_DISPUTED
from entrepot.domain.customs import checks

QUEUE_SIZE = 100

# what a rejection means for the seller, in plain words, and who acts on it
_PLAIN = {
    checks.BUYER_NOT_VERIFIED: _("The buyer's real-name verification is missing or invalid. "
                                 "We ask the buyer to verify again; nothing for you to do."),
    checks.PAYER_MISMATCH: _("Someone other than the buyer paid. Customs must authenticate the "
                             "buyer first; we handle it with the buyer."),
    checks.CONSIGNEE_MISSING: _("The delivery name, phone or address is incomplete. We correct "
                                "it with the buyer and declare again."),
    checks.CONSIGNEE_MISMATCH: _("The delivery details differ between the documents. We correct "
                                 "them and declare again."),
    DATA_DISPUTED: _("Customs disputed a detail of the parcel (weight, phone or address). We "
                     "correct it and declare again; hold the parcel until it is cleared."),
    checks.ORDER_LIMIT: _("The order is over China's cross-border limit of 5,000 CNY per order. "
                          "It cannot be cleared and will be refunded; do not ship it."),
    checks.ANNUAL_LIMIT: _("The buyer has used up the yearly cross-border quota of 26,000 CNY. "
                           "The order cannot be cleared and will be refunded; do not ship it."),
    checks.AMOUNTS_INCONSISTENT: _("The prices, tax and amount paid disagree by more than 5%. "
                                   "We check the order's amounts and declare again."),
    checks.PAID_AMOUNT_MISMATCH: _("The payment record does not match the order. We check it "
                                   "with the payment company and declare again."),
    checks.WEIGHT_INVALID: _("The declared weight is missing or wrong. Check the shipping "
                             "weights of your variants; we correct the parcel and declare again."),
    checks.UNKNOWN_COUNTRY: _("Your country of origin has no customs code in our table yet. "
                              "We add it and declare again."),
    checks.MISSING_PAYMENT: _("The payment record is missing. We look into it."),
    checks.MISSING_WAYBILL: _("The waybill is missing. We book it and declare again."),
}
_DEFAULT = _("Customs returned the declaration. We look into it and declare again.")


def plain_reason(declaration: Declaration | None) -> str:
    """What a held or rejected declaration means for the seller, in plain words."""
    if declaration is None or declaration.status not in (
        Declaration.Status.HELD, Declaration.Status.REJECTED,
    ):  # fmt: skip
        return ""
    return str(_PLAIN.get(declaration.reason_code, _DEFAULT))


@dataclass(frozen=True)
class Queue:
    counts: list[tuple[str, str, int]]  # (status, label, number)
    total: int
    declarations: list[Declaration]


def declaration_queue(*, status: str = "") -> Queue:
    """Declarations by status: the counts, and the newest (rejected and held first when no
    status is chosen)."""
    by_status = dict(
        Declaration.objects.values_list("status").annotate(n=Count("id")).order_by()
    )
    counts = [(value, label, by_status.get(value, 0)) for value, label in
              Declaration.Status.choices]  # fmt: skip
    rows = Declaration.objects.select_related("order__seller")
    if status:
        rows = rows.filter(status=status).order_by("-updated_at", "-id")
    else:
        rows = rows.order_by("-updated_at", "-id")
    listed = list(rows[:QUEUE_SIZE])
    if not status:
        attention = (Declaration.Status.REJECTED, Declaration.Status.HELD)
        listed.sort(key=lambda d: d.status not in attention)
    return Queue(counts=counts, total=sum(by_status.values()), declarations=listed)


def declaration_detail(pk: int) -> Declaration:
    """One declaration with its history, messages and receipts (raises DoesNotExist)."""
    return (
        Declaration.objects.select_related("order__seller", "order__buyer", "order__shipment")
        .prefetch_related("events", "messages", "receipts")
        .get(pk=pk)
    )


def declaration_of(order) -> Declaration | None:
    return Declaration.objects.filter(order=order).first()
