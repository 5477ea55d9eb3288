"""The checks customs apply (rules sheet §1): each inconsistency is caught with its code."""

from dataclasses import replace
from decimal import Decimal as D

import pytest

from entrepot.domain.customs import checks
from entrepot.domain.customs.build import PaymentSource
from tests.domain.customs_helpers import AT, ID_NUMBER, INCONSISTENT, documents, source, with_head

TODAY = AT.date()


def _codes(docs, year_to_date=D(0)):
    return [p.code for p in checks.check_documents(docs, year_to_date=year_to_date, today=TODAY)]


def test_a_consistent_declaration_passes_every_check():
    assert _codes(documents()) == []


def test_paid_within_5_percent_of_goods_tax_freight_passes_and_beyond_fails():
    docs = documents()
    expected = D("654.56")
    near = with_head(docs, "order", actural_paid=(expected * D("1.049")).quantize(D("0.01")))
    far = with_head(docs, "order", actural_paid=(expected * D("1.051")).quantize(D("0.01")))
    assert checks.check_amounts(near) == []
    (problem,) = checks.check_amounts(far)
    assert problem.code == checks.AMOUNTS_INCONSISTENT and problem.document == "CEB311"
    assert "at most 5%" in problem.message


def test_over_the_order_limit_is_refused_unless_one_indivisible_item():
    limits = checks.limits_on(TODAY)
    assert limits.order_limit == D(5000) and limits.annual_limit == D(26000)
    big = documents(goods=D("5100"), paid_total=D("5100") + D("78") + D("54.60"))
    assert checks.ORDER_LIMIT in [p.code for p in checks.check_order_limit(big, limits)]
    line = replace(source().lines[0], quantity=1, line_total=D("5100"), unit_price=D("5100"))
    single = documents(lines=(line,), goods=D("5100"))
    assert checks.check_order_limit(single, limits) == []


def test_the_annual_limit_counts_the_year_so_far_and_says_what_is_left():
    docs = documents()
    assert _codes(docs, year_to_date=D("25000")) == []
    (problem,) = [p for p in checks.check_documents(docs, year_to_date=D("25500"), today=TODAY)]
    assert problem.code == checks.ANNUAL_LIMIT
    assert "500.00 CNY left of 26,000.00 CNY for 2026" in problem.message


def test_the_limits_before_2019_were_2000_and_20000():
    from datetime import date

    limits = checks.limits_on(date(2018, 6, 1))
    assert (limits.order_limit, limits.annual_limit) == (D(2000), D(20000))




@pytest.mark.parametrize("case", sorted(INCONSISTENT))
def test_each_inconsistency_is_caught_with_its_code_on_the_right_document(case):
    build, document, code = INCONSISTENT[case]
    problems = checks.check_documents(build(), year_to_date=D(0), today=TODAY)
    assert (document, code) in [(p.document, p.code) for p in problems], problems


def test_no_problem_message_repeats_the_id_number():
    docs = documents(payment=replace(source().payment, payer_id_number="360426199101010071"))
    docs = with_head(docs, "inventory", buyer_name="李雷")
    for problem in checks.check_documents(docs, year_to_date=D(26000), today=TODAY):
        assert ID_NUMBER not in problem.message and "360426199101010071" not in problem.message


def test_payer_names_compare_without_spacing_and_width():
    assert checks.same_name("王 芳", "王芳") and checks.same_name("Li Lei", "LI LEI")
    payment = PaymentSource(**{**source().payment.__dict__, "payer_name": "王芳 "})
    assert _codes(documents(payment=payment)) == []
