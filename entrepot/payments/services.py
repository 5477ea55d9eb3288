"""Writes of payments: create one, take in what the wallet says, refund.

A payment changes state only on the wallet's signed word (notification_receive) and
through refunds. The wallet's word may come twice, late, out of order, forged or
tampered with: every notification is recorded with what became of it, and only a
conditional update moves a payment, so each move happens once however many times it
is told. The second half of the module is the SANDBOX wallet's side: the payer
presses Pay or Cancel on its page, and its notifications are delivered and retried.
"""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from entrepot.config.plain_sql import placeholders, update_where
from entrepot.domain.money import Money
from entrepot.payments.exceptions import (
    InvalidSignature,
    MalformedNotification,
    PaymentError,
    PaymentRefused,
    UnsupportedCurrency,
)
from entrepot.payments.gateway import (
    Notification,
    gateway_for,
    retry_delay,
    sandbox_gateway,
    sandbox_transport,
)
from entrepot.payments.models import Payment, PaymentNotification, PaymentRefund, SandboxCharge

logger = logging.getLogger(__name__)

ACCEPTED_CURRENCIES = ("CNY",)
# how far back a starting worker looks for sandbox notifications that may have been lost
RESEND_WITHIN = timedelta(days=1)
# a notification is a few hundred bytes; more is kept only this far
RAW_BODY_KEPT = 16 * 1024

Status = Payment.Status
Outcome = PaymentNotification.Outcome
# the statuses each announced status may move a payment from
_MOVES_FROM = {
    Status.PENDING: [Status.CREATED],
    Status.SUCCEEDED: [Status.CREATED, Status.PENDING],
    Status.FAILED: [Status.CREATED, Status.PENDING],
    Status.CANCELLED: [Status.CREATED, Status.PENDING],
}


@dataclass(frozen=True)
class NotificationResult:
    outcome: str
    payment: Payment | None
    note: str = ""

    @property
    def acknowledged(self) -> bool:
        """Whether to tell the wallet "received": applied, duplicate or stale. A rejected
        notification is answered with an error, which makes the wallet send it again."""
        return self.outcome in PaymentNotification.ACKNOWLEDGED


# --- payments ---------------------------------------------------------------------


def _check_amount(amount: Money) -> None:
    if amount.amount <= 0:
        raise PaymentRefused(
            _("The amount must be more than zero, got %(amount)s %(currency)s.")
            % {"amount": amount.amount, "currency": amount.currency}
        )
    if amount.rounded().amount != amount.amount:
        raise PaymentRefused(
            _(
                "%(amount)s %(currency)s has fractions of the smallest coin: "
                "round it to %(currency)s cents first."
            )
            % {"amount": amount.amount, "currency": amount.currency}
        )


@transaction.atomic
def payment_create(
    *, reference: str, amount: Money, payer_name: str, payer_id_fingerprint: str = ""
) -> Payment:
    """A payment of `amount` for `reference` (e.g. "checkout:42"), registered with the
    wallet; send the payer to `payment.payer_url`. CNY only for now."""
    if amount.currency not in ACCEPTED_CURRENCIES:
        raise UnsupportedCurrency(
            _(
                "Payments are taken in CNY only for now, not in %(currency)s: "
                "convert the amount to CNY first."
            )
            % {"currency": amount.currency}
        )
    _check_amount(amount)
    reference = reference.strip()
    if not reference or len(reference) > 100:
        raise PaymentRefused(
            _("The payment reference must be 1 to 100 characters, got %(length)s.")
            % {"length": len(reference)}
        )
    payer_name = payer_name.strip()
    if not payer_name or len(payer_name) > 200:
        raise PaymentRefused(_("The payer's name is needed (at most 200 characters)."))
    payment = Payment(
        reference=reference,
        amount=amount.amount,
        currency=amount.currency,
        payer_name=payer_name,
        payer_id_fingerprint=payer_id_fingerprint,
        gateway=Payment.Gateway.SANDBOX,
    )
    gateway = gateway_for(payment.gateway)
    # a wallet whose page is known beforehand (the sandbox's own) saves an UPDATE
    known = getattr(gateway, "payer_url_of", None)
    payment.payer_url = known(payment) if known else ""
    payment.save(force_insert=True)
    url = gateway.create_payment(payment)
    if url != payment.payer_url:
        payment.payer_url = url
        payment.save(update_fields=["payer_url"])
    return payment


_BY_TOKEN = f"SELECT * FROM {Payment._meta.db_table} WHERE token = %s AND gateway = %s"


def _payment_by_token(token, gateway: str) -> Payment | None:
    """The payment a notification names. A raw query (the ORM converts the columns as
    usual): every notification runs it, and compiling the ORM's version cost three times
    as much as running it."""
    value = Payment._meta.get_field("token").get_db_prep_value(token, connection)
    return next(iter(Payment.objects.raw(_BY_TOKEN, [value, gateway])), None)


def _succeeded_handler() -> Callable[..., object] | None:
    dotted = getattr(settings, "ENTREPOT_PAYMENT_SUCCEEDED_HANDLER", "")
    return import_string(dotted) if dotted else None


def _record(
    *, gateway: str, body: bytes, outcome: str, signature_valid: bool,
    payment: Payment | None = None, event: Notification | None = None, note: str = "",
) -> NotificationResult:  # fmt: skip
    raw_body = body[:RAW_BODY_KEPT].decode("utf-8", errors="replace")
    if len(body) > RAW_BODY_KEPT:
        note = f"{note} (body of {len(body)} bytes cut to {RAW_BODY_KEPT})".strip()
    PaymentNotification.objects.create(
        payment=payment,
        gateway=gateway,
        raw_body=raw_body,
        signature_valid=signature_valid,
        sequence=event.sequence if event else None,
        event_status=event.status if event else "",
        outcome=outcome,
        note=note,
    )
    return NotificationResult(outcome=outcome, payment=payment, note=note)


@transaction.atomic
def notification_receive(
    *, headers: Mapping[str, str], body: bytes, gateway: str = Payment.Gateway.SANDBOX
) -> NotificationResult:
    """Take in one notification from wallet `gateway`, exactly as it arrived.

    In order: the signature (nothing is believed before it checks out), the body, the
    payment it names, its amount and currency (equal to the payment's, or refused);
    then the announced status is applied if the payment may still move there and the
    event is newer than the last one applied. On the first move to "succeeded",
    ENTREPOT_PAYMENT_SUCCEEDED_HANDLER runs in this same transaction: if it fails,
    nothing is kept and the wallet's retry tries again, so it runs to completion
    exactly once per payment.
    """
    wallet = gateway_for(gateway)
    try:
        event = wallet.verify_notification(headers, body)
    except InvalidSignature as exc:
        # the body is not logged: whoever forged it chose what it says
        logger.warning("payment notification (%s, %d bytes) rejected: %s", gateway, len(body), exc)
        return _record(
            gateway=gateway, body=body, outcome=Outcome.REJECTED_SIGNATURE,
            signature_valid=False, note=str(exc),
        )  # fmt: skip
    except MalformedNotification as exc:
        logger.warning("signed payment notification (%s) unreadable: %s", gateway, exc)
        return _record(
            gateway=gateway, body=body, outcome=Outcome.REJECTED_UNKNOWN,
            signature_valid=True, note=str(exc),
        )  # fmt: skip
    record = {"gateway": gateway, "body": body, "signature_valid": True, "event": event}

    payment = _payment_by_token(event.payment_token, gateway)
    if payment is None:
        note = f"no {gateway} payment {event.payment_token}"
        logger.warning("payment notification rejected: %s", note)
        return _record(**record, outcome=Outcome.REJECTED_UNKNOWN, note=note)
    record["payment"] = payment

    if event.amount != payment.money:
        note = (
            f"the notification says {event.amount.amount} {event.amount.currency}, "
            f"the payment is {payment.amount} {payment.currency}"
        )
        logger.warning("payment notification for %s rejected: %s", payment.token, note)
        return _record(**record, outcome=Outcome.REJECTED_AMOUNT, note=note)

    changes: dict[str, object] = {"status": event.status, "last_event_sequence": event.sequence}
    if event.transaction_id:
        changes["gateway_transaction_id"] = event.transaction_id
    if event.status == Status.SUCCEEDED:
        changes["paid_at"] = event.occurred_at
    # compare-and-set: only from a state this event may follow, and never backwards
    allowed = sorted(_MOVES_FROM[event.status])
    moved = update_where(
        Payment, changes,
        f"id = %s AND status IN ({placeholders(allowed)}) AND last_event_sequence < %s",
        [payment.pk, *allowed, event.sequence],
    )  # fmt: skip
    if moved:
        for field, value in changes.items():
            setattr(payment, field, value)
    else:
        payment.refresh_from_db()
    if moved:
        result = _record(**record, outcome=Outcome.APPLIED)
        handler = _succeeded_handler() if event.status == Status.SUCCEEDED else None
        if handler is not None:
            handler(payment=payment)
        return result

    already = PaymentNotification.objects.filter(
        payment=payment, sequence=event.sequence, outcome=Outcome.APPLIED
    ).exists()
    if already:
        return _record(**record, outcome=Outcome.DUPLICATE)
    note = (
        f"event {event.sequence} ({event.status}) not applied: the payment is "
        f"{payment.status} since event {payment.last_event_sequence}"
    )
    if event.status == Status.SUCCEEDED and payment.status in (Status.FAILED, Status.CANCELLED):
        note += "; the wallet took money for a closed payment: refund it or settle it by hand"
        logger.error("payment %s: %s", payment.token, note)
    return _record(**record, outcome=Outcome.STALE, note=note)


def payment_refund(*, payment: Payment, amount: Money) -> PaymentRefund:
    """Refund `amount` of a paid payment through its wallet; the payment is "refunded"
    once refunds add up to all of it.

    The wallet is asked between two transactions (a real one is a network call that
    must not hold the database's write lock). A refund the wallet refuses is kept as
    "failed"; one left "pending" by a crash or a timeout still counts against what is
    left to refund, until someone checks it with the wallet.
    """
    refund = _refund_request(payment=payment, amount=amount)
    try:
        refund_id = gateway_for(payment.gateway).refund(payment, amount)
    except PaymentError as exc:
        PaymentRefund.objects.filter(pk=refund.pk).update(
            status=PaymentRefund.Status.FAILED, error=str(exc)
        )
        raise PaymentRefused(
            _("The wallet refused the refund of %(amount)s: %(reason)s")
            % {"amount": amount, "reason": exc}
        ) from exc
    refund = _refund_settle(refund=refund, gateway_refund_id=refund_id)
    payment.refresh_from_db()
    return refund


@transaction.atomic
def _refund_request(*, payment: Payment, amount: Money) -> PaymentRefund:
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if amount.currency != locked.currency:
        raise PaymentRefused(
            _("The payment was made in %(paid)s: refund in %(paid)s, not %(asked)s.")
            % {"paid": locked.currency, "asked": amount.currency}
        )
    _check_amount(amount)
    if locked.status != Status.SUCCEEDED:
        raise PaymentRefused(
            _("Only a paid payment can be refunded; this one is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    taken = (
        locked.refunds.filter(
            status__in=[PaymentRefund.Status.PENDING, PaymentRefund.Status.SUCCEEDED]
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    left = Money(locked.amount - taken, locked.currency)
    if amount > left:
        raise PaymentRefused(
            _("A refund of %(amount)s is more than the %(left)s left to refund of this payment.")
            % {"amount": amount, "left": left}
        )
    return PaymentRefund.objects.create(payment=locked, amount=amount.amount)


@transaction.atomic
def _refund_settle(*, refund: PaymentRefund, gateway_refund_id: str) -> PaymentRefund:
    PaymentRefund.objects.filter(pk=refund.pk).update(
        status=PaymentRefund.Status.SUCCEEDED, gateway_refund_id=gateway_refund_id
    )
    payment = refund.payment
    refunded = payment.refunds.filter(status=PaymentRefund.Status.SUCCEEDED).aggregate(
        total=Sum("amount")
    )["total"]
    if refunded >= payment.amount:
        Payment.objects.filter(pk=payment.pk, status=Status.SUCCEEDED).update(
            status=Status.REFUNDED
        )
    payment.refresh_from_db()
    refund.refresh_from_db()
    return refund


# --- the SANDBOX wallet's side ------------------------------------------------------

_chaos = random.Random()


def _sandbox_notifications_send(*, bodies: list[bytes], notify_url: str) -> None:
    """Deliver the wallet's events once this commits; in chaos mode each twice, in a
    shuffled order, as real wallets sometimes do."""
    from entrepot.payments.tasks import deliver_sandbox_notification

    deliveries = [body.decode("utf-8") for body in bodies]
    if getattr(settings, "ENTREPOT_PAYMENT_SANDBOX_CHAOS", False):
        deliveries *= 2
        _chaos.shuffle(deliveries)
    for body in deliveries:
        transaction.on_commit(lambda body=body: deliver_sandbox_notification(notify_url, body, 1))


def _sandbox_events(
    payment: Payment, charge_status: str, transaction_id: str, at: datetime
) -> list[bytes]:
    """What the wallet tells the shop about the payer's action: "pending" then
    "succeeded" for Pay, "cancelled" for Cancel."""
    wallet = sandbox_gateway()
    if charge_status == SandboxCharge.Status.CANCELLED:
        events = ((1, Status.CANCELLED),)
    else:
        events = ((1, Status.PENDING), (2, Status.SUCCEEDED))
    return [
        wallet.event_body(payment, sequence=sequence, status=status,
                          transaction_id=transaction_id, occurred_at=at)
        for sequence, status in events
    ]  # fmt: skip


@transaction.atomic
def sandbox_charge_pay(*, payment: Payment, notify_url: str) -> bool:
    """The payer pressed Pay on the sandbox page: the sandbox wallet marks the charge
    paid (no money moves) and tells the shop at `notify_url`, "pending" then
    "succeeded". False when the payer had already paid or cancelled."""
    now = timezone.now()
    transaction_id = f"SBX{now:%Y%m%d}{secrets.token_hex(8).upper()}"
    acted = SandboxCharge.objects.filter(
        payment=payment, status=SandboxCharge.Status.AWAITING
    ).update(
        status=SandboxCharge.Status.PAID, transaction_id=transaction_id, acted_at=now,
        notify_url=notify_url,
    )  # fmt: skip
    if not acted:
        return False
    bodies = _sandbox_events(payment, SandboxCharge.Status.PAID, transaction_id, now)
    _sandbox_notifications_send(bodies=bodies, notify_url=notify_url)
    return True


@transaction.atomic
def sandbox_charge_cancel(*, payment: Payment, notify_url: str) -> bool:
    """The payer pressed Cancel on the sandbox page: the wallet tells the shop
    "cancelled". False when the payer had already paid or cancelled."""
    now = timezone.now()
    acted = SandboxCharge.objects.filter(
        payment=payment, status=SandboxCharge.Status.AWAITING
    ).update(status=SandboxCharge.Status.CANCELLED, acted_at=now, notify_url=notify_url)
    if not acted:
        return False
    bodies = _sandbox_events(payment, SandboxCharge.Status.CANCELLED, "", now)
    _sandbox_notifications_send(bodies=bodies, notify_url=notify_url)
    return True


def sandbox_notifications_resend(*, now=None, within: timedelta = RESEND_WITHIN) -> int:
    """Deliver again what the wallet said about charges the payer acted on in the last
    `within` whose payment has not moved yet; the number of charges.

    A worker killed in the middle of a delivery loses it: huey takes a task off the
    queue before running it and never puts it back (it does not acknowledge tasks).
    A real wallet keeps retrying until the shop answers; the sandbox does it when a
    worker starts (payments.tasks). The shop takes a repeated event as a duplicate.
    """
    now = now or timezone.now()
    charges = SandboxCharge.objects.filter(
        status__in=[SandboxCharge.Status.PAID, SandboxCharge.Status.CANCELLED],
        acted_at__gte=now - within,
        payment__status__in=[Status.CREATED, Status.PENDING],
    ).select_related("payment")
    resent = 0
    for charge in charges:
        notify_url = charge.notify_url or settings.ENTREPOT_PAYMENT_SANDBOX_NOTIFY_URL
        if not notify_url:
            logger.warning("sandbox charge of payment %s: no notify URL to deliver to again",
                           charge.payment.token)  # fmt: skip
            continue
        bodies = _sandbox_events(charge.payment, charge.status, charge.transaction_id,
                                 charge.acted_at)  # fmt: skip
        _sandbox_notifications_send(bodies=bodies, notify_url=notify_url)
        resent += 1
    if resent:  # worth an operator's eye: a worker may have died mid-delivery
        logger.warning("delivering the sandbox wallet's word on %d open payments again", resent)
    return resent


def sandbox_notification_deliver(*, notify_url: str, body: str, attempt: int) -> bool:
    """One attempt to deliver a sandbox notification, signed as it is sent. True once
    the shop answered 200; otherwise the next attempt is scheduled after
    gateway.retry_delay(attempt) -- 2 s, 4 s, 8 s ... -- until
    ENTREPOT_PAYMENT_SANDBOX_MAX_ATTEMPTS attempts were made."""
    from entrepot.payments.tasks import deliver_sandbox_notification

    raw = body.encode("utf-8")
    answer = sandbox_transport()(notify_url, raw, sandbox_gateway().signed_headers(raw))
    if answer == 200:
        return True
    max_attempts = settings.ENTREPOT_PAYMENT_SANDBOX_MAX_ATTEMPTS
    if attempt >= max_attempts:
        logger.error(
            "sandbox notification to %s not acknowledged after %d attempts "
            "(last answer: %s); giving up",
            notify_url, attempt, answer or "no answer",
        )  # fmt: skip
        return False
    delay = retry_delay(attempt)
    logger.warning(
        "sandbox notification to %s answered %s (attempt %d of %d): retrying in %d s",
        notify_url, answer or "nothing", attempt, max_attempts, delay,
    )  # fmt: skip
    transaction.on_commit(
        lambda: deliver_sandbox_notification.schedule((notify_url, body, attempt + 1), delay=delay)
    )
    return False
