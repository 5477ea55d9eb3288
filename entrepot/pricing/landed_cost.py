"""Landed-cost quotes: the domain engine fed with stored rates and the positive list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.core.cache import cache

from entrepot.domain.exceptions import RateMissing
from entrepot.domain.fx import RateTable
from entrepot.domain.landed_cost import model as m
from entrepot.domain.landed_cost.policies import quote, region_of
from entrepot.domain.landed_cost.positive_list import PositiveList
from entrepot.domain.money import Money
from entrepot.domain.shipping import direct_mail_estimate
from entrepot.pricing.positive_list import (
    POSITIVE_LIST_GENERATION_KEY,
    is_sample,
    positive_list_in_force,
)
from entrepot.pricing.selectors import RATES_GENERATION_KEY, rate_table_on

SAMPLE_LIST_NOTE = m.Note(
    "CN_POSITIVE_LIST_SAMPLE",
    "Checked against the shipped sample of the positive list; the operator has not loaded one",
    "按随附的正面清单样本核对；运营方尚未导入正式清单",
)


def landed_cost_quote(request: m.QuoteRequest) -> m.Quote:
    """Quote `request` with the rates and positive list in force on `request.as_of`.

    With no positive list stored, the shipped sample stands in and the quote says so.
    Raises NoRulePack and RateMissing for the caller to turn into a 4xx.
    """
    positive_list = None
    if region_of(request.destination) == "CN":
        positive_list = positive_list_in_force(request.as_of)
    result = quote(request, rates=rate_table_on(request.as_of), positive_list=positive_list)
    if positive_list is not None and is_sample(positive_list):
        result = replace(result, notes=(*result.notes, SAMPLE_LIST_NOTE))
    return result


@dataclass(frozen=True)
class QuoteContext:
    """Everything a page needs to quote many products with no further query."""

    as_of: date
    rates: RateTable
    positive_list: PositiveList


# Process-local copies of the contexts, keyed by what makes them stale: the day, the
# generations every write of rates or of the positive list bumps, and an epoch that a
# flushed cache loses (a flush forgets the generations, which then restart at 1).
# Reading the three keys is one round trip to the cache; the shared cache's copies of
# the rate table and the positive list are then not fetched and unpickled per request.
EPOCH_KEY = "pricing:context-epoch"
_KEYS = (RATES_GENERATION_KEY, POSITIVE_LIST_GENERATION_KEY, EPOCH_KEY)
_contexts: dict[tuple, QuoteContext] = {}
_MAX_CONTEXTS = 8


def quote_context_on(day: date) -> QuoteContext:
    """The rates and positive list in force on `day`, for quoting many items."""
    found = cache.get_many(_KEYS)
    if len(found) < len(_KEYS):  # a cold or flushed cache: nothing kept can be trusted
        context = QuoteContext(day, rate_table_on(day), positive_list_in_force(day))
        cache.add(EPOCH_KEY, uuid.uuid4().hex, None)  # after the generations exist
        return context
    key = (day, *(found[k] for k in _KEYS))
    context = _contexts.get(key)
    if context is None:
        context = QuoteContext(day, rate_table_on(day), positive_list_in_force(day))
        if len(_contexts) >= _MAX_CONTEXTS:
            _contexts.clear()
        _contexts[key] = context
    return context


def cn_direct_mail_quote(
    context: QuoteContext, *, sku: str, hs_code: str, origin: str, price: Money, weight_grams: int
) -> m.Quote | None:
    """One unit sent by direct mail (9610) to China, with the sample shipping estimate.

    None when the price cannot be converted (no rate for the seller's currency).
    """
    item = m.QuoteItem(
        sku=sku, description=sku, hs_code=hs_code, origin=origin, unit_price=price, quantity=1,
        unit_weight_kg=Decimal(weight_grams) / 1000,
    )  # fmt: skip
    request = m.QuoteRequest(
        destination="CN", currency="CNY", items=(item,),
        shipping=direct_mail_estimate(weight_grams), insurance=Money.zero("CNY"),
        as_of=context.as_of, mode="9610",
    )  # fmt: skip
    try:
        return quote(request, rates=context.rates, positive_list=context.positive_list)
    except RateMissing:
        return None
