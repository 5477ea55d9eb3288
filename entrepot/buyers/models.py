from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Buyer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="buyer"
    )
    display_name = models.CharField(_("display name"), max_length=100)
    country = models.CharField(_("country"), max_length=2)
    province = models.CharField(_("province / state"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("buyer")
        verbose_name_plural = _("buyers")

    def __str__(self) -> str:
        return self.display_name
