from django.urls import path

from entrepot.logistics import buyer_views

app_name = "delivery"

urlpatterns = [
    path("orders/<str:number>/confirm-receipt/", buyer_views.confirm_receipt,
         name="confirm_receipt"),  # fmt: skip
]
