from django.urls import path

from entrepot.logistics import backoffice_views

app_name = "logistics_backoffice"

urlpatterns = [
    path("bonded/", backoffice_views.bonded, name="bonded"),
    path("consignments/<int:pk>/receive/", backoffice_views.receive, name="receive"),
]
