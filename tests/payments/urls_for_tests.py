"""The project's URLs with payments mounted where entrepot.config.urls will mount them."""

from django.urls import include, path

from entrepot.config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("payments/", include("entrepot.payments.urls")),
    *project_urlpatterns,
]
