"""Background work of search, run by `entrepot worker` (huey).

`embed_stale_documents` is enqueued (on commit) by `services.index_products` whenever a
listing needs an embedding not stored yet. The minute sweep embeds whatever is still
stale, so an enqueue lost with a crashed worker or queue only delays an embedding;
the hourly one re-indexes listings changed behind the services' back, drops
embeddings no listing uses and saves the semantic index for the web processes.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from entrepot.search import services
from entrepot.search.semantic import semantic_index

logger = logging.getLogger(__name__)

# a run embeds at most this many documents (about 30 s of CPU at worst); the sweep
# picks up the rest a minute later
BATCH = 1024


@db_task()
def embed_stale_documents() -> int:
    """Embed the documents waiting for an embedding."""
    return services.embeddings_refresh(limit=BATCH)


@db_periodic_task(crontab(minute="*"))
def sweep_stale_embeddings() -> int:
    """Every minute: nothing stays without an embedding because a task was lost."""
    done = services.embeddings_refresh(limit=BATCH)
    if done:
        logger.info("embedded %d stale search documents", done)
    return done


@db_periodic_task(crontab(minute="23"))
def reconcile_search_index() -> str:
    """Hourly: index listings the services missed; drop unused embeddings; save the
    semantic index."""
    report = services.documents_reconcile()
    removed = services.embeddings_remove_unused()
    saved = semantic_index.save()
    summary = (
        f"{report.summary()}; {removed} unused embeddings removed; "
        f"semantic index of {saved} embeddings saved"
    )
    if report.indexed or report.removed or removed:
        logger.info("search reconcile: %s", summary)
    return summary
