"""Reads of buyer accounts for the login backend, the account pages and the checkout."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.db.models import Q

from entrepot.buyers.models import Buyer, BuyerAddress, BuyerIdentity
from entrepot.domain.china_mobile import InvalidMobile, normalize_mobile
from entrepot.orders.models import Order


def user_for_login(identifier: str) -> AbstractBaseUser | None:
    """The account that `identifier` names: a buyer's mobile number (any spelling), an
    e-mail address (any case: they are stored in lower case) or a username; else None.

    Each lookup is an exact match on an indexed column, so that logins (failed ones too)
    cost an index probe, not a scan of the users table.
    """
    User = get_user_model()
    text = identifier.strip()
    try:
        phone = normalize_mobile(text)
    except InvalidMobile:
        phone = ""
    if phone:
        return User.objects.filter(buyer__phone=phone).first() or (
            User.objects.filter(username=phone).first()
        )
    if "@" in text:
        # buyers', sellers' and the operator's usernames are their e-mail addresses
        found = User.objects.filter(username=text.lower()).first()
        if found is not None or text == text.lower():
            return found
    return User.objects.filter(username=text).first()


def login_taken(*, phone: str = "", email: str = "") -> bool:
    """True when an account already logs in with this mobile number or e-mail address."""
    User = get_user_model()
    if phone:
        return (
            Buyer.objects.filter(phone=phone).exists()
            or User.objects.filter(username=phone).exists()
        )
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


def address_book(buyer: Buyer) -> list[BuyerAddress]:
    """The buyer's addresses, the default first, then the most recently changed."""
    return list(BuyerAddress.objects.filter(buyer=buyer))


DELIVERY_FIELDS = ("id", "recipient", "phone", "province", "city", "district", "street")
# the book's order (BuyerAddress.Meta.ordering): the default first, then the newest change
_DELIVERY = (
    f"SELECT {', '.join(DELIVERY_FIELDS)} FROM {BuyerAddress._meta.db_table}"
    " WHERE buyer_id = %s{only} ORDER BY is_default DESC, updated_at DESC, id DESC LIMIT 1"
)


def delivery_address(buyer: Buyer, pk: int | None = None) -> BuyerAddress | None:
    """Where an order goes: the buyer's address `pk`, or without one their default (the
    book's first); None when there is none. Only what the parcel needs is read, with a
    plain query: it is on every checkout's path (the other fields load if touched)."""
    sql = _DELIVERY.format(only="" if pk is None else " AND id = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [buyer.pk] if pk is None else [buyer.pk, pk])
        row = cursor.fetchone()
    return None if row is None else BuyerAddress.from_db(connection.alias, DELIVERY_FIELDS, row)


def address_of(buyer: Buyer, pk: int) -> BuyerAddress | None:
    """One address of this buyer's; None for another buyer's (the caller answers 404)."""
    return BuyerAddress.objects.filter(buyer=buyer, pk=pk).first()


@dataclass(frozen=True)
class AccountSummary:
    identity: BuyerIdentity | None
    default_address: BuyerAddress | None
    address_count: int
    order_count: int


def account_summary(buyer: Buyer) -> AccountSummary:
    """What the account page shows: four small queries, however much the buyer has."""
    book = BuyerAddress.objects.filter(buyer=buyer)
    return AccountSummary(
        identity=BuyerIdentity.objects.filter(buyer=buyer)
        .only("id", "buyer_id", "name", "id_number_masked", "verified_at")
        .first(),
        default_address=book.filter(is_default=True).first(),
        address_count=book.count(),
        order_count=Order.objects.filter(buyer=buyer).count(),
    )
