import pytest
from django.urls import reverse

from entrepot.translation.models import MemoryEntry
from entrepot.translation.services import memory_record
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.translation.urls_for_tests")]


@pytest.fixture
def two_sellers():
    factories.rates()
    category = factories.category()
    alice, bob = factories.seller(), factories.seller()
    untranslated = {"title_zh": "", "description_zh": "", "translation_status": "missing"}
    return (
        alice,
        factories.product(
            seller=alice,
            category=category,
            title_en="Ohio Wildflower Honey",
            description_en="Raw honey from Ohio meadows.",
            **untranslated,
        ),
        bob,
        factories.product(
            seller=bob, category=category, title_en="Bavarian Mustard", **untranslated
        ),
    )


def _login(client, seller):
    assert client.login(username=seller.user.username, password=factories.PASSWORD)


def test_queue_lists_only_the_sellers_own_unreviewed_products(client, two_sellers):
    alice, honey, _bob, _mustard = two_sellers
    factories.product(seller=alice, category=honey.category, title_en="Already Reviewed Syrup")
    _login(client, alice)
    response = client.get(reverse("sellercentral:translation_queue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ohio Wildflower Honey" in html
    assert reverse("sellercentral:translation_edit", args=[honey.id]) in html
    assert "Bavarian Mustard" not in html
    assert "Already Reviewed Syrup" not in html


def test_queue_pages_by_product_number(client, two_sellers, settings):
    alice, honey, *_ = two_sellers
    more = [
        factories.product(
            seller=alice,
            category=honey.category,
            title_en=f"Candle {n}",
            translation_status="machine",
            variants=0,
        )
        for n in range(50)
    ]
    _login(client, alice)
    first = client.get(reverse("sellercentral:translation_queue"))
    assert first.context["next_before"] == more[0].id
    second = client.get(reverse("sellercentral:translation_queue"), {"before": more[0].id})
    assert [p.id for p in second.context["products"]] == [honey.id]
    assert second.context["next_before"] is None


def test_edit_page_shows_english_draft_glossary_and_a_csrf_protected_form(client, two_sellers):
    alice, honey, *_ = two_sellers
    memory_record(
        text_en="Raw honey from Ohio meadows",
        text_zh="来自俄亥俄草甸的生蜂蜜。",
        kind="description",
        reviewed=True,
    )
    _login(client, alice)
    response = client.get(reverse("sellercentral:translation_edit", args=[honey.id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ohio Wildflower Honey" in html
    assert 'name="csrfmiddlewaretoken"' in html
    # the memory's reviewed text pre-fills the empty description, with its source named
    assert "来自俄亥俄草甸的生蜂蜜。</textarea>" in html
    assert "Translation memory: reviewed text for the same English" in html
    # glossary hints from CC-CEDICT
    assert "俄亥俄" in html and "蜜" in html


def test_saving_the_edit_form_reviews_the_text_and_fills_the_memory(client, two_sellers):
    alice, honey, *_ = two_sellers
    _login(client, alice)
    response = client.post(
        reverse("sellercentral:translation_edit", args=[honey.id]),
        {"title_zh": "俄亥俄野花蜂蜜", "description_zh": "来自俄亥俄草甸的生蜂蜜。"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("sellercentral:translation_queue"), 302)]
    assert "saved as reviewed" in response.content.decode()
    honey.refresh_from_db()
    assert (honey.title_zh, honey.translation_status) == ("俄亥俄野花蜂蜜", "reviewed")
    assert set(MemoryEntry.objects.values_list("target_text", "reviewed", "reviewed_by")) == {
        ("俄亥俄野花蜂蜜", True, alice.user.id),
        ("来自俄亥俄草甸的生蜂蜜。", True, alice.user.id),
    }


def test_an_invalid_edit_is_shown_again_with_the_reason(client, two_sellers):
    alice, honey, *_ = two_sellers
    _login(client, alice)
    response = client.post(
        reverse("sellercentral:translation_edit", args=[honey.id]),
        {"title_zh": "Wildflower honey", "description_zh": "生蜂蜜。"},
    )
    assert response.status_code == 400
    assert "has no Chinese characters" in response.content.decode()
    honey.refresh_from_db()
    assert honey.translation_status == "missing"


def test_another_sellers_product_is_not_found(client, two_sellers):
    alice, _honey, _bob, mustard = two_sellers
    _login(client, alice)
    url = reverse("sellercentral:translation_edit", args=[mustard.id])
    assert client.get(url).status_code == 404
    response = client.post(url, {"title_zh": "巴伐利亚芥末", "description_zh": ""})
    assert response.status_code == 404
    mustard.refresh_from_db()
    assert mustard.title_zh == ""
    assert not MemoryEntry.objects.exists()


def test_the_edit_form_needs_the_csrf_token(two_sellers):
    from django.test import Client

    alice, honey, *_ = two_sellers
    client = Client(enforce_csrf_checks=True)
    _login(client, alice)
    response = client.post(
        reverse("sellercentral:translation_edit", args=[honey.id]),
        {"title_zh": "俄亥俄野花蜂蜜", "description_zh": "生蜂蜜。"},
    )
    assert response.status_code == 403
    honey.refresh_from_db()
    assert honey.translation_status == "missing"
