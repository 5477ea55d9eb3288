"""Snapshot an order's records into the plain DeclarationSource the domain builds from.

Order (amounts, lines, consignee on the checkout), payment (payments.Payment of the
checkout), shipment (logistics.Shipment and its parcels), the buyer's verified identity
and their year so far; an operator's corrections (consignee name, phone, address)
override what the records say. `records_load` reads all of it for a batch of orders in
a constant number of queries (the sweep); `declaration_source` for one.

The clear ID number is decrypted here, only for building the messages: the source must
never be logged or stored (it is kept out of error reports).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Sum
from django.db.models.functions import ExtractYear
from django.views.decorators.debug import sensitive_variables

from entrepot.buyers import vault
from entrepot.customs import conf
from entrepot.customs.models import Declaration
from entrepot.domain.customs.build import (
    DeclarationSource,
    LineSource,
    Party,
    PaymentSource,
    ShipmentSource,
)
from entrepot.domain.order_states import COUNTS_TOWARD_QUOTA
from entrepot.logistics.carriers import carrier_for
from entrepot.logistics.models import Shipment
from entrepot.orders.models import Order, OrderLine
from entrepot.orders.payment_flow import REFERENCE_PREFIX
from entrepot.payments.models import Payment

FEN = Decimal("0.01")
CORRECTABLE = ("consignee_name", "consignee_phone", "consignee_address")


@dataclass
class Records:
    """What one order's declaration is built from."""

    order: Order  # with checkout, buyer, buyer.identity and seller loaded
    lines: list[OrderLine]
    payment: Payment | None
    shipment: Shipment | None
    parcels: list
    year_to_date: Decimal


def _counts_toward_quota(order: Order) -> bool:
    return (order.currency == "CNY" and order.destination_country == "CN"
            and order.origin_country != "CN" and order.status in COUNTS_TOWARD_QUOTA)  # fmt: skip


def _years(orders: list[Order]) -> dict[tuple[int, int], Decimal]:
    """(buyer id, year) -> goods + shipping of the buyer's CBEC orders counting that year."""
    buyers = {o.buyer_id for o in orders}
    years = {o.placed_at.year for o in orders}
    rows = (
        Order.objects.filter(
            buyer_id__in=buyers, currency="CNY", destination_country="CN",
            status__in=COUNTS_TOWARD_QUOTA,
        )
        .exclude(origin_country="CN")
        .annotate(year=ExtractYear("placed_at"))
        .filter(year__in=years)
        .values("buyer_id", "year")
        # less what partial refunds gave back (entrepot.aftersales): the quota counts
        # only what the buyer kept
        .annotate(n=Sum(F("goods_amount") + F("shipping_amount") - F("refunded_amount")
                        + F("refunded_tax_amount")))
        .order_by()
    )  # fmt: skip
    return {(row["buyer_id"], row["year"]): Decimal(row["n"] or 0) for row in rows}


def records_load(order_ids: list[int]) -> dict[int, Records]:
    """The records of each order, in seven queries whatever their number."""
    orders = list(
        Order.objects.select_related("checkout", "buyer__identity", "seller").filter(
            pk__in=order_ids
        )
    )
    lines: dict[int, list] = defaultdict(list)
    for line in OrderLine.objects.filter(order__in=orders).select_related("variant", "product"):
        lines[line.order_id].append(line)
    shipments = {
        s.order_id: s for s in Shipment.objects.filter(order__in=orders).prefetch_related("parcels")
    }
    references = {f"{REFERENCE_PREFIX}{o.checkout_id}": o.checkout_id for o in orders}
    payments: dict[int, Payment] = {}
    for payment in Payment.objects.filter(
        reference__in=list(references), status=Payment.Status.SUCCEEDED
    ).order_by("paid_at", "id"):  # the newest wins
        payments[references[payment.reference]] = payment
    years = _years(orders)
    records = {}
    for order in orders:
        spent = years.get((order.buyer_id, order.placed_at.year), Decimal(0))
        if _counts_toward_quota(order):  # the others, not this order itself
            spent -= order.goods_amount + order.shipping_amount - order.refunded_goods_amount
        shipment = shipments.get(order.pk)
        records[order.pk] = Records(
            order=order, lines=sorted(lines[order.pk], key=lambda line: line.pk),
            payment=payments.get(order.checkout_id), shipment=shipment,
            parcels=list(shipment.parcels.all()) if shipment else [],
            year_to_date=max(spent, Decimal(0)).quantize(FEN),
        )  # fmt: skip
    return records


def _share_of_payment(payment: Payment, order: Order) -> Decimal:
    """The part of the checkout's payment that paid this order: all of its total when the
    payment paid the checkout exactly, else a pro-rata share (the 5% check then speaks)."""
    checkout_total = order.checkout.total_amount
    if payment.amount == checkout_total or not checkout_total:
        return order.total_amount
    share = payment.amount * order.total_amount / checkout_total
    return share.quantize(FEN, rounding=ROUND_HALF_UP)


@sensitive_variables("id_number")
def _payment_source(order: Order, payment: Payment | None, id_number: str, phone: str):
    if payment is None:
        return None
    identity = getattr(order.buyer, "identity", None)
    reported = payment.payer_id_fingerprint
    # the wallet reports a fingerprint of the payer's ID; the number is the buyer's only
    # when it matches (or the wallet reported none and checkout found no mismatch)
    same = identity is not None and not order.payer_mismatch and (
        not reported or reported == identity.id_number_fingerprint
    )  # fmt: skip
    return PaymentSource(
        pay=conf.payment_company(payment.gateway),
        transaction_id=payment.gateway_transaction_id or str(payment.token),
        payer_name=payment.payer_name, payer_id_number=id_number if same else "",
        payer_phone=phone, amount=_share_of_payment(payment, order),
        paid_at=payment.paid_at or order.paid_at,
    )  # fmt: skip


def _shipment_source(shipment: Shipment | None, parcels: list) -> ShipmentSource | None:
    if shipment is None:
        return None
    carrier = carrier_for(shipment.carrier)
    return ShipmentSource(
        logistics=Party(carrier.customs_code, carrier.name), logistics_no=shipment.waybill_no,
        gross_weight_kg=sum((p.gross_weight_kg for p in parcels), Decimal(0)),
        net_weight_kg=sum((p.net_weight_kg for p in parcels), Decimal(0)),
        parcels=max(len(parcels), 1),
    )  # fmt: skip


def _line(line: OrderLine) -> LineSource:
    variant = line.variant
    return LineSource(
        sku=variant.sku[:30], name=(line.title_zh or line.title_en)[:255],
        model=(variant.name_zh or variant.name_en or variant.sku)[:255],
        hs_code=line.product.hs_code, origin=line.product.origin_country,
        quantity=line.quantity, unit_price=line.unit_price_amount,
        line_total=line.line_total_amount,
        net_weight_kg=Decimal(variant.weight_grams * line.quantity) / 1000,
    )  # fmt: skip


@sensitive_variables("id_number")
def source_of(declaration: Declaration, records: Records) -> DeclarationSource:
    """Everything the four documents say, from the records and the declaration's
    corrections."""
    order = records.order
    identity = getattr(order.buyer, "identity", None)
    id_number = vault.decrypt(identity.id_number_encrypted) if identity else ""
    checkout = order.checkout
    fixed = {k: v for k, v in (declaration.corrections or {}).items() if k in CORRECTABLE and v}
    recorded = {
        "consignee_name": checkout.consignee_name if checkout else "",
        "consignee_phone": checkout.consignee_phone if checkout else "",
        "consignee_address": checkout.consignee_address if checkout else "",
    }
    consignee = {**recorded, **fixed}
    buyer_phone = order.buyer.phone or consignee["consignee_phone"]
    customs = conf.identity()
    seller = order.seller
    shipment = records.shipment
    return DeclarationSource(
        order_no=order.number, currency=order.currency, goods=order.goods_amount,
        freight=order.shipping_amount, discount=Decimal(0), tax=order.tax_amount,
        paid_total=order.total_amount,
        trade_mode=shipment.mode if shipment else (order.mode or "9610"),
        ebp=customs.ebp, ebc=Party(customs.agent.code,
                                   (seller.legal_name or seller.business_name)[:200]),
        agent=customs.agent, customs_code=customs.customs_code, port_code=customs.port_code,
        buyer_reg_no=f"EP{order.buyer_id}", buyer_name=identity.name if identity else "",
        buyer_phone=buyer_phone, buyer_id_number=id_number,
        consignee_name=consignee["consignee_name"], consignee_phone=consignee["consignee_phone"],
        consignee_address=consignee["consignee_address"],
        lines=tuple(_line(line) for line in records.lines),
        payment=_payment_source(order, records.payment, id_number, buyer_phone),
        shipment=_shipment_source(shipment, records.parcels), transfer_id=customs.transfer_id,
    )  # fmt: skip


def declaration_source(declaration: Declaration) -> DeclarationSource:
    """The source of one declaration, read afresh."""
    return source_of(declaration, records_load([declaration.order_id])[declaration.order_id])


def buyer_year_to_date(order: Order) -> Decimal:
    """The buyer's dutiable value (goods + shipping) of their other CBEC orders in the
    calendar year of `order`: what the annual limit adds this order to."""
    return records_load([order.pk])[order.pk].year_to_date
