"""`entrepot manage search_reindex`: rebuild the search index of the whole catalogue.

Every listing is analysed again (published ones indexed, others removed), missing
embeddings are computed (each distinct text once), embeddings no listing uses are
deleted, and the semantic index is built afresh and saved for the web processes
(restart them, or they add what is new to the index they hold).
Safe while the site runs: each chunk of listings is its own short transaction.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from entrepot.search import services
from entrepot.search.embeddings import set_threads
from entrepot.search.models import SearchTerm
from entrepot.search.semantic import semantic_index


class Command(BaseCommand):
    help = "Rebuild the search index (keywords and embeddings) of every listing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--full", action="store_true",
            help="also rebuild the term list used to correct misspellings",
        )  # fmt: skip
        parser.add_argument(
            "--threads", type=int, default=None,
            help="threads for computing embeddings (default: the setting, 1)",
        )  # fmt: skip

    def handle(self, *args, full: bool = False, threads: int | None = None, **options):
        started = time.perf_counter()
        if threads is not None:
            set_threads(threads)
        if full:
            SearchTerm.objects.all().delete()
        done = 0

        def progress(count: int) -> None:
            nonlocal done
            done += count
            if options["verbosity"] > 1:
                self.stdout.write(f"  {done:,} listings read")

        report = services.index_all(progress=progress)
        refreshed = 0
        while True:
            batch = services.embeddings_refresh(limit=2048)
            refreshed += batch
            if not batch:
                break
        removed = services.embeddings_remove_unused()
        semantic_index.forget_saved()
        semantic_index.reset()
        saved = semantic_index.save()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"search_reindex: {report.summary()}; {refreshed:,} more embedded, "
            f"{removed:,} unused embeddings removed, semantic index of {saved:,} saved, "
            f"in {seconds:.1f} s"
        )
