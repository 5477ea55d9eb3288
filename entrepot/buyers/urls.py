from django.urls import path

from entrepot.buyers import address_views, privacy_views, views

app_name = "buyers"

urlpatterns = [
    path("", views.account, name="account"),
    path("identity/", views.verify_identity, name="identity"),
    path("personal-data/", privacy_views.personal_data_download, name="personal_data"),
    path("delete/", privacy_views.account_delete, name="account_delete"),
    path("addresses/", address_views.address_list, name="addresses"),
    path("addresses/add/", address_views.address_add, name="address_add"),
    path("addresses/districts/", address_views.districts, name="address_districts"),
    path("addresses/<int:pk>/edit/", address_views.address_edit, name="address_edit"),
    path("addresses/<int:pk>/delete/", address_views.address_delete, name="address_delete"),
    path("addresses/<int:pk>/default/", address_views.address_default, name="address_default"),
]
