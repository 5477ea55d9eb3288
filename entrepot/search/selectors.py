"""Reads of search: ranked listings with facets, and autocomplete suggestions.

One search, whatever the catalogue's size, looks at a bounded set of candidates:

1. keyword: up to KEYWORD_CANDIDATES of the newest listings matching every word of the
   query (any word, if none match all), with BM25 / ts_rank scores (backends.py);
2. semantic: the SEMANTIC_NEIGHBOURS embeddings nearest the query's (usearch HNSW),
   each bringing its PER_EMBEDDING newest listings — this is what finds a listing in
   the other language;
3. every candidate gets both scores (a keyword candidate's cosine similarity comes
   from its stored embedding), blended by domain.search.ranking.

Facet counts, the total and the sorts are computed over those candidates after the
filters: exact for any query that matches fewer than KEYWORD_CANDIDATES listings,
and an approximation (counts within the best candidates) for broader ones. Price
bands and price sorts use the listing's "from" price converted to CNY at today's
reference rate, not the landed price (which needs a quote per listing); the cards
show the landed price.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db import connection

from entrepot.catalog.models import Category, Product
from entrepot.catalog.selectors import CARD_FIELDS, FIRST_IMAGE
from entrepot.domain.exceptions import RateMissing
from entrepot.domain.search import ranking
from entrepot.domain.search.analysis import QueryPlan, plan_query
from entrepot.domain.search.pinyin import full_pinyin, initials
from entrepot.domain.search.text import han_runs, normalize
from entrepot.logistics.models import Warehouse
from entrepot.pricing.selectors import current_rate_table
from entrepot.search import conf
from entrepot.search.backends import Scope, SearchBackend, search_backend
from entrepot.search.models import SearchDocument
from entrepot.search.semantic import semantic_index
from entrepot.sellers.models import Seller

logger = logging.getLogger(__name__)

KEYWORD_CANDIDATES = 500
SEMANTIC_NEIGHBOURS = 48
PER_EMBEDDING = 12
# A listing found only by meaning must be this similar to the query, and within
# SEMANTIC_MARGIN of the nearest (e5 similarities crowd between 0.75 and 0.95) ...
SEMANTIC_MIN = 0.78
SEMANTIC_MARGIN = 0.03
# ... and, when words matched too, at least SEMANTIC_MIN_WITH_WORDS and within
# KEYWORD_SIMILARITY_MARGIN of the best of the KEYWORD_REFERENCE best keyword matches
SEMANTIC_MIN_WITH_WORDS = 0.83
KEYWORD_SIMILARITY_MARGIN = 0.02
KEYWORD_REFERENCE = 20
MAX_QUERY_LENGTH = 100
CENT = Decimal("0.01")
MODES = ("direct", "bonded")  # direct mail (9610) from the seller, bonded warehouse (1210)
FACETS = ("category", "origin", "seller", "price", "in_stock", "mode")
SELLER_FACET_SIZE = 10


@dataclass(frozen=True)
class SearchQuery:
    text: str
    categories: tuple[str, ...] = ()  # slugs
    origins: tuple[str, ...] = ()  # ISO 3166 alpha-2
    sellers: tuple[str, ...] = ()  # slugs
    prices: tuple[str, ...] = ()  # ranking.PRICE_BAND_KEYS
    in_stock: bool = False
    modes: tuple[str, ...] = ()  # MODES
    sort: str = "relevance"  # ranking.SORTS
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True)
class Hit:
    product_id: int
    score: float  # relevance, 0..1


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    query: SearchQuery
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    plan: QueryPlan
    relaxed: bool = False  # no listing matched every word: any word was enough
    by_meaning_only: bool = False  # no listing matched any word: nearest meanings only
    categories: dict[str, Category] = field(default_factory=dict)  # by slug
    sellers: dict[str, Seller] = field(default_factory=dict)  # by slug, the facet's

    @property
    def corrections(self) -> tuple[tuple[str, str], ...]:
        return self.plan.corrections


@dataclass(frozen=True)
class _Candidate:
    product_id: int
    category_id: int
    seller_id: int
    origin: str
    price_cny: Decimal | None
    age: int  # rank by listing time: higher is newer
    embedding_id: int | None
    boost: float = 0.0  # ranking.service_boost of the seller's stored service score
    rating: float = ranking.RATING_PRIOR  # ranking.smoothed_rating of the product


class _Vocabulary:
    """domain.search.analysis.Vocabulary over a backend."""

    def __init__(self, backend: SearchBackend) -> None:
        self.backend = backend

    def known(self, terms: Collection[str]) -> set[str]:
        return self.backend.known_terms(terms)

    def similar(self, term: str) -> list[str]:
        return self.backend.similar_terms(term)


def _query_vector(text: str):
    if not conf.semantic_enabled() or not text.strip():
        return None
    from entrepot.search.embeddings import embed_query

    try:
        return embed_query(normalize(text))
    except (ImportError, OSError, RuntimeError):  # no model: search by keywords alone
        logger.exception("query embedding failed; searching by keywords only")
        return None


def _semantic_floor(near: list[tuple[int, float]], keyword_similarity: list[float]) -> float:
    """How similar a listing found only by meaning must be to the query.

    Within SEMANTIC_MARGIN of the nearest embedding, always. When words matched too,
    also at least SEMANTIC_MIN_WITH_WORDS and about as similar as the best of those
    matches: "维生素" then adds the vitamins listed in English only, not every
    supplement that reads a bit like it, and a brand name adds nothing. When no word
    matched, the nearest meanings are all there is (another language): SEMANTIC_MIN.
    """
    floor = max(SEMANTIC_MIN, near[0][1] - SEMANTIC_MARGIN)
    if keyword_similarity:
        floor = max(
            floor, SEMANTIC_MIN_WITH_WORDS, max(keyword_similarity) - KEYWORD_SIMILARITY_MARGIN
        )
    return floor


def _semantic_candidates(
    vector, keyword: list[tuple[int, float, int | None]], scope: Scope, backend: SearchBackend
) -> tuple[dict[int, float], dict[int, float]]:
    """({product id: similarity} of listings found by meaning, {product id: similarity}
    of the keyword matches)."""
    near = semantic_index.nearest(vector, SEMANTIC_NEIGHBOURS)
    best_words = sorted(keyword, key=lambda k: -k[1])[:KEYWORD_REFERENCE]
    similarity = semantic_index.similarities(vector, [k[2] for k in keyword])
    of_keyword = {pid: similarity[eid] for pid, _s, eid in keyword if eid in similarity}
    if not near:
        return {}, of_keyword
    floor = _semantic_floor(near, [similarity[e] for _p, _s, e in best_words if e in similarity])
    chosen = {embedding_id: sim for embedding_id, sim in near if sim >= floor}
    pairs = backend.semantic_documents(list(chosen), scope=scope, per_embedding=PER_EMBEDDING)
    return {pid: chosen[eid] for pid, eid in pairs}, of_keyword


def _rates_to_cny(currencies: set[str]) -> dict[str, Decimal]:
    table = current_rate_table()
    rates = {}
    for currency in currencies:
        try:
            rates[currency] = table.rate(currency, "CNY")
        except RateMissing:
            continue
    return rates


def _rows(sql: str, ids: Collection[int]) -> list[tuple]:
    """Run `sql` with its `{ids}` replaced by the placeholders of `ids`.

    Raw SQL on purpose: the ORM spends more time preparing a thousand IN parameters and
    converting a thousand rows than the database spends answering.
    """
    ids = list(ids)
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql.format(ids=", ".join(["%s"] * len(ids))), ids)
        return cursor.fetchall()


def _candidates(ids: Collection[int]) -> dict[int, _Candidate]:
    # the seller's service score and the product's rating are stored counters
    # (entrepot.reviews), joined here so that they cost no query of their own
    rows = _rows(
        "SELECT d.product_id, d.category_id, d.seller_id, d.origin_country, d.price_amount, "
        "d.currency, d.listed_at, d.embedding_id, s.score, r.ratings_count, r.ratings_sum "
        "FROM search_document d "
        "LEFT JOIN reviews_sellerstats s ON s.seller_id = d.seller_id "
        "LEFT JOIN reviews_productrating r ON r.product_id = d.product_id "
        "WHERE d.product_id IN ({ids})",
        ids,
    )
    rates = _rates_to_cny({row[5] for row in rows})
    # "newest" only needs an order: rank the raw values (text on SQLite, datetimes on
    # PostgreSQL) instead of parsing a thousand timestamps
    age = {pid: n for n, pid in enumerate(r[0] for r in sorted(rows, key=lambda r: r[6]))}
    found = {}
    for row in rows:
        pid, category_id, seller_id, origin, amount, currency, _listed, embedding_id = row[:8]
        score, ratings_count, ratings_sum = row[8:]
        rate = rates.get(currency)
        price = (Decimal(str(amount)) * rate).quantize(CENT) if rate is not None else None
        found[pid] = _Candidate(
            pid, category_id, seller_id, origin, price, age[pid], embedding_id,
            boost=ranking.service_boost(score),
            rating=ranking.smoothed_rating(ratings_count or 0, ratings_sum or 0),
        )  # fmt: skip
    return found


def _stock(ids: Collection[int]) -> tuple[set[int], dict[int, set[str]]]:
    """(The listings with a variant in stock, as the category pages count them;
    {product id: the delivery modes it has stock for}: direct mail from the seller's
    own warehouse, or a bonded warehouse in China). One query."""
    sql = (
        "SELECT DISTINCT v.product_id, w.kind FROM catalog_productvariant v "
        "LEFT JOIN logistics_stock s ON s.variant_id = v.id AND s.quantity > 0 "
        "LEFT JOIN logistics_warehouse w ON w.id = s.warehouse_id "
        "WHERE v.stock > 0 AND v.product_id IN ({ids})"
    )
    stocked, modes = set(), {}
    for product_id, kind in _rows(sql, ids):
        stocked.add(product_id)
        if kind is not None:
            modes.setdefault(product_id, set()).add(
                "bonded" if kind == Warehouse.Kind.BONDED else "direct"
            )
    return stocked, modes


def _passes(query: SearchQuery, c: _Candidate, stocked: set[int], modes: dict) -> bool:
    """Whether `c` passes the filters applied after retrieval (drill-down: all of them)."""
    return (
        (not query.prices or ranking.price_band(c.price_cny) in query.prices)
        and (not query.in_stock or c.product_id in stocked)
        and (not query.modes or bool(modes.get(c.product_id, set()) & set(query.modes)))
    )


def _facets(
    query, kept, stocked, modes, categories_by_id, sellers_by_id
) -> dict[str, list[FacetValue]]:
    def values(pairs, selected):
        return [FacetValue(str(v), n, str(v) in selected) for v, n in pairs]

    category = ranking.facet_counts(
        kept,
        lambda c: (
            categories_by_id[c.category_id].slug if c.category_id in categories_by_id else None
        ),
    )
    seller = ranking.facet_counts(
        kept, lambda c: sellers_by_id[c.seller_id].slug if c.seller_id in sellers_by_id else None
    )
    price = dict(ranking.facet_counts(kept, lambda c: ranking.price_band(c.price_cny)))
    stock = sum(1 for c in kept if c.product_id in stocked)
    mode = dict(ranking.facet_counts(kept, lambda c: modes.get(c.product_id)))
    return {
        "category": values(category, query.categories),
        "origin": values(ranking.facet_counts(kept, lambda c: c.origin), query.origins),
        "seller": values(seller[:SELLER_FACET_SIZE], query.sellers),
        "price": [
            FacetValue(key, price[key], key in query.prices)
            for key in ranking.PRICE_BAND_KEYS
            if key in price
        ],
        "in_stock": [FacetValue("1", stock, query.in_stock)] if stock else [],
        "mode": [FacetValue(m, mode[m], m in query.modes) for m in MODES if m in mode],
    }


@dataclass(frozen=True)
class _Retrieved:
    plan: QueryPlan
    relaxed: bool
    matched_words: bool  # some listing had the query's words
    candidates: dict[int, _Candidate]
    relevance: dict[int, float]


def _retrieve(text: str, scope: Scope) -> _Retrieved:
    """Keyword and semantic candidates of `text` in `scope`, with their relevance."""
    backend = search_backend()
    plan = plan_query(text, _Vocabulary(backend))
    keyword = backend.keyword(plan, strict=True, scope=scope, limit=KEYWORD_CANDIDATES)
    relaxed = False
    if not keyword and len(plan.groups) > 1:
        keyword = backend.keyword(plan, strict=False, scope=scope, limit=KEYWORD_CANDIDATES)
        relaxed = bool(keyword)
    vector = _query_vector(text) if not plan.empty else None
    semantic: dict[int, float] = {}
    if vector is not None:
        found, of_keyword = _semantic_candidates(vector, keyword, scope, backend)
        semantic = {**found, **of_keyword}
    scores = {pid: score for pid, score, _e in keyword}
    candidates = _candidates(scores.keys() | semantic.keys())
    relevance = ranking.blend(
        {pid: s for pid, s in scores.items() if pid in candidates},
        {pid: s for pid, s in semantic.items() if pid in candidates},
        relaxed=relaxed,
    )
    return _Retrieved(plan, relaxed, bool(keyword), candidates, relevance)


def _scope(query: SearchQuery, categories: dict[str, Category]) -> tuple[Scope, tuple[int, ...]]:
    seller_ids: tuple[int, ...] = ()
    if query.sellers:
        found = Seller.objects.filter(slug__in=query.sellers).values_list("id", flat=True)
        seller_ids = tuple(found) or (0,)  # unknown sellers: nothing matches
    scope = Scope(
        category_ids=tuple(categories[s].id for s in query.categories if s in categories),
        seller_ids=seller_ids,
        origins=tuple(query.origins),
    )
    return scope, seller_ids


def _facet_sellers(kept: list[_Candidate], chosen: tuple[int, ...]) -> dict[int, Seller]:
    """The sellers the seller facet shows: the most frequent ones and the chosen ones."""
    counts = ranking.facet_counts(kept, lambda c: c.seller_id)[:SELLER_FACET_SIZE]
    wanted = {seller_id for seller_id, _n in counts} | set(chosen)
    if not wanted:
        return {}
    sellers = Seller.objects.filter(id__in=wanted).only("id", "slug", "business_name", "country")
    return {s.id: s for s in sellers}


def search_listings(
    query: SearchQuery, *, categories: list[Category] | None = None
) -> SearchResult:
    """Published listings matching `query`, ranked, filtered, sorted and paged, with
    facet counts. `categories`: all of them, if the caller has them already.

    Queries: categories (unless given), the term list, the keyword match (two when
    relaxed), the semantic index's watermark (and its new rows), the semantic
    listings, the candidates, their stock, the facet's sellers, and the rate
    table on a cold cache (2)."""
    if query.sort not in ranking.SORTS:
        raise ValueError(f"unknown sort {query.sort!r}")
    if categories is None:
        categories = list(Category.objects.all())
    by_slug = {c.slug: c for c in categories}
    scope, seller_ids = _scope(query, by_slug)
    found = _retrieve(query.text[:MAX_QUERY_LENGTH], scope)
    ids = found.candidates.keys()
    stocked, modes = _stock(ids)
    kept = [c for c in found.candidates.values() if _passes(query, c, stocked, modes)]
    sellers = _facet_sellers(kept, seller_ids)
    ordered = ranking.sort_ranked(
        [
            ranking.Ranked(c.product_id, found.relevance.get(c.product_id, 0.0), c.price_cny,
                           c.age, boost=c.boost, rating=c.rating)
            for c in kept
        ],
        query.sort,
    )  # fmt: skip
    page = ordered[query.offset : query.offset + query.limit]
    return SearchResult(
        query=query,
        total=len(ordered),
        hits=[Hit(r.key, round(r.relevance, 4)) for r in page],
        facets=_facets(query, kept, stocked, modes, {c.id: c for c in categories}, sellers),
        plan=found.plan,
        relaxed=found.relaxed,
        by_meaning_only=not found.matched_words and bool(ordered),
        categories=by_slug,
        sellers={s.slug: s for s in sellers.values()},
    )


def hit_products(hits: list[Hit]) -> list[Product]:
    """The listings of `hits`, in their order, with the columns a card shows (2 queries:
    products with their sellers, first pictures)."""
    ids = [h.product_id for h in hits]
    if not ids:
        return []
    rows = (
        Product.objects.filter(pk__in=ids, status=Product.Status.PUBLISHED)
        .select_related("seller")
        .only(*CARD_FIELDS)
        .prefetch_related(FIRST_IMAGE)
    )
    by_id = {p.id: p for p in rows}
    return [by_id[i] for i in ids if i in by_id]


# --- autocomplete -------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "category" or "query"
    text: str
    slug: str = ""  # categories


@lru_cache(maxsize=1024)
def _category_keys(name_en: str, name_zh: str, slug: str) -> tuple[str, ...]:
    han = "".join(han_runs(normalize(name_zh)))
    words = normalize(name_en).replace("&", " ").split()
    return (normalize(name_en), normalize(name_zh), slug, full_pinyin(han), initials(han), *words)


def _category_suggestions(prefix: str, *, chinese: bool) -> list[Suggestion]:
    found = []
    for c in Category.objects.all():
        keys = _category_keys(c.name_en, c.name_zh, c.slug)
        if any(k.startswith(prefix) for k in keys if k):
            label = (c.name_zh or c.name_en) if chinese else (c.name_en or c.name_zh)
            found.append(Suggestion("category", label, c.slug))
    return found


SUGGEST_CANDIDATES = 200


def suggest(text: str, *, chinese: bool, limit: int = 8) -> list[Suggestion]:
    """Categories and product names completing what has been typed: a prefix of a
    word, of its pinyin or of its initials ("vit", "weish", "wss", "维生")."""
    prefix = normalize(text[:MAX_QUERY_LENGTH])
    if not prefix:
        return []
    found = _category_suggestions(prefix, chinese=chinese)[:3]
    backend = search_backend()
    plan = plan_query(prefix, _Vocabulary(backend), prefix_last=True)
    matches = backend.keyword(
        plan, strict=True, scope=Scope(), limit=SUGGEST_CANDIDATES, titles_only=True
    )
    best = [m[0] for m in sorted(matches, key=lambda m: (-m[1], -m[0]))[:60]]
    names = dict(
        (pid, (en, zh))
        for pid, en, zh in SearchDocument.objects.filter(product_id__in=best).values_list(
            "product_id", "name_en", "name_zh"
        )
    )
    seen = {s.text.lower() for s in found}
    for pid in best:
        if pid not in names:
            continue
        en, zh = names[pid]
        label = (zh or en) if chinese else (en or zh)
        if label and label.lower() not in seen:
            seen.add(label.lower())
            found.append(Suggestion("query", label))
        if len(found) >= limit:
            break
    return found[:limit]
