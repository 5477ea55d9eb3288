"""Build the four documents of a declaration from a plain snapshot of the records.

The customs app snapshots the order, its payment, its shipment and the buyer's
verified identity into a DeclarationSource; `build_documents` turns it into the
order (CEB311), payment (CEB411), waybill (CEB511) and inventory (CEB621) messages.
Nothing here reads a database or the clock: the same source, attempt and time give
the same documents, guids included, so a lost submission can be rebuilt exactly.
Rules: shared/domain/cross-border-rules.md §1 "Customs: clearance modes and the
three-document match". Amounts are CNY, rounded half-up to the fen; times are China
time (UTC+8, no daylight saving).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from entrepot.domain.customs import codes
from entrepot.domain.customs.documents import (
    BaseTransfer,
    DocumentSet,
    InventoryHead,
    InventoryItem,
    InvtCancel,
    InvtRefundHead,
    InvtRefundItem,
    LogisticsHead,
    Message,
    OrderHead,
    OrderItem,
    PaymentHead,
)

CHINA_TIME = timezone(timedelta(hours=8), "CST")
FEN = Decimal("0.01")
PRICE_PLACES = Decimal("0.0001")
WEIGHT_PLACES = Decimal("0.0001")
_GUIDS = uuid.UUID("6f1d3c1e-1c8a-4d0e-9a59-2b7c0e3f5a11")  # namespace of our message guids


@dataclass(frozen=True)
class Party:
    """A registered enterprise: its customs code and name."""

    code: str
    name: str


@dataclass(frozen=True)
class LineSource:
    sku: str
    name: str  # what the goods are, Chinese when the listing has it
    model: str  # specification: the variant
    hs_code: str  # 8 or 10 digits
    origin: str  # ISO 3166 alpha-2
    quantity: int
    unit_price: Decimal  # CNY
    line_total: Decimal  # CNY
    net_weight_kg: Decimal
    bar_code: str = ""


@dataclass(frozen=True)
class PaymentSource:
    pay: Party
    transaction_id: str
    payer_name: str
    # the payer's ID number as the wallet reports it; "" when the wallet reported a
    # different person than the verified buyer (then only a fingerprint is known)
    payer_id_number: str
    payer_phone: str
    amount: Decimal  # the part of the payment that paid this order, CNY
    paid_at: datetime


@dataclass(frozen=True)
class ShipmentSource:
    logistics: Party
    logistics_no: str  # the waybill number
    gross_weight_kg: Decimal
    net_weight_kg: Decimal
    parcels: int
    bill_no: str = ""
    insured_fee: Decimal = Decimal(0)


@dataclass(frozen=True)
class DeclarationSource:
    order_no: str
    currency: str  # ISO; declarations are in CNY
    goods: Decimal
    freight: Decimal
    discount: Decimal
    tax: Decimal
    paid_total: Decimal  # what the order says was paid (goods + freight + tax - discount)
    trade_mode: str  # 9610 direct mail, 1210 bonded warehouse
    ebp: Party  # the platform
    ebc: Party  # the e-commerce enterprise (the seller, through the platform's agent)
    agent: Party  # who transmits (BaseTransfer)
    customs_code: str
    port_code: str
    buyer_reg_no: str
    buyer_name: str  # the verified real name, "" when the buyer is not verified
    buyer_phone: str
    buyer_id_number: str  # clear: lives only in memory, "" when not verified
    consignee_name: str
    consignee_phone: str
    consignee_address: str
    lines: tuple[LineSource, ...]
    payment: PaymentSource | None
    shipment: ShipmentSource | None
    transfer_id: str = "DXPENT0000000000"


def fen(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def china_time(moment: datetime, *, millis: bool = False) -> str:
    """yyyyMMddHHmmss (or ...SSS) in China time, as CEB messages write times."""
    local = moment.astimezone(CHINA_TIME)
    text = local.strftime("%Y%m%d%H%M%S")
    return text + f"{local.microsecond // 1000:03d}" if millis else text


def message_guid(order_no: str, attempt: int, message_type: str) -> str:
    """Stable per order, attempt and message type: a rebuilt message keeps its guid."""
    return str(uuid.uuid5(_GUIDS, f"{order_no}:{attempt}:{message_type}")).upper()


def cop_no(order_no: str, attempt: int) -> str:
    """The platform's own number for one attempt's inventory list."""
    return f"{order_no}-{attempt}"


def build_documents(source: DeclarationSource, *, attempt: int, at: datetime) -> DocumentSet:
    """The four documents of `source`'s declaration, attempt `attempt` (1 = first; later
    attempts are changes: appType 2), stamped with time `at`."""
    envelope = {
        "app_type": codes.APP_NEW if attempt == 1 else codes.APP_CHANGE,
        "app_time": china_time(at),
        "app_status": codes.APP_DECLARED,
    }
    transfer = BaseTransfer(cop_code=source.agent.code, cop_name=source.agent.name,
                            dxp_mode="DXP", dxp_id=source.transfer_id, note="")  # fmt: skip
    currency = codes.CURRENCY_CODES.get(source.currency, "")

    def guid(message_type: str) -> str:
        return message_guid(source.order_no, attempt, message_type)

    order = Message("CEB311", _order_head(source, guid("CEB311"), envelope, currency),
                    tuple(_order_items(source, currency)), transfer)  # fmt: skip
    payment = None
    if source.payment is not None:
        payment = Message("CEB411", _payment_head(source, guid("CEB411"), envelope, currency),
                          transfer=transfer)  # fmt: skip
    waybill = None
    if source.shipment is not None:
        waybill = Message("CEB511", _logistics_head(source, guid("CEB511"), envelope, currency),
                          transfer=transfer)  # fmt: skip
    inventory = Message(
        "CEB621", _inventory_head(source, guid("CEB621"), envelope, currency, attempt, at),
        tuple(_inventory_items(source, currency)), transfer,
    )  # fmt: skip
    return DocumentSet(order=order, payment=payment, waybill=waybill, inventory=inventory)


def build_cancel(
    source: DeclarationSource, *, attempt: int, at: datetime, reason: str, invt_no: str = ""
) -> Message:
    """CEB623: ask customs to cancel the inventory list of `attempt` before release."""
    shipment = source.shipment
    head = InvtCancel(
        guid=message_guid(source.order_no, attempt, "CEB623"), app_type=codes.APP_NEW,
        app_time=china_time(at), app_status=codes.APP_DECLARED, customs_code=source.customs_code,
        order_no=source.order_no, ebp_code=source.ebp.code, ebp_name=source.ebp.name,
        ebc_code=source.ebc.code, ebc_name=source.ebc.name,
        logistics_no=shipment.logistics_no if shipment else "", cop_no=cop_no(source.order_no,
        attempt), invt_no=invt_no, reason=reason[:500], buyer_id_type=codes.ID_CARD,
        buyer_id_number=source.buyer_id_number, buyer_name=source.buyer_name,
        buyer_telephone=source.buyer_phone,
    )  # fmt: skip
    transfer = BaseTransfer(cop_code=source.agent.code, cop_name=source.agent.name,
                            dxp_mode="DXP", dxp_id=source.transfer_id, note="")  # fmt: skip
    return Message("CEB623", head, transfer=transfer)


def build_return(
    source: DeclarationSource, *, attempt: int, at: datetime, reason: str,
    quantities: dict[int, int], invt_no: str = "", sequence: int = 1,
) -> Message:  # fmt: skip
    """CEB625: apply to return goods customs released (the inventory list of `attempt`).

    `quantities` maps a line's number in the declaration (gnum, 1-based, the order of
    `source.lines`) to the units coming back; `sequence` tells one order's return
    applications apart (a second return of other lines gets its own guid).
    Rules sheet §1 "Returns": applied for within 30 days of release, goods back within
    45 days; the caller checks the dates, this only builds the message.
    """
    unknown = sorted(set(quantities) - set(range(1, len(source.lines) + 1)))
    if unknown or not quantities:
        raise ValueError(
            f"a return names lines {unknown or 'none'}; the declaration has lines "
            f"1 to {len(source.lines)}"
        )
    shipment = source.shipment
    head = InvtRefundHead(
        guid=message_guid(source.order_no, attempt, f"CEB625:{sequence}"),
        app_type=codes.APP_NEW, app_time=china_time(at), app_status=codes.APP_DECLARED,
        customs_code=source.customs_code, order_no=source.order_no,
        ebp_code=source.ebp.code, ebp_name=source.ebp.name,
        ebc_code=source.ebc.code, ebc_name=source.ebc.name,
        logistics_code=shipment.logistics.code if shipment else "",
        logistics_no=shipment.logistics_no if shipment else "",
        cop_no=cop_no(source.order_no, attempt), invt_no=invt_no,
        buyer_id_type=codes.ID_CARD, buyer_id_number=source.buyer_id_number,
        buyer_name=source.buyer_name, buyer_telephone=source.buyer_phone,
        reason=(reason or "return")[:500], note="",
    )  # fmt: skip
    items = tuple(
        InvtRefundItem(
            gnum=gnum,
            item_no=source.lines[gnum - 1].sku,
            item_name=source.lines[gnum - 1].name,
            qty=quantity,
            unit=codes.UNIT_PIECE,
            note="",
        )
        for gnum, quantity in sorted(quantities.items())
    )
    transfer = BaseTransfer(cop_code=source.agent.code, cop_name=source.agent.name,
                            dxp_mode="DXP", dxp_id=source.transfer_id, note="")  # fmt: skip
    return Message("CEB625", head, items, transfer)


def _order_head(source: DeclarationSource, guid: str, envelope: dict, currency: str) -> OrderHead:
    pay = source.payment
    return OrderHead(
        guid=guid, **envelope, order_type=codes.IMPORT, order_no=source.order_no,
        ebp_code=source.ebp.code, ebp_name=source.ebp.name, ebc_code=source.ebc.code,
        ebc_name=source.ebc.name, goods_value=fen(source.goods), freight=fen(source.freight),
        discount=fen(source.discount), tax_total=fen(source.tax),
        actural_paid=fen(source.paid_total), currency=currency,
        buyer_reg_no=source.buyer_reg_no, buyer_name=source.buyer_name,
        buyer_telephone=source.buyer_phone, buyer_id_type=codes.ID_CARD,
        buyer_id_number=source.buyer_id_number, pay_code=pay.pay.code if pay else "",
        pay_name=pay.pay.name if pay else "", pay_transaction_id=pay.transaction_id if pay else "",
        consignee=source.consignee_name, consignee_telephone=source.consignee_phone,
        consignee_address=source.consignee_address, note="",
    )  # fmt: skip


def _order_items(source: DeclarationSource, currency: str):
    for number, line in enumerate(source.lines, start=1):
        yield OrderItem(
            gnum=number, item_no=line.sku, item_name=line.name, gmodel=line.model,
            item_describe="", bar_code=line.bar_code, unit=codes.UNIT_PIECE, qty=line.quantity,
            price=line.unit_price.quantize(PRICE_PLACES, rounding=ROUND_HALF_UP),
            total_price=fen(line.line_total), currency=currency,
            country=codes.COUNTRY_CODES.get(line.origin, ""), note="",
        )  # fmt: skip


def _payment_head(
    source: DeclarationSource, guid: str, envelope: dict, currency: str
) -> PaymentHead:
    pay = source.payment
    return PaymentHead(
        guid=guid, **envelope, pay_code=pay.pay.code, pay_name=pay.pay.name,
        pay_transaction_id=pay.transaction_id, order_no=source.order_no,
        ebp_code=source.ebp.code, ebp_name=source.ebp.name, payer_id_type=codes.ID_CARD,
        payer_id_number=pay.payer_id_number, payer_name=pay.payer_name,
        telephone=pay.payer_phone, amount_paid=fen(pay.amount), currency=currency,
        pay_time=china_time(pay.paid_at), note="",
    )  # fmt: skip


def _goods_info(source: DeclarationSource) -> str:
    names = "; ".join(f"{line.name} x{line.quantity}" for line in source.lines)
    return names[:200] or "-"


def _logistics_head(
    source: DeclarationSource, guid: str, envelope: dict, currency: str
) -> LogisticsHead:
    ship = source.shipment
    return LogisticsHead(
        guid=guid, **envelope, logistics_code=ship.logistics.code,
        logistics_name=ship.logistics.name, logistics_no=ship.logistics_no, bill_no=ship.bill_no,
        order_no=source.order_no, freight=fen(source.freight), insured_fee=fen(ship.insured_fee),
        currency=currency,
        weight=ship.gross_weight_kg.quantize(WEIGHT_PLACES, rounding=ROUND_HALF_UP),
        pack_no=ship.parcels, goods_info=_goods_info(source), consignee=source.consignee_name,
        consignee_address=source.consignee_address,
        consignee_telephone=source.consignee_phone, note="",
    )  # fmt: skip


def _inventory_head(
    source: DeclarationSource, guid: str, envelope: dict, currency: str, attempt: int,
    at: datetime,
) -> InventoryHead:  # fmt: skip
    ship = source.shipment
    # the consignment's country: the goods' origin (the first line's when they differ)
    origin = source.lines[0].origin if source.lines else ""
    return InventoryHead(
        guid=guid, **envelope, order_no=source.order_no, ebp_code=source.ebp.code,
        ebp_name=source.ebp.name, ebc_code=source.ebc.code, ebc_name=source.ebc.name,
        logistics_no=ship.logistics_no if ship else "",
        logistics_code=ship.logistics.code if ship else "",
        logistics_name=ship.logistics.name if ship else "",
        cop_no=cop_no(source.order_no, attempt), ie_flag=codes.IMPORT,
        decl_time=china_time(at)[:8], customs_code=source.customs_code,
        port_code=source.port_code, buyer_id_type=codes.ID_CARD,
        buyer_id_number=source.buyer_id_number, buyer_name=source.buyer_name,
        buyer_telephone=source.buyer_phone, consignee_address=source.consignee_address,
        trade_mode=source.trade_mode, country=codes.COUNTRY_CODES.get(origin, ""),
        freight=fen(source.freight), insured_fee=fen(ship.insured_fee if ship else Decimal(0)),
        currency=currency, pack_no=ship.parcels if ship else 1,
        gross_weight=(ship.gross_weight_kg if ship else Decimal(0)).quantize(WEIGHT_PLACES),
        net_weight=(ship.net_weight_kg if ship else Decimal(0)).quantize(WEIGHT_PLACES),
        note="",
    )  # fmt: skip


def _inventory_items(source: DeclarationSource, currency: str):
    for number, line in enumerate(source.lines, start=1):
        yield InventoryItem(
            gnum=number, item_no=line.sku, item_name=line.name, gcode=line.hs_code,
            gmodel=line.model, country=codes.COUNTRY_CODES.get(line.origin, ""),
            currency=currency, qty=line.quantity, unit=codes.UNIT_PIECE,
            qty1=line.net_weight_kg.quantize(WEIGHT_PLACES, rounding=ROUND_HALF_UP),
            unit1=codes.UNIT_KG,
            price=line.unit_price.quantize(PRICE_PLACES, rounding=ROUND_HALF_UP),
            total_price=fen(line.line_total), note="",
        )  # fmt: skip
