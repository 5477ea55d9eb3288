from django.urls import path

from entrepot.buyers import views

app_name = "buyers"

urlpatterns = [
    path("identity/", views.verify_identity, name="identity"),
]
