"""What China requires before a listing can be published: the pure rules."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from entrepot.domain import listing_rules as rules
from entrepot.domain.landed_cost.positive_list import PositiveList, PositiveListEntry
from entrepot.domain.listing_rules import ListingProblem, ListingSnapshot, listing_problems

EDITION = date(2022, 3, 1)
POSITIVE_LIST = PositiveList(
    edition=EDITION,
    entries={
        entry.tariff_number: entry
        for entry in (
            PositiveListEntry("21069090", "其他编号未列名的食品"),
            PositiveListEntry("33049900", "其他美容品或化妆品及护肤品"),
            PositiveListEntry("04021000", "脱脂奶粉", bonded_only=True),
            PositiveListEntry("30049090", "其他药品", note="仅限已获准在境内上市的非处方药"),
        )
    },
)

COMPLETE = ListingSnapshot(
    title_en="Vitamin D3 2000 IU Softgels",
    title_zh="维生素D3 2000IU软胶囊",
    description_en="One softgel a day.",
    description_zh="每日一粒。",
    hs_code="21069090",
    origin_country="US",
    weight_grams=180,
    net_content_value=None,
    net_content_unit="",
    variant_prices=(Decimal("19.99"), Decimal("35.99")),
    total_stock=20,
    translation_status="reviewed",
)


def _problems(**changes) -> list[ListingProblem]:
    return listing_problems(replace(COMPLETE, **changes), POSITIVE_LIST)


def _only(problems: list[ListingProblem]) -> ListingProblem:
    assert len(problems) == 1, problems
    return problems[0]


def test_a_complete_listing_has_no_problems():
    assert listing_problems(COMPLETE, POSITIVE_LIST) == []


def test_a_blank_english_title_blocks():
    problem = _only(_problems(title_en="  "))
    assert (problem.code, problem.field, problem.blocking) == (
        rules.MISSING_TITLE_EN,
        "title_en",
        True,
    )


def test_a_missing_chinese_title_blocks():
    problem = _only(_problems(title_zh=""))
    assert (problem.code, problem.field, problem.blocking) == (
        rules.MISSING_TITLE_ZH,
        "title_zh",
        True,
    )


def test_a_missing_chinese_description_is_flagged_without_blocking():
    problem = _only(_problems(description_zh=""))
    assert (problem.code, problem.blocking) == (rules.MISSING_DESCRIPTION_ZH, False)


def test_an_unknown_weight_blocks():
    problem = _only(_problems(weight_grams=None))
    assert (problem.code, problem.field, problem.blocking) == (
        rules.MISSING_WEIGHT,
        "weight_grams",
        True,
    )


def test_a_zero_weight_counts_as_missing():
    assert _only(_problems(weight_grams=0)).code == rules.MISSING_WEIGHT


def test_a_missing_country_of_origin_blocks():
    problem = _only(_problems(origin_country=""))
    assert (problem.code, problem.field, problem.blocking) == (
        rules.MISSING_ORIGIN,
        "origin_country",
        True,
    )


def test_a_six_digit_hs_code_is_not_enough_for_china():
    problem = _only(_problems(hs_code="210690"))
    assert (problem.code, problem.field, problem.params) == (
        rules.HS_CODE_FORMAT,
        "hs_code",
        {"value": "210690"},
    )
    assert problem.blocking


def test_a_tariff_number_written_with_dots_is_read_as_its_digits():
    assert _problems(hs_code="2106.90.90") == []


def test_a_tariff_number_off_the_positive_list_blocks_and_names_the_edition():
    problem = _only(_problems(hs_code="85171300"))
    assert problem.code == rules.HS_NOT_ON_POSITIVE_LIST
    assert problem.params == {"tariff_number": "85171300", "edition": "2022-03-01"}
    assert problem.blocking


def test_a_bonded_only_line_is_shown_but_does_not_block():
    problem = _only(_problems(hs_code="04021000"))
    assert (problem.code, problem.params, problem.blocking) == (
        rules.HS_BONDED_ONLY,
        {"tariff_number": "04021000"},
        False,
    )


def test_a_condition_on_the_positive_list_line_is_passed_on_without_blocking():
    problem = _only(_problems(hs_code="30049090"))
    assert problem.code == rules.HS_LIST_CONDITION
    assert problem.params["note"] == "仅限已获准在境内上市的非处方药"
    assert not problem.blocking


def test_cosmetics_without_net_content_block_because_their_tax_depends_on_it():
    problem = _only(_problems(hs_code="33049900"))
    assert (problem.code, problem.field, problem.blocking) == (
        rules.MISSING_NET_CONTENT,
        "net_content_value",
        True,
    )


def test_cosmetics_with_net_content_pass():
    assert _problems(hs_code="33049900", net_content_value=Decimal(30), net_content_unit="ml") == []


def test_a_product_without_variants_blocks():
    problem = _only(_problems(variant_prices=(), total_stock=0))
    assert (problem.code, problem.field, problem.blocking) == (rules.NO_VARIANT, "variants", True)


def test_a_variant_priced_at_zero_blocks_and_is_counted():
    problem = _only(_problems(variant_prices=(Decimal("19.99"), Decimal(0), Decimal("-1"))))
    assert (problem.code, problem.params, problem.blocking) == (
        rules.PRICE_NOT_POSITIVE,
        {"count": 2},
        True,
    )


def test_no_stock_is_flagged_without_blocking():
    problem = _only(_problems(total_stock=0))
    assert (problem.code, problem.blocking) == (rules.NO_STOCK, False)


def test_a_missing_translation_blocks():
    problem = _only(_problems(translation_status="missing"))
    assert (problem.code, problem.field, problem.blocking) == (
        rules.TRANSLATION_NOT_REVIEWED,
        "translation_status",
        True,
    )


def test_a_machine_translation_is_flagged_without_blocking():
    problem = _only(_problems(translation_status="machine"))
    assert (problem.code, problem.params, problem.blocking) == (
        rules.TRANSLATION_NOT_REVIEWED,
        {"status": "machine"},
        False,
    )


def test_problems_come_in_the_order_of_the_listing_form():
    problems = _problems(title_zh="", weight_grams=None, hs_code="", translation_status="missing")
    assert [p.code for p in problems] == [
        rules.MISSING_TITLE_ZH,
        rules.MISSING_WEIGHT,
        rules.HS_CODE_FORMAT,
        rules.TRANSLATION_NOT_REVIEWED,
    ]
