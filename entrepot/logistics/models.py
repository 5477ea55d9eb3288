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
