from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SellerApiConfig(AppConfig):
    name = "entrepot.sellerapi"
    label = "sellerapi"
    verbose_name = _("Seller API")
