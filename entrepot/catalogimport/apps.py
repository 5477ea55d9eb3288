from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogImportConfig(AppConfig):
    name = "entrepot.catalogimport"
    label = "catalogimport"
    verbose_name = _("Bulk import of listings")
