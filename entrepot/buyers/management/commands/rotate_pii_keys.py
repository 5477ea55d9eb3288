"""`entrepot manage rotate_pii_keys`: re-encrypt buyers' ID numbers under the newest key.

Rotation: put the new key first in ENTREPOT_PII_KEYS (keep the old ones after it), run
this, then remove the old keys.
"""

from django.core.management.base import BaseCommand

from entrepot.buyers import vault
from entrepot.buyers.services import identity_rotate_keys


class Command(BaseCommand):
    help = "Re-encrypt every stored ID number under the newest key of ENTREPOT_PII_KEYS."

    def handle(self, *args, **options) -> None:
        count = identity_rotate_keys()
        self.stdout.write(
            f"{count} ID number(s) now encrypted under key {vault.current_key_id()}; "
            "keys after the first in ENTREPOT_PII_KEYS can be removed."
        )
