from django.urls import path

from entrepot.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("export/<slug:table>.csv", views.dashboard_csv, name="dashboard_csv"),
]
