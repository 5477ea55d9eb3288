from django.urls import path

from entrepot.reviews import views

app_name = "reviews_seller"

urlpatterns = [
    path("", views.seller_list, name="list"),
    path("<int:pk>/reply/", views.seller_reply, name="reply"),
]
