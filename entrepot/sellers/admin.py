from django.contrib import admin

from entrepot.sellers.models import Seller


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ("business_name", "country", "currency", "is_small_business", "created_at")
    list_filter = ("country", "is_small_business")
    search_fields = ("business_name", "slug")
    raw_id_fields = ("user",)
    show_full_result_count = False
