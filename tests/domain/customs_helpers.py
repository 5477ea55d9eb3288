"""A consistent declaration source for the pure customs tests (no Django)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal as D

from entrepot.domain.customs import checks
from entrepot.domain.customs.build import (
    DeclarationSource,
    LineSource,
    Party,
    PaymentSource,
    ShipmentSource,
    build_documents,
)

AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
ID_NUMBER = "11010519491231002X"  # a valid example of the rules sheet (§1 Buyer identity)


def source(**changes) -> DeclarationSource:
    lines = (
        LineSource(sku="VIT-D3-60", name="维生素D3软胶囊", model="60粒", hs_code="21069090",
                   origin="US", quantity=2, unit_price=D("142.06"), line_total=D("284.12"),
                   net_weight_kg=D("0.36")),
        LineSource(sku="SERUM-30", name="精华液", model="30ml", hs_code="33049900",
                   origin="US", quantity=1, unit_price=D("237.84"), line_total=D("237.84"),
                   net_weight_kg=D("0.12")),
    )  # fmt: skip
    goods, freight = D("521.96"), D("78.00")
    tax = D("54.60")
    base = DeclarationSource(
        order_no="EP261127000042001", currency="CNY", goods=goods, freight=freight,
        discount=D(0), tax=tax, paid_total=goods + freight + tax, trade_mode="9610",
        ebp=Party("EBP0000001", "Entrepôt"), ebc=Party("EBC0000001", "Buckeye Naturals LLC"),
        agent=Party("EBP0000001", "Entrepôt"), customs_code="0000", port_code="0000",
        buyer_reg_no="EP42", buyer_name="王芳", buyer_phone="13800138000",
        buyer_id_number=ID_NUMBER, consignee_name="王芳", consignee_phone="13800138000",
        consignee_address="浙江省杭州市西湖区文三路100号", lines=lines,
        payment=PaymentSource(pay=Party("SANDBOXPAY", "Sandbox wallet"), transaction_id="TX42",
                              payer_name="王芳", payer_id_number=ID_NUMBER,
                              payer_phone="13800138000", amount=goods + freight + tax,
                              paid_at=AT),
        shipment=ShipmentSource(logistics=Party("SIMCARRIER", "Simulated carrier"),
                                logistics_no="SIM261127000042001", gross_weight_kg=D("0.58"),
                                net_weight_kg=D("0.48"), parcels=1),
    )  # fmt: skip
    return replace(base, **changes)


def documents(attempt: int = 1, **changes):
    return build_documents(source(**changes), attempt=attempt, at=AT)


def single_item_order(order_no: str, price: D = D(4800)):
    """One indivisible item of `price` CNY: goods + freight = price + 78 toward the limits."""
    line = replace(source().lines[0], quantity=1, unit_price=price, line_total=price)
    paid = price + D("78.00") + D("54.60")
    return documents(order_no=order_no, lines=(line,), goods=price, paid_total=paid,
                     payment=replace(source().payment, amount=paid))  # fmt: skip


def with_head(docs, name, **fields):
    """`docs` with fields of one document's head changed."""
    message = getattr(docs, name)
    return replace(docs, **{name: replace(message, head=replace(message.head, **fields))})


def _head(name, **fields):
    return lambda: with_head(documents(), name, **fields)


def _payer(**fields):
    return lambda: documents(payment=replace(source().payment, **fields))


def _fewer_goods():
    docs = documents()
    return replace(docs, inventory=replace(docs.inventory, items=docs.inventory.items[:1]))


def _unknown_origin():
    first, second = source().lines
    return documents(lines=(replace(first, origin="ZZ"), second))


OTHER_ID = "360426199101010071"  # valid, someone else's
# each inconsistency: how to make it, the document whose receipt answers it, the code
INCONSISTENT = {
    "buyer not verified": (lambda: documents(buyer_name="", buyer_id_number=""), "CEB311",
                           checks.BUYER_NOT_VERIFIED),
    "invalid ID number": (lambda: documents(buyer_id_number="360426199101010072"), "CEB311",
                          checks.BUYER_NOT_VERIFIED),
    "consignee missing": (lambda: documents(consignee_phone=""), "CEB311",
                          checks.CONSIGNEE_MISSING),
    "lines do not add up": (_head("order", goods_value=D("600.00")), "CEB311",
                            checks.LINES_TOTAL_MISMATCH),
    "paid differs from the sum by over 5%": (_head("order", actural_paid=D("700.00")), "CEB311",
                                             checks.AMOUNTS_INCONSISTENT),
    "over the order limit": (lambda: documents(
        lines=(replace(source().lines[0], quantity=2, unit_price=D(2600), line_total=D(5200)),),
        goods=D(5200), paid_total=D(5200) + D("78.00") + D("54.60"),
        payment=replace(source().payment, amount=D(5200) + D("78.00") + D("54.60"))),
        "CEB311", checks.ORDER_LIMIT),
    "payer is someone else": (_payer(payer_id_number=OTHER_ID), "CEB621", checks.PAYER_MISMATCH),
    "payer unknown to the wallet": (_payer(payer_id_number=""), "CEB621", checks.PAYER_MISMATCH),
    "payer's name differs": (_payer(payer_name="李雷"), "CEB621", checks.PAYER_MISMATCH),
    "paid amount differs": (_head("payment", amount_paid=D("600.00")), "CEB621",
                            checks.PAID_AMOUNT_MISMATCH),
    "order number differs": (_head("waybill", order_no="EP000"), "CEB621",
                             checks.ORDER_NO_MISMATCH),
    "consignee differs": (_head("waybill", consignee="李雷"), "CEB621",
                          checks.CONSIGNEE_MISMATCH),
    "waybill differs": (_head("inventory", logistics_no="SIM999"), "CEB621",
                        checks.WAYBILL_MISMATCH),
    "freight differs": (_head("waybill", freight=D("10.00")), "CEB621", checks.FREIGHT_MISMATCH),
    "another buyer on the list": (_head("inventory", buyer_name="李雷"), "CEB621",
                                  checks.BUYER_MISMATCH),
    "goods differ": (_fewer_goods, "CEB621", checks.ITEMS_MISMATCH),
    "gross below net": (_head("inventory", gross_weight=D("0.1")), "CEB621",
                        checks.WEIGHT_INVALID),
    "no payment record": (lambda: replace(documents(), payment=None), "CEB621",
                          checks.MISSING_PAYMENT),
    "no waybill": (lambda: replace(documents(), waybill=None), "CEB621", checks.MISSING_WAYBILL),
    "origin without a customs code": (_unknown_origin, "CEB311", checks.UNKNOWN_COUNTRY),
}  # fmt: skip
# cases whose documents break the schema: the port refuses their upload outright
SCHEMA_BREAKING = {"buyer not verified", "consignee missing", "origin without a customs code",
                   "payer unknown to the wallet"}
