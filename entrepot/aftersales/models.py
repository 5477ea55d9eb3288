"""Returns, refunds and disputes of orders.

A ReturnRequest and a Dispute each belong to one order; a Refund is one movement of
money back to the buyer (through the wallet, then one balanced ledger transaction keyed
by its `refund_id`), issued by a return, a dispute's outcome, or an operator or seller.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from entrepot.catalog.models import MONEY
from entrepot.orders.models import Order, OrderLine


class ReturnRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested, waiting for the seller")
        ACCEPTED = "accepted", _("Accepted: send the goods back")
        REJECTED = "rejected", _("Refused by the seller")
        RECEIVED = "received", _("Goods received back")
        REFUNDED = "refunded", _("Refunded")
        EXPIRED = "expired", _("Closed: the goods did not come back in time")

    class Reason(models.TextChoices):
        NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
        DAMAGED = "damaged", _("Arrived damaged")
        WRONG_ITEM = "wrong_item", _("Wrong item sent")
        SIZE_FIT = "size_fit", _("Size or fit")
        CHANGED_MIND = "changed_mind", _("Changed my mind")
        OTHER = "other", _("Other")

    OPEN = (Status.REQUESTED, Status.ACCEPTED, Status.RECEIVED)

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="return_requests")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    text = models.TextField(_("what happened"), max_length=2000, blank=True)
    # "cbec": the rules sheet's windows (release + 30 / + 45 days); "standard": delivery + N
    rule = models.CharField(_("window rule"), max_length=10)
    window_starts_at = models.DateTimeField(_("window starts (release or delivery)"))
    apply_by = models.DateTimeField(_("return to be asked for by"))
    goods_due_by = models.DateTimeField(_("goods to be back by"), null=True, blank=True)
    seller_answer_by = models.DateTimeField(_("seller to answer by"))
    # where the goods go back: the seller's address or the bonded warehouse's
    return_to_kind = models.CharField(_("returned to"), max_length=10)  # seller / bonded
    return_address = models.CharField(_("return address"), max_length=400, blank=True)
    label_code = models.CharField(_("return label"), max_length=40, blank=True)
    decision_note = models.CharField(_("seller's note"), max_length=500, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    received_by = models.CharField(_("received by"), max_length=150, blank=True)
    customs_note = models.CharField(_("customs"), max_length=300, blank=True)
    requested_at = models.DateTimeField(_("requested"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["status", "seller_answer_by"], name="return_answer_due_idx"),
            models.Index(fields=["status", "goods_due_by"], name="return_goods_due_idx"),
        ]

    def __str__(self) -> str:
        return f"return {self.pk} of {self.order_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ReturnLine(models.Model):
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE,
                                       related_name="lines")  # fmt: skip
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("returned line")
        verbose_name_plural = _("returned lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="returnline_quantity_positive"
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of line {self.order_line_id}"


class ReturnPhoto(models.Model):
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE,
                                       related_name="photos")  # fmt: skip
    # a cleaned JPEG in the media storage: returns/<return id>/<sha256-16>.jpg
    image = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("return photo")
        verbose_name_plural = _("return photos")

    def __str__(self) -> str:
        return self.image


class Dispute(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the seller")
        ANSWERED = "answered", _("Seller answered")
        ESCALATED = "escalated", _("With the operator")
        REFUNDED = "refunded", _("Decided: full refund")
        PARTIAL = "partial", _("Decided: partial refund")
        REJECTED = "rejected", _("Decided: rejected")
        CLOSED = "closed", _("Closed")

    class Reason(models.TextChoices):
        NOT_RECEIVED = "not_received", _("Not received")
        NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
        DAMAGED = "damaged", _("Damaged")

    OPEN_STATUSES = (Status.OPEN, Status.ANSWERED, Status.ESCALATED)

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="disputes")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    text = models.TextField(_("what happened"), max_length=2000)
    opened_at = models.DateTimeField(_("opened"))
    seller_answer_by = models.DateTimeField(_("seller to answer by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    buyer_reply_by = models.DateTimeField(_("buyer to reply by"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("decided"), null=True, blank=True)
    resolved_by = models.CharField(_("decided by"), max_length=150, blank=True)
    resolution_note = models.CharField(_("decision"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["status", "seller_answer_by"], name="dispute_answer_due_idx"),
            models.Index(fields=["status", "buyer_reply_by"], name="dispute_reply_due_idx"),
        ]

    def __str__(self) -> str:
        return f"dispute {self.pk} of {self.order_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class DisputeMessage(models.Model):
    class Author(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        SELLER = "seller", _("Seller")
        OPERATOR = "operator", _("Operator")
        SYSTEM = "system", _("System")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=10, choices=Author.choices)
    author = models.CharField(max_length=150)
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("dispute message")
        verbose_name_plural = _("dispute messages")

    def __str__(self) -> str:
        return f"{self.author_kind} on dispute {self.dispute_id}"


class Refund(models.Model):
    """Money back to the buyer. Asked of the wallet first; the ledger transaction (key
    order:<number>:refund:<refund_id>) is posted only once the wallet has refunded."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Asked of the wallet")
        PAID = "paid", _("Refunded by the wallet, ledger to post")
        COMPLETED = "completed", _("Refunded")
        FAILED = "failed", _("Refused by the wallet")

    RESERVED = (Status.PENDING, Status.PAID, Status.COMPLETED)

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    refund_id = models.CharField(_("refund id"), max_length=40, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(_("goods and shipping"), **MONEY)
    tax_amount = models.DecimalField(_("import tax"), **MONEY)
    shipping = models.BooleanField(_("includes shipping"), default=False)
    full = models.BooleanField(_("full refund"), default=False)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.CharField(_("issued by"), max_length=150)
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="refunds")  # fmt: skip
    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="refunds")  # fmt: skip
    payment_refund = models.ForeignKey("payments.PaymentRefund", on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="+")  # fmt: skip
    error = models.TextField(_("why it failed"), blank=True)
    created_at = models.DateTimeField(_("created"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"], name="refund_status_idx")]

    def __str__(self) -> str:
        return f"refund {self.refund_id} of {self.order_id}: {self.total} ({self.status})"

    @property
    def total(self):
        return self.amount + self.tax_amount


class RefundLine(models.Model):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    amount = models.DecimalField(**MONEY)

    class Meta:
        verbose_name = _("refunded line")
        verbose_name_plural = _("refunded lines")

    def __str__(self) -> str:
        return f"{self.quantity} of line {self.order_line_id}"
