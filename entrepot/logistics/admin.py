from django.contrib import admin

from entrepot.logistics.models import (
    ConsignmentLine,
    InboundConsignment,
    Parcel,
    Shipment,
    Stock,
    StockMovement,
    TrackingEvent,
    Warehouse,
)


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


class ParcelInline(admin.TabularInline):
    model = Parcel
    extra = 0


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    extra = 0
    readonly_fields = ("node", "occurred_at", "location", "description", "source_id")


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("waybill_no", "order", "mode", "carrier", "status", "ship_by", "overdue_at",
                    "shipped_at")  # fmt: skip
    list_filter = ("status", "mode", "carrier")
    list_select_related = ("order",)
    search_fields = ("=waybill_no", "=tracking_no", "=order__number")
    raw_id_fields = ("order", "warehouse")
    inlines = [ParcelInline, TrackingEventInline]
    show_full_result_count = False


class ConsignmentLineInline(admin.TabularInline):
    model = ConsignmentLine
    extra = 0
    raw_id_fields = ("variant",)


@admin.register(InboundConsignment)
class InboundConsignmentAdmin(admin.ModelAdmin):
    list_display = ("id", "seller", "warehouse", "reference", "status", "created_at",
                    "received_at")  # fmt: skip
    list_filter = ("status", "warehouse")
    raw_id_fields = ("seller",)
    inlines = [ConsignmentLineInline]
    show_full_result_count = False


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    list_display = ("created_at", "warehouse", "variant", "kind", "quantity", "reference")
    list_filter = ("kind", "warehouse")
    raw_id_fields = ("variant", "warehouse")
    search_fields = ("=reference",)
    show_full_result_count = False
