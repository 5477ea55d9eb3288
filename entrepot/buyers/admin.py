from django.contrib import admin

from entrepot.buyers.models import Buyer, BuyerAddress, BuyerIdentity


@admin.register(Buyer)
class BuyerAdmin(admin.ModelAdmin):
    list_display = ("display_name", "country", "province", "city", "created_at")
    list_filter = ("country",)
    search_fields = ("display_name", "phone")
    raw_id_fields = ("user",)
    show_full_result_count = False


@admin.register(BuyerIdentity)
class BuyerIdentityAdmin(admin.ModelAdmin):
    """Read-only: the name and the masked number, never the ciphertext or the clear number
    (nor the birth date, which the mask hides too).

    Identities are written by the buyer through the verification page only, where consent
    is recorded; the back office reads.
    """

    list_display = ("name", "id_number_masked", "buyer", "verified_at")
    fields = (
        "buyer", "name", "id_number_masked", "verified_at",
        "consent_purpose", "consent_text_version", "consent_at",
    )  # fmt: skip
    readonly_fields = fields
    search_fields = ("name", "buyer__display_name")
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BuyerAddress)
class BuyerAddressAdmin(admin.ModelAdmin):
    """For support: buyers keep their own address book through the account pages."""

    list_display = ("recipient", "province", "city", "district", "buyer", "is_default")
    list_filter = ("province",)
    search_fields = ("recipient", "buyer__display_name")
    raw_id_fields = ("buyer",)
    show_full_result_count = False
