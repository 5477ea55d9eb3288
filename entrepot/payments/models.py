"""Payments taken through a cross-border wallet, what the wallet told us, and refunds.

A Payment changes state only through services.notification_receive (the wallet's
signed word) and services.payment_refund; SandboxCharge is the sandbox wallet's own
side of a payment, which a real wallet keeps on its servers.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from entrepot.domain.money import Money

# same shape as the catalogue's and the orders' money columns
MONEY = {"max_digits": 18, "decimal_places": 4}


class Payment(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", _("Waiting for the payer")
        PENDING = "pending", _("Being confirmed by the wallet")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    class Gateway(models.TextChoices):
        SANDBOX = "sandbox", _("Sandbox wallet (no real money)")

    OPEN_STATUSES = (Status.CREATED, Status.PENDING)

    # the public id: in URLs and in what the wallet sends back
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # what is paid, e.g. "checkout:42"; the caller decides the format
    reference = models.CharField(_("reference"), max_length=100, db_index=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    payer_name = models.CharField(_("payer"), max_length=200)
    # a hash of the payer's identity document (customs match payer and order person);
    # never the number itself
    payer_id_fingerprint = models.CharField(_("payer id fingerprint"), max_length=128, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CREATED
    )
    gateway = models.CharField(
        _("wallet"), max_length=20, choices=Gateway.choices, default=Gateway.SANDBOX
    )
    gateway_transaction_id = models.CharField(_("wallet transaction"), max_length=64, blank=True)
    # where the payer pays: the wallet's page, or a QR payload for the payer's phone
    payer_url = models.CharField(_("payment page"), max_length=500, blank=True)
    # sequence number of the newest wallet event applied: older ones arriving late are stale
    last_event_sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"payment {self.token} ({self.reference})"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class PaymentNotification(models.Model):
    """One notification received from a wallet, kept whatever became of it."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        DUPLICATE = "duplicate", _("Duplicate (already applied)")
        REJECTED_SIGNATURE = "rejected_signature", _("Rejected: invalid signature")
        REJECTED_AMOUNT = "rejected_amount", _("Rejected: amount or currency differ")
        REJECTED_UNKNOWN = "rejected_unknown", _("Rejected: unknown payment or unreadable")
        STALE = "stale", _("Stale (a newer event was applied)")

    ACKNOWLEDGED = (Outcome.APPLIED, Outcome.DUPLICATE, Outcome.STALE)

    # null when the notification could not be tied to a payment (forged, unknown)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="notifications"
    )
    gateway = models.CharField(max_length=20, default=Payment.Gateway.SANDBOX)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    raw_body = models.TextField(_("body as received"))
    signature_valid = models.BooleanField(_("signature valid"))
    # the wallet's event number for this payment, when the body could be read
    sequence = models.PositiveIntegerField(null=True, blank=True)
    event_status = models.CharField(_("announced status"), max_length=10, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["payment", "sequence", "outcome"])]

    def __str__(self) -> str:
        return f"notification {self.pk}: {self.outcome}"


class PaymentRefund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Requested")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    gateway_refund_id = models.CharField(_("wallet refund"), max_length=64, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment refund")
        verbose_name_plural = _("payment refunds")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"refund {self.pk} of {self.payment_id}: {self.amount} ({self.status})"


class SandboxCharge(models.Model):
    """The SANDBOX wallet's side of a payment: what the payer did on its page.

    A real wallet keeps this on its own servers and tells us through notifications and
    its query API; the sandbox keeps it here so that SandboxGateway.query can answer
    from the wallet's view, not from ours.
    """

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("Waiting for the payer")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled by the payer")

    payment = models.OneToOneField(Payment, on_delete=models.CASCADE, related_name="sandbox")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AWAITING)
    transaction_id = models.CharField(max_length=64, blank=True)
    refunded_amount = models.DecimalField(default=0, **MONEY)
    created_at = models.DateTimeField(auto_now_add=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    # where the wallet's notifications about the payer's action go, so that a worker
    # starting after a crash can deliver them again (sandbox_notifications_resend)
    notify_url = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("sandbox charge")
        verbose_name_plural = _("sandbox charges")

    def __str__(self) -> str:
        return f"sandbox charge of {self.payment_id}: {self.status}"
