"""After-sales rules without a database: the return windows, the refund split, CEB625."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entrepot.domain import aftersales as rules
from entrepot.domain.customs import ceb_xml
from entrepot.domain.customs.build import build_return
from tests.domain.customs_helpers import source

RELEASED = datetime(2026, 11, 1, 8, tzinfo=UTC)


def test_the_cbec_window_is_30_days_to_apply_and_45_to_have_the_goods_back():
    window = rules.return_window(cbec=True, released_at=RELEASED, delivered_at=None,
                                 standard_days=14)  # fmt: skip
    assert window.apply_by == RELEASED + timedelta(days=30)
    assert window.goods_back_by == RELEASED + timedelta(days=45)
    assert window.open_at(RELEASED + timedelta(days=30))
    assert not window.open_at(RELEASED + timedelta(days=30, seconds=1))


def test_no_window_before_release_or_delivery():
    assert rules.return_window(cbec=True, released_at=None, delivered_at=RELEASED,
                               standard_days=14) is None  # fmt: skip
    assert rules.return_window(cbec=False, released_at=None, delivered_at=None,
                               standard_days=14) is None  # fmt: skip


def test_only_imports_into_china_from_elsewhere_are_cbec():
    assert rules.is_cbec(origin="US", destination="CN")
    assert not rules.is_cbec(origin="CN", destination="CN")
    assert not rules.is_cbec(origin="US", destination="FR")


money = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2)


@given(total=money, tax_rate=st.decimals(min_value=0, max_value=D("0.3"), places=3),
       parts=st.lists(st.decimals(min_value=D("0.01"), max_value=D("1"), places=2),
                      min_size=1, max_size=6))  # fmt: skip
def test_partial_refunds_never_give_back_more_than_was_paid(total, tax_rate, parts):
    tax = rules.fen(total * tax_rate)
    refunded = refunded_tax = D(0)
    for fraction in parts:
        part = rules.fen((total - refunded) * fraction)
        if part <= 0:
            continue
        split = rules.refund_split(part=part, goods_and_shipping=total, refunded_goods=refunded,
                                   tax=tax, refunded_tax=refunded_tax, released=False)  # fmt: skip
        refunded += split.amount
        refunded_tax += split.tax
        assert refunded <= total and refunded_tax <= tax
    if refunded < total:
        last = rules.refund_split(part=D(0), goods_and_shipping=total, refunded_goods=refunded,
                                  tax=tax, refunded_tax=refunded_tax, released=False,
                                  full=True)  # fmt: skip
        refunded, refunded_tax = refunded + last.amount, refunded_tax + last.tax
    assert (refunded, refunded_tax) == (total, tax)  # all of it, to the fen


def test_after_release_no_tax_is_refunded_and_too_much_is_refused():
    split = rules.refund_split(part=D("10"), goods_and_shipping=D("100"), refunded_goods=D(0),
                               tax=D("9.10"), refunded_tax=D(0), released=True)  # fmt: skip
    assert split == rules.RefundSplit(D("10.00"), D("0.00"))
    with pytest.raises(rules.RefundTooLarge, match="more than the 10"):
        rules.refund_split(part=D("10.01"), goods_and_shipping=D("100"), refunded_goods=D("90"),
                           tax=D("9.10"), refunded_tax=D(0), released=True)  # fmt: skip


def test_a_ceb625_return_application_validates_against_the_schema():
    message = build_return(source(), attempt=1, at=RELEASED + timedelta(days=3),
                           reason="damaged", quantities={1: 1}, invt_no="INV1")  # fmt: skip
    xml = ceb_xml.render_valid(message)
    parsed = ceb_xml.parse(xml)
    assert parsed.type == "CEB625" and parsed.items[0].qty == 1
    assert parsed.head.invt_no == "INV1"


def test_a_ceb625_naming_a_line_the_declaration_lacks_is_refused():
    with pytest.raises(ValueError, match="lines"):
        build_return(source(), attempt=1, at=RELEASED, reason="x", quantities={9: 1})
