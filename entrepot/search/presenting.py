"""Labels of search facets and the cards of a result page, shared by the page and the API.

Labels are in the active language (the caller overrides it for the API's `lang`).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from entrepot.pricing.landed_cost import quote_context_on
from entrepot.search.selectors import FacetValue, SearchResult, hit_products
from entrepot.storefront.display import bilingual, country_name
from entrepot.storefront.selectors import ProductCard, product_cards


def price_label(key: str) -> str:
    low, _sep, high = key.partition("-")
    if not high:
        return _("%(low)s CNY and over") % {"low": f"{int(low):,}"}
    return _("%(low)s–%(high)s CNY") % {"low": f"{int(low):,}", "high": f"{int(high):,}"}


def mode_label(mode: str) -> str:
    if mode == "bonded":
        return _("From a bonded warehouse in China: arrives in days")
    return _("Direct mail from the seller's country")


def facet_title(name: str) -> str:
    return {
        "category": _("Category"),
        "origin": _("Country of origin"),
        "seller": _("Seller"),
        "price": _("Goods price"),
        "in_stock": _("Availability"),
        "mode": _("Delivery"),
    }[name]


def facet_label(result: SearchResult, name: str, value: FacetValue) -> str:
    if name == "category":
        category = result.categories.get(value.value)
        return bilingual(category, "name") if category else value.value
    if name == "origin":
        return country_name(value.value)
    if name == "seller":
        seller = result.sellers.get(value.value)
        return seller.business_name if seller else value.value
    if name == "price":
        return price_label(value.value)
    if name == "in_stock":
        return _("In stock")
    return mode_label(value.value)


def result_cards(result: SearchResult) -> list[ProductCard]:
    """The page's hits as storefront cards: landed price in CNY, as on category pages."""
    products = hit_products(result.hits)
    return product_cards(products, context=quote_context_on(timezone.now().date()))
