from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from entrepot.buyers import views as buyer_views
from entrepot.catalog import media_views
from entrepot.config.api import api
from entrepot.config.health import healthz
from entrepot.config.locale import language_switch

admin.site.site_header = "Entrepôt back office"
admin.site.site_title = "Entrepôt"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("i18n/switch/<str:code>/", language_switch, name="language_switch"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", buyer_views.log_in, name="login"),
    path("accounts/signup/", buyer_views.sign_up, name="signup"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("media/<path:path>", media_views.media, name="media"),
    path("payments/", include("entrepot.payments.urls")),
    path("account/", include("entrepot.buyers.urls")),
    path("seller/import/", include("entrepot.catalogimport.urls")),
    path("seller/api-tokens/", include("entrepot.sellerapi.urls")),
    path("seller/analytics/", include("entrepot.analytics.seller_urls")),
    path("seller/shipping/", include("entrepot.logistics.seller_urls")),
    path("seller/", include("entrepot.sellercentral.urls")),
    path("backoffice/dashboard/", include("entrepot.analytics.urls")),
    path("backoffice/operations/", include("entrepot.analytics.operations_urls")),
    path("backoffice/customs/", include("entrepot.customs.urls")),
    path("backoffice/logistics/", include("entrepot.logistics.backoffice_urls")),
    path("backoffice/admin/", admin.site.urls),
    path("backoffice/", include("entrepot.backoffice.urls")),
    path("search/", include("entrepot.search.urls")),
    path("delivery/", include("entrepot.logistics.buyer_urls")),
    path("", include("entrepot.storefront.urls")),
]
