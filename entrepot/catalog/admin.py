from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from entrepot.catalog.models import Category, Product, ProductVariant


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_zh", "slug", "position")


class VariantInline(admin.TabularInline):
    model = ProductVariant
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "title_en",
        "title_zh",
        "seller",
        "category",
        "status",
        "price_amount",
        "currency",
    )
    list_filter = ("status", "category")
    list_select_related = ("seller", "category")
    search_fields = ("=id", "title_en")
    raw_id_fields = ("seller",)
    inlines = [VariantInline]
    # the catalogue reaches millions of rows: skip the full COUNT(*) on every page
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        """An operator who edits the Chinese text reviews it: it joins the memory."""
        super().save_model(request, obj, form, change)
        if change and {"title_zh", "description_zh"} & set(form.changed_data):
            from entrepot.translation.services import translation_review

            try:
                translation_review(
                    product=obj, title_zh=obj.title_zh, description_zh=obj.description_zh,
                    reviewer=request.user,
                )  # fmt: skip
            except ValueError as exc:
                messages.warning(request, str(exc))

    @admin.display(description=_("moderation"))
    def moderate(self, obj: Product) -> str:
        url = reverse("backoffice:listing_moderate", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("suspend or reinstate"))
