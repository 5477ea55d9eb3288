"""Wallet gateways: the interface every wallet adapter implements, and the SANDBOX one.

Real wallets cannot be reached from here, so the only working gateway is
SandboxGateway: a stand-in wallet that runs inside this app. Its hosted page
(/payments/sandbox/<token>/, views.sandbox_page) lets the payer press Pay or Cancel;
no real money moves. What it then tells the shop travels like a real wallet's word:
JSON notifications signed with HMAC-SHA256, posted by the worker to the shop's own
notification URL (/payments/notify/sandbox/) and retried with exponential back-off
until the shop answers 200 (services.sandbox_notification_deliver). The adapter for a
real wallet starts in adapters/alipay_global.py, a skeleton.

A sandbox notification body, compact JSON in UTF-8::

    {"amount": "128.50", "currency": "CNY", "occurred_at": "2026-11-02T08:15:00+00:00",
     "payment": "<Payment.token>", "sequence": 2, "status": "succeeded",
     "transaction_id": "SBX..."}

with the header ``X-Sandbox-Signature: <hex HMAC-SHA256 of the raw body>``. `sequence`
numbers the wallet's events of one payment (1 pending, 2 succeeded; 1 cancelled), so
the receiver can tell a late older event from a new one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils.module_loading import import_string

from entrepot.domain.exceptions import MoneyError
from entrepot.domain.money import Money
from entrepot.payments.exceptions import (
    InvalidSignature,
    MalformedNotification,
    PaymentError,
    PaymentRefused,
)

if TYPE_CHECKING:
    from entrepot.payments.models import Payment

SIGNATURE_HEADER = "X-Sandbox-Signature"
SECRET_FILE = "payment_sandbox_secret"
# statuses a wallet event may announce; refunds are answered synchronously instead
EVENT_STATUSES = ("pending", "succeeded", "failed", "cancelled")
# sandbox retries: 2 s, 4 s, 8 s ... at most 10 minutes apart
RETRY_BASE_SECONDS = 2
RETRY_MAX_SECONDS = 600

# posts `body` with `headers` to `url` and answers the HTTP status (0: no answer at all)
Transport = Callable[[str, bytes, Mapping[str, str]], int]


@dataclass(frozen=True)
class Notification:
    """What a wallet said about one payment, once its signature has been checked."""

    payment_token: uuid.UUID
    sequence: int
    status: str
    amount: Money
    transaction_id: str
    occurred_at: datetime


@runtime_checkable
class PaymentGateway(Protocol):
    """What the payments services need from a wallet. Adapters raise PaymentError
    subclasses with a message a person can act on."""

    name: str

    def create_payment(self, payment: Payment) -> str:
        """Register `payment` with the wallet; answer where the payer pays: the URL of
        the wallet's page, or a QR payload to show the payer."""
        ...

    def verify_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        """Check the signature of a notification FIRST, then read it. Raises
        InvalidSignature or MalformedNotification."""
        ...

    def query(self, payment: Payment) -> str:
        """The payment's status as the wallet sees it (a Payment.Status value)."""
        ...

    def refund(self, payment: Payment, amount: Money) -> str:
        """Refund `amount` of a paid payment; answer the wallet's refund id."""
        ...


def sandbox_secret(directory: Path) -> str:
    """The sandbox signing key generated once into `directory` (mode 0600).

    Written to a temporary file and linked into place, so a web process and a worker
    starting together agree on one key and never read a half-written one.
    """
    path = directory / SECRET_FILE
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    temporary = directory / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process was first: use its key
    finally:
        temporary.unlink()
    return path.read_text().strip()


def sign(secret: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of the raw body."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def retry_delay(attempt: int) -> int:
    """Seconds to wait after failed attempt number `attempt` (1, 2, ...): doubling."""
    return min(RETRY_BASE_SECONDS * 2 ** (attempt - 1), RETRY_MAX_SECONDS)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirected POST would be replayed as GET: count it as not acknowledged."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def urllib_transport(url: str, body: bytes, headers: Mapping[str, str]) -> int:
    """POST over HTTP(S) with urllib; answers the status, 0 when nothing answered."""
    request = urllib.request.Request(
        url,
        data=body,
        headers={**headers, "User-Agent": "entrepot-sandbox-wallet/1"},
        method="POST",
    )
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=10) as response:
            response.read(1024)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return 0


def sandbox_transport() -> Transport:
    """How the sandbox sends: HTTP, unless ENTREPOT_PAYMENT_SANDBOX_TRANSPORT names a
    callable (tests deliver through Django's test client)."""
    dotted = getattr(settings, "ENTREPOT_PAYMENT_SANDBOX_TRANSPORT", "")
    return import_string(dotted) if dotted else urllib_transport


class SandboxGateway:
    """The SANDBOX wallet. No real money moves; see the module docstring."""

    name = "sandbox"

    def __init__(self, secret: str) -> None:
        if not secret:
            raise PaymentError("the sandbox wallet needs a signing secret")
        self._secret = secret

    # --- the PaymentGateway interface ---------------------------------------------

    def create_payment(self, payment: Payment) -> str:
        from entrepot.payments.models import SandboxCharge

        # called once, by payment_create, right after the payment's insert
        SandboxCharge.objects.create(payment=payment)
        return self.payer_url_of(payment)

    def payer_url_of(self, payment: Payment) -> str:
        """The wallet's page for `payment`, known before it is registered (optional in
        the interface: payment_create stores it with the payment's insert)."""
        return reverse("payments:sandbox_page", args=[payment.token])

    def verify_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        given = _header(headers, SIGNATURE_HEADER)
        if not given:
            raise InvalidSignature(f"the notification has no {SIGNATURE_HEADER} header")
        expected = sign(self._secret, body)
        if not hmac.compare_digest(expected.encode("ascii"), given.strip().encode("utf-8")):
            raise InvalidSignature(f"the {SIGNATURE_HEADER} header does not match the body")
        return parse_notification(body)

    def query(self, payment: Payment) -> str:
        from entrepot.payments.models import Payment, SandboxCharge

        charge = SandboxCharge.objects.filter(payment=payment).first()
        if charge is None:
            raise PaymentError(f"the sandbox wallet has no payment {payment.token}")
        if charge.status == SandboxCharge.Status.AWAITING:
            return Payment.Status.CREATED
        if charge.status == SandboxCharge.Status.CANCELLED:
            return Payment.Status.CANCELLED
        if charge.refunded_amount >= payment.amount:
            return Payment.Status.REFUNDED
        return Payment.Status.SUCCEEDED

    def refund(self, payment: Payment, amount: Money) -> str:
        from entrepot.payments.models import SandboxCharge

        # conditional update: two refunds at once cannot together exceed what was paid
        refunded = SandboxCharge.objects.filter(
            payment=payment,
            status=SandboxCharge.Status.PAID,
            refunded_amount__lte=payment.amount - amount.amount,
        ).update(refunded_amount=F("refunded_amount") + amount.amount)
        if not refunded:
            raise PaymentRefused(
                f"the sandbox wallet refuses to refund {amount} of payment {payment.token}: "
                "it is not paid, or the refunds would exceed what was paid"
            )
        return f"SBR{uuid.uuid4().hex[:24].upper()}"

    # --- what only the sandbox does: speak as the wallet ----------------------------

    def event_body(
        self, payment: Payment, *, sequence: int, status: str, transaction_id: str,
        occurred_at: datetime,
    ) -> bytes:  # fmt: skip
        """The JSON of one wallet event about `payment`."""
        event = {
            "amount": str(payment.money.rounded().amount),
            "currency": payment.currency,
            "occurred_at": occurred_at.isoformat(),
            "payment": str(payment.token),
            "sequence": sequence,
            "status": status,
            "transaction_id": transaction_id,
        }
        return json.dumps(event, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def signed_headers(self, body: bytes) -> dict[str, str]:
        return {"Content-Type": "application/json", SIGNATURE_HEADER: sign(self._secret, body)}


def _header(headers: Mapping[str, str], name: str) -> str:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return ""


def parse_notification(body: bytes) -> Notification:
    """Read a sandbox notification body (see the module docstring)."""
    try:
        data = json.loads(body.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedNotification(f"the body is not JSON in UTF-8: {exc}") from None
    if not isinstance(data, dict):
        raise MalformedNotification("the body is not a JSON object")
    try:
        token = uuid.UUID(_field(data, "payment", str))
    except ValueError:
        raise MalformedNotification('"payment" is not a payment id (a UUID)') from None
    sequence = data.get("sequence")
    if type(sequence) is not int or sequence < 1:
        raise MalformedNotification('"sequence" must be a whole number from 1')
    status = _field(data, "status", str)
    if status not in EVENT_STATUSES:
        raise MalformedNotification(
            f'"status" {status!r} is not one of {", ".join(EVENT_STATUSES)}'
        )
    try:
        amount = Money(_field(data, "amount", str), _field(data, "currency", str))
    except MoneyError as exc:
        raise MalformedNotification(f'"amount" or "currency" is not money: {exc}') from None
    try:
        occurred_at = datetime.fromisoformat(_field(data, "occurred_at", str))
    except ValueError:
        raise MalformedNotification('"occurred_at" is not an ISO 8601 time') from None
    if occurred_at.tzinfo is None:
        raise MalformedNotification('"occurred_at" has no time zone')
    transaction_id = data.get("transaction_id", "")
    if not isinstance(transaction_id, str) or len(transaction_id) > 64:
        raise MalformedNotification('"transaction_id" must be text of at most 64 characters')
    return Notification(token, sequence, status, amount, transaction_id, occurred_at)


def _field(data: dict, name: str, kind: type) -> str:
    value = data.get(name)
    if not isinstance(value, kind):
        raise MalformedNotification(f'"{name}" is missing or not {kind.__name__}')
    return value


def sandbox_gateway() -> SandboxGateway:
    """The sandbox wallet, signing with ENTREPOT_PAYMENT_SANDBOX_SECRET or, when that is
    empty, with the key generated into DATA_DIR."""
    secret = getattr(settings, "ENTREPOT_PAYMENT_SANDBOX_SECRET", "") or sandbox_secret(
        Path(settings.DATA_DIR)
    )
    return SandboxGateway(secret)


# the wallets a Payment.gateway may name; a real adapter joins once it works end to end
GATEWAYS: dict[str, Callable[[], PaymentGateway]] = {"sandbox": sandbox_gateway}


def gateway_for(name: str) -> PaymentGateway:
    try:
        return GATEWAYS[name]()
    except KeyError:
        raise PaymentError(
            f"no payment gateway is called {name!r}: use one of {', '.join(GATEWAYS)}"
        ) from None
