"""The money of an order through the ledger: capture, release, refunds and payouts."""

from datetime import date
from decimal import Decimal

import pytest

from entrepot.domain.ledger import AccountKind, LedgerError
from entrepot.domain.money import Money
from entrepot.ledger.models import LedgerTransaction
from entrepot.ledger.selectors import balance, escrow_total, ledger_check, seller_payable
from entrepot.ledger.services import (
    OrderNotInEscrow,
    post_escrow_released,
    post_payment_captured,
    post_payout,
    post_refund,
)
from tests import factories

pytestmark = pytest.mark.django_db

RATES_DAY = date(2026, 10, 30)
RELEASE_DAY = date(2026, 11, 1)
PAYOUT_DAY = date(2026, 11, 2)


def cny(amount: str) -> Money:
    return Money(amount, "CNY")


@pytest.fixture
def seller():
    factories.rates(RATES_DAY)
    return factories.seller(currency="USD")


def capture(seller, number="EP1", total="118.00", tax="9.10"):
    return post_payment_captured(
        order_number=number, seller_id=seller.pk, order_total=cny(total), tax_withheld=cny(tax)
    )


def release(seller, number="EP1", amount="108.90"):
    return post_escrow_released(
        order_number=number, seller_id=seller.pk, amount=cny(amount), on=RELEASE_DAY
    )


def test_capture_release_and_payout_leave_the_balances_where_they_belong(seller):
    capture(seller)
    assert escrow_total("CNY") == cny("108.90")
    assert balance(AccountKind.CUSTOMS_TAX_WITHHELD, "CNY") == cny("9.10")

    release(seller)  # default commission 8%: 8.712 -> 8.71
    assert escrow_total("CNY") == cny("0")
    assert seller_payable(seller) == {"CNY": cny("100.19")}
    assert balance(AccountKind.PLATFORM_COMMISSION, "CNY") == cny("8.71")

    outcome = post_payout(seller=seller, on=PAYOUT_DAY)
    # 100.19 CNY at 1.1172 / 7.4326 USD per CNY is 15.0596 USD
    assert outcome.posted and outcome.paid == Money("15.06", "USD")
    assert "rates of 2026-10-30" in outcome.message
    assert seller_payable(seller) == {"CNY": cny("0")}
    assert balance(AccountKind.PAYOUT_CLEARING, "USD", str(seller.pk)) == Money("15.06", "USD")
    assert balance(AccountKind.FX, "CNY") == cny("100.19")
    assert balance(AccountKind.FX, "USD") == Money("-15.06", "USD")
    assert balance(AccountKind.BUYER_CLEARING, "CNY") == cny("-118.00")
    assert ledger_check().ok


def test_a_jpy_seller_is_paid_whole_yen(seller):
    japanese = factories.seller(currency="JPY", country="JP")
    capture(japanese, number="EP2", total="1000.00", tax="0")
    release(japanese, number="EP2", amount="1000.00")  # payable 920.00 CNY
    outcome = post_payout(seller=japanese, on=PAYOUT_DAY)
    # 920 * 175.68 / 7.4326 = 21,745.28 yen
    assert outcome.paid == Money(21745, "JPY")
    assert ledger_check().ok


def test_releasing_or_capturing_again_posts_nothing(seller):
    capture(seller)
    release(seller)
    assert capture(seller).pk == capture(seller).pk
    assert release(seller).pk == release(seller).pk
    assert LedgerTransaction.objects.count() == 2


def test_a_release_of_an_order_without_a_captured_payment_is_refused(seller):
    with pytest.raises(OrderNotInEscrow, match="order:EP9: no payment captured"):
        release(seller, number="EP9")


def test_a_release_of_more_than_the_order_holds_is_refused(seller):
    capture(seller)
    with pytest.raises(OrderNotInEscrow, match="release of 200.00 CNY is more than the 108.90"):
        release(seller, amount="200.00")


def test_a_refund_before_release_gives_the_buyer_everything_back(seller):
    capture(seller)
    post_refund(order_number="EP1", seller_id=seller.pk, amount=cny("108.90"), tax=cny("9.10"))
    assert escrow_total("CNY") == cny("0")
    assert balance(AccountKind.CUSTOMS_TAX_WITHHELD, "CNY") == cny("0")
    assert balance(AccountKind.BUYER_CLEARING, "CNY") == cny("0")
    assert seller_payable(seller) == {}
    assert ledger_check().ok


def test_partial_refunds_are_told_apart_by_their_id_and_cannot_exceed_the_escrow(seller):
    capture(seller)
    for refund_id in ("a", "b", "b"):
        post_refund(
            order_number="EP1", seller_id=seller.pk, amount=cny("50.00"), refund_id=refund_id
        )
    assert escrow_total("CNY") == cny("8.90")
    # 18.00 CNY of the payment is left (8.90 in escrow, 9.10 tax): neither part may overdraw
    with pytest.raises(OrderNotInEscrow, match="refund of 10.00 CNY is more than the 8.90"):
        post_refund(order_number="EP1", seller_id=seller.pk, amount=cny("10.00"), refund_id="c")
    with pytest.raises(OrderNotInEscrow, match="more than the 18.00 CNY the buyer paid"):
        post_refund(order_number="EP1", seller_id=seller.pk, amount=cny("50.00"), refund_id="c")


def test_a_refund_after_release_comes_from_the_seller_payable(seller):
    capture(seller)
    release(seller)
    post_refund(order_number="EP1", seller_id=seller.pk, amount=cny("40.00"))
    assert seller_payable(seller) == {"CNY": cny("60.19")}
    assert escrow_total("CNY") == cny("0")
    assert balance(AccountKind.PLATFORM_COMMISSION, "CNY") == cny("8.71")
    assert ledger_check().ok


def test_a_refund_after_release_cannot_include_the_import_tax(seller):
    capture(seller)
    release(seller)
    with pytest.raises(LedgerError, match="cannot include import tax"):
        post_refund(order_number="EP1", seller_id=seller.pk, amount=cny("10"), tax=cny("9.10"))


def test_refunds_cannot_exceed_what_the_buyer_paid(seller):
    capture(seller)
    release(seller)
    with pytest.raises(OrderNotInEscrow, match="more than the 118.00 CNY the buyer paid"):
        post_refund(order_number="EP1", seller_id=seller.pk, amount=cny("118.01"))


def test_a_negative_payable_posts_no_payout_and_is_carried_into_the_next(seller):
    capture(seller)
    release(seller)
    post_payout(seller=seller, on=PAYOUT_DAY)  # paid 100.19 CNY
    post_refund(order_number="EP1", seller_id=seller.pk, amount=cny("108.90"))
    assert seller_payable(seller) == {"CNY": cny("-108.90")}

    outcome = post_payout(seller=seller, on=PAYOUT_DAY)
    assert not outcome.posted and outcome.paid is None
    assert "owes 108.90 CNY" in outcome.message and "carried" in outcome.message
    assert seller_payable(seller) == {"CNY": cny("-108.90")}

    capture(seller, number="EP2", total="200.00", tax="0")
    release(seller, number="EP2", amount="200.00")  # payable +184.00
    outcome = post_payout(seller=seller, on=PAYOUT_DAY)
    assert outcome.payable == cny("75.10")
    expected = (Decimal("75.10") * Decimal("1.1172") / Decimal("7.4326")).quantize(Decimal("0.01"))
    assert outcome.paid == Money(expected, "USD")
    assert seller_payable(seller) == {"CNY": cny("0")}
    assert ledger_check().ok


def test_a_payout_with_nothing_owed_posts_nothing_and_says_so(seller):
    outcome = post_payout(seller=seller, on=PAYOUT_DAY)
    assert not outcome.posted
    assert "owed nothing" in outcome.message
    assert not LedgerTransaction.objects.exists()
