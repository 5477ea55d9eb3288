"""Errors raised by entrepot.payments.

The tree, so callers can catch at the level they can act on::

    PaymentError                anything the payments app refuses
    ├── PaymentRefused          a payment or refund that cannot be made as asked
    │   └── UnsupportedCurrency a currency no configured wallet takes (CNY only for now)
    └── NotificationError       a wallet notification that cannot be believed or read
        ├── InvalidSignature    missing, malformed or wrong signature: maybe forged
        └── MalformedNotification  signed, but not a notification we understand

Every message says what was wrong and what is allowed.
"""


class PaymentError(Exception):
    """Base class of every error the payments app raises."""


class PaymentRefused(PaymentError):
    pass


class UnsupportedCurrency(PaymentRefused):
    pass


class NotificationError(PaymentError):
    pass


class InvalidSignature(NotificationError):
    pass


class MalformedNotification(NotificationError):
    pass
