"""Seller central: the API tokens of a seller's own systems (create, list, revoke).

A new token is shown once, on the answer to the form that created it; only its hash is
stored. Another seller's token id answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from entrepot.sellerapi import services
from entrepot.sellerapi.models import ApiToken
from entrepot.sellercentral.views import seller_required
from entrepot.sellers.models import Seller


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("The system that will use it, e.g. “Shopify sync”."),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name, up to 100 characters."))
        return name


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@seller_required
def tokens(request: HttpRequest, seller: Seller) -> HttpResponse:
    form = TokenForm()
    new_token = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        raw_id = request.POST.get("token", "")
        token = (
            ApiToken.objects.filter(seller=seller, pk=int(raw_id)).first()
            if raw_id.isdigit()
            else None
        )
        if token is None:
            raise Http404("no such token among yours")
        services.token_revoke(token=token)
        return redirect("sellerapi:tokens")
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            _token, new_token = services.token_create(seller=seller, name=form.cleaned_data["name"])
            form = TokenForm()
    return render(
        request,
        "sellercentral/api_tokens.html",
        {
            "seller": seller,
            "form": form,
            "new_token": new_token,
            "tokens": ApiToken.objects.filter(seller=seller).order_by("revoked_at", "-id"),
        },
        status=400 if form.errors else 200,
    )
