"""Background work of logistics, run by `entrepot worker` (huey)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from entrepot.logistics.bonded import bonded_orders_dispatch
from entrepot.logistics.shipments import (
    carrier_events_poll,
    shipments_book_undeclared,
    shipments_flag_overdue,
)

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def carrier_events() -> int:
    """Every minute: the carriers' tracking news of parcels on their way."""
    recorded = carrier_events_poll()
    if recorded:
        logger.info("recorded %d tracking events", recorded)
    return recorded


@db_periodic_task(crontab(minute="*"))
def bonded_dispatch() -> int:
    """Every minute: bonded warehouses pick and ship the orders customs have cleared."""
    shipped = bonded_orders_dispatch()
    if shipped:
        logger.info("bonded warehouses shipped %d orders", shipped)
    return shipped


@db_periodic_task(crontab(minute="17"))
def shipping_deadlines() -> int:
    """Hourly: flag direct-mail orders not shipped within the window; remind the seller."""
    flagged = shipments_flag_overdue()
    if flagged:
        logger.info("flagged %d orders not shipped in time", flagged)
    return flagged


@db_periodic_task(crontab(minute="*"))
def undeclared_shipments() -> int:
    """Every minute: book shipments of paid orders that need no customs declaration."""
    booked = shipments_book_undeclared()
    if booked:
        logger.info("booked shipments for %d orders shipping outside China", booked)
    return booked
