"""Back-office operations in one place: seller approvals, listing moderation, exchange
rates (import, view, who changed them), tax rule packs, commission rates and the
payment queues. Staff only; the actions themselves stay on their own pages."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from entrepot.analytics.operations_selectors import operations as gather
from entrepot.domain.ecb import MAX_FILE_BYTES, EcbFormatError
from entrepot.pricing.services import rates_import


class RatesUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("ECB rate file (daily or history: XML, CSV or zip)"),
    )


class ListingLookupForm(forms.Form):
    listing = forms.IntegerField(label=gettext_lazy("Listing number"), min_value=1)


@require_safe
@staff_member_required
def operations(request: HttpRequest) -> HttpResponse:
    lookup = ListingLookupForm(request.GET or None)
    if lookup.is_bound and lookup.is_valid():
        return redirect("backoffice:listing_moderate", pk=lookup.cleaned_data["listing"])
    return render(request, "analytics/operations.html", {
        "ops": gather(timezone.localdate()), "upload": RatesUploadForm(), "lookup": lookup,
    })  # fmt: skip


@require_POST
@staff_member_required
def rates_upload(request: HttpRequest) -> HttpResponse:
    form = RatesUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an ECB rate file to import."))
        return redirect("operations:home")
    upload = form.cleaned_data["file"]
    if upload.size > MAX_FILE_BYTES:
        text = _("%(name)s is larger than %(mb)d MB: that is not an ECB rate file.")
        messages.error(request, text % {"name": upload.name, "mb": MAX_FILE_BYTES // 2**20})
        return redirect("operations:home")
    try:
        report = rates_import(
            data=upload.read(), name=upload.name, source=f"ECB ({upload.name})",
            actor=request.user.get_username(),
        )  # fmt: skip
    except EcbFormatError as exc:
        messages.error(request, _("Nothing imported: %(reason)s") % {"reason": exc})
        return redirect("operations:home")
    messages.success(request, _("Imported %(rows)d rates over %(days)d days.")
                     % {"rows": report.rows, "days": report.days})  # fmt: skip
    return redirect("operations:home")
