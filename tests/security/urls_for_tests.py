"""The real URL map plus one page nobody wrote an access policy entry for."""

from django.http import HttpResponse
from django.urls import include, path

from entrepot.config.urls import urlpatterns as real


def new_page(request, pk: int) -> HttpResponse:
    return HttpResponse("nobody said who may see this")


urlpatterns = [
    path(
        "security-test/",
        include(([path("new-page/<int:pk>/", new_page, name="new_page")], "security_test")),
    ),
    *real,
]
