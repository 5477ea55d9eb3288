from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuyersConfig(AppConfig):
    name = "entrepot.buyers"
    label = "buyers"
    verbose_name = _("Buyers")

    def ready(self) -> None:
        # the header's roles are remembered in the session at login
        from entrepot.config import auth  # noqa: F401
