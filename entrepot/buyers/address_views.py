"""The buyer's address book: list, add, edit, delete, set the default.

A buyer sees and changes only their own addresses: each lookup is by (buyer, pk), so
another buyer's address answers 404, never 403 (which would confirm that it exists).
The forms work without JavaScript (cities are grouped by province; a wrong district is
answered with the list of right ones); a small script narrows the lists as one types.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from entrepot.buyers import selectors, services
from entrepot.buyers.forms import DISTRICT_LIST_ID, BookAddressForm
from entrepot.buyers.models import Buyer, BuyerAddress
from entrepot.buyers.views import buyer_required
from entrepot.domain.china_divisions import find_province


@never_cache
@require_safe
@buyer_required
def address_list(request: HttpRequest, buyer: Buyer) -> HttpResponse:
    book = selectors.address_book(buyer)
    return render(
        request,
        "buyers/addresses.html",
        {"addresses": book, "full": len(book) >= services.MAX_ADDRESSES,
         "max_addresses": services.MAX_ADDRESSES},
    )  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
@buyer_required
def address_add(request: HttpRequest, buyer: Buyer) -> HttpResponse:
    if request.method == "POST":
        form = BookAddressForm(request.POST)
        if form.is_valid():
            try:
                services.address_add(
                    buyer=buyer, fields=form.address_fields(),
                    make_default=form.cleaned_data["make_default"],
                )  # fmt: skip
            except services.AddressBookFull as full:
                form.add_error(None, str(full))
            else:
                messages.success(request, _("Address saved."))
                return redirect("buyers:addresses")
    else:
        form = BookAddressForm(initial={"recipient": buyer.display_name})
    return _form_page(request, form, address=None)


@never_cache
@require_http_methods(["GET", "POST"])
@buyer_required
def address_edit(request: HttpRequest, buyer: Buyer, pk: int) -> HttpResponse:
    address = _own(buyer, pk)
    if request.method == "POST":
        form = BookAddressForm(request.POST)
        if form.is_valid():
            services.address_update(
                address=address, fields=form.address_fields(),
                make_default=form.cleaned_data["make_default"],
            )  # fmt: skip
            messages.success(request, _("Address saved."))
            return redirect("buyers:addresses")
    else:
        form = BookAddressForm(initial=BookAddressForm.initial_for(address))
    return _form_page(request, form, address=address)


@require_POST
@buyer_required
def address_delete(request: HttpRequest, buyer: Buyer, pk: int) -> HttpResponse:
    services.address_delete(address=_own(buyer, pk))
    messages.success(request, _("Address deleted."))
    return redirect("buyers:addresses")


@require_POST
@buyer_required
def address_default(request: HttpRequest, buyer: Buyer, pk: int) -> HttpResponse:
    services.address_set_default(address=_own(buyer, pk))
    messages.success(request, _("Default address changed."))
    return redirect("buyers:addresses")


@require_safe
def districts(request: HttpRequest) -> JsonResponse:
    """The districts of one city, for the address form's suggestions (public data)."""
    province = find_province(request.GET.get("province", ""))
    city = province.city(request.GET.get("city", "")) if province else None
    response = JsonResponse({"districts": list(city.districts) if city else []})
    patch_cache_control(response, public=True, max_age=86400)
    return response


def _own(buyer: Buyer, pk: int) -> BuyerAddress:
    address = selectors.address_of(buyer, pk)
    if address is None:
        raise Http404(_("No such address in your address book."))
    return address


def _form_page(request: HttpRequest, form: BookAddressForm, *, address) -> HttpResponse:
    return render(
        request,
        "buyers/address_form.html",
        {"form": form, "address": address, "district_options": _district_options(form),
         "district_list_id": DISTRICT_LIST_ID},
    )  # fmt: skip


def _district_options(form: BookAddressForm) -> tuple[str, ...]:
    """The districts of the city the form holds, for the suggestions list (no JS needed)."""
    if form.is_bound:
        province_name, city_name = form.data.get("province", ""), form.data.get("city", "")
    else:
        province_name, city_name = form.initial.get("province", ""), form.initial.get("city", "")
    province = find_province(province_name or "")
    city = province.city(city_name or "") if province else None
    return city.districts if city else ()
