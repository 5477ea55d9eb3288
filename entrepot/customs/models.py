"""Customs declarations of CBEC orders, the messages sent and the receipts received.

The filed copy of every message is kept with the buyer's ID number masked
(110105********002X): the clear number exists only in memory while a message is built
and transmitted (PIPL Art. 28, 51). What was transmitted is identified by its SHA-256.

The Simulated* models at the end are the SIMULATED PORT's own side (what customs would
keep on their servers), like payments' SandboxCharge: no real customs system is involved.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from entrepot.domain.customs import receipts as r
from entrepot.orders.models import Order


class Declaration(models.Model):
    """One order's declaration to customs, across attempts (a rejected one is corrected
    and resubmitted as the next attempt) until it is cleared or cancelled."""

    class Status(models.TextChoices):
        PENDING = r.PENDING, _("Waiting to be sent")
        HELD = r.HELD, _("Held: fails a check before sending")
        SUBMITTED = r.SUBMITTED, _("Sent to customs")
        ACCEPTED = r.ACCEPTED_STATUS, _("Accepted by customs")
        REJECTED = r.REJECTED_STATUS, _("Rejected by customs")
        CLEARED = r.CLEARED, _("Cleared (released by customs)")
        CANCELLING = r.CANCELLING, _("Cancellation requested")
        CANCELLED = r.CANCELLED, _("Cancelled")

    order = models.OneToOneField(
        Order, on_delete=models.PROTECT, related_name="declaration", verbose_name=_("order")
    )
    trade_mode = models.CharField(_("customs mode"), max_length=4)  # 9610 / 1210
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempt = models.PositiveIntegerField(_("attempts sent"), default=0)
    # why it is held or rejected: a problem code of entrepot.domain.customs.checks (or the
    # port's) and the message as customs or our check wrote it
    reason_code = models.CharField(_("reason code"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # an operator's corrections of what the records say: consignee name, phone, address
    corrections = models.JSONField(_("corrections"), default=dict, blank=True)
    port = models.CharField(_("customs port"), max_length=20)
    invt_no = models.CharField(_("customs inventory number"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    submitted_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)

    class Meta:
        verbose_name = _("customs declaration")
        verbose_name_plural = _("customs declarations")
        indexes = [models.Index(fields=["status", "updated_at"], name="declaration_status_idx")]

    def __str__(self) -> str:
        return f"declaration of {self.order_id} ({self.status})"


class DeclarationEvent(models.Model):
    """The history of a declaration: every status change and action, with who and why."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(max_length=10, blank=True, choices=Declaration.Status.choices)
    to_status = models.CharField(max_length=10, choices=Declaration.Status.choices)
    actor = models.CharField(_("actor"), max_length=150)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("declaration event")
        verbose_name_plural = _("declaration events")

    def __str__(self) -> str:
        return f"{self.declaration_id}: {self.action} -> {self.to_status}"


class CustomsMessage(models.Model):
    """One message sent (CEB311/411/511/621 per attempt, CEB623 to cancel) and the state
    its receipts gave it."""

    class State(models.TextChoices):
        SENT = r.DOC_SENT, _("Sent")
        ACCEPTED = r.DOC_ACCEPTED, _("Accepted")
        REJECTED = r.DOC_REJECTED, _("Rejected")
        RELEASED = r.DOC_RELEASED, _("Released")
        CANCELLED = r.CANCEL_DONE, _("Cancelled")
        REFUSED = r.CANCEL_REFUSED, _("Refused")

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="messages")
    attempt = models.PositiveIntegerField()
    message_type = models.CharField(_("message"), max_length=6)
    guid = models.CharField(max_length=36, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SENT)
    # returnTime of the newest receipt applied: older ones are stale
    last_return_time = models.CharField(max_length=17, blank=True)
    return_info = models.TextField(_("customs said"), blank=True)
    sha256 = models.CharField(_("SHA-256 of the XML sent"), max_length=64)
    # the XML as sent, with the buyer's ID number masked
    filed_xml = models.TextField(_("filed copy (ID masked)"))
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        ordering = ["attempt", "message_type"]
        verbose_name = _("customs message")
        verbose_name_plural = _("customs messages")
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "attempt", "message_type"], name="customs_message_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_type} #{self.attempt} of {self.declaration_id}"


class CustomsReceipt(models.Model):
    """Every receipt received, whatever became of it (applied, duplicate, stale...)."""

    class Outcome(models.TextChoices):
        APPLIED = r.APPLIED, _("Applied")
        DUPLICATE = r.DUPLICATE, _("Duplicate (already applied)")
        STALE = r.STALE, _("Stale (a newer receipt was applied)")
        SUPERSEDED = r.SUPERSEDED, _("For an earlier attempt")
        UNMATCHED = r.UNMATCHED, _("Unmatched or unreadable")

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, null=True, blank=True, related_name="receipts"
    )
    message = models.ForeignKey(
        CustomsMessage, on_delete=models.CASCADE, null=True, blank=True, related_name="receipts"
    )
    receipt_type = models.CharField(_("receipt"), max_length=6, blank=True)
    return_status = models.CharField(_("status code"), max_length=5, blank=True)
    return_time = models.CharField(_("customs time"), max_length=17, blank=True)
    return_info = models.TextField(_("customs said"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    sha256 = models.CharField(max_length=64, db_index=True)
    raw_xml = models.TextField(_("receipt as received"))
    received_at = models.DateTimeField(_("received"))

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("customs receipt")
        verbose_name_plural = _("customs receipts")

    def __str__(self) -> str:
        return f"{self.receipt_type} {self.return_status} ({self.outcome})"


# --- the SIMULATED PORT's side -----------------------------------------------------------


class SimulatedPortSubmission(models.Model):
    """SIMULATOR: a message the simulated port took in (by guid: a resent one is ignored)."""

    guid = models.CharField(max_length=36, unique=True)
    message_type = models.CharField(max_length=6)
    order_no = models.CharField(max_length=60, db_index=True)
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = _("simulated port: message received")
        verbose_name_plural = _("simulated port: messages received")

    def __str__(self) -> str:
        return f"{self.message_type} {self.order_no}"


class SimulatedPortReceipt(models.Model):
    """SIMULATOR: a receipt the simulated port will hand out once `due_at` has come."""

    order_no = models.CharField(max_length=60, db_index=True)
    receipt_type = models.CharField(max_length=6)
    return_status = models.CharField(max_length=5)
    xml = models.TextField()
    due_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    # a release voided by a cancellation that came first
    voided = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("simulated port: receipt")
        verbose_name_plural = _("simulated port: receipts")
        indexes = [models.Index(fields=["delivered_at", "due_at"], name="simport_due_idx")]

    def __str__(self) -> str:
        return f"{self.receipt_type} {self.return_status} for {self.order_no}"


class SimulatedPortFlag(models.Model):
    """SIMULATOR: a field the simulated port found wrong for an order; the same value sent
    again is rejected again, a corrected one clears the flag."""

    order_no = models.CharField(max_length=60)
    field = models.CharField(max_length=40)
    value_sha256 = models.CharField(max_length=64)
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("simulated port: disputed field")
        verbose_name_plural = _("simulated port: disputed fields")
        constraints = [
            models.UniqueConstraint(fields=["order_no", "field"], name="simport_flag_once"),
        ]

    def __str__(self) -> str:
        return f"{self.order_no}: {self.field}"


class SimulatedPortQuota(models.Model):
    """SIMULATOR: the port's own record of each buyer's accepted CBEC value per year, keyed
    by a keyed hash of the ID number (the port's, not the platform's, view of the year)."""

    buyer_key = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    order_no = models.CharField(max_length=60, unique=True)
    amount = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("simulated port: buyer quota entry")
        verbose_name_plural = _("simulated port: buyer quota entries")
        indexes = [models.Index(fields=["buyer_key", "year"], name="simport_quota_idx")]

    def __str__(self) -> str:
        return f"{self.order_no}: {self.amount}"
