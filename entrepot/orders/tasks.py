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


@db_periodic_task(crontab(minute="7"))
def auto_confirm_receipt() -> int:
    """Hourly: orders delivered more than the window ago are confirmed; escrow is released."""
    from entrepot.orders.services import orders_auto_confirm

    confirmed = orders_auto_confirm()
    if confirmed:
        logger.info("auto-confirmed %d delivered orders", confirmed)
    return confirmed
