"""`entrepot manage analytics_rebuild`: recompute the dashboard rollups from the orders."""

from django.core.management.base import BaseCommand

from entrepot.analytics.services import analytics_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every analytics rollup from the orders and sellers and reset the "
        "refresh watermarks (one transaction; on SQLite it blocks writers meanwhile)."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(analytics_rebuild().summary())
