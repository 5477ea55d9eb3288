from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from entrepot.backoffice.selectors import overview
from entrepot.catalog.models import Product
from entrepot.catalog.services import listing_reinstate, listing_suspend
from entrepot.sellercentral.forms import RejectForm, SuspendForm
from entrepot.sellers.models import Seller
from entrepot.sellers.services import seller_approve, seller_reject


@require_safe
@staff_member_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/home.html", {"overview": overview()})


@require_safe
@staff_member_required
def seller_queue(request: HttpRequest) -> HttpResponse:
    """Sellers waiting for verification, oldest first, with what they told us."""
    pending = Seller.objects.filter(verification_status="pending").select_related("user")
    recent = (
        Seller.objects.exclude(verification_status="pending")
        .exclude(reviewed_at=None)
        .select_related("reviewed_by")
        .order_by("-reviewed_at")[:20]
    )
    return render(
        request,
        "backoffice/sellers.html",
        {"pending": pending.order_by("created_at")[:100], "recent": recent,
         "reject_form": RejectForm()},
    )  # fmt: skip


@require_POST
@staff_member_required
def seller_decide(request: HttpRequest, pk: int) -> HttpResponse:
    seller = get_object_or_404(Seller, pk=pk)
    if request.POST.get("decision") == "approve":
        seller_approve(seller=seller, operator=request.user)
        messages.success(request, _("%(name)s approved.") % {"name": seller.business_name})
    else:
        form = RejectForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the seller a reason for the rejection."))
        else:
            seller_reject(seller=seller, operator=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("%(name)s rejected.") % {"name": seller.business_name})
    return redirect("backoffice:sellers")


@require_http_methods(["GET", "POST"])
@staff_member_required
def listing_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Look at one listing and suspend it (with a reason the seller sees) or lift that."""
    product = get_object_or_404(Product.objects.select_related("seller", "category"), pk=pk)
    form = SuspendForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "reinstate":
            listing_reinstate(product=product)
            messages.success(request, _("Suspension lifted: the listing is a draft again."))
            return redirect("backoffice:listing_moderate", pk=pk)
        if form.is_valid():
            listing_suspend(product=product, reason=form.cleaned_data["reason"])
            messages.success(request, _("Listing suspended."))
            return redirect("backoffice:listing_moderate", pk=pk)
    return render(request, "backoffice/listing.html", {"product": product, "form": form})
