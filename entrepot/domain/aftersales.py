"""After-sales rules: the return window and the split of a refund into goods and tax.

Cross-border (CBEC) orders, destination China from outside China, follow the rules
sheet (shared/domain/cross-border-rules.md §1, "Returns"): a return is applied for
within **30 days of customs release** and the goods are back in the zone within **45
days** of release; then no tax is due and the annual quota is given back. Other orders
get a window counted from delivery, set by the caller (Entrepôt's default: 14 days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

CBEC_APPLY_DAYS = 30  # rules sheet §1 "Returns": application within 30 days of release
CBEC_GOODS_BACK_DAYS = 45  # rules sheet §1 "Returns": goods back within 45 days of release
FEN = Decimal("0.01")

CBEC, STANDARD = "cbec", "standard"


def is_cbec(*, origin: str, destination: str) -> bool:
    """A China cross-border e-commerce retail import: to China, from outside China."""
    return destination == "CN" and origin != "CN"


@dataclass(frozen=True)
class ReturnWindow:
    """When a return may be asked for: from `starts_at` (release or delivery) to `apply_by`;
    `goods_back_by` is the latest day the goods may arrive back (CBEC only; None: counted
    from the acceptance of the return)."""

    rule: str
    starts_at: datetime
    apply_by: datetime
    goods_back_by: datetime | None

    def open_at(self, now: datetime) -> bool:
        return now <= self.apply_by


def return_window(
    *, cbec: bool, released_at: datetime | None, delivered_at: datetime | None,
    standard_days: int, cbec_apply_days: int = CBEC_APPLY_DAYS,
    cbec_goods_days: int = CBEC_GOODS_BACK_DAYS,
) -> ReturnWindow | None:  # fmt: skip
    """The order's return window, or None when the moment it starts is not known yet
    (a CBEC order customs have not released, an order not delivered)."""
    if cbec:
        if released_at is None:
            return None
        return ReturnWindow(CBEC, released_at, released_at + timedelta(days=cbec_apply_days),
                            released_at + timedelta(days=cbec_goods_days))  # fmt: skip
    if delivered_at is None:
        return None
    return ReturnWindow(STANDARD, delivered_at, delivered_at + timedelta(days=standard_days), None)


def fen(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RefundSplit:
    """What one refund gives back: `amount` of goods and shipping, and `tax` (import tax
    withheld, only before the escrow is released)."""

    amount: Decimal
    tax: Decimal

    @property
    def total(self) -> Decimal:
        return self.amount + self.tax


class RefundTooLarge(ValueError):
    """The refund asks for more than is left to refund."""


def refund_split(
    *, part: Decimal, goods_and_shipping: Decimal, refunded_goods: Decimal, tax: Decimal,
    refunded_tax: Decimal, released: bool, full: bool = False,
) -> RefundSplit:  # fmt: skip
    """Split a refund of `part` (goods and shipping) with its share of the import tax.

    `full`: everything left is refunded, tax included (before release). Otherwise the
    tax share is `tax` x part / goods_and_shipping, rounded half-up to the fen and never
    more than the tax not refunded yet. After release the tax is not refunded here
    (the ledger refunds it only from the withheld account before release).
    """
    left = goods_and_shipping - refunded_goods
    tax_left = tax - refunded_tax
    if full:
        part = left
    part = fen(part)
    if part <= 0:
        raise RefundTooLarge(f"nothing to refund: asked {part}, {left} left")
    if part > left:
        raise RefundTooLarge(f"a refund of {part} is more than the {left} left to refund")
    if released or tax_left <= 0:
        return RefundSplit(part, Decimal("0.00"))
    if full or part == left:
        return RefundSplit(part, fen(tax_left))
    share = fen(tax * part / goods_and_shipping) if goods_and_shipping else Decimal(0)
    return RefundSplit(part, min(share, fen(tax_left)))
