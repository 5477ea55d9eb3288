"""Cart, checkout and the buyer's orders. Chinese first, like the rest of the storefront."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from entrepot.buyers.models import Buyer
from entrepot.catalog.models import Product, ProductVariant
from entrepot.domain.money import Money
from entrepot.orders.checkout import CartLine, CheckoutRefused, checkout_place
from entrepot.orders.models import Order
from entrepot.orders.payment_flow import checkout_reference
from entrepot.payments.services import payment_create
from entrepot.pricing.landed_cost import quote_context_on
from entrepot.storefront.cart import cart_add, cart_clear, cart_lines, cart_set
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
    return redirect("storefront:cart")


@require_http_methods(["GET", "POST"])
def cart_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        for key, value in request.POST.items():
            if key.startswith("qty-") and value.strip().isdigit():
                cart_set(request, int(key.removeprefix("qty-")), int(value))
        return redirect("storefront:cart")
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
    return render(
        request,
        "storefront/cart.html",
        {"groups": dict(groups), "total": total, "empty": not lines},
    )


@require_POST
@login_required
def checkout_view(request: HttpRequest) -> HttpResponse:
    buyer = _buyer(request)
    lines = [CartLine(variant_id, qty) for variant_id, qty in cart_lines(request).items()]
    if buyer.country == "CN" and not hasattr(buyer, "identity"):
        messages.info(request, _("China's customs need your real name first (once)."))
        return redirect(f"{reverse('buyers:identity')}?next={reverse('storefront:cart')}")
    try:
        checkout = checkout_place(buyer=buyer, lines=lines, actor=request.user.get_username())
    except CheckoutRefused as refused:
        for error in refused.errors:
            messages.error(request, error.message)
        return redirect("storefront:cart")
    identity = getattr(buyer, "identity", None)
    payment = payment_create(
        reference=checkout_reference(checkout),
        amount=Money(checkout.total_amount, checkout.currency),
        payer_name=identity.name if identity else buyer.display_name,
        payer_id_fingerprint=identity.id_number_fingerprint if identity else "",
    )
    cart_clear(request)
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
