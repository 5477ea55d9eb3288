"""quote_context_on keeps the rates and positive list in process memory, keyed by the
generations that every write bumps: one cache round trip a request instead of fetching
and unpickling both tables, and never a stale table after a write or a flushed cache."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entrepot.pricing.landed_cost import quote_context_on
from entrepot.pricing.services import rates_store
from tests import factories

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 27)


class _CountingCache:
    """Counts the calls into the cache (get, get_many, ...) while it is installed; only
    the outermost (the local-memory cache's get_many calls its own get per key)."""

    def __init__(self, monkeypatch) -> None:
        self.calls: list[str] = []
        self.depth = 0
        for name in ("get", "get_many", "get_or_set", "set", "add"):
            original = getattr(cache, name)

            def counted(*args, _name=name, _original=original, **kwargs):
                if not self.depth:
                    self.calls.append(_name)
                self.depth += 1
                try:
                    return _original(*args, **kwargs)
                finally:
                    self.depth -= 1

            monkeypatch.setattr(cache, name, counted)


def test_a_warm_context_costs_one_cache_round_trip_and_no_query(monkeypatch):
    factories.rates()
    first = quote_context_on(DAY)
    quote_context_on(DAY)  # the first after a cold cache is not kept (no epoch yet)
    counting = _CountingCache(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        again = quote_context_on(DAY)
    assert again.rates.per_eur == first.rates.per_eur
    assert counting.calls == ["get_many"] and len(queries) == 0


def test_stored_rates_are_seen_at_once(django_capture_on_commit_callbacks):
    factories.rates()
    before = quote_context_on(DAY)
    quote_context_on(DAY)
    with django_capture_on_commit_callbacks(execute=True):
        rates_store(effective_date=DAY, per_eur={"USD": Decimal("1.2000")}, source="test")
    after = quote_context_on(DAY)
    assert before.rates.per_eur["USD"] == Decimal("1.1172")
    assert after.rates.per_eur["USD"] == Decimal("1.2000")


def test_a_flushed_cache_forgets_the_kept_context():
    factories.rates()
    quote_context_on(DAY)
    kept = quote_context_on(DAY)
    cache.clear()  # the generations restart at 1: the same key must not find `kept`
    from entrepot.pricing.models import ExchangeRate

    ExchangeRate.objects.filter(currency="USD").update(rate_per_eur=Decimal("1.3000"))
    fresh = quote_context_on(DAY)
    assert kept.rates.per_eur["USD"] == Decimal("1.1172")
    assert fresh.rates.per_eur["USD"] == Decimal("1.3000")
