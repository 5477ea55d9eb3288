"""Reads of exchange rates."""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from entrepot.domain.fx import RateTable
from entrepot.pricing.models import ExchangeRate

RATE_CACHE_SECONDS = 300
# Bumped by every write of rates, so cached tables go stale at once everywhere.
RATES_GENERATION_KEY = "pricing:rates-generation"


def rate_table_on(day: date) -> RateTable:
    """The newest published rate of every currency on or before `day`.

    Two queries on a cold cache; cached because every storefront page needs it.
    """
    generation = cache.get_or_set(RATES_GENERATION_KEY, 1, None)
    key = f"pricing:rate-table:{generation}:{day.isoformat()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    latest = (
        ExchangeRate.objects.filter(effective_date__lte=day)
        .values("currency")
        .annotate(latest=Max("effective_date"))
    )
    wanted = {(row["currency"], row["latest"]) for row in latest}
    rows = ExchangeRate.objects.filter(
        effective_date__in={d for _c, d in wanted}, currency__in={c for c, _d in wanted}
    ).values_list("currency", "effective_date", "rate_per_eur")
    per_eur = {c: r for c, d, r in rows if (c, d) in wanted}
    as_of = max((d for _c, d in wanted), default=day)
    table = RateTable(as_of=as_of, per_eur=per_eur)
    cache.set(key, table, RATE_CACHE_SECONDS)
    return table


def current_rate_table() -> RateTable:
    return rate_table_on(timezone.now().date())
