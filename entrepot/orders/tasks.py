"""Background work of orders, run by `entrepot worker` (huey)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from entrepot.orders.services import reservations_release_expired

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def release_expired_reservations() -> int:
    """Every minute: unpaid orders past their quote give their stock back."""
    released = reservations_release_expired()
    if released:
        logger.info("released the stock of %d unpaid orders", released)
    return released
