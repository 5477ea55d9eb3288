"""Sign-up and the business profile: from nothing to a seller waiting for review."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from entrepot.sellercentral.forms import ProfileForm, SignUpForm
from entrepot.sellercentral.views import seller_required
from entrepot.sellers.models import Seller
from entrepot.sellers.services import (
    ProfileInput,
    profile_missing,
    seller_accept_terms,
    seller_profile_update,
    seller_sign_up,
)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        seller = seller_sign_up(
            email=data["email"], password=data["password"], business_name=data["business_name"],
            country=data["country"], currency=data["currency"],
        )  # fmt: skip
        login(request, seller.user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(request, _("Welcome! Tell us about your business to get verified."))
        return redirect("sellercentral:onboarding")
    return render(request, "sellercentral/signup.html", {"form": form})


def _initial(seller: Seller) -> dict:
    return {
        "legal_name": seller.legal_name, "contact_name": seller.contact_name,
        "contact_phone": seller.contact_phone, "city": seller.city,
        "employee_count": seller.employee_count, "annual_revenue": seller.annual_revenue,
        "payout_currency": seller.payout_currency or seller.currency, "story_en": seller.story_en,
        "accept_terms": bool(seller.terms_accepted_at),
    }  # fmt: skip


@require_http_methods(["GET", "POST"])
@seller_required
def onboarding(request: HttpRequest, seller: Seller) -> HttpResponse:
    form = ProfileForm(request.POST or None, initial=_initial(seller))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        seller_profile_update(
            seller=seller,
            data=ProfileInput(
                legal_name=data["legal_name"], contact_name=data["contact_name"],
                contact_phone=data["contact_phone"], city=data["city"],
                employee_count=data["employee_count"], annual_revenue=data["annual_revenue"],
                payout_currency=data["payout_currency"], story_en=data["story_en"],
            ),
        )  # fmt: skip
        if not seller.terms_accepted_at:
            seller_accept_terms(seller=seller)
        messages.success(request, _("Profile saved. The marketplace reviews it shortly."))
        return redirect("sellercentral:onboarding")
    return render(
        request,
        "sellercentral/onboarding.html",
        {"seller": seller, "form": form, "missing": profile_missing(seller)},
    )
