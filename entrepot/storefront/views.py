"""Buyer-facing pages: server-rendered, Chinese first, working without JavaScript."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from entrepot.catalog import selectors as catalog
from entrepot.logistics.selectors import delivery_promise
from entrepot.pricing.landed_cost import quote_context_on
from entrepot.sellers.models import Seller
from entrepot.storefront.selectors import landed, product_cards

HOME_PRODUCTS = 24


def _before(request: HttpRequest) -> int | None:
    raw = request.GET.get("before")
    if raw in (None, ""):
        return None
    if not raw.isdigit():
        raise Http404("before must be a product number")
    return int(raw)


def _context():
    return quote_context_on(timezone.now().date())


def _cards(products):
    return product_cards(products, context=_context())


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    page = catalog.published_products(limit=HOME_PRODUCTS)
    return render(
        request,
        "storefront/home.html",
        {"categories": catalog.category_list(), "cards": _cards(page.items)},
    )


def _listing(request: HttpRequest, template: str, context: dict, **scope) -> HttpResponse:
    """A keyset-paged page of product cards in `scope` (a category or a seller)."""
    page = catalog.published_products(
        before=_before(request), limit=settings.ENTREPOT_PAGE_SIZE, **scope
    )
    if "categories" not in context:
        context["categories"] = catalog.category_list()
    return render(
        request,
        template,
        {**context, "cards": _cards(page.items), "next_before": page.next_before},
    )


@require_safe
def category(request: HttpRequest, slug: str) -> HttpResponse:
    categories = catalog.category_list()
    current = next((c for c in categories if c.slug == slug), None)
    if current is None:
        raise Http404("no such category")
    return _listing(
        request,
        "storefront/category.html",
        {"categories": categories, "category": current},
        category=current,
    )


@require_safe
def product(request: HttpRequest, pk: int) -> HttpResponse:
    item = catalog.published_product(pk)
    context = _context()
    variants = [
        (v, landed(context, sku=v.sku, product=item, price=v.price)) for v in item.variants.all()
    ]
    return render(
        request,
        "storefront/product.html",
        {
            "product": item,
            "variants": variants,
            "rates_as_of": context.rates.as_of,
            "selected": variants[0][1] if variants else None,
            "promise": delivery_promise(item),
            "categories": catalog.category_list(),
        },
    )


@require_safe
def seller_shop(request: HttpRequest, slug: str) -> HttpResponse:
    seller = get_object_or_404(Seller, slug=slug)
    return _listing(request, "storefront/seller.html", {"seller": seller}, seller=seller)
