"""Money: a Decimal amount with an ISO 4217 currency.

Amounts are kept exact through a calculation and rounded to the currency's minor
unit (CNY 2, JPY 0, KWD 3) only where a caller asks for it with `rounded()`, which
uses ROUND_HALF_UP explicitly instead of the ambient decimal context.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel.numbers import format_currency, get_currency_precision, list_currencies

from entrepot.domain.exceptions import CurrencyMismatch, InvalidAmount, UnknownCurrency


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


@cache
def minor_units(currency: str) -> int:
    """Number of decimal places of `currency` (ISO 4217 minor unit, via CLDR)."""
    check_currency(currency)
    return get_currency_precision(currency)


_ZERO = Decimal(0)


@cache
def _exponent(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def check_currency(currency: str) -> str:
    """Return `currency` if it is a known ISO 4217 code, else raise UnknownCurrency."""
    if not isinstance(currency, str) or currency not in _known_currencies():
        raise UnknownCurrency(
            f"unknown currency {currency!r}: "
            "use a three-letter ISO 4217 code such as CNY, USD or EUR"
        )
    return currency


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Coerce an amount to Decimal, refusing floats (binary fractions lose cents)."""
    if type(value) is Decimal and value.is_finite():
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidAmount(
            f"amount {value!r} is a {type(value).__name__}: pass a Decimal, int or string"
        )
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value).strip())
        except (InvalidOperation, ValueError) as exc:
            raise InvalidAmount(f"amount {value!r} is not a number") from exc
    if not result.is_finite():
        raise InvalidAmount(f"amount {value!r} is not a finite number")
    return result


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        check_currency(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls._of(_ZERO, check_currency(currency))

    @classmethod
    def _of(cls, amount: Decimal, currency: str) -> Money:
        """A result of arithmetic on valid Money: skips re-validation (the hot path)."""
        money = object.__new__(cls)
        _set_amount(money, amount)
        _set_currency(money, currency)
        return money

    def _same_currency(self, other: object, operation: str) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot {operation} Money and {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"cannot {operation} {self.currency} and {other.currency}: convert first"
            )
        return other

    def __add__(self, other: Money) -> Money:
        other = self._same_currency(other, "add")
        return Money._of(self.amount + other.amount, self.currency)

    def __radd__(self, other: object) -> Money:
        # lets sum() start from 0
        if other == 0:
            return self
        return self.__add__(other)  # type: ignore[arg-type]

    def __sub__(self, other: Money) -> Money:
        other = self._same_currency(other, "subtract")
        return Money._of(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money._of(-self.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, Money):
            raise TypeError("cannot multiply Money by Money")
        return Money._of(self.amount * to_decimal(factor), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same_currency(other, "compare").amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same_currency(other, "compare").amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same_currency(other, "compare").amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same_currency(other, "compare").amount

    def rounded(self) -> Money:
        """This amount rounded half-up to the currency's minor unit."""
        exponent = _exponent(self.currency)
        return Money._of(self.amount.quantize(exponent, rounding=ROUND_HALF_UP), self.currency)

    def format(self, locale: str = "en") -> str:
        """Rounded and formatted for a viewer's locale, e.g. '¥1,234.50' in zh_Hans."""
        return format_currency(self.rounded().amount, self.currency, locale=locale)

    def __str__(self) -> str:
        return f"{self.rounded().amount} {self.currency}"


# slot descriptors: setting through them skips the frozen dataclass's __setattr__ guard
_set_amount = Money.__dict__["amount"].__set__
_set_currency = Money.__dict__["currency"].__set__
