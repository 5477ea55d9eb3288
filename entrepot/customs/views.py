"""Back office: the customs queue, one declaration's history, and the operator's actions
(correct, resubmit, cancel). Operators only (staff), like the rest of the back office."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from entrepot.customs import selectors, services
from entrepot.customs.models import Declaration
from entrepot.domain.customs import receipts as r
from entrepot.logistics.selectors import tracking_of


class CorrectionForm(forms.Form):
    consignee_name = forms.CharField(
        label=gettext_lazy("Consignee"), max_length=100, required=False
    )
    consignee_phone = forms.RegexField(
        label=gettext_lazy("Consignee phone"), regex=r"^\+?[0-9 ()-]{7,20}$", required=False,
        error_messages={"invalid": gettext_lazy("Give a phone number of 7 to 20 digits.")},
    )  # fmt: skip
    consignee_address = forms.CharField(label=gettext_lazy("Delivery address"), max_length=255,
                                        required=False)  # fmt: skip
    gross_weight_kg = forms.DecimalField(
        label=gettext_lazy("Gross weight of the parcel (kg)"), required=False,
        min_value=Decimal("0.001"), max_digits=10, decimal_places=4,
    )  # fmt: skip


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


def _declaration(pk: int) -> Declaration:
    try:
        return selectors.declaration_detail(pk)
    except Declaration.DoesNotExist:
        raise Http404("no such declaration") from None


@require_safe
@staff_member_required
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status and status not in r.STATUSES:
        raise Http404("unknown status")
    context = {"queue": selectors.declaration_queue(status=status), "status": status}
    return render(request, "customs/queue.html", context)


@require_safe
@staff_member_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _declaration(pk)
    corrections = declaration.corrections or {}
    return render(
        request,
        "customs/declaration.html",
        {
            "declaration": declaration,
            "order": declaration.order,
            "tracking": tracking_of(declaration.order),
            "correction_form": CorrectionForm(initial=corrections),
            "cancel_form": CancelForm(),
            "can_submit": declaration.status in r.CAN_SUBMIT,
            "can_cancel": declaration.status in r.CANCEL_HERE | r.CANCEL_AT_PORT,
        },
    )


def _actor(request: HttpRequest) -> str:
    return f"operator:{request.user.get_username()}"


@require_POST
@staff_member_required
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _declaration(pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
        return redirect("customs:detail", pk=pk)
    data = form.cleaned_data
    try:
        services.declaration_correct(
            declaration=declaration, actor=_actor(request),
            consignee_name=data["consignee_name"], consignee_phone=data["consignee_phone"],
            consignee_address=data["consignee_address"], gross_weight_kg=data["gross_weight_kg"],
        )  # fmt: skip
    except (services.SubmitRefused, ValueError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Corrections saved. Resubmit the declaration to send them."))
    return redirect("customs:detail", pk=pk)


@require_POST
@staff_member_required
def resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _declaration(pk)
    try:
        result = services.declaration_resubmit(declaration=declaration, actor=_actor(request))
    except services.SubmitRefused as error:
        messages.error(request, str(error))
    else:
        if result.status == Declaration.Status.HELD:
            messages.error(request, _("Still held: %(reason)s") % {"reason": result.reason})
        else:
            sent = _("Sent to customs as attempt %(n)s.") % {"n": result.attempt}
            messages.success(request, sent)
    return redirect("customs:detail", pk=pk)


@require_POST
@staff_member_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _declaration(pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the cancellation."))
        return redirect("customs:detail", pk=pk)
    try:
        result = services.declaration_cancel(declaration=declaration, actor=_actor(request),
                                             reason=form.cleaned_data["reason"])  # fmt: skip
    except services.CancelRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Declaration: %(status)s.") % {
            "status": result.get_status_display()})  # fmt: skip
    return redirect("customs:detail", pk=pk)


@require_POST
@staff_member_required
def run_cycle(request: HttpRequest) -> HttpResponse:
    """What the worker does every minute, now: declare, submit, take the receipts."""
    from entrepot.customs.tasks import customs_cycle_run

    done = customs_cycle_run()
    messages.success(request, _(
        "Customs cycle run: %(created)s declared, %(submitted)s sent, %(held)s held, "
        "%(receipts)s receipts taken.") % done)  # fmt: skip
    return redirect("customs:queue")
