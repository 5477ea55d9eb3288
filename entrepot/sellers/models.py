from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Seller(models.Model):
    """A business selling on Entrepôt, usually a small one far from its buyers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="seller"
    )
    business_name = models.CharField(_("business name"), max_length=200)
    slug = models.SlugField(_("shop address"), max_length=120, unique=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 alpha-2"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217"))
    employee_count = models.PositiveIntegerField(_("employees"), default=1)
    is_small_business = models.BooleanField(_("small business"), default=True)
    story_en = models.TextField(_("story (English)"), blank=True)
    story_zh = models.TextField(_("story (Chinese)"), blank=True)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("seller")
        verbose_name_plural = _("sellers")
        indexes = [models.Index(fields=["country"], name="seller_country_idx")]

    def __str__(self) -> str:
        return self.business_name
