import socket

import pytest

from entrepot.translation.machine import FAKE_MARKER
from entrepot.translation.models import MemoryEntry
from entrepot.translation.services import memory_record, translation_draft, translation_review
from tests import factories

pytestmark = pytest.mark.django_db

TITLE = "Vitamin D3 2000 IU Softgels"
DESCRIPTION = "One softgel a day with a meal. Made in Ohio, third-party tested for purity."


@pytest.fixture
def catalog():
    factories.rates()
    return factories.category()


def _untranslated(seller, category, **fields):
    fields = {"title_en": TITLE, "description_en": DESCRIPTION, **fields}
    return factories.product(
        seller=seller,
        category=category,
        title_zh="",
        description_zh="",
        translation_status="missing",
        **fields,
    )


@pytest.mark.parametrize("same_seller", [True, False], ids=["same seller", "another seller"])
def test_a_reviewed_translation_is_reused_for_the_same_english(catalog, settings, same_seller):
    settings.ENTREPOT_MT_FAKE = False
    alice = factories.seller()
    listing_a = _untranslated(alice, catalog)
    translation_review(
        product=listing_a,
        title_zh="维生素D3 2000IU软胶囊",
        description_zh="每日随餐一粒。俄亥俄州生产，经第三方纯度检测。",
        reviewer=alice.user,
    )

    listing_b = _untranslated(alice if same_seller else factories.seller(), catalog)
    assert translation_draft(product=listing_b) == "reviewed"

    listing_b.refresh_from_db()
    assert listing_b.title_zh == "维生素D3 2000IU软胶囊"
    assert listing_b.description_zh == "每日随餐一粒。俄亥俄州生产，经第三方纯度检测。"
    assert listing_b.translation_status == "reviewed"


def test_only_one_reviewed_text_gives_a_machine_status(catalog, settings):
    settings.ENTREPOT_MT_FAKE = True
    memory_record(text_en=TITLE, text_zh="维生素D3软胶囊", kind="title", reviewed=True)
    listing = _untranslated(factories.seller(), catalog)
    assert translation_draft(product=listing) == "machine"
    listing.refresh_from_db()
    assert listing.title_zh == "维生素D3软胶囊"
    assert listing.description_zh.startswith(FAKE_MARKER)


def test_an_unreviewed_or_near_memory_match_is_only_a_draft(catalog, settings):
    settings.ENTREPOT_MT_FAKE = False
    memory_record(text_en=TITLE, text_zh="维生素D3软胶囊", kind="title", reviewed=False)
    memory_record(
        text_en=DESCRIPTION.replace("purity", "purity and potency"),
        text_zh="每日一粒。",
        kind="description",
        reviewed=True,
    )
    listing = _untranslated(factories.seller(), catalog)
    assert translation_draft(product=listing) == "machine"
    listing.refresh_from_db()
    assert (listing.title_zh, listing.description_zh) == ("维生素D3软胶囊", "每日一粒。")


def test_without_memory_or_machine_translation_the_text_is_missing(catalog, settings):
    settings.ENTREPOT_MT_URL = ""
    settings.ENTREPOT_MT_FAKE = False
    listing = _untranslated(factories.seller(), catalog)
    assert translation_draft(product=listing) == "missing"
    listing.refresh_from_db()
    assert (listing.title_zh, listing.description_zh, listing.translation_status) == (
        "",
        "",
        "missing",
    )


def test_an_unreachable_translation_server_leaves_the_text_missing(catalog, settings, caplog):
    # a port that was free a moment ago: nothing listens there
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.ENTREPOT_MT_URL = f"http://127.0.0.1:{probe.getsockname()[1]}"
    listing = _untranslated(factories.seller(), catalog)
    assert translation_draft(product=listing) == "missing"
    assert "machine translation failed" in caplog.text


def test_a_sellers_reviewed_text_is_never_overwritten(catalog, settings):
    settings.ENTREPOT_MT_FAKE = True
    memory_record(text_en=TITLE, text_zh="别人的标题", kind="title", reviewed=True)
    memory_record(text_en=DESCRIPTION, text_zh="别人的描述", kind="description", reviewed=True)
    listing = factories.product(
        seller=factories.seller(),
        category=catalog,
        title_en=TITLE,
        title_zh="卖家自己的标题",
        description_en=DESCRIPTION,
        description_zh="卖家自己的描述",
        translation_status="reviewed",
    )
    assert translation_draft(product=listing) == "reviewed"
    listing.refresh_from_db()
    assert (listing.title_zh, listing.description_zh) == ("卖家自己的标题", "卖家自己的描述")


def test_a_reviewed_product_only_gets_its_empty_field_filled(catalog, settings):
    settings.ENTREPOT_MT_FAKE = True
    listing = factories.product(
        seller=factories.seller(),
        category=catalog,
        title_en=TITLE,
        title_zh="卖家自己的标题",
        description_en=DESCRIPTION,
        description_zh="",
        translation_status="reviewed",
    )
    assert translation_draft(product=listing) == "machine"
    listing.refresh_from_db()
    assert listing.title_zh == "卖家自己的标题"
    assert listing.description_zh.startswith(FAKE_MARKER)


def test_a_machine_draft_is_replaced_by_a_reviewed_memory_text(catalog, settings):
    settings.ENTREPOT_MT_FAKE = True
    listing = _untranslated(factories.seller(), catalog, description_en="")
    assert translation_draft(product=listing) == "machine"
    memory_record(text_en=TITLE, text_zh="维生素D3软胶囊", kind="title", reviewed=True)
    # an empty English description needs no Chinese: the title decides
    assert translation_draft(product=listing) == "reviewed"
    listing.refresh_from_db()
    assert listing.title_zh == "维生素D3软胶囊"


def test_review_saves_the_text_and_remembers_it_as_reviewed(catalog):
    seller = factories.seller()
    listing = _untranslated(seller, catalog)
    translation_review(
        product=listing,
        title_zh=" 维生素D3软胶囊 ",
        description_zh="每日一粒。",
        reviewer=seller.user,
    )
    listing.refresh_from_db()
    assert (listing.title_zh, listing.translation_status) == ("维生素D3软胶囊", "reviewed")
    entries = {e.kind: e for e in MemoryEntry.objects.all()}
    assert entries["title"].target_text == "维生素D3软胶囊"
    assert entries["description"].target_text == "每日一粒。"
    assert all(e.reviewed and e.reviewed_by == seller.user for e in entries.values())


@pytest.mark.parametrize(
    ("title_zh", "description_zh", "message"),
    [
        ("  ", "每日一粒。", "Chinese title is empty"),
        ("维生素D3", "", "Chinese description is empty"),
        ("Vitamin D3", "每日一粒。", "has no Chinese characters"),
        (f"{FAKE_MARKER} 维生素 D3", "每日一粒。", "sandbox marker"),
        ("维" * 201, "每日一粒。", "at most 200"),
    ],
)
def test_review_refuses_text_that_is_not_chinese_copy(catalog, title_zh, description_zh, message):
    seller = factories.seller()
    listing = _untranslated(seller, catalog)
    with pytest.raises(ValueError, match=message):
        translation_review(
            product=listing, title_zh=title_zh, description_zh=description_zh, reviewer=seller.user
        )
    listing.refresh_from_db()
    assert listing.translation_status == "missing"
    assert not MemoryEntry.objects.exists()
