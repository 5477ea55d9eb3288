"""The keyword backends: the same behaviour on SQLite FTS5 and PostgreSQL tsvector.

CI runs this file on both databases; the query-text tests below need none.
"""

import pytest
from django.db import connection

from entrepot.domain.search.analysis import Alternative, Group, QueryPlan
from entrepot.search.backends import Scope, fts5_match, search_backend, tsquery
from entrepot.search.models import SearchDocument

PLAN = QueryPlan(
    "维生素 vit",
    (
        Group("维生素", (Alternative(("维生素",)), Alternative(("维生", "生素")))),
        Group("vit", (Alternative(("vit",), prefix=True),)),
    ),
)


def test_fts5_match_text():
    assert fts5_match(PLAN, strict=True) == '("维生素" OR ("维生" AND "生素")) AND "vit"*'
    assert fts5_match(PLAN, strict=False, titles_only=True) == (
        'title_terms : (("维生素" OR ("维生" AND "生素")) OR "vit"*)'
    )


def test_tsquery_text_quotes_every_lexeme():
    assert tsquery(PLAN, strict=True) == "('维生素' | ('维生' & '生素')) & 'vit':*"
    assert tsquery(PLAN, strict=False, titles_only=True) == (
        "('维生素':A | ('维生':A & '生素':A)) | 'vit':*A"
    )


@pytest.fixture
def backend(shop):
    return search_backend()


def _plan(*groups) -> QueryPlan:
    return QueryPlan(" ".join(groups), tuple(Group(g, (Alternative((g,)),)) for g in groups))


def _ids(rows) -> set[int]:
    return {row[0] for row in rows}


def test_the_backend_matches_the_database_vendor(backend):
    assert backend.vendor == connection.vendor


def test_strict_needs_every_group_and_relaxed_any(backend, shop):
    plan = _plan("软木", "鱼油")
    assert backend.keyword(plan, strict=True, scope=Scope(), limit=10) == []
    relaxed = backend.keyword(plan, strict=False, scope=Scope(), limit=10)
    assert _ids(relaxed) == {shop["yoga"].id, shop["fish_oil"].id}


def test_scores_are_higher_for_better_matches_and_carry_the_embedding(backend, shop):
    rows = backend.keyword(_plan("buckey"), strict=True, scope=Scope(), limit=10)
    assert _ids(rows) == {shop["d3"].id, shop["fish_oil"].id}
    assert all(score > 0 for _pid, score, _e in rows)
    embedding = SearchDocument.objects.get(product=shop["d3"]).embedding_id
    assert (shop["d3"].id, embedding) in {(pid, e) for pid, _s, e in rows}


def test_title_matches_outrank_description_matches(backend, shop):
    # "bone" is only in the D3 description; "softgel" in its title
    title = dict((p, s) for p, s, _e in backend.keyword(_plan("softgel"), strict=True,
                                                        scope=Scope(), limit=5))  # fmt: skip
    body = dict((p, s) for p, s, _e in backend.keyword(_plan("bone"), strict=True,
                                                       scope=Scope(), limit=5))  # fmt: skip
    assert title[shop["d3"].id] > body[shop["d3"].id]


def test_the_newest_matches_come_first_and_the_limit_holds(backend, shop):
    rows = backend.keyword(_plan("lindenhof"), strict=True, scope=Scope(), limit=2)
    assert [r[0] for r in rows] == sorted(
        [shop["gummies_zh"].id, shop["yoga"].id, shop["goggles"].id], reverse=True
    )[:2]


def test_scope_filters_in_the_database(backend, shop):
    scope = Scope(origins=("DE",))
    assert _ids(backend.keyword(_plan("buckey"), strict=True, scope=scope, limit=10)) == set()
    scope = Scope(category_ids=(shop["sport"].id,), seller_ids=(shop["de"].id,))
    found = backend.keyword(_plan("lindenhof"), strict=True, scope=scope, limit=10)
    assert _ids(found) == {shop["goggles"].id, shop["yoga"].id}


def test_prefix_matches_titles_only_when_asked(backend, shop):
    plan = QueryPlan("yuj", (Group("yuj", (Alternative(("yuj",), prefix=True),)),))
    found = backend.keyword(plan, strict=True, scope=Scope(), limit=10, titles_only=True)
    assert _ids(found) == {shop["yoga"].id}


def test_known_terms_and_similar_terms(backend, shop):
    assert backend.known_terms({"vitamin", "weishengsu", "nothing", "维生素"}) == {
        "vitamin",
        "weishengsu",
    }
    assert backend.similar_terms("vitamn") == ["vitamin"]
    assert backend.similar_terms("goggle") == ["goggl"]
    assert backend.similar_terms("xylophone") == []


def test_semantic_documents_are_bounded_per_embedding(backend, shop):
    embedding = SearchDocument.objects.get(product=shop["d3"]).embedding_id
    assert backend.semantic_documents([embedding], scope=Scope(), per_embedding=5) == [
        (shop["d3"].id, embedding)
    ]
    scoped = backend.semantic_documents([embedding], scope=Scope(origins=("DE",)), per_embedding=5)
    assert scoped == []
