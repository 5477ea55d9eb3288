"""Deterministic synthetic marketplace rows, built from `vocabulary`.

Pure Python: each function takes a `random.Random` and plain values and returns
dicts keyed by model attribute names, so the same seed always gives the same
marketplace. Prices are drawn in USD and converted to the seller's currency with
the rate table, then rounded to that currency's minor unit, so a Tokyo shop
prices in whole yen and an Ohio shop in cents.
"""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import get_territory_currencies

from entrepot.domain.cbec import cbec_tax
from entrepot.domain.fx import RateTable
from entrepot.domain.money import Money
from entrepot.domain.shipping import direct_mail_estimate
from entrepot.seeding import vocabulary as vocab

SMALL_BUSINESS_MAX_EMPLOYEES = 50


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "shop"


def weighted(rng: random.Random, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


_COUNTRY_WEIGHTS = [c.weight for c in vocab.SELLER_COUNTRIES]


def business_name(rng: random.Random, country: vocab.SellerCountry) -> str:
    first = rng.choice(country.name_first)
    second = rng.choice(country.name_second)
    return second.format(first) if "{0}" in second else f"{first} {second}"


def seller_row(rng: random.Random, seller_id: int, user_id: int, joined: datetime) -> dict:
    country = weighted(rng, vocab.SELLER_COUNTRIES, _COUNTRY_WEIGHTS)
    name = business_name(rng, country)
    city = rng.choice(country.cities)
    # Most marketplace sellers are small: 9 in 10 have fewer than 50 employees.
    employees = rng.randint(1, 49) if rng.random() < 0.9 else rng.randint(50, 800)
    story = rng.randrange(len(vocab.STORY_EN))
    founded = rng.randint(1950, 2022)
    fields = {
        "city": city,
        "founded": founded,
        "country_en": country.name_en,
        "country_zh": country.name_zh,
    }
    return {
        "id": seller_id,
        "user_id": user_id,
        "business_name": name,
        "slug": f"{slugify(name)}-{seller_id}",
        "country": country.code,
        "city": city,
        "currency": country.currency,
        "employee_count": employees,
        "is_small_business": employees < SMALL_BUSINESS_MAX_EMPLOYEES,
        "legal_name": name,
        "contact_name": "",
        "contact_email": f"shop{seller_id}@example.com",
        "contact_phone": "",
        "annual_revenue": None,
        "payout_currency": country.currency,
        "terms_version": "2026-01",
        "terms_accepted_at": joined,
        "verification_status": "approved",
        "rejection_reason": "",
        "reviewed_at": joined,
        "reviewed_by_id": None,
        "story_en": vocab.STORY_EN[story].format(**fields),
        "story_zh": vocab.STORY_ZH[story].format(**fields),
        "created_at": joined,
    }


def _price(rng: random.Random, low: Decimal, high: Decimal) -> Decimal:
    cents = rng.randint(int(low * 100), int(high * 100))
    # shop prices end in .99 / .49 / .00 like real ones
    return Decimal(cents // 100) + rng.choice((Decimal("0.99"), Decimal("0.49"), Decimal("0")))


# One listing in ENGLISH_ONLY_EVERY has no Chinese yet (a seller who has not had it
# translated), besides the templates that have none at all: cross-lingual search is
# what lets a Chinese shopper find them. Decided by the id, not the random stream, so
# the rest of the marketplace stays as it was.
ENGLISH_ONLY_EVERY = 10


def english_only(product_id: int) -> bool:
    return product_id % ENGLISH_ONLY_EVERY == 7


def product_rows(
    rng: random.Random,
    *,
    product_id: int,
    first_variant_id: int,
    seller: dict,
    category_index: int,
    category_id: int,
    rates: RateTable,
    created: datetime,
) -> tuple[dict, list[dict]]:
    """One product and its variants, priced in the seller's currency."""
    spec = vocab.CATEGORIES[category_index]
    template = rng.choice(vocab.PRODUCT_TEMPLATES[spec.slug])
    country = seller["country"]
    origin_en = _COUNTRY_NAMES_EN.get(country, country)
    origin_zh = _COUNTRY_NAMES_ZH.get(country, country)
    brand = seller["business_name"]
    base_usd = _price(rng, *template.price_usd)
    weight = rng.randint(*template.weight_grams)
    fields_en = {"brand": brand, "origin_en": origin_en, "city": seller["city"]}
    fields_zh = {"brand": brand, "origin_zh": origin_zh, "city": seller["city"]}
    roll = rng.random()
    status = "published" if roll < 0.95 else ("draft" if roll < 0.98 else "suspended")
    variants = []
    for position, option in enumerate(template.variants):
        usd = Money(base_usd * option.price_factor, "USD")
        price = rates.convert(usd, seller["currency"])
        if price.amount <= 0:
            price = Money(Decimal(1), seller["currency"])
        in_stock = rng.random() > 0.05
        variants.append(
            {
                "id": first_variant_id + position,
                "product_id": product_id,
                "sku": f"{seller['id']:05d}-{product_id:08d}-{position + 1}",
                "name_en": option.name_en,
                "name_zh": option.name_zh,
                "price_amount": price.amount,
                "currency": price.currency,
                "stock": rng.randint(1, 400) if in_stock else 0,
                "weight_grams": int(
                    (Decimal(weight) * option.weight_factor).to_integral_value(ROUND_HALF_UP)
                ),
                "position": position,
            }
        )
    chinese = bool(template.noun_zh) and not english_only(product_id)
    product = {
        "id": product_id,
        "seller_id": seller["id"],
        "category_id": category_id,
        "brand": brand,
        "title_en": f"{brand} {template.noun_en}",
        "title_zh": f"【{origin_zh}直邮】{brand} {template.noun_zh}" if chinese else "",
        "description_en": template.description_en.format(**fields_en),
        "description_zh": template.description_zh.format(**fields_zh) if chinese else "",
        "hs_code": template.hs_code,
        "origin_country": country,
        "weight_grams": weight,
        "net_content_value": None,
        "net_content_unit": "",
        "status": status,
        "moderation_note": "",
        "translation_status": "reviewed" if chinese else "missing",
        "price_amount": min(v["price_amount"] for v in variants),
        "currency": seller["currency"],
        "created_at": created,
        "updated_at": created,
    }
    return product, variants


_COUNTRY_NAMES_EN = {c.code: c.name_en for c in vocab.SELLER_COUNTRIES}
_COUNTRY_NAMES_ZH = {c.code: c.name_zh for c in vocab.SELLER_COUNTRIES}
_CN_WEIGHTS = [w for _p, _c, w in vocab.CN_BUYER_LOCATIONS]
_OTHER_WEIGHTS = [w for *_rest, w in vocab.OTHER_BUYER_LOCATIONS]
CHINA_SHARE_OF_BUYERS = 0.85


def buyer_row(rng: random.Random, buyer_id: int, user_id: int, joined: datetime) -> dict:
    if rng.random() < CHINA_SHARE_OF_BUYERS:
        province, city, _w = weighted(rng, vocab.CN_BUYER_LOCATIONS, _CN_WEIGHTS)
        name = rng.choice(vocab.CN_SURNAMES) + rng.choice(vocab.CN_GIVEN)
        country = "CN"
    else:
        country, province, city, _w = weighted(rng, vocab.OTHER_BUYER_LOCATIONS, _OTHER_WEIGHTS)
        name = f"{rng.choice(vocab.WESTERN_FIRST)} {rng.choice(vocab.WESTERN_LAST)}"
    return {
        "id": buyer_id,
        "user_id": user_id,
        "display_name": name,
        "country": country,
        "province": province,
        "city": city,
        "phone": "",
        "created_at": joined,
    }


def user_row(
    user_id: int, username: str, password_hash: str, joined: datetime, *, staff: bool = False
) -> dict:
    return {
        "id": user_id,
        "password": password_hash,
        "last_login": None,
        "is_superuser": staff,
        "username": username,
        "first_name": "",
        "last_name": "",
        "email": username,
        "is_staff": staff,
        "is_active": True,
        "date_joined": joined,
    }


def seeded_username(role: str, number: int) -> str:
    """`seller@example.com` for the first seller, `seller-2@example.com` after it."""
    return f"{role}@example.com" if number == 1 else f"{role}-{number}@example.com"


def order_time(rng: random.Random, now: datetime, days: int = 365) -> datetime:
    """A time in the last `days`, more likely recent: the marketplace is growing."""
    # density grows linearly towards now: inverse-CDF of a triangular ramp
    age = days * (1 - rng.random() ** 0.5)
    return now - timedelta(days=age, seconds=rng.randint(0, 86399))


# --- orders ---------------------------------------------------------------------------

CBEC_ORDER_LIMIT = Decimal(5000)
HIGH_END_COSMETICS_CNY_PER_GRAM = Decimal(10)


@cache
def buyer_currency(country: str) -> str:
    currencies = get_territory_currencies(country)
    return currencies[0] if currencies else "USD"


def shipping_cny(weight_grams: int) -> Decimal:
    return direct_mail_estimate(weight_grams).amount


def _status(
    rng: random.Random, placed: datetime, now: datetime
) -> tuple[str, datetime | None, datetime | None]:
    age = now - placed
    paid = placed + timedelta(minutes=rng.randint(1, 90))
    if age < timedelta(days=2):
        return ("paid", paid, None) if rng.random() < 0.8 else ("placed", None, None)
    if age < timedelta(days=12):
        return ("shipped", paid, None) if rng.random() < 0.9 else ("cancelled", None, None)
    roll = rng.random()
    if roll < 0.05:
        return "cancelled", None, None
    completed = placed + timedelta(days=rng.randint(7, 20), hours=rng.randint(0, 23))
    if roll < 0.09:
        return "refunded", paid, None
    return "completed", paid, completed


def order_rows(
    rng: random.Random,
    *,
    order_id: int,
    first_line_id: int,
    buyer: dict,
    items: list[tuple],
    rates: RateTable,
    placed: datetime,
    now: datetime,
) -> tuple[dict, list[dict]] | None:
    """One order from one seller's `items`; None when nothing fits the CBEC order limit.

    An item is (product_id, variant_id, seller_id, seller_country, price_amount,
    currency, category_index, title_en, title_zh, weight_grams).
    """
    currency = buyer_currency(buyer["country"])
    cross_border_cn = buyer["country"] == "CN" and items[0][3] != "CN"
    chosen = rng.sample(items, k=min(len(items), rng.choice((1, 1, 1, 2, 2, 3))))
    lines, goods_cny, weight = [], Decimal(0), 0
    goods = Money.zero(currency)
    taxable: list[tuple[Money, Decimal, Decimal]] = []
    for item in chosen:
        product_id, variant_id, _sid, _sc, amount, item_currency, cat, title_en, title_zh, grams = (
            item
        )
        quantity = rng.choice((1, 1, 1, 2, 2, 3))
        unit_cny = rates.convert(Money(amount, item_currency), "CNY")
        if (
            goods_cny + unit_cny.amount * quantity + shipping_cny(weight + grams * quantity)
            > CBEC_ORDER_LIMIT
        ):
            continue
        unit = rates.convert(Money(amount, item_currency), currency)
        total = (unit * quantity).rounded()
        goods_cny += unit_cny.amount * quantity
        weight += grams * quantity
        goods += total
        spec = vocab.CATEGORIES[cat]
        # Consumption tax on cosmetics applies only to "high-end" items (>= 10 CNY per
        # ml or g); shipping weight stands in for net content in synthetic data.
        consumption = Decimal(0)
        high_end = unit_cny.amount / max(grams, 1) >= HIGH_END_COSMETICS_CNY_PER_GRAM
        if spec.slug == "cosmetics-skincare" and high_end:
            consumption = spec.consumption_tax_rate
        taxable.append((total, spec.vat_rate, consumption))
        lines.append(
            {
                "id": first_line_id + len(lines),
                "order_id": order_id,
                "product_id": product_id,
                "variant_id": variant_id,
                "warehouse_id": None,
                "title_en": title_en,
                "title_zh": title_zh,
                "quantity": quantity,
                "unit_price_amount": unit.amount,
                "line_total_amount": total.amount,
                "currency": currency,
            }
        )
    if not lines:
        return None
    shipping = rates.convert(Money(shipping_cny(weight), "CNY"), currency)
    tax = Money.zero(currency)
    if cross_border_cn:
        # freight is part of the dutiable value; spread it over lines by value
        for line_total, vat_rate, consumption in taxable:
            share = shipping * (line_total.amount / goods.amount)
            tax += cbec_tax(line_total + share, vat_rate=vat_rate, consumption_tax_rate=consumption)
    status, paid_at, completed_at = _status(rng, placed, now)
    order = {
        "id": order_id,
        "number": f"EP{placed:%y%m%d}{order_id:08d}",
        "buyer_id": buyer["id"],
        "seller_id": items[0][2],
        "status": status,
        "origin_country": items[0][3],
        "destination_country": buyer["country"],
        "currency": currency,
        "goods_amount": goods.amount,
        "shipping_amount": shipping.amount,
        "tax_amount": tax.amount,
        "total_amount": (goods + shipping + tax).rounded().amount,
        "refunded_amount": Decimal(0),  # seeded history has no refunds (entrepot.aftersales)
        "refunded_tax_amount": Decimal(0),
        "checkout_id": None,
        "mode": "9610" if cross_border_cn else "",
        "payer_mismatch": False,
        "reserved_until": None,
        "placed_at": placed,
        "paid_at": paid_at,
        "completed_at": completed_at,
    }
    return order, lines
