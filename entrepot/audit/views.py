"""The operator's page of the audit trail: filter by target, actor, action and day."""

from __future__ import annotations

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from entrepot.audit.selectors import AuditFilter, audit_page


class AuditFilterForm(forms.Form):
    target_type = forms.CharField(label=_("Target type"), max_length=40, required=False)
    target_id = forms.CharField(label=_("Target id"), max_length=64, required=False)
    actor = forms.CharField(label=_("Actor"), max_length=150, required=False)
    action = forms.CharField(label=_("Action"), max_length=40, required=False)
    day_from = forms.DateField(label=_("From (day)"), required=False)
    day_to = forms.DateField(label=_("To (day)"), required=False)
    before = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        start, end = data.get("day_from"), data.get("day_to")
        if start and end and end < start:
            self.add_error("day_to", _("The last day comes before the first day."))
        return data


@require_safe
@staff_member_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    """Newest first, 50 a page; 'older' continues below the last id shown (keyset)."""
    form = AuditFilterForm(request.GET or None)
    page, next_url, status = None, "", 200
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        where = AuditFilter(
            target_type=(data.get("target_type") or "").strip(),
            target_id=(data.get("target_id") or "").strip(),
            actor=(data.get("actor") or "").strip(),
            action=(data.get("action") or "").strip(),
            day_from=data.get("day_from"),
            day_to=data.get("day_to"),
        )
        page = audit_page(where=where, before=data.get("before"))
        if page.next_before is not None:
            query = {k: v for k, v in request.GET.items() if k != "before" and v}
            next_url = "?" + urlencode({**query, "before": page.next_before})
    else:
        status = 400
    return render(
        request,
        "backoffice/audit.html",
        {"form": form, "page": page, "next_url": next_url},
        status=status,
    )
