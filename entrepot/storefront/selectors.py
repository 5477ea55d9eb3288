"""Storefront reads: catalogue rows joined with their price in the buyer's currency."""

from __future__ import annotations

from dataclasses import dataclass

from entrepot.catalog.models import Product
from entrepot.domain.fx import RateTable
from entrepot.domain.money import Money


@dataclass(frozen=True)
class ProductCard:
    product: Product
    price: Money  # in the seller's currency
    display_price: Money  # converted to the buyer's currency


def product_cards(products: list[Product], *, rates: RateTable, currency: str) -> list[ProductCard]:
    cards = []
    for product in products:
        price = product.price
        cards.append(ProductCard(product, price, rates.convert(price, currency)))
    return cards
