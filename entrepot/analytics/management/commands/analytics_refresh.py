"""`entrepot manage analytics_refresh`: fold new order events into the rollups now."""

from django.core.management.base import BaseCommand

from entrepot.analytics.services import analytics_refresh


class Command(BaseCommand):
    help = "Fold the order events and sellers not yet counted into the analytics rollups."

    def handle(self, *args, **options) -> None:
        self.stdout.write(analytics_refresh().summary())
