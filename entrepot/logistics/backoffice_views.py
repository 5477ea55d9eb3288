"""Back office: bonded stock (sellable and on the shelf), inbound consignments to receive,
and the movement ledger. Operators only (staff)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from entrepot.logistics.bonded import consignment_receive
from entrepot.logistics.models import InboundConsignment, StockMovement
from entrepot.logistics.selectors import bonded_stock


@require_safe
@staff_member_required
def bonded(request: HttpRequest) -> HttpResponse:
    consignments = (
        InboundConsignment.objects.select_related("seller", "warehouse")
        .prefetch_related("lines__variant")
        .order_by("status", "-created_at")[:100]
    )
    movements = StockMovement.objects.select_related("warehouse", "variant").order_by(
        "-created_at", "-id"
    )[:100]
    return render(request, "logistics/bonded.html",
                  {"stock": bonded_stock(), "consignments": consignments,
                   "movements": movements})  # fmt: skip


@require_POST
@staff_member_required
def receive(request: HttpRequest, pk: int) -> HttpResponse:
    consignment = get_object_or_404(InboundConsignment, pk=pk)
    consignment_receive(consignment=consignment,
                        actor=f"operator:{request.user.get_username()}")  # fmt: skip
    messages.success(request, _("Consignment %(id)s received into bonded stock.") % {"id": pk})
    return redirect("logistics_backoffice:bonded")
