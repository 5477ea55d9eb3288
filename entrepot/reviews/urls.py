from django.urls import path

from entrepot.reviews import views

app_name = "reviews"

urlpatterns = [
    path("lines/<int:line_id>/write/", views.write, name="write"),
]
