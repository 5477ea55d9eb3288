"""Writes of search: index listings, embed them, rebuild everything.

`index_products(ids=...)` is called by every service that changes a listing (catalog,
translation), inside that service's transaction: the keyword index changes with the
listing or not at all. The embedding, which takes tens of milliseconds of CPU, is not
computed there: the document is marked `embedding_stale` and a task is enqueued on
commit (`tasks.embed_stale_documents`); a periodic sweep embeds whatever is still
stale, so a lost task delays an embedding but never loses it. Listings of the same
product share one embedding (keyed by a hash of its text), so most re-indexing
(a price, the stock, a description) needs no new embedding at all.

Bulk paths (`index_all`: seeding, `search_reindex`) work in chunks of product ids,
each in its own transaction, analyse each distinct string once, and embed each
distinct text once, inline.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from entrepot.catalog.models import Product
from entrepot.domain.search import analysis
from entrepot.search.backends import search_backend
from entrepot.search.embeddings import embed_passages, to_bytes
from entrepot.search.models import SearchDocument, SearchEmbedding

logger = logging.getLogger(__name__)

CHUNK = 2000
EMBED_BATCH = 256

_PRODUCT_COLUMNS = (
    "id", "status", "category_id", "seller_id", "origin_country", "price_amount", "currency",
    "created_at", "title_en", "title_zh", "brand", "description_en", "description_zh",
    "category__name_en", "category__name_zh", "seller__business_name",
)  # fmt: skip
_DOCUMENT_COLUMNS = (
    "product_id", "category_id", "seller_id", "origin_country", "price_amount", "currency",
    "listed_at", "name_en", "name_zh", "title_terms", "extra_terms", "body_terms",
    "embedding_key", "embedding_id", "embedding_stale", "indexed_at",
)  # fmt: skip


@dataclass
class IndexReport:
    indexed: int = 0  # documents written
    removed: int = 0  # listings no longer searchable
    embedded: int = 0  # new embeddings computed
    stale: int = 0  # documents waiting for an embedding
    seconds: float = 0.0
    terms_seen: set[str] = field(default_factory=set, repr=False)

    def summary(self) -> str:
        rate = f", {self.indexed / self.seconds:,.0f} listings/s" if self.seconds else ""
        return (
            f"indexed {self.indexed:,} listings, removed {self.removed:,}, computed "
            f"{self.embedded:,} embeddings, {self.stale:,} waiting for one{rate}"
        )


def _listing(row: dict) -> analysis.ListingText:
    return analysis.ListingText(
        title_en=row["title_en"], title_zh=row["title_zh"], brand=row["brand"],
        description_en=row["description_en"], description_zh=row["description_zh"],
        category_en=row["category__name_en"], category_zh=row["category__name_zh"],
        seller=row["seller__business_name"],
    )  # fmt: skip


def _embed_texts(texts: dict[str, str]) -> tuple[dict[str, int], int]:
    """Store the embeddings of {key: text} not stored yet.

    Returns ({key: embedding id}, how many were computed).
    """
    ids = dict(SearchEmbedding.objects.filter(key__in=list(texts)).values_list("key", "id"))
    missing = [key for key in texts if key not in ids]
    for start in range(0, len(missing), EMBED_BATCH):
        keys = missing[start : start + EMBED_BATCH]
        vectors = embed_passages([texts[k] for k in keys])
        SearchEmbedding.objects.bulk_create(
            [
                SearchEmbedding(key=k, vector=to_bytes(v))
                for k, v in zip(keys, vectors, strict=True)
            ],
            ignore_conflicts=True,  # another worker may have stored the same text meanwhile
        )
    if missing:
        ids.update(SearchEmbedding.objects.filter(key__in=missing).values_list("key", "id"))
    return ids, len(missing)


def _write_documents(rows: list[tuple]) -> None:
    if not rows:
        return
    adapt = connection.ops.adapt_datetimefield_value
    listed, indexed = _DOCUMENT_COLUMNS.index("listed_at"), _DOCUMENT_COLUMNS.index("indexed_at")
    adapted = []
    for row in rows:
        row = list(row)
        row[listed], row[indexed] = adapt(row[listed]), adapt(row[indexed])
        adapted.append(row)
    columns = ", ".join(connection.ops.quote_name(c) for c in _DOCUMENT_COLUMNS)
    placeholders = ", ".join(["%s"] * len(_DOCUMENT_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO search_document ({columns}) VALUES ({placeholders})", adapted
        )


def _document_row(product: dict, listing, terms, key: str, embedding_id, stale: bool, now):
    name_en, name_zh = analysis.display_names(listing)
    return (
        product["id"], product["category_id"], product["seller_id"], product["origin_country"],
        product["price_amount"], product["currency"], product["created_at"], name_en[:200],
        name_zh[:200], terms.title, terms.extra, terms.body, key, embedding_id, stale, now,
    )  # fmt: skip


def _index_rows(products: list[dict], *, embed: bool, report: IndexReport) -> None:
    """(Re)write the documents of `products` (dicts of _PRODUCT_COLUMNS).

    A listing whose embedding text is already stored (its own, or another listing's
    with the same text) gets that embedding; otherwise, unless `embed`, it keeps its
    previous one (if any) and is marked stale.
    """
    ids = [p["id"] for p in products]
    previous = dict(
        SearchDocument.objects.filter(product_id__in=ids).values_list("product_id", "embedding_id")
    )
    published = [p for p in products if p["status"] == Product.Status.PUBLISHED]
    report.removed += len(set(previous) - {p["id"] for p in published})
    prepared, texts = [], {}
    for product in published:
        listing = _listing(product)
        text = analysis.embedding_text(listing)
        key = analysis.embedding_key(text)
        texts[key] = text
        prepared.append((product, listing, analysis.listing_terms(listing), key))
    if embed:
        known, computed = _embed_texts(texts)
        report.embedded += computed
    else:
        known = dict(SearchEmbedding.objects.filter(key__in=list(texts)).values_list("key", "id"))
    now = timezone.now()
    rows, vocabulary = [], set()
    for product, listing, terms, key in prepared:
        embedding_id = known.get(key)
        stale = embedding_id is None
        if stale:
            report.stale += 1
            embedding_id = previous.get(product["id"])  # the old meaning meanwhile
        rows.append(_document_row(product, listing, terms, key, embedding_id, stale, now))
        vocabulary |= analysis.vocabulary_terms(terms)
    if previous:
        SearchDocument.objects.filter(product_id__in=list(previous)).delete()
    _write_documents(rows)
    new_terms = vocabulary - report.terms_seen
    if new_terms:
        search_backend().add_terms(new_terms)
        report.terms_seen |= new_terms
    report.indexed += len(rows)


def _products(queryset) -> list[dict]:
    return list(queryset.values(*_PRODUCT_COLUMNS))


@transaction.atomic
def index_products(*, ids: Iterable[int]) -> IndexReport:
    """Bring the search documents of these listings up to date, in the caller's
    transaction: published listings are (re)indexed, others removed.

    Embeddings not stored yet are computed by a task enqueued on commit.
    """
    ids = sorted(set(ids))
    report = IndexReport()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        products = _products(Product.objects.filter(pk__in=chunk))
        gone = set(chunk) - {p["id"] for p in products}
        if gone:  # deleted listings (a draft): nothing cascades to a document that never was
            report.removed += SearchDocument.objects.filter(product_id__in=gone).delete()[0]
        _index_rows(products, embed=False, report=report)
    if report.stale:
        transaction.on_commit(_enqueue_embedding)
    return report


def _enqueue_embedding() -> None:
    from entrepot.search.tasks import embed_stale_documents

    embed_stale_documents()


def index_all(
    *,
    first_id: int | None = None,
    last_id: int | None = None,
    embed: bool = True,
    progress: Callable[[int], None] | None = None,
) -> IndexReport:
    """(Re)index every listing with an id in [first_id, last_id] (all by default), in
    chunks of CHUNK ids, each its own transaction; embeddings are computed inline
    (`embed`), each distinct text once. For seeding and `search_reindex`."""
    started = time.perf_counter()
    report = IndexReport()
    ids = Product.objects.order_by("id")
    if first_id is not None:
        ids = ids.filter(id__gte=first_id)
    if last_id is not None:
        ids = ids.filter(id__lte=last_id)
    bounds = ids.values_list("id", flat=True)
    low, high = bounds.first(), bounds.last()
    if low is not None:
        for start in range(low, high + 1, CHUNK):
            end = min(start + CHUNK - 1, high)
            with transaction.atomic():
                products = _products(Product.objects.filter(id__gte=start, id__lte=end))
                _index_rows(products, embed=embed, report=report)
            if progress is not None:
                progress(len(products))
    report.seconds = time.perf_counter() - started
    return report


def documents_remove_orphans() -> int:
    """Delete documents of listings that are no longer published; return how many."""
    removed, _detail = SearchDocument.objects.exclude(
        product__status=Product.Status.PUBLISHED
    ).delete()
    return removed


# --- embeddings -------------------------------------------------------------------------


def embeddings_refresh(*, limit: int = 1024) -> int:
    """Embed up to `limit` stale documents; return how many were brought up to date.

    The text comes from the document itself (names and category), so a listing
    re-indexed meanwhile simply stays stale for the next run: the update below only
    touches documents whose key is still the one embedded.
    """
    stale = list(
        SearchDocument.objects.filter(embedding_stale=True)
        .order_by("product_id")
        .values_list(
            "product_id", "embedding_key", "name_en", "name_zh", "category__name_en",
            "category__name_zh",
        )[:limit]
    )  # fmt: skip
    if not stale:
        return 0
    texts, products_of = {}, {}
    for product_id, old_key, name_en, name_zh, category_en, category_zh in stale:
        listing = analysis.ListingText(
            title_en=name_en, title_zh=name_zh, category_en=category_en, category_zh=category_zh
        )
        text = analysis.embedding_text(listing)
        key = analysis.embedding_key(text)
        texts[key] = text
        products_of.setdefault((old_key, key), []).append(product_id)
    ids, _computed = _embed_texts(texts)
    done = 0
    with transaction.atomic():
        for (old_key, key), product_ids in products_of.items():
            done += SearchDocument.objects.filter(
                product_id__in=product_ids, embedding_key=old_key, embedding_stale=True
            ).update(embedding_id=ids[key], embedding_key=key, embedding_stale=False)
    return done


def embeddings_remove_unused() -> int:
    """Delete embeddings no document uses any more; return how many."""
    used = SearchDocument.objects.filter(embedding__isnull=False).values("embedding_id")
    removed, _detail = SearchEmbedding.objects.exclude(id__in=used).delete()
    return removed


def documents_reconcile() -> IndexReport:
    """The safety net of the periodic sweep: index what the services missed.

    Published listings without a document, listings changed after their document was
    written (an edit through the Django admin), and documents of listings no longer
    published. Costs a join over the catalogue: run it hourly, not per request.
    """
    missing = Product.objects.filter(
        Q(status=Product.Status.PUBLISHED, search_document__isnull=True)
        | Q(search_document__indexed_at__lt=F("updated_at"))
    ).values_list("id", flat=True)
    ids = list(missing[:50_000])
    report = index_products(ids=ids) if ids else IndexReport()
    report.removed += documents_remove_orphans()
    return report
