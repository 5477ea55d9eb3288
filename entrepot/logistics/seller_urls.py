from django.urls import path

from entrepot.logistics import seller_views

app_name = "seller_shipping"

urlpatterns = [
    path("", seller_views.shipping, name="orders"),
    path("consignments/", seller_views.consignments, name="consignments"),
    path("<str:number>/", seller_views.shipment, name="shipment"),
]
