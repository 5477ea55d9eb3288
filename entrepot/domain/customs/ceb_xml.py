"""Render CEB messages as XML, parse them back, and validate them against our XSD.

Namespace http://www.chinaport.gov.cn/ceb, element names and order as in the field
lists (documents.py; shared/domain/cross-border-rules.md §1). Parsing refuses
entities and network access (no XXE), validates against the schema first, and only
then reads the fields, so a parsed Message is always well-typed.

Exceptions:

    CebXmlError           the bytes are not a CEB message we can read
    └── SchemaInvalid     well-formed XML that breaks the schema (`errors` lists where)
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from functools import cache

from lxml import etree

from entrepot.domain.customs.documents import (
    NAMESPACE,
    SHAPES,
    VERSION,
    BaseTransfer,
    Message,
    field_specs,
)
from entrepot.domain.customs.schema import schema_text

_NS = f"{{{NAMESPACE}}}"
_NSMAP = {"ceb": NAMESPACE}
_ROOTS = {shape.root: message_type for message_type, shape in SHAPES.items()}
_RECEIPT_GUIDS = uuid.UUID("0c1f2b8e-5d7a-4c3e-8f61-9a2d4b6e8c10")


class CebXmlError(ValueError):
    """The bytes are not a CEB message we can read."""


class SchemaInvalid(CebXmlError):
    """Well-formed XML that breaks the schema; `errors` are lxml's messages, with lines."""

    def __init__(self, message_type: str, errors: list[str]) -> None:
        super().__init__(f"{message_type or 'message'} breaks the CEB schema: " + "; ".join(errors))
        self.message_type = message_type
        self.errors = errors


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.fromstring(schema_text().encode("utf-8")))


@cache
def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True,
                           huge_tree=False)  # fmt: skip


# --- render ------------------------------------------------------------------------------


def _text(value) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _fill(parent, obj) -> None:
    for attr, name, _kind, optional in field_specs(type(obj)):
        value = getattr(obj, attr)
        if optional and value in ("", None):
            continue
        etree.SubElement(parent, _NS + name).text = _text(value)


def root_guid(message: Message) -> str:
    """The guid on the root element: the message's own, or for a receipt one derived from
    what it answers, its status and time (a receipt re-rendered keeps it)."""
    head = message.head
    if message.shape.transfer:
        return head.guid
    key = f"{message.type}:{head.guid}:{head.return_status}:{head.return_time}"
    return str(uuid.uuid5(_RECEIPT_GUIDS, key)).upper()


def to_element(message: Message):
    shape = message.shape
    root = etree.Element(_NS + shape.root, nsmap=_NSMAP)
    root.set("guid", root_guid(message))
    root.set("version", VERSION)
    body = etree.SubElement(root, _NS + shape.body)
    if shape.head is None:
        _fill(body, message.head)
    else:
        _fill(etree.SubElement(body, _NS + shape.head), message.head)
        for item in message.items:
            _fill(etree.SubElement(body, _NS + shape.item), item)
    if shape.transfer and message.transfer is not None:
        _fill(etree.SubElement(root, _NS + "BaseTransfer"), message.transfer)
    return root


def render(message: Message) -> bytes:
    """The message as UTF-8 XML with its declaration (not validated: see `validate`)."""
    return etree.tostring(to_element(message), xml_declaration=True, encoding="UTF-8")


def validate(xml: bytes) -> None:
    """Raise SchemaInvalid unless `xml` is a valid CEB message of our schema."""
    _validated(xml)


def render_valid(message: Message) -> bytes:
    """Render and validate in one go (validating the tree just built, not re-parsed)."""
    element = to_element(message)
    schema = _schema()
    if not schema.validate(element):
        raise SchemaInvalid(message.type, _errors(schema))
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")


def _errors(schema) -> list[str]:
    return [f"line {e.line}: {e.message}" for e in schema.error_log][:10]


def _validated(xml: bytes):
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as error:
        raise CebXmlError(f"not well-formed XML: {error}") from None
    message_type = _ROOTS.get(etree.QName(root).localname, "")
    if etree.QName(root).namespace != NAMESPACE or not message_type:
        raise CebXmlError(
            f"not a CEB message: root element {root.tag!r}; expected one of "
            + ", ".join(sorted(_ROOTS))
            + f" in namespace {NAMESPACE}"
        )
    schema = _schema()
    if not schema.validate(root):
        raise SchemaInvalid(message_type, _errors(schema))
    return root, message_type


# --- parse -------------------------------------------------------------------------------


def _read(element, cls):
    values = {}
    children = {etree.QName(child).localname: child.text or "" for child in element}
    for attr, name, kind, _optional in field_specs(cls):
        text = children.get(name, "")
        if kind.python is Decimal:
            values[attr] = Decimal(text)
        elif kind.python is int:
            values[attr] = int(text)
        else:
            values[attr] = text
    return cls(**values)


def parse(xml: bytes) -> Message:
    """The Message in `xml`, validated against the schema first (CebXmlError if not)."""
    root, message_type = _validated(xml)
    shape = SHAPES[message_type]
    body = root.find(_NS + shape.body)
    if shape.head is None:
        head, items = _read(body, shape.head_type), ()
    else:
        head = _read(body.find(_NS + shape.head), shape.head_type)
        items = tuple(_read(e, shape.item_type) for e in body.findall(_NS + shape.item)) if (
            shape.item
        ) else ()  # fmt: skip
    transfer_element = root.find(_NS + "BaseTransfer")
    transfer = _read(transfer_element, BaseTransfer) if transfer_element is not None else None
    return Message(message_type, head, items, transfer)


def message_type_of(xml: bytes) -> str:
    """"CEB311" etc. from the root element, without validating (for logs and routing)."""
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError:
        return ""
    return _ROOTS.get(etree.QName(root).localname, "")
