"""Rollups of the marketplace, read by the dashboards instead of the orders.

Every rollup row is one period at one grain: a day, a month or a year (`period` is the
first day of it). The same facts are added at all three grains, so any date range is
answered by a handful of rows: whole years, then whole months, then the days at the
edges (see `entrepot.analytics.periods.cover`).

Money is stored as integers in 1/10,000 of the currency unit (the precision orders are
stored with), so sums are exact on SQLite as on PostgreSQL; amounts in other currencies
are converted per order at the rate of the day and rounded to the minor unit.

Keys hold plain ids (no foreign keys): rollups are derived data, rebuilt from the orders
by `entrepot manage analytics_rebuild`, and must never stop a row elsewhere from going.
In the Activity table, origin = destination = "" is the row for all corridors together.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grain(models.TextChoices):
    DAY = "d", _("day")
    MONTH = "m", _("month")
    YEAR = "y", _("year")


def _grain():
    return models.CharField(max_length=1, choices=Grain.choices)


def _amount(label):
    return models.BigIntegerField(label, default=0, help_text=_("in 1/10,000 of the currency"))


def _count(label):
    return models.BigIntegerField(label, default=0)


class Sales(models.Model):
    """Orders and money of one period, corridor (origin -> destination) and seller country.

    Placed orders count on the day they were placed; paid ones (GMV, orders, units, tax)
    on the day they were paid; refunds on the day of the refund; completions on the day
    the buyer confirmed receipt.
    """

    grain = _grain()
    period = models.DateField()
    origin = models.CharField(max_length=2)
    destination = models.CharField(max_length=2)
    seller_country = models.CharField(max_length=2)
    placed = _count(_("orders placed"))
    orders = _count(_("orders paid"))
    units = _count(_("units paid"))
    gmv_cny = _amount(_("GMV (CNY)"))
    gmv_usd = _amount(_("GMV (USD)"))
    gmv_small_cny = _amount(_("GMV of small businesses (CNY)"))
    tax_cny = _amount(_("tax collected (CNY)"))
    refunds = _count(_("refunds"))
    refunds_cny = _amount(_("refunded (CNY)"))
    completed = _count(_("orders completed"))

    KEY = ("grain", "period", "origin", "destination", "seller_country")
    SUMS = ("placed", "orders", "units", "gmv_cny", "gmv_usd", "gmv_small_cny", "tax_cny",
            "refunds", "refunds_cny", "completed")  # fmt: skip

    class Meta:
        verbose_name = _("sales rollup")
        verbose_name_plural = _("sales rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "period", "origin", "destination", "seller_country"],
                name="analytics_sales_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["origin", "destination", "grain", "period"], name="analytics_sales_corridor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.period} {self.origin}->{self.destination}"


class CategorySales(models.Model):
    """Paid orders by category (an order's category is its first line's, as for the
    commission), per period and corridor; origin = destination = "" is the row of all
    corridors together, so the unfiltered breakdown reads a dozen rows per period."""

    grain = _grain()
    period = models.DateField()
    origin = models.CharField(max_length=2, blank=True)
    destination = models.CharField(max_length=2, blank=True)
    category_id = models.IntegerField(help_text=_("0: no category"))
    orders = _count(_("orders paid"))
    units = _count(_("units paid"))
    gmv_cny = _amount(_("GMV (CNY)"))

    KEY = ("grain", "period", "origin", "destination", "category_id")
    SUMS = ("orders", "units", "gmv_cny")

    class Meta:
        verbose_name = _("category rollup")
        verbose_name_plural = _("category rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "destination", "grain", "period", "category_id"],
                name="analytics_category_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.period} category {self.category_id}"


class Activity(models.Model):
    """Who bought and who sold in one period and corridor, in compact form.

    Distinct buyers cannot be added up from daily counts, so each row keeps the set:
    `buyers` is a serialized Roaring bitmap of buyer ids; `sellers` packs, per seller id,
    the paid orders and GMV (see entrepot.analytics.sets). The union of a range's rows
    gives exact distinct counts and the top sellers, whatever the number of orders.
    """

    grain = _grain()
    period = models.DateField()
    origin = models.CharField(max_length=2, blank=True, help_text=_("empty: all corridors"))
    destination = models.CharField(max_length=2, blank=True)
    buyers = models.BinaryField()
    sellers = models.BinaryField()

    KEY = ("grain", "period", "origin", "destination")

    class Meta:
        verbose_name = _("activity rollup")
        verbose_name_plural = _("activity rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "destination", "grain", "period"],
                name="analytics_activity_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.period} {self.origin or '*'}->{self.destination or '*'}"


class SellerProvinceSales(models.Model):
    """One seller's paid orders by the buyers' country and province (seller central)."""

    grain = _grain()
    period = models.DateField()
    seller_id = models.IntegerField()
    buyer_country = models.CharField(max_length=2)
    province = models.CharField(max_length=100)
    orders = _count(_("orders paid"))
    units = _count(_("units paid"))
    gmv_cny = _amount(_("GMV (CNY)"))
    buyers = models.BinaryField(help_text=_("Roaring bitmap of buyer ids"))

    KEY = ("grain", "period", "seller_id", "buyer_country", "province")
    SUMS = ("orders", "units", "gmv_cny")

    class Meta:
        verbose_name = _("seller province rollup")
        verbose_name_plural = _("seller province rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["seller_id", "grain", "period", "buyer_country", "province"],
                name="analytics_province_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.period} seller {self.seller_id} {self.province}"


class ProductSales(models.Model):
    """One seller's paid units and goods sales per product (seller central)."""

    grain = _grain()
    period = models.DateField()
    seller_id = models.IntegerField()
    product_id = models.IntegerField()
    orders = _count(_("orders paid"))
    units = _count(_("units paid"))
    sales_cny = _amount(_("goods sold (CNY)"))

    KEY = ("grain", "period", "seller_id", "product_id")
    SUMS = ("orders", "units", "sales_cny")

    class Meta:
        verbose_name = _("product rollup")
        verbose_name_plural = _("product rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["seller_id", "grain", "period", "product_id"],
                name="analytics_product_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.period} product {self.product_id}"


class NewSellers(models.Model):
    """Sellers who joined in the period, by country and small-business flag."""

    grain = _grain()
    period = models.DateField()
    country = models.CharField(max_length=2)
    small_business = models.BooleanField()
    sellers = _count(_("sellers"))

    KEY = ("grain", "period", "country", "small_business")
    SUMS = ("sellers",)

    class Meta:
        verbose_name = _("new sellers rollup")
        verbose_name_plural = _("new sellers rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "period", "country", "small_business"],
                name="analytics_newsellers_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.period} {self.country}"


class Cursor(models.Model):
    """How far the rollups have read an append-only table (by id).

    `pending` lists ids below the watermark that were not visible yet when it moved
    (on PostgreSQL a transaction can commit a lower id after a higher one): they are
    looked for again until they show up or are older than the grace period.
    `version` grows with every fold, so two folders never both apply the same events.
    """

    name = models.CharField(max_length=40, primary_key=True)
    watermark = models.BigIntegerField(default=0)
    pending = models.JSONField(default=list, blank=True)
    version = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rollup cursor")
        verbose_name_plural = _("rollup cursors")

    def __str__(self) -> str:
        return f"{self.name} @ {self.watermark}"
