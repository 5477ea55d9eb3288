from django.urls import path

from entrepot.analytics import seller_views

app_name = "selleranalytics"

urlpatterns = [
    path("", seller_views.seller_dashboard, name="dashboard"),
]
