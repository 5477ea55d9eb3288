"""The project's URLs with the bulk import mounted where seller central links to it."""

from django.urls import include, path

from entrepot.config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("seller/import/", include("entrepot.catalogimport.urls")),
    *project_urlpatterns,
]
