"""China Customs cross-border declarations (CBEC retail import), without Django.

The platform, the payment company and the logistics company each tell customs about
one order — order (CEB311), payment (CEB411), waybill (CEB511) — and the inventory
list (CEB621) asks for release; customs match the three documents and answer with
receipts (CEB312/412/512/622). Source: shared/domain/cross-border-rules.md §1
"Customs: clearance modes and the three-document match" (GACC Announcement 2014
No. 56, Art. 8).

    documents.py  the messages as dataclasses; their fields are the schema's field lists
    codes.py      customs code tables: currencies, countries, units
    build.py      DeclarationSource (plain snapshot) -> the four documents
    checks.py     the consistency checks customs apply, as Problems with codes
    ceb_xml.py    render / parse the CEB XML and validate it against the XSD
    schema.py     the XSD, written from the dataclasses' field lists
    receipts.py   receipts: codes, and how they move a declaration
"""
