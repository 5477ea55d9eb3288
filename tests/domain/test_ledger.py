from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entrepot.domain.ledger import (
    Account,
    AccountKind,
    InvalidPosting,
    NothingToPay,
    Posting,
    Transaction,
    Unbalanced,
    commission_for,
    escrow_released,
    net_balances,
    payment_captured,
    payout,
    refund_after_release,
    refund_before_release,
)
from entrepot.domain.money import Money


def cny(amount: str) -> Money:
    return Money(amount, "CNY")


def _per_currency_sum(transactions) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for account, money in net_balances(transactions).items():
        totals[account.currency] = totals.get(account.currency, Decimal(0)) + money.amount
    return totals


def _balance(transactions, kind, currency="CNY", owner=""):
    return net_balances(transactions).get(Account(kind, currency, owner), Money.zero(currency))


RULES = {
    "capture": lambda: payment_captured(
        order_total=cny("118.00"), tax_withheld=cny("9.10"), seller_id=7
    ),
    "release": lambda: escrow_released(amount=cny("108.90"), commission=cny("8.71"), seller_id=7),
    "refund before release": lambda: refund_before_release(
        amount=cny("108.90"), tax=cny("9.10"), seller_id=7
    ),
    "refund after release": lambda: refund_after_release(amount=cny("50.00"), seller_id=7),
    "payout": lambda: payout(
        payable=cny("100.19"), rate="0.1503", seller_currency="USD", seller_id=7
    ),
}


@pytest.mark.parametrize("rule", RULES)
def test_every_posting_rule_balances_in_every_currency(rule):
    transaction = RULES[rule]()
    assert transaction.check_balanced() is transaction
    for debit, credit in transaction.totals().values():
        assert debit == credit


def test_a_capture_holds_goods_and_shipping_in_escrow_and_withholds_the_tax():
    capture = payment_captured(order_total=cny("118.00"), tax_withheld=cny("9.10"), seller_id=7)
    assert _balance([capture], AccountKind.ESCROW) == cny("108.90")
    assert _balance([capture], AccountKind.CUSTOMS_TAX_WITHHELD) == cny("9.10")
    assert _balance([capture], AccountKind.BUYER_CLEARING) == cny("-118.00")


def test_a_release_pays_the_seller_the_escrow_less_the_commission():
    release = escrow_released(amount=cny("108.90"), commission=cny("8.71"), seller_id=7)
    assert _balance([release], AccountKind.SELLER_PAYABLE, owner="7") == cny("100.19")
    assert _balance([release], AccountKind.PLATFORM_COMMISSION) == cny("8.71")
    assert _balance([release], AccountKind.ESCROW) == cny("-108.90")


def test_a_refund_before_release_reverses_the_capture_exactly():
    capture = payment_captured(order_total=cny("118.00"), tax_withheld=cny("9.10"), seller_id=7)
    refund = refund_before_release(amount=cny("108.90"), tax=cny("9.10"), seller_id=7)
    assert all(money.amount == 0 for money in net_balances([capture, refund]).values())


def test_a_refund_after_release_can_leave_the_seller_owing():
    release = escrow_released(amount=cny("108.90"), commission=cny("8.71"), seller_id=7)
    refund = refund_after_release(amount=cny("108.90"), seller_id=7)
    assert _balance([release, refund], AccountKind.SELLER_PAYABLE, owner="7") == cny("-8.71")


def test_a_jpy_payout_rounds_to_whole_yen_and_the_fx_account_keeps_the_difference():
    # 1,000.05 CNY at 23.636 JPY/CNY is 23,637.18 JPY: the seller gets 23,637 yen
    transaction = payout(payable=cny("1000.05"), rate="23.636", seller_currency="JPY", seller_id=7)
    balances = net_balances([transaction])
    paid = balances[Account(AccountKind.PAYOUT_CLEARING, "JPY", "7")]
    assert paid == Money(23637, "JPY")
    assert paid.amount == paid.amount.to_integral_value()
    assert balances[Account(AccountKind.SELLER_PAYABLE, "CNY", "7")] == cny("-1000.05")
    fx_cny = balances[Account(AccountKind.FX, "CNY")]
    fx_jpy = balances[Account(AccountKind.FX, "JPY")]
    assert (fx_cny, fx_jpy) == (cny("1000.05"), Money(-23637, "JPY"))
    # valued at the rate, what the fx account keeps is the rounding: 0.18 yen
    assert fx_cny.amount * Decimal("23.636") + fx_jpy.amount == Decimal("0.18180")


def test_a_payout_of_nothing_or_of_a_negative_payable_is_refused():
    for owed in ("0", "-8.71"):
        with pytest.raises(NothingToPay, match="nothing to pay"):
            payout(payable=cny(owed), rate="0.15", seller_currency="USD", seller_id=7)


def test_a_payout_in_cny_needs_rate_one():
    with pytest.raises(InvalidPosting, match="rate 1"):
        payout(payable=cny("10"), rate="0.5", seller_currency="CNY", seller_id=7)


def test_commission_rounds_half_up_to_the_minor_unit():
    assert commission_for(cny("100.0625"), Decimal("0.08")) == cny("8.01")
    assert commission_for(cny("100.05"), Decimal("0.08")) == cny("8.00")
    assert commission_for(Money("1006", "JPY"), "0.08") == Money(80, "JPY")


def test_a_commission_rate_outside_zero_to_one_is_refused():
    with pytest.raises(InvalidPosting, match="0.08 is 8%"):
        commission_for(cny("100"), Decimal("8"))


def test_an_unbalanced_transaction_is_refused_naming_each_currency():
    transaction = Transaction(
        "manual",
        (
            Posting(Account(AccountKind.ESCROW, "CNY"), debit=cny("10.00")),
            Posting(Account(AccountKind.BUYER_CLEARING, "CNY"), credit=cny("9.00")),
            Posting(Account(AccountKind.FX, "USD"), debit=Money("1.00", "USD")),
        ),
    )
    with pytest.raises(Unbalanced, match=r"CNY debits 10.00 != credits 9.00.*USD") as caught:
        transaction.check_balanced()
    assert "off by 1.00" in str(caught.value)


def test_an_empty_transaction_is_refused():
    with pytest.raises(Unbalanced, match="no postings"):
        Transaction("manual", ()).check_balanced()


def test_a_posting_needs_one_positive_side_in_its_accounts_currency():
    escrow = Account(AccountKind.ESCROW, "CNY")
    with pytest.raises(InvalidPosting, match="exactly one"):
        Posting(escrow, debit=cny("1"), credit=cny("1"))
    with pytest.raises(InvalidPosting, match="positive"):
        Posting(escrow, debit=cny("-1"))
    with pytest.raises(InvalidPosting, match="fx account"):
        Posting(escrow, debit=Money("1", "USD"))


def test_seller_accounts_need_an_owner_and_platform_accounts_have_none():
    with pytest.raises(InvalidPosting, match="seller id"):
        Account(AccountKind.SELLER_PAYABLE, "CNY")
    with pytest.raises(InvalidPosting, match="no owner"):
        Account(AccountKind.ESCROW, "CNY", "7")
    with pytest.raises(InvalidPosting, match="unknown account kind 'cash'"):
        Account("cash", "CNY")


def test_buyer_side_rules_take_cny_only():
    with pytest.raises(InvalidPosting, match="must be in CNY"):
        payment_captured(
            order_total=Money("10", "USD"), tax_withheld=Money("0", "USD"), seller_id=7
        )


# --- properties -----------------------------------------------------------------------

amounts = st.decimals(min_value="0.01", max_value="50000", places=2).map(cny)
sellers = st.sampled_from(["1", "2", "3"])
fraction = st.decimals(min_value=0, max_value=1, places=2)
commission_rate = st.decimals(min_value=0, max_value="0.3", places=4)
payout_currency = st.sampled_from(
    [("JPY", "21.3311"), ("USD", "0.1503"), ("KWD", "0.04618"), ("CNY", "1")]
)
operation = st.one_of(
    st.tuples(st.just("capture"), amounts, fraction, sellers),
    st.tuples(st.just("release"), amounts, commission_rate, sellers),
    st.tuples(st.just("refund_before"), amounts, fraction, sellers),
    st.tuples(st.just("refund_after"), amounts, st.just(Decimal(0)), sellers),
    st.tuples(
        st.just("payout"),
        st.decimals(min_value=1, max_value="50000", places=2).map(cny),
        payout_currency,
        sellers,
    ),
)


def _transaction(op) -> Transaction:
    name, amount, extra, seller = op
    if name == "capture":
        return payment_captured(
            order_total=amount, tax_withheld=(amount * extra).rounded(), seller_id=seller
        )
    if name == "release":
        return escrow_released(
            amount=amount, commission=commission_for(amount, extra), seller_id=seller
        )
    if name == "refund_before":
        return refund_before_release(
            amount=amount, tax=(amount * extra).rounded(), seller_id=seller
        )
    if name == "refund_after":
        return refund_after_release(amount=amount, seller_id=seller)
    currency, rate = extra
    return payout(payable=amount, rate=rate, seller_currency=currency, seller_id=seller)


@given(st.lists(operation, max_size=40))
def test_any_sequence_of_postings_keeps_the_sum_of_all_balances_zero_per_currency(ops):
    transactions = [_transaction(op) for op in ops]
    for transaction in transactions:
        transaction.check_balanced()
    assert all(total == 0 for total in _per_currency_sum(transactions).values())


fates = st.sampled_from(["held", "released", "refunded before release", "refunded after"])
orders = st.lists(
    st.tuples(amounts, st.decimals(min_value=0, max_value="0.3", places=2), fates), max_size=20
)


@given(orders)
def test_escrow_holds_exactly_the_goods_and_shipping_of_orders_not_yet_released(orders):
    transactions, held = [], Money.zero("CNY")
    for number, (total, tax_rate, fate) in enumerate(orders):
        tax = (total * tax_rate).rounded()
        transactions.append(payment_captured(order_total=total, tax_withheld=tax, seller_id=number))
        if fate == "held":
            held += total - tax
        elif fate == "refunded before release":
            transactions.append(
                refund_before_release(amount=total - tax, tax=tax, seller_id=number)
            )
        else:
            if total - tax == Money.zero("CNY"):
                continue  # nothing in escrow to release
            commission = commission_for(total - tax, "0.08")
            transactions.append(
                escrow_released(amount=total - tax, commission=commission, seller_id=number)
            )
            if fate == "refunded after":
                transactions.append(refund_after_release(amount=total - tax, seller_id=number))
    assert _balance(transactions, AccountKind.ESCROW) == held
