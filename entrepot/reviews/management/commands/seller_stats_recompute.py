"""`entrepot manage seller_stats_recompute`: rebuild the sellers' service counters and
scores and the products' ratings from history (orders, customs, after-sales, reviews).

Idempotent; run it once after upgrading onto existing data, or to check the counters
(`--check` reports the sellers whose stored counters differ and writes nothing).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from entrepot.reviews.models import COUNTERS, SellerStats
from entrepot.reviews.recompute import seller_counts_from_history, seller_stats_recompute


class Command(BaseCommand):
    help = "Recount the sellers' service counters and the products' ratings from history."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only report counters that differ")

    def handle(self, *args, check: bool = False, **options):
        if not check:
            written = seller_stats_recompute()
            self.stdout.write(f"recounted the service counters of {written} sellers")
            return
        recounted = seller_counts_from_history()
        stored = {
            row["seller_id"]: row for row in SellerStats.objects.values("seller_id", *COUNTERS)
        }
        differ = 0
        for seller_id in sorted(set(recounted) | set(stored)):
            want = recounted.get(seller_id, dict.fromkeys(COUNTERS, 0))
            have = {n: stored.get(seller_id, {}).get(n, 0) for n in COUNTERS}
            if want != have:
                differ += 1
                changed = ", ".join(
                    f"{n} {have[n]} -> {want[n]}" for n in COUNTERS if have[n] != want[n]
                )
                self.stdout.write(f"seller {seller_id}: {changed}")
        self.stdout.write(f"{differ} sellers differ from their history")
