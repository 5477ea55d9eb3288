"""Background work of bulk imports, run by `entrepot worker` (huey)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from entrepot.catalogimport.services import import_job_run


@db_task()
def run_import_job(job_id: int) -> None:
    """Import the file of a queued ImportJob (enqueued by import_job_start)."""
    import_job_run(job_id=job_id)
