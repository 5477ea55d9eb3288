"""A seller's orders and money: what to ship, what waits in escrow, what is payable."""

from __future__ import annotations

from django.db.models import F, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from entrepot.domain.money import Money
from entrepot.ledger.selectors import seller_payable
from entrepot.orders.models import Order
from entrepot.orders.selectors import IN_ESCROW
from entrepot.sellercentral.views import seller_required
from entrepot.sellers.models import Seller


@require_safe
@seller_required
def orders(request: HttpRequest, seller: Seller) -> HttpResponse:
    mine = Order.objects.filter(seller=seller)
    held = mine.filter(status__in=IN_ESCROW, currency="CNY").aggregate(
        n=Sum(F("total_amount") - F("tax_amount"))
    )["n"]
    return render(
        request,
        "sellercentral/orders.html",
        {
            "seller": seller,
            "to_ship": mine.filter(status__in=IN_ESCROW).order_by("placed_at")[:100],
            "recent": mine.select_related("buyer").order_by("-placed_at")[:50],
            "in_escrow": Money(held or 0, "CNY"),
            "payable": seller_payable(seller),
        },
    )
