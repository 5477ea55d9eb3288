"""Background work of payments, run by `entrepot worker` (huey)."""

from __future__ import annotations

import threading

from huey.contrib.djhuey import close_db, db_task, on_startup

from entrepot.payments.services import sandbox_notification_deliver, sandbox_notifications_resend

_started = threading.Event()
_starting = threading.Lock()


@db_task()
def deliver_sandbox_notification(notify_url: str, body: str, attempt: int = 1) -> bool:
    """Post one sandbox wallet notification; a refused one schedules its own retry
    (exponential back-off, see services.sandbox_notification_deliver)."""
    return sandbox_notification_deliver(notify_url=notify_url, body=body, attempt=attempt)


@on_startup()
@close_db
def resend_lost_sandbox_notifications() -> None:
    """When a worker process starts (once, though each of its threads calls this): the
    sandbox wallet's notifications a killed worker was delivering were lost with it;
    send again those of payments still open (see services.sandbox_notifications_resend)."""
    with _starting:
        if _started.is_set():
            return
        _started.set()
    sandbox_notifications_resend()
