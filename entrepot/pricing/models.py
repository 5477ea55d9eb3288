from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeRate(models.Model):
    """Units of `currency` per 1 EUR on `effective_date` (the ECB convention)."""

    currency = models.CharField(max_length=3)
    rate_per_eur = models.DecimalField(max_digits=20, decimal_places=8)
    effective_date = models.DateField()
    source = models.CharField(max_length=40, help_text=_("where the rate came from, e.g. ECB"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "effective_date"], name="rate_unique_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"1 EUR = {self.rate_per_eur} {self.currency} ({self.effective_date})"
