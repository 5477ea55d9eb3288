"""SKELETON of an adapter for a real cross-border wallet (Alipay+ / Alipay Global).

It does NOTHING yet: every method raises NotImplementedError, and it is not in
gateway.GATEWAYS, so no Payment can name it. It has not been run against any wallet;
it only lists what a real integration needs before it can replace the sandbox.

What a real integration needs:

- A merchant account with the wallet: the merchant id (partner / client id) and the
  contract for cross-border e-commerce, including the customs declaration service if
  payments are pushed to China customs (payer name and id must match the order).
- RSA keys (RSA2, SHA256withRSA): our private key to sign requests, kept outside the
  repository (environment or a secrets store), and the wallet's public key to verify
  what it sends. Both rotate; the adapter must accept the old and the new key for a time.
- Notification verification: the wallet posts asynchronous notifications to our
  notify URL; verify the RSA signature over the parameters exactly as the wallet
  documents them, BEFORE reading anything, then check the amount and currency against
  the payment and answer the literal acknowledgement the wallet expects; anything
  else makes it retry. verify_notification must return a gateway.Notification, with
  a sequence derived from the wallet's event time or state so that
  services.notification_receive can tell late older events.
- The settlement currency: the payer pays in CNY; the merchant is settled in the
  currency of the contract (e.g. EUR or USD) at the wallet's rate of the day. Refunds
  are made in CNY and may settle at a different rate: the ledger must record both.
- Endpoints: the wallet's production and sandbox gateway URLs (create/precreate for a
  page or a QR code, query, refund, close), each with its timeout and idempotency key
  (our Payment.token and PaymentRefund id as the merchant's request numbers).
- Operations: an allow-list of the wallet's notification source addresses if it
  publishes one, a reconciliation job that queries payments stuck in "pending", and
  the settlement files the wallet provides for accounting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from entrepot.domain.money import Money
from entrepot.payments.gateway import Notification

if TYPE_CHECKING:
    from entrepot.payments.models import Payment

_NOT_YET = (
    "the Alipay Global adapter is a skeleton: it needs a merchant account, RSA keys and "
    "the wallet's endpoints (see entrepot/payments/adapters/alipay_global.py); "
    "use the sandbox wallet until then"
)


class AlipayGlobalGateway:
    """Implements gateway.PaymentGateway in name only: every method raises."""

    name = "alipay_global"

    def __init__(
        self, *, merchant_id: str = "", private_key_pem: str = "",
        wallet_public_key_pem: str = "", endpoint: str = "", settlement_currency: str = "",
    ) -> None:  # fmt: skip
        self.merchant_id = merchant_id
        self.private_key_pem = private_key_pem
        self.wallet_public_key_pem = wallet_public_key_pem
        self.endpoint = endpoint
        self.settlement_currency = settlement_currency

    def create_payment(self, payment: Payment) -> str:
        raise NotImplementedError(_NOT_YET)

    def verify_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        raise NotImplementedError(_NOT_YET)

    def query(self, payment: Payment) -> str:
        raise NotImplementedError(_NOT_YET)

    def refund(self, payment: Payment, amount: Money) -> str:
        raise NotImplementedError(_NOT_YET)
