"""Back office: arbitration of disputes, receipt of returns at the bonded warehouse,
refunds by the operator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from entrepot.aftersales import selectors, services
from entrepot.aftersales.forms import ResolveForm
from entrepot.aftersales.models import Dispute, ReturnRequest
from entrepot.aftersales.seller_views import refund_from_post
from entrepot.orders.models import Order


@require_safe
@staff_member_required
def disputes(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Dispute.Status.values:
        status = ""
    return render(request, "aftersales/bo_disputes.html", {
        "disputes": selectors.operator_disputes(status=status), "status": status,
        "statuses": Dispute.Status.choices, "returns": selectors.operator_returns(),
    })  # fmt: skip


@require_safe
@staff_member_required
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = get_object_or_404(
        Dispute.objects.select_related("order__seller", "order__buyer", "order__checkout"),
        pk=pk,
    )
    return render(request, "aftersales/bo_dispute.html", {
        "dispute": dispute, "history": selectors.order_history(dispute.order),
        "dispute_messages": list(dispute.messages.all()), "form": ResolveForm(),
    })  # fmt: skip


@require_POST
@staff_member_required
def dispute_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = get_object_or_404(Dispute, pk=pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("aftersales_backoffice:dispute", pk=pk)
    try:
        services.dispute_resolve(
            dispute=dispute, actor=request.user.get_username(),
            outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"],
            amount=form.cleaned_data["amount"],
        )  # fmt: skip
    except (services.DisputeRefused, services.RefundRefused) as exc:
        messages.error(request, str(exc))
    return redirect("aftersales_backoffice:dispute", pk=pk)


@require_POST
@staff_member_required
def return_receive(request: HttpRequest, pk: int) -> HttpResponse:
    """The bonded warehouse (or the operator for a seller) confirms the goods are back."""
    found = get_object_or_404(ReturnRequest, pk=pk)
    try:
        services.return_receive(return_request=found, actor=request.user.get_username())
    except (services.ReturnRefused, services.RefundRefused) as exc:
        messages.error(request, str(exc))
    return redirect("aftersales_backoffice:disputes")


@require_POST
@staff_member_required
def refund(request: HttpRequest, number: str) -> HttpResponse:
    order = get_object_or_404(Order, number=number)
    return refund_from_post(request, order, back=("aftersales_backoffice:disputes", ()))
