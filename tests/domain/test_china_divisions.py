import pytest

from entrepot.domain.china_divisions import (
    Division,
    DivisionRefused,
    check_division,
    find_province,
    mainland_provinces,
    provinces,
    split_address,
)


def _refusal(**parts) -> DivisionRefused:
    with pytest.raises(DivisionRefused) as refused:
        check_division(**{"province": "", "city": "", "district": "", **parts})
    return refused.value


def test_all_34_provincial_level_divisions_are_known_and_31_are_mainland():
    assert len(provinces()) == 34
    mainland = mainland_provinces()
    assert len(mainland) == 31
    assert {"香港特别行政区", "澳门特别行政区", "台湾省"}.isdisjoint(p.name for p in mainland)


def test_every_mainland_province_has_cities_and_most_cities_have_districts():
    cities = [city for province in mainland_provinces() for city in province.cities]
    assert all(province.cities for province in mainland_provinces())
    assert len(cities) > 330
    assert sum(1 for city in cities if city.districts) > 300
    assert sum(len(city.districts) for city in cities) > 2800


def test_a_municipality_is_its_own_single_city():
    beijing = find_province("北京")
    assert beijing.municipality and [c.name for c in beijing.cities] == ["北京市"]
    assert "朝阳区" in beijing.cities[0].districts


def test_full_and_short_names_resolve_to_the_full_names():
    assert check_division(province="浙江", city="杭州", district="西湖") == Division(
        "浙江省", "杭州市", "西湖区"
    )
    assert check_division(province=" 广西 ", city="南宁市", district="青秀区").province == (
        "广西壮族自治区"
    )


def test_a_city_of_another_province_is_refused_naming_both():
    refusal = _refusal(province="江苏省", city="杭州市", district="西湖区")
    assert (refusal.code, refusal.field) == ("city_unknown", "city")
    assert refusal.params == {"city": "杭州市", "province": "江苏省"}


def test_a_district_of_another_city_is_refused_with_the_right_ones():
    refusal = _refusal(province="浙江省", city="杭州市", district="朝阳区")
    assert (refusal.code, refusal.field) == ("district_unknown", "district")
    assert "西湖区" in refusal.params["allowed"].split("、")


def test_hong_kong_macao_and_taiwan_are_refused_as_outside_the_mainland():
    for name in ("香港", "澳门特别行政区", "台湾省"):
        refusal = _refusal(province=name, city="x", district="y")
        assert refusal.code == "outside_mainland"


def test_an_unknown_province_and_a_missing_part_are_refused():
    assert _refusal(province="火星", city="x", district="y").code == "province_unknown"
    missing = _refusal(province="浙江省", city="杭州市")
    assert (missing.code, missing.field) == ("missing", "district")


def test_one_character_is_too_short_to_stand_for_a_name():
    assert find_province("吉林").name == "吉林省"
    assert find_province("广") is None  # 广东省 or 广西壮族自治区


def test_a_city_without_districts_takes_the_town_as_free_text():
    division = check_division(province="广东省", city="东莞市", district="南城街道")
    assert division.district == "南城街道"


def test_split_address_reads_province_city_and_district_off_the_start():
    parts = split_address("浙江省杭州市西湖区文三路100号")
    assert (parts.province, parts.city, parts.district, parts.street) == (
        "浙江省", "杭州市", "西湖区", "文三路100号"
    )  # fmt: skip


def test_split_address_knows_municipalities_and_short_names():
    parts = split_address("北京市朝阳区建国路1号")
    assert (parts.province, parts.city, parts.district) == ("北京市", "北京市", "朝阳区")
    parts = split_address("广西南宁市青秀区民族大道1号")
    assert (parts.province, parts.city, parts.district) == ("广西壮族自治区", "南宁市", "青秀区")


def test_split_address_takes_no_district_from_a_street_name():
    parts = split_address("浙江省杭州市西湖大道1号")
    assert (parts.district, parts.street) == ("", "西湖大道1号")


def test_split_address_needs_the_province_first():
    assert split_address("杭州市西湖区文三路100号") is None


def test_the_address_line_names_a_municipality_once():
    assert Division("上海市", "上海市", "浦东新区").address_line("世纪大道1号") == (
        "上海市浦东新区世纪大道1号"
    )
    assert Division("浙江省", "杭州市", "西湖区").address_line(" 文三路100号") == (
        "浙江省杭州市西湖区文三路100号"
    )
