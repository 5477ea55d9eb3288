"""Creating, editing and publishing listings in seller central."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from entrepot.catalog import selectors as catalog
from entrepot.catalog.models import Product
from entrepot.catalog.services import (
    ListingInput,
    ListingNotAllowed,
    ListingNotReady,
    VariantInput,
    listing_create,
    listing_publish,
    listing_unpublish,
    listing_update,
)
from entrepot.sellercentral.forms import ImageForm, ListingForm, VariantFormSet
from entrepot.sellercentral.views import seller_required
from entrepot.sellers.models import Seller


def _listing_input(form: ListingForm, formset) -> ListingInput:
    data = form.cleaned_data
    return ListingInput(
        category=data["category"], title_en=data["title_en"], title_zh=data["title_zh"],
        description_en=data["description_en"], description_zh=data["description_zh"],
        brand=data["brand"], hs_code=data["hs_code"], origin_country=data["origin_country"],
        weight_grams=data["weight_grams"] or 0, net_content_value=data["net_content_value"],
        net_content_unit=data["net_content_unit"] or "",
        variants=tuple(
            VariantInput(
                sku=f.cleaned_data["sku"], name_en=f.cleaned_data["name_en"],
                name_zh=f.cleaned_data["name_zh"], price_amount=f.cleaned_data["price"],
                stock=f.cleaned_data["stock"],
            )
            for f in formset.forms
            if f.cleaned_data
        ),
    )  # fmt: skip


def _suggestions(request: HttpRequest, form: ListingForm) -> list:
    """HS suggestions when the seller pressed "Suggest HS codes" (works without JavaScript)."""
    if "suggest_hs" not in request.POST:
        return []
    from entrepot.catalog.hs_suggest import suggest_hs_codes

    title = request.POST.get("title_en", "").strip()
    category = form.fields["category"].queryset.filter(pk=request.POST.get("category") or 0)
    slug = category.values_list("slug", flat=True).first()
    return suggest_hs_codes(title_en=title[:200], category_slug=slug) if title else []


def _render_form(request, seller, form, formset, product=None, suggestions=()):
    return render(
        request,
        "sellercentral/listing_form.html",
        {"seller": seller, "form": form, "formset": formset, "product": product,
         "suggestions": suggestions},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@seller_required
def listing_new(request: HttpRequest, seller: Seller) -> HttpResponse:
    form = ListingForm(request.POST or None, initial={"origin_country": seller.country})
    formset = VariantFormSet(request.POST or None, form_kwargs={"currency": seller.currency})
    if request.method == "POST" and "suggest_hs" not in request.POST:
        if form.is_valid() and formset.is_valid():
            product = listing_create(seller=seller, data=_listing_input(form, formset))
            messages.success(request, _("Draft saved. Check what China requires, then publish."))
            return redirect("sellercentral:product", pk=product.pk)
    return _render_form(request, seller, form, formset, suggestions=_suggestions(request, form))


def _initial(product: Product) -> tuple[dict, list[dict]]:
    listing = {
        "category": product.category_id, "title_en": product.title_en,
        "title_zh": product.title_zh, "description_en": product.description_en,
        "description_zh": product.description_zh, "brand": product.brand,
        "hs_code": product.hs_code, "origin_country": product.origin_country,
        "weight_grams": product.weight_grams, "net_content_value": product.net_content_value,
        "net_content_unit": product.net_content_unit,
    }  # fmt: skip
    variants = [
        {
            "sku": v.sku,
            "name_en": v.name_en,
            "name_zh": v.name_zh,
            "price": v.price_amount,
            "stock": v.stock,
        }  # fmt: skip
        for v in product.variants.all()
    ]
    return listing, variants


@require_http_methods(["GET", "POST"])
@seller_required
def listing_edit(request: HttpRequest, seller: Seller, pk: int) -> HttpResponse:
    product = catalog.seller_product(seller=seller, product_id=pk)
    listing, variants = _initial(product)
    form = ListingForm(request.POST or None, initial=listing)
    formset = VariantFormSet(
        request.POST or None, initial=variants, form_kwargs={"currency": seller.currency}
    )
    formset.product = product
    if request.method == "POST" and "suggest_hs" not in request.POST:
        if form.is_valid() and formset.is_valid():
            listing_update(product=product, data=_listing_input(form, formset))
            messages.success(request, _("Listing saved."))
            return redirect("sellercentral:product", pk=product.pk)
    return _render_form(request, seller, form, formset, product, _suggestions(request, form))


@require_POST
@seller_required
def listing_publish_view(request: HttpRequest, seller: Seller, pk: int) -> HttpResponse:
    product = catalog.seller_product(seller=seller, product_id=pk)
    try:
        listing_publish(product=product)
    except ListingNotAllowed as exc:
        messages.error(request, str(exc))
    except ListingNotReady:
        messages.error(
            request, _("Not published yet: fix what is listed under “Before you can publish”.")
        )
    else:
        messages.success(request, _("Published: buyers in China can find it now."))
    return redirect("sellercentral:product", pk=product.pk)


@require_POST
@seller_required
def listing_unpublish_view(request: HttpRequest, seller: Seller, pk: int) -> HttpResponse:
    product = catalog.seller_product(seller=seller, product_id=pk)
    listing_unpublish(product=product)
    messages.success(request, _("Taken off the storefront; it is a draft again."))
    return redirect("sellercentral:product", pk=product.pk)


@require_POST
@seller_required
def listing_image_add(request: HttpRequest, seller: Seller, pk: int) -> HttpResponse:
    from entrepot.catalog.images import ImageRejected, image_add

    product = catalog.seller_product(seller=seller, product_id=pk)
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a picture to upload."))
    else:
        try:
            image_add(product=product, upload=form.cleaned_data["image"])
        except ImageRejected as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Picture added."))
    return redirect("sellercentral:product", pk=product.pk)
