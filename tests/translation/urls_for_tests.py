"""The site's URLs plus the translation review pages, until they are wired in urls.py.

The seller-central namespace below comes before the site's own, so its names win.
"""

from django.urls import include, path

from entrepot.config.urls import urlpatterns as base
from entrepot.sellercentral import translation_views, views

seller_patterns = (
    [
        path("", views.home, name="home"),
        path("products/<int:pk>/", views.product, name="product"),
        path("translations/", translation_views.translation_queue, name="translation_queue"),
        path("translations/<int:pk>/", translation_views.translation_edit, name="translation_edit"),
    ],
    "sellercentral",
)

urlpatterns = [path("seller/", include(seller_patterns)), *base]
