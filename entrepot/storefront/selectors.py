"""Storefront reads: catalogue rows with what they cost delivered to China."""

from __future__ import annotations

from dataclasses import dataclass

from entrepot.catalog.models import Product
from entrepot.domain.landed_cost.model import Quote
from entrepot.domain.money import Money
from entrepot.pricing.landed_cost import QuoteContext, cn_direct_mail_quote

CNY = "CNY"


@dataclass(frozen=True)
class Landed:
    """A price as the buyer sees it: landed (taxes and shipping in) when the rules allow."""

    goods: Money  # converted to CNY
    quote: Quote | None

    @property
    def usable(self) -> bool:
        return self.quote is not None and self.quote.allowed and self.quote.calculable

    @property
    def display(self) -> Money:
        return self.quote.totals.grand_total if self.usable else self.goods

    @property
    def tax_note(self) -> str:
        notes = self.quote.notes if self.quote else ()
        return notes[0].zh_hans if notes else ""


def landed(context: QuoteContext, *, sku: str, product: Product, price: Money) -> Landed:
    quote = cn_direct_mail_quote(
        context, sku=sku, hs_code=product.hs_code, origin=product.origin_country, price=price,
        weight_grams=product.weight_grams,
    )  # fmt: skip
    goods = quote.totals.goods if quote else context.rates.convert(price, CNY)
    return Landed(goods=goods, quote=quote)


@dataclass(frozen=True)
class ProductCard:
    product: Product
    price: Money  # in the seller's currency
    landed: Landed


def product_cards(products: list[Product], *, context: QuoteContext) -> list[ProductCard]:
    return [
        ProductCard(p, p.price, landed(context, sku=str(p.id), product=p, price=p.price))
        for p in products
    ]
