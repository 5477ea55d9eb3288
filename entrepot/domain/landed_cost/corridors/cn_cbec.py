"""China cross-border e-commerce retail import (CBEC), modes 9610 and 1210.

Within the limits: 0% duty; import VAT and consumption tax at 70% of the normal
amount, on the dutiable value (goods + freight + insurance):
    consumption tax = value / (1 - ct) x ct x 70%;  VAT = value / (1 - ct) x vat x 70%
Each rounded half-up to the fen. A single indivisible item over the per-order limit
may still go through CBEC when it is the only item; then duty (MFN), consumption
tax and VAT are charged in full. Over the annual limit nothing goes through.
Sources: Cai Guan Shui [2016] No. 18, [2018] No. 49 (shared/domain/cross-border-rules.md §1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from entrepot.domain.landed_cost import model as m
from entrepot.domain.landed_cost.assemble import LineTax, assemble
from entrepot.domain.landed_cost.basket import DeclaredLine, declare
from entrepot.domain.landed_cost.classification import by_prefix, matches, percent
from entrepot.domain.landed_cost.fx import QuoteFx
from entrepot.domain.landed_cost.positive_list import PositiveList
from entrepot.domain.money import Money

CNY = "CNY"
NOT_ALLOWED = {
    m.CN_CBEC_ORDER_LIMIT,
    m.CN_CBEC_ANNUAL_LIMIT,
    m.CN_CBEC_NOT_ON_POSITIVE_LIST,
    m.CN_CBEC_BONDED_ONLY,
    m.CN_CBEC_WEIGHT_CAP,
}


@dataclass(frozen=True)
class CnCbecPack:
    effective_from: date
    effective_to: date | None
    order_limit: Decimal
    annual_limit: Decimal
    reduction: Decimal = Decimal("0.7")
    vat_standard: Decimal = Decimal("0.13")
    vat_reduced: Decimal = Decimal("0.09")
    # grain, edible oils, salt, fresh milk, agricultural products, books and
    # periodicals, feed, fertiliser, pesticides (UNCONFIRMED under the 2026 VAT Law)
    vat_reduced_prefixes: tuple[str, ...] = (
        "0401", "10", "1101", "1102", "1103", "1104", "1507", "1508", "1509", "1510", "1511",
        "1512", "1513", "1514", "1515", "2501", "31", "3808", "4901", "4902", "4903", "4904",
    )  # fmt: skip
    # high-end cosmetics: >= 10 CNY per ml/g or >= 15 CNY per piece, taxable price
    cosmetics_prefixes: tuple[str, ...] = ("3303", "3304")
    cosmetics_rate: Decimal = Decimal("0.15")
    cosmetics_per_ml_or_g: Decimal = Decimal(10)
    cosmetics_per_piece: Decimal = Decimal(15)
    watch_prefixes: tuple[str, ...] = ("9101", "9102")
    watch_rate: Decimal = Decimal("0.20")
    watch_unit_threshold: Decimal = Decimal(10000)
    jewellery_prefixes: tuple[str, ...] = ("7113",)  # UNCONFIRMED how it applies under CBEC
    jewellery_rate: Decimal = Decimal("0.10")
    # MFN duty for the single-item full-tax rule: an illustrative sample by prefix
    mfn_duty: Mapping[str, Decimal] = field(default_factory=dict)
    # UNCONFIRMED whether the tax itself counts toward the limits: default no
    tax_counts_toward_limit: bool = False
    rule: str = "CN_CBEC"


def consumption_rate(pack: CnCbecPack, line: DeclaredLine) -> tuple[Decimal, m.Note | None]:
    """The consumption-tax rate of a line and, when an assumption was made, a note."""
    item = line.item
    unit_value = line.customs_value.amount / item.quantity
    if matches(pack.cosmetics_prefixes, item.hs_code):
        content = item.net_content
        if content is None or content.value <= 0:
            return pack.cosmetics_rate, m.Note(
                "CN_COSMETICS_ASSUMED_HIGH_END",
                f"{item.sku}: net content unknown, consumption tax charged as high-end cosmetics",
                f"{item.sku}：未提供净含量，按高档化妆品计征消费税",
            )
        threshold = (
            pack.cosmetics_per_piece if content.unit == "piece" else pack.cosmetics_per_ml_or_g
        )
        per_unit = unit_value / content.value
        return (pack.cosmetics_rate if per_unit >= threshold else Decimal(0)), None
    if matches(pack.watch_prefixes, item.hs_code):
        return (pack.watch_rate if unit_value >= pack.watch_unit_threshold else Decimal(0)), None
    if matches(pack.jewellery_prefixes, item.hs_code):
        return pack.jewellery_rate, None
    return Decimal(0), None


def vat_rate(pack: CnCbecPack, hs_code: str) -> Decimal:
    return pack.vat_reduced if matches(pack.vat_reduced_prefixes, hs_code) else pack.vat_standard


def within_limits_tax(pack: CnCbecPack, value: Money, vat: Decimal, ct: Decimal) -> LineTax:
    base = value.amount / (1 - ct)
    return LineTax(
        duty=Money.zero(CNY),
        vat=Money(base * vat * pack.reduction, CNY).rounded(),
        consumption=Money(base * ct * pack.reduction, CNY).rounded(),
    )


def full_tax(value: Money, duty_rate: Decimal, vat: Decimal, ct: Decimal) -> LineTax:
    duty = (value * duty_rate).rounded()
    consumption = Money((value + duty).amount / (1 - ct) * ct, CNY).rounded()
    return LineTax(duty, ((value + duty + consumption) * vat).rounded(), consumption)


def _positive_list_errors(
    request: m.QuoteRequest, positive_list: PositiveList, mode: str
) -> list[m.QuoteError]:
    errors = []
    for i, item in enumerate(request.items):
        field_name = f"items[{i}].hs_code"
        if len(item.hs_code) < 8:
            errors.append(
                m.QuoteError(
                    m.INVALID_INPUT,
                    f"{item.sku}: China needs the 8-digit tariff number, got {item.hs_code!r}",
                    field_name,
                )
            )
            continue
        entry = positive_list.get(item.hs_code[:8])
        if entry is None:
            errors.append(
                m.QuoteError(
                    m.CN_CBEC_NOT_ON_POSITIVE_LIST,
                    f"{item.sku}: tariff number {item.hs_code[:8]} is not on the cross-border "
                    f"positive list (edition {positive_list.edition.isoformat()}); it can only be "
                    "imported through general trade",
                    field_name,
                )
            )
            continue
        if entry.bonded_only and mode != "1210":
            errors.append(
                m.QuoteError(
                    m.CN_CBEC_BONDED_ONLY,
                    f"{item.sku}: tariff number {entry.tariff_number} may be imported only from a "
                    "bonded warehouse (mode 1210)",
                    "mode",
                )
            )
        weight = item.unit_weight_kg * item.quantity
        if entry.yearly_weight_cap_kg is not None and weight > entry.yearly_weight_cap_kg:
            errors.append(
                m.QuoteError(
                    m.CN_CBEC_WEIGHT_CAP,
                    f"{item.sku}: {weight} kg is over the {entry.yearly_weight_cap_kg} kg a person "
                    f"may import per year under tariff number {entry.tariff_number}",
                    f"items[{i}].quantity",
                )
            )
    return errors


def _fen(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def quote(
    request: m.QuoteRequest, pack: CnCbecPack, fx: QuoteFx, positive_list: PositiveList
) -> m.Quote:
    mode = request.mode or "9610"
    lines, _shipping, _insurance = declare(request, fx, CNY)
    errors = _positive_list_errors(request, positive_list, mode)
    notes: list[m.Note] = []
    value = sum((line.customs_value for line in lines), Money.zero(CNY))
    single_item = len(lines) == 1 and lines[0].item.quantity == 1
    over_order_limit = value.amount > pack.order_limit
    charge_in_full = over_order_limit and single_item

    taxes = []
    for i, line in enumerate(lines):
        override = line.item.rates or m.RateOverride()
        vat = override.vat if override.vat is not None else vat_rate(pack, line.item.hs_code)
        if override.consumption is not None:
            ct, note = override.consumption, None
        else:
            ct, note = consumption_rate(pack, line)
        if note:
            notes.append(note)
        if not charge_in_full:
            taxes.append(within_limits_tax(pack, line.customs_value, vat, ct))
            continue
        duty_rate = (
            override.duty
            if override.duty is not None
            else by_prefix(pack.mfn_duty, line.item.hs_code)
        )
        if duty_rate is None:
            errors.append(
                m.QuoteError(
                    m.UNKNOWN_RATE,
                    f"{line.item.sku}: no MFN duty rate for tariff number {line.item.hs_code}; "
                    "a single item over the order limit pays full duty: pass rates.duty",
                    f"items[{i}].rates.duty",
                )
            )
            duty_rate = Decimal(0)
        taxes.append(full_tax(line.customs_value, duty_rate, vat, ct))

    tax_total = sum((t.duty + t.vat + t.consumption for t in taxes), Money.zero(CNY))
    counted = value + tax_total if pack.tax_counts_toward_limit else value
    if over_order_limit and not single_item:
        errors.append(
            m.QuoteError(
                m.CN_CBEC_ORDER_LIMIT,
                f"order value {_fen(counted.amount)} CNY is over the cross-border limit of "
                f"{_fen(pack.order_limit)} CNY per order (goods + shipping + insurance); "
                "remove items or split the order",
                "items",
            )
        )
    if request.buyer_year_to_date is not None:
        spent = fx.convert(request.buyer_year_to_date, CNY)
        left = max(pack.annual_limit - spent.amount, Decimal(0))
        if spent.amount + counted.amount > pack.annual_limit:
            errors.append(
                m.QuoteError(
                    m.CN_CBEC_ANNUAL_LIMIT,
                    f"annual cross-border quota exceeded: {_fen(left)} CNY left of "
                    f"{_fen(pack.annual_limit)} CNY for {request.as_of.year}; "
                    f"this order is {_fen(counted.amount)} CNY",
                    "buyer_year_to_date",
                )
            )
    if charge_in_full:
        notes.append(
            m.Note(
                "CN_CBEC_SINGLE_ITEM_FULL_TAX",
                f"Single item over {_fen(pack.order_limit)} CNY: duty, VAT and consumption tax "
                "are charged in full",
                f"单件商品超过 {_fen(pack.order_limit)} 元：全额征收关税、增值税和消费税",
            )
        )
    elif value.amount > 0:
        rate = percent((tax_total.amount / value.amount).quantize(Decimal("0.0001")))
        notes.append(
            m.Note(
                "CN_CBEC_TAX_INCLUDED",
                f"Cross-border tax {rate}% included",
                f"已含跨境综合税 {rate}%",
            )
        )
    if mode == "1210":
        notes.append(
            m.Note(
                "CN_CBEC_BONDED",
                "Ships from a bonded warehouse in China",
                "保税仓发货",
            )
        )
    return assemble(request, fx, pack.rule, lines, taxes, notes, errors, not_allowed=NOT_ALLOWED)
