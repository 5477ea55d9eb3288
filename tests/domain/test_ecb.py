import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from entrepot.domain import ecb
from entrepot.domain.ecb import EcbFormatError, parse_ecb_csv, parse_ecb_file, parse_ecb_xml

SAMPLE = """Date,USD,JPY,CYP,CNY,
2026-10-30,1.1172,175.68,N/A,7.4326,
2026-10-29,1.113,175.92,N/A,7.4101,
"""


def test_rows_parse_newest_first_and_skip_missing_rates():
    rows = list(parse_ecb_csv(SAMPLE))
    assert rows[0] == (
        date(2026, 10, 30),
        {"USD": Decimal("1.1172"), "JPY": Decimal("175.68"), "CNY": Decimal("7.4326")},
    )
    assert rows[1][0] == date(2026, 10, 29)


def test_a_file_without_the_date_header_is_refused():
    with pytest.raises(EcbFormatError, match="'Date'"):
        list(parse_ecb_csv("Day,USD\n2026-01-01,1.1\n"))


def test_a_bad_rate_names_the_line_and_currency():
    with pytest.raises(EcbFormatError, match="line 2: rate 'x' for USD"):
        list(parse_ecb_csv("Date,USD\n2026-01-01,x\n"))


# --- XML and files ----------------------------------------------------------------

DAILY_XML = """<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
    xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
  <Cube>
    <Cube time='2026-10-30'>
      <Cube currency='USD' rate='1.1172'/>
      <Cube currency='JPY' rate='175.68'/>
      <Cube currency='CNY' rate='7.4326'/>
    </Cube>
  </Cube>
</gesmes:Envelope>
"""

HIST_XML = """<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
    xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <Cube>
    <Cube time="2026-10-30"><Cube currency="USD" rate="1.1172"/></Cube>
    <Cube time="2026-10-29"><Cube currency="USD" rate="1.113"/></Cube>
    <Cube time="1999-01-04">
      <Cube currency="USD" rate="1.1789"/><Cube currency="CYP" rate="0.58231"/>
    </Cube>
  </Cube>
</gesmes:Envelope>
"""


def _zip(name: str, payload: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, payload)
    return buffer.getvalue()


def test_daily_xml_yields_the_day_and_its_rates():
    assert list(parse_ecb_xml(DAILY_XML)) == [
        (
            date(2026, 10, 30),
            {"USD": Decimal("1.1172"), "JPY": Decimal("175.68"), "CNY": Decimal("7.4326")},
        )
    ]


def test_hist_xml_yields_every_day_in_file_order_from_bytes():
    rows = list(parse_ecb_xml(HIST_XML.encode()))
    assert [day for day, _rates in rows] == [
        date(2026, 10, 30),
        date(2026, 10, 29),
        date(1999, 1, 4),
    ]
    assert rows[2][1] == {"USD": Decimal("1.1789"), "CYP": Decimal("0.58231")}


def test_a_doctype_is_refused_before_parsing():
    bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><lolz>&lol;&lol;</lolz>'
    with pytest.raises(EcbFormatError, match="DOCTYPE"):
        list(parse_ecb_xml(bomb))
    # a UTF-16 document must not smuggle a DOCTYPE past the check
    with pytest.raises(EcbFormatError, match="DOCTYPE|UTF-8"):
        list(parse_ecb_xml(bomb.replace("1.0", '1.0" encoding="UTF-16').encode("utf-16")))


def test_a_bad_xml_rate_names_the_currency_and_day():
    bad = DAILY_XML.replace("'1.1172'", "'x'")
    with pytest.raises(EcbFormatError, match="bad rate 'x' for USD on 2026-10-30"):
        list(parse_ecb_xml(bad))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Date,USD\n", "not an XML document"),
        ("<rates/>", "root element is 'rates'"),
        (DAILY_XML.replace("time='2026-10-30'", ""), "has no time attribute"),
        (DAILY_XML.replace("2026-10-30", "30.10.2026"), "'30.10.2026' is not a YYYY-MM-DD"),
        (DAILY_XML.replace("'175.68'", "'-1'"), "bad rate '-1' for JPY .* positive"),
    ],
)
def test_broken_xml_is_refused_with_a_clear_message(text, message):
    with pytest.raises(EcbFormatError, match=message):
        list(parse_ecb_xml(text))


def test_parse_ecb_file_reads_a_zipped_csv():
    rows = list(parse_ecb_file(_zip("eurofxref-hist.csv", SAMPLE.encode()), "hist.zip"))
    assert [day for day, _rates in rows] == [date(2026, 10, 30), date(2026, 10, 29)]
    assert rows[0][1]["CNY"] == Decimal("7.4326")


def test_parse_ecb_file_tells_xml_zip_and_csv_apart_by_content():
    assert list(parse_ecb_file(DAILY_XML.encode(), "rates.csv")) == list(parse_ecb_xml(DAILY_XML))
    zipped_xml = _zip("eurofxref-hist.xml", HIST_XML.encode())
    assert len(list(parse_ecb_file(zipped_xml, "x.bin"))) == 3
    assert list(parse_ecb_file(SAMPLE.encode("utf-8-sig"), "x.xml")) == list(parse_ecb_csv(SAMPLE))


def test_parse_ecb_file_refuses_empty_files_and_zips_without_rates():
    with pytest.raises(EcbFormatError, match="empty"):
        parse_ecb_file(b"  \n", "rates.csv")
    with pytest.raises(EcbFormatError, match=r"exactly one \.csv or \.xml file, found: notes.txt"):
        parse_ecb_file(_zip("notes.txt", b"hello"), "hist.zip")
    with pytest.raises(EcbFormatError, match="not a readable zip"):
        parse_ecb_file(b"PK\x03\x04 truncated", "hist.zip")


def test_parse_ecb_file_refuses_oversized_files_and_zip_members(monkeypatch):
    # the real limit is 50 MB; a small one shows the checks without building 50 MB
    monkeypatch.setattr(ecb, "MAX_FILE_BYTES", 1000)
    with pytest.raises(EcbFormatError, match="unpacks to 5,000 bytes"):
        parse_ecb_file(_zip("eurofxref-hist.csv", b"0" * 5000), "hist.zip")
    with pytest.raises(EcbFormatError, match="rates.csv is 2,000 bytes"):
        parse_ecb_file(b"1" * 2000, "rates.csv")
