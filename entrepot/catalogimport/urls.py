"""Bulk import and export of listings; included at `seller/import/`."""

from django.urls import path

from entrepot.catalogimport import views

app_name = "catalogimport"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/status.json", views.status, name="status"),
    path("<int:pk>/rejected.csv", views.rejected, name="rejected"),
    path("export.csv", views.export, name="export"),
]
