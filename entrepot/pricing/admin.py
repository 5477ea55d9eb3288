from django.contrib import admin

from entrepot.pricing.models import ExchangeRate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ("currency", "rate_per_eur", "effective_date", "source")
    list_filter = ("currency", "source")
    date_hierarchy = "effective_date"
