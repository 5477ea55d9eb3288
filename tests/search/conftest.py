"""Fixtures of the search tests: a small bilingual catalogue, indexed and embedded."""

from __future__ import annotations

import pytest

from entrepot.logistics.services import stock_set, warehouse_own_ensure
from entrepot.search import services
from entrepot.search.backends import search_backend
from entrepot.search.semantic import semantic_index
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_search_caches(request, settings):
    """The semantic index and the term list are per-process caches of rows each test
    rolls back: start every test without them, and keep the index out of files (ids of
    rolled-back rows come back with other vectors)."""
    settings.ENTREPOT_SEARCH_SAVE_INDEX = False
    if "django_db" in request.keywords or "db" in request.fixturenames:
        backend = search_backend()
        if hasattr(backend, "forget_vocabulary"):
            backend.forget_vocabulary()
    semantic_index.reset()
    yield
    semantic_index.reset()


def listing(*, seller, category, title_en, title_zh="", description_en="", description_zh="",
            **fields):  # fmt: skip
    """A published product with exactly this text (the factory's defaults replaced), its
    stock in the seller's own warehouse."""
    product = factories.product(
        seller=seller, category=category, title_en=title_en, title_zh=title_zh,
        description_en=description_en, description_zh=description_zh, brand=seller.business_name,
        **fields,
    )  # fmt: skip
    own = warehouse_own_ensure(seller=seller)
    for variant in product.variants.all():
        stock_set(variant=variant, warehouse=own, quantity=variant.stock)
    return product


def index(*products, embed: bool = True) -> None:
    """Index `products` as the catalog services do, then run the embedding task's work."""
    services.index_products(ids=[p.id for p in products])
    if embed:
        services.embeddings_refresh()


@pytest.fixture
def shop(db):
    """Two categories, sellers from the US and Germany, and a few listings: some in
    both languages, the goggles in English only, the gummies in Chinese only."""
    factories.rates()
    vitamins = factories.category(
        slug="vitamins-supplements", name_en="Vitamins & supplements", name_zh="维生素与膳食补充剂"
    )
    sport = factories.category(slug="sports-gear", name_en="Sports gear", name_zh="运动户外")
    us = factories.seller(business_name="Buckeye Naturals", slug="buckeye-naturals", country="US")
    de = factories.seller(
        business_name="Lindenhof Kontor", slug="lindenhof-kontor", country="DE", currency="EUR",
        city="Hamburg",
    )  # fmt: skip
    items = {
        "d3": listing(
            seller=us, category=vitamins, title_en="Buckeye Naturals Vitamin D3 2000 IU Softgels",
            title_zh="【美国直邮】Buckeye Naturals 维生素D3 2000IU软胶囊", price="15.99",
            description_en="One softgel a day for strong bones.", description_zh="每日一粒。",
        ),
        "fish_oil": listing(
            seller=us, category=vitamins, title_en="Buckeye Naturals Omega-3 Fish Oil 1000 mg",
            title_zh="【美国直邮】Buckeye Naturals 深海鱼油软胶囊 1000mg", price="24.00",
        ),
        "goggles": listing(
            seller=de, category=sport, title_en="Lindenhof Kontor Anti-fog Swimming Goggles",
            price="19.00",
        ),
        "yoga": listing(
            seller=de, category=sport, title_en="Lindenhof Kontor Natural Cork Yoga Mat",
            title_zh="【德国直邮】Lindenhof Kontor 天然软木瑜伽垫", price="89.00",
        ),
        "gummies_zh": listing(
            seller=de, category=vitamins, title_en="", title_zh="儿童复合维生素软糖", price="12.00"
        ),
    }  # fmt: skip
    index(*items.values())
    return {"vitamins": vitamins, "sport": sport, "us": us, "de": de, **items}
