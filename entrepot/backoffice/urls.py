from django.urls import path

from entrepot.backoffice import money_views, views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("sellers/", views.seller_queue, name="sellers"),
    path("sellers/<int:pk>/decide/", views.seller_decide, name="seller_decide"),
    path("listings/<int:pk>/", views.listing_moderate, name="listing_moderate"),
    path("payments/", money_views.payments, name="payments"),
    path("ledger/", money_views.ledger, name="ledger"),
    path("payouts/", money_views.payouts, name="payouts"),
]
