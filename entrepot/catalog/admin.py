from django.contrib import admin

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
