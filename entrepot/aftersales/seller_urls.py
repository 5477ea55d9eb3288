from django.urls import path

from entrepot.aftersales import seller_views

app_name = "aftersales_seller"

urlpatterns = [
    path("", seller_views.cases, name="cases"),
    path("returns/<int:pk>/", seller_views.return_detail, name="return"),
    path("returns/<int:pk>/decide/", seller_views.return_decide, name="return_decide"),
    path("disputes/<int:pk>/", seller_views.dispute_detail, name="dispute"),
    path("disputes/<int:pk>/answer/", seller_views.dispute_answer, name="dispute_answer"),
    path("orders/<str:number>/refund/", seller_views.refund, name="refund"),
]
