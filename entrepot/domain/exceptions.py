"""Errors raised by the domain layer.

The tree, so callers can catch at the level they can act on::

    DomainError                 anything the domain refuses
    ├── MoneyError
    │   ├── UnknownCurrency     not an ISO 4217 code we can round
    │   ├── CurrencyMismatch    arithmetic across two currencies
    │   └── InvalidAmount       a float, NaN or non-number given as an amount
    └── ExchangeRateError
        └── RateMissing         no rate for a currency in the rate table

Every message says what was wrong and what is allowed.
"""


class DomainError(Exception):
    """Base class of every error the domain raises."""


class MoneyError(DomainError):
    pass


class UnknownCurrency(MoneyError):
    pass


class CurrencyMismatch(MoneyError):
    pass


class InvalidAmount(MoneyError):
    pass


class ExchangeRateError(DomainError):
    pass


class RateMissing(ExchangeRateError):
    pass
