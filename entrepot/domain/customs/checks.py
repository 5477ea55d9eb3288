"""The consistency checks customs apply to a declaration, before it is sent and at the port.

Source: shared/domain/cross-border-rules.md §1, "Customs: clearance modes and the
three-document match" (GACC Announcement 2014 No. 56, Art. 8) and "Limits":

- the documents match: order number, amounts, consignee, waybill, buyer, items;
- the buyer is verified: real name and a valid resident ID (§1 "Buyer identity");
- the order is within 5,000 CNY (unless it is one indivisible item) and the buyer's
  year within 26,000 CNY, on the dutiable value goods + freight + insurance -
  discount (tax counted only if the rule pack says so; UNCONFIRMED, default no);
- goods + tax + freight - discount equals the amount actually paid within 5%;
- the amount paid and the payer match the payment record: the payer is the buyer.

Every check returns Problems naming the document whose receipt answers it (cross-
document checks are answered on the inventory list, CEB622, as customs do), the CEB
field, a code and a message a person can act on. The simulated port runs the very
same functions on the XML it receives.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from entrepot.domain.customs.documents import DocumentSet, Message
from entrepot.domain.landed_cost import packs
from entrepot.domain.resident_id import InvalidResidentId, validate_resident_id

TOLERANCE = Decimal("0.05")  # goods + tax + freight - discount vs. paid (rules sheet §1)
CONSIGNEE_FIELDS = (("consignee", "consignee"), ("consignee_telephone", "consigneeTelephone"),
                    ("consignee_address", "consigneeAddress"))  # fmt: skip

# problem codes
NO_LINES = "NO_LINES"
NOT_CNY = "NOT_CNY"
UNKNOWN_COUNTRY = "UNKNOWN_COUNTRY"
MISSING_PAYMENT = "MISSING_PAYMENT"
MISSING_WAYBILL = "MISSING_WAYBILL"
BUYER_NOT_VERIFIED = "BUYER_NOT_VERIFIED"
CONSIGNEE_MISSING = "CONSIGNEE_MISSING"
AMOUNTS_INCONSISTENT = "AMOUNTS_INCONSISTENT"
LINES_TOTAL_MISMATCH = "LINES_TOTAL_MISMATCH"
ORDER_LIMIT = "ORDER_LIMIT"
ANNUAL_LIMIT = "ANNUAL_LIMIT"
PAYER_MISMATCH = "PAYER_MISMATCH"
PAID_AMOUNT_MISMATCH = "PAID_AMOUNT_MISMATCH"
ORDER_NO_MISMATCH = "ORDER_NO_MISMATCH"
CONSIGNEE_MISMATCH = "CONSIGNEE_MISMATCH"
WAYBILL_MISMATCH = "WAYBILL_MISMATCH"
FREIGHT_MISMATCH = "FREIGHT_MISMATCH"
BUYER_MISMATCH = "BUYER_MISMATCH"
ITEMS_MISMATCH = "ITEMS_MISMATCH"
WEIGHT_INVALID = "WEIGHT_INVALID"


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    document: str  # "CEB311", "CEB411", "CEB511" or "CEB621": whose receipt answers it
    field: str  # the CEB element at fault

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass(frozen=True)
class Limits:
    order_limit: Decimal
    annual_limit: Decimal
    tax_counts: bool


def limits_on(day: date) -> Limits:
    """The CBEC limits in force on `day` (5,000 / 26,000 CNY since 2019-01-01), read from
    the landed-cost rule packs so that one table holds them."""
    for pack in packs.CN_CBEC:
        if pack.effective_from <= day and (pack.effective_to is None or day <= pack.effective_to):
            return Limits(pack.order_limit, pack.annual_limit, pack.tax_counts_toward_limit)
    raise LookupError(f"no CBEC rule pack in force on {day.isoformat()}")


def _cny(amount: Decimal) -> str:
    return f"{amount:,.2f} CNY"


def same_name(a: str, b: str) -> bool:
    """Names compared as customs would read them: width, case and spacing ignored."""

    def key(name: str) -> str:
        return "".join(unicodedata.normalize("NFKC", name).split()).casefold()

    return key(a) == key(b)


def dutiable_value(docs: DocumentSet, limits: Limits) -> Decimal:
    """goods + freight + insurance - discount (+ tax when the pack counts it): what the
    per-order and annual limits are measured on."""
    head = docs.order.head
    value = head.goods_value + head.freight + docs.inventory.head.insured_fee - head.discount
    return value + head.tax_total if limits.tax_counts else value


# --- the order document (CEB311) ---------------------------------------------------------


def check_buyer_verified(docs: DocumentSet, *, today: date) -> list[Problem]:
    """The buyer's real name and a valid resident ID are declared (the number itself is
    never repeated in a message)."""
    head = docs.order.head
    if not head.buyer_name.strip():
        message = ("the buyer has not verified a real name and ID number: customs cannot "
                   "identify the buyer")  # fmt: skip
        return [Problem(BUYER_NOT_VERIFIED, message, "CEB311", "buyerName")]
    try:
        validate_resident_id(head.buyer_id_number, today=today)
    except InvalidResidentId as error:
        return [Problem(BUYER_NOT_VERIFIED, f"the buyer's ID number is not valid ({error.code}); "
                        "the buyer must verify again", "CEB311", "buyerIdNumber")]  # fmt: skip
    return []


def check_consignee(docs: DocumentSet) -> list[Problem]:
    problems = []
    for message in (docs.order, docs.waybill):
        if message is None:
            continue
        head = message.head
        for attr, name in CONSIGNEE_FIELDS:
            if not getattr(head, attr).strip():
                problems.append(Problem(CONSIGNEE_MISSING, f"{message.type} {name} is empty: "
                                        "give the consignee's name, phone and address",
                                        message.type, name))  # fmt: skip
    return problems


def check_amounts(docs: DocumentSet) -> list[Problem]:
    """goods + tax + freight - discount must equal acturalPaid within 5%."""
    head = docs.order.head
    expected = head.goods_value + head.tax_total + head.freight - head.discount
    paid = head.actural_paid
    gap = abs(paid - expected)
    if expected == 0 and gap == 0:
        return []
    if expected == 0 or gap / expected > TOLERANCE:
        share = "∞" if expected == 0 else f"{gap / expected * 100:.1f}%"
        return [Problem(
            AMOUNTS_INCONSISTENT,
            f"acturalPaid {_cny(paid)} differs from goodsValue + taxTotal + freight - discount "
            f"= {_cny(expected)} by {share}; at most {TOLERANCE * 100:.0f}% is allowed",
            "CEB311", "acturalPaid",
        )]  # fmt: skip
    return []


def check_lines_total(docs: DocumentSet) -> list[Problem]:
    head, items = docs.order.head, docs.order.items
    if not items:
        return [Problem(NO_LINES, "the order declares no goods", "CEB311", "OrderList")]
    total = sum((item.total_price for item in items), Decimal(0))
    # each line is rounded to the fen on its own: allow one fen per line
    if abs(total - head.goods_value) > Decimal("0.01") * len(items):
        goods = _cny(head.goods_value)
        message = f"the order lines add up to {_cny(total)}, goodsValue says {goods}"
        return [Problem(LINES_TOTAL_MISMATCH, message, "CEB311", "goodsValue")]
    return []


def check_order_limit(docs: DocumentSet, limits: Limits) -> list[Problem]:
    """Per transaction at most the order limit, unless the order is one indivisible item
    (then full tax applies, but the annual limit still counts it)."""
    items = docs.order.items
    single_item = len(items) == 1 and items[0].qty == 1
    value = dutiable_value(docs, limits)
    if value > limits.order_limit and not single_item:
        message = (f"order value {_cny(value)} is over the cross-border limit of "
                   f"{_cny(limits.order_limit)} per order")  # fmt: skip
        return [Problem(ORDER_LIMIT, message, "CEB311", "goodsValue")]
    return []


def check_codes(docs: DocumentSet) -> list[Problem]:
    problems = []
    for message in (docs.order, docs.inventory):
        for item in message.items:
            if not item.country:
                problems.append(Problem(UNKNOWN_COUNTRY, f"line {item.gnum} ({item.item_no}) has "
                                        "no customs country code of origin", message.type,
                                        "country"))  # fmt: skip
    if not docs.order.head.currency:
        problems.append(Problem(NOT_CNY, "declarations are in CNY (customs code 142)", "CEB311",
                                "currency"))  # fmt: skip
    return problems


# --- the waybill and the inventory's own fields ------------------------------------------


def check_weights(docs: DocumentSet) -> list[Problem]:
    problems = []
    if docs.waybill is not None and docs.waybill.head.weight <= 0:
        problems.append(Problem(WEIGHT_INVALID, "the waybill's gross weight must be above zero",
                                "CEB511", "weight"))  # fmt: skip
    head = docs.inventory.head
    if head.net_weight <= 0 or head.gross_weight < head.net_weight:
        problems.append(Problem(
            WEIGHT_INVALID,
            f"gross weight {head.gross_weight} kg must be at least the net weight "
            f"{head.net_weight} kg, and both above zero", "CEB621", "grossWeight",
        ))  # fmt: skip
    return problems


# --- the three-document match (answered on the inventory, CEB622) ------------------------


def check_present(docs: DocumentSet) -> list[Problem]:
    problems = []
    if docs.payment is None:
        problems.append(Problem(MISSING_PAYMENT, "no payment record for the order: it is not "
                                "paid through a registered payment company", "CEB621",
                                "orderNo"))  # fmt: skip
    if docs.waybill is None:
        problems.append(Problem(MISSING_WAYBILL, "no waybill for the order: book the shipment "
                                "first", "CEB621", "logisticsNo"))  # fmt: skip
    return problems


def check_order_numbers(docs: DocumentSet) -> list[Problem]:
    number = docs.order.head.order_no
    return [
        Problem(ORDER_NO_MISMATCH, f"{m.type} orderNo {m.head.order_no!r} is not the order's "
                f"{number!r}", "CEB621", "orderNo")  # fmt: skip
        for m in docs.messages()
        if m.head.order_no != number
    ]


def check_payment(docs: DocumentSet) -> list[Problem]:
    """The payment record's amount equals acturalPaid; its payer is the buyer."""
    if docs.payment is None:
        return []
    order, pay = docs.order.head, docs.payment.head
    problems = []
    if pay.amount_paid != order.actural_paid or pay.currency != order.currency:
        problems.append(Problem(
            PAID_AMOUNT_MISMATCH,
            f"the payment record says {_cny(pay.amount_paid)} was paid, the order says "
            f"{_cny(order.actural_paid)}", "CEB621", "amountPaid",
        ))  # fmt: skip
    if pay.pay_transaction_id != order.pay_transaction_id or pay.pay_code != order.pay_code:
        problems.append(Problem(
            PAID_AMOUNT_MISMATCH,
            "the order names another payment (payCode / payTransactionId) than the payment "
            "record", "CEB621", "payTransactionId",
        ))  # fmt: skip
    if not pay.payer_id_number or pay.payer_id_number != order.buyer_id_number:
        problems.append(Problem(PAYER_MISMATCH, "the payer is not the verified buyer (ID number "
                                "differs): customs must authenticate the buyer", "CEB621",
                                "payerIdNumber"))  # fmt: skip
    elif not same_name(pay.payer_name, order.buyer_name):
        problems.append(Problem(PAYER_MISMATCH, "the payer's name differs from the buyer's real "
                                "name", "CEB621", "payerName"))  # fmt: skip
    return problems


def check_consignee_match(docs: DocumentSet) -> list[Problem]:
    if docs.waybill is None:
        return []
    order, bill = docs.order.head, docs.waybill.head
    problems = []
    for attr, name in CONSIGNEE_FIELDS:
        if getattr(order, attr).strip() != getattr(bill, attr).strip():
            problems.append(Problem(CONSIGNEE_MISMATCH, f"the waybill's {name} differs from the "
                                    "order's", "CEB621", name))  # fmt: skip
    if docs.inventory.head.consignee_address.strip() != order.consignee_address.strip():
        problems.append(Problem(CONSIGNEE_MISMATCH, "the inventory's consigneeAddress differs "
                                "from the order's", "CEB621", "consigneeAddress"))  # fmt: skip
    return problems


def check_waybill_match(docs: DocumentSet) -> list[Problem]:
    invt, order = docs.inventory.head, docs.order.head
    problems = []
    if docs.waybill is not None:
        bill = docs.waybill.head
        if bill.logistics_no != invt.logistics_no or bill.logistics_code != invt.logistics_code:
            problems.append(Problem(WAYBILL_MISMATCH, f"the inventory names waybill "
                                    f"{invt.logistics_no!r}, the logistics company declared "
                                    f"{bill.logistics_no!r}", "CEB621", "logisticsNo"))  # fmt: skip
        if bill.freight != order.freight:
            problems.append(Problem(FREIGHT_MISMATCH, f"freight {_cny(bill.freight)} on the "
                                    f"waybill, {_cny(order.freight)} on the order", "CEB621",
                                    "freight"))  # fmt: skip
    if invt.freight != order.freight:
        problems.append(Problem(FREIGHT_MISMATCH, f"freight {_cny(invt.freight)} on the "
                                f"inventory, {_cny(order.freight)} on the order", "CEB621",
                                "freight"))  # fmt: skip
    return problems


def check_buyer_match(docs: DocumentSet) -> list[Problem]:
    invt, order = docs.inventory.head, docs.order.head
    if invt.buyer_id_number != order.buyer_id_number or not same_name(
        invt.buyer_name, order.buyer_name
    ):
        return [Problem(BUYER_MISMATCH, "the inventory declares another buyer than the order",
                        "CEB621", "buyerIdNumber")]  # fmt: skip
    return []


def check_items_match(docs: DocumentSet) -> list[Problem]:
    def key(items) -> list[tuple]:
        return sorted((i.item_no, i.qty, i.total_price) for i in items)

    if key(docs.inventory.items) != key(docs.order.items):
        return [Problem(ITEMS_MISMATCH, "the inventory's goods (item, quantity, total) differ "
                        "from the order's lines", "CEB621", "InventoryList")]  # fmt: skip
    return []


def check_annual_limit(docs: DocumentSet, limits: Limits, year_to_date: Decimal) -> list[Problem]:
    """The buyer's year so far (other orders, same measure) plus this order."""
    value = dutiable_value(docs, limits)
    if year_to_date + value > limits.annual_limit:
        left = max(limits.annual_limit - year_to_date, Decimal(0))
        year = docs.inventory.head.decl_time[:4]
        return [Problem(
            ANNUAL_LIMIT,
            f"annual cross-border quota exceeded: {_cny(left)} left of "
            f"{_cny(limits.annual_limit)} for {year}; this order is {_cny(value)}",
            "CEB621", "buyerIdNumber",
        )]  # fmt: skip
    return []


def check_documents(
    docs: DocumentSet, *, year_to_date: Decimal, today: date, limits: Limits | None = None
) -> list[Problem]:
    """Every check, in the order customs read: each document on its own, then the match.

    `year_to_date`: the buyer's dutiable value of other CBEC orders this calendar year."""
    limits = limits or limits_on(today)
    return [
        *check_codes(docs),
        *check_buyer_verified(docs, today=today),
        *check_consignee(docs),
        *check_lines_total(docs),
        *check_amounts(docs),
        *check_order_limit(docs, limits),
        *check_weights(docs),
        *check_present(docs),
        *check_order_numbers(docs),
        *check_payment(docs),
        *check_consignee_match(docs),
        *check_waybill_match(docs),
        *check_buyer_match(docs),
        *check_items_match(docs),
        *check_annual_limit(docs, limits, year_to_date),
    ]


def problems_by_document(problems: list[Problem]) -> dict[str, list[Problem]]:
    grouped: dict[str, list[Problem]] = {}
    for problem in problems:
        grouped.setdefault(problem.document, []).append(problem)
    return grouped


def messages_of(docs: DocumentSet) -> dict[str, Message]:
    return {m.type: m for m in docs.messages()}
