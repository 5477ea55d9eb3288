from django.contrib import admin

from entrepot.audit.admin_mixins import AuditedAdminMixin
from entrepot.ledger.models import CommissionRate, LedgerEntry, LedgerTransaction

ENTRY_FIELDS = ("account_kind", "account_owner", "currency", "debit_amount", "credit_amount")


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ENTRY_FIELDS
    readonly_fields = ENTRY_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(admin.ModelAdmin):
    """Read-only: the ledger is append-only; corrections are reversing postings."""

    list_display = ("id", "kind", "reference", "memo", "created_at")
    list_filter = ("kind",)
    search_fields = ("=reference", "=idempotency_key")
    date_hierarchy = "created_at"
    fields = ("kind", "reference", "idempotency_key", "memo", "created_at")
    readonly_fields = fields
    inlines = [LedgerEntryInline]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CommissionRate)
class CommissionRateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("category", "rate", "effective_from")
    list_filter = ("category",)
    list_select_related = ("category",)
    date_hierarchy = "effective_from"
    ordering = ("-effective_from",)
