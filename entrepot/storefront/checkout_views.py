"""Cart, checkout and the buyer's orders. Chinese first, like the rest of the storefront."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from entrepot.buyers.models import Buyer
from entrepot.catalog.models import Product, ProductVariant
from entrepot.domain.money import Money
from entrepot.orders.checkout import Address, CartLine, CheckoutRefused, checkout_place
from entrepot.orders.models import Checkout, Order
from entrepot.orders.payment_flow import checkout_reference
from entrepot.payments.services import payment_create
from entrepot.pricing.landed_cost import quote_context_on
from entrepot.storefront.cart import cart_add, cart_clear, cart_lines, cart_persist, cart_set
from entrepot.storefront.selectors import landed


def _buyer(request: HttpRequest) -> Buyer:
    try:
        return request.user.buyer
    except Buyer.DoesNotExist:
        raise PermissionDenied(_("This account has no buyer profile.")) from None


@require_POST
def cart_add_view(request: HttpRequest) -> HttpResponse:
    try:
        variant_id = int(request.POST["variant"])
        quantity = int(request.POST.get("quantity", "1"))
    except (KeyError, ValueError):
        raise Http404("choose a variant") from None
    variant = get_object_or_404(
        ProductVariant, pk=variant_id, product__status=Product.Status.PUBLISHED
    )
    cart_add(request, variant.pk, max(1, quantity))
    messages.success(request, _("Added to your cart."))
    return cart_persist(request, redirect("storefront:cart"))


@require_http_methods(["GET", "POST"])
def cart_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        for key, value in request.POST.items():
            if key.startswith("qty-") and value.strip().isdigit():
                cart_set(request, int(key.removeprefix("qty-")), int(value))
        return cart_persist(request, redirect("storefront:cart"))
    lines = cart_lines(request)
    variants = (
        ProductVariant.objects.filter(pk__in=lines, product__status=Product.Status.PUBLISHED)
        .select_related("product__seller")
        .order_by("product__seller_id", "id")
    )
    context = quote_context_on(timezone.now().date())
    groups: dict = defaultdict(list)
    total = Money.zero("CNY")
    for variant in variants:
        quantity = lines[variant.pk]
        price = landed(context, sku=variant.sku, product=variant.product, price=variant.price)
        line_total = price.display * quantity
        total += line_total
        groups[variant.product.seller].append((variant, quantity, price, line_total))
    buyer = getattr(request.user, "buyer", None) if request.user.is_authenticated else None
    return render(
        request,
        "storefront/cart.html",
        {"groups": dict(groups), "total": total, "empty": not lines,
         "address_form": AddressForm(initial=_address_initial(buyer))},
    )  # fmt: skip


class AddressForm(forms.Form):
    consignee_name = forms.CharField(label=_lazy("Consignee"), max_length=60)
    consignee_phone = forms.RegexField(
        label=_lazy("Mobile phone"), regex=r"^\+?[0-9][0-9 -]{6,18}$", max_length=20,
        error_messages={"invalid": _lazy("Enter a phone number, e.g. 13800138000.")},
    )  # fmt: skip
    consignee_address = forms.CharField(
        label=_lazy("Delivery address (province, city, district, street, number)"),
        max_length=300, min_length=6,
    )  # fmt: skip


def _address_initial(buyer: Buyer | None) -> dict:
    if buyer is None:
        return {}
    identity = getattr(buyer, "identity", None)
    return {
        "consignee_name": identity.name if identity else buyer.display_name,
        "consignee_address": f"{buyer.province}{buyer.city}",
    }


@require_POST
@login_required
def checkout_view(request: HttpRequest) -> HttpResponse:
    buyer = _buyer(request)
    lines = [CartLine(variant_id, qty) for variant_id, qty in cart_lines(request).items()]
    if buyer.country == "CN" and not hasattr(buyer, "identity"):
        messages.info(request, _("China's customs need your real name first (once)."))
        return redirect(f"{reverse('buyers:identity')}?next={reverse('storefront:cart')}")
    form = AddressForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
        return redirect("storefront:cart")
    address = Address(
        name=form.cleaned_data["consignee_name"], phone=form.cleaned_data["consignee_phone"],
        address=form.cleaned_data["consignee_address"],
    )  # fmt: skip
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
    orders = checkout.orders.select_related("seller")
    # the lines are shown, never needed to pay
    orders = list(orders.prefetch_related("lines") if request.method == "GET" else orders)
    expired = checkout.expires_at < timezone.now() or any(
        o.status != Order.Status.PLACED for o in orders
    )
    if request.method == "GET" or expired:
        if request.method == "POST":
            messages.error(request, _("This quote has expired or is paid: check out again."))
        return render(
            request,
            "storefront/checkout_review.html",
            {"checkout": checkout, "orders": orders, "expired": expired},
        )
    identity = getattr(buyer, "identity", None)
    payment = payment_create(
        reference=checkout_reference(checkout),
        amount=Money(checkout.total_amount, checkout.currency),
        payer_name=identity.name if identity else buyer.display_name,
        payer_id_fingerprint=identity.id_number_fingerprint if identity else "",
    )
    return redirect(payment.payer_url)


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
        Order.objects.select_related("seller").prefetch_related("lines", "events"),
        number=number,
        buyer=_buyer(request),
    )
    return render(request, "storefront/order.html", {"order": order})
