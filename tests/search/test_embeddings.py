"""Embeddings: computed by a task enqueued on commit, swept if the task is lost, shared."""

import numpy as np
import pytest
from huey.contrib.djhuey import HUEY

from entrepot.search import services, tasks
from entrepot.search.embeddings import DIMENSIONS, embed_passages, embed_query, from_bytes
from entrepot.search.models import SearchDocument, SearchEmbedding
from entrepot.search.semantic import semantic_index
from tests import factories
from tests.search.conftest import index, listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_huey():
    was = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = was


@pytest.fixture
def seller():
    factories.rates()
    return factories.seller(business_name="Buckeye Naturals")


def test_vectors_are_normalised_and_stored_as_float16(seller):
    vector = embed_passages(["Vitamin D3 softgels"])[0]
    assert vector.shape == (DIMENSIONS,) and np.linalg.norm(vector) == pytest.approx(1, abs=1e-3)
    product = listing(seller=seller, category=factories.category(), title_en="Vitamin D3")
    index(product)
    stored = SearchDocument.objects.get(product=product).embedding
    assert len(bytes(stored.vector)) == DIMENSIONS * 2
    assert float(from_bytes(stored.vector) @ embed_query("vitamin d3")) > 0.8


def test_indexing_enqueues_the_embedding_task_on_commit(
    seller, immediate_huey, django_capture_on_commit_callbacks
):
    product = listing(seller=seller, category=factories.category(), title_en="Cork Yoga Mat")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.index_products(ids=[product.id])
        assert SearchDocument.objects.get(product=product).embedding_stale
    assert len(callbacks) == 1
    document = SearchDocument.objects.get(product=product)
    assert not document.embedding_stale and document.embedding_id is not None


def test_nothing_is_enqueued_when_the_embedding_exists_already(
    seller, django_capture_on_commit_callbacks
):
    category = factories.category()
    first = listing(seller=seller, category=category, title_en="Buckeye Naturals Cork Yoga Mat")
    index(first)
    other = factories.seller(business_name="Redwood Supply")
    second = listing(seller=other, category=category, title_en="Redwood Supply Cork Yoga Mat")
    with django_capture_on_commit_callbacks() as callbacks:
        report = services.index_products(ids=[second.id])
    assert report.stale == 0 and callbacks == []
    documents = SearchDocument.objects.filter(product__in=[first, second])
    assert len({d.embedding_id for d in documents}) == 1


def test_the_sweep_embeds_what_a_lost_task_left_stale(seller):
    products = [
        listing(seller=seller, category=factories.category(), title_en=title)
        for title in ("Cork Yoga Mat", "Tennis Balls", "Matcha Powder")
    ]
    services.index_products(ids=[p.id for p in products])  # on_commit never runs here
    assert SearchDocument.objects.filter(embedding_stale=True).count() == 3
    assert tasks.sweep_stale_embeddings.call_local() == 3
    assert not SearchDocument.objects.filter(embedding_stale=True).exists()
    assert tasks.sweep_stale_embeddings.call_local() == 0


def test_a_changed_listing_keeps_its_old_embedding_until_the_new_one_is_ready(seller):
    product = listing(seller=seller, category=factories.category(), title_en="Cork Yoga Mat")
    index(product)
    old = SearchDocument.objects.get(product=product).embedding_id
    product.title_en = "Natural Rubber Yoga Mat"
    product.save()
    services.index_products(ids=[product.id])
    document = SearchDocument.objects.get(product=product)
    assert document.embedding_stale and document.embedding_id == old
    services.embeddings_refresh()
    document.refresh_from_db()
    assert not document.embedding_stale and document.embedding_id != old


def test_a_listing_reindexed_while_its_embedding_is_computed_stays_stale(seller, monkeypatch):
    product = listing(seller=seller, category=factories.category(), title_en="Cork Yoga Mat")
    services.index_products(ids=[product.id])
    real = services._embed_texts

    def meanwhile(texts):
        # the seller edits the listing while the worker embeds the old text
        product.title_en = "Natural Rubber Yoga Mat"
        product.save()
        services.index_products(ids=[product.id])
        return real(texts)

    monkeypatch.setattr(services, "_embed_texts", meanwhile)
    assert services.embeddings_refresh() == 0
    monkeypatch.setattr(services, "_embed_texts", real)
    assert SearchDocument.objects.get(product=product).embedding_stale
    assert services.embeddings_refresh() == 1


def test_unused_embeddings_are_removed_and_the_semantic_index_follows(seller):
    product = listing(seller=seller, category=factories.category(), title_en="Cork Yoga Mat")
    index(product)
    assert semantic_index.nearest(embed_query("yoga mat"), 1)
    product.status = "draft"
    product.save()
    services.index_products(ids=[product.id])
    assert services.embeddings_remove_unused() == 1
    assert not SearchEmbedding.objects.exists()


def test_the_semantic_index_adds_new_embeddings_without_a_rebuild(seller):
    category = factories.category()
    first = listing(seller=seller, category=category, title_en="Cork Yoga Mat")
    index(first)
    assert len(semantic_index.nearest(embed_query("yoga"), 10)) == 1
    second = listing(seller=seller, category=category, title_en="Swimming Goggles")
    index(second)
    near = semantic_index.nearest(embed_query("swimming goggles"), 10)
    assert len(near) == 2
    goggles = SearchDocument.objects.get(product=second).embedding_id
    assert near[0][0] == goggles


def test_reconcile_indexes_listings_changed_behind_the_services_back(seller, settings):
    settings.ENTREPOT_SEARCH_SEMANTIC = False
    product = listing(seller=seller, category=factories.category(), title_en="Cork Yoga Mat")
    services.index_products(ids=[product.id])
    missing = listing(seller=seller, category=factories.category(), title_en="Tennis Balls")
    Product = type(product)
    Product.objects.filter(pk=product.pk).update(title_en="Rubber Yoga Mat")
    product.refresh_from_db()
    product.save()  # as the Django admin would: updated_at moves, nothing re-indexes
    report = tasks.reconcile_search_index.call_local()
    assert "indexed 2 listings" in report
    assert SearchDocument.objects.get(product=missing)
    assert "rubber" in SearchDocument.objects.get(product=product).title_terms.split()


def test_the_semantic_index_is_saved_and_loaded_by_a_new_process(
    seller, settings, tmp_path, monkeypatch
):
    settings.ENTREPOT_SEARCH_SAVE_INDEX = True
    settings.DATA_DIR = tmp_path
    category = factories.category()
    index(listing(seller=seller, category=category, title_en="Cork Yoga Mat"))
    assert semantic_index.save() == 1
    assert list((tmp_path / "search").glob("semantic-*.usearch"))
    saved_up_to = SearchEmbedding.objects.get().id
    semantic_index.reset()  # as a new process
    goggles = listing(seller=seller, category=category, title_en="Swimming Goggles")
    index(goggles)  # newer than the saved file: added on load
    loaded_from = []
    real = semantic_index._add_after
    monkeypatch.setattr(semantic_index, "_add_after", lambda after: loaded_from.append(after)
                        or real(after))  # fmt: skip
    near = semantic_index.nearest(embed_query("swimming goggles"), 10)
    assert loaded_from == [saved_up_to]  # only what is newer than the file was read
    assert len(near) == 2
    assert near[0][0] == SearchDocument.objects.get(product=goggles).embedding_id
