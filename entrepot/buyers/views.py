"""Buyer pages of the account area: sign-up, the account page, real-name verification.
Chinese first, like the storefront. (The address book is in address_views.)

The real-name page never puts the clear resident ID number into a page: the field is
rendered empty, also after an error, and the number appears only masked.
"""

from __future__ import annotations

from functools import wraps
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from entrepot.buyers import selectors, services
from entrepot.buyers.forms import LoginForm, SignUpForm
from entrepot.buyers.models import Buyer, BuyerIdentity
from entrepot.config import ratelimit
from entrepot.domain.resident_id import LENGTH, mask_resident_id, normalize_resident_id

# ID cards give birth dates in China's time; "today" for the check is Beijing's
CHINA = ZoneInfo("Asia/Shanghai")


class NeverEchoedInput(forms.TextInput):
    """A text box that never renders the value it was given (sensitive input)."""

    def format_value(self, value) -> None:
        return None


class IdentityForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Real name"),
        max_length=60,
        help_text=gettext_lazy("Exactly as on your resident ID card."),
    )
    id_number = forms.CharField(
        label=gettext_lazy("Resident ID number"),
        max_length=40,
        widget=NeverEchoedInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=gettext_lazy("18 characters: 17 digits and a check digit 0-9 or X."),
    )
    consent = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "I agree that Entrepôt processes my resident ID number, which is sensitive "
            "personal information, for this purpose only: China Customs real-name "
            "verification for cross-border e-commerce imports (GACC Announcement 2018 "
            "No. 194 / PIPL Art. 28-29)."
        ),
        help_text=gettext_lazy(
            "The number is stored encrypted, shown only masked, and given only to China "
            "Customs with the declarations of your orders."
        ),
    )


def buyer_required(view):
    """Log in first; then only accounts with a buyer profile may enter."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        try:
            buyer = request.user.buyer
        except Buyer.DoesNotExist:
            raise PermissionDenied(_("This page is for buyers: this account has none.")) from None
        return view(request, buyer, *args, **kwargs)

    return wrapper


@sensitive_post_parameters("id_number")
@never_cache
@require_http_methods(["GET", "POST"])
@buyer_required
def verify_identity(request: HttpRequest, buyer: Buyer) -> HttpResponse:
    identity = BuyerIdentity.objects.filter(buyer=buyer).first()
    if request.method == "POST":
        ratelimit.check(request, "identity", account=f"user:{request.user.pk}")
        form = IdentityForm(request.POST)
        if form.is_valid() and _verify(request, buyer, form):
            return redirect("buyers:identity")
    else:
        form = IdentityForm(initial={"name": identity.name} if identity else None)
    return render(request, "buyers/identity.html", {"form": form, "identity": identity})


def _verify(request: HttpRequest, buyer: Buyer, form: IdentityForm) -> bool:
    data = form.cleaned_data
    try:
        identity = services.identity_verify(
            buyer=buyer,
            name=data["name"],
            id_number=data["id_number"],
            consent=data["consent"],
            today=timezone.localdate(timezone=CHINA),
        )
    except services.IdentityRefused as refusal:
        message = str(refusal)
        typed = normalize_resident_id(data["id_number"])
        if refusal.field == "id_number" and len(typed) == LENGTH:
            message = _("%(problem)s You entered %(masked)s.") % {
                "problem": message,
                "masked": mask_resident_id(typed),
            }
        form.add_error(refusal.field, message)
        return False
    messages.success(
        request,
        _("You are verified as %(name)s, ID number %(masked)s.")
        % {"name": identity.name, "masked": identity.id_number_masked},
    )
    return True


class RateLimitedLoginView(LoginView):
    """Django's login view (CSRF, sensitive POST parameters, safe `next`) with a form
    that takes a mobile number or an e-mail address, limited per address and locked for
    a while after repeated failures (entrepot.config.ratelimit)."""

    authentication_form = LoginForm

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        account = ratelimit.login_account(request)
        wait = ratelimit.lockout_wait(request, account)
        if wait:  # refused before the password is checked: no guessing while locked
            raise ratelimit.RateLimited(wait, ratelimit.lockout_message(wait))
        ratelimit.check(request, "login")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
        ratelimit.login_succeeded(self.request, ratelimit.login_account(self.request))
        return super().form_valid(form)

    def form_invalid(self, form) -> HttpResponse:
        if form.errors.get("__all__"):  # a wrong password, not an empty field
            wait = ratelimit.login_failed(self.request, ratelimit.login_account(self.request))
            if wait:
                raise ratelimit.RateLimited(wait, ratelimit.lockout_message(wait))
        return super().form_invalid(form)


log_in = RateLimitedLoginView.as_view()


def safe_next(request: HttpRequest) -> str:
    """The `next` of the request when it stays on this site, else ""."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else ""


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """Open a buyer account with a mobile number or an e-mail address, then log in."""
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            buyer = services.buyer_sign_up(
                phone=form.phone, email=form.email, password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
            )  # fmt: skip
        except services.SignUpRefused as refusal:
            form.add_error(refusal.field, str(refusal))
        else:
            login(request, buyer.user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(
                request,
                _("Welcome, %(name)s: your account is ready.") % {"name": buyer.display_name},
            )
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


@never_cache
@require_safe
@buyer_required
def account(request: HttpRequest, buyer: Buyer) -> HttpResponse:
    """The account page: links to orders, addresses and the real-name verification."""
    return render(
        request,
        "buyers/account.html",
        {"buyer": buyer, "summary": selectors.account_summary(buyer),
         "phone": buyer.phone,
         "email": request.user.email},
    )  # fmt: skip
