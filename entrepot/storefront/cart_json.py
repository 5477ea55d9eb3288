"""The cart's totals as JSON, for the cart page's script (static/entrepot/cart.js).

Amounts come formatted in the visitor's language, and the notices as the same HTML the
page renders, so the script only puts them in place: no money arithmetic, no wording
and no translation in JavaScript.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from entrepot.domain.money import Money
from entrepot.storefront.cart_totals import CartSummary
from entrepot.storefront.display import format_money


def _money(value: Money | None) -> str:
    return format_money(value) if value is not None else "—"


def cart_json(request: HttpRequest, summary: CartSummary) -> dict:
    parcels, lines = {}, {}
    for parcel in summary.parcels:
        totals = parcel.totals
        parcels[str(parcel.seller.pk)] = {
            "goods": _money(totals.goods if totals else None),
            "shipping": _money(totals.shipping if totals else None),
            "tax": _money(totals.taxes_and_duties if totals else None),
            "total": _money(totals.grand_total if totals else None),
        }
        for line in parcel.lines:
            lines[str(line.variant.pk)] = {"quantity": line.quantity, "goods": _money(line.goods)}
    return {
        "count": summary.count,
        "empty": summary.empty,
        "total": _money(summary.total),
        "can_check_out": summary.can_check_out,
        "parcels": parcels,
        "lines": lines,
        "notices": render_to_string("storefront/_cart_notices.html", {"summary": summary}, request),
    }
