from django.db import models
from django.utils.translation import gettext_lazy as _

from entrepot.buyers.models import Buyer
from entrepot.catalog.models import MONEY, Product, ProductVariant
from entrepot.sellers.models import Seller


class Order(models.Model):
    """One seller's part of a purchase; amounts in the currency the buyer paid."""

    class Status(models.TextChoices):
        # the states of entrepot.domain.order_states, in lifecycle order
        PLACED = "placed", _("Placed")
        PAID = "paid", _("Paid")
        DECLARED = "declared", _("Declared to customs")
        CLEARED = "cleared", _("Cleared by customs")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")
        RETURNED = "returned", _("Returned")

    number = models.CharField(_("order number"), max_length=32, unique=True)
    buyer = models.ForeignKey(Buyer, on_delete=models.PROTECT, related_name="orders")
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLACED)
    origin_country = models.CharField(_("ships from"), max_length=2)
    destination_country = models.CharField(_("ships to"), max_length=2)
    currency = models.CharField(max_length=3)
    goods_amount = models.DecimalField(_("goods"), **MONEY)
    shipping_amount = models.DecimalField(_("shipping"), **MONEY)
    tax_amount = models.DecimalField(_("import taxes"), **MONEY)
    total_amount = models.DecimalField(_("total"), **MONEY)
    # what went back to the buyer (entrepot.aftersales refunds): all of it, and the part
    # that was import tax; the annual CBEC quota and the escrow count only the rest
    refunded_amount = models.DecimalField(_("refunded"), default=0, **MONEY)
    refunded_tax_amount = models.DecimalField(_("refunded import taxes"), default=0, **MONEY)
    # one checkout (one payment) may make several orders, one per seller
    checkout = models.ForeignKey(
        "orders.Checkout", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    mode = models.CharField(_("customs mode"), max_length=4, blank=True)  # 9610 / 1210
    # customs match the payer with the verified buyer; when they differ the platform
    # must help customs authenticate the buyer (GACC Announcement 2018 No. 194)
    payer_mismatch = models.BooleanField(_("payer differs from the buyer"), default=False)
    reserved_until = models.DateTimeField(_("stock reserved until"), null=True, blank=True)
    placed_at = models.DateTimeField(_("placed"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["buyer", "-placed_at"], name="order_buyer_idx"),
            models.Index(fields=["seller", "-placed_at"], name="order_seller_idx"),
            models.Index(fields=["placed_at"], name="order_placed_idx"),
            models.Index(fields=["status", "reserved_until"], name="order_reservation_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_cross_border(self) -> bool:
        return self.origin_country != self.destination_country

    @property
    def refunded_goods_amount(self):
        """Goods and shipping refunded so far (the refunds less their import tax)."""
        return self.refunded_amount - self.refunded_tax_amount


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey(ProductVariant, on_delete=models.PROTECT, related_name="+")
    # where the units were reserved, so a cancellation puts them back in the same place
    warehouse = models.ForeignKey(
        "logistics.Warehouse", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title_en = models.CharField(max_length=200)
    title_zh = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price_amount = models.DecimalField(**MONEY)
    line_total_amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="orderline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title_en}"


class Checkout(models.Model):
    """One buyer's purchase: the locked quote, paid once, split into orders per seller."""

    buyer = models.ForeignKey(Buyer, on_delete=models.PROTECT, related_name="checkouts")
    currency = models.CharField(max_length=3)
    total_amount = models.DecimalField(**MONEY)
    # what the quote locked: rates, taxes and totals per seller (JSON of decimal strings)
    quote = models.JSONField()
    # where the parcels go; customs declare the consignee with each order
    consignee_name = models.CharField(_("consignee"), max_length=60, blank=True)
    consignee_phone = models.CharField(_("consignee phone"), max_length=20, blank=True)
    consignee_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")

    def __str__(self) -> str:
        return f"checkout {self.pk}"


class OrderEvent(models.Model):
    """One state change of an order: who, when, from what to what."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    event = models.CharField(max_length=20)
    from_status = models.CharField(max_length=10, blank=True, choices=Order.Status.choices)
    to_status = models.CharField(max_length=10, choices=Order.Status.choices)
    actor = models.CharField(max_length=150, help_text=_("a username, or 'system'"))
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} -> {self.to_status}"
