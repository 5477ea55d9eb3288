from datetime import date
from decimal import Decimal

import pytest

from entrepot.ledger.models import CommissionRate
from entrepot.ledger.selectors import CommissionRateMissing, commission_rate_for
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_default_commission_is_eight_percent_from_the_data_migration():
    assert commission_rate_for(None, date(2026, 11, 1)) == Decimal("0.08")


def test_a_category_rate_in_force_wins_over_the_default():
    books = factories.category()
    CommissionRate.objects.create(
        category=books, rate=Decimal("0.05"), effective_from=date(2026, 6, 1)
    )
    assert commission_rate_for(books.pk, date(2026, 11, 1)) == Decimal("0.05")
    assert commission_rate_for(books.pk, date(2026, 5, 31)) == Decimal("0.08")
    assert commission_rate_for(factories.category().pk, date(2026, 11, 1)) == Decimal("0.08")


def test_the_newest_default_in_force_on_the_day_applies():
    CommissionRate.objects.create(rate=Decimal("0.10"), effective_from=date(2027, 1, 1))
    assert commission_rate_for(None, date(2026, 12, 31)) == Decimal("0.08")
    assert commission_rate_for(None, date(2027, 1, 1)) == Decimal("0.10")


def test_a_day_without_any_rate_in_force_says_how_to_add_one():
    with pytest.raises(CommissionRateMissing, match="add a default rate"):
        commission_rate_for(None, date(2019, 12, 31))
