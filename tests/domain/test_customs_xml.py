"""CEB XML: rendered in the customs shapes, valid against our schema, parsed back intact."""

from dataclasses import replace
from decimal import Decimal

import pytest
from lxml import etree

from entrepot.domain.customs import ceb_xml
from entrepot.domain.customs.documents import NAMESPACE
from entrepot.domain.customs.schema import SCHEMA_FILE, schema_text
from tests.domain.customs_helpers import documents

NS = {"ceb": NAMESPACE}


def test_every_document_of_an_order_validates_against_the_schema():
    for message in documents().messages():
        ceb_xml.validate(ceb_xml.render(message))


def test_the_order_message_has_the_ceb_shape_fields_and_currency_code():
    root = etree.fromstring(ceb_xml.render(documents().order))
    assert root.tag == f"{{{NAMESPACE}}}CEB311Message"
    head = root.find("ceb:Order/ceb:OrderHead", NS)
    assert head.findtext("ceb:acturalPaid", namespaces=NS) == "654.56"  # CEB's spelling
    assert head.findtext("ceb:currency", namespaces=NS) == "142"  # CNY
    assert head.findtext("ceb:buyerIdType", namespaces=NS) == "1"
    assert len(root.findall("ceb:Order/ceb:OrderList", NS)) == 2
    assert root.find("ceb:BaseTransfer/ceb:copCode", NS) is not None


def test_the_inventory_list_declares_the_trade_mode_and_origin_country_code():
    root = etree.fromstring(ceb_xml.render(documents().inventory))
    head = root.find("ceb:Inventory/ceb:InventoryHead", NS)
    assert head.findtext("ceb:tradeMode", namespaces=NS) == "9610"
    assert head.findtext("ceb:country", namespaces=NS) == "502"  # United States
    assert head.findtext("ceb:ieFlag", namespaces=NS) == "I"
    item = root.find("ceb:Inventory/ceb:InventoryList", NS)
    assert item.findtext("ceb:gcode", namespaces=NS) == "21069090"


@pytest.mark.parametrize("name", ["order", "payment", "waybill", "inventory"])
def test_a_parsed_message_equals_the_one_rendered(name):
    message = getattr(documents(), name)
    assert ceb_xml.parse(ceb_xml.render(message)) == message


def test_a_resubmission_is_a_change_with_new_guids():
    first, second = documents(attempt=1), documents(attempt=2)
    assert first.order.head.app_type == "1" and second.order.head.app_type == "2"
    assert {m.guid for m in first.messages()}.isdisjoint(m.guid for m in second.messages())
    assert documents(attempt=1) == first  # rebuilt alike: guids are stable


def test_an_empty_required_field_breaks_the_schema_with_its_name():
    order = documents().order
    broken = replace(order, head=replace(order.head, consignee=""))
    with pytest.raises(ceb_xml.SchemaInvalid) as error:
        ceb_xml.validate(ceb_xml.render(broken))
    assert "consignee" in str(error.value)


def test_an_unknown_currency_code_and_too_many_decimals_break_the_schema():
    order = documents().order
    wrong = (replace(order.head, currency="999"), replace(order.head, freight=Decimal("1.005")))
    for head in wrong:
        with pytest.raises(ceb_xml.SchemaInvalid):
            ceb_xml.render_valid(replace(order, head=head))


def test_xml_in_another_namespace_is_not_a_ceb_message():
    xml = ceb_xml.render(documents().order).replace(NAMESPACE.encode(), b"urn:other")
    with pytest.raises(ceb_xml.CebXmlError, match="not a CEB message"):
        ceb_xml.parse(xml)


def test_entities_are_not_expanded():
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + ceb_xml.render(documents().order).split(b"?>", 1)[1].replace(
            b"<ceb:note>", b"<ceb:note>&e;", 1
        )
    )
    try:
        message = ceb_xml.parse(xml)
    except ceb_xml.CebXmlError:
        return
    assert "root:" not in message.head.note


def test_the_shipped_schema_file_is_what_the_field_lists_write():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "run: .venv/bin/python -m entrepot.domain.customs.schema"
    )
