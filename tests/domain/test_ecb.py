from datetime import date
from decimal import Decimal

import pytest

from entrepot.domain.ecb import EcbFormatError, parse_ecb_csv

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
