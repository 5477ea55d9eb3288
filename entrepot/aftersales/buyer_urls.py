from django.urls import path

from entrepot.aftersales import buyer_views

app_name = "aftersales_buyer"

urlpatterns = [
    path("", buyer_views.cases, name="cases"),
    path("order/<str:number>/return/", buyer_views.return_new, name="return_new"),
    path("order/<str:number>/dispute/", buyer_views.dispute_new, name="dispute_new"),
    path("<int:pk>/", buyer_views.return_detail, name="return"),
    path("disputes/<int:pk>/", buyer_views.dispute_detail, name="dispute"),
    path("disputes/<int:pk>/reply/", buyer_views.dispute_reply, name="dispute_reply"),
]
