"""Import of the CBEC positive list and the edition in force on a day."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest

from entrepot.pricing.models import PositiveListLine
from entrepot.pricing.positive_list import (
    NO_EDITION,
    SAMPLE_EDITION,
    PositiveListImportError,
    positive_list_import,
    positive_list_load_sample,
    positive_list_on,
)

pytestmark = pytest.mark.django_db

DEMO_TARIFF_NUMBERS = """
09012100 09012200 09021090 09023090 15041000 15042000 19011010 19011090 21011100 21069090
23091010 23091090 33030000 33041000 33042000 33049100 33049900 39241000 44199000 49019100
49019900 49030000 49040000 61051000 61091000 61101100 61101200 61102000 61112000 61159400
62052000 62141000 64019210 64039100 64039900 64041100 64041900 64052000 66020000 73239100
73239200 73239300 73239900 82100000 82111000 82119200 91021100 91021200 91022100 91022900
91139000 95030010 95030021 95030029 95030039 95030040 95030060 95030081 95030089 95063200
95065100 95065900 95066100 95069100
""".split()

HEADER = "tariff_number,description_zh,description_en,bonded_only,yearly_weight_cap_kg,note"
GOOD = f"""{HEADER}
33049900,其他美容品或化妆品及护肤品,Other skin-care preparations,0,,
17019910,砂糖,Granulated sugar,否,2,每人每年限购2千克
04021000,脂肪含量不超过1.5%的奶粉,Skimmed milk powder,是,,
30049090,其他药品,Other medicaments,,,仅限非处方药
"""


def write(tmp_path, text: str, name: str = "list.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_covers_the_demo_catalogue_and_loads(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        count = positive_list_load_sample()

    assert len(DEMO_TARIFF_NUMBERS) == 64
    positive_list = positive_list_on(date(2026, 11, 27))
    assert positive_list.edition == SAMPLE_EDITION
    assert len(positive_list) == count == PositiveListLine.objects.count()
    assert set(DEMO_TARIFF_NUMBERS) <= set(positive_list.entries)
    assert positive_list.get("17019910").yearly_weight_cap_kg == Decimal("2")
    assert positive_list.get("10063020").yearly_weight_cap_kg == Decimal("20")
    assert any(entry.bonded_only for entry in positive_list.entries.values())
    assert PositiveListLine.objects.filter(source="sample (entrepot/pricing/data)").count() == count


def test_sample_file_is_a_plain_csv_with_the_expected_header():
    from importlib import resources

    sample = resources.files("entrepot.pricing") / "data" / "positive_list_sample.csv"
    with sample.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert ",".join(rows[0]) == HEADER
    assert all(len(row) == 6 and not row[0].startswith("#") for row in rows[1:])


def test_import_returns_the_count_and_the_remarks_are_read_back(
    tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        count = positive_list_import(path=write(tmp_path, GOOD), edition=date(2022, 3, 1))

    assert count == 4
    positive_list = positive_list_on(date(2022, 3, 1))
    assert positive_list.edition == date(2022, 3, 1)
    sugar = positive_list.get("17019910")
    assert sugar.description == "砂糖"
    assert sugar.yearly_weight_cap_kg == Decimal("2")
    assert sugar.note == "每人每年限购2千克"
    assert sugar.bonded_only is False
    assert positive_list.get("04021000").bonded_only is True
    assert positive_list.get("30049090").note == "仅限非处方药"
    assert positive_list.get("33049900").yearly_weight_cap_kg is None
    assert positive_list.get("85163100") is None
    assert set(PositiveListLine.objects.values_list("source", flat=True)) == {"list.csv"}


def test_dotted_tariff_numbers_are_normalised(tmp_path):
    text = f"{HEADER}\n3304.9900,护肤品,,,,\n0901.21.00,咖啡,,,,\n"
    positive_list_import(path=write(tmp_path, text), edition=date(2022, 3, 1), source="dots")

    assert sorted(PositiveListLine.objects.values_list("tariff_number", flat=True)) == [
        "09012100",
        "33049900",
    ]


def test_a_bad_row_is_refused_with_its_line_and_the_edition_stays(tmp_path):
    positive_list_import(path=write(tmp_path, GOOD), edition=date(2022, 3, 1))
    bad = f"{HEADER}\n33049900,护肤品,,,,\n3304,化妆品,,,,\n61091000,T恤衫,,maybe,,\n"

    with pytest.raises(PositiveListImportError) as raised:
        positive_list_import(path=write(tmp_path, bad, "bad.csv"), edition=date(2022, 3, 1))

    message = str(raised.value)
    assert "line 3: tariff number '3304' must have 8 digits" in message
    assert "line 4: bonded_only 'maybe'" in message
    assert len(raised.value.problems) == 2
    assert PositiveListLine.objects.filter(edition=date(2022, 3, 1)).count() == 4
    assert set(PositiveListLine.objects.values_list("source", flat=True)) == {"list.csv"}


def test_duplicate_tariff_numbers_are_refused(tmp_path):
    text = f"{HEADER}\n33049900,护肤品,,,,\n09012100,咖啡,,,,\n3304.9900,护肤品,,,,\n"

    with pytest.raises(PositiveListImportError, match=r"line 4: duplicate tariff number 33049900"):
        positive_list_import(path=write(tmp_path, text), edition=date(2022, 3, 1))
    assert not PositiveListLine.objects.exists()


def test_an_unknown_column_names_the_expected_ones(tmp_path):
    text = "tariff_number,description_zh,remark\n33049900,护肤品,\n"

    with pytest.raises(PositiveListImportError) as raised:
        positive_list_import(path=write(tmp_path, text), edition=date(2022, 3, 1))
    assert "unknown column 'remark'" in str(raised.value)
    assert "expected columns: tariff_number, description_zh, description_en" in str(raised.value)


def test_at_most_ten_problems_are_listed(tmp_path):
    text = HEADER + "\n" + "".join(f"{n},描述,,,,\n" for n in range(100, 125))

    with pytest.raises(PositiveListImportError) as raised:
        positive_list_import(path=write(tmp_path, text), edition=date(2022, 3, 1))
    assert len(raised.value.problems) == 25
    message = str(raised.value)
    assert message.count("must have 8 digits") == 10
    assert "... and 15 more" in message


def test_a_file_without_lines_is_refused_rather_than_wiping_the_edition(tmp_path):
    positive_list_import(path=write(tmp_path, GOOD), edition=date(2022, 3, 1))

    with pytest.raises(PositiveListImportError, match="no tariff lines"):
        positive_list_import(
            path=write(tmp_path, HEADER + "\n", "empty.csv"), edition=date(2022, 3, 1)
        )
    assert PositiveListLine.objects.count() == 4


def test_the_newer_edition_wins_from_its_date_on(tmp_path, django_capture_on_commit_callbacks):
    older = f"{HEADER}\n33049900,护肤品,,,,\n"
    newer = f"{HEADER}\n33049900,护肤品,,,,\n09012100,咖啡,,,,\n"
    with django_capture_on_commit_callbacks(execute=True):
        positive_list_import(path=write(tmp_path, older, "2019.csv"), edition=date(2019, 12, 24))
        positive_list_import(path=write(tmp_path, newer, "2022.csv"), edition=date(2022, 3, 1))

    assert positive_list_on(date(2018, 1, 1)).edition == NO_EDITION
    assert len(positive_list_on(date(2018, 1, 1))) == 0
    before = positive_list_on(date(2022, 2, 28))
    assert before.edition == date(2019, 12, 24)
    assert set(before.entries) == {"33049900"}
    from_then_on = positive_list_on(date(2022, 3, 1))
    assert from_then_on.edition == date(2022, 3, 1)
    assert set(from_then_on.entries) == {"33049900", "09012100"}


def test_nothing_stored_gives_an_empty_list():
    positive_list = positive_list_on(date(2026, 11, 27))
    assert positive_list.edition == date(1970, 1, 1)
    assert len(positive_list) == 0


def test_an_import_invalidates_the_cached_list(tmp_path, django_capture_on_commit_callbacks):
    day = date(2022, 6, 1)
    with django_capture_on_commit_callbacks(execute=True):
        positive_list_import(path=write(tmp_path, GOOD), edition=date(2022, 3, 1))
    assert positive_list_on(day).get("17019910").yearly_weight_cap_kg == Decimal("2")

    changed = f"{HEADER}\n17019910,砂糖,,,5,\n"
    with django_capture_on_commit_callbacks(execute=True):
        positive_list_import(path=write(tmp_path, changed, "v2.csv"), edition=date(2022, 3, 1))

    positive_list = positive_list_on(day)
    assert set(positive_list.entries) == {"17019910"}
    assert positive_list.get("17019910").yearly_weight_cap_kg == Decimal("5")


def test_a_new_edition_is_seen_even_when_the_editions_were_cached(
    tmp_path, django_capture_on_commit_callbacks
):
    assert positive_list_on(date(2022, 6, 1)).edition == NO_EDITION

    with django_capture_on_commit_callbacks(execute=True):
        positive_list_import(path=write(tmp_path, GOOD), edition=date(2022, 3, 1))

    assert positive_list_on(date(2022, 6, 1)).edition == date(2022, 3, 1)


def test_a_spreadsheet_bom_is_accepted_and_gbk_is_refused_with_advice(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(GOOD.encode("utf-8-sig"))
    assert positive_list_import(path=path, edition=date(2022, 3, 1)) == 4

    path.write_bytes(GOOD.encode("gbk"))
    with pytest.raises(PositiveListImportError, match="save it as UTF-8 CSV"):
        positive_list_import(path=path, edition=date(2022, 3, 1))
    assert PositiveListLine.objects.count() == 4
