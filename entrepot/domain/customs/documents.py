"""The CEB messages as plain dataclasses: their fields ARE the field lists of the schema.

Field names are the CEB names in snake case (`actural_paid` is CEB's `acturalPaid`,
spelled as customs spell it); `schema.py` writes the XSD from these classes and
`ceb_xml.py` renders and parses them, so the three can never disagree. Each field
carries its Kind (the XSD simple type and the Python type); optional fields may be
empty and are then left out of the XML.

Field lists: shared/domain/cross-border-rules.md §1 "China Customs CEB XML messages".
Beyond the sheet, every head carries CEB's envelope fields guid, appType (1 new,
2 change), appTime and appStatus (2 = declared), which a resubmission needs; CEB621
also names the logistics company and the buyer's telephone, as the standard does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal

NAMESPACE = "http://www.chinaport.gov.cn/ceb"
VERSION = "1.0"


@dataclass(frozen=True)
class Kind:
    """An XSD simple type: its name, base type and facets, and the Python type."""

    name: str
    python: type
    base: str
    facets: tuple[tuple[str, str], ...] = ()
    enumeration: tuple[str, ...] = ()


def _text(length: int) -> Kind:
    return Kind(f"Text{length}", str, "xs:string", (("minLength", "1"), ("maxLength", str(length))))


TEXT20, TEXT30, TEXT50, TEXT60 = _text(20), _text(30), _text(50), _text(60)
TEXT100, TEXT200, TEXT255, TEXT500 = _text(100), _text(200), _text(255), _text(500)
GUID = Kind("Guid", str, "xs:string", (("pattern", "[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}"),))
MONEY = Kind("Money", Decimal, "xs:decimal",
             (("minInclusive", "0"), ("totalDigits", "18"), ("fractionDigits", "2")))  # fmt: skip
PRICE = Kind("Price", Decimal, "xs:decimal",
             (("minInclusive", "0"), ("totalDigits", "18"), ("fractionDigits", "4")))  # fmt: skip
WEIGHT = Kind("Weight", Decimal, "xs:decimal",
              (("minInclusive", "0"), ("totalDigits", "14"), ("fractionDigits", "4")))  # fmt: skip
COUNT = Kind("Count", int, "xs:positiveInteger")
TIME14 = Kind("Time14", str, "xs:string", (("pattern", r"\d{14}"),))  # yyyyMMddHHmmss
TIME17 = Kind("Time17", str, "xs:string", (("pattern", r"\d{17}"),))  # yyyyMMddHHmmssSSS
DATE8 = Kind("Date8", str, "xs:string", (("pattern", r"\d{8}"),))  # yyyyMMdd
CODE3 = Kind("Code3", str, "xs:string", (("pattern", r"\d{3}"),))  # customs country, unit
CUSTOMS = Kind("CustomsCode", str, "xs:string", (("pattern", r"\d{4}"),))
HS_CODE = Kind("HsCode", str, "xs:string", (("pattern", r"\d{8}(\d{2})?"),))
RETURN_STATUS = Kind("ReturnStatus", str, "xs:string", (("pattern", r"-?\d{1,4}"),))
# customs currency codes of the rules sheet: 142 CNY, 502 USD, 300 EUR, 303 GBP, 501 CAD,
# 601 AUD
CURRENCY = Kind("Currency", str, "xs:string",
                enumeration=("142", "502", "300", "303", "501", "601"))  # fmt: skip
APP_TYPE = Kind("AppType", str, "xs:string", enumeration=("1", "2", "3"))
APP_STATUS = Kind("AppStatus", str, "xs:string", enumeration=("1", "2"))
ID_TYPE = Kind("IdType", str, "xs:string", enumeration=("1",))  # 1 = resident ID card
IE_FLAG = Kind("IEFlag", str, "xs:string", enumeration=("I", "E"))
TRADE_MODE = Kind("TradeMode", str, "xs:string", enumeration=("9610", "1210", "1239"))

KINDS = (TEXT20, TEXT30, TEXT50, TEXT60, TEXT100, TEXT200, TEXT255, TEXT500, GUID, MONEY, PRICE,
         WEIGHT, COUNT, TIME14, TIME17, DATE8, CODE3, CUSTOMS, HS_CODE, RETURN_STATUS, CURRENCY,
         APP_TYPE, APP_STATUS, ID_TYPE, IE_FLAG, TRADE_MODE)  # fmt: skip


def f(kind: Kind, *, optional: bool = False):
    """A document field of `kind`; optional fields may be "" and are then not rendered."""
    return field(metadata={"kind": kind, "optional": optional})


def camel(name: str) -> str:
    """acturalPaid from actural_paid: the CEB element name of a field."""
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def field_specs(cls) -> list[tuple[str, str, Kind, bool]]:
    """(attribute, CEB element name, kind, optional) of each field of a document class."""
    return [
        (x.name, camel(x.name), x.metadata["kind"], x.metadata["optional"]) for x in fields(cls)
    ]


# --- CEB311 order (the platform) ---------------------------------------------------------


@dataclass(frozen=True)
class OrderHead:
    guid: str = f(GUID)
    app_type: str = f(APP_TYPE)
    app_time: str = f(TIME14)
    app_status: str = f(APP_STATUS)
    order_type: str = f(IE_FLAG)  # I = import
    order_no: str = f(TEXT60)
    ebp_code: str = f(TEXT20)
    ebp_name: str = f(TEXT200)
    ebc_code: str = f(TEXT20)
    ebc_name: str = f(TEXT200)
    goods_value: Decimal = f(MONEY)
    freight: Decimal = f(MONEY)
    discount: Decimal = f(MONEY)
    tax_total: Decimal = f(MONEY)
    actural_paid: Decimal = f(MONEY)
    currency: str = f(CURRENCY)
    buyer_reg_no: str = f(TEXT60)
    buyer_name: str = f(TEXT60)
    buyer_telephone: str = f(TEXT30)
    buyer_id_type: str = f(ID_TYPE)
    buyer_id_number: str = f(TEXT60)
    pay_code: str = f(TEXT20)
    pay_name: str = f(TEXT200)
    pay_transaction_id: str = f(TEXT60)
    consignee: str = f(TEXT100)
    consignee_telephone: str = f(TEXT50)
    consignee_address: str = f(TEXT255)
    note: str = f(TEXT500, optional=True)


@dataclass(frozen=True)
class OrderItem:
    gnum: int = f(COUNT)
    item_no: str = f(TEXT30)
    item_name: str = f(TEXT255)
    gmodel: str = f(TEXT255)
    item_describe: str = f(TEXT500, optional=True)
    bar_code: str = f(TEXT50, optional=True)
    unit: str = f(CODE3)
    qty: int = f(COUNT)
    price: Decimal = f(PRICE)
    total_price: Decimal = f(MONEY)
    currency: str = f(CURRENCY)
    country: str = f(CODE3)
    note: str = f(TEXT500, optional=True)


# --- CEB411 payment (the payment company) ------------------------------------------------


@dataclass(frozen=True)
class PaymentHead:
    guid: str = f(GUID)
    app_type: str = f(APP_TYPE)
    app_time: str = f(TIME14)
    app_status: str = f(APP_STATUS)
    pay_code: str = f(TEXT20)
    pay_name: str = f(TEXT200)
    pay_transaction_id: str = f(TEXT60)
    order_no: str = f(TEXT60)
    ebp_code: str = f(TEXT20)
    ebp_name: str = f(TEXT200)
    payer_id_type: str = f(ID_TYPE)
    payer_id_number: str = f(TEXT60)
    payer_name: str = f(TEXT60)
    telephone: str = f(TEXT50)
    amount_paid: Decimal = f(MONEY)
    currency: str = f(CURRENCY)
    pay_time: str = f(TIME14)
    note: str = f(TEXT500, optional=True)


# --- CEB511 waybill (the logistics company) ----------------------------------------------


@dataclass(frozen=True)
class LogisticsHead:
    guid: str = f(GUID)
    app_type: str = f(APP_TYPE)
    app_time: str = f(TIME14)
    app_status: str = f(APP_STATUS)
    logistics_code: str = f(TEXT20)
    logistics_name: str = f(TEXT200)
    logistics_no: str = f(TEXT60)
    bill_no: str = f(TEXT60, optional=True)  # the master waybill of the line haul
    order_no: str = f(TEXT60)
    freight: Decimal = f(MONEY)
    insured_fee: Decimal = f(MONEY)
    currency: str = f(CURRENCY)
    weight: Decimal = f(WEIGHT)  # gross, kg
    pack_no: int = f(COUNT)
    goods_info: str = f(TEXT200)
    consignee: str = f(TEXT100)
    consignee_address: str = f(TEXT255)
    consignee_telephone: str = f(TEXT50)
    note: str = f(TEXT500, optional=True)


# --- CEB621 inventory list (the declaration proper) --------------------------------------


@dataclass(frozen=True)
class InventoryHead:
    guid: str = f(GUID)
    app_type: str = f(APP_TYPE)
    app_time: str = f(TIME14)
    app_status: str = f(APP_STATUS)
    order_no: str = f(TEXT60)
    ebp_code: str = f(TEXT20)
    ebp_name: str = f(TEXT200)
    ebc_code: str = f(TEXT20)
    ebc_name: str = f(TEXT200)
    logistics_no: str = f(TEXT60)
    logistics_code: str = f(TEXT20)
    logistics_name: str = f(TEXT200)
    cop_no: str = f(TEXT30)
    ie_flag: str = f(IE_FLAG)
    decl_time: str = f(DATE8)
    customs_code: str = f(CUSTOMS)
    port_code: str = f(CUSTOMS)
    buyer_id_type: str = f(ID_TYPE)
    buyer_id_number: str = f(TEXT60)
    buyer_name: str = f(TEXT60)
    buyer_telephone: str = f(TEXT30)
    consignee_address: str = f(TEXT255)
    trade_mode: str = f(TRADE_MODE)
    country: str = f(CODE3)  # of origin (consignment country)
    freight: Decimal = f(MONEY)
    insured_fee: Decimal = f(MONEY)
    currency: str = f(CURRENCY)
    pack_no: int = f(COUNT)
    gross_weight: Decimal = f(WEIGHT)
    net_weight: Decimal = f(WEIGHT)
    note: str = f(TEXT500, optional=True)


@dataclass(frozen=True)
class InventoryItem:
    gnum: int = f(COUNT)
    item_no: str = f(TEXT30)
    item_name: str = f(TEXT255)
    gcode: str = f(HS_CODE)
    gmodel: str = f(TEXT255)
    country: str = f(CODE3)
    currency: str = f(CURRENCY)
    qty: int = f(COUNT)
    unit: str = f(CODE3)
    qty1: Decimal = f(WEIGHT)  # legal quantity: net weight
    unit1: str = f(CODE3)
    price: Decimal = f(PRICE)
    total_price: Decimal = f(MONEY)
    note: str = f(TEXT500, optional=True)


# --- CEB623 cancellation of an inventory list before release -----------------------------


@dataclass(frozen=True)
class InvtCancel:
    guid: str = f(GUID)
    app_type: str = f(APP_TYPE)
    app_time: str = f(TIME14)
    app_status: str = f(APP_STATUS)
    customs_code: str = f(CUSTOMS)
    order_no: str = f(TEXT60)
    ebp_code: str = f(TEXT20)
    ebp_name: str = f(TEXT200)
    ebc_code: str = f(TEXT20)
    ebc_name: str = f(TEXT200)
    logistics_no: str = f(TEXT60)
    cop_no: str = f(TEXT30)
    invt_no: str = f(TEXT30, optional=True)
    reason: str = f(TEXT500)
    buyer_id_type: str = f(ID_TYPE)
    buyer_id_number: str = f(TEXT60)
    buyer_name: str = f(TEXT60)
    buyer_telephone: str = f(TEXT30)


# --- CEB625 return application (退货申请单) of goods released ------------------------------
# The rules sheet (shared/domain/cross-border-rules.md §1, "Returns"): applied for within
# 30 days of release, goods back in the zone within 45 days. Head and list follow the
# inventory list's fields that identify the goods; quantities are what comes back.


@dataclass(frozen=True)
class InvtRefundHead:
    guid: str = f(GUID)
    app_type: str = f(APP_TYPE)
    app_time: str = f(TIME14)
    app_status: str = f(APP_STATUS)
    customs_code: str = f(CUSTOMS)
    order_no: str = f(TEXT60)
    ebp_code: str = f(TEXT20)
    ebp_name: str = f(TEXT200)
    ebc_code: str = f(TEXT20)
    ebc_name: str = f(TEXT200)
    logistics_code: str = f(TEXT20, optional=True)
    logistics_no: str = f(TEXT60, optional=True)
    cop_no: str = f(TEXT30)
    invt_no: str = f(TEXT30, optional=True)
    buyer_id_type: str = f(ID_TYPE)
    buyer_id_number: str = f(TEXT60)
    buyer_name: str = f(TEXT60)
    buyer_telephone: str = f(TEXT30)
    reason: str = f(TEXT500)
    note: str = f(TEXT500, optional=True)


@dataclass(frozen=True)
class InvtRefundItem:
    gnum: int = f(COUNT)
    item_no: str = f(TEXT30)
    item_name: str = f(TEXT255)
    qty: int = f(COUNT)
    unit: str = f(CODE3)
    note: str = f(TEXT500, optional=True)


# --- receipts: CEB312 / 412 / 512 / 622, and 624 for a cancellation ----------------------
# `guid` is the guid of the message answered; returnTime orders the receipts of one message.


@dataclass(frozen=True)
class OrderReturn:
    guid: str = f(GUID)
    ebp_code: str = f(TEXT20)
    ebc_code: str = f(TEXT20)
    order_no: str = f(TEXT60)
    return_status: str = f(RETURN_STATUS)
    return_time: str = f(TIME17)
    return_info: str = f(TEXT500)


@dataclass(frozen=True)
class PaymentReturn:
    guid: str = f(GUID)
    pay_code: str = f(TEXT20)
    pay_transaction_id: str = f(TEXT60)
    return_status: str = f(RETURN_STATUS)
    return_time: str = f(TIME17)
    return_info: str = f(TEXT500)


@dataclass(frozen=True)
class LogisticsReturn:
    guid: str = f(GUID)
    logistics_code: str = f(TEXT20)
    logistics_no: str = f(TEXT60)
    return_status: str = f(RETURN_STATUS)
    return_time: str = f(TIME17)
    return_info: str = f(TEXT500)


@dataclass(frozen=True)
class InventoryReturn:
    guid: str = f(GUID)
    customs_code: str = f(CUSTOMS)
    ebp_code: str = f(TEXT20)
    ebc_code: str = f(TEXT20)
    cop_no: str = f(TEXT30)
    pre_no: str = f(TEXT30, optional=True)
    invt_no: str = f(TEXT30, optional=True)
    return_status: str = f(RETURN_STATUS)
    return_time: str = f(TIME17)
    return_info: str = f(TEXT500)


@dataclass(frozen=True)
class InvtCancelReturn:
    guid: str = f(GUID)
    customs_code: str = f(CUSTOMS)
    invt_no: str = f(TEXT30, optional=True)
    cop_no: str = f(TEXT30)
    return_status: str = f(RETURN_STATUS)
    return_time: str = f(TIME17)
    return_info: str = f(TEXT500)


@dataclass(frozen=True)
class BaseTransfer:
    """Who transmits the message (the platform, as the declaring agent)."""

    cop_code: str = f(TEXT20)
    cop_name: str = f(TEXT200)
    dxp_mode: str = f(TEXT30)
    dxp_id: str = f(TEXT30)
    note: str = f(TEXT500, optional=True)


# --- the messages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """Where a message's parts sit: root > body > (head, items...), then BaseTransfer."""

    root: str
    body: str
    head: str | None  # None: the head's fields sit directly in the body (flat messages)
    head_type: type
    item: str | None = None
    item_type: type | None = None
    transfer: bool = True


SHAPES: dict[str, Shape] = {
    "CEB311": Shape("CEB311Message", "Order", "OrderHead", OrderHead, "OrderList", OrderItem),
    "CEB411": Shape("CEB411Message", "Payment", "PaymentHead", PaymentHead),
    "CEB511": Shape("CEB511Message", "Logistics", "LogisticsHead", LogisticsHead),
    "CEB621": Shape("CEB621Message", "Inventory", "InventoryHead", InventoryHead, "InventoryList",
                    InventoryItem),  # fmt: skip
    "CEB623": Shape("CEB623Message", "InvtCancel", None, InvtCancel),
    "CEB625": Shape("CEB625Message", "InvtRefund", "InvtRefundHead", InvtRefundHead,
                    "InvtRefundList", InvtRefundItem),  # fmt: skip
    "CEB312": Shape("CEB312Message", "OrderReturn", None, OrderReturn, transfer=False),
    "CEB412": Shape("CEB412Message", "PaymentReturn", None, PaymentReturn, transfer=False),
    "CEB512": Shape("CEB512Message", "LogisticsReturn", None, LogisticsReturn, transfer=False),
    "CEB622": Shape("CEB622Message", "InventoryReturn", None, InventoryReturn, transfer=False),
    "CEB624": Shape("CEB624Message", "InvtCancelReturn", None, InvtCancelReturn, transfer=False),
}
DECLARATION_TYPES = ("CEB311", "CEB411", "CEB511", "CEB621")
RECEIPT_FOR = {"CEB311": "CEB312", "CEB411": "CEB412", "CEB511": "CEB512", "CEB621": "CEB622",
               "CEB623": "CEB624"}  # fmt: skip
ANSWERS = {receipt: message for message, receipt in RECEIPT_FOR.items()}


@dataclass(frozen=True)
class Message:
    """One CEB message: its type ("CEB311"), head, items (order and inventory lines) and
    the transfer block (None on receipts)."""

    type: str
    head: object
    items: tuple = ()
    transfer: BaseTransfer | None = None

    @property
    def guid(self) -> str:
        return self.head.guid

    @property
    def shape(self) -> Shape:
        return SHAPES[self.type]


@dataclass(frozen=True)
class DocumentSet:
    """The four documents of one order's declaration. `payment` / `waybill` are None when
    the record behind them is missing; the checks then say so."""

    order: Message
    payment: Message | None
    waybill: Message | None
    inventory: Message

    def messages(self) -> list[Message]:
        return [m for m in (self.order, self.payment, self.waybill, self.inventory) if m]
