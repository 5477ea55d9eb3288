from django.contrib import admin

from entrepot.audit.admin_mixins import AuditedAdminMixin
from entrepot.pricing.models import ExchangeRate, PositiveListLine, RateChange


@admin.register(ExchangeRate)
class ExchangeRateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("currency", "rate_per_eur", "effective_date", "source")
    list_filter = ("currency", "source")
    date_hierarchy = "effective_date"


@admin.register(PositiveListLine)
class PositiveListLineAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "tariff_number",
        "description_zh",
        "description_en",
        "bonded_only",
        "yearly_weight_cap_kg",
        "note",
        "edition",
        "source",
    )
    list_filter = ("edition", "bonded_only")
    search_fields = ("tariff_number", "description_zh")


@admin.register(RateChange)
class RateChangeAdmin(admin.ModelAdmin):
    """The audit of rate writes: read only."""

    list_display = ("changed_at", "actor", "source", "rows", "first_day", "last_day")
    list_filter = ("actor",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
