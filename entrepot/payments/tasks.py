"""Background work of payments, run by `entrepot worker` (huey)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from entrepot.payments.services import sandbox_notification_deliver


@db_task()
def deliver_sandbox_notification(notify_url: str, body: str, attempt: int = 1) -> bool:
    """Post one sandbox wallet notification; a refused one schedules its own retry
    (exponential back-off, see services.sandbox_notification_deliver)."""
    return sandbox_notification_deliver(notify_url=notify_url, body=body, attempt=attempt)
