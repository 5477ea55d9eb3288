"""The buyer's confirmation of receipt (the button on the order page). A buyer confirms
only their own orders: another buyer's order number answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entrepot.buyers.models import Buyer
from entrepot.logistics.shipments import ConfirmRefused, order_receipt_confirm
from entrepot.orders.models import Order


@require_POST
@login_required
def confirm_receipt(request: HttpRequest, number: str) -> HttpResponse:
    try:
        buyer = request.user.buyer
    except Buyer.DoesNotExist:
        raise PermissionDenied(_("This account has no buyer profile.")) from None
    order = get_object_or_404(Order, number=number, buyer=buyer)
    try:
        order_receipt_confirm(order=order, actor=request.user.get_username())
    except ConfirmRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Thank you: receipt confirmed, the seller is paid."))
    return redirect("storefront:order", number=number)
