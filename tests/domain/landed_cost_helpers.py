"""Building quote requests for tests, with the rates and list the tests need."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from entrepot.domain.fx import RateTable
from entrepot.domain.landed_cost.model import NetContent, QuoteItem, QuoteRequest, RateOverride
from entrepot.domain.landed_cost.positive_list import PositiveList, PositiveListEntry
from entrepot.domain.money import Money

# ECB reference rates of 2026-10-30 (units per 1 EUR)
RATES = RateTable(
    as_of=date(2026, 10, 30),
    per_eur={
        "USD": Decimal("1.1172"), "CNY": Decimal("7.4326"), "GBP": Decimal("0.8338"),
        "JPY": Decimal("175.68"), "AUD": Decimal("1.5904"), "CAD": Decimal("1.5606"),
        "CHF": Decimal("0.9194"), "KRW": Decimal("1491.76"),
    },
)  # fmt: skip
AS_OF = date(2026, 11, 27)

POSITIVE_LIST = PositiveList(
    edition=date(2022, 3, 1),
    entries={
        e.tariff_number: e
        for e in (
            PositiveListEntry("33041000", "唇用化妆品"),
            PositiveListEntry("33049900", "其他美容品或化妆品及护肤品"),
            PositiveListEntry("21069090", "其他编号未列名的食品"),
            PositiveListEntry("19011010", "婴幼儿配方食品"),
            PositiveListEntry("49019900", "其他书籍、小册子"),
            PositiveListEntry("91021100", "电子手表"),
            PositiveListEntry("61091000", "棉制针织T恤衫"),
            PositiveListEntry("04021000", "脱脂奶粉", bonded_only=True),
            PositiveListEntry("17019910", "白砂糖", yearly_weight_cap_kg=Decimal(2)),
        )
    },
)


def item(
    price: str,
    currency: str = "CNY",
    *,
    hs: str = "21069090",
    qty: int = 1,
    sku: str = "SKU-1",
    origin: str = "US",
    kg: str = "0.2",
    net: tuple[str, str] | None = None,
    duty: str | None = None,
    vat: str | None = None,
    consumption: str | None = None,
) -> QuoteItem:
    rates = None
    if duty is not None or vat is not None or consumption is not None:
        rates = RateOverride(
            duty=Decimal(duty) if duty is not None else None,
            vat=Decimal(vat) if vat is not None else None,
            consumption=Decimal(consumption) if consumption is not None else None,
        )
    return QuoteItem(
        sku=sku, description=sku, hs_code=hs, origin=origin,
        unit_price=Money(price, currency), quantity=qty, unit_weight_kg=Decimal(kg),
        net_content=NetContent(Decimal(net[0]), net[1]) if net else None, rates=rates,
    )  # fmt: skip


def request(
    *items: QuoteItem,
    destination: str = "CN",
    currency: str = "CNY",
    shipping: str = "0",
    insurance: str = "0",
    ytd: str | None = None,
    mode: str | None = None,
    as_of: date = AS_OF,
) -> QuoteRequest:
    ship_currency = currency
    return QuoteRequest(
        destination=destination, currency=currency, items=tuple(items),
        shipping=Money(shipping, ship_currency), insurance=Money(insurance, ship_currency),
        as_of=as_of, mode=mode,
        buyer_year_to_date=Money(ytd, "CNY") if ytd is not None else None,
    )  # fmt: skip
