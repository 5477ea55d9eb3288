from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from entrepot.buyers import views as buyer_views
from entrepot.catalog import media_views
from entrepot.config.api import api
from entrepot.config.bench_floor import floor_urls
from entrepot.config.health import healthz
from entrepot.config.locale import language_switch
from entrepot.config.ratelimit import guard_login

admin.site.site_header = "Entrepôt back office"
admin.site.site_title = "Entrepôt"
# the admin's own login page gets the same lockout as the site's (entrepot.config.ratelimit)
admin.site.login = guard_login(admin.site.login)

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
    path("account/returns/", include("entrepot.aftersales.buyer_urls")),
    path("account/", include("entrepot.buyers.urls")),
    path("seller/import/", include("entrepot.catalogimport.urls")),
    path("seller/api-tokens/", include("entrepot.sellerapi.urls")),
    path("seller/analytics/", include("entrepot.analytics.seller_urls")),
    path("seller/shipping/", include("entrepot.logistics.seller_urls")),
    path("seller/reviews/", include("entrepot.reviews.seller_urls")),
    path("seller/aftersales/", include("entrepot.aftersales.seller_urls")),
    path("seller/", include("entrepot.sellercentral.urls")),
    path("backoffice/dashboard/", include("entrepot.analytics.urls")),
    path("backoffice/operations/", include("entrepot.analytics.operations_urls")),
    path("backoffice/customs/", include("entrepot.customs.urls")),
    path("backoffice/audit/", include("entrepot.audit.urls")),
    path("backoffice/logistics/", include("entrepot.logistics.backoffice_urls")),
    path("backoffice/reviews/", include("entrepot.reviews.backoffice_urls")),
    path("backoffice/admin/", admin.site.urls),
    path("backoffice/disputes/", include("entrepot.aftersales.backoffice_urls")),
    path("backoffice/", include("entrepot.backoffice.urls")),
    path("search/", include("entrepot.search.urls")),
    path("delivery/", include("entrepot.logistics.buyer_urls")),
    path("reviews/", include("entrepot.reviews.urls")),
    path("", include("entrepot.storefront.urls")),
]
# the benchmark suite's floor page, only when ENTREPOT_BENCH_FLOOR is on (entrepot bench)
urlpatterns += floor_urls()

# request bodies too large to parse get 413 with a message (entrepot.config.security)
handler400 = "entrepot.config.security.bad_request"
