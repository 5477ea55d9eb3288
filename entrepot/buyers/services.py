"""Writes of buyer accounts: sign-up, the address book, and real-name identities.

Services assume valid input (the forms check it) and keep the few rules a form cannot:
unique logins under concurrent sign-ups, one default address per buyer.

For China Customs' cross-border checks, the resident ID number is sensitive personal
information (PIPL Art. 28): it is taken only with a separate consent for a stated purpose
(Art. 29), stored encrypted with a blind-index fingerprint and a masked copy (Art. 51),
and never logged or shown.
"""

from __future__ import annotations

import hmac
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from entrepot.buyers import vault
from entrepot.buyers.models import Buyer, BuyerAddress, BuyerIdentity
from entrepot.domain.china_divisions import Division
from entrepot.domain.resident_id import (
    InvalidResidentId,
    mask_resident_id,
    validate_resident_id,
)

logger = logging.getLogger(__name__)

CONSENT_PURPOSE = (
    "China Customs real-name verification for cross-border e-commerce imports "
    "(GACC Announcement 2018 No. 194 / PIPL Art. 28-29)"
)
CONSENT_TEXT_VERSION = "2026-01"
NAME_MIN, NAME_MAX = 2, 30
ROTATE_BATCH = 500
MAX_ADDRESSES = 20

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_NAME = re.compile(rf"[{_CJK}{_LATIN}]+(?:[ ·][{_CJK}{_LATIN}]+)*")
# the middle dot of minority and foreign names, as the usual keyboards type it
_DOTS = str.maketrans({"\u30fb": "·", "\u2022": "·", "\u2027": "·", "\u2219": "·"})
_SPACE_BY_CJK = re.compile(rf"\s+(?=[{_CJK}·])|(?<=[{_CJK}·])\s+")


class IdentityRefused(ValueError):
    """Verification refused; the (translated) message says why and what is allowed.

    `field` names the input at fault: "consent", "name" or "id_number".
    """

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class SignUpRefused(ValueError):
    """The login is taken (found only now, by the database: a concurrent sign-up won)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class AddressBookFull(ValueError):
    """The buyer has MAX_ADDRESSES addresses already."""


@dataclass(frozen=True)
class AddressFields:
    """A checked address: the division from china_divisions, the phone normalized."""

    recipient: str
    phone: str
    division: Division
    street: str
    postcode: str = ""


@sensitive_variables("password")
def buyer_sign_up(
    *, phone: str = "", email: str = "", password: str, display_name: str, country: str = "CN"
) -> Buyer:
    """Create the login and the buyer profile for a checked mobile number or e-mail address.

    The username is the login itself (e-mail addresses in lower case, as sellers'), so the
    unique username decides between two sign-ups racing for the same login.
    """
    email = email.strip().lower()
    login = phone or email
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=login, email=email, password=password
            )
            buyer = Buyer.objects.create(
                user=user, display_name=display_name.strip(), country=country, phone=phone
            )
    except IntegrityError:
        raise SignUpRefused(_taken_message(phone=phone), field="login") from None
    logger.info("buyer %s signed up with %s", buyer.pk, "phone" if phone else "email")
    return buyer


def _taken_message(*, phone: str) -> str:
    if phone:
        return _("An account with this mobile number exists: log in instead.")
    return _("An account with this e-mail address exists: log in instead.")


@transaction.atomic
def address_add(*, buyer: Buyer, fields: AddressFields, make_default: bool = False) -> BuyerAddress:
    """Add an address to the book; the first one becomes the default."""
    _lock(buyer)
    count = BuyerAddress.objects.filter(buyer=buyer).count()
    if count >= MAX_ADDRESSES:
        raise AddressBookFull(
            _("Your address book is full: at most %(max)d addresses. Delete one first.")
            % {"max": MAX_ADDRESSES}
        )
    address = BuyerAddress(buyer=buyer)
    _assign(address, fields)
    if make_default or count == 0:
        BuyerAddress.objects.filter(buyer=buyer, is_default=True).update(is_default=False)
        address.is_default = True
    address.save()
    return address


@transaction.atomic
def address_update(
    *, address: BuyerAddress, fields: AddressFields, make_default: bool = False
) -> BuyerAddress:
    _lock(address.buyer)
    _assign(address, fields)
    if make_default and not address.is_default:
        BuyerAddress.objects.filter(buyer_id=address.buyer_id, is_default=True).update(
            is_default=False
        )
        address.is_default = True
    address.save()
    return address


@transaction.atomic
def address_set_default(*, address: BuyerAddress) -> BuyerAddress:
    _lock(address.buyer)
    BuyerAddress.objects.filter(buyer_id=address.buyer_id, is_default=True).exclude(
        pk=address.pk
    ).update(is_default=False)
    address.is_default = True
    address.save(update_fields=["is_default"])
    return address


@transaction.atomic
def address_delete(*, address: BuyerAddress) -> None:
    """Delete an address; when it was the default, the most recently changed one takes over."""
    _lock(address.buyer)
    was_default = address.is_default
    buyer_id = address.buyer_id
    address.delete()
    if was_default:
        heir = BuyerAddress.objects.filter(buyer_id=buyer_id).order_by("-updated_at", "-id")
        pk = heir.values_list("pk", flat=True).first()
        if pk is not None:
            BuyerAddress.objects.filter(pk=pk).update(is_default=True)


def address_remember(*, buyer: Buyer, fields: AddressFields) -> BuyerAddress | None:
    """Keep an address typed at checkout in the book, unless it is there already or the
    book is full (the order goes ahead either way); the saved or found address."""
    division = fields.division
    same = BuyerAddress.objects.filter(
        buyer=buyer, recipient=fields.recipient, phone=fields.phone,
        province=division.province, city=division.city, district=division.district,
        street=fields.street,
    ).first()  # fmt: skip
    if same is not None:
        return same
    try:
        return address_add(buyer=buyer, fields=fields)
    except AddressBookFull:
        return None


def _lock(buyer: Buyer) -> None:
    """Serialise address-book writes of one buyer (one default, the size limit)."""
    list(Buyer.objects.select_for_update().filter(pk=buyer.pk).values_list("pk", flat=True))


def _assign(address: BuyerAddress, fields: AddressFields) -> None:
    address.recipient = fields.recipient.strip()
    address.phone = fields.phone
    address.province = fields.division.province
    address.city = fields.division.city
    address.district = fields.division.district
    address.street = fields.street.strip()
    address.postcode = fields.postcode.strip()


@sensitive_variables("id_number", "resident")  # kept out of error reports
@transaction.atomic
def identity_verify(
    *, buyer: Buyer, name: str, id_number: str, consent: bool, today: date
) -> BuyerIdentity:
    """Record the buyer's real name and ID number; a new verification replaces the old."""
    if not consent:
        raise IdentityRefused(
            _(
                "Consent to process your ID number for customs clearance is required: tick "
                "the box to agree. Without it, China Customs cannot clear your orders."
            ),
            field="consent",
        )
    real_name = real_name_check(name)
    try:
        resident = validate_resident_id(id_number, today=today)
    except InvalidResidentId as error:
        raise IdentityRefused(resident_id_message(error), field="id_number") from None
    now = timezone.now()
    identity, _created = BuyerIdentity.objects.update_or_create(
        buyer=buyer,
        defaults={
            "name": real_name,
            "id_number_encrypted": vault.encrypt(resident.number),
            "id_number_fingerprint": vault.fingerprint(resident.number),
            "id_number_masked": mask_resident_id(resident.number),
            "birth_date": resident.birth_date,
            "verified_at": now,
            "consent_purpose": CONSENT_PURPOSE,
            "consent_text_version": CONSENT_TEXT_VERSION,
            "consent_at": now,
            "key_version": vault.current_key_id(),
        },
    )
    logger.info("buyer %s verified as %s", buyer.pk, identity.id_number_masked)
    return identity


def identity_rotate_keys() -> int:
    """Re-encrypt every stored ID number under the newest key; the number of rows.

    Batches of ROTATE_BATCH rows, each in its own transaction with the rows locked, so a
    buyer verifying meanwhile is never overwritten with the old number, and a stop half-way
    leaves every row readable (each is under a key still in the list).
    """
    newest = vault.current_key_id()
    done, last_pk = 0, 0
    while True:
        batch = _rotate_batch(after_pk=last_pk, key_id=newest)
        if not batch:
            return done
        done += batch[0]
        last_pk = batch[1]


@transaction.atomic
def _rotate_batch(*, after_pk: int, key_id: str) -> tuple[int, int] | None:
    rows = list(
        BuyerIdentity.objects.select_for_update()
        .filter(pk__gt=after_pk)
        .order_by("pk")
        .only("pk", "id_number_encrypted", "key_version")[:ROTATE_BATCH]
    )
    if not rows:
        return None
    for row in rows:
        row.id_number_encrypted = vault.rotate(row.id_number_encrypted)
        row.key_version = key_id
    BuyerIdentity.objects.bulk_update(rows, ["id_number_encrypted", "key_version"])
    return len(rows), rows[-1].pk


@sensitive_variables("payer_id_number")
def payer_matches(identity: BuyerIdentity, *, payer_name: str, payer_id_number: str) -> bool:
    """True when the payer is the verified buyer: same ID number and same real name."""
    same_number = hmac.compare_digest(
        vault.fingerprint(payer_id_number), identity.id_number_fingerprint
    )
    return same_number and _name_key(payer_name) == _name_key(identity.name)


def real_name_check(value: str) -> str:
    """The real name as on the ID card, normalized; IdentityRefused if it cannot be one."""
    name = normalize_real_name(value)
    if not (NAME_MIN <= len(name) <= NAME_MAX and _NAME.fullmatch(name)):
        raise IdentityRefused(
            _(
                "Enter your real name as on your ID card: %(min)d to %(max)d Chinese "
                "characters or Latin letters, with the middle dot · or spaces between parts."
            )
            % {"min": NAME_MIN, "max": NAME_MAX},
            field="name",
        )
    return name


def normalize_real_name(value: str) -> str:
    """Full-width letters folded, one kind of middle dot, no spaces beside Chinese."""
    name = unicodedata.normalize("NFKC", value).translate(_DOTS)
    name = _SPACE_BY_CJK.sub("", name.strip())
    return " ".join(name.split())


def _name_key(value: str) -> str:
    return normalize_real_name(value).casefold()


def resident_id_message(error: InvalidResidentId) -> str:
    """The translated sentence for a refused ID number (it never repeats the number)."""
    if error.code == "check_digit":
        return (
            _(
                "The check digit of the ID number should be %(expected)s, not %(given)s: a digit "
                "is probably mistyped."
            )
            % error.params
        )
    if error.code == "birth_date":
        return _("Digits 7 to 14 of the ID number must be a real birth date (YYYYMMDD).")
    if error.code == "birth_date_future":
        return (
            _(
                "The birth date in the ID number (digits 7 to 14) lies in the future: it must be "
                "%(latest)s or earlier."
            )
            % error.params
        )
    if error.code == "birth_date_too_old":
        return (
            _(
                "The birth date in the ID number (digits 7 to 14) is more than 130 years ago: it "
                "must be %(earliest)s or later."
            )
            % error.params
        )
    return _("The ID number must be 18 characters: 17 digits and a check digit 0-9 or X.")
