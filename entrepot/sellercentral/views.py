"""Seller central: a seller's own workspace. English first.

Every read is scoped to the logged-in seller: another seller's product ids
answer 404, exactly like ids that do not exist.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from entrepot.catalog import selectors as catalog
from entrepot.sellers.models import Seller


def seller_required(view):
    """Log in first; then only accounts with a seller profile may enter."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        try:
            seller = request.user.seller
        except Seller.DoesNotExist:
            raise PermissionDenied(_("This account has no seller profile.")) from None
        return view(request, seller, *args, **kwargs)

    return wrapper


@require_safe
@seller_required
def home(request: HttpRequest, seller: Seller) -> HttpResponse:
    raw = request.GET.get("before", "")
    if raw and not raw.isdigit():
        raise Http404("before must be a product number")
    page = catalog.seller_products(seller=seller, before=int(raw) if raw else None)
    return render(
        request,
        "sellercentral/home.html",
        {"seller": seller, "products": page.items, "next_before": page.next_before},
    )


@require_safe
@seller_required
def product(request: HttpRequest, seller: Seller, pk: int) -> HttpResponse:
    from entrepot.catalog.listing_check import listing_problems_for, problem_message
    from entrepot.sellercentral.forms import ImageForm

    item = catalog.seller_product(seller=seller, product_id=pk)
    problems = [
        {"blocking": p.blocking, "field": p.field, "message": problem_message(p)}
        for p in listing_problems_for(item)
    ]
    stocks = item_stocks(item)
    return render(
        request,
        "sellercentral/product.html",
        {"seller": seller, "product": item, "problems": problems, "stocks": stocks,
         "blocking": any(p["blocking"] for p in problems), "image_form": ImageForm()},
    )  # fmt: skip


def item_stocks(item) -> list:
    """Stock rows of a listing's variants with their warehouses (one query)."""
    from entrepot.logistics.models import Stock

    return list(
        Stock.objects.filter(variant__product=item)
        .select_related("warehouse", "variant")
        .order_by("variant__position", "warehouse_id")
    )
