"""Seller central: the returns and disputes of the seller's own orders, and refunds."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from entrepot.aftersales import selectors, services
from entrepot.aftersales.forms import RefundForm, TextForm, line_quantities
from entrepot.orders.models import Order
from entrepot.sellercentral.views import seller_required
from entrepot.sellers.models import Seller


@require_safe
@seller_required
def cases(request: HttpRequest, seller: Seller) -> HttpResponse:
    return render(request, "aftersales/seller_cases.html", {
        "seller": seller, "returns": selectors.seller_returns(seller),
        "disputes": selectors.seller_disputes(seller),
    })  # fmt: skip


def _own_return(seller: Seller, pk: int):
    found = selectors.return_of(pk=pk, seller=seller)
    if found is None:
        raise Http404("no such return")
    return found


@require_safe
@seller_required
def return_detail(request: HttpRequest, seller: Seller, pk: int) -> HttpResponse:
    context = {"ret": _own_return(seller, pk), "area": "seller", "form": TextForm()}
    return render(request, "aftersales/return_detail.html", context)


@require_POST
@seller_required
def return_decide(request: HttpRequest, seller: Seller, pk: int) -> HttpResponse:
    found = _own_return(seller, pk)
    actor = request.user.get_username()
    action = request.POST.get("action")
    note = request.POST.get("text", "")[:500]
    try:
        if action == "accept":
            services.return_accept(return_request=found, actor=actor, note=note)
        elif action == "reject":
            services.return_reject(return_request=found, actor=actor, note=note)
        elif action == "receive" and found.return_to_kind == "seller":
            services.return_receive(return_request=found, actor=actor)
        elif action == "receive":
            messages.error(request, _("The bonded warehouse confirms this return's goods."))
        else:
            messages.error(request, _("Choose accept, reject or received."))
    except (services.ReturnRefused, services.RefundRefused) as exc:
        messages.error(request, str(exc))
    return redirect("aftersales_seller:return", pk=pk)


@require_safe
@seller_required
def dispute_detail(request: HttpRequest, seller: Seller, pk: int) -> HttpResponse:
    found = selectors.dispute_of(pk=pk, seller=seller)
    if found is None:
        raise Http404("no such dispute")
    return render(request, "aftersales/dispute_detail.html",
                  {"dispute": found, "area": "seller", "form": TextForm()})  # fmt: skip


@require_POST
@seller_required
def dispute_answer(request: HttpRequest, seller: Seller, pk: int) -> HttpResponse:
    found = selectors.dispute_of(pk=pk, seller=seller)
    if found is None:
        raise Http404("no such dispute")
    try:
        services.dispute_answer(dispute=found, actor=request.user.get_username(),
                                text=request.POST.get("text", ""))  # fmt: skip
    except services.DisputeRefused as exc:
        messages.error(request, str(exc))
    return redirect("aftersales_seller:dispute", pk=pk)


@require_POST
@seller_required
def refund(request: HttpRequest, seller: Seller, number: str) -> HttpResponse:
    """The seller refunds lines or shipping of its own order (another seller's: 404)."""
    order = get_object_or_404(Order, number=number, seller=seller)
    return refund_from_post(request, order, back=("aftersales_seller:cases", ()))


def refund_from_post(request: HttpRequest, order: Order, *, back) -> HttpResponse:
    form = RefundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the refund."))
        return redirect(back[0], *back[1])
    try:
        quantities = line_quantities(request.POST, list(order.lines.all()))
        done = services.refund_issue(
            order=order, actor=request.user.get_username(), quantities=quantities,
            shipping=form.cleaned_data["shipping"], full=form.cleaned_data["full"],
            reason=form.cleaned_data["reason"],
        )  # fmt: skip
    except (ValueError, services.RefundRefused) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Refunded %(amount)s %(currency)s (refund %(id)s).") % {
            "amount": done.total, "currency": done.currency, "id": done.refund_id})  # fmt: skip
    return redirect(back[0], *back[1])
