from django.contrib import admin

from entrepot.orders.models import Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ("product", "variant")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "buyer", "seller", "status", "total_amount", "currency", "placed_at")
    list_filter = ("status", "destination_country", "origin_country")
    list_select_related = ("buyer", "seller")
    search_fields = ("=number",)
    raw_id_fields = ("buyer", "seller")
    inlines = [OrderLineInline]
    date_hierarchy = "placed_at"
    show_full_result_count = False
