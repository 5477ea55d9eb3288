from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from entrepot.backoffice.selectors import overview


@require_safe
@staff_member_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/home.html", {"overview": overview()})
