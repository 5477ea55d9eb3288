from django.urls import path

from entrepot.reviews import views

app_name = "reviews_backoffice"

urlpatterns = [
    path("", views.backoffice_list, name="list"),
    path("<int:pk>/hide/", views.backoffice_hide, name="hide"),
]
