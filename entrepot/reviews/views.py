"""Review pages: the buyer's form (from the order page), seller central's list with one
reply each, and the back office's list where an operator hides an abusive review."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from entrepot.reviews import selectors
from entrepot.reviews.models import Review
from entrepot.reviews.services import (
    MAX_PHOTOS,
    ReviewRefused,
    review_eligibility,
    review_hide,
    review_post,
    review_reply,
)
from entrepot.sellercentral.views import seller_required
from entrepot.sellers.models import Seller


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReviewForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=gettext_lazy("Stars"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("Your review"),
        max_length=Review.TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def _buyer_of(request: HttpRequest):
    return getattr(request.user, "buyer", None)


@require_http_methods(["GET", "POST"])
@login_required
def write(request: HttpRequest, line_id: int) -> HttpResponse:
    buyer = _buyer_of(request)
    try:
        eligible = review_eligibility(buyer=buyer, order_line_id=line_id)
    except ReviewRefused as refused:
        return render(request, "reviews/refused.html", {"reason": str(refused)}, status=403)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_post(
                buyer=buyer,
                order_line_id=line_id,
                stars=form.cleaned_data["stars"],
                text=form.cleaned_data["text"],
                photos=request.FILES.getlist("photos"),
            )
        except ReviewRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Thank you: your review is published."))
            return redirect("storefront:order", eligible.order.number)
    return render(
        request,
        "reviews/write.html",
        {"form": form, "line": eligible.line, "order": eligible.order, "max_photos": MAX_PHOTOS},
        status=400 if form.errors else 200,
    )


@require_safe
@seller_required
def seller_list(request: HttpRequest, seller: Seller) -> HttpResponse:
    return render(
        request,
        "reviews/seller_reviews.html",
        {
            "seller": seller,
            "reviews": selectors.seller_reviews(seller=seller),
            "score": selectors.seller_score_of(selectors.seller_stats_or_none(seller)),
            "reply_max": Review.REPLY_MAX_LENGTH,
        },
    )


@require_POST
@seller_required
def seller_reply(request: HttpRequest, seller: Seller, pk: int) -> HttpResponse:
    try:
        review_reply(seller=seller, review_id=pk, text=request.POST.get("reply", ""))
    except ReviewRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Your reply is published under the review."))
    return redirect("reviews_seller:list")


@require_safe
@staff_member_required
def backoffice_list(request: HttpRequest) -> HttpResponse:
    hidden = {"hidden": True, "visible": False}.get(request.GET.get("show", ""))
    return render(
        request,
        "reviews/backoffice_reviews.html",
        {
            "reviews": selectors.reviews_for_moderation(hidden=hidden),
            "show": request.GET.get("show", ""),
            "reason_max": Review.HIDE_REASON_MAX_LENGTH,
        },
    )


@require_POST
@staff_member_required
def backoffice_hide(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        review_hide(
            review_id=pk,
            reason=request.POST.get("reason", ""),
            actor=f"operator:{request.user.get_username()}",
        )
    except ReviewRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Review %(id)s is hidden.") % {"id": pk})
    return redirect("reviews_backoffice:list")
