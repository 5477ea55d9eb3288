from django.db import models
from django.utils.translation import gettext_lazy as _

from entrepot.domain.money import Money
from entrepot.sellers.models import Seller

MONEY = {"max_digits": 18, "decimal_places": 4}


class Category(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name_en


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUSPENDED = "suspended", _("Suspended by operator")

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True)
    origin_country = models.CharField(_("country of origin"), max_length=2)
    weight_grams = models.PositiveIntegerField(_("shipping weight (g)"))
    # net content decides, among other things, China's high-end cosmetics tax
    net_content_value = models.DecimalField(
        _("net content"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    net_content_unit = models.CharField(
        _("net content unit"),
        max_length=5,
        blank=True,
        choices=[("ml", "ml"), ("g", "g"), ("piece", _("pieces"))],
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    moderation_note = models.TextField(_("operator's note to the seller"), blank=True)
    translation_status = models.CharField(
        _("Chinese translation"),
        max_length=10,
        choices=[
            ("missing", _("Missing")),
            ("machine", _("Machine draft")),
            ("reviewed", _("Reviewed")),
        ],
        default="reviewed",
    )
    # The lowest variant price, kept in step with the variants by the catalog
    # services so listing pages never aggregate over variants.
    price_amount = models.DecimalField(_("from price"), **MONEY)
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            # category page: published products of one category, newest first
            models.Index(fields=["category", "status", "-id"], name="product_cat_status_idx"),
            # seller shop and seller central
            models.Index(fields=["seller", "status", "-id"], name="product_seller_status_idx"),
            # storefront home: newest published products
            models.Index(fields=["status", "-id"], name="product_status_idx"),
            # category page filtered by origin (keyset, newest first) and the origin facet's
            # counts, read from the index alone
            models.Index(
                fields=["category", "status", "origin_country", "-id"],
                name="product_cat_origin_idx",
            ),
            # the storefront's catalogue version: the newest change, one index step away
            models.Index(fields=["updated_at"], name="product_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.title_en

    @property
    def price(self) -> Money:
        """The "from" price in the seller's currency."""
        return Money(self.price_amount, self.currency)


class ProductVariant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name_en = models.CharField(_("option (English)"), max_length=100)
    name_zh = models.CharField(_("option (Chinese)"), max_length=100, blank=True)
    price_amount = models.DecimalField(_("price"), **MONEY)
    currency = models.CharField(max_length=3)
    stock = models.PositiveIntegerField(_("stock"), default=0)
    weight_grams = models.PositiveIntegerField(_("weight (g)"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_amount__gt=0), name="variant_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.title_en} — {self.name_en}"

    @property
    def price(self) -> Money:
        return Money(self.price_amount, self.currency)


class ProductImage(models.Model):
    """An uploaded picture, re-encoded and resized to the standard sizes.

    File names carry a content hash, so they can be cached for a year.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    original = models.CharField(max_length=200)  # storage path of the re-encoded original
    large = models.CharField(max_length=200)  # 1200 px on the long side
    thumb = models.CharField(max_length=200)  # 400 px
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    alt_en = models.CharField(max_length=200, blank=True)
    alt_zh = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.original
