"""Payments in the back office: to look at, not to edit. A payment changes only on the
wallet's signed word and through refunds (entrepot.payments.services)."""

from django.contrib import admin

from entrepot.payments.models import Payment, PaymentNotification, PaymentRefund


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _RefundInline(admin.TabularInline):
    model = PaymentRefund
    extra = 0
    fields = ("amount", "status", "gateway_refund_id", "error", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(_ReadOnly):
    list_display = ("token", "reference", "amount", "currency", "status", "gateway", "created_at")
    list_filter = ("status", "gateway")
    search_fields = ("=token", "reference", "gateway_transaction_id")
    date_hierarchy = "created_at"
    inlines = [_RefundInline]


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(_ReadOnly):
    list_display = ("received_at", "payment", "sequence", "event_status", "outcome", "note")
    list_filter = ("outcome", "gateway", "signature_valid")
    list_select_related = ("payment",)
    search_fields = ("=payment__token", "note")
    date_hierarchy = "received_at"
