"""The keyword index changes with a listing, in the same transaction."""

from decimal import Decimal

import pytest
from django.db import transaction

from entrepot.catalog.models import Product
from entrepot.catalog.services import (
    ListingInput,
    VariantInput,
    listing_create,
    listing_publish,
    listing_reinstate,
    listing_suspend,
    listing_unpublish,
    listing_update,
)
from entrepot.pricing.positive_list import positive_list_load_sample
from entrepot.search.models import SearchDocument, SearchTerm
from entrepot.search.selectors import SearchQuery, search_listings
from entrepot.search.services import index_all, index_products
from entrepot.translation.services import translation_review
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    factories.rates()
    positive_list_load_sample()
    return factories.seller(verification_status="approved", business_name="Buckeye Naturals")


def _input(category, **overrides) -> ListingInput:
    fields = {
        "category": category, "title_en": "Buckwheat Honey 500 g", "title_zh": "荞麦蜂蜜 500克",
        "description_en": "Dark, malty honey from Ohio farms.",
        "description_zh": "来自俄亥俄农场的深色蜂蜜。",
        "hs_code": "21069090", "origin_country": "US", "weight_grams": 650,
        "variants": (VariantInput(sku="HNY-500", name_en="500 g", price_amount=Decimal("14.5"),
                                  stock=25),),
    }  # fmt: skip
    fields.update(overrides)
    return ListingInput(**fields)


def _found(text: str) -> list[int]:
    return [h.product_id for h in search_listings(SearchQuery(text=text)).hits]


@pytest.fixture
def published(seller, settings):
    settings.ENTREPOT_SEARCH_SEMANTIC = False  # keywords only: no model needed here
    product = listing_create(seller=seller, data=_input(factories.category()))
    return listing_publish(product=product)


def test_a_draft_is_not_searchable(seller):
    product = listing_create(seller=seller, data=_input(factories.category()))
    assert not SearchDocument.objects.filter(product=product).exists()


def test_publishing_indexes_the_listing(published):
    document = SearchDocument.objects.get(product=published)
    assert "荞麦" in document.title_terms.split() and "honey" in document.title_terms.split()
    assert document.embedding_stale and document.name_zh == "荞麦蜂蜜 500克"
    assert _found("蜂蜜") == [published.id]
    assert SearchTerm.objects.filter(term="honey").exists()


def test_an_update_replaces_the_indexed_text(published):
    listing_update(
        product=published,
        data=_input(published.category, title_en="Wildflower Honey 500 g", title_zh="百花蜜 500克"),
    )
    assert _found("wildflower") == [published.id]
    assert _found("buckwheat") == []


def test_an_update_that_rolls_back_leaves_the_index_as_it_was(published):
    with pytest.raises(RuntimeError), transaction.atomic():
        listing_update(
            product=published, data=_input(published.category, title_en="Wildflower Honey")
        )
        assert _found("wildflower") == [published.id]  # visible inside the transaction
        raise RuntimeError("the seller's request failed later on")
    assert _found("wildflower") == []
    assert _found("buckwheat") == [published.id]


def test_unpublishing_and_suspending_take_the_listing_out_of_search(published):
    listing_unpublish(product=published)
    assert _found("honey") == []
    listing_publish(product=published)
    assert _found("honey") == [published.id]
    listing_suspend(product=published, reason="Claims to cure colds.")
    assert _found("honey") == []
    listing_reinstate(product=Product.objects.get(pk=published.pk))
    assert _found("honey") == []  # back to draft: the seller publishes again


def test_a_reviewed_translation_is_indexed(seller, settings):
    settings.ENTREPOT_SEARCH_SEMANTIC = False
    product = listing_create(
        seller=seller, data=_input(factories.category(), title_zh="临时标题", description_zh="")
    )
    listing_publish(product=product)
    assert _found("荞麦") == []
    translation_review(
        product=product, title_zh="荞麦蜂蜜", description_zh="深色蜂蜜。",
        reviewer=factories.user(),
    )  # fmt: skip
    assert _found("荞麦") == [product.id]


def test_index_products_is_set_based(seller, django_assert_max_num_queries, settings):
    settings.ENTREPOT_SEARCH_SEMANTIC = False
    category = factories.category()
    products = [
        factories.product(seller=seller, category=category, title_en=f"Honey {n}")
        for n in range(30)
    ]
    with django_assert_max_num_queries(8):
        report = index_products(ids=[p.id for p in products])
    assert report.indexed == 30 and report.stale == 30


def test_index_all_indexes_a_range_and_embeds_each_text_once(seller):
    category = factories.category()
    same = [factories.product(seller=seller, category=category, title_en="Honey 500 g",
                              title_zh="蜂蜜") for _ in range(3)]  # fmt: skip
    report = index_all(first_id=same[0].id, last_id=same[-1].id)
    assert report.indexed == 3 and report.embedded == 1 and report.stale == 0
    documents = SearchDocument.objects.filter(product__in=same)
    assert {d.embedding_id for d in documents} != {None}
    assert len({d.embedding_id for d in documents}) == 1
