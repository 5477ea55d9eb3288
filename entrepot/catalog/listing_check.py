"""The publishing check of a stored product: snapshot, positive list, and the words to say.

The rules themselves are pure (entrepot.domain.listing_rules); this module feeds them a
product and the positive list in force, and turns each problem into a sentence that says
what is missing and what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from entrepot.catalog.models import Product
from entrepot.domain import listing_rules as rules
from entrepot.domain.listing_rules import ListingProblem, ListingSnapshot
from entrepot.pricing.positive_list import positive_list_in_force


def listing_snapshot(product: Product) -> ListingSnapshot:
    """The product as the rules see it. Reads `product.variants.all()`: prefetch it for lists."""
    variants = list(product.variants.all())
    return ListingSnapshot(
        title_en=product.title_en,
        title_zh=product.title_zh,
        description_en=product.description_en,
        description_zh=product.description_zh,
        hs_code=product.hs_code,
        origin_country=product.origin_country,
        weight_grams=product.weight_grams,
        net_content_value=product.net_content_value,
        net_content_unit=product.net_content_unit,
        variant_prices=tuple(variant.price_amount for variant in variants),
        total_stock=sum(variant.stock for variant in variants),
        translation_status=product.translation_status,
    )


def listing_problems_for(product: Product, *, on: date | None = None) -> list[ListingProblem]:
    """What stops (or qualifies) publishing `product`, with the positive list in force `on`.

    With no positive list stored, the shipped sample stands in, as it does for quotes.
    """
    positive_list = positive_list_in_force(on or timezone.now().date())
    return rules.listing_problems(listing_snapshot(product), positive_list)


def problem_message(problem: ListingProblem) -> str:
    """One translated sentence: what is missing or wrong, and what is allowed."""
    message = _MESSAGES.get(problem.code)
    if message is None:
        # a rule added without wording must still show something a seller can report
        return _("This listing needs attention (%(code)s).") % {"code": problem.code}
    return message(problem.params)


def _hs_code_format(params: dict) -> str:
    if not params.get("value"):
        return _(
            "Enter the 8-digit Chinese tariff number (HS code), e.g. 21069090: China checks "
            "every cross-border listing against its positive list by this number."
        )
    return _(
        "The tariff number %(value)s cannot be used: China needs 8 digits, e.g. 21069090 "
        "(dots and spaces are ignored)."
    ) % {"value": params["value"]}


def _translation(params: dict) -> str:
    if params.get("status") == rules.TRANSLATION_MACHINE:
        return _(
            "The Chinese text is an unreviewed machine draft. You may publish, but have a "
            "Chinese speaker review it: buyers judge the product by it."
        )
    return _(
        "Add the Chinese translation of the title and description before publishing: "
        "buyers in China read only Chinese."
    )


_MESSAGES: dict[str, Callable[[dict], str]] = {
    rules.MISSING_TITLE_EN: lambda params: _(
        "Add an English title: it names the product in seller central, on invoices and in "
        "customs paperwork."
    ),
    rules.MISSING_TITLE_ZH: lambda params: _(
        "Add a Chinese title: buyers in China search and read in Chinese."
    ),
    rules.MISSING_DESCRIPTION_ZH: lambda params: _(
        "Add a Chinese description. You may publish without one, but few buyers order "
        "what they cannot read about."
    ),
    rules.MISSING_WEIGHT: lambda params: _(
        "Enter the shipping weight in grams (a whole number above 0): shipping, duties and "
        "China's yearly limits are worked out from it."
    ),
    rules.MISSING_ORIGIN: lambda params: _(
        "Enter the country of origin as a two-letter code, e.g. US or DE: customs "
        "declarations require it."
    ),
    rules.HS_CODE_FORMAT: _hs_code_format,
    rules.HS_NOT_ON_POSITIVE_LIST: lambda params: (
        _(
            "Tariff number %(tariff_number)s is not on China's cross-border positive list "
            "(edition %(edition)s); this product cannot be sold to China through cross-border "
            "e-commerce. Check the tariff number: only goods on the list may be listed."
        )
        % params
    ),
    rules.HS_BONDED_ONLY: lambda params: (
        _(
            "Tariff number %(tariff_number)s may enter China only from a bonded warehouse "
            "(mode 1210), not by direct mail: you need stock in a bonded warehouse in China "
            "to sell it."
        )
        % params
    ),
    rules.HS_LIST_CONDITION: lambda params: (
        _(
            "The positive list allows tariff number %(tariff_number)s only on a condition: "
            "%(note)s. Make sure this product meets it."
        )
        % params
    ),
    rules.MISSING_NET_CONTENT: lambda params: _(
        "Enter the net content in ml, g or pieces: China's consumption tax on cosmetics "
        "(tariff numbers 3303 and 3304) depends on the price per ml, g or piece."
    ),
    rules.NO_VARIANT: lambda params: _(
        "Add at least one variant with a price and stock: buyers order a variant, not the product."
    ),
    rules.PRICE_NOT_POSITIVE: lambda params: (
        ngettext(
            "%(count)d variant has no price: every variant needs a price above 0.",
            "%(count)d variants have no price: every variant needs a price above 0.",
            params["count"],
        )
        % params
    ),
    rules.NO_STOCK: lambda params: _(
        "No variant has stock. You may publish, but the listing shows as sold out until "
        "you add stock."
    ),
    rules.TRANSLATION_NOT_REVIEWED: _translation,
}
