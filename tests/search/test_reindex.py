"""Rebuilding everything: `entrepot manage search_reindex`, and seeding."""

from io import StringIO

import pytest
from django.core.management import call_command

from entrepot.catalog.models import Product
from entrepot.search.models import SearchDocument, SearchEmbedding, SearchTerm
from entrepot.search.selectors import SearchQuery, search_listings
from entrepot.seeding.seed import seed
from tests import factories
from tests.search.conftest import listing

pytestmark = pytest.mark.django_db


def test_reindex_rebuilds_documents_terms_and_embeddings(shop):
    d3 = shop["d3"]
    Product.objects.filter(pk=d3.pk).update(title_en="Buckeye Naturals Vitamin K2 Drops")
    Product.objects.filter(pk=shop["fish_oil"].pk).update(status="draft")
    SearchTerm.objects.all().delete()
    orphan = SearchEmbedding.objects.create(key="0" * 40, vector=b"\0" * 768)
    out = StringIO()
    call_command("search_reindex", "--full", stdout=out)
    assert "search_reindex: indexed 4 listings, removed 1" in out.getvalue()
    assert "k2" in SearchDocument.objects.get(product=d3).title_terms.split()
    assert not SearchDocument.objects.filter(product=shop["fish_oil"]).exists()
    assert SearchTerm.objects.filter(term="vitamin").exists()
    assert not SearchEmbedding.objects.filter(pk=orphan.pk).exists()
    assert not SearchDocument.objects.filter(embedding_stale=True).exists()
    hits = search_listings(SearchQuery(text="vitamin k2")).hits
    assert hits[0].product_id == d3.id


def test_reindex_of_an_empty_catalogue(db):
    out = StringIO()
    call_command("search_reindex", stdout=out)
    assert "indexed 0 listings" in out.getvalue()


def test_seeding_writes_search_documents_for_published_products(db):
    report = seed(sellers=3, products=60, buyers=1, orders=0, seed=4, progress=False)
    published = Product.objects.filter(status="published")
    assert report.rows["search documents"] == published.count()
    assert SearchDocument.objects.count() == published.count()
    assert not SearchDocument.objects.filter(embedding_stale=True).exists()
    # listings of the same product share one embedding
    assert SearchEmbedding.objects.count() < published.count()
    english_only = published.filter(title_zh="")
    assert english_only.exists()
    assert set(english_only.values_list("translation_status", flat=True)) == {"missing"}


def test_the_demo_seller_can_be_found_by_name(db):
    seed(sellers=2, products=20, buyers=1, orders=0, seed=4, progress=False)
    product = Product.objects.filter(status="published").select_related("seller").first()
    found = search_listings(SearchQuery(text=product.seller.business_name, limit=50)).hits
    assert product.id in {h.product_id for h in found}


def test_a_listing_with_a_new_word_adds_it_to_the_term_list(shop):
    seller = factories.seller(business_name="Kaori")
    product = listing(seller=seller, category=shop["sport"], title_en="Kaori Kendama")
    from tests.search.conftest import index

    index(product, embed=False)
    assert SearchTerm.objects.filter(term="kendama").exists()
