from django.contrib import admin

from entrepot.translation.models import GlossaryTerm, MemoryEntry


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ("term_en", "term_zh", "note", "created_by", "created_at")
    search_fields = ("term_en", "term_zh", "note")
    readonly_fields = ("created_by", "created_at")
    fields = ("term_en", "term_zh", "note", "created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(MemoryEntry)
class MemoryEntryAdmin(admin.ModelAdmin):
    list_display = ("source_text", "target_text", "kind", "reviewed", "reviewed_by", "updated_at")
    list_filter = ("reviewed", "kind")
    list_select_related = ("reviewed_by",)
    search_fields = ("source_text", "target_text")
    raw_id_fields = ("reviewed_by",)
    readonly_fields = ("updated_at",)
    # the memory grows with the catalogue: skip the full COUNT(*) on every page
    show_full_result_count = False
