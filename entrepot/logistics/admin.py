from django.contrib import admin

from entrepot.logistics.models import Stock, Warehouse


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "seller", "country", "city", "delivery_days_min",
                    "delivery_days_max")  # fmt: skip
    list_filter = ("kind", "country")
    search_fields = ("name", "name_zh")
    raw_id_fields = ("seller",)
    show_full_result_count = False


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin):
    list_display = ("variant", "warehouse", "quantity")
    list_select_related = ("variant__product", "warehouse")
    raw_id_fields = ("variant", "warehouse")
    show_full_result_count = False
