from django.urls import path

from entrepot.sellerapi import views

app_name = "sellerapi"

urlpatterns = [
    path("", views.tokens, name="tokens"),
]
