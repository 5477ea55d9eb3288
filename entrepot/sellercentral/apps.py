from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SellercentralConfig(AppConfig):
    name = "entrepot.sellercentral"
    label = "sellercentral"
    verbose_name = _("Seller central")
