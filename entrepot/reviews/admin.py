"""Read-only views of reviews and counters in the Django admin: writes go through the
services (the back office's Reviews page hides a review; counters are recounted with
`entrepot manage seller_stats_recompute`)."""

from django.contrib import admin

from entrepot.reviews.models import ProductRating, Review, SellerStats


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("id", "product", "seller", "stars", "created_at", "replied_at", "hidden_at")
    list_filter = ("stars",)
    list_select_related = ("product", "seller")
    search_fields = ("text",)


@admin.register(SellerStats)
class SellerStatsAdmin(ReadOnlyAdmin):
    list_display = ("seller", "score", "orders_paid", "shipped_on_time", "shipped",
                    "declarations_rejected", "returns", "disputes", "ratings_count")  # fmt: skip
    list_select_related = ("seller",)


@admin.register(ProductRating)
class ProductRatingAdmin(ReadOnlyAdmin):
    list_display = ("product", "ratings_count", "ratings_sum")
    list_select_related = ("product",)
