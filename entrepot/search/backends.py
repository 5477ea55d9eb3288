"""Where the keyword side of search runs: a `SearchBackend` per database vendor.

Both backends take the same `QueryPlan` (domain.search.analysis) and return the same
thing: up to `limit` (product id, score) pairs, higher scores better, among the
newest matching listings. Bounding by newest first keeps a query over a million
listings as cheap as over a thousand: each backend walks its index in product-id
order and stops after `limit` matches, scoring only those. On a very broad query
("vitamin" at 1M listings) the best BM25 match may therefore be missed if it is older
than the `limit` newest matches; a narrower query (more words, a facet) finds it.

- `SqliteSearch`: FTS5 (`search_fts`), BM25 with column weights.
- `PostgresSearch`: the `search_vector` tsvector column, ts_rank with weights A/B/D,
  and pg_trgm over `search_term` for misspellings.

Facet filters on category, seller and origin are pushed into the query (`Scope`).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache

from django.db import connection

from entrepot.domain.search.analysis import Alternative, QueryPlan
from entrepot.domain.search.typos import TypoCorrector, best_matches
from entrepot.search.models import SearchTerm

# column weights: title, extra (category, seller), body (descriptions)
WEIGHTS = (8.0, 3.0, 1.0)
# the in-memory term list used for misspellings on SQLite is reloaded this often
VOCABULARY_SECONDS = 60


@dataclass(frozen=True)
class Scope:
    """Facet filters the database applies while matching."""

    category_ids: tuple[int, ...] = ()
    seller_ids: tuple[int, ...] = ()
    origins: tuple[str, ...] = ()

    def sql(self, alias: str) -> tuple[str, list]:
        clauses, params = [], []
        for column, values in (
            ("category_id", self.category_ids),
            ("seller_id", self.seller_ids),
            ("origin_country", self.origins),
        ):
            if values:
                clauses.append(f"{alias}.{column} IN ({', '.join(['%s'] * len(values))})")
                params.extend(values)
        return "".join(f" AND {c}" for c in clauses), params


class SearchBackend:
    """The keyword index of one database vendor."""

    vendor = ""

    def keyword(
        self, plan: QueryPlan, *, strict: bool, scope: Scope, limit: int, titles_only: bool = False
    ) -> list[tuple[int, float, int | None]]:
        """(product id, score, embedding id) of up to `limit` of the newest listings
        matching `plan`: every group (`strict`) or any group. `titles_only` matches
        titles alone (suggestions)."""
        raise NotImplementedError

    def similar_terms(self, term: str) -> list[str]:
        """Indexed latin-script terms spelt nearly like `term`, best first."""
        raise NotImplementedError

    # shared by both vendors ------------------------------------------------------------
    def known_terms(self, terms: Collection[str]) -> set[str]:
        wanted = [t for t in terms if t.isascii() and 1 < len(t) <= 64]
        if not wanted:
            return set()
        return set(SearchTerm.objects.filter(term__in=wanted).values_list("term", flat=True))

    def add_terms(self, terms: Iterable[str]) -> None:
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=t) for t in sorted(terms)], ignore_conflicts=True, batch_size=2000
        )

    def semantic_documents(
        self, embedding_ids: list[int], *, scope: Scope, per_embedding: int
    ) -> list[tuple[int, int]]:
        """(product id, embedding id): the newest `per_embedding` listings of each
        embedding. One statement of bounded index range scans."""
        if not embedding_ids:
            return []
        where, params = scope.sql("d")
        parts, all_params = [], []
        for n, embedding_id in enumerate(embedding_ids):
            parts.append(
                f"SELECT * FROM (SELECT d.product_id, d.embedding_id FROM search_document d "
                f"WHERE d.embedding_id = %s{where} ORDER BY d.product_id DESC LIMIT %s) e{n}"
            )
            all_params.extend([embedding_id, *params, per_embedding])
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), all_params)
            return [(row[0], row[1]) for row in cursor.fetchall()]


# --- SQLite -----------------------------------------------------------------------------


def _fts_term(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _fts_alternative(alternative: Alternative) -> str:
    terms = [_fts_term(t) for t in alternative.terms]
    if alternative.prefix:
        terms[-1] += "*"
    return terms[0] if len(terms) == 1 else "(" + " AND ".join(terms) + ")"


def fts5_match(plan: QueryPlan, *, strict: bool, titles_only: bool = False) -> str:
    """The FTS5 MATCH expression of a plan."""
    groups = []
    for group in plan.groups:
        alternatives = [_fts_alternative(a) for a in group.alternatives]
        groups.append(
            alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"
        )
    expression = (" AND " if strict else " OR ").join(groups)
    return f"title_terms : ({expression})" if titles_only else expression


class SqliteSearch(SearchBackend):
    vendor = "sqlite"

    def __init__(self) -> None:
        self._corrector: TypoCorrector | None = None
        self._corrector_loaded = 0.0

    def keyword(self, plan, *, strict, scope, limit, titles_only=False):
        if plan.empty:
            return []
        where, params = scope.sql("d")
        sql = (
            "SELECT search_fts.rowid, bm25(search_fts, %s, %s, %s), d.embedding_id "
            "FROM search_fts JOIN search_document d ON d.product_id = search_fts.rowid "
            f"WHERE search_fts MATCH %s{where} ORDER BY search_fts.rowid DESC LIMIT %s"
        )
        match = fts5_match(plan, strict=strict, titles_only=titles_only)
        with connection.cursor() as cursor:
            cursor.execute(sql, [*WEIGHTS, match, *params, limit])
            # bm25() is lower for better matches
            return [(row[0], -row[1], row[2]) for row in cursor.fetchall()]

    def _vocabulary(self) -> TypoCorrector:
        now = time.monotonic()
        if self._corrector is None or now - self._corrector_loaded > VOCABULARY_SECONDS:
            terms = SearchTerm.objects.values_list("term", flat=True).iterator(chunk_size=20000)
            self._corrector = TypoCorrector(t for t in terms if not t.isdigit())
            self._corrector_loaded = now
        return self._corrector

    def similar_terms(self, term):
        return self._vocabulary().similar(term)

    def forget_vocabulary(self) -> None:
        self._corrector = None


# --- PostgreSQL -------------------------------------------------------------------------


def _ts_term(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _ts_alternative(alternative: Alternative, weights: str) -> str:
    terms = [_ts_term(t) + (f":{weights}" if weights else "") for t in alternative.terms]
    if alternative.prefix:
        terms[-1] = _ts_term(alternative.terms[-1]) + f":*{weights}"
    return terms[0] if len(terms) == 1 else "(" + " & ".join(terms) + ")"


def tsquery(plan: QueryPlan, *, strict: bool, titles_only: bool = False) -> str:
    """The tsquery text of a plan; lexemes are quoted, so nothing re-parses them."""
    weights = "A" if titles_only else ""
    groups = []
    for group in plan.groups:
        alternatives = [_ts_alternative(a, weights) for a in group.alternatives]
        groups.append(
            alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")"
        )
    return (" & " if strict else " | ").join(groups)


class PostgresSearch(SearchBackend):
    vendor = "postgresql"
    TRIGRAM_CANDIDATES = 40

    def keyword(self, plan, *, strict, scope, limit, titles_only=False):
        if plan.empty:
            return []
        where, params = scope.sql("d")
        # The stored vector has no positions (array_to_tsvector), and without positions
        # PostgreSQL keeps no weights and ts_rank scores every match alike. So each field
        # is ranked on its own and weighted here, as bm25's column weights do on SQLite:
        # title 1.0, brand / category / seller 0.35, description 0.1.
        field = "ts_rank(array_to_tsvector(string_to_array(d.{0}, ' ')), query.q)"
        rank = " + ".join(
            f"{weight} * {field.format(column)}"
            for column, weight in (("title_terms", 1.0), ("extra_terms", 0.35),
                                   ("body_terms", 0.1))
        )  # fmt: skip
        sql = (
            f"SELECT d.product_id, {rank}, "
            "d.embedding_id FROM search_document d "
            "CROSS JOIN (SELECT CAST(%s AS tsquery) AS q) AS query "
            f"WHERE d.search_vector @@ query.q{where} ORDER BY d.product_id DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [tsquery(plan, strict=strict, titles_only=titles_only), *params, limit]
            )
            return [(row[0], float(row[1]), row[2]) for row in cursor.fetchall()]

    def similar_terms(self, term):
        with connection.cursor() as cursor:
            # the trigram index finds the candidates; the same scoring as on SQLite ranks them
            cursor.execute(
                "SELECT term FROM search_term WHERE term %% %s "
                "ORDER BY similarity(term, %s) DESC, term LIMIT %s",
                [term, term, self.TRIGRAM_CANDIDATES],
            )
            candidates = [row[0] for row in cursor.fetchall()]
        return best_matches(term, candidates)


@cache
def _backend_for(vendor: str) -> SearchBackend:
    if vendor == "postgresql":
        return PostgresSearch()
    if vendor == "sqlite":
        return SqliteSearch()
    raise NotImplementedError(f"search has no backend for the {vendor} database")


def search_backend() -> SearchBackend:
    """The backend of the default database (picked by `connection.vendor`)."""
    return _backend_for(connection.vendor)
