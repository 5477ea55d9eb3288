from django.urls import path

from entrepot.aftersales import backoffice_views

app_name = "aftersales_backoffice"

urlpatterns = [
    path("", backoffice_views.disputes, name="disputes"),
    path("<int:pk>/", backoffice_views.dispute_detail, name="dispute"),
    path("<int:pk>/resolve/", backoffice_views.dispute_resolve, name="dispute_resolve"),
    path("returns/<int:pk>/receive/", backoffice_views.return_receive, name="return_receive"),
    path("orders/<str:number>/refund/", backoffice_views.refund, name="refund"),
]
