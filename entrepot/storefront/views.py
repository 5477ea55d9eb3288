"""Buyer-facing pages: server-rendered, Chinese first, working without JavaScript.

Every page answers conditional GETs (entrepot.storefront.http_cache) and caches what
pays: the category list, the home page's featured sellers, the category facets' counts,
the listings' rendered product cards and the product page's body. Warm, a product page
costs one query and a listing page one (two for a seller's shop).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from entrepot.catalog import selectors as catalog
from entrepot.catalog.models import Category
from entrepot.catalog.selectors import Page
from entrepot.logistics.selectors import delivery_promise
from entrepot.pricing.landed_cost import QuoteContext, quote_context_on
from entrepot.reviews.selectors import (
    best_rated_page,
    product_rating_and_seller,
    product_reviews,
    seller_score_of,
    seller_stats_or_none,
)
from entrepot.sellers.models import Seller
from entrepot.storefront import facets as facet
from entrepot.storefront import selectors
from entrepot.storefront.display import bilingual
from entrepot.storefront.facet_display import facet_groups
from entrepot.storefront.http_cache import conditional_page, digest, pricing_generations
from entrepot.storefront.selectors import landed, product_cards

HOME_PRODUCTS = 24
# rendered fragments (cards, product bodies) outlive no change their key sees; this
# bounds what it does not see (a seller renamed, a category renamed, a stock promise)
FRAGMENT_SECONDS = 300


def _before(request: HttpRequest) -> int | None:
    raw = request.GET.get("before")
    if raw in (None, ""):
        return None
    if not raw.isdecimal() or len(raw) > 18:
        raise Http404("before must be a product number")
    return int(raw)


def _context():
    return quote_context_on(timezone.now().date())


def _fragment_key(kind: str, *parts) -> str:
    """A cache key for a rendered fragment: what it shows, in which language, priced on
    which day with which rates and positive list."""
    when = (translation.get_language(), timezone.now().date(), pricing_generations())
    return f"storefront:{kind}:" + digest((*parts, *when))


def _listing(request: HttpRequest, version: str, load: Callable[[QuoteContext], Page]) -> dict:
    """The page's product cards, rendered (quoting and formatting two dozen cards is most
    of a listing page's time), cached per URL and catalogue version like the page's ETag.
    `load` reads the keyset page."""
    key = _fragment_key("cards", request.get_full_path(), version)
    cached = cache.get(key)
    if cached is None:
        context = _context()
        page = load(context)
        cards = product_cards(page.items, context=context)
        cached = {
            "cards_html": render_to_string("storefront/_cards.html", {"cards": cards}, request),
            "next_before": page.next_before,
        }
        cache.set(key, cached, FRAGMENT_SECONDS)
    return cached


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    version = selectors.catalogue_version()

    def page() -> HttpResponse:
        listing = _listing(
            request, version, lambda _c: catalog.published_products(limit=HOME_PRODUCTS)
        )
        return render(
            request,
            "storefront/home.html",
            {
                **listing,
                "categories": selectors.categories(),
                "featured": selectors.featured_sellers(),
            },
        )

    return conditional_page(request, (version,), page)


@require_safe
def category(request: HttpRequest, slug: str) -> HttpResponse:
    categories = selectors.categories()
    current = next((c for c in categories if c.slug == slug), None)
    if current is None:  # a category created since the list was cached
        current = get_object_or_404(Category, slug=slug)
    filters = facet.Filters.from_query(request.GET)
    before = _before(request)
    version = selectors.catalogue_version()
    # newest first (keyset by `before`), or best rated (numbered pages, entrepot.reviews)
    best_rated = request.GET.get("sort") == "best_rated"
    page_number = _reviews_page(request, "page") if best_rated else 1

    def load(context):
        if best_rated:
            rows = facet.apply(facet.published_in(current), filters, context.rates)
            return best_rated_page(rows, page=page_number, limit=settings.ENTREPOT_PAGE_SIZE)
        return selectors.category_page(
            category=current,
            filters=filters,
            rates=context.rates,
            before=before,
            limit=settings.ENTREPOT_PAGE_SIZE,
        )

    def page() -> HttpResponse:
        listing = _listing(request, version, load)
        counts = facet.facet_counts(
            category=current, filters=filters, rates=_context().rates, version=version
        )
        next_before = listing["next_before"]
        return render(
            request,
            "storefront/category.html",
            {
                **listing,
                "categories": categories,
                "category": current,
                "next_url": (
                    None
                    if not next_before
                    else filters.query(sort="best_rated", page=next_before)
                    if best_rated
                    else filters.query(before=next_before)
                ),
                "sorts": [
                    (_("Newest"), filters.query(), not best_rated),
                    (_("Best rated"), filters.query(sort="best_rated"), best_rated),
                ],
                "filters": filters,
                "facets": facet_groups(counts, filters),
            },
        )

    return conditional_page(request, (version,), page)


def _product_body(request: HttpRequest, pk: int, reviews_page: int = 1) -> dict:
    """The product page's body, rendered: the same for every visitor (no CSRF token in
    it: adding to the cart checks the request's origin instead)."""
    item = catalog.published_product(pk)
    rating, seller_score = product_rating_and_seller(product_id=pk, seller_id=item.seller_id)
    context = _context()
    variants = [
        (v, landed(context, sku=v.sku, product=item, price=v.price)) for v in item.variants.all()
    ]
    selected = variants[0][1] if variants else None
    body = render_to_string(
        "storefront/_product.html",
        {
            "product": item,
            "variants": variants,
            "rates_as_of": context.rates.as_of,
            "selected": selected,
            "fx": selected.quote.fx if selected and selected.quote else (),
            "promise": delivery_promise(item),
            "rating": rating,
            "seller_score": seller_score,
            "review_page": product_reviews(product_id=pk, page=reviews_page),
        },
        request,
    )
    return {"title": bilingual(item, "title"), "category_id": item.category_id, "body": body}


def _reviews_page(request: HttpRequest, name: str = "reviews") -> int:
    raw = request.GET.get(name, "1") or "1"
    if not raw.isdecimal() or not 1 <= int(raw) <= 10_000:
        raise Http404(f"{name} must be a page number")
    return int(raw)


@require_safe
def product(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.product_version(pk)
    if version is None:
        raise Http404("no such product for sale")

    reviews_page = _reviews_page(request)

    def page() -> HttpResponse:
        key = _fragment_key("product", pk, version, reviews_page)
        cached = cache.get(key)
        if cached is None:
            cached = _product_body(request, pk, reviews_page)
            cache.set(key, cached, FRAGMENT_SECONDS)
        return render(
            request,
            "storefront/product.html",
            {
                **cached,
                "categories": selectors.categories(),
                "current_category": {"id": cached["category_id"]},
            },
        )

    return conditional_page(request, version, page)


@require_safe
def seller_shop(request: HttpRequest, slug: str) -> HttpResponse:
    seller = get_object_or_404(Seller.objects.select_related("stats"), slug=slug)
    before = _before(request)
    version = selectors.catalogue_version()

    def page() -> HttpResponse:
        listing = _listing(
            request,
            version,
            lambda _c: catalog.published_products(
                before=before, limit=settings.ENTREPOT_PAGE_SIZE, seller=seller
            ),
        )
        return render(
            request,
            "storefront/seller.html",
            {
                **listing,
                "seller": seller,
                "score": seller_score_of(seller_stats_or_none(seller)),
                "categories": selectors.categories(),
            },
        )

    return conditional_page(request, (version,), page)
