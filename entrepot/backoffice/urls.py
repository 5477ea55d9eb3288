from django.urls import path

from entrepot.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("sellers/", views.seller_queue, name="sellers"),
    path("sellers/<int:pk>/decide/", views.seller_decide, name="seller_decide"),
    path("listings/<int:pk>/", views.listing_moderate, name="listing_moderate"),
]
