"""Seller central JSON endpoints for classifying goods: tariff-number suggestions."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from entrepot.catalog.hs_suggest import suggest_hs_codes
from entrepot.sellercentral.views import seller_required
from entrepot.sellers.models import Seller

TITLE_MAX_LENGTH = 200  # as Product.title_en


@require_safe
@seller_required
def hs_suggest(request: HttpRequest, seller: Seller) -> JsonResponse:
    """GET ?title=...&category=<slug> -> {"suggestions": [...]}, best first."""
    title = request.GET.get("title", "").strip()
    if not title:
        return _bad_request(_("Enter the product's English title to get tariff number ideas."))
    if len(title) > TITLE_MAX_LENGTH:
        return _bad_request(
            _("The title has %(length)d characters; at most %(max)d are allowed.")
            % {"length": len(title), "max": TITLE_MAX_LENGTH}
        )
    category = request.GET.get("category", "").strip() or None
    suggestions = suggest_hs_codes(title_en=title, category_slug=category)
    return JsonResponse(
        {
            "suggestions": [
                {
                    "code": suggestion.code,
                    "hs6": suggestion.hs6,
                    "description": suggestion.description,
                    "description_zh": suggestion.description_zh,
                    "on_positive_list": suggestion.on_positive_list,
                }
                for suggestion in suggestions
            ]
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse(
        {"detail": message, "field": "title"}, status=400, json_dumps_params={"ensure_ascii": False}
    )
