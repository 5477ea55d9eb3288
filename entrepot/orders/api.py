"""The buyer's checkout in the API: what a shop app or a mini-program calls instead of the
storefront's pages. The same services as the pages: the quote is locked, the limits
checked, the stock reserved and one order placed per seller, under one payment.

- `POST /api/v1/checkout` (a signed-in buyer: the session cookie, and the `csrftoken`
  cookie's value in the header `X-CSRFToken`): the lines (variant ids and quantities)
  and where to deliver. 201 with the checkout: its orders, the locked total, when the
  quote expires and the wallet's payment page (`payment.pay_url`) where the buyer pays.
  Delivery: a buyer in China names one of their saved addresses (`address_id`), or their
  default address is used; a buyer elsewhere gives `consignee` (name, phone, address).
- `GET /api/v1/checkout/{checkout_id}`: the same, with the orders' states now (an app
  polls it after the wallet). Another buyer's checkout is 404, as one that does not exist.

Refusals: 401 not signed in; 403 `NOT_A_BUYER`; 403 `IDENTITY_REQUIRED` (a buyer in China
verifies their real name once, at /account/identity/); 422 `INVALID_INPUT` (the shape),
`ADDRESS_REQUIRED`, or the checkout's own codes (`OUT_OF_STOCK`, the CBEC limits, ...)
with what was wrong; 429 too many checkouts. A refusal places nothing and takes no stock.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from entrepot.buyers.models import Buyer, BuyerIdentity
from entrepot.buyers.selectors import delivery_address
from entrepot.catalog.api import MoneyOut
from entrepot.config import ratelimit
from entrepot.config.api_shapes import ProblemOut, Strict, problem
from entrepot.domain.money import Money
from entrepot.orders.checkout import Address, CartLine, CheckoutRefused, checkout_place
from entrepot.orders.models import Checkout, Order
from entrepot.orders.payment_flow import checkout_pay, checkout_reference
from entrepot.payments.models import Payment

router = Router(tags=["checkout"])

MAX_LINES = 50
MAX_QUANTITY = 999


class LineIn(Strict):
    variant: int = Field(ge=1, le=2**62, description="the id of the variant bought")
    quantity: int = Field(ge=1, le=MAX_QUANTITY, strict=True)


class ConsigneeIn(Strict):
    name: str = Field(min_length=1, max_length=60)
    phone: str = Field(min_length=5, max_length=20, pattern=r"^\+?[0-9 ()-]{5,20}$")
    address: str = Field(min_length=8, max_length=300, description="as written at home")


class CheckoutIn(Strict):
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    address_id: int | None = Field(
        None, ge=1, le=2**62, description="one of the buyer's saved addresses (buyers in China)"
    )
    consignee: ConsigneeIn | None = Field(None, description="buyers outside China")


class OrderOut(Schema):
    number: str
    seller: str
    status: str
    goods: MoneyOut
    shipping: MoneyOut
    tax: MoneyOut = Field(description="import taxes and duties, withheld for customs")
    total: MoneyOut


class PaymentOut(Schema):
    id: int
    status: str
    pay_url: str


class CheckoutOut(Schema):
    id: int
    total: MoneyOut = Field(description="what the buyer pays: every order's total")
    expires_at: datetime
    consignee: str
    orders: list[OrderOut]
    payment: PaymentOut | None


_BUYER = (
    f"SELECT b.id, b.display_name, b.country, i.id, i.name, i.id_number_fingerprint"
    f" FROM {Buyer._meta.db_table} b LEFT JOIN {BuyerIdentity._meta.db_table} i"
    " ON i.buyer_id = b.id WHERE b.user_id = %s"
)


def _buyer(request: HttpRequest) -> Buyer | None:
    """The signed-in buyer with their verified identity, if any, in one plain query (this
    is on every checkout's path): only what checkout and the payment read is loaded; any
    other field loads if touched."""
    with connection.cursor() as cursor:
        cursor.execute(_BUYER, [request.user.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    buyer_id, display_name, country, identity_id, name, fingerprint = row
    buyer = Buyer.from_db(
        connection.alias, ["id", "user_id", "display_name", "country"],
        [buyer_id, request.user.pk, display_name, country],
    )  # fmt: skip
    buyer.user = request.user
    identity = None
    if identity_id is not None:
        identity = BuyerIdentity.from_db(
            connection.alias, ["id", "buyer_id", "name", "id_number_fingerprint"],
            [identity_id, buyer_id, name, fingerprint],
        )  # fmt: skip
    # what select_related would have cached, a missing identity included
    Buyer.identity.related.set_cached_value(buyer, identity)
    return buyer


def _money(value, currency: str) -> MoneyOut:
    """{"amount": "416.08", "currency": "CNY"}: rounded to the currency's minor unit."""
    return MoneyOut.of(Money(value, currency))


def _out(checkout: Checkout, orders: list[Order], payment: Payment | None) -> dict:
    return {
        "id": checkout.pk,
        "total": _money(checkout.total_amount, checkout.currency),
        "expires_at": checkout.expires_at,
        "consignee": checkout.consignee_name,
        "orders": [
            {
                "number": o.number,
                "seller": o.seller.business_name,
                "status": o.status,
                "goods": _money(o.goods_amount, o.currency),
                "shipping": _money(o.shipping_amount, o.currency),
                "tax": _money(o.tax_amount, o.currency),
                "total": _money(o.total_amount, o.currency),
            }
            for o in orders
        ],
        "payment": None
        if payment is None
        else {"id": payment.pk, "status": payment.status, "pay_url": payment.payer_url},
    }


def _delivery(buyer: Buyer, body: CheckoutIn) -> Address | Status:
    """The consignee of the orders, or the refusal to answer."""
    if buyer.country != "CN":
        if body.consignee is None:
            message = _("Give the consignee: name, phone and the whole address as at home.")
            return problem(422, "ADDRESS_REQUIRED", "consignee", message)
        c = body.consignee
        return Address(name=c.name.strip(), phone=c.phone.strip(), address=c.address.strip())
    if body.consignee is not None:
        return problem(422, "INVALID_INPUT", "consignee", _(
            "Buyers in China deliver to an address of their address book: send address_id "
            "(or nothing, for the default address), not consignee."))  # fmt: skip
    saved = delivery_address(buyer, body.address_id)
    if saved is None and body.address_id is not None:
        message = _("No saved address #%(id)s in your address book.") % {"id": body.address_id}
        return problem(422, "ADDRESS_REQUIRED", "address_id", message)
    if saved is None:
        message = _(
            "Your address book is empty: add a delivery address at /account/addresses/ first."
        )
        return problem(422, "ADDRESS_REQUIRED", "address_id", message)
    return Address(name=saved.recipient, phone=saved.phone, address=saved.address_line)


@router.post(
    "/checkout",
    auth=django_auth,
    response={201: CheckoutOut, 403: ProblemOut, 422: ProblemOut},
    summary="Check out: place the orders and get the wallet's payment page",
)
def checkout_create(request: HttpRequest, body: CheckoutIn):
    buyer = _buyer(request)
    if buyer is None:
        return problem(403, "NOT_A_BUYER", None, _("This account has no buyer profile."))
    ratelimit.check(request, "checkout", account=f"user:{request.user.pk}")
    if buyer.country == "CN" and not hasattr(buyer, "identity"):
        message = _("China's customs need your real name first (once): verify it at %(url)s.")
        return problem(403, "IDENTITY_REQUIRED", None, message % {"url": "/account/identity/"})
    address = _delivery(buyer, body)
    if isinstance(address, Status):
        return address
    lines = [CartLine(line.variant, line.quantity) for line in body.lines]
    try:
        checkout = checkout_place(
            buyer=buyer, lines=lines, actor=request.user.get_username(), address=address
        )
    except CheckoutRefused as refused:
        errors = [{"code": e.code, "field": e.field, "message": e.message} for e in refused.errors]
        return Status(422, {"detail": str(refused), "errors": errors})
    checkout.buyer = buyer  # with the identity already read
    payment = checkout_pay(checkout)
    return Status(201, _out(checkout, checkout.placed_orders, payment))


@router.get(
    "/checkout/{checkout_id}",
    auth=django_auth,
    response={200: CheckoutOut, 403: ProblemOut},
    summary="One of your checkouts, with its orders' states now",
)
def checkout_detail(request: HttpRequest, checkout_id: int):
    buyer = _buyer(request)
    if buyer is None:
        return problem(403, "NOT_A_BUYER", None, _("This account has no buyer profile."))
    checkout = get_object_or_404(Checkout, pk=checkout_id, buyer=buyer)
    orders = list(checkout.orders.select_related("seller").order_by("id"))
    payment = Payment.objects.filter(reference=checkout_reference(checkout)).order_by("-id").first()
    return _out(checkout, orders, payment)
