"""Seller central: review the Chinese text of one's listings.

Drafts come from the translation memory and machine translation; the seller's
reviewed text is the truth and goes into the memory for every listing that shares
the English. Like the rest of seller central, another seller's product answers 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from entrepot.catalog.models import Product
from entrepot.sellercentral.views import seller_required
from entrepot.sellers.models import Seller
from entrepot.translation.glossary import glossary_terms
from entrepot.translation.services import Suggestion, memory_lookup, translation_review

QUEUE_PAGE_SIZE = 50
QUEUE_FIELDS = ("id", "title_en", "title_zh", "translation_status")


class ChineseTextForm(forms.Form):
    title_zh = forms.CharField(
        label=gettext_lazy("Chinese title"),
        max_length=Product._meta.get_field("title_zh").max_length,
        widget=forms.TextInput(attrs={"lang": "zh-Hans"}),
    )
    description_zh = forms.CharField(
        label=gettext_lazy("Chinese description"),
        required=False,
        widget=forms.Textarea(attrs={"lang": "zh-Hans", "rows": 8}),
    )


def _origin_label(suggestion: Suggestion) -> str:
    if suggestion.origin == "memory":
        if suggestion.reviewed:
            return _("Translation memory: reviewed text for the same English")
        return _("Translation memory: unreviewed draft for the same English")
    if suggestion.origin == "memory-near":
        return _("Translation memory: text for similar English (%(percent)d%% alike)") % {
            "percent": int(suggestion.score * 100)
        }
    return _("Machine translation")


@require_safe
@seller_required
def translation_queue(request: HttpRequest, seller: Seller) -> HttpResponse:
    raw = request.GET.get("before", "")
    if raw and not raw.isdigit():
        raise Http404("before must be a product number")
    queryset = (
        Product.objects.filter(seller=seller)
        .exclude(translation_status="reviewed")
        .only(*QUEUE_FIELDS)
        .order_by("-id")
    )
    if raw:
        queryset = queryset.filter(id__lt=int(raw))
    rows = list(queryset[: QUEUE_PAGE_SIZE + 1])
    has_more = len(rows) > QUEUE_PAGE_SIZE
    rows = rows[:QUEUE_PAGE_SIZE]
    return render(
        request,
        "sellercentral/translation_queue.html",
        {
            "seller": seller,
            "products": rows,
            "next_before": rows[-1].id if has_more else None,
        },
    )


def _suggestion(text_en: str) -> dict | None:
    found = memory_lookup(text_en) if text_en.strip() else None
    if found is None:
        return None
    return {"text": found.text_zh, "label": _origin_label(found)}


@require_http_methods(["GET", "HEAD", "POST"])
@seller_required
def translation_edit(request: HttpRequest, seller: Seller, pk: int) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk, seller=seller)
    suggestions = {
        "title": _suggestion(product.title_en),
        "description": _suggestion(product.description_en),
    }
    status = 200
    if request.method == "POST":
        form = ChineseTextForm(request.POST)
        if form.is_valid():
            try:
                translation_review(
                    product=product,
                    title_zh=form.cleaned_data["title_zh"],
                    description_zh=form.cleaned_data["description_zh"],
                    reviewer=request.user,
                )
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _(
                        "Chinese text of “%(title)s” saved as reviewed; listings with the "
                        "same English will get it too."
                    )
                    % {"title": product.title_en},
                )
                return redirect("sellercentral:translation_queue")
        status = 400
    else:
        # the current draft if there is one, otherwise the memory's suggestion
        initial = {
            "title_zh": product.title_zh or (suggestions["title"] or {}).get("text", ""),
            "description_zh": product.description_zh
            or (suggestions["description"] or {}).get("text", ""),
        }
        form = ChineseTextForm(initial=initial)
    terms = glossary_terms(f"{product.title_en}\n{product.description_en}")
    return render(
        request,
        "sellercentral/translation_edit.html",
        {
            "seller": seller,
            "product": product,
            "form": form,
            "suggestions": suggestions,
            "terms": terms,
        },
        status=status,
    )
