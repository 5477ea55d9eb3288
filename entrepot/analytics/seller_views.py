"""A seller's own dashboard in seller central: its sales, orders, buyers and products.

Scoped to the logged-in seller by `seller_required`: there is no parameter that names
a seller, so no seller can ask for another's numbers.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from entrepot.analytics import charts
from entrepot.analytics.forms import RangeForm
from entrepot.analytics.seller_selectors import seller_dashboard as board_for
from entrepot.sellercentral.views import seller_required
from entrepot.sellers.models import Seller


@require_safe
@seller_required
def seller_dashboard(request: HttpRequest, seller: Seller) -> HttpResponse:
    form = RangeForm(request.GET or None, today=timezone.localdate())
    if form.is_bound:
        form.is_valid()
    start, end = form.range()
    board = board_for(seller_id=seller.pk, start=start, end=end)
    return render(request, "sellercentral/analytics.html", {
        "seller": seller, "form": form, "board": board,
        "sales_chart": charts.gmv_chart(board.series, board.series_grain),
    })  # fmt: skip
