"""Search quality over the seeded demo catalogue: at least 90% of the quality set
finds one of its products in the first five results. The score is printed.

The demo catalogue (entrepot seed's default sizes, 2,000 products) is seeded once for
the module, inside a transaction rolled back at the end.
"""

from collections import Counter
from datetime import UTC, datetime

import pytest
from django.db import transaction

from entrepot.catalog.models import Product
from entrepot.search.selectors import SearchQuery, search_listings
from entrepot.search.semantic import semantic_index
from entrepot.seeding.defaults import DEMO_SIZES
from entrepot.seeding.seed import seed
from tests.search.quality_set import QUALITY_SET

TOP = 5
PASS_MARK = 0.90


@pytest.fixture(scope="module")
def demo_catalogue(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed(**DEMO_SIZES, seed=1, now=datetime(2026, 11, 27, 12, tzinfo=UTC), progress=False)
        titles = dict(Product.objects.values_list("id", "title_en"))
        yield titles
        transaction.set_rollback(True)
    semantic_index.reset()


def _hit(titles: dict[int, str], query: str, names: tuple[str, ...]) -> tuple[bool, list[str]]:
    found = [titles[h.product_id] for h in search_listings(SearchQuery(text=query, limit=TOP)).hits]
    return any(title.endswith(names) for title in found), found


@pytest.mark.django_db
def test_the_quality_set_is_large_and_varied():
    assert len(QUALITY_SET) >= 40
    kinds = Counter(kind for kind, _q, _n in QUALITY_SET)
    assert set(kinds) == {
        "chinese", "pinyin", "initials", "english", "traditional", "misspelt", "cross-lingual",
    }  # fmt: skip


@pytest.mark.django_db
def test_every_expected_product_exists_in_the_demo_catalogue(demo_catalogue):
    titles = set(demo_catalogue.values())
    for _kind, query, names in QUALITY_SET:
        assert any(t.endswith(names) for t in titles), f"{query}: none of {names} is seeded"


@pytest.mark.django_db
def test_search_quality_over_the_demo_catalogue(demo_catalogue, capsys):
    passed, total, misses = Counter(), Counter(), []
    for kind, query, names in QUALITY_SET:
        ok, found = _hit(demo_catalogue, query, names)
        total[kind] += 1
        passed[kind] += ok
        if not ok:
            misses.append(f"  {kind:<13} {query!r}: expected {names[0]!r}…, top {TOP}: {found}")
    score = sum(passed.values()) / sum(total.values())
    with capsys.disabled():
        print(f"\nsearch quality: {sum(passed.values())}/{sum(total.values())} = {score:.1%}")
        print("  " + ", ".join(f"{k} {passed[k]}/{total[k]}" for k in total))
        print("\n".join(misses))
    assert score >= PASS_MARK, "\n".join(misses)
