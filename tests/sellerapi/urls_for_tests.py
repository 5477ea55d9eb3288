"""The project's URLs with the token page mounted where seller central will include it."""

from django.urls import include, path

from entrepot.config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("seller/api-tokens/", include("entrepot.sellerapi.urls")),
    *project_urlpatterns,
]
