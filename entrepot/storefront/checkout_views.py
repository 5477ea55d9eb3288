"""Cart, checkout and the buyer's orders. Chinese first, like the rest of the storefront."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from entrepot.buyers.forms import (
    MobileField,
    city_field,
    clean_address_line,
    clean_division,
    district_field,
    province_field,
)
from entrepot.buyers.models import Buyer
from entrepot.buyers.selectors import address_book
from entrepot.buyers.services import AddressFields, address_remember
from entrepot.catalog.models import Product, ProductVariant
from entrepot.config import ratelimit
from entrepot.logistics.selectors import tracking_of
from entrepot.orders.checkout import Address, CartLine, CheckoutRefused, checkout_place
from entrepot.orders.models import Checkout, Order
from entrepot.orders.payment_flow import checkout_pay
from entrepot.storefront.cart import cart_add, cart_clear, cart_lines, cart_persist, cart_set
from entrepot.storefront.cart_json import cart_json
from entrepot.storefront.cart_totals import cart_summary
from entrepot.storefront.cross_origin import is_cross_site


def _buyer(request: HttpRequest) -> Buyer:
    try:
        return request.user.buyer
    except Buyer.DoesNotExist:
        raise PermissionDenied(_("This account has no buyer profile.")) from None


@csrf_exempt  # the product page is cached for everybody: the origin is checked instead
@require_POST
def cart_add_view(request: HttpRequest) -> HttpResponse:
    if is_cross_site(request):
        return HttpResponseForbidden(_("Add to the cart from this shop's own pages."))
    try:
        variant_id = int(request.POST["variant"])
        quantity = int(request.POST.get("quantity", "1"))
    except (KeyError, ValueError):
        return HttpResponseBadRequest(
            _("Choose a variant, and a whole number of units, to add to the cart.")
        )
    variant = get_object_or_404(
        ProductVariant, pk=variant_id, product__status=Product.Status.PUBLISHED
    )
    cart_add(request, variant.pk, max(1, quantity))
    messages.success(request, _("Added to your cart."))
    return cart_persist(request, redirect("storefront:cart"))


def _cart_buyer(request: HttpRequest) -> Buyer | None:
    return getattr(request.user, "buyer", None) if request.user.is_authenticated else None


def _set_quantities(request: HttpRequest) -> None:
    """Apply the form's qty-<variant> fields (0 removes the line; junk is ignored)."""
    for key, value in request.POST.items():
        number = key.removeprefix("qty-")
        if (
            key.startswith("qty-") and number.isdecimal() and len(number) < 19
            and value.strip().isdecimal()
        ):  # fmt: skip
            cart_set(request, int(number), int(value))


@require_http_methods(["GET", "POST"])
def cart_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":  # the form without JavaScript
        _set_quantities(request)
        return cart_persist(request, redirect("storefront:cart"))
    buyer = _cart_buyer(request)
    summary = cart_summary(cart_lines(request), buyer=buyer, now=timezone.now())
    response = render(
        request,
        "storefront/cart.html",
        {"summary": summary, "address_form": AddressForm(initial=_address_initial(buyer))},
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@require_POST
def cart_update_view(request: HttpRequest) -> JsonResponse:
    """The cart page's script: new quantities in, the new totals and notices out (JSON).
    CSRF-protected like any form post; the page's own form carries the token."""
    _set_quantities(request)
    summary = cart_summary(cart_lines(request), buyer=_cart_buyer(request), now=timezone.now())
    response = JsonResponse(cart_json(request, summary))
    response["Cache-Control"] = "no-store"
    return cart_persist(request, response)


NEW_ADDRESS = "new"


class AddressForm(forms.Form):
    """The checkout's delivery step: an address of the buyer's book (the default one
    preselected) or a new address, which is then kept in the book.

    The book comes in `initial["address_book"]` (see _address_initial), so the cart page
    and the checkout build the form alike. A new address is the province, city and
    district chosen plus the street in consignee_address, or the whole address on one
    line in consignee_address, starting with province, city and district
    (浙江省杭州市西湖区文三路100号).
    """

    saved_address = forms.ChoiceField(
        label=_lazy("Deliver to"), required=False,
        # the page's form style stretches inputs to the full width; not the radio buttons
        widget=forms.RadioSelect(attrs={"style": "width:auto"}),
    )  # fmt: skip
    consignee_name = forms.CharField(label=_lazy("Consignee"), max_length=60, required=False)
    consignee_phone = MobileField(label=_lazy("Mobile phone"), required=False)
    province = province_field(required=False)
    city = city_field(required=False)
    district = district_field(required=False)
    consignee_address = forms.CharField(
        label=_lazy("Street, building and number"), max_length=300, required=False,
        help_text=_lazy("Or the whole address on one line, starting with the province, city "
                        "and district."),
    )  # fmt: skip

    NEW_ADDRESS_FIELDS = ("consignee_name", "consignee_phone", "province", "city", "district")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # buyers outside mainland China give their address as they write it at home, and
        # any phone number in international form; China's divisions do not apply to them
        self.abroad = self.initial.get("country", "CN") != "CN"
        if self.abroad:
            for name in ("province", "city", "district"):
                del self.fields[name]
            self.fields["consignee_phone"] = forms.RegexField(
                label=_lazy("Phone"), regex=r"^\+?[0-9 ()-]{7,20}$", required=False,
                error_messages={"invalid": _lazy(
                    "Give a phone number of 7 to 20 digits, e.g. +1 614 555 0100.")},
            )  # fmt: skip
            self.fields["consignee_address"].label = _lazy("Delivery address")
            self.fields["consignee_address"].help_text = _lazy(
                "Street and number, city, postcode, as you would write it at home.")
        self.book = {str(a.pk): a for a in self.initial.get("address_book") or ()}
        if not self.book:
            del self.fields["saved_address"]
            return
        self.fields["saved_address"].choices = [
            *((pk, f"{a.recipient} {a.phone} {a.address_line}") for pk, a in self.book.items()),
            (NEW_ADDRESS, _("A new address, below (kept in your address book)")),
        ]

    def clean(self):
        data = super().clean()
        if "saved_address" in self.errors:
            return data
        choice = data.get("saved_address") or NEW_ADDRESS
        if choice != NEW_ADDRESS:
            for name in self.NEW_ADDRESS_FIELDS:  # not used: a slip there is no error
                self.errors.pop(name, None)
            if (data.get("consignee_address") or "").strip():
                self.add_error("saved_address", _(
                    "You chose a saved address and also typed a new one: choose “A new "
                    "address” to use what you typed, or clear the street."))  # fmt: skip
            data["saved"] = self.book[choice]
            return data
        for name in ("consignee_name", "consignee_phone", "consignee_address"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, self.fields[name].error_messages["required"])
        if self.abroad:
            if len((data.get("consignee_address") or "").strip()) < 8:
                self.add_error("consignee_address", _(
                    "Give the whole delivery address: street and number, city, postcode."))
            return data
        clean_address_line(self, street_field="consignee_address")
        data["division"] = clean_division(self)
        return data

    def delivery(self) -> tuple[Address, AddressFields | None]:
        """The order's consignee, and the new address to keep (None for a saved one)."""
        data = self.cleaned_data
        if "saved" in data:
            saved = data["saved"]
            return Address(name=saved.recipient, phone=saved.phone,
                           address=saved.address_line), None  # fmt: skip
        if self.abroad:  # kept on the order only: the address book holds Chinese addresses
            return Address(name=data["consignee_name"].strip(), phone=data["consignee_phone"],
                           address=data["consignee_address"].strip()), None  # fmt: skip
        fields = AddressFields(
            recipient=data["consignee_name"].strip(), phone=data["consignee_phone"],
            division=data["division"], street=data["consignee_address"],
        )  # fmt: skip
        address = fields.division.address_line(fields.street)
        return Address(name=fields.recipient, phone=fields.phone, address=address), fields


def _address_initial(buyer: Buyer | None) -> dict:
    """The delivery step's starting point: the buyer's address book with the default
    address chosen, and the consignee's name and phone for a new address."""
    if buyer is None:
        return {}
    book = address_book(buyer) if buyer.country == "CN" else []
    identity = getattr(buyer, "identity", None)
    initial = {
        "country": buyer.country,
        "address_book": book,
        "consignee_name": identity.name if identity else buyer.display_name,
        "consignee_phone": buyer.phone,
    }
    if book:
        default = next((a for a in book if a.is_default), book[0])
        initial["saved_address"] = str(default.pk)
    return initial


@require_POST
@login_required
def checkout_view(request: HttpRequest) -> HttpResponse:
    ratelimit.check(request, "checkout", account=f"user:{request.user.pk}")
    buyer = _buyer(request)
    lines = [CartLine(variant_id, qty) for variant_id, qty in cart_lines(request).items()]
    if buyer.country == "CN" and not hasattr(buyer, "identity"):
        messages.info(request, _("China's customs need your real name first (once)."))
        return redirect(f"{reverse('buyers:identity')}?next={reverse('storefront:cart')}")
    form = AddressForm(request.POST, initial=_address_initial(buyer))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect("storefront:cart")
    address, new = form.delivery()
    if new is not None:
        # kept before the order is placed: a refused checkout keeps it preselected
        address_remember(buyer=buyer, fields=new)
    try:
        checkout = checkout_place(
            buyer=buyer, lines=lines, actor=request.user.get_username(), address=address
        )
    except CheckoutRefused as refused:
        for error in refused.errors:
            messages.error(request, error.message)
        return redirect("storefront:cart")
    cart_clear(request)
    return cart_persist(request, redirect("storefront:checkout_review", pk=checkout.pk))


@require_http_methods(["GET", "POST"])
@login_required
def checkout_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The locked quote, per seller, until it expires; Pay sends the buyer to the wallet."""
    buyer = _buyer(request)
    checkout = get_object_or_404(Checkout, pk=pk, buyer=buyer)
    if request.method == "POST":  # Pay: only the orders' states matter, not the orders
        states = set(checkout.orders.values_list("status", flat=True))
        if checkout.expires_at >= timezone.now() and states == {Order.Status.PLACED}:
            checkout.buyer = buyer  # the one already read, with its identity
            return redirect(checkout_pay(checkout).payer_url)
        messages.error(request, _("This quote has expired or is paid: check out again."))
    orders = list(checkout.orders.select_related("seller").prefetch_related("lines"))
    expired = checkout.expires_at < timezone.now() or any(
        o.status != Order.Status.PLACED for o in orders
    )
    return render(
        request,
        "storefront/checkout_review.html",
        {"checkout": checkout, "orders": orders, "expired": expired},
    )


@require_safe
@login_required
def orders_view(request: HttpRequest) -> HttpResponse:
    buyer = _buyer(request)
    orders = Order.objects.filter(buyer=buyer).select_related("seller").order_by("-placed_at")[:50]
    return render(request, "storefront/orders.html", {"orders": orders})


@require_safe
@login_required
def order_view(request: HttpRequest, number: str) -> HttpResponse:
    order = get_object_or_404(
        Order.objects.select_related("seller", "shipment").prefetch_related("lines", "events"),
        number=number,
        buyer=_buyer(request),
    )
    return render(
        request, "storefront/order.html", {"order": order, "tracking": tracking_of(order)}
    )
