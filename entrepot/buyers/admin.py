from django.contrib import admin

from entrepot.buyers.models import Buyer


@admin.register(Buyer)
class BuyerAdmin(admin.ModelAdmin):
    list_display = ("display_name", "country", "province", "city", "created_at")
    list_filter = ("country",)
    search_fields = ("display_name",)
    raw_id_fields = ("user",)
    show_full_result_count = False
