from decimal import Decimal

import pytest

from entrepot.catalog.services import (
    ListingInput,
    ListingNotAllowed,
    ListingNotReady,
    VariantInput,
    listing_create,
    listing_publish,
    listing_suspend,
    listing_update,
)
from entrepot.logistics.models import Stock, Warehouse
from entrepot.logistics.services import bonded_warehouses_ensure, stock_adjust, stock_set
from entrepot.pricing.positive_list import positive_list_load_sample
from entrepot.translation.services import memory_record
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    factories.rates()
    positive_list_load_sample()
    return factories.seller(verification_status="approved")


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


def test_create_stores_variants_prices_in_the_sellers_currency_and_own_stock(seller):
    product = listing_create(seller=seller, data=_input(factories.category()))
    variant = product.variants.get()
    assert product.status == "draft" and product.currency == "USD"
    assert variant.price_amount == Decimal("14.50") and variant.stock == 25
    stock = Stock.objects.get(variant=variant)
    assert stock.warehouse.kind == Warehouse.Kind.SELLER and stock.quantity == 25


def test_publish_needs_approval(seller):
    seller.verification_status = "pending"
    seller.save()
    product = listing_create(seller=seller, data=_input(factories.category()))
    with pytest.raises(ListingNotAllowed, match="not verified yet"):
        listing_publish(product=product)


def test_publish_refuses_what_china_does_not_allow(seller):
    product = listing_create(
        seller=seller, data=_input(factories.category(), title_zh="", hs_code="85171300")
    )
    with pytest.raises(ListingNotReady) as refused:
        listing_publish(product=product)
    codes = {p.code for p in refused.value.problems}
    assert {"MISSING_TITLE_ZH", "HS_NOT_ON_POSITIVE_LIST"} <= codes


def test_complete_listing_publishes(seller):
    product = listing_create(seller=seller, data=_input(factories.category()))
    assert listing_publish(product=product).status == "published"


def test_suspended_listing_cannot_be_republished_and_keeps_the_reason(seller):
    product = listing_create(seller=seller, data=_input(factories.category()))
    listing_suspend(product=product, reason="Claims to cure colds.")
    with pytest.raises(ListingNotAllowed, match="suspended"):
        listing_publish(product=product)
    product.refresh_from_db()
    assert product.moderation_note == "Claims to cure colds."


def test_update_matches_variants_by_sku_and_empties_removed_ones(seller):
    category = factories.category()
    product = listing_create(seller=seller, data=_input(category))
    listing_update(
        product=product,
        data=_input(category, variants=(
            VariantInput(sku="HNY-1000", name_en="1 kg", price_amount=Decimal("26"), stock=5),
        )),
    )  # fmt: skip
    old = product.variants.get(sku="HNY-500")
    assert old.stock == 0 and product.variants.get(sku="HNY-1000").stock == 5
    product.refresh_from_db()
    assert product.price_amount == Decimal("26.00")


def test_missing_chinese_is_drafted_from_reviewed_memory_after_commit(
    seller, django_capture_on_commit_callbacks
):
    memory_record(text_en="Buckwheat Honey 500 g", text_zh="荞麦蜂蜜 500克", kind="title",
                  reviewed=True)  # fmt: skip
    memory_record(
        text_en="Dark, malty honey from Ohio farms.", text_zh="来自俄亥俄农场的深色蜂蜜。",
        kind="description", reviewed=True,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        product = listing_create(
            seller=seller, data=_input(factories.category(), title_zh="", description_zh="")
        )
    product.refresh_from_db()
    assert product.title_zh == "荞麦蜂蜜 500克"
    assert product.translation_status == "reviewed"


def test_stock_per_warehouse_sums_into_the_variant(seller):
    product = listing_create(seller=seller, data=_input(factories.category()))
    variant = product.variants.get()
    ningbo = bonded_warehouses_ensure()[0]
    stock_set(variant=variant, warehouse=ningbo, quantity=100)
    variant.refresh_from_db()
    assert variant.stock == 125


def test_stock_adjust_never_goes_below_zero(seller):
    product = listing_create(seller=seller, data=_input(factories.category()))
    variant = product.variants.get()
    own = variant.stocks.get().warehouse
    assert stock_adjust(variant=variant, warehouse=own, delta=-25)
    assert not stock_adjust(variant=variant, warehouse=own, delta=-1)
    variant.refresh_from_db()
    assert variant.stock == 0


def test_negative_stock_is_refused(seller):
    product = listing_create(seller=seller, data=_input(factories.category()))
    with pytest.raises(ValueError, match="zero or more"):
        stock_set(variant=product.variants.get(), warehouse=bonded_warehouses_ensure()[0],
                  quantity=-1)  # fmt: skip
