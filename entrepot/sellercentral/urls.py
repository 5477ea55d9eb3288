from django.urls import path

from entrepot.sellercentral import views

app_name = "sellercentral"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/<int:pk>/", views.product, name="product"),
]
