from django.urls import path

from entrepot.storefront import checkout_views, views

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("p/<int:pk>/", views.product, name="product"),
    path("s/<slug:slug>/", views.seller_shop, name="seller"),
    path("cart/", checkout_views.cart_view, name="cart"),
    path("cart/add/", checkout_views.cart_add_view, name="cart_add"),
    path("cart/update/", checkout_views.cart_update_view, name="cart_update"),
    path("checkout/", checkout_views.checkout_view, name="checkout"),
    path("checkout/<int:pk>/", checkout_views.checkout_review, name="checkout_review"),
    path("orders/", checkout_views.orders_view, name="orders"),
    path("orders/<str:number>/", checkout_views.order_view, name="order"),
]
