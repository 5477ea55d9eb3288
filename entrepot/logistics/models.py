from django.db import models
from django.utils.translation import gettext_lazy as _

from entrepot.catalog.models import ProductVariant
from entrepot.sellers.models import Seller


class Warehouse(models.Model):
    """Where stock sits: a seller's own (direct mail, 9610) or a bonded one in China (1210)."""

    class Kind(models.TextChoices):
        SELLER = "seller", _("Seller's own (direct mail, 9610)")
        BONDED = "bonded", _("Bonded warehouse in China (1210)")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # a seller's own warehouse belongs to it; bonded warehouses serve many sellers
    seller = models.ForeignKey(
        Seller, on_delete=models.PROTECT, null=True, blank=True, related_name="warehouses"
    )
    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2)
    city = models.CharField(_("city"), max_length=100, blank=True)
    delivery_days_min = models.PositiveSmallIntegerField(_("delivery days, from"))
    delivery_days_max = models.PositiveSmallIntegerField(_("delivery days, to"))

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="bonded", seller__isnull=True)
                | models.Q(kind="seller", seller__isnull=False),
                name="warehouse_owner_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def mode(self) -> str:
        return "1210" if self.kind == self.Kind.BONDED else "9610"


class Stock(models.Model):
    """Units of one variant in one warehouse. ProductVariant.stock is their sum."""

    variant = models.ForeignKey(ProductVariant, on_delete=models.CASCADE, related_name="stocks")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stocks")
    quantity = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [
            models.UniqueConstraint(fields=["variant", "warehouse"], name="stock_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}@{self.warehouse_id}: {self.quantity}"


class Shipment(models.Model):
    """One order's parcel(s) under one waybill number, from booking to the buyer's door.

    The waybill is booked when the order is declared to customs (the waybill, CEB511,
    is one of the three documents), so it exists before the parcel moves. The seller
    (direct mail, 9610) or the bonded warehouse (1210) ships it after clearance."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Waybill booked, not shipped yet")
        SHIPPED = "shipped", _("On its way")
        DELIVERED = "delivered", _("Delivered")

    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="shipment", verbose_name=_("order")
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, null=True, blank=True, related_name="shipments"
    )
    mode = models.CharField(_("customs mode"), max_length=4)  # 9610 direct mail, 1210 bonded
    carrier = models.CharField(_("carrier"), max_length=20)  # a code of logistics.carriers
    # the number declared to customs (logisticsNo) and printed on the label
    waybill_no = models.CharField(_("waybill number"), max_length=60, unique=True)
    # the carrier's own number the buyer can look up; the waybill for the simulated carrier
    tracking_no = models.CharField(_("tracking number"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    booked_at = models.DateTimeField(_("booked"))
    ship_by = models.DateTimeField(_("ship by"), null=True, blank=True)
    # flagged when the seller has not shipped within ENTREPOT_SHIP_WITHIN_HOURS of payment
    overdue_at = models.DateTimeField(_("flagged as late"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("seller reminded"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    shipped_by = models.CharField(_("shipped by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        indexes = [
            models.Index(fields=["status", "ship_by"], name="shipment_deadline_idx"),
            models.Index(fields=["carrier", "status"], name="shipment_carrier_idx"),
        ]

    def __str__(self) -> str:
        return self.waybill_no


class Parcel(models.Model):
    """A box of a shipment; weights in kilograms (gross with packing, net of the goods)."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="parcels")
    number = models.PositiveSmallIntegerField(_("parcel"))
    gross_weight_kg = models.DecimalField(_("gross weight (kg)"), max_digits=10, decimal_places=4)
    net_weight_kg = models.DecimalField(_("net weight (kg)"), max_digits=10, decimal_places=4)

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["shipment_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "number"], name="parcel_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}/{self.number}"


class TrackingEvent(models.Model):
    """A node a carrier reported for a shipment; a repeated report is the same row."""

    class Node(models.TextChoices):
        # entrepot.domain.tracking.NODES, in route order
        DISPATCHED = "dispatched", _("Dispatched")
        LINE_HAUL = "line_haul", _("In international transit")
        ARRIVED_CN = "arrived_cn", _("Arrived in China")
        CUSTOMS_CLEARANCE = "customs_clearance", _("Customs clearance")
        DOMESTIC_DELIVERY = "domestic_delivery", _("Out for delivery in China")
        DELIVERED = "delivered", _("Delivered")

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    node = models.CharField(_("node"), max_length=20, choices=Node.choices)
    occurred_at = models.DateTimeField(_("when"))
    location = models.CharField(_("where"), max_length=120, blank=True)
    # the carrier's own words (Chinese carriers report in Chinese)
    description = models.CharField(_("carrier's description"), max_length=300, blank=True)
    # the carrier's id of the event: a repeated report carries the same one
    source_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "source_id"], name="tracking_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.node}"


class InboundConsignment(models.Model):
    """Stock a seller sends ahead to a bonded warehouse in China (1210)."""

    class Status(models.TextChoices):
        SENT = "sent", _("On its way to the bonded warehouse")
        RECEIVED = "received", _("Received into bonded stock")

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="consignments")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="consignments")
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENT
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    received_by = models.CharField(_("received by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("inbound consignment")
        verbose_name_plural = _("inbound consignments")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"consignment {self.pk} to {self.warehouse_id}"


class ConsignmentLine(models.Model):
    consignment = models.ForeignKey(
        InboundConsignment, on_delete=models.CASCADE, related_name="lines"
    )
    variant = models.ForeignKey(ProductVariant, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("units"))

    class Meta:
        verbose_name = _("consignment line")
        verbose_name_plural = _("consignment lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="consignment_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant_id}"


class StockMovement(models.Model):
    """A physical move of units in or out of a warehouse (the bonded inventory ledger).

    Stock.quantity is what can still be sold; checkout reserves units from it at once,
    and the pick after clearance is recorded here. So per warehouse and variant, the sum
    of movements is what is physically on the shelf: available plus reserved-not-picked.
    One row per (kind, reference, variant, warehouse): recording a move twice is a no-op.
    """

    class Kind(models.TextChoices):
        INBOUND = "inbound", _("Received (inbound consignment)")
        PICK = "pick", _("Picked for an order")

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="movements")
    variant = models.ForeignKey(ProductVariant, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    quantity = models.IntegerField(_("units"))  # positive in, negative out
    reference = models.CharField(_("reference"), max_length=60)  # consignment:7, order:EP...
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "reference", "variant", "warehouse"], name="stock_movement_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity:+d} {self.variant_id}@{self.warehouse_id}"
