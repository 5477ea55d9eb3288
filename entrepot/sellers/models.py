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
    # onboarding: the business behind the shop, and the operator's verification
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    annual_revenue = models.DecimalField(
        _("annual revenue (in the seller's currency)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
    )
    payout_currency = models.CharField(_("payout currency"), max_length=3, blank=True)
    terms_version = models.CharField(_("accepted terms version"), max_length=20, blank=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted"), null=True, blank=True)
    verification_status = models.CharField(
        _("verification"),
        max_length=10,
        choices=[
            ("pending", _("Waiting for review")),
            ("approved", _("Approved")),
            ("rejected", _("Rejected")),
        ],
        default="pending",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    story_en = models.TextField(_("story (English)"), blank=True)
    story_zh = models.TextField(_("story (Chinese)"), blank=True)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("seller")
        verbose_name_plural = _("sellers")
        indexes = [
            models.Index(fields=["country"], name="seller_country_idx"),
            models.Index(fields=["verification_status"], name="seller_verification_idx"),
        ]

    def __str__(self) -> str:
        return self.business_name

    @property
    def is_approved(self) -> bool:
        return self.verification_status == "approved"
