from django.urls import path

from entrepot.storefront import views

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("p/<int:pk>/", views.product, name="product"),
    path("s/<slug:slug>/", views.seller_shop, name="seller"),
]
