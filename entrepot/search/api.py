"""`GET /api/v1/search`: the storefront's search as JSON. Public, rate limited per IP.

Results are ranked exactly as on the search page (the same selector); money is a
decimal string with its currency, as in the catalogue API; `landed_price` is what a
card shows: delivered to China by direct mail, tax included, in CNY (the goods price
converted when no quote is possible).
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import field_validator

from entrepot.catalog.api import MoneyOut
from entrepot.config import ratelimit
from entrepot.domain.search.ranking import PRICE_BAND_KEYS, SORTS
from entrepot.search import conf
from entrepot.search.presenting import facet_label, result_cards
from entrepot.search.selectors import FACETS, MAX_QUERY_LENGTH, SearchQuery, search_listings

router = Router(tags=["search"])

RATE_WINDOW_SECONDS = 60


class SearchParams(Schema):
    q: str = Field(min_length=1, max_length=MAX_QUERY_LENGTH, description="what to look for")
    limit: int = Field(20, ge=1, le=50)
    offset: int = Field(0, ge=0, le=1000)
    lang: Literal["zh-hans", "en"] = Field("zh-hans", description="language of facet labels")
    sort: Literal[SORTS] = "relevance"  # type: ignore[valid-type]
    category: list[str] = Field(default_factory=list, description="category slugs")
    origin: list[str] = Field(default_factory=list, description="ISO 3166 alpha-2 codes")
    seller: list[str] = Field(default_factory=list, description="seller slugs")
    price: list[Literal[PRICE_BAND_KEYS]] = Field(  # type: ignore[valid-type]
        default_factory=list, description="price bands in CNY, e.g. 100-200 or 1000-"
    )
    in_stock: bool = False
    mode: list[Literal["direct", "bonded"]] = Field(default_factory=list)

    @field_validator("q")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("say what to search for: q is blank")
        return value

    @field_validator("origin")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        for value in values:
            if len(value) != 2 or not value.isalpha() or not value.isupper():
                raise ValueError(f"origin {value!r} is not a country code such as US or DE")
        return values


class SearchHitOut(Schema):
    id: int
    title_en: str
    title_zh: str
    category: str = Field(description="the category's English slug")
    seller: str = Field(description="the seller's business name")
    price: MoneyOut = Field(description="the 'from' price in the seller's currency")
    landed_price: MoneyOut = Field(description="delivered to China, tax included, in CNY")
    score: float = Field(description="relevance, 0 to 1")


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    total: int = Field(description="listings matching (counted among the best candidates)")
    results: list[SearchHitOut]
    facets: dict[str, list[FacetValueOut]]


class ProblemOut(Schema):
    detail: str
    errors: list[dict]


def rate_limit_wait(request: HttpRequest) -> int:
    """Seconds until this address may search again (0: now): ENTREPOT_SEARCH_RATE_LIMIT
    searches a minute per address, counted by entrepot.config.ratelimit."""
    rule = ratelimit.Limit("search_api", conf.rate_limit_per_minute(), RATE_WINDOW_SECONDS)
    return ratelimit.hit(rule, ratelimit.client_ip(request))


@router.get(
    "/search",
    response={200: SearchOut, 429: ProblemOut},
    summary="Search the catalogue in Chinese, pinyin or English",
)
def search(request: HttpRequest, response: HttpResponse, filters: Query[SearchParams]):
    """Listings matching `q`, ranked as the storefront ranks them, with facet counts.

    Chinese (simplified or traditional), pinyin (`weishengsu`, initials `wss`) and
    English (stemmed, misspellings corrected) all work, and a query in one language
    finds listings written only in the other. Filters take repeated parameters
    (`origin=US&origin=DE`); facets count within the filtered results. 429 with
    Retry-After when an address searches too often.
    """
    wait = rate_limit_wait(request)
    if wait:
        response["Retry-After"] = str(wait)
        limit = conf.rate_limit_per_minute()
        message = (
            f"too many searches from your address: at most {limit} a minute; try again in {wait} s"
        )
        return Status(
            429, {"detail": message, "errors": [{"code": "RATE_LIMITED", "message": message}]}
        )
    query = SearchQuery(
        text=filters.q, categories=tuple(filters.category), origins=tuple(filters.origin),
        sellers=tuple(filters.seller), prices=tuple(filters.price), in_stock=filters.in_stock,
        modes=tuple(filters.mode), sort=filters.sort, offset=filters.offset, limit=filters.limit,
    )  # fmt: skip
    result = search_listings(query)
    slugs = {c.id: slug for slug, c in result.categories.items()}
    with translation.override(filters.lang):
        cards = result_cards(result)
        facets = {
            name: [
                {"value": v.value, "label": facet_label(result, name, v), "count": v.count,
                 "selected": v.selected}
                for v in result.facets[name]
            ]
            for name in FACETS
        }  # fmt: skip
    scores = {h.product_id: h.score for h in result.hits}
    results = [
        {
            "id": card.product.id,
            "title_en": card.product.title_en,
            "title_zh": card.product.title_zh,
            "category": slugs.get(card.product.category_id, ""),
            "seller": card.product.seller.business_name,
            "price": MoneyOut.of(card.price),
            "landed_price": MoneyOut.of(card.landed.display),
            "score": scores[card.product.id],
        }
        for card in cards
    ]
    return Status(200, {"total": result.total, "results": results, "facets": facets})
