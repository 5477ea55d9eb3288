from django.urls import path

from entrepot.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_trail, name="trail"),
]
