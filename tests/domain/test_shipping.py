import pytest

from entrepot.domain.money import Money
from entrepot.domain.shipping import direct_mail_estimate


@pytest.mark.parametrize(
    ("grams", "cny"), [(0, "35"), (1, "35"), (500, "35"), (501, "53"), (1000, "53"), (1001, "71")]
)
def test_direct_mail_rate_card_steps_every_500_grams(grams, cny):
    assert direct_mail_estimate(grams) == Money(cny, "CNY")


def test_negative_weight_is_refused():
    with pytest.raises(ValueError, match="negative"):
        direct_mail_estimate(-1)
