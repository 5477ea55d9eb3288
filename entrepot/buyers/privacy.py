"""A buyer's personal data: the export (PIPL Art. 45, right to a copy) and the deletion of
the account (Art. 47), keeping what the law makes the platform keep.

Retention, and why (the rules sheet, /work/shared/domain/cross-border-rules.md, says only
"processing records kept >= 3 years (PIPL Art. 56)"; the rest is our choice, documented
in docs/operator-guide.md "Personal data: export, deletion and retention"):

- Orders, order lines, payments, ledger entries and customs declarations are KEPT. Customs
  may audit imports for 3 years after release (Customs Law of the PRC Art. 45; Regulations
  on Customs Inspection Art. 2-3 make the platform keep the documents that long), tax and
  accounting records are kept longer still (Accounting Archives Measures: 30 years for
  vouchers and books). Amounts, items, dates, statuses and order numbers stay intact so
  the ledger still balances and customs' copies still match by order number and SHA-256.
- Their PERSONAL fields are anonymised now, not at the end of the period: consignee name,
  phone and address of checkouts; the payer name and payer ID fingerprint of payments;
  names, phones, addresses and the (already masked) ID number inside the filed customs
  XML; an operator's corrections of a declaration. The filed messages keep their SHA-256,
  which proves what was sent without the text.
- The account itself is anonymised (display name, phone, e-mail, login name, city), the
  login disabled (inactive, unusable password: every session ends), the address book
  and the encrypted resident ID deleted (the identity row goes: PIPL Art. 47).
- Audit records name the account by a pseudonym instead of its login from then on (and
  lose IP address and user agent): the one change ever made to the audit trail, itself
  recorded ("buyer.delete").

Orders in progress (placed and waiting for payment, or paid and not yet completed,
cancelled, refunded or returned) block the deletion: customs, the seller and the carrier
still need the consignee, and a payment that lands later would belong to nobody.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepot.audit.models import AuditRecord
from entrepot.audit.services import audit_record
from entrepot.buyers.models import Buyer, BuyerAddress, BuyerIdentity
from entrepot.orders.models import Checkout, Order

# an order in one of these states blocks the deletion (see the module docstring)
IN_PROGRESS = (
    Order.Status.PLACED,
    Order.Status.PAID,
    Order.Status.DECLARED,
    Order.Status.CLEARED,
    Order.Status.SHIPPED,
    Order.Status.DELIVERED,
)
ANONYMOUS = "已注销用户"
EXPORT_VERSION = 1
# the CEB XML elements that name or reach a person
_PERSONAL_XML = re.compile(
    r"<((?:\w+:)?(?:buyerRegNo|buyerName|buyerTelephone|buyerIdNumber|consignee"
    r"|consigneeTelephone|consigneeAddress|payerName|payerIdNumber|telephone))>"
    r"[^<]*</\1>"
)


class DeletionBlocked(Exception):
    """The account cannot be deleted yet; the (translated) message says why."""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def personal_data_export(*, buyer: Buyer) -> dict:
    """Everything the platform keeps about the buyer as a person, as JSON-ready values.

    The resident ID number appears only masked (110105********002X): the clear number is
    sensitive (PIPL Art. 28) and a downloaded file may end up anywhere; the buyer knows
    their own number, and customs receive it from the platform, not from this file.
    """
    user = buyer.user
    identity = BuyerIdentity.objects.filter(buyer=buyer).first()
    orders = (
        Order.objects.filter(buyer=buyer)
        .select_related("seller", "checkout")
        .prefetch_related("lines")
        .order_by("placed_at", "id")
    )
    data = {
        "format": f"entrepot-personal-data/{EXPORT_VERSION}",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "login": user.get_username(), "email": user.email, "phone": buyer.phone,
            "display_name": buyer.display_name, "country": buyer.country,
            "province": buyer.province, "city": buyer.city,
            "joined": _iso(buyer.created_at), "last_login": _iso(user.last_login),
        },
        "identity": {
            "verified": identity is not None,
            "name": identity.name if identity else None,
            "id_number_masked": identity.id_number_masked if identity else None,
            "verified_at": _iso(identity.verified_at) if identity else None,
            "consent_purpose": identity.consent_purpose if identity else None,
            "consent_at": _iso(identity.consent_at) if identity else None,
        },
        "addresses": [
            {"recipient": a.recipient, "phone": a.phone, "province": a.province,
             "city": a.city, "district": a.district, "street": a.street,
             "postcode": a.postcode, "default": a.is_default}
            for a in BuyerAddress.objects.filter(buyer=buyer)
        ],
        "orders": [_order(order) for order in orders],
    }  # fmt: skip
    audit_record(action="buyer.export", target=buyer, details={"orders": len(data["orders"])})
    return data


def _order(order: Order) -> dict:
    checkout = order.checkout
    return {
        "number": order.number, "status": order.status, "seller": order.seller.business_name,
        "placed_at": _iso(order.placed_at), "paid_at": _iso(order.paid_at),
        "completed_at": _iso(order.completed_at), "currency": order.currency,
        "goods": str(order.goods_amount), "shipping": str(order.shipping_amount),
        "import_taxes": str(order.tax_amount), "total": str(order.total_amount),
        "consignee": {
            "name": checkout.consignee_name, "phone": checkout.consignee_phone,
            "address": checkout.consignee_address,
        } if checkout else None,
        "lines": [
            {"title": line.title_zh or line.title_en, "title_en": line.title_en,
             "quantity": line.quantity, "unit_price": str(line.unit_price_amount),
             "total": str(line.line_total_amount), "currency": line.currency}
            for line in order.lines.all()
        ],
    }  # fmt: skip


def orders_blocking_deletion(buyer: Buyer) -> list[str]:
    """Numbers of the buyer's orders that are still in progress."""
    return list(
        Order.objects.filter(buyer=buyer, status__in=IN_PROGRESS)
        .order_by("placed_at")
        .values_list("number", flat=True)[:20]
    )


@transaction.atomic
def personal_data_delete(*, buyer: Buyer) -> Buyer:
    """Anonymise the account and the personal fields of the records kept (module
    docstring); raises DeletionBlocked while an order is in progress. All or nothing."""
    buyer = Buyer.objects.select_for_update().select_related("user").get(pk=buyer.pk)
    blocking = orders_blocking_deletion(buyer)
    if blocking:
        raise DeletionBlocked(
            _(
                "Your account cannot be deleted while orders are in progress: %(orders)s. "
                "Wait until they are completed (or cancelled or refunded), then try again."
            )
            % {"orders": ", ".join(blocking)}
        )
    pseudonym = f"deleted-buyer-{buyer.pk}"
    user = buyer.user
    old_login = user.get_username()
    user.username = f"{pseudonym}-{secrets.token_hex(4)}"
    user.email = user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    buyer.display_name, buyer.phone, buyer.province, buyer.city = ANONYMOUS, "", "", ""
    buyer.save(update_fields=["display_name", "phone", "province", "city"])
    addresses = BuyerAddress.objects.filter(buyer=buyer).delete()[0]
    identity = BuyerIdentity.objects.filter(buyer=buyer).delete()[0]
    orders = Order.objects.filter(buyer=buyer)
    checkouts = Checkout.objects.filter(buyer=buyer).update(
        consignee_name=ANONYMOUS, consignee_phone="", consignee_address=""
    )
    payments = _anonymise_payments(buyer)
    messages = _anonymise_customs(orders)
    audit_record(
        action="buyer.delete", target=buyer, actor=pseudonym,
        details={"addresses_deleted": addresses, "identity_deleted": bool(identity),
                 "orders_kept": orders.count(), "checkouts_anonymised": checkouts,
                 "payments_anonymised": payments, "customs_messages_anonymised": messages},
    )  # fmt: skip
    # after the record above, which names the request's user by the login it still has
    AuditRecord.objects.filter(actor_user=user).update(actor=pseudonym, ip=None, user_agent="")
    AuditRecord.objects.filter(actor=old_login).update(actor=pseudonym)
    return buyer


def _anonymise_payments(buyer: Buyer) -> int:
    from entrepot.orders.payment_flow import REFERENCE_PREFIX
    from entrepot.payments.models import Payment

    ids = Checkout.objects.filter(buyer=buyer).values_list("pk", flat=True)
    references = [f"{REFERENCE_PREFIX}{pk}" for pk in ids]
    return Payment.objects.filter(reference__in=references).update(
        payer_name=ANONYMOUS, payer_id_fingerprint=""
    )


def _anonymise_customs(orders) -> int:
    from entrepot.customs.models import CustomsMessage, Declaration

    Declaration.objects.filter(order__in=orders).update(corrections={})
    changed = 0
    filed = CustomsMessage.objects.filter(declaration__order__in=orders).only("id", "filed_xml")
    for message in filed:
        scrubbed = _PERSONAL_XML.sub(r"<\1>***</\1>", message.filed_xml)
        if scrubbed != message.filed_xml:
            message.filed_xml = scrubbed
            message.save(update_fields=["filed_xml"])
            changed += 1
    return changed
