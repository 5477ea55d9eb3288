"""The search page and autocomplete. Server-rendered; works without JavaScript.

    /search/?q=维生素&sort=price_asc&category=<slug>&origin=US&seller=<slug>
            &price=100-200&stock=1&mode=bonded&page=2

Filters may repeat (origin=US&origin=DE); a facet link adds or removes one value.
Unknown filter values are ignored rather than refused: they come from old links.
`/search/suggest?q=` answers JSON for the search box's autocomplete.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from entrepot.catalog.selectors import category_list
from entrepot.domain.search.ranking import PRICE_BAND_KEYS, SORTS
from entrepot.search.presenting import facet_label, facet_title, result_cards
from entrepot.search.selectors import (
    FACETS,
    MAX_QUERY_LENGTH,
    MODES,
    SearchQuery,
    search_listings,
    suggest,
)
from entrepot.storefront.http_cache import conditional_page
from entrepot.storefront.selectors import catalogue_version

MAX_PAGE = 40
# page parameter of each facet (the API calls the stock filter in_stock)
PARAMETERS = {
    "category": "category",
    "origin": "origin",
    "seller": "seller",
    "price": "price",
    "in_stock": "stock",
    "mode": "mode",
}


def _sort_labels() -> dict[str, str]:
    return {
        "relevance": _("Best match"),
        "price_asc": _("Price: low to high"),
        "price_desc": _("Price: high to low"),
        "newest": _("Newest"),
        "best_rated": _("Best rated"),
    }


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() else 1


def _query(request: HttpRequest, text: str, page: int) -> SearchQuery:
    get = request.GET
    sort = get.get("sort", "relevance")
    size = settings.ENTREPOT_PAGE_SIZE
    return SearchQuery(
        text=text,
        categories=tuple(get.getlist("category")),
        origins=tuple(o for o in get.getlist("origin") if len(o) == 2 and o.isalpha()),
        sellers=tuple(get.getlist("seller")),
        prices=tuple(p for p in get.getlist("price") if p in PRICE_BAND_KEYS),
        in_stock=get.get("stock") == "1",
        modes=tuple(m for m in get.getlist("mode") if m in MODES),
        sort=sort if sort in SORTS else "relevance",
        offset=(page - 1) * size,
        limit=size,
    )


def _url(params: QueryDict) -> str:
    return f"{reverse('search:results')}?{params.urlencode()}"


def _toggled(request: HttpRequest, parameter: str, value: str) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    values = params.getlist(parameter)
    params.setlist(
        parameter, [v for v in values if v != value] if value in values else [*values, value]
    )
    return _url(params)


def _with(request: HttpRequest, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return _url(params)


def _facet_groups(request: HttpRequest, result) -> list[dict]:
    groups = []
    for name in FACETS:
        options = [
            {
                "label": facet_label(result, name, value),
                "count": value.count,
                "selected": value.selected,
                "url": _toggled(request, PARAMETERS[name], value.value),
            }
            for value in result.facets[name]
        ]
        if options:
            groups.append({"name": name, "title": facet_title(name), "options": options})
    return groups


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    """The results page, cached like a category page (entrepot.storefront.http_cache): an
    ETag per URL, language and catalogue version, and for anonymous visitors the whole
    page for a minute, so a popular query costs one indexed query instead of a search."""
    return conditional_page(request, (catalogue_version(),), lambda: _render(request))


def _render(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    page = _page_number(request)
    context = {"q": text, "categories": category_list(), "searched": bool(text)}
    if text:
        query = _query(request, text, page)
        result = search_listings(query, categories=context["categories"])
        size = query.limit
        pages = min(MAX_PAGE, (result.total + size - 1) // size)
        context.update(
            result=result,
            cards=result_cards(result),
            facet_groups=_facet_groups(request, result),
            sorts=[
                {
                    "label": label,
                    "url": _with(request, sort=key, page=None),
                    "selected": key == query.sort,
                }
                for key, label in _sort_labels().items()
            ],  # fmt: skip
            page=page,
            pages=pages,
            previous_url=_with(request, page=str(page - 1)) if page > 1 else "",
            next_url=_with(request, page=str(page + 1)) if page < pages else "",
            clear_url=_url(QueryDict(urlencode({"q": text}))),
            filtered=any(request.GET.getlist(p) for p in PARAMETERS.values()),
        )
    return render(request, "search/results.html", context)


@require_safe
@cache_control(max_age=60)
def suggestions(request: HttpRequest) -> JsonResponse:
    text = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    chinese = (translation.get_language() or "").startswith("zh")
    found = suggest(text, chinese=chinese) if text else []
    return JsonResponse(
        {
            "query": text,
            "suggestions": [
                {
                    "kind": s.kind,
                    "text": s.text,
                    "url": reverse("storefront:category", args=[s.slug])
                    if s.kind == "category"
                    else f"{reverse('search:results')}?{urlencode({'q': s.text})}",
                }
                for s in found
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
