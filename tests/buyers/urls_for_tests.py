"""The site's URLs with the buyer account pages mounted where they will be wired."""

from django.urls import include, path

from entrepot.config import urls

urlpatterns = [path("account/", include("entrepot.buyers.urls")), *urls.urlpatterns]
