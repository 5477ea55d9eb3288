from django.urls import path

from entrepot.sellercentral import (
    hs_views,
    listings,
    onboarding,
    orders_views,
    translation_views,
    views,
)

app_name = "sellercentral"

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", onboarding.signup, name="signup"),
    path("orders/", orders_views.orders, name="orders"),
    path("onboarding/", onboarding.onboarding, name="onboarding"),
    path("products/new/", listings.listing_new, name="listing_new"),
    path("products/<int:pk>/", views.product, name="product"),
    path("products/<int:pk>/edit/", listings.listing_edit, name="listing_edit"),
    path("products/<int:pk>/publish/", listings.listing_publish_view, name="listing_publish"),
    path("products/<int:pk>/unpublish/", listings.listing_unpublish_view, name="listing_unpublish"),
    path("products/<int:pk>/images/", listings.listing_image_add, name="listing_image_add"),
    path("hs-suggest/", hs_views.hs_suggest, name="hs_suggest"),
    path("translations/", translation_views.translation_queue, name="translation_queue"),
    path("translations/<int:pk>/", translation_views.translation_edit, name="translation_edit"),
]
