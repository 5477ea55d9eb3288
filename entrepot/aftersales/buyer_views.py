"""The buyer's pages: ask for a return, open a dispute, follow them (Chinese first)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from entrepot.aftersales import selectors, services
from entrepot.aftersales.forms import DisputeForm, ReturnForm, TextForm, line_quantities
from entrepot.buyers.models import Buyer
from entrepot.orders.models import Order


def _buyer(request: HttpRequest) -> Buyer:
    try:
        return request.user.buyer
    except Buyer.DoesNotExist:
        raise PermissionDenied(_("This account has no buyer profile.")) from None


@require_safe
@login_required
def cases(request: HttpRequest) -> HttpResponse:
    buyer = _buyer(request)
    return render(request, "aftersales/buyer_cases.html", {
        "returns": selectors.buyer_returns(buyer), "disputes": selectors.buyer_disputes(buyer),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def return_new(request: HttpRequest, number: str) -> HttpResponse:
    order = get_object_or_404(Order, number=number, buyer=_buyer(request))
    lines = list(order.lines.all())
    form = ReturnForm(request.POST or None)
    window = services.window_of(order)
    if request.method == "POST" and form.is_valid():
        try:
            quantities = line_quantities(request.POST, lines)
            request_ = services.return_request(
                order=order, actor=request.user.get_username(),
                reason=form.cleaned_data["reason"], text=form.cleaned_data["text"],
                quantities=quantities, photos=request.FILES.getlist("photos"),
            )  # fmt: skip
        except (ValueError, services.ReturnRefused) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your return request was sent to the seller."))
            return redirect("aftersales_buyer:return", pk=request_.pk)
    return render(request, "aftersales/return_form.html",
                  {"order": order, "lines": lines, "form": form, "window": window})  # fmt: skip


@require_safe
@login_required
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.return_of(pk=pk, buyer=_buyer(request))
    if found is None:
        raise Http404("no such return")
    return render(request, "aftersales/return_detail.html", {"ret": found, "area": "buyer"})


@require_http_methods(["GET", "POST"])
@login_required
def dispute_new(request: HttpRequest, number: str) -> HttpResponse:
    order = get_object_or_404(Order, number=number, buyer=_buyer(request))
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dispute = services.dispute_open(
                order=order, actor=request.user.get_username(),
                reason=form.cleaned_data["reason"], text=form.cleaned_data["text"],
            )  # fmt: skip
        except services.DisputeRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your dispute was opened; the seller will answer."))
            return redirect("aftersales_buyer:dispute", pk=dispute.pk)
    return render(request, "aftersales/dispute_form.html", {"order": order, "form": form})


@require_safe
@login_required
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.dispute_of(pk=pk, buyer=_buyer(request))
    if found is None:
        raise Http404("no such dispute")
    return render(request, "aftersales/dispute_detail.html",
                  {"dispute": found, "area": "buyer", "form": TextForm()})  # fmt: skip


@require_POST
@login_required
def dispute_reply(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.dispute_of(pk=pk, buyer=_buyer(request))
    if found is None:
        raise Http404("no such dispute")
    form = TextForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    try:
        services.dispute_reply(dispute=found, actor=request.user.get_username(), text=text,
                               escalate=request.POST.get("escalate") == "1")  # fmt: skip
    except services.DisputeRefused as exc:
        messages.error(request, str(exc))
    return redirect("aftersales_buyer:dispute", pk=pk)
