from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from entrepot.domain.china_divisions import Division


class Buyer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="buyer"
    )
    display_name = models.CharField(_("display name"), max_length=100)
    country = models.CharField(_("country"), max_length=2)
    province = models.CharField(_("province / state"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    # the mainland mobile number the buyer signs up and logs in with (11 digits), or ""
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("buyer")
        verbose_name_plural = _("buyers")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone=""), name="buyer_phone_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class BuyerIdentity(models.Model):
    """A buyer's real-name verification for China Customs (GACC Announcement 2018 No. 194).

    The resident ID number is sensitive personal information (PIPL Art. 28): it is kept
    only encrypted (entrepot.buyers.vault), with a blind-index fingerprint for lookups
    and a masked copy for display. Nothing shows or logs the clear number.
    """

    buyer = models.OneToOneField(
        Buyer, on_delete=models.CASCADE, related_name="identity", verbose_name=_("buyer")
    )
    name = models.CharField(_("real name"), max_length=60)
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), editable=False)
    id_number_fingerprint = models.CharField(
        _("ID number fingerprint"), max_length=64, db_index=True, editable=False
    )
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    birth_date = models.DateField(_("birth date"))
    verified_at = models.DateTimeField(_("verified at"))
    consent_purpose = models.TextField(_("purpose consented to"))
    consent_text_version = models.CharField(_("consent text version"), max_length=20)
    consent_at = models.DateTimeField(_("consent given at"))
    # which PII key encrypted the number (the first 12 hex digits of its SHA-256), so an
    # operator can tell when no row needs an old key any more
    key_version = models.CharField(_("encryption key"), max_length=12, editable=False)

    class Meta:
        verbose_name = _("buyer identity")
        verbose_name_plural = _("buyer identities")

    def __str__(self) -> str:
        return f"{self.name} {self.id_number_masked}"


class BuyerAddress(models.Model):
    """A delivery address in the buyer's address book; province, city and district are
    checked against China's divisions (entrepot.domain.china_divisions) before saving."""

    buyer = models.ForeignKey(
        Buyer, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("buyer")
    )
    recipient = models.CharField(_("recipient"), max_length=60)
    phone = models.CharField(_("mobile phone"), max_length=11)
    province = models.CharField(_("province"), max_length=20)
    city = models.CharField(_("city"), max_length=30)
    district = models.CharField(_("district"), max_length=40)
    street = models.CharField(_("street address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    is_default = models.BooleanField(_("default address"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("buyer address")
        verbose_name_plural = _("buyer addresses")
        ordering = ["-is_default", "-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer"], condition=Q(is_default=True), name="buyer_one_default_address"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.address_line}"

    @property
    def address_line(self) -> str:
        """浙江省杭州市西湖区文三路100号: what goes on the parcel after name and phone."""
        return Division(self.province, self.city, self.district).address_line(self.street)
