"""Small factories for integration tests: real rows, sensible defaults, overridable."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from entrepot.buyers.models import Buyer
from entrepot.catalog.models import Category, Product, ProductVariant
from entrepot.pricing.models import ExchangeRate
from entrepot.sellers.models import Seller

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery"

# ECB reference rates of 2026-10-30
RATES = {"USD": "1.1172", "CNY": "7.4326", "JPY": "175.68", "GBP": "0.8338"}


def rates(day: date = date(2026, 10, 30)) -> None:
    for currency, rate in RATES.items():
        ExchangeRate.objects.create(
            currency=currency, rate_per_eur=Decimal(rate), effective_date=day, source="test"
        )
    commission_default()


def commission_default() -> None:
    """The default commission a migration adds, which a transactional test's flush drops:
    tests that run after one (and release escrow) need it back."""
    from entrepot.ledger.models import CommissionRate

    CommissionRate.objects.get_or_create(
        category=None, effective_from=date(2020, 1, 1), defaults={"rate": Decimal("0.0800")}
    )


def user(**fields):
    n = next(_seq)
    fields.setdefault("username", f"user{n}@example.com")
    return get_user_model().objects.create_user(password=PASSWORD, **fields)


def seller(**fields) -> Seller:
    n = next(_seq)
    fields.setdefault("user", user())
    fields.setdefault("business_name", f"Buckeye Naturals {n}")
    fields.setdefault("slug", f"buckeye-naturals-{n}")
    fields.setdefault("country", "US")
    fields.setdefault("city", "Columbus, Ohio")
    fields.setdefault("currency", "USD")
    return Seller.objects.create(**fields)


def buyer(**fields) -> Buyer:
    fields.setdefault("user", user())
    fields.setdefault("display_name", "王芳")
    fields.setdefault("country", "CN")
    fields.setdefault("province", "浙江省")
    fields.setdefault("city", "杭州")
    return Buyer.objects.create(**fields)


def category(**fields) -> Category:
    n = next(_seq)
    fields.setdefault("slug", f"vitamins-{n}")
    fields.setdefault("name_en", "Vitamins & supplements")
    fields.setdefault("name_zh", "维生素与膳食补充剂")
    return Category.objects.create(**fields)


def product(
    *, seller: Seller, category: Category, price: str = "19.99", variants: int = 2, **fields
) -> Product:
    n = next(_seq)
    fields.setdefault("title_en", f"Vitamin D3 2000 IU Softgels #{n}")
    fields.setdefault("title_zh", f"维生素D3软胶囊 {n}号")
    fields.setdefault("description_en", "One softgel a day.")
    fields.setdefault("description_zh", "每日一粒。")
    fields.setdefault("hs_code", "21069090")
    fields.setdefault("origin_country", seller.country)
    fields.setdefault("weight_grams", 180)
    fields.setdefault("status", Product.Status.PUBLISHED)
    item = Product.objects.create(
        seller=seller,
        category=category,
        price_amount=Decimal(price),
        currency=seller.currency,
        **fields,
    )
    for position in range(variants):
        ProductVariant.objects.create(
            product=item,
            sku=f"SKU-{item.id}-{position}",
            name_en=f"{60 * (position + 1)} softgels",
            name_zh=f"{60 * (position + 1)}粒",
            price_amount=Decimal(price) * (position + 1),
            currency=seller.currency,
            stock=10,
            weight_grams=180,
            position=position,
        )
    return item
