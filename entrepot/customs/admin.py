from django.contrib import admin

from entrepot.customs.models import (
    CustomsMessage,
    CustomsReceipt,
    Declaration,
    DeclarationEvent,
    SimulatedPortReceipt,
)


class DeclarationEventInline(admin.TabularInline):
    model = DeclarationEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_status", "to_status", "actor", "note", "created_at")


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ("order", "trade_mode", "status", "attempt", "reason_code", "updated_at")
    list_filter = ("status", "trade_mode", "port")
    list_select_related = ("order",)
    search_fields = ("=order__number", "=invt_no")
    raw_id_fields = ("order",)
    readonly_fields = ("attempt", "invt_no", "created_at", "updated_at", "submitted_at",
                       "cleared_at")  # fmt: skip
    inlines = [DeclarationEventInline]
    show_full_result_count = False


@admin.register(CustomsMessage)
class CustomsMessageAdmin(admin.ModelAdmin):
    list_display = ("declaration", "attempt", "message_type", "state", "sent_at")
    list_filter = ("message_type", "state")
    raw_id_fields = ("declaration",)
    readonly_fields = ("guid", "sha256", "filed_xml", "last_return_time")
    show_full_result_count = False


@admin.register(CustomsReceipt)
class CustomsReceiptAdmin(admin.ModelAdmin):
    list_display = ("receipt_type", "return_status", "outcome", "return_time", "received_at")
    list_filter = ("receipt_type", "outcome")
    raw_id_fields = ("declaration", "message")
    show_full_result_count = False


@admin.register(SimulatedPortReceipt)
class SimulatedPortReceiptAdmin(admin.ModelAdmin):
    """SIMULATOR: what the simulated customs port has queued for the platform."""

    list_display = ("order_no", "receipt_type", "return_status", "due_at", "delivered_at",
                    "voided")  # fmt: skip
    list_filter = ("receipt_type", "voided")
    search_fields = ("=order_no",)
    show_full_result_count = False
