"""The buyer's own personal data: download a copy, delete the account. Chinese first.

Deleting asks for the password again: a session left open on a shared computer must not
be enough to erase an account. What deletion keeps, and why: entrepot.buyers.privacy.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from entrepot.buyers import privacy
from entrepot.buyers.models import Buyer
from entrepot.buyers.views import buyer_required


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"), max_length=128, widget=forms.PasswordInput
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand that my account, addresses and real-name verification are "
            "deleted and cannot be restored."
        )
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not right."))
        return password


@never_cache
@require_safe
@buyer_required
def personal_data_download(request: HttpRequest, buyer: Buyer) -> HttpResponse:
    """A JSON file of the buyer's personal data (ID number masked)."""
    data = privacy.personal_data_export(buyer=buyer)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    day = timezone.now().date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="entrepot-personal-data-{day}.json"'
    return response


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
@buyer_required
def account_delete(request: HttpRequest, buyer: Buyer) -> HttpResponse:
    blocking = privacy.orders_blocking_deletion(buyer)
    form = DeleteAccountForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                privacy.personal_data_delete(buyer=buyer)
            except privacy.DeletionBlocked as blocked:
                form.add_error(None, str(blocked))
            else:
                logout(request)
                messages.success(
                    request,
                    _("Your account is deleted. Orders are kept without your personal data."),
                )
                return redirect("storefront:home")
        status = 400
    return render(
        request,
        "buyers/delete_account.html",
        {"form": form, "blocking": blocking},
        status=status,
    )
