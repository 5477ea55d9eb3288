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


class PositiveListLine(models.Model):
    """One line of China's CBEC positive list (跨境电子商务零售进口商品清单).

    Each edition is stored whole, keyed by the date it took effect, so an order can be
    judged by the list that was in force on its day rather than by today's.
    """

    edition = models.DateField(_("edition"), help_text=_("the date this edition took effect"))
    tariff_number = models.CharField(
        _("tariff number"), max_length=8, help_text=_("8-digit Chinese tariff number")
    )
    description_zh = models.CharField(_("description (Chinese)"), max_length=300)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    bonded_only = models.BooleanField(
        _("bonded only"),
        default=False,
        help_text=_("remark 仅限网购保税商品: bonded-warehouse import (1210) only"),
    )
    yearly_weight_cap_kg = models.DecimalField(
        _("yearly weight cap (kg)"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("per-person yearly cap, e.g. 2 kg of sugar"),
    )
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("other remarks, e.g. limited to named products"),
    )
    source = models.CharField(
        _("source"), max_length=100, help_text=_("e.g. sample, or the imported file's name")
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("positive list line")
        verbose_name_plural = _("positive list lines")
        ordering = ["-edition", "tariff_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "tariff_number"], name="positive_list_line_unique_per_edition"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tariff_number} {self.description_zh} ({self.edition})"


class RateChange(models.Model):
    """Who stored exchange rates, when, how and which: the audit of every rate write
    (imports, refreshes, the bundled default and rates set by hand through the service)."""

    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    actor = models.CharField(_("by"), max_length=150, help_text=_("a username, or 'system'"))
    source = models.CharField(_("source"), max_length=40)
    rows = models.PositiveIntegerField(_("rates stored"))
    first_day = models.DateField(_("first day"), null=True, blank=True)
    last_day = models.DateField(_("last day"), null=True, blank=True)
    currencies = models.CharField(_("currencies"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("exchange-rate change")
        verbose_name_plural = _("exchange-rate changes")
        indexes = [models.Index(fields=["-changed_at"], name="ratechange_recent_idx")]

    def __str__(self) -> str:
        return f"{self.actor}: {self.rows} rates ({self.source})"
