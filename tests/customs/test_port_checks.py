"""The simulated port applies the same checks to the XML it receives: each deliberately
inconsistent declaration is rejected, on the right receipt, with the right reason."""

from datetime import timedelta

import pytest

from entrepot.customs.ports import Outgoing, PortRejected
from entrepot.customs.simulated_port import SimulatedPort
from entrepot.domain.customs import ceb_xml
from tests.domain.customs_helpers import (
    AT,
    INCONSISTENT,
    SCHEMA_BREAKING,
    documents,
    single_item_order,
)

RECEIPT = {"CEB311": "CEB312", "CEB411": "CEB412", "CEB511": "CEB512", "CEB621": "CEB622"}


def _submit(docs, port=None):
    port = port or SimulatedPort()
    sent = [Outgoing(m.type, m.guid, m.head.order_no, ceb_xml.render_valid(m))
            for m in docs.messages()]  # fmt: skip
    port.submit(sent, now=AT)
    received = port.receipts(now=AT, limit=100)
    for incoming in received:
        port.acknowledge(incoming.ref, now=AT)
    return [ceb_xml.parse(incoming.xml) for incoming in received]


def test_a_consistent_declaration_is_accepted_and_released():
    receipts = _submit(documents())
    answers = sorted((r.type, r.head.return_status) for r in receipts)
    assert answers == [("CEB312", "120"), ("CEB412", "120"), ("CEB512", "120"), ("CEB622", "120"),
                       ("CEB622", "800")]  # fmt: skip


@pytest.mark.parametrize("case", sorted(set(INCONSISTENT) - SCHEMA_BREAKING))
def test_each_check_rejects_an_inconsistent_declaration_with_its_reason(case):
    build, document, code = INCONSISTENT[case]
    receipts = _submit(build())
    rejected = {r.type: r.head.return_info for r in receipts if r.head.return_status == "100"}
    assert RECEIPT[document] in rejected, receipts
    assert rejected[RECEIPT[document]].startswith(code) or f"; {code}:" in rejected[
        RECEIPT[document]
    ], rejected
    # the inventory list is never released when anything is wrong
    assert not any(r.head.return_status == "800" for r in receipts)


@pytest.mark.parametrize("case", sorted(SCHEMA_BREAKING))
def test_a_document_that_breaks_the_schema_is_refused_at_upload(case):
    build, _document, _code = INCONSISTENT[case]
    port = SimulatedPort()
    docs = build()
    with pytest.raises(PortRejected, match="breaks the CEB schema"):
        port.submit([Outgoing(m.type, m.guid, m.head.order_no, ceb_xml.render(m))
                     for m in docs.messages()], now=AT)  # fmt: skip


def test_the_port_counts_the_buyers_year_from_what_it_accepted():
    port = SimulatedPort()
    for n in range(5):  # 5 x 4,878 CNY = 24,390 CNY accepted this year
        receipts = _submit(single_item_order(f"EP{n}"), port)
        assert {r.head.return_status for r in receipts} == {"120", "800"}
    receipts = _submit(single_item_order("EP9"), port)
    (info,) = [r.head.return_info for r in receipts if r.type == "CEB622"]
    assert info.startswith("ANNUAL_LIMIT: annual cross-border quota exceeded: 1,610.00 CNY left")


def test_a_message_sent_twice_is_answered_once():
    port = SimulatedPort()
    docs = documents()
    assert len(_submit(docs, port)) == 5
    assert _submit(docs, port) == []


def test_receipts_wait_for_the_configured_delay(settings):
    settings.ENTREPOT_CUSTOMS_SIM_DELAY_SECONDS = 60
    port = SimulatedPort()
    docs = documents()
    port.submit([Outgoing(m.type, m.guid, "x", ceb_xml.render_valid(m)) for m in docs.messages()],
                now=AT)  # fmt: skip
    assert port.receipts(now=AT + timedelta(seconds=59), limit=10) == []
    assert len(port.receipts(now=AT + timedelta(seconds=60), limit=10)) == 4
    assert len(port.receipts(now=AT + timedelta(seconds=120), limit=10)) == 5  # + release
