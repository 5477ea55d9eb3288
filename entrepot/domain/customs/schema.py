"""The project's XML schema (XSD) of the CEB messages, written from the field lists.

The document dataclasses (documents.py) are the field lists of the rules sheet
(shared/domain/cross-border-rules.md §1, "China Customs CEB XML messages"); this module
turns them into one XSD with target namespace http://www.chinaport.gov.cn/ceb: a
simple type per Kind, a complex type per head / item class, and a global element per
message (CEB311Message ... CEB624Message). data/ceb.xsd is the same text, written by

    .venv/bin/python -m entrepot.domain.customs.schema

for readers and other tools; a test keeps it equal to what this module writes.
The official China Customs XSDs are not public in a reusable form: this is our schema
of the fields we declare, not customs' own.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from xml.sax.saxutils import quoteattr

from entrepot.domain.customs.documents import KINDS, NAMESPACE, SHAPES, BaseTransfer, field_specs

SCHEMA_FILE = Path(__file__).with_name("data") / "ceb.xsd"


def _simple_type(kind) -> str:
    facets = "".join(f'<xs:{name} value={quoteattr(value)}/>' for name, value in kind.facets)
    facets += "".join(f"<xs:enumeration value={quoteattr(v)}/>" for v in kind.enumeration)
    return (
        f'  <xs:simpleType name="{kind.name}"><xs:restriction base="{kind.base}">'
        f"{facets}</xs:restriction></xs:simpleType>\n"
    )


def _complex_type(cls) -> str:
    elements = "".join(
        f'      <xs:element name="{name}" type="ceb:{kind.name}"'
        + (' minOccurs="0"' if optional else "")
        + "/>\n"
        for _attr, name, kind, optional in field_specs(cls)
    )
    return (
        f'  <xs:complexType name="{cls.__name__}">\n    <xs:sequence>\n{elements}'
        "    </xs:sequence>\n  </xs:complexType>\n"
    )


def _message_element(shape) -> str:
    if shape.head is None:
        body = f'        <xs:element name="{shape.body}" type="ceb:{shape.head_type.__name__}"/>\n'
    else:
        items = (
            f'            <xs:element name="{shape.item}" type="ceb:{shape.item_type.__name__}" '
            'maxOccurs="unbounded"/>\n'
            if shape.item
            else ""
        )
        body = (
            f'        <xs:element name="{shape.body}">\n          <xs:complexType>\n'
            "            <xs:sequence>\n"
            f'            <xs:element name="{shape.head}" type="ceb:{shape.head_type.__name__}"/>\n'
            f"{items}            </xs:sequence>\n          </xs:complexType>\n"
            "        </xs:element>\n"
        )
    transfer = (
        '        <xs:element name="BaseTransfer" type="ceb:BaseTransfer"/>\n'
        if shape.transfer
        else ""
    )
    return (
        f'  <xs:element name="{shape.root}">\n    <xs:complexType>\n      <xs:sequence>\n'
        f"{body}{transfer}      </xs:sequence>\n"
        '      <xs:attribute name="guid" type="ceb:Guid" use="required"/>\n'
        '      <xs:attribute name="version" type="xs:string" use="required"/>\n'
        "    </xs:complexType>\n  </xs:element>\n"
    )


@cache
def schema_text() -> str:
    """The XSD, as text."""
    classes = []
    for shape in SHAPES.values():
        for cls in (shape.head_type, shape.item_type):
            if cls is not None and cls not in classes:
                classes.append(cls)
    classes.append(BaseTransfer)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- Entrepôt's schema of China Customs CEB cross-border messages, written by "
        "entrepot.domain.customs.schema from the field lists; do not edit by hand. -->\n"
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:ceb="{NAMESPACE}" targetNamespace="{NAMESPACE}" '
        'elementFormDefault="qualified">\n'
        + "".join(_simple_type(kind) for kind in KINDS)
        + "".join(_complex_type(cls) for cls in classes)
        + "".join(_message_element(shape) for shape in SHAPES.values())
        + "</xs:schema>\n"
    )


def main() -> int:
    SCHEMA_FILE.parent.mkdir(exist_ok=True)
    SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
