from django.urls import path

from entrepot.analytics import operations_views

app_name = "operations"

urlpatterns = [
    path("", operations_views.operations, name="home"),
    path("rates/import/", operations_views.rates_upload, name="rates_import"),
]
